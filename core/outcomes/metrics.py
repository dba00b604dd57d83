"""The clinic's own outcome figures (PROMIS.md section 7), each with its definition, numerator, denominator
and, where it has one, its 95 % interval and the interval's method: "every number states its denominator".

Which courses a report covers: those whose first infusion began between the report's first and last day
(the clinic's local dates), counted as the records stood at the end of the last day (the cut-off). A
course still running at the cut-off has no completion or adherence yet: it is left out of those figures,
and the figure says how many were. Everything is counted per course unless the figure says patients.

The rules each figure follows are in its definition, printed with it; the ones shared by several:

- A session is *started* when its infusion began (its ``infusion.started`` entry), *completed* when the
  whole dose ran, *stopped early* when it began and did not complete.
- A course's *scheduled sessions* are the days of its order. A day without a completed or stopped infusion
  is a day *not given*: cancelled by the clinic or missed by the patient when recorded so, "opened, not
  treated" when a session was opened that day and the infusion never began, and otherwise *no record*
  (counted as not given, attributed to neither).
- A patient's *first course* is the first of the patient's courses in which an infusion began; the
  *next course* is the next such course.
- Outcome forms are placed in a course and time point by ``core.outcomes.windows.place`` from the moment
  they were answered (never from the time point stored with them); a form not scorable (items missing)
  is no score. Of several forms for one domain in one window, the baseline's latest and any other point's
  nearest its target day counts (``best_of``).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from core.figures import DAYS, PER_100, PERCENT, T_POINTS, Figure, proportion
from core.machine import Outcome
from core.outcomes.cohort import (
    Cohort,
    CourseRow,
    CourseSummary,
    FormScore,
    SessionRow,
    Sitting,
    course_spans,
    ordered_courses,
)
from core.outcomes.course_table import NEVER, NOT_THERE, CourseTable
from core.outcomes.grid import NONE, SCALE, ScoreGrid, domains_of, slots_for
from core.outcomes.kept import READ
from core.outcomes.local_days import LocalDays
from core.outcomes.stats import (
    T_BASED,
    kaplan_meier,
    km_day_reaching,
    km_returned_by,
    mean_ci,
)
from core.outcomes.windows import CourseSpan, holding
from core.promis import PromisTables, shipped
from core.protocol import Anchor, Outcomes, Protocol, TimePoint

if TYPE_CHECKING:
    import numpy as np

COMPLETED, STOPPED_EARLY = Outcome.COMPLETED.value, Outcome.STOPPED_EARLY.value

STUDY_INFUSIONS = 5
"""The study's definition of treatment completion: five or more completed infusions (Tankha et al. 2025,
PROMIS.md 1). The study's number, not the protocol's: it is what makes the clinic's figure comparable."""

COMPLETION = "Completion"
ADHERENCE = "Session adherence"
RETURN = "Repeat courses"
FORMS = "Outcome forms completed"
CHANGE = "Change from baseline"
SAFETY = "Adverse events and early stops"
SECTIONS = (COMPLETION, ADHERENCE, RETURN, FORMS, CHANGE, SAFETY)

TOP_REASONS = 8
"""Early-stop reasons listed by name; the rest are counted together."""


NONE_NOT_GIVEN = {"cancelled": 0, "missed": 0, "not_treated": 0, "no_record": 0}
"""``CourseFacts.days_not_given`` of a course whose every day was treated (most courses)."""


