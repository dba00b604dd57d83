"""A patient's courses as a nurse and the charge nurse read them: each order, each day, each session.

A course is the prescriber's order and the days it runs; each day is accounted for once, in words: its
infusion completed or stopped early (and why), a session ended without an infusion (and why), missed by
the patient or cancelled by the clinic (with the reason the nurse recorded), still to come, or past with
no record at all, which is itself worth seeing. Under the days, each session's dose and weight (a trend
across the course and the courses), the peaks of its vital signs and side effects, and its adverse
events; and the course's outcome forms, placed by the protocol's windows (``core.outcomes.windows``).

Everything here is plain values assembled from what core read (``core.care.course_record`` reads it):
the screen and the printout show the same record and decide nothing of their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from core import event_data as d
from core.course import CourseView
from core.events import EventType as E
from core.machine import Outcome, Step
from core.outcomes.chart import FormScore, OutcomeChart, OutcomeLine, chart_of
from core.outcomes.forms import AssessmentView
from core.outcomes.windows import CourseSpan, best_of, place, window
from core.promis import PromisTables
from core.protocol import Outcomes, Protocol, VitalKind
from core.record_values import SessionSummary
from core.session_state import SessionState
from core.trends import vital_trends
from core.views import DayNotGivenView, PatientView


class DayStatus(StrEnum):
    """What became of one day of a course, in the words the record uses."""

    COMPLETED = "completed"
    STOPPED_EARLY = "stopped early"
    NOT_TREATED = "not treated"
    MISSED = "missed by the patient"
    CANCELLED = "cancelled by the clinic"
    IN_PROGRESS = "in progress"
    TODAY = "today"
    TO_COME = "still to come"
    REPLACED = "not given: course replaced"
    NO_RECORD = "no record"


DAY_SYMBOLS: Mapping[DayStatus, str] = {
    DayStatus.COMPLETED: "✓",
    DayStatus.STOPPED_EARLY: "◐",
    DayStatus.NOT_TREATED: "✗",
    DayStatus.MISSED: "○",
    DayStatus.CANCELLED: "⊘",
    DayStatus.IN_PROGRESS: "▶",
    DayStatus.TODAY: "▷",
    DayStatus.TO_COME: "·",
    DayStatus.REPLACED: "—",
    DayStatus.NO_RECORD: "?",
}
"""A mark beside each status's words, the same on screen and paper: never colour alone, never the mark alone."""


@dataclass(frozen=True)
class VitalPeaks:
    """The extremes of one session's vital signs as they stand (a corrected reading is left out)."""

    systolic_high: Decimal | None = None
    systolic_low: Decimal | None = None
    diastolic_high: Decimal | None = None
    diastolic_low: Decimal | None = None
    heart_rate_high: Decimal | None = None
    heart_rate_low: Decimal | None = None
    spo2_low: Decimal | None = None
    respiratory_rate_low: Decimal | None = None
    sedation_worst: Decimal | None = None
    """The RASS furthest from 0 (calm and alert); the deeper sedation of two as far."""
    sets: int = 0

    @property
    def words(self) -> str:
        """ "BP 118–146/70–88 · HR 62–91 · SpO2 ≥ 95 · RR ≥ 12 · RASS 0", or "no vital signs"."""
        if not self.sets:
            return "no vital signs"
        parts = []
        if self.systolic_high is not None:
            bp = f"BP {_span(self.systolic_low, self.systolic_high)}"
            if self.diastolic_high is not None:
                bp += f"/{_span(self.diastolic_low, self.diastolic_high)}"
            parts.append(bp)
        if self.heart_rate_high is not None:
            parts.append(f"HR {_span(self.heart_rate_low, self.heart_rate_high)}")
        if self.spo2_low is not None:
            parts.append(f"SpO2 low {self.spo2_low}")
        if self.respiratory_rate_low is not None:
            parts.append(f"RR low {self.respiratory_rate_low}")
        if self.sedation_worst is not None:
            parts.append(f"RASS {_signed(self.sedation_worst)}")
        return " · ".join(parts)


