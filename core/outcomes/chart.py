"""What a patient's outcome chart shows, worked out once for the screen and the printout alike.

One small chart per measure (a PROMIS domain, and the 0-10 pain item where it was asked): the scores over
time with their standard error where the table gives one, each course's baseline, the band of one MCID
either side of it (a change inside the band is not a meaningful one; PROMIS.md 4), which side of the band
is better, and the dates of the courses. Higher T is more of what the domain measures: better for a
function domain, worse for a symptom (PROMIS.md 2.1), so the chart says "better ↑" or "better ↓" per
measure rather than leaving the reader to know. A score from a table still to be verified says so.

Plain values only: the screen paints them (``ui.widgets.outcome_chart``), the course summary draws them
(``core.reports.course_summary``), and neither decides anything about them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from core.outcomes.windows import CourseSpan
from core.promis import PromisTables
from core.protocol import Outcomes

PAIN = "Pain intensity"
"""The 0-10 item's measure: a raw number, no T-score (PROMIS.md 2.1)."""
PAIN_RANGE = (Decimal(0), Decimal(10))
T_STEP = 5
"""The T axis runs between multiples of this, at least ``T_SPAN`` points tall."""
T_SPAN = 20
MARKS = ("square", "circle", "triangle", "diamond", "star")
"""The marker of each time point, in the protocol's order: told apart by shape, in black and white."""
OUTSIDE = "ring"
"""The marker of a form answered outside every window: kept and shown, counted for no time point."""
MARK_GLYPHS = {"square": "■", "circle": "●", "triangle": "▲", "diamond": "◆", "star": "★", "ring": "○"}


def mark_of(outcomes: Outcomes, point_id: str | None) -> str:
    """The marker shape of a time point (a ring for none); points beyond the shapes share the last."""
    ids = [point.id for point in outcomes.time_points]
    if point_id is None or point_id not in ids:
        return OUTSIDE
    return MARKS[min(ids.index(point_id), len(MARKS) - 1)]


def legend(outcomes: Outcomes) -> tuple[tuple[str, str], ...]:
    """Each time point's marker and label, then the ring's, for the key under the chart."""
    found = tuple((mark_of(outcomes, point.id), point.label) for point in outcomes.time_points)
    return (*found, (OUTSIDE, "outside every window"))


@dataclass(frozen=True)
class FormScore:
    """One form of a sitting as the record scored it."""

    form_id: str
    domain: str
    t_score: Decimal | None
    se: Decimal | None
    answered: int
    of: int
    to_verify: bool

    @property
    def words(self) -> str:
        if self.t_score is None:
            return f"not scorable ({self.answered} of {self.of} answered)"
        se = f" ± {self.se}" if self.se is not None else ""
        return f"T {self.t_score}{se}" + (" (table to verify)" if self.to_verify else "")

    @property
    def described(self) -> str:
        """The measure by its name and its score, for a reader who does not know the forms' codes (the code
        is in the record, and on the report's list of tables)."""
        return f"{self.domain or self.form_id} {self.words}"


@dataclass(frozen=True)
class OutcomeLine:
    """One sitting's forms, placed by the protocol's windows."""

    assessment_id: str
    taken_on: date
    taken_at: datetime
    point_id: str | None
    """The protocol's time point it counts for; None when it falls in no window of any course."""
    point_label: str
    counts: bool
    """The one of its window that counts (the latest baseline, the follow-up nearest its day)."""
    mode: str
    forms: tuple[FormScore, ...]
    pain_intensity: int | None


@dataclass(frozen=True)
class ChartPoint:
    on: date
    value: Decimal
    se: Decimal | None
    point_id: str | None
    point_label: str
    course_number: int | None
    to_verify: bool
    counts: bool
    mark: str = OUTSIDE
    """The marker's shape (``MARKS``), by the time point."""