@dataclass(eq=False)
class CourseFacts:
    """One course as the report counts it. Its sessions and days are filled in by ``prepare``, which then
    calls ``settle`` once, before any figure reads the counts; ``days`` gives the sessions' local days. A
    course read as kept (``CourseSummary``) has no sessions: ``settle_kept`` takes its counts from the summary,
    and the few questions that need each session's day read them from it."""

    row: CourseRow
    span: CourseSpan
    days: LocalDays
    sessions: list[SessionRow] = field(default_factory=list)
    missed_days: set[int] = field(default_factory=set)
    cancelled_days: set[int] = field(default_factory=set)
    started: list[SessionRow] = field(default_factory=list)
    """The sessions whose infusion began, in the order they began."""
    completed: int = 0
    stopped_early: int = 0
    first_infusion: datetime | None = None
    first_infusion_day: date | None = None
    started_count: int = 0
    """How many sessions' infusion began (``started``'s length, or the summary's count)."""
    kept: CourseSummary | None = None

    def settle(self) -> None:
        """The counts every figure reads, worked out in one pass over the sessions: plain attributes, since
        the report reads them for each of ~60,000 courses several times, and a computed-once property costs
        a lock and a lookup at each read."""
        started = []
        for s in self.sessions:
            if s.outcome == COMPLETED:
                self.completed += 1
            elif s.outcome == STOPPED_EARLY:
                self.stopped_early += 1
            if s.started_at is not None:
                started.append(s)
        if len(started) > 1:
            started.sort(key=_began)
        self.started = started
        self.started_count = len(started)
        if started:
            self.first_infusion = started[0].started_at
            self.first_infusion_day = self.days.day(started[0].started_at)  # type: ignore[arg-type]

    def settle_kept(self, kept: CourseSummary) -> None:
        """``settle`` for a course read as kept, from its summary's counts."""
        self.kept = kept
        self.completed, self.stopped_early, self.started_count = kept.completed, kept.stopped_early, kept.started
        if kept.first_started is not None:
            self.first_infusion = kept.first_started
            self.first_infusion_day = self.days.day(kept.first_started)

    def inputs(self, first_of_patient: bool, following: CourseFacts | None) -> tuple[Any, ...]:
        """The course's id, its patient's, its inputs to the figures (``core.outcomes.course_table.INPUTS``) and
        whether it has ended, once it is in the report (its first infusion began)."""
        span, not_given = self.span, self.days_not_given()
        began = span.first_started_at
        assert self.first_infusion_day is not None
        last = span.last_infusion_day if span.ended else None
        next_began = following.first_infusion_day if following is not None else None
        return (
            self.row.id,
            self.row.patient_id,
            self.first_infusion_day.toordinal(),
            self.days.ordinal(began) if began is not None else span.first_day.toordinal(),
            last.toordinal() if last is not None else NOT_THERE,
            next_began.toordinal() if next_began is not None else NOT_THERE,
            self.row.days,
            self.completed,
            self.stopped_early,
            self.started_count,
            self.on_protocol(),
            not_given["cancelled"],
            not_given["missed"],
            not_given["not_treated"],
            not_given["no_record"],
            first_of_patient,
            span.ended,
        )

    def days_not_given(self) -> dict[str, int]:
        """The scheduled days without an infusion, by why, each day counted once: cancelled by the clinic,
        missed by the patient, opened and not treated, no record."""
        days = self.row.days
        treated = min(self.completed + self.stopped_early, days)
        left = days - treated
        if not left:
            return NONE_NOT_GIVEN
        cancelled = min(len(self.cancelled_days), left)
        missed = min(len(self.missed_days - self.cancelled_days), left - cancelled)
        if self.kept is not None:
            opened = {self.days.ordinal_of_second(s) for s in self.kept.opened_untreated_seconds()}
        else:
            opened = {self.days.ordinal(s.opened_at) for s in self.sessions if not s.treated and s.started_at is None}
        not_treated = min(len(opened), left - cancelled - missed)
        return {
            "cancelled": cancelled,
            "missed": missed,
            "not_treated": not_treated,
            "no_record": left - cancelled - missed - not_treated,
        }

    def on_protocol(self) -> bool:
        """Every scheduled session completed, on consecutive days (the days are looked at only when enough
        sessions completed: most courses' answer needs no local day)."""
        if self.completed < self.row.days:
            return False
        if self.kept is not None:
            days = sorted({self.days.ordinal_of_second(s) for s in self.kept.completed_start_seconds()})
        else:
            ordinal = self.days.ordinal
            days = sorted({ordinal(s.started_at) for s in self.started if s.outcome == COMPLETED and s.started_at})
        run = best = 1 if days else 0
        for before, after in pairwise(days):
            run = run + 1 if after - before == 1 else 1
            best = max(best, run)
        return best >= self.row.days


def _began(session: SessionRow) -> datetime:
    return session.started_at or session.opened_at


@dataclass
class Prepared:
    """The cohort arranged for counting: every course in the report (those counted from their records, then
    the kept ones) as one table of the figures' inputs with its grid of scores."""

    protocol: Protocol
    first_day: date
    last_day: date
    recounted: list[CourseFacts]
    """The courses in the report counted from their records: the first rows of ``courses`` and ``grid``."""
    courses: CourseTable
    """Every course in the report: ``recounted``, then the kept ones."""
    grid: ScoreGrid
    """The score that counts at each time point and domain, a row per course of ``courses``."""
    domains: list[tuple[str, bool]]
    """The protocol's forms' domains in its order, with whether a higher T is better."""

    @property
    def outcomes(self) -> Outcomes:
        return self.protocol.outcomes