@dataclass(frozen=True)
class EffectPeak:
    """A side effect graded above the lowest grade in a session, at its worst."""

    item: str
    """The protocol's label of the checklist item."""
    grade: str
    """The label of the worst grade it reached."""


@dataclass(frozen=True)
class AdverseEventLine:
    at: datetime
    what: str
    severity: str
    action: str


@dataclass(frozen=True)
class SessionLine:
    """One session of a course as the record shows it."""

    session_id: str
    day: int | None
    opened_at: datetime
    chair: int
    outcome: Outcome
    signed: bool
    open: bool
    """Still on its chair (not yet signed)."""
    weight_kg: Decimal | None
    dose_mg: Decimal | None
    """The dose calculated and confirmed (None before one was; also for a session not treated)."""
    given_mg: Decimal | None
    """About what was given: the dose for a completed infusion, the estimate for one stopped early."""
    reason: str | None
    """Why it stopped early, or why it ended without an infusion."""
    peaks: VitalPeaks
    effects: tuple[EffectPeak, ...]
    adverse_events: tuple[AdverseEventLine, ...]

    @property
    def outcome_words(self) -> str:
        """ "completed", "stopped early", "not treated" or "in progress", and "not signed" while it is not."""
        return self.outcome.value + ("" if self.signed else ", not signed")

    @property
    def effects_words(self) -> str:
        return ", ".join(f"{e.item} {e.grade.lower()}" for e in self.effects) or "none"


@dataclass(frozen=True)
class CourseDay:
    day: int
    on: date | None
    """The day's date on a consecutive-day course; None where days are not dated."""
    status: DayStatus
    reason: str | None
    """Why it stopped early, was not treated, missed or cancelled; None where there is nothing to say."""
    sessions: tuple[SessionLine, ...]

    @property
    def symbol(self) -> str:
        return DAY_SYMBOLS[self.status]

    @property
    def words(self) -> str:
        """ "stopped early: nausea (after 22 min, about 20 mg given)"."""
        return f"{self.status.value}: {self.reason}" if self.reason else self.status.value

    @property
    def session(self) -> SessionLine | None:
        """The session the day's status comes from (the one whose infusion ran, else the last)."""
        ran = [s for s in self.sessions if s.outcome in {Outcome.COMPLETED, Outcome.STOPPED_EARLY}]
        return (ran or list(self.sessions) or [None])[-1]


@dataclass(frozen=True)
class CourseRecord:
    number: int
    """1 for the patient's first course, 2 for the next, …"""
    order: CourseView
    ordered_by: str
    """The name of the nurse who recorded the order."""
    gap_days: int | None
    """Days from the end of the course before (its last infusion, or its last day when none ran) to this
    course's first day; None for the first course."""
    days: tuple[CourseDay, ...]
    sessions: tuple[SessionLine, ...]
    outcomes: tuple[OutcomeLine, ...]
    span: CourseSpan
    replaced: bool
    """A later order was recorded: whatever of this course was still to come was not given under it."""

    @property
    def label(self) -> str:
        return f"Course {self.number}"

    @property
    def state_words(self) -> str:
        if self.replaced:
            return "ended (a new course was ordered)"
        return "ended" if self.span.ended else "in progress"

    def count(self, status: DayStatus) -> int:
        return sum(1 for day in self.days if day.status is status)

    @property
    def tally(self) -> str:
        """ "3 completed, 1 stopped early, 1 missed by the patient" (only the statuses it has)."""
        found = [(status, self.count(status)) for status in DayStatus]
        return ", ".join(f"{n} {status.value}" for status, n in found if n) or "no days"

    @property
    def weights(self) -> tuple[tuple[datetime, Decimal], ...]:
        return tuple((s.opened_at, s.weight_kg) for s in self.sessions if s.weight_kg is not None)

    @property
    def doses(self) -> tuple[tuple[datetime, Decimal], ...]:
        return tuple((s.opened_at, s.dose_mg) for s in self.sessions if s.dose_mg is not None)