@dataclass(frozen=True)
class Baseline:
    """A course's baseline score on one measure and its MCID band, drawn from ``on`` to ``until``."""

    course_number: int
    value: Decimal
    mcid: Decimal | None
    higher_is_better: bool
    on: date
    until: date

    @property
    def low(self) -> Decimal | None:
        return self.value - self.mcid if self.mcid is not None else None

    @property
    def high(self) -> Decimal | None:
        return self.value + self.mcid if self.mcid is not None else None

    @property
    def improved_at(self) -> Decimal | None:
        """A score at least this far in the better direction is a meaningful improvement."""
        return self.high if self.higher_is_better else self.low

    @property
    def worsened_at(self) -> Decimal | None:
        return self.low if self.higher_is_better else self.high


@dataclass(frozen=True)
class Measure:
    domain: str
    forms: tuple[str, ...]
    """The form ids its scores came from."""
    scale: str
    """"T" for a PROMIS T-score, "0–10" for the pain item."""
    higher_is_better: bool
    mcid: Decimal | None
    lowest: Decimal
    highest: Decimal
    """The value axis, from ``lowest`` to ``highest``."""
    points: tuple[ChartPoint, ...]
    baselines: tuple[Baseline, ...]

    @property
    def better(self) -> str:
        return "better ↑" if self.higher_is_better else "better ↓"

    @property
    def better_words(self) -> str:
        return "higher is better" if self.higher_is_better else "lower is better"

    @property
    def to_verify(self) -> bool:
        return any(point.to_verify for point in self.points)


@dataclass(frozen=True)
class CourseDates:
    number: int
    first: date
    last: date


@dataclass(frozen=True)
class OutcomeChart:
    measures: tuple[Measure, ...]
    courses: tuple[CourseDates, ...]
    start: date
    end: date
    legend: tuple[tuple[str, str], ...] = ()
    """Each marker's shape and what it stands for, in the protocol's order of time points."""
    unscored: tuple[tuple[str, int], ...] = ()
    """Each measure whose recorded forms were none of them scorable, with how many were recorded: it has no
    line to draw, and the chart says so rather than leave the measure out unseen."""

    @property
    def to_verify(self) -> bool:
        return any(m.to_verify for m in self.measures)

    @property
    def empty(self) -> bool:
        return not self.measures

    @property
    def unscored_words(self) -> str:
        """ "Not charted: …" for the measures recorded only as not scorable; empty when there are none."""
        if not self.unscored:
            return ""
        parts = [
            f"{domain} ({n} form{'s' if n != 1 else ''} not scorable: items missing)" for domain, n in self.unscored
        ]
        return f"Not charted: {'; '.join(parts)}."


def chart_of(
    outcomes: Outcomes,
    tables: PromisTables,
    spans: Sequence[CourseSpan],
    placed: Sequence[tuple[OutcomeLine, str | None]],
    today: date,
) -> OutcomeChart:
    """The chart of the sittings ``placed`` (each with its course's id), in the protocol's order of forms."""
    numbers = {span.course_id: span.number for span in spans}
    courses = course_dates(spans)
    by_domain: dict[str, list[tuple[ChartPoint, str]]] = {}
    not_scorable: dict[str, int] = {}
    pain: list[ChartPoint] = []
    for line, course_id in sorted(placed, key=lambda pair: pair[0].taken_at):
        number = numbers.get(course_id) if course_id is not None else None
        for form in line.forms:
            if form.t_score is None:
                not_scorable[form.domain] = not_scorable.get(form.domain, 0) + 1
                continue
            point = ChartPoint(
                line.taken_on,
                form.t_score,
                form.se,
                line.point_id,
                line.point_label,
                number,
                form.to_verify,
                line.counts,
                mark_of(outcomes, line.point_id),
            )
            by_domain.setdefault(form.domain, []).append((point, form.form_id))
        if line.pain_intensity is not None:
            pain.append(
                ChartPoint(
                    line.taken_on,
                    Decimal(line.pain_intensity),
                    None,
                    line.point_id,
                    line.point_label,
                    number,
                    False,
                    line.counts,
                    mark_of(outcomes, line.point_id),
                )
            )
    measures = []
    for domain in _domains(outcomes, tables, by_domain):
        found = by_domain[domain]
        points = tuple(point for point, _ in found)
        forms = tuple(dict.fromkeys(form for _, form in found))
        better = tables.forms[forms[0]].higher_is_better if forms[0] in tables.forms else False
        mcid = outcomes.mcid_for(domain)
        baselines = _baselines(points, mcid, better, courses, outcomes.baseline.id)
        low, high = _t_axis(points, baselines)
        measures.append(Measure(domain, forms, "T", better, mcid, low, high, points, baselines))
    if pain:
        mcid = outcomes.pain_intensity_mcid.points if outcomes.pain_intensity_mcid is not None else None
        points = tuple(pain)
        baselines = _baselines(points, mcid, False, courses, outcomes.baseline.id)
        measures.append(Measure(PAIN, (), "0–10", False, mcid, *PAIN_RANGE, points, baselines))
    days = [c.first for c in courses] + [c.last for c in courses]
    days += [p.on for m in measures for p in m.points]
    start = min(days, default=today)
    end = max(days, default=today)
    if end <= start:
        end = start + timedelta(days=1)
    unscored = tuple((domain, n) for domain, n in not_scorable.items() if domain not in by_domain)
    return OutcomeChart(tuple(measures), courses, start, end, legend(outcomes), unscored)