def local_days(cohort: Cohort, last_day: date) -> LocalDays:
    """The local days of the period the cohort's moments fall in: from a year before its first course (forms
    answered before a course; a moment earlier still is converted on its own) to the cut-off. A kept course
    keeps its days as ordinals, converted once when it was counted."""
    first = min((c.first_day for c in cohort.courses), default=last_day)
    return LocalDays(min(first, last_day) - timedelta(days=366), last_day + timedelta(days=1))


def prepare(
    protocol: Protocol, cohort: Cohort, first_day: date, last_day: date, tables: PromisTables | None = None
) -> Prepared:
    """The cohort arranged for counting a report from ``first_day`` to ``last_day``."""
    tables = tables or shipped()
    days = local_days(cohort, last_day)
    courses = ordered_courses(cohort.courses)
    as_of = last_day + timedelta(days=1)
    spans = course_spans(protocol, courses, cohort.sessions, as_of, days, cohort.moments, cohort.summaries)
    rows = {row.id: row for row in cohort.courses}
    facts = {
        span.course_id: CourseFacts(rows[span.course_id], span, days) for found in spans.values() for span in found
    }
    for session in cohort.sessions:
        if session.course_id in facts:
            facts[session.course_id].sessions.append(session)
    for course in facts.values():
        course.settle()
    for course_id, kept in cohort.summaries.items():
        if course_id in facts:
            facts[course_id].settle_kept(kept)
    for course_id, summed in cohort.moments.items():
        if course_id in facts and summed.first_started is not None:
            facts[course_id].first_infusion = summed.first_started
            facts[course_id].first_infusion_day = days.day(summed.first_started)
    for day in cohort.not_given:
        if day.course_id in facts:
            (facts[day.course_id].cancelled_days if day.by_clinic else facts[day.course_id].missed_days).add(day.day)
    first_course: dict[str, CourseFacts] = {}
    next_course: dict[str, CourseFacts] = {}
    for patient_id, patient_spans in spans.items():
        begun = [facts[s.course_id] for s in patient_spans if facts[s.course_id].first_infusion is not None]
        if begun:
            first_course[patient_id] = begun[0]
        for before, after in pairwise(begun):
            next_course[before.row.id] = after
    recounted = [
        c for c in facts.values() if (day := c.first_infusion_day) is not None and first_day <= day <= last_day
    ]
    recounted.sort(key=lambda c: c.first_infusion or datetime.min)
    inputs = [c.inputs(first_course.get(c.row.patient_id) is c, next_course.get(c.row.id)) for c in recounted]
    table, kept = CourseTable.of(inputs, cohort.kept), list(cohort.kept)
    day = table.first_infusion_day
    inside = (day >= first_day.toordinal()) & (day <= last_day.toordinal())
    if not inside.all():  # kept courses of the margin read around the period (those counted here are in it)
        table = table.where(inside)
        kept = [k for k, wanted in zip(kept, inside[len(recounted) :].tolist(), strict=True) if wanted]
    domains = domains_of(protocol, tables)
    grid = ScoreGrid.empty(len(table), slots_for(protocol.outcomes, domains))
    position = {c.row.id: index for index, c in enumerate(recounted)}
    column = {
        (point, domain): grid.slots.column(point, domain)
        for point in grid.slots.points
        for domain in grid.slots.domains
    }
    placed = _scores(protocol.outcomes, spans, position, cohort, tables, dict(domains), days)
    grid.put((position[course_id], column[point, domain], form) for (course_id, point, domain), form in placed)
    if kept:
        columns = dict(zip(READ, zip(*kept, strict=False), strict=False))  # a kept row's values, column by column
        shapes = [cohort.kept_shapes[key] for key in columns["shapes_key"]]
        rows = range(len(recounted), len(table))
        grid.put_kept(rows, columns["t_scores"], columns["ses"], columns["shape_of"], shapes)
    return Prepared(protocol, first_day, last_day, recounted, table, grid, domains)