@dataclass(frozen=True)
class PatientCourses:
    """Every course of one patient, in order, with the outcome chart drawn from the same record."""

    patient: PatientView
    courses: tuple[CourseRecord, ...]
    loose_sessions: tuple[SessionLine, ...]
    """Sessions recorded before sessions named their course: shown, never guessed into one."""
    chart: OutcomeChart
    protocol_id: str
    protocol_version: str
    today: date
    made_at: datetime

    @property
    def trend(self) -> tuple[tuple[int, SessionLine], ...]:
        """Every session with a weight or a dose, oldest first, with its course's number."""
        return tuple(
            (course.number, s)
            for course in self.courses
            for s in course.sessions
            if s.weight_kg is not None or s.dose_mg is not None
        )


# ---- assembly -----------------------------------------------------------------------------------


def course_record(
    protocol: Protocol,
    tables: PromisTables,
    patient: PatientView,
    courses: Sequence[CourseView],
    spans: Sequence[CourseSpan],
    sessions: Sequence[tuple[SessionSummary, SessionState]],
    not_given: Sequence[DayNotGivenView],
    assessments: Sequence[AssessmentView],
    names: Mapping[str, str],
    now: datetime,
) -> PatientCourses:
    """The patient's courses from what was read: ``courses`` oldest first, ``spans`` as
    ``Care.course_spans`` gives them, each session's summary row with its replayed state."""
    today = now.astimezone().date()
    by_course: dict[str | None, list[SessionLine]] = {}
    for row, state in sorted(sessions, key=lambda pair: pair[0].opened_at):
        by_course.setdefault(row.course_id, []).append(session_line(protocol, row, state))
    span_of = {span.course_id: span for span in spans}
    placed = _placed(protocol, spans, assessments)
    records: list[CourseRecord] = []
    for number, order in enumerate(courses, start=1):
        following = courses[number] if number < len(courses) else None
        lines = tuple(by_course.get(order.id, []))
        days = _days(protocol, order, lines, [v for v in not_given if v.course_id == order.id], following, today)
        span = span_of[order.id]
        before = records[-1] if records else None
        records.append(
            CourseRecord(
                number=number,
                order=order,
                ordered_by=names.get(order.recorded_by, order.recorded_by),
                gap_days=_gap(before, order) if before is not None else None,
                days=days,
                sessions=lines,
                outcomes=tuple(line for line, course_id in placed if course_id == order.id),
                span=span,
                replaced=following is not None,
            )
        )
    loose = tuple(line for key, lines in by_course.items() if key not in span_of for line in lines)
    return PatientCourses(
        patient=patient,
        courses=tuple(records),
        loose_sessions=loose,
        chart=chart_of(protocol.outcomes, tables, spans, placed, today),
        protocol_id=protocol.id,
        protocol_version=protocol.version,
        today=today,
        made_at=now,
    )


def session_line(protocol: Protocol, row: SessionSummary, state: SessionState) -> SessionLine:
    """One session's line: weight, dose, what was given, why it ended as it did, peaks and adverse events."""
    reason = None
    given = None
    for event in state.events:
        if event.type is E.STOPPED_EARLY:
            stop = event.data_as(d.StoppedEarly)
            reason = f"{stop.reason.rstrip('. ')} (after {stop.minutes_infused} min)"
            given = stop.estimated_mg_given
        elif event.type is E.ABANDONED:
            reason = event.data_as(d.Reason).reason.rstrip(". ") or "no reason recorded"
    if state.screening_stop_reasons:
        reason = "screening: " + "; ".join(state.screening_stop_reasons)
    if state.outcome is Outcome.COMPLETED and state.dose is not None:
        given = state.dose.dose_mg
    treated = state.outcome is not Outcome.NOT_TREATED
    return SessionLine(
        session_id=row.id,
        day=state.course_day,
        opened_at=row.opened_at,
        chair=row.chair,
        outcome=state.outcome,
        signed=state.step is Step.DONE,
        open=state.step is not Step.DONE,
        weight_kg=state.weight.kg if state.weight is not None else None,
        dose_mg=state.dose.dose_mg if state.dose is not None and treated else None,
        given_mg=given,
        reason=reason,
        peaks=vital_peaks(protocol, state),
        effects=effect_peaks(protocol, state),
        adverse_events=tuple(
            AdverseEventLine(e.occurred_at, a.what, a.severity, a.action)
            for e in state.events
            if e.type is E.ADVERSE_EVENT
            for a in (e.data_as(d.AdverseEvent),)
        ),
    )