def course_dates(spans: Sequence[CourseSpan]) -> tuple[CourseDates, ...]:
    """Each course from its first day (or its first infusion, if earlier) to its last planned day, never into
    the next course's first day."""
    ordered = sorted(spans, key=lambda s: s.number)
    found = []
    for index, span in enumerate(ordered):
        last = span.first_day + timedelta(days=span.days - 1)
        first = span.first_started_at.astimezone().date() if span.first_started_at is not None else span.first_day
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        if following is not None:
            last = min(last, following.first_day - timedelta(days=1))
        found.append(CourseDates(span.number, min(first, span.first_day), max(last, min(first, span.first_day))))
    return tuple(found)


def _domains(outcomes: Outcomes, tables: PromisTables, by_domain: dict[str, list[tuple[ChartPoint, str]]]) -> list[str]:
    """The domains with a score, the protocol's forms' first, in its order; any other after them."""
    ordered = [tables.forms[f].domain for f in outcomes.forms if f in tables.forms]
    ordered += sorted(set(by_domain) - set(ordered))
    return [domain for domain in dict.fromkeys(ordered) if domain in by_domain]


def _baselines(
    points: Sequence[ChartPoint],
    mcid: Decimal | None,
    higher_is_better: bool,
    courses: Sequence[CourseDates],
    baseline_id: str,
) -> tuple[Baseline, ...]:
    """Each course's baseline that counts, drawn across the course and its follow-ups: to its last point,
    its last day, or the day before the next course, whichever comes last but never past that day."""
    found = []
    for index, course in enumerate(courses):
        base = [p for p in points if p.course_number == course.number and p.point_id == baseline_id and p.counts]
        if not base:
            base = [p for p in points if p.course_number == course.number and p.point_id == baseline_id]
        if not base:
            continue
        chosen = base[-1]
        own = [p.on for p in points if p.course_number == course.number]
        until = max([course.last, *own])
        following = courses[index + 1] if index + 1 < len(courses) else None
        if following is not None:
            until = min(until, following.first - timedelta(days=1))
        found.append(Baseline(course.number, chosen.value, mcid, higher_is_better, chosen.on, max(until, chosen.on)))
    return tuple(found)


def _t_axis(points: Sequence[ChartPoint], baselines: Sequence[Baseline]) -> tuple[Decimal, Decimal]:
    """From a multiple of 5 under the lowest thing drawn (a point less its SE, a band's edge) to one over
    the highest, at least 20 T tall."""
    values = [p.value - (p.se or 0) for p in points] + [p.value + (p.se or 0) for p in points]
    values += [v for b in baselines for v in (b.low, b.high) if v is not None]
    low = math.floor(min(values) / T_STEP) * T_STEP
    high = math.ceil(max(values) / T_STEP) * T_STEP
    if high - low < T_SPAN:
        low = math.floor(((low + high) / 2 - T_SPAN / 2) / T_STEP) * T_STEP
        high = low + T_SPAN
    return Decimal(low), Decimal(high)