def _scores(
    outcomes: Outcomes,
    spans: dict[str, list[CourseSpan]],
    counted: Container[str],
    cohort: Cohort,
    tables: PromisTables,
    domains: dict[str, bool],
    days: LocalDays,
) -> Iterator[tuple[tuple[str, str, str], FormScore]]:
    """Each sitting placed by its moment (``holding``); of the scored forms of one domain in one window, the
    one that counts (by course, time point and domain): ``best_of``'s choice, made by ordering the window's
    sittings once by its preference (its moments' order, then the cohort's) and taking each domain's first
    scored form."""
    domain_of = {form_id: shape.domain for form_id, shape in tables.forms.items() if shape.domain in domains}
    sittings: dict[str, list[Sitting]] = defaultdict(list)
    for sitting in cohort.assessments:
        sittings[sitting.patient_id].append(sitting)
    placed: dict[tuple[str, str], list[tuple[Sitting, int, int, TimePoint]]] = defaultdict(list)
    patients = {span.patient_id for found in spans.values() for span in found if span.course_id in counted}
    for patient_id, found in sittings.items():
        if patient_id not in patients:
            continue
        patient_spans = spans[patient_id]
        hits = holding(outcomes, patient_spans, [s.taken_at for s in found], days)
        for sitting, hit in zip(found, hits, strict=True):
            if hit is not None and hit[0] in counted:
                course_id, point, target, on = hit
                placed[(course_id, point.id)].append((sitting, on, target, point))
    for (course_id, point_id), found in placed.items():
        taken: set[str] = set()
        for entry in _preferred(found) if len(found) > 1 else found:
            for form in entry[0].forms:
                domain = domain_of.get(form.form_id)
                if form.t_score is None or domain is None or domain in taken:
                    continue
                taken.add(domain)
                yield (course_id, point_id, domain), form


def _preferred(
    found: list[tuple[Sitting, int, int, TimePoint]],
) -> list[tuple[Sitting, int, int, TimePoint]]:
    """The sittings of one window in ``best_of``'s order of preference: a baseline's latest first, any other
    point's nearest its target day first, the earlier of two as near; sittings of one moment in the cohort's
    order (the sort is stable)."""
    if found[0][3].is_baseline:
        return sorted(found, key=lambda f: f[0].taken_at, reverse=True)
    return sorted(found, key=lambda f: (abs(f[1] - f[2]), f[0].taken_at))


# ---- completion ------------------------------------------------------------------------------------------

TREATMENT_COMPLETION = (
    "Patients whose first course reached {n} or more completed infusions ÷ patients who started a first course "
    "(at least one infusion began) in the period and whose course had ended by the last day. The study's "
    "definition, comparable with its 86.1 %."
)
COURSE_COMPLETION = (
    "Courses with all scheduled sessions completed ÷ courses started in the period (at least one infusion "
    "began) that had ended by the last day."
)
ON_PROTOCOL = (
    "Courses with all scheduled sessions completed on consecutive days ÷ courses started in the period that "
    "had ended by the last day."
)


def _many(count: int, one: str, many: str) -> str:
    """``count`` with its noun, singular for one: a note reads "1 course", never "1 courses"."""
    return f"{count} {one if count == 1 else many}"


def _are(count: int) -> str:
    return "is" if count == 1 else "are"


def _running_note(count: int, one: str = "course", many: str = "courses") -> str:
    return f"{_many(count, one, many)} still running at the cut-off {_are(count)} not counted." if count else ""


def completion(p: Prepared) -> list[Figure]:
    t = p.courses
    firsts = int(t.first_of_patient.sum())
    ended = t.first_of_patient & t.ended
    done = int((ended & (t.completed >= STUDY_INFUSIONS)).sum())
    courses = int(t.ended.sum())
    running = _running_note(len(t) - courses)
    return [
        proportion(
            "treatment_completion",
            COMPLETION,
            "Treatment completion (study definition)",
            done,
            int(ended.sum()),
            TREATMENT_COMPLETION.format(n=STUDY_INFUSIONS),
            note=_running_note(firsts - int(ended.sum()), "patient's first course", "patients' first courses"),
        ),
        proportion(
            "course_completion",
            COMPLETION,
            "Course completion",
            int((t.ended & (t.completed >= t.days)).sum()),
            courses,
            COURSE_COMPLETION,
            note=running,
        ),
        proportion(
            "on_protocol",
            COMPLETION,
            "On-protocol completion",
            int((t.ended & t.on_protocol).sum()),
            courses,
            ON_PROTOCOL,
            note=running,
        ),
    ]


# ---- adherence -------------------------------------------------------------------------------------------