def vital_peaks(protocol: Protocol, state: SessionState) -> VitalPeaks:
    """Highs and lows of the readings that stand (``core.trends``: a corrected set is not counted)."""
    trends = vital_trends(protocol, state.events)

    def values(kind: VitalKind) -> list[Decimal]:
        return [reading.value for reading in trends[kind].current]

    def most(kind: VitalKind) -> Decimal | None:
        found = values(kind)
        return max(found) if found else None

    def least(kind: VitalKind) -> Decimal | None:
        found = values(kind)
        return min(found) if found else None

    sedation = values(VitalKind.SEDATION)
    sets = sum(1 for e in state.events if e.type is E.VITALS)
    return VitalPeaks(
        systolic_high=most(VitalKind.SYSTOLIC),
        systolic_low=least(VitalKind.SYSTOLIC),
        diastolic_high=most(VitalKind.DIASTOLIC),
        diastolic_low=least(VitalKind.DIASTOLIC),
        heart_rate_high=most(VitalKind.HEART_RATE),
        heart_rate_low=least(VitalKind.HEART_RATE),
        spo2_low=least(VitalKind.SPO2),
        respiratory_rate_low=least(VitalKind.RESPIRATORY_RATE),
        sedation_worst=max(sedation, key=lambda v: (abs(v), -v)) if sedation else None,
        sets=sets,
    )


def effect_peaks(protocol: Protocol, state: SessionState) -> tuple[EffectPeak, ...]:
    """Each checklist item at the worst grade it reached in the session, when above the lowest, in the
    checklist's order."""
    order = [grade.id for grade in protocol.side_effects.grades]
    labels = {grade.id: grade.label for grade in protocol.side_effects.grades}
    worst: dict[str, str] = {}
    for event in state.events:
        if event.type is not E.SIDE_EFFECTS:
            continue
        for item, grade in event.data_as(d.SideEffects).grades.items():
            if grade in order and (item not in worst or order.index(grade) > order.index(worst[item])):
                worst[item] = grade
    return tuple(
        EffectPeak(item.label, labels[worst[item.id]])
        for item in protocol.side_effects.items
        if item.id in worst and worst[item.id] != order[0]
    )


def _days(
    protocol: Protocol,
    order: CourseView,
    sessions: Sequence[SessionLine],
    not_given: Sequence[DayNotGivenView],
    following: CourseView | None,
    today: date,
) -> tuple[CourseDay, ...]:
    dated = protocol.course.consecutive_days
    reasons = {view.day: view for view in not_given}
    ends = _replaced_from(following)
    days = []
    for n in range(1, order.days + 1):
        on = order.first_day + timedelta(days=n - 1) if dated else None
        held = tuple(s for s in sessions if s.day == n)
        status, reason = _status(held, reasons.get(n), on, today, ends)
        if status is DayStatus.TO_COME and not dated and following is not None:
            status = DayStatus.REPLACED
        days.append(CourseDay(n, on, status, reason, held))
    return tuple(days)


def _replaced_from(following: CourseView | None) -> date | None:
    """From which day the course's remaining days were no longer given under it: the day the new order was
    recorded, or its first day if that came first."""
    if following is None:
        return None
    return min(following.first_day, following.recorded_at.astimezone().date())


_RAN = (Outcome.COMPLETED, Outcome.STOPPED_EARLY)


