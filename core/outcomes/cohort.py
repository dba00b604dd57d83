"""The records the clinic's outcome report is computed from, as plain values, and the course spans built from
them.

``core.records.outcome_cohort`` reads these in a few bulk queries (a report over ten years of a busy clinic
reads hundreds of thousands of sessions, so no row becomes an object of the storage layer); the metrics
(``core.outcomes.metrics``) work on them alone, so a test can build a cohort by hand, with no database.

Everything is read up to a cut-off, the end of the report's last day: what happened later is not in the
report, so a report made again later over the same period counts the same events.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from core.course import CourseView, days_left
from core.machine import Outcome
from core.outcomes.local_days import LocalDays
from core.outcomes.windows import CourseSpan
from core.protocol import Protocol

T = TypeVar("T")

TREATED = frozenset({Outcome.COMPLETED.value, Outcome.STOPPED_EARLY.value})
"""Session outcomes in which the infusion ran (as ``core.care.base.TREATED``: a course day)."""


class CourseRow(NamedTuple):
    """A course order: ordered from ``first_day`` for ``days`` sessions, recorded at ``recorded_at`` (the
    patient's courses are numbered in the order they were recorded).

    The rows are named tuples: a report over ten years reads some 60,000 courses, 300,000 sessions and
    50,000 sittings, and a tuple is made in a fraction of a frozen dataclass's time."""

    id: str
    patient_id: str
    first_day: date
    days: int
    recorded_at: datetime


class SessionRow(NamedTuple):
    """A session: its course, when it opened, how it ended, and when its infusion began (None: never)."""

    id: str
    patient_id: str
    course_id: str | None
    opened_at: datetime
    outcome: str
    started_at: datetime | None

    @property
    def treated(self) -> bool:
        return self.outcome in TREATED

    @property
    def completed(self) -> bool:
        return self.outcome == Outcome.COMPLETED.value


class CourseMoments(NamedTuple):
    """A course whose sessions were not read one by one, as its sessions add up: when the first of them
    began (any session whose infusion began, as ``CourseFacts.first_infusion``), and the first and last
    moment of its treated ones (each at its infusion's start, failing one its opening, as ``course_spans``
    takes them). A report reads every course of its patients, and the sessions of those that can be in the
    report (or are a patient's last) only: the rest need only these moments."""

    course_id: str
    first_started: datetime | None
    first_treated: datetime | None
    last_treated: datetime | None


class CourseSummary(NamedTuple):
    """A course's sessions as the report counts them, kept per course beside the records (``course_facts``,
    moved in the transaction of each record that changes them): a report reads one of these instead of the
    course's sessions when nothing that fed it lies after its cut-off (``fed_at``).

    Counts and moments only, none of them depending on the protocol or the clinic's time zone: the local day
    of a moment is worked out when the report is made, from ``sessions`` (each session in short,
    ``session_text``), read only for the few questions that need every day (on-protocol completion, days
    opened and not treated, whether a patient's last course has ended)."""

    course_id: str
    fed_at: datetime
    """The newest moment that fed it: the course's order, and its sessions' openings and infusion starts."""
    completed: int
    stopped_early: int
    started: int
    """Sessions whose infusion began (as ``CourseFacts.started``)."""
    first_started: datetime | None
    """When its first infusion began (``CourseFacts.first_infusion``)."""
    first_treated: datetime | None
    last_treated: datetime | None
    """The first and last moment of its treated sessions, as ``course_spans`` takes them."""
    sessions: str

    def treated_seconds(self) -> list[int]:
        """Each treated session's moment (its infusion's start, failing one its opening), in whole seconds
        since 1970 (UTC): enough for its local day (``LocalDays.ordinal_of_second``)."""
        return [began or opened for outcome, opened, began in _sessions_of(self.sessions) if outcome in TREATED]

    def completed_start_seconds(self) -> list[int]:
        """When each completed session's infusion began, where it did (as ``treated_seconds``)."""
        found = _sessions_of(self.sessions)
        return [began for outcome, _, began in found if outcome == COMPLETED and began is not None]

    def opened_untreated_seconds(self) -> list[int]:
        """When each session that was not treated and whose infusion never began was opened."""
        found = _sessions_of(self.sessions)
        return [opened for outcome, opened, began in found if outcome not in TREATED and began is None]


COMPLETED = Outcome.COMPLETED.value
OUTCOME_CODES = {outcome.value: outcome.value[0] for outcome in Outcome}
"""Each session's outcome in ``CourseSummary.sessions`` by its first letter (i, n, c, s: all different)."""
OUTCOME_OF_CODE = {code: outcome for outcome, code in OUTCOME_CODES.items()}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def session_text(outcome: str, opened_at: datetime, began_at: datetime | None) -> str:
    """A session in short: its outcome's letter, the second it opened since 1970 (UTC), and after a colon
    the one its infusion began, if it did. Whole seconds, cut down: a local day begins on a whole second
    (every zone's offset is whole seconds), so a moment's second is on the moment's own local day."""
    text = f"{OUTCOME_CODES[outcome]}{(opened_at - EPOCH) // SECOND}"
    return text if began_at is None else f"{text}:{(began_at - EPOCH) // SECOND}"


def _sessions_of(text: str) -> list[tuple[str, int, int | None]]:
    found = []
    for piece in text.split():
        opened, _, began = piece[1:].partition(":")
        found.append((OUTCOME_OF_CODE[piece[0]], int(opened), int(began) if began else None))
    return found


def summarize(
    course_id: str, recorded_at: datetime, sessions: Iterable[tuple[str, datetime, str, datetime | None]]
) -> CourseSummary:
    """The summary of a course ordered at ``recorded_at`` with ``sessions`` (id, opened at, outcome, began
    at): the one rule the write path, the migration's rows, the history's and the check all follow."""
    ordered = sorted(sessions, key=lambda s: (s[1], s[0]))
    treated = [began or opened for _, opened, outcome, began in ordered if outcome in TREATED]
    starts = [began for _, _, _, began in ordered if began is not None]
    return CourseSummary(
        course_id,
        max([recorded_at, *(s[1] for s in ordered), *starts]),
        sum(1 for s in ordered if s[2] == COMPLETED),
        sum(1 for s in ordered if s[2] == Outcome.STOPPED_EARLY.value),
        len(starts),
        min(starts, default=None),
        min(treated, default=None),
        max(treated, default=None),
        " ".join(session_text(outcome, opened, began) for _, opened, outcome, began in ordered),
    )


class AdverseRow(NamedTuple):
    """An adverse event recorded in a session: the side-effect item, its severity grade, when, and whether a
    correction or an addendum named the entry later (what it said is free text, in the session's record)."""

    session_id: str
    item: str
    what: str
    severity: str
    at: datetime
    corrected: bool = False


class StopRow(NamedTuple):
    """An infusion stopped early: when, and the reason as the nurse gave it."""

    session_id: str
    reason: str
    at: datetime


class NotGivenRow(NamedTuple):
    """A day of a course recorded as not given: by the clinic (cancelled) or the patient (missed)."""

    patient_id: str
    course_id: str
    day: int
    by_clinic: bool


class FormScore(NamedTuple):
    """One form of a sitting: its T-score and SE (None when not scorable, or the table has no SE), the table it
    was scored by and the hash of the tables file, and whether that table was still to be verified."""

    form_id: str
    t_score: Decimal | None
    se: Decimal | None
    table: str | None
    tables_sha256: str | None
    to_verify: bool
    answered: int = 0
    of: int = 0


@dataclass(frozen=True)
class AssessmentRow:
    """One sitting of outcome forms: whose, the moment it counts as answered, its forms."""

    patient_id: str
    taken_at: datetime
    forms: tuple[FormScore, ...]
    pain_intensity: int | None = None


class StoredSitting:
    """A sitting as the records keep it: whose, when, and its scores in short (``scores_text``), read into
    values when first asked for. A report places every sitting of its patients by its moment alone, and
    counts the forms of those placed in its courses only."""

    __slots__ = ("_forms", "_scores", "_stored", "patient_id", "taken_at")

    def __init__(self, patient_id: str, taken_at: datetime, stored: str, scores: ScoresSeen | None = None) -> None:
        """``stored``: the sitting's ``scores_text``; ``scores``: the scores already read for the report,
        shared by all its sittings."""
        self.patient_id = patient_id
        self.taken_at = taken_at
        self._stored = stored
        self._scores = scores if scores is not None else ScoresSeen()
        self._forms: tuple[FormScore, ...] | None = None

    @property
    def forms(self) -> tuple[FormScore, ...]:
        if self._forms is None:
            self._forms = self._scores.read_text(self._stored)
        return self._forms


SCORED = ("form_id", "t_score", "se", "table", "tables_sha256", "to_verify", "answered", "of")
"""What a stored form says of its score (``core.event_data.FormAnswers``), in ``FormScore``'s order."""


def scores_text(forms: Iterable[Mapping[str, Any]]) -> str:
    """A sitting's forms' scores in short, as ``sitting_scores`` keeps them beside the record: each form's
    ``SCORED`` values, without its answers, in a list; a third of the record's text, parsed in a third of
    the time."""
    return json.dumps([[form.get(key) for key in SCORED] for form in forms], separators=(",", ":"))


def pieces_read(stored: str, known: dict[str, T], width: int, make: Callable[[list[Any]], T]) -> list[T] | None:
    """A JSON list of lists of ``width`` values kept in short (a sitting's scores), each inner
    list's text between ``[[``, ``],[`` and ``]]`` looked up in ``known`` as it stands and made (``make``, given
    its values) only the first time it is seen. None when the text cannot be read so: the caller parses it whole.

    A cut made inside a quoted text (a table's name holding ``],[``) leaves that text's opening quote without its
    closing one in one piece, which then neither parses nor matches a piece that once parsed; any piece that fails
    sends the whole to the JSON parser. The pieces are taken in order and the first that fails ends the reading,
    which matters: that failing piece always comes before the pieces cut from inside the text, one of which might
    parse as a piece of its own."""
    if stored == "[]":
        return []
    if not (stored.startswith("[[") and stored.endswith("]]")):
        return None
    found = []
    for piece in stored[2:-2].split("],["):
        made = known.get(piece)
        if made is None:
            try:
                said = json.loads(f"[{piece}]")
            except ValueError:
                return None
            if len(said) != width:
                return None
            made = known[piece] = make(said)
        found.append(made)
    return found


class ScoresSeen:
    """The forms' scores read for one report, each kind made once: a form's score is one of a few hundred
    (a T-score, its SE and the table, per form), so of the 100,000 forms a year of a ten-year clinic holds,
    almost every one is a score already made, found by what it says instead of made again."""

    __slots__ = ("_made", "_texts")

    def __init__(self) -> None:
        self._made: dict[tuple[Any, ...], FormScore] = {}
        self._texts: dict[str, FormScore] = {}

    def read_text(self, stored: str) -> tuple[FormScore, ...]:
        """``stored``: a sitting's ``scores_text`` as kept. Each form's text between ``[[``, ``],[`` and ``]]``
        is looked up as it stands, and parsed only the first time it is seen (``pieces_read``): parsing every
        sitting whole and finding each form by its values was a fifth of a ten-year report's counting."""
        found = pieces_read(stored, self._texts, len(SCORED), lambda said: self.read([said])[0])
        return tuple(found) if found is not None else self.read(json.loads(stored))

    def read(self, forms: Iterable[list[Any]]) -> tuple[FormScore, ...]:
        """``forms``: a sitting's ``scores_text``, parsed."""
        made = self._made
        found = []
        for form in forms:
            said = tuple(form)
            score = made.get(said)
            if score is None:
                score = made[said] = stored_forms([dict(zip(SCORED, said, strict=True))])[0]
            found.append(score)
        return tuple(found)


Sitting = AssessmentRow | StoredSitting
"""A sitting as the report reads it: ``patient_id``, ``taken_at`` and ``forms``."""


def stored_forms(forms: Iterable[dict[str, Any]]) -> tuple[FormScore, ...]:
    """The scores of an ``outcome.assessed`` entry's forms, as stored (``core.event_data.FormAnswers``)."""
    return tuple(
        FormScore(
            form["form_id"],
            _decimal(form.get("t_score")),
            _decimal(form.get("se")),
            form.get("table"),
            form.get("tables_sha256"),
            bool(form.get("to_verify")),
            int(form.get("answered") or 0),
            int(form.get("of") or 0),
        )
        for form in forms
    )


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass(frozen=True)
class Cohort:
    """Every record of the patients a report looks at, up to its cut-off."""

    courses: tuple[CourseRow, ...] = ()
    sessions: tuple[SessionRow, ...] = ()
    adverse_events: tuple[AdverseRow, ...] = ()
    stops: tuple[StopRow, ...] = ()
    not_given: tuple[NotGivenRow, ...] = ()
    assessments: tuple[Sitting, ...] = ()
    moments: Mapping[str, CourseMoments] = field(default_factory=dict)
    """Course id -> its moments, for the courses whose sessions are not among ``sessions``: courses whose
    first infusion began well before the report's first day, and not a patient's last."""
    summaries: Mapping[str, CourseSummary] = field(default_factory=dict)
    """Course id -> its summary, for the courses whose sessions are neither among ``sessions`` nor summed in
    ``moments``: those whose kept summary (``course_facts``) was fed by nothing after the cut-off."""
    event_sessions: tuple[SessionRow, ...] = ()
    """The sessions of summarized or kept courses that an adverse event or an early stop counted names: the
    safety figures find each event's course through them."""
    kept: tuple[Sequence[Any], ...] = ()
    """The courses begun in the period whose part in the report is kept (``course_outcome``), each as
    ``core.outcomes.kept.READ`` names its first values: none of their patients' other records are among the rest."""
    bases: Mapping[str, int] = field(default_factory=dict)
    """Patient id -> the basis read before the records (``patient_basis``), for the courses the report counts
    from their records to be kept with it."""
    kept_shapes: Mapping[str, str] = field(default_factory=dict)
    """The kept courses' lists of shapes by their keys (``course_outcome_shapes``)."""


def by_patient(rows: Iterable[T], key: str = "patient_id") -> dict[str, list[T]]:
    found: dict[str, list[T]] = defaultdict(list)
    for row in rows:
        found[getattr(row, key)].append(row)
    return found


def ordered_courses(courses: Iterable[CourseRow]) -> dict[str, list[CourseRow]]:
    """Each patient's courses in the order they were ordered: course 1, course 2, … (as ``records.courses_of``)."""
    found = by_patient(courses)
    for rows in found.values():
        rows.sort(key=lambda c: (c.recorded_at, c.id))
    return found


def course_spans(
    protocol: Protocol,
    courses: Mapping[str, list[CourseRow]],
    sessions: Iterable[SessionRow],
    as_of: date,
    days: LocalDays | None = None,
    moments: Mapping[str, CourseMoments] | None = None,
    summaries: Mapping[str, CourseSummary] | None = None,
) -> dict[str, list[CourseSpan]]:
    """Each patient's course spans as they stood on ``as_of`` (the day after the report's last day, so every
    day up to the cut-off has passed): the same rule as ``Care.course_spans``, from the cohort's values.

    A course's infusions are its treated sessions (completed or stopped early), each at the moment its
    infusion began (its opening, where no start was recorded). Only a patient's last course needs the local
    day of each (whether it has days still to come); an earlier one has ended, and needs its last day only.
    ``days``: the local days worked out for the whole report (``LocalDays``). ``moments``: the courses whose
    sessions are not given, each as its sessions add up (``CourseMoments``; never a patient's last course).
    ``summaries``: the courses whose sessions are not given either, each as kept (``CourseSummary``): a
    patient's last course's treated days are read from it where the protocol's rule needs them."""
    day = days.day if days is not None else _local_day
    treated: dict[str, list[datetime]] = defaultdict(list)
    for s in sessions:
        if s.outcome in TREATED and s.course_id is not None:
            treated[s.course_id].append(s.started_at or s.opened_at)
    summaries = summaries or {}
    for course_id, summed in [*(moments or {}).items(), *summaries.items()]:
        treated[course_id] = [m for m in (summed.first_treated, summed.last_treated) if m is not None]
    spans: dict[str, list[CourseSpan]] = {}
    for patient_id, rows in courses.items():
        made = []
        for number, course in enumerate(rows, start=1):
            ended = number < len(rows)
            began = sorted(treated.get(course.id, ()))
            if not ended:
                order = CourseView(
                    course.id, patient_id, "", "", "", course.first_day, course.days, "", course.recorded_at
                )
                kept = summaries.get(course.id)
                if kept is None:
                    treated_days = [day(m) for m in began]
                elif protocol.course.consecutive_days:
                    # Asked only whether ``as_of`` is among them; a kept course's every moment is before the
                    # cut-off, ``as_of``'s start, so none is: the days need not be worked out.
                    treated_days = []
                else:
                    treated_days = [_day_of_second(s, days) for s in kept.treated_seconds()]
                ended = days_left(protocol, order, as_of, treated_days) == 0
            made.append(
                CourseSpan(
                    course_id=course.id,
                    patient_id=patient_id,
                    number=number,
                    first_day=course.first_day,
                    days=course.days,
                    first_started_at=began[0] if began else None,
                    last_infusion_day=day(began[-1]) if began else None,
                    ended=ended,
                )
            )
        spans[patient_id] = made
    return spans


def _day_of_second(second: int, days: LocalDays | None) -> date:
    if days is not None:
        return date.fromordinal(days.ordinal_of_second(second))
    return _local_day(EPOCH + second * SECOND)


def _local_day(moment: datetime) -> date:
    return moment.astimezone().date()


def day_bounds(first_day: date, last_day: date) -> tuple[datetime, datetime]:
    """The moments a period of the clinic's days runs between: the start of its first day and the end of its
    last (the report's cut-off)."""
    start = datetime.combine(first_day, datetime.min.time()).astimezone()
    end = datetime.combine(last_day + timedelta(days=1), datetime.min.time()).astimezone()
    return start, end