ALL_CAUSE = (
    "Completed sessions ÷ scheduled sessions (the days of each course's order), pooled over the courses "
    "started in the period that had ended by the last day."
)
PATIENT_ATTRIBUTABLE = (
    "Completed sessions ÷ scheduled sessions less the days the clinic cancelled (recorded as cancelled by the "
    "clinic), pooled over the same courses: days the patient missed, days opened and not treated and days "
    "with no record stay in the denominator."
)
DAY_KINDS = {
    "completed": ("Completed", "Sessions in which the whole dose ran."),
    "stopped_early": (
        "Stopped early",
        "Sessions whose infusion began and did not complete (per scheduled day of the ended courses; the safety "
        "section counts them per session started, running courses included).",
    ),
    "not_treated": ("Opened, not treated", "Days a session was opened and the infusion never began."),
    "missed": ("Missed by the patient", "Days recorded as missed, for the patient's reasons."),
    "cancelled": ("Cancelled by the clinic", "Days recorded as cancelled, for the clinic's reasons."),
    "no_record": (
        "Not given, no record",
        "Scheduled days with no infusion and no record of why: counted as not given, attributed to neither.",
    ),
}


def adherence(p: Prepared) -> list[Figure]:
    import numpy as np

    t = p.courses
    ended = t.ended
    completed = np.minimum(t.completed, t.days)
    per_course = {
        "scheduled": t.days,
        "completed": completed,
        "stopped_early": np.minimum(t.stopped_early, t.days - completed),
        "cancelled": t.cancelled,
        "missed": t.missed,
        "not_treated": t.not_treated,
        "no_record": t.no_record,
    }
    totals = {kind: int(values[ended].sum()) for kind, values in per_course.items()}
    scheduled = totals["scheduled"]
    note = _running_note(len(t) - int(ended.sum()))
    figures = [
        proportion(
            "adherence_all_cause",
            ADHERENCE,
            "Session adherence, all causes",
            totals["completed"],
            scheduled,
            ALL_CAUSE,
            note=note,
        ),
        proportion(
            "adherence_patient",
            ADHERENCE,
            "Session adherence, patient-attributable",
            totals["completed"],
            scheduled - totals["cancelled"],
            PATIENT_ATTRIBUTABLE,
            note=note,
        ),
    ]
    for kind, (measure, definition) in DAY_KINDS.items():
        figures.append(
            proportion(
                f"days_{kind}",
                ADHERENCE,
                f"Scheduled sessions: {measure.lower()}",
                totals[kind],
                scheduled,
                f"{definition} ÷ scheduled sessions; each scheduled day is counted once, under one of these six.",
                interval=False,
            )
        )
    return figures


# ---- repeat courses --------------------------------------------------------------------------------------

RETURN_RATE = (
    "Patients who began a next course within {n} days of the last infusion of their first course ÷ patients "
    "whose first course began in the period and had its last infusion at least {n} days before the last day "
    "(so every one of them had {n} days in which to come back)."
)
KM_RETURNED = (
    "Kaplan–Meier estimate of the share of patients back for a next course within {n} days of the last "
    "infusion of their first course (first course begun in the period); patients not back by the last day are "
    "censored there."
)
KM_DAY = (
    "Kaplan–Meier estimate: days from the last infusion of the first course by which {share} of patients had "
    "begun a next course; not reached when the estimate stays below it."
)


def repeat_courses(p: Prepared) -> list[Figure]:
    import numpy as np

    within = p.outcomes.repeat_within_days
    t = p.courses
    firsts = t.first_of_patient & t.ended & t.has_last
    end = t.last_infusion_day[firsts]
    came = t.next_began[firsts] != NEVER
    gap = t.next_began[firsts] - end
    followed = p.last_day.toordinal() - end
    # A patient back is seen up to the return; one not back, up to the last day (censored there).
    observations = list(zip(np.where(came, gap, followed).tolist(), came.tolist(), strict=True))
    long_enough = followed >= within
    returned = int((long_enough & came & (gap <= within)).sum())
    eligible = int(long_enough.sum())
    short = int(firsts.sum()) - eligible
    figures = [
        proportion(
            "repeat_return",
            RETURN,
            f"Repeat-course return within {within} days",
            returned,
            eligible,
            RETURN_RATE.format(n=within),
            note=(
                f"{_many(short, 'patient', 'patients')} with less than {within} days of follow-up {_are(short)} not "
                "counted."
                if short
                else ""
            ),
        )
    ]
    steps = kaplan_meier(observations)
    back = sum(1 for gap, came in observations if came and gap <= within)
    figures.append(
        Figure(
            "km_returned",
            RETURN,
            f"Back for a next course within {within} days (Kaplan–Meier)",
            "",
            back,
            len(observations),
            100 * km_returned_by(steps, within) if observations else None,
            PERCENT,
            None,
            None,
            "Kaplan–Meier, censored at the last day; no interval",
            KM_RETURNED.format(n=within),
            note="Numerator: patients seen back within that time; the estimate allows for those followed less.",
        )
    )
    for share, words in ((0.25, "a quarter"), (0.5, "half"), (0.75, "three quarters")):
        day = km_day_reaching(steps, share)
        figures.append(
            Figure(
                f"km_day_{int(share * 100)}",
                RETURN,
                f"Time to return: {words} back by",
                "",
                None,
                len(observations),
                float(day) if day is not None else None,
                DAYS,
                None,
                None,
                "Kaplan–Meier, censored at the last day",
                KM_DAY.format(share=words),
                note="" if day is not None else "Not reached.",
            )
        )
    return figures