def _status(
    sessions: Sequence[SessionLine],
    recorded: DayNotGivenView | None,
    on: date | None,
    today: date,
    replaced_from: date | None,
) -> tuple[DayStatus, str | None]:
    """A day's status: an infusion that ran decides it, then a session still on its chair, then the nurse's
    account of why there was none (whose cause it was), then a session that ended without one; a day with
    none of these is still to come, today, not given under a replaced course, or a past day with no record."""
    for outcome in _RAN:
        ran = [s for s in sessions if s.outcome is outcome]
        if ran:
            if outcome is Outcome.COMPLETED:
                return DayStatus.COMPLETED, None
            return DayStatus.STOPPED_EARLY, ran[-1].reason
    if any(s.outcome is Outcome.IN_PROGRESS and s.open for s in sessions):
        return DayStatus.IN_PROGRESS, None
    if recorded is not None:
        return (DayStatus.CANCELLED if recorded.by_clinic else DayStatus.MISSED), recorded.reason
    untreated = [s for s in sessions if s.outcome is Outcome.NOT_TREATED]
    if untreated:
        return DayStatus.NOT_TREATED, untreated[-1].reason
    if on is None:
        return DayStatus.TO_COME, None
    if replaced_from is not None and on >= replaced_from:
        return DayStatus.REPLACED, None
    if on > today:
        return DayStatus.TO_COME, None
    if on == today:
        return DayStatus.TODAY, None
    return DayStatus.NO_RECORD, None


def _gap(before: CourseRecord, order: CourseView) -> int:
    """Days from the end of the course before to this course's first day."""
    ended = before.span.last_infusion_day or before.order.last_day
    return (order.first_day - ended).days


def _placed(
    protocol: Protocol, spans: Sequence[CourseSpan], assessments: Sequence[AssessmentView]
) -> list[tuple[OutcomeLine, str | None]]:
    """Each sitting with the course it belongs to, placed again by the windows as the courses stand now
    (a course begun since may have moved a form from a follow-up to a baseline); a sitting in no window
    stays with the course it was recorded under."""
    outcomes = protocol.outcomes
    found: list[tuple[AssessmentView, str | None, str | None]] = []
    for a in assessments:
        where = place(outcomes, spans, a.taken_at)
        found.append((a, where.course_id if where else a.course_id, where.point_id if where else None))
    counting = _counting(outcomes, spans, found)
    result = []
    for a, course_id, point_id in found:
        point = outcomes.time_point(point_id) if point_id else None
        line = OutcomeLine(
            assessment_id=a.id,
            taken_on=a.taken_on,
            taken_at=a.taken_at,
            point_id=point_id,
            point_label=point.label if point is not None else "outside every window",
            counts=a.id in counting,
            mode=a.mode_words,
            forms=tuple(
                FormScore(f.form_id, f.domain, f.t_score, f.se, f.answered, f.of, f.to_verify) for f in a.forms
            ),
            pain_intensity=a.pain_intensity,
        )
        result.append((line, course_id))
    return result


def _counting(
    outcomes: Outcomes, spans: Sequence[CourseSpan], found: Sequence[tuple[AssessmentView, str | None, str | None]]
) -> set[str]:
    """The sittings that count, one per course and time point (``best_of``)."""
    span_of = {span.course_id: span for span in spans}
    groups: dict[tuple[str, str], list[AssessmentView]] = {}
    for a, course_id, point_id in found:
        if course_id is not None and point_id is not None:
            groups.setdefault((course_id, point_id), []).append(a)
    counting: set[str] = set()
    for (course_id, point_id), sittings in groups.items():
        point = outcomes.time_point(point_id)
        span = span_of.get(course_id)
        if point is None or span is None:
            continue
        w = window(point, span)
        target = w.target if w is not None else span.first_day
        best = best_of(point, target, [a.taken_at for a in sittings])
        counting |= {a.id for a in sittings if a.taken_at == best}
    return counting


def _span(low: Decimal | None, high: Decimal | None) -> str:
    if low is None or high is None or low == high:
        return str(high if high is not None else low)
    return f"{low}–{high}"


def _signed(value: Decimal) -> str:
    return f"+{value}" if value > 0 else str(value)