# ---- outcome forms ---------------------------------------------------------------------------------------

FORMS_DONE = (
    "Courses with at least one scored form of the protocol's forms counted for this time point ÷ courses "
    "started in the period whose window for it had closed by the last day. A follow-up whose window opened "
    "after the patient's next course began is not due; a form not scorable is no score."
)


def _due(point: TimePoint, p: Prepared) -> np.ndarray:
    """Which of the report's courses were due ``point`` (``day_bounds``'s window, vectorised): its window
    had closed by the last day and, for a follow-up, opened before the patient's next course began."""
    import numpy as np

    t = p.courses
    if point.anchor is Anchor.FIRST_INFUSION:
        anchor, known = t.first_anchor_day, np.ones(len(t), dtype=bool)
    else:
        anchor, known = t.last_infusion_day, t.has_last
    target = anchor + point.offset_days
    due = known & (target + point.days_after <= p.last_day.toordinal())
    if not point.is_baseline:
        due &= t.next_began > target - point.days_before
    return due


def forms_completed(p: Prepared) -> list[Figure]:
    """Whether a course's form was scored, not what its score was: a table still to be verified changes a
    T-score, never this count, so these figures carry no "to verify" mark."""
    figures = []
    for point in p.outcomes.time_points:
        due = _due(point, p)
        count = int(due.sum())
        waiting = len(p.courses) - count
        figures.append(
            proportion(
                "forms_completed",
                FORMS,
                "Outcome forms completed",
                int((p.grid.scored(p.grid.slots.of_point(point.id)).any(axis=1) & due).sum()),
                count,
                FORMS_DONE,
                point=point.label,
                note=f"{_many(waiting, 'course', 'courses')} not due by the last day." if waiting else "",
            )
        )
    return figures


# ---- change from baseline --------------------------------------------------------------------------------

REACHED = (
    "Courses whose change from baseline, taken in the improving direction, was at least the domain's MCID (the "
    "protocol's, in T points, named with the measure) ÷ courses with both a baseline and a score at that time "
    "point on the domain (complete cases)."
)
WORSENED = "Courses whose change in the improving direction was minus the MCID or less ÷ the same complete cases."
RELIABLE = (
    "Courses whose change in the improving direction divided by √(SE at baseline² + SE at the time point²) was "
    "at least the protocol's reliable-change z (named with the measure) ÷ complete cases whose two scores both "
    "have an SE (the reliable change index)."
)
RELIABLE_WORSE = "As reliable improvement, with the index at minus z or less: reliable worsening."
MEAN_CHANGE = (
    "Mean change from baseline in T points, in the improving direction (positive = better), over the "
    "complete cases, with its 95 % interval."
)


def change(p: Prepared) -> list[Figure]:
    """Over the grid's whole numbers of hundredths, so every comparison is the exact one of the Decimals."""
    import numpy as np

    figures: list[Figure] = []
    z = p.outcomes.reliable_change_z
    grid = p.grid
    # A cell without a score names shape -1: the last entry, never to verify.
    to_verify = np.asarray([shape.to_verify for shape in grid.shapes] + [False], dtype=bool)
    # Column by column: each a run of memory, so a column's cells are read at once.
    t, se, shape = (np.ascontiguousarray(cells.T) for cells in (grid.t, grid.se, grid.shape))
    scored = t != NONE
    for domain, higher_is_better in p.domains:
        sign = 1 if higher_is_better else -1
        mcid = p.outcomes.mcid_for(domain)
        # d ≥ MCID, for d a whole number of hundredths, is d ≥ the MCID's hundredths rounded up; d ≤ −MCID the same.
        least = math.ceil(mcid * SCALE) if mcid is not None else 0
        before = grid.slots.column(p.outcomes.baseline.id, domain)
        for point in p.outcomes.time_points:
            if point.is_baseline:
                continue
            after = grid.slots.column(point.id, domain)
            pairs = scored[before] & scored[after]
            deltas = (t[after][pairs] - t[before][pairs]) * sign
            verify = bool((to_verify[shape[before][pairs]] | to_verify[shape[after][pairs]]).any())
            n = int(pairs.sum())
            if mcid is not None:
                figures.append(
                    proportion(
                        "mcid_reached",
                        CHANGE,
                        f"{domain}: improved by the MCID or more ({mcid} T)",
                        int((deltas >= least).sum()),
                        n,
                        REACHED,
                        point=point.label,
                        to_verify=verify,
                        domain=domain,
                    )
                )
                figures.append(
                    proportion(
                        "worsened",
                        CHANGE,
                        f"{domain}: worsened by the MCID or more ({mcid} T)",
                        int((deltas <= -least).sum()),
                        n,
                        WORSENED,
                        point=point.label,
                        to_verify=verify,
                        domain=domain,
                    )
                )
            se_before, se_after = se[before][pairs], se[after][pairs]
            # As "if both SEs": an SE of zero is none.
            known = (se_before != NONE) & (se_after != NONE) & (se_before != 0) & (se_after != 0)
            improved, worse = _reliable(deltas[known], se_before[known] ** 2 + se_after[known] ** 2, z)
            spread = int(known.sum())
            lacking = n - spread
            note = ""
            if lacking:
                has = "has" if lacking == 1 else "have"
                cases = _many(lacking, "complete case", "complete cases")
                note = f"{cases} {has} a score without an SE and {_are(lacking)} not counted."
            figures.append(
                proportion(
                    "reliable_improvement",
                    CHANGE,
                    f"{domain}: reliable improvement (index ≥ {z})",
                    improved,
                    spread,
                    RELIABLE,
                    note=note,
                    point=point.label,
                    to_verify=verify,
                    domain=domain,
                )
            )
            figures.append(
                proportion(
                    "reliable_worsening",
                    CHANGE,
                    f"{domain}: reliable worsening (index ≤ −{z})",
                    worse,
                    spread,
                    RELIABLE_WORSE,
                    note=note,
                    point=point.label,
                    to_verify=verify,
                    domain=domain,
                )
            )
            # In the order of their values: the same whatever order the courses' scores were found in (from the
            # records, or kept), so the interval's last digits never depend on it.
            mean = mean_ci((np.sort(deltas) / SCALE).tolist())
            figures.append(
                Figure(
                    "mean_change",
                    CHANGE,
                    f"{domain}: mean change",
                    point.label,
                    None,
                    n,
                    mean.mean,
                    T_POINTS,
                    mean.interval.low if mean.interval else None,
                    mean.interval.high if mean.interval else None,
                    T_BASED,
                    MEAN_CHANGE,
                    note="" if mean.interval or not n else "No interval with fewer than 2 complete cases.",
                    to_verify=verify,
                    domain=domain,
                )
            )
    return figures


def _reliable(d: np.ndarray, s: np.ndarray, z: Decimal) -> tuple[int, int]:
    """How many changes ``d`` (hundredths) with ``s`` = SE at baseline² + SE at the point² (in hundredths², both
    SEs known, so ``s`` > 0) have a reliable change index d / √s of at least ``z``, and how many of at most −z.

    Compared squared (d ≥ z√s exactly when d > 0 and d² ≥ z²s) with z as the fraction n/m it is, so the count
    is exact: d²m² ≥ n²s, in floating point where the two sides are far apart and in whole numbers where they
    are within a rounding of each other."""
    import numpy as np

    n, m = z.as_integer_ratio()
    left, right = d.astype(float) ** 2 * (m * m), s.astype(float) * (n * n)
    reliable = left >= right
    close = np.flatnonzero(np.abs(left - right) <= 1e-9 * np.maximum(left, right))
    for i in close:
        reliable[i] = int(d[i]) ** 2 * m * m >= n * n * int(s[i])
    return int((reliable & (d > 0)).sum()), int((reliable & (d < 0)).sum())


# ---- safety ----------------------------------------------------------------------------------------------

AE_SESSION = (
    "Sessions with at least one adverse event recorded ÷ sessions started (infusion began) in the courses counted."
)
AE_RATE = (
    "Adverse events recorded of this kind and severity × 100 ÷ sessions started (each event counted, so a "
    "session with two counts twice)."
)
AE_STOPPED = (
    "Sessions stopped early in which an adverse event was recorded (before or after the stop) ÷ sessions started."
)
STOPPED = (
    "Sessions stopped early, whatever the reason ÷ sessions started, in every course counted (running ones too). "
    "Session adherence counts the same stops per scheduled day of the ended courses, so the two differ."
)
STOP_REASON = "Sessions stopped early with this reason, as the nurse wrote it ÷ sessions started."
AE_COURSE = "Courses with at least one adverse event ÷ courses started in the period."
AE_PATIENT = "Patients with at least one adverse event in a course counted ÷ patients with a course counted."


def safety(p: Prepared, cohort: Cohort) -> list[Figure]:
    t = p.courses
    # Session id -> its course: from the sessions counted here, and for a course kept or summarized (whose
    # sessions are not read), from the sessions the counted entries name.
    started = {s.id: c.row.id for c in p.recounted for s in c.started}
    summarized = {c.row.id for c in p.recounted if c.kept is not None} | set(t.ids[len(p.recounted) :])
    started |= {s.id: s.course_id for s in cohort.event_sessions if s.started_at and s.course_id in summarized}
    recorded = [e for e in cohort.adverse_events if e.session_id in started]
    events = [e for e in recorded if not e.corrected]
    note = _corrected_note(len(recorded) - len(events))
    stops = {s.session_id: s for s in cohort.stops if s.session_id in started}
    with_ae = {e.session_id for e in events}
    n = int(t.started.sum())
    courses_ae = {started[sid] for sid in with_ae}
    patients = set(t.patients)
    patient_of = dict(zip(t.ids, t.patients, strict=True))
    patients_ae = {patient_of[course_id] for course_id in courses_ae}
    stopped_ae = len(with_ae & stops.keys())
    figures = [
        proportion("ae_sessions", SAFETY, "Sessions with an adverse event", len(with_ae), n, AE_SESSION, note=note),
        proportion("ae_stopped", SAFETY, "Sessions stopped for an adverse event", stopped_ae, n, AE_STOPPED, note=note),
        proportion(
            "ae_courses", SAFETY, "Courses with an adverse event", len(courses_ae), len(t), AE_COURSE, note=note
        ),
        proportion(
            "ae_patients",
            SAFETY,
            "Patients with an adverse event",
            len(patients_ae),
            len(patients),
            AE_PATIENT,
            note=note,
        ),
    ]
    kinds = Counter((e.what, e.severity) for e in events)
    for (what, severity), count in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])):
        figures.append(
            Figure(
                "ae_rate",
                SAFETY,
                f"Adverse events: {what}, {severity}",
                "",
                count,
                n,
                100 * count / n if n else None,
                PER_100,
                None,
                None,
                "count × 100 ÷ sessions started; no interval",
                AE_RATE,
                note=note,
            )
        )
    figures.append(proportion("stopped_early", SAFETY, "Sessions stopped early", len(stops), n, STOPPED))
    reasons = Counter(" ".join(s.reason.split()).capitalize() for s in stops.values())
    listed = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    for reason, count in listed[:TOP_REASONS]:
        figures.append(
            proportion("stop_reason", SAFETY, f"Stopped early: {reason}", count, n, STOP_REASON, interval=False)
        )
    rest = sum(count for _, count in listed[TOP_REASONS:])
    if rest:
        figures.append(
            proportion("stop_reason", SAFETY, "Stopped early: other reasons", rest, n, STOP_REASON, interval=False)
        )
    return figures


def _corrected_note(count: int) -> str:
    """A corrected adverse-event entry no longer stands as recorded (as a corrected vital leaves the trend):
    what the correction said is free text, so the report leaves the entry out and says how many it left."""
    if not count:
        return ""
    entries = "entry was" if count == 1 else "entries were"
    return f"{count} adverse-event {entries} corrected after entry and not counted: see each session's record."


def all_figures(p: Prepared, cohort: Cohort) -> list[Figure]:
    """Every figure of the report, section by section."""
    return [*completion(p), *adherence(p), *repeat_courses(p), *forms_completed(p), *change(p), *safety(p, cohort)]


def find(figures: Sequence[Figure], key: str, point: str = "", domain: str = "") -> Figure:
    """The figure of ``key`` (at ``point``, for ``domain``): for a screen or a test to pick one out."""
    for figure in figures:
        if figure.key == key and figure.time_point == point and figure.domain == domain:
            return figure
    raise KeyError((key, point, domain))
