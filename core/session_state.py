"""A session's state, computed from its events and "now" — never stored, never ticked.

Because the state is a pure function of the log and the clock, a crash loses nothing: reopening the
database and replaying the events gives the same countdown as if the app had never stopped (the pump
kept running). Pauses shift the infusion clock and the vitals and side-effect checks due on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from core import event_data as d
from core.controlled import ControlledRecord, controlled_record
from core.dosing import DoseCalculation, Weight
from core.events import Event
from core.events import EventType as E
from core.machine import Outcome, Step, allowed, next_step
from core.protocol import Escalation, Phase, Protocol, SchedulePoint, SideEffectsSchedule, VitalKind, VitalsSchedule
from core.pump_check import PumpCheck
from core.signatures import Signature, altered_since_signed, signatures_of
from core.vitals import Tier


class PointStatus(StrEnum):
    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"
    DONE = "done"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class VitalsPoint:
    """A point of a schedule (vital signs, or the side-effect checklist) and how it stands now."""

    point: SchedulePoint
    status: PointStatus
    due_at: datetime | None
    taken_at: datetime | None = None
    """When the set (or checklist) that answered it was taken: the day log tells on time from late."""


@dataclass(frozen=True)
class OpenAlert:
    event_id: str
    occurred_at: datetime
    findings: tuple[str, ...]
    instructions: tuple[str, ...] = ()
    """The protocol's action for each vital that alarmed, in the order found, without repeats."""
    vitals: tuple[VitalKind, ...] = ()
    """The vitals that alarmed: which symptom questions and actions the acknowledgement offers."""
    advisories: tuple[str, ...] = ()
    """The same set's readings at advisory level only: said apart from the act-now ones, never as act-now."""


@dataclass(frozen=True)
class PendingAdverseEvent:
    """A side effect graded at the protocol's action level that has no adverse-event record yet."""

    source_event_id: str
    item: str
    grade: str
    occurred_at: datetime


@dataclass(frozen=True)
class Infusion:
    started_at: datetime | None
    infused: timedelta
    remaining: timedelta
    running: bool
    pause_reason: str | None
    ends_at: datetime | None
    ended_at: datetime | None


@dataclass(frozen=True)
class SessionState:
    session_id: str
    step: Step
    outcome: Outcome
    allowed: frozenset[E]
    infusion: Infusion
    vitals: tuple[VitalsPoint, ...]
    open_alerts: tuple[OpenAlert, ...]
    pending_adverse_events: tuple[PendingAdverseEvent, ...]
    dose: DoseCalculation | None
    dosed_by: str | None
    checked_by: str | None
    last_check_mismatches: tuple[str, ...]
    baseline: dict[VitalKind, Decimal]
    observation_started_at: datetime | None
    discharge_earliest: datetime | None
    observation_left: timedelta
    needs_pump_check: bool
    pump_found_stopped_at: datetime | None
    held_back: dict[E, str]
    clock_behind: bool
    screening_stop_reasons: tuple[str, ...]
    course_id: str | None
    """The course the session is a day of (None for sessions opened before courses were recorded)."""
    course_day: int | None
    """Day n of the patient's course (None for sessions opened before courses were recorded)."""
    course_days: int | None
    missed_days: tuple[int, ...]
    controlled: ControlledRecord
    events: tuple[Event, ...] = field(repr=False)
    side_effect_checks: tuple[VitalsPoint, ...] = ()
    """The side-effect checklist's schedule (the protocol's ``side_effects_schedule``), point by point."""
    pump_check: PumpCheck | None = None
    """The latest "pump programmed and checked" for the dose confirmed now (None before one is recorded)."""
    start_waits_for_pump: bool = False
    """Ready, and the only thing holding the start back is a pump reading that agrees with the order."""
    weighed: d.Weighed | None = None
    """The last weighing of this session as recorded: how it was entered and any change from the last
    session the nurse confirmed, which the summary and the day log print."""
    now: datetime | None = None
    """The moment the state was worked out for (never before the latest entry): what needs are timed against."""
    escalation: Escalation | None = None
    """The protocol's escalation schedule, by which ``core.attention`` raises an unanswered need."""
    folded: Folded | None = field(default=None, repr=False, compare=False)
    """The entries folded, whatever the moment: the state after one more entry folds that entry alone."""

    @property
    def weight(self) -> Weight | None:
        """The weight of the day, as last recorded for this session (None before the patient is weighed)."""
        return self.weighed.weight if self.weighed is not None else None

    @cached_property
    def signatures(self) -> tuple[Signature, ...]:
        return signatures_of(self.events)

    @cached_property
    def altered_signatures(self) -> tuple[Signature, ...]:
        """Signatures whose signed content no longer matches the record (it was changed after signing).
        Worked out when a screen asks, not on every refresh of the board: it hashes the signed log."""
        return altered_since_signed(self.events)

    @property
    def read_only(self) -> bool:
        """Signed: nothing more is recorded except signed addenda."""
        return self.step is Step.DONE

    @property
    def next_vitals(self) -> VitalsPoint | None:
        """The set owed soonest, for the tile and the prompt: the most urgent first, then the earliest due.
        A recheck an alarm asked for can fall before the next set of the schedule."""
        owed = [entry for entry in self.vitals if entry.status in _OWED]
        if not owed:
            return None
        return min(
            owed,
            key=lambda e: (_OWED.index(e.status), e.due_at is None, e.due_at.timestamp() if e.due_at else 0.0),
        )

    @property
    def pump_to_read(self) -> bool:
        """Ready, and no reading of the pump that agrees with the order is recorded yet: it is asked for."""
        agreed = self.pump_check is not None and self.pump_check.agrees
        return self.step is Step.READY and E.PUMP_PROGRAMMED in self.allowed and not agreed

    @property
    def phase(self) -> Phase:
        """Before, during (running or paused) or after the infusion: which of the protocol's wordings apply."""
        if self.infusion.started_at is None:
            return Phase.BEFORE
        return Phase.INFUSION if self.step in {Step.INFUSING, Step.PAUSED} else Phase.OBSERVATION

    @property
    def vitals_attention(self) -> PointStatus | None:
        """The most urgent vitals status, if any set is due or overdue."""
        statuses = {entry.status for entry in self.vitals}
        for status in (PointStatus.OVERDUE, PointStatus.DUE):
            if status in statuses:
                return status
        return None

    @property
    def next_side_effects(self) -> VitalsPoint | None:
        """The side-effect check still owed or next to come, for the tile and the checklist's prompt."""
        for entry in self.side_effect_checks:
            if entry.status in {PointStatus.DUE, PointStatus.OVERDUE, PointStatus.UPCOMING}:
                return entry
        return None

    @property
    def side_effects_attention(self) -> PointStatus | None:
        """DUE or OVERDUE while a side-effect check is owed. At most one is: an earlier one is missed."""
        entry = self.next_side_effects
        return entry.status if entry is not None and entry.status is not PointStatus.UPCOMING else None


RECHECK = "recheck-"
"""The id prefix of a set of vitals an alarm's acknowledgement asked for."""
_OWED = (PointStatus.OVERDUE, PointStatus.DUE, PointStatus.UPCOMING)
"""Statuses of a set still owed, most urgent first."""


@dataclass(frozen=True)
class _Recheck:
    """A set of vital signs an alarm's acknowledgement asked for, ``minutes`` after it."""

    event_id: str
    asked_at: datetime
    minutes: int
    label: str
    phase: Phase


def _running_segments(events: list[Event]) -> list[tuple[datetime, datetime | None]]:
    segments: list[tuple[datetime, datetime | None]] = []
    for event in events:
        _segment(segments, event)
    return segments


def _segment(segments: list[tuple[datetime, datetime | None]], event: Event) -> None:
    """The pump's running stretches after one more entry: a start or resume opens one, a pause or end closes it."""
    if event.type in {E.STARTED, E.RESUMED}:
        segments.append((event.occurred_at, None))
    elif event.type in {E.PAUSED, E.STOPPED_EARLY, E.COMPLETED} and segments and segments[-1][1] is None:
        segments[-1] = (segments[-1][0], event.occurred_at)


def infused_by(events: tuple[Event, ...] | list[Event], now: datetime) -> timedelta:
    """The pump's running time up to ``now``, not capped at the infusion's length: how far it ran over."""
    return _infused(_running_segments(list(events)), now)


def _infused(segments: list[tuple[datetime, datetime | None]], now: datetime) -> timedelta:
    total = timedelta()
    for start, end in segments:
        total += max(timedelta(), (end or now) - start)
    return total


def _moment_infused(
    segments: list[tuple[datetime, datetime | None]], target: timedelta, now: datetime
) -> datetime | None:
    """When the infusion clock reached ``target`` (or will, if it keeps running); None while paused."""
    so_far = timedelta()
    for start, end in segments:
        length = (end or now) - start
        if so_far + length >= target:
            return start + (target - so_far)
        so_far += length
    if segments and segments[-1][1] is None:
        return now + (target - so_far)
    return None


@dataclass
class Folded:
    """A session's entries folded, up to and including its ``count``-th (the last one's id ``last_id``), under
    ``protocol``: what its state at any moment is worked out from (``derive_state``). Kept with a state, it
    lets the state after one more entry fold that entry alone, not the whole log again. Never changed once
    ``fold`` has returned it (``fold`` goes on from a copy)."""

    protocol: Protocol
    count: int = 0
    last_id: str = ""
    step: Step = Step.SCREEN
    outcome: Outcome = Outcome.IN_PROGRESS
    dose: DoseCalculation | None = None
    weighed: d.Weighed | None = None
    dosed_by: str | None = None
    checked_by: str | None = None
    mismatches: tuple[str, ...] = ()
    baseline: dict[VitalKind, Decimal] = field(default_factory=dict)
    baseline_at: datetime | None = None
    done_points: dict[str, datetime] = field(default_factory=dict)
    extra_sets: list[datetime] = field(default_factory=list)
    """Sets taken when no point was owed: one taken just before a point fell (the end-of-infusion set taken
    before "Infusion complete" is pressed) answers it."""
    checks_done: dict[str, datetime] = field(default_factory=dict)
    alerts: dict[str, OpenAlert] = field(default_factory=dict)
    stop_reasons: tuple[str, ...] = ()
    pause_reason: str | None = None
    ended_at: datetime | None = None
    last_pump_check: datetime | None = None
    pump_found_stopped_at: datetime | None = None
    given_mg: Decimal | None = None
    adverse: dict[tuple[str, str], PendingAdverseEvent] = field(default_factory=dict)
    rechecks: list[_Recheck] = field(default_factory=list)
    sets_taken: list[datetime] = field(default_factory=list)
    pump: PumpCheck | None = None
    segments: list[tuple[datetime, datetime | None]] = field(default_factory=list)
    """The pump's running stretches so far (``_running_segments`` of the entries folded)."""
    last_time: datetime | None = None
    """The latest ``occurred_at`` of the entries folded."""
    controlled: list[Event] = field(default_factory=list)
    """The entries the controlled-drug record is made from (drawn, wasted, returned), in order."""
    controlled_record: ControlledRecord | None = None
    """The controlled-drug record of those entries and ``given_mg``: made again only when either changed."""

    def copy(self) -> Folded:
        """A copy to go on folding, its collections its own (every field as it is, the collections copied:
        what ``dataclasses.replace`` gave, without its cost on every entry recorded; each a dict or a list, copied
        by its own ``copy``, which ``copy.copy`` looks up for it on every call)."""
        twin = Folded.__new__(Folded)
        twin.__dict__.update(self.__dict__)
        for name in _FOLDED_COLLECTIONS:
            setattr(twin, name, getattr(self, name).copy())
        return twin


_FOLDED_COLLECTIONS = (
    "baseline",
    "done_points",
    "extra_sets",
    "checks_done",
    "alerts",
    "adverse",
    "rechecks",
    "sets_taken",
    "segments",
    "controlled",
)
"""The fields of ``Folded`` that fold changes in place: a copy has its own."""
_CONTROLLED_KINDS = frozenset({E.DRAWN, E.WASTED, E.RETURNED})


def fold(protocol: Protocol, events: list[Event], after: Folded | None = None) -> Folded:
    """A session's entries folded, in ``seq`` order, into what its state is worked out from, whatever the
    moment. ``after``: the fold of the first of these entries under the same protocol, so only the entries
    after them are folded (given anything else, the whole log is)."""
    if not events or events[0].type is not E.OPENED:
        raise ValueError("a session's log starts with session.opened")
    usable = (
        after is not None
        and after.protocol is protocol
        and 0 < after.count <= len(events)
        and events[after.count - 1].id == after.last_id
    )
    if usable and after is not None and after.count == len(events) and after.controlled_record is not None:
        return after  # nothing to fold since (the state before an entry): never changed, so shared as it is
    f = after.copy() if after is not None and usable else Folded(protocol, last_time=events[0].occurred_at)
    start = f.count or 1
    for event in events[start:]:
        check_passed = screening_stopped = False
        if f.last_time is None or event.occurred_at > f.last_time:
            f.last_time = event.occurred_at
        _segment(f.segments, event)
        if event.type in _CONTROLLED_KINDS:
            f.controlled.append(event)
            f.controlled_record = None
        match event.type:
            case E.SCREENED:
                f.stop_reasons = event.data_as(d.Screened).stop_reasons
                screening_stopped = bool(f.stop_reasons)
                if screening_stopped:
                    f.outcome, f.given_mg = Outcome.NOT_TREATED, Decimal(0)
            case E.WEIGHED:
                f.dose, f.checked_by, f.mismatches, f.pump = None, None, (), None
                f.weighed = event.data_as(d.Weighed)
            case E.DOSE_CALCULATED:
                f.dose = event.data_as(d.DoseCalculated).calculation
                f.dosed_by, f.checked_by, f.mismatches, f.pump = event.recorded_by, None, (), None
            case E.PUMP_PROGRAMMED:
                f.pump = PumpCheck.of(event)
            case E.CHECKED:
                check = event.data_as(d.Checked)
                f.mismatches = check.mismatches
                check_passed = not f.mismatches
                f.checked_by = check.checker_id if check_passed else None
            case E.PAUSED:
                f.pause_reason, f.pump_found_stopped_at = event.data_as(d.Paused).reason, None
            case E.RESUMED:
                f.pause_reason = None
            case E.COMPLETED:
                f.outcome, f.ended_at = Outcome.COMPLETED, event.occurred_at
                f.given_mg = f.dose.dose_mg if f.dose else None
            case E.STOPPED_EARLY:
                f.outcome, f.ended_at, f.pause_reason = Outcome.STOPPED_EARLY, event.occurred_at, None
                f.pump_found_stopped_at = None
                f.given_mg = event.data_as(d.StoppedEarly).estimated_mg_given
            case E.ABANDONED:
                f.outcome, f.given_mg = Outcome.NOT_TREATED, Decimal(0)
            case E.PUMP_CONFIRMED:
                f.last_pump_check = event.recorded_at
                f.pump_found_stopped_at = None if event.data_as(d.PumpConfirmed).running else event.occurred_at
            case E.VITALS:
                f.sets_taken.append(event.occurred_at)
                vitals = event.data_as(d.VitalsRecorded)
                point = vitals.point_id
                if point:
                    f.done_points.setdefault(point, event.occurred_at)
                else:
                    f.extra_sets.append(event.occurred_at)
                values = dict(vitals.values)
                if f.step in _BASELINE_STEPS and vitals.partial_reason:
                    # A partial set updates what it measured; the rest, and its age, stay from the earlier set.
                    f.baseline = {**f.baseline, **values}
                    f.baseline_at = f.baseline_at or event.occurred_at
                elif f.step in _BASELINE_STEPS:  # the latest full set before the start is the baseline
                    f.baseline, f.baseline_at = values, event.occurred_at
                acts = vitals.of_tier(Tier.ACT)
                if acts:
                    texts = tuple(f.text for f in acts)
                    kinds = tuple(dict.fromkeys(f.vital for f in acts))
                    advisories = tuple(f.text for f in vitals.of_tier(Tier.ADVISE))
                    f.alerts[event.id] = OpenAlert(
                        event.id, event.occurred_at, texts, _instructions(protocol, acts), kinds, advisories
                    )
            case E.ALERT_ACKNOWLEDGED:
                ack = event.data_as(d.AlertAcknowledged)
                f.alerts.pop(ack.alert_event_id, None)
                if recheck := ack.recheck:
                    phase = Phase.INFUSION if f.ended_at is None else Phase.OBSERVATION
                    f.rechecks.append(_Recheck(event.id, event.occurred_at, recheck.minutes, recheck.label, phase))
            case E.SIDE_EFFECTS:
                check_of = event.data_as(d.SideEffects)
                if check_of.point_id:
                    f.checks_done.setdefault(check_of.point_id, event.occurred_at)
                for item in check_of.act_now:
                    grade = check_of.grades[item]
                    f.adverse[(event.id, item)] = PendingAdverseEvent(event.id, item, grade, event.occurred_at)
            case E.ADVERSE_EVENT:
                recorded = event.data_as(d.AdverseEvent)
                f.adverse.pop((recorded.source_event_id, recorded.item), None)
        f.step = next_step(f.step, event.type, check_passed=check_passed, screening_stopped=screening_stopped)

    f.count, f.last_id = len(events), events[-1].id
    if f.controlled_record is None or f.controlled_record.given_mg is not f.given_mg:
        f.controlled_record = controlled_record(protocol, f.controlled, f.given_mg)
    return f


def derive_state(
    protocol: Protocol,
    events: list[Event],
    now: datetime,
    app_started_at: datetime | None = None,
    after: Folded | None = None,
) -> SessionState:
    """Fold a session's events (in ``seq`` order) into its state at ``now``. ``after``: the fold of the first
    of them, kept with an earlier state (``SessionState.folded``), so only the entries since are folded."""
    f = fold(protocol, events, after)
    last_time = f.last_time
    assert last_time is not None  # a log has its opening entry at least
    clock_behind = now < last_time
    now = max(now, last_time)
    segments = list(f.segments)
    total = timedelta(minutes=protocol.dose.infusion_minutes)
    infused = min(_infused(segments, now), total)
    running = f.step is Step.INFUSING
    remaining = total - infused if f.step in {Step.READY, Step.INFUSING, Step.PAUSED} else timedelta()
    infusion = Infusion(
        started_at=segments[0][0] if segments else None,
        infused=infused,
        remaining=remaining,
        running=running,
        pause_reason=f.pause_reason if f.step is Step.PAUSED else None,
        ends_at=now + remaining if running else None,
        ended_at=f.ended_at,
    )
    points = _vitals_points(
        protocol,
        segments,
        f.ended_at,
        f.step,
        _adopted(protocol, f.done_points, f.extra_sets, segments, f.ended_at, now),
        now,
    )
    points += _recheck_points(protocol, f.rechecks, f.sets_taken, f.step, now)
    checks = _side_effect_checks(protocol, segments, f.ended_at, f.step, f.checks_done, now)
    discharge_earliest = f.ended_at + timedelta(minutes=protocol.observation.minimum_minutes) if f.ended_at else None
    needs_pump_check = (
        f.step in {Step.INFUSING, Step.PAUSED}
        and app_started_at is not None
        and infusion.started_at is not None
        and infusion.started_at < app_started_at
        and (f.last_pump_check is None or f.last_pump_check < app_started_at)
    )
    # Actions the step allows but the session's figures do not yet, each with the reason to show.
    held_back: dict[E, str] = _held_by_alerts(f.step, tuple(f.alerts.values()))
    if f.step is Step.INFUSING and remaining > timedelta():
        held_back[E.COMPLETED] = "The infusion time has not run out yet: wait for the countdown, or stop early."
    if f.step is Step.READY and _baseline_id(protocol) not in f.done_points:
        held_back.setdefault(E.STARTED, "Record the baseline vital signs before the infusion starts.")
    if f.step is Step.READY and f.baseline_at is not None and _stale(protocol, f.baseline_at, now):
        minutes = protocol.vitals_schedule.baseline_within_minutes
        held_back.setdefault(
            E.STARTED,
            f"The baseline vital signs are more than {minutes} minutes old: take a fresh set before the infusion "
            "starts.",
        )
    if f.adverse:
        held_back.setdefault(E.SIGNED, "Record the adverse event for each severe side effect before signing.")
    controlled = f.controlled_record
    assert controlled is not None  # every fold makes it
    course = events[0].data_as(d.Opened).course
    if f.step is Step.READY and not controlled.drawn and E.STARTED not in held_back:
        held_back[E.STARTED] = "Record the vial's lot and the amount drawn up before the infusion starts."
    if not controlled.drawn:
        held_back[E.WASTED] = "Nothing was drawn up in this session, so there is nothing to waste."
    start_waits_for_pump = False
    if f.step is Step.READY and E.STARTED not in held_back:
        pump_held = _pump_held(protocol, f.pump)
        if pump_held is not None:
            held_back[E.STARTED], start_waits_for_pump = pump_held, True
    if not any(v.may_return for v in controlled.vials):
        held_back[E.RETURNED] = "No multi-dose vial has anything left to return to stock."
    if controlled.vial_problem:
        held_back.setdefault(E.SIGNED, f"Account for the rest of each vial before signing: {controlled.vial_problem}")
    owed_check = next((c for c in checks if c.status in {PointStatus.DUE, PointStatus.OVERDUE}), None)
    if f.step is Step.OBSERVE and owed_check is not None:
        # An open alert, if any, is what the nurse must hear first: its reason stays.
        held_back.setdefault(E.DISCHARGED, f"Before discharge, record the side-effect check: {owed_check.point.label}.")
    last_set = protocol.vitals_schedule.points[-1].id
    owed_last = next(
        (p for p in points if p.point.id == last_set and p.status in {PointStatus.DUE, PointStatus.OVERDUE}), None
    )
    if f.step is Step.OBSERVE and owed_last is not None:  # the pre-discharge set (REFERENCE 3.4)
        held_back.setdefault(E.DISCHARGED, f"Before discharge, take the set of vital signs: {owed_last.point.label}.")
    owed_recheck = next(
        (p for p in points if p.point.id.startswith(RECHECK) and p.status in {PointStatus.DUE, PointStatus.OVERDUE}),
        None,
    )
    if f.step is Step.OBSERVE and owed_recheck is not None:  # an alarm asked for it: it is seen before she leaves
        held_back.setdefault(
            E.DISCHARGED, "Before discharge, take the set of vital signs the alarm's recheck asked for."
        )
    permitted = set(allowed(f.step)) - set(held_back)
    return SessionState(
        session_id=events[0].session_id,
        step=f.step,
        outcome=f.outcome,
        allowed=frozenset(permitted),
        infusion=infusion,
        vitals=points,
        open_alerts=tuple(f.alerts.values()),
        pending_adverse_events=tuple(f.adverse.values()),
        dose=f.dose,
        dosed_by=f.dosed_by,
        checked_by=f.checked_by,
        last_check_mismatches=f.mismatches,
        baseline=dict(f.baseline),  # the fold is kept: the state's own copy
        observation_started_at=f.ended_at,
        discharge_earliest=discharge_earliest,
        observation_left=max(timedelta(), discharge_earliest - now) if discharge_earliest else timedelta(),
        needs_pump_check=needs_pump_check,
        pump_found_stopped_at=f.pump_found_stopped_at if f.step is Step.INFUSING else None,
        held_back=held_back,
        clock_behind=clock_behind,
        screening_stop_reasons=f.stop_reasons,
        course_id=course.id if course else None,
        course_day=course.day if course else None,
        course_days=course.of if course else None,
        missed_days=course.missed if course else (),
        controlled=controlled,
        events=tuple(events),
        side_effect_checks=checks,
        pump_check=f.pump,
        start_waits_for_pump=start_waits_for_pump,
        weighed=f.weighed,
        now=now,
        escalation=protocol.escalation,
        folded=f,
    )


@dataclass(frozen=True)
class SignedSchedule:
    """A signed session's schedules as ``derive_state`` gives them once it is signed (``signed_schedule``)."""

    vitals: tuple[VitalsPoint, ...]
    """The vital signs' points, then the rechecks alarms asked for (``SessionState.vitals``)."""
    side_effect_checks: tuple[VitalsPoint, ...]
    started_at: datetime | None


def signed_schedule(protocol: Protocol, events: list[Event]) -> SignedSchedule:
    """The points of a session's entries up to and including its signature, as the state after them has
    them, folding only what the schedules are made of: when the pump ran and the infusion ended, the point
    each set of vital signs and side-effect check answered, the rechecks acknowledgements asked for. Once
    signed nothing is owed any more (every point not answered was missed), so the step and the moment are
    the signature's. A few times cheaper than the whole fold (the upgrade and ``audit verify`` replay every
    signed session); a test holds the two equal."""
    segments: list[tuple[datetime, datetime | None]] = []
    ended_at: datetime | None = None
    done: dict[str, datetime] = {}
    checks: dict[str, datetime] = {}
    extra: list[datetime] = []
    taken: list[datetime] = []
    rechecks: list[_Recheck] = []
    last = events[0].occurred_at
    for event in events:
        kind, at = event.type, event.occurred_at
        last = max(last, at)
        if kind in _SEGMENT_KINDS:
            _segment(segments, event)
            if kind in {E.COMPLETED, E.STOPPED_EARLY}:
                ended_at = at
        elif kind is E.VITALS:
            taken.append(at)
            point = event.payload.get("point_id")
            if point:
                done.setdefault(point, at)
            else:
                extra.append(at)
        elif kind is E.SIDE_EFFECTS:
            point = event.payload.get("point_id")
            if point:
                checks.setdefault(point, at)
        elif kind is E.ALERT_ACKNOWLEDGED and (recheck := event.data_as(d.AlertAcknowledged).recheck):
            phase = Phase.INFUSION if ended_at is None else Phase.OBSERVATION
            rechecks.append(_Recheck(event.id, at, recheck.minutes, recheck.label, phase))
    now = max(events[-1].recorded_at, last)
    adopted = _adopted(protocol, done, extra, segments, ended_at, now)
    points = _vitals_points(protocol, segments, ended_at, Step.DONE, adopted, now)
    points += _recheck_points(protocol, rechecks, taken, Step.DONE, now)
    side_effects = _side_effect_checks(protocol, segments, ended_at, Step.DONE, checks, now)
    return SignedSchedule(points, side_effects, segments[0][0] if segments else None)


_SEGMENT_KINDS = frozenset({E.STARTED, E.RESUMED, E.PAUSED, E.STOPPED_EARLY, E.COMPLETED})


def _pump_held(protocol: Protocol, pump: PumpCheck | None) -> str | None:
    """Why the start waits for the pump: no reading yet, a reading that disagrees with the order, or (where
    the protocol requires it) no agreeing reading by a second nurse."""
    if pump is None:
        return "Program the pump, then type the rate and the volume to be infused it shows."
    if not pump.agrees:
        return "The pump does not show what was ordered: program it again, then read it again."
    if protocol.pump.second_nurse == "required" and pump.second_by is None:
        return "A second nurse reads the pump too before the infusion starts."
    return None


def _instructions(protocol: Protocol, findings: tuple[d.VitalFinding, ...]) -> tuple[str, ...]:
    """Several vitals alarming in one set make one alert: each action is said once, from the protocol."""
    said: list[str] = []
    for finding in findings:
        limits = protocol.vitals.get(finding.vital)
        if limits is not None and limits.act_instruction and limits.act_instruction not in said:
            said.append(limits.act_instruction)
    return tuple(said)


_HELD_BY_ALERTS = (E.STARTED, E.DISCHARGED, E.SIGNED)
"""An open act-now alarm is a patient who may be unsafe: nothing goes on, and nobody leaves or signs,
until a nurse has looked and recorded what she did."""


def _held_by_alerts(step: Step, alerts: tuple[OpenAlert, ...]) -> dict[E, str]:
    if not alerts:
        return {}
    findings = "; ".join(finding for alert in alerts for finding in alert.findings)
    reason = f"Acknowledge the alert for {findings} and record the action first."
    return {kind: reason for kind in _HELD_BY_ALERTS if kind in allowed(step)}


_BASELINE_STEPS = frozenset({Step.WEIGH, Step.DOSE, Step.CHECK, Step.READY})
"""Steps in which vitals are the baseline set (the screening step takes none)."""


def _stale(protocol: Protocol, baseline_at: datetime, now: datetime) -> bool:
    """The baseline describes the patient at the start only if it was taken shortly before it."""
    return now - baseline_at > timedelta(minutes=protocol.vitals_schedule.baseline_within_minutes)


def _baseline_id(protocol: Protocol) -> str:
    return next(p.id for p in protocol.vitals_schedule.points if p.phase is Phase.BEFORE)


def _adopted(
    protocol: Protocol,
    done: dict[str, datetime],
    extra_sets: list[datetime],
    segments: list[tuple[datetime, datetime | None]],
    ended_at: datetime | None,
    now: datetime,
) -> dict[str, datetime]:
    """The points answered, with each point not yet answered given a set taken when nothing was owed, in the
    ``due_early_minutes`` before it fell: the set the nurse took first, then pressed "Infusion complete"."""
    early = timedelta(minutes=protocol.vitals_schedule.due_early_minutes)
    answered = dict(done)
    spare = list(extra_sets)
    for point in protocol.vitals_schedule.points:
        if not spare:  # nothing left to adopt
            break
        if point.id in answered:
            continue
        due_at = _due_at(point, segments, ended_at, now)
        if due_at is None:
            continue
        taken = next((at for at in spare if due_at - early <= at <= due_at), None)
        if taken is not None:
            answered[point.id] = taken
            spare.remove(taken)
    return answered


def _vitals_points(
    protocol: Protocol,
    segments: list[tuple[datetime, datetime | None]],
    ended_at: datetime | None,
    step: Step,
    done: Mapping[str, datetime],
    now: datetime,
) -> tuple[VitalsPoint, ...]:
    """A set taken while several were owed answers the latest of them (it says how the patient is now),
    so an earlier one still owed once a later one is done was missed (SKIPPED), never left overdue."""
    result = _scheduled(protocol.vitals_schedule, segments, ended_at, step, done, now)
    for i, entry in enumerate(result):
        later = result[i + 1 :]
        owed = entry.status in {PointStatus.DUE, PointStatus.OVERDUE}
        if owed and any(e.status is PointStatus.DONE for e in later):
            result[i] = replace(entry, status=PointStatus.SKIPPED)
    return tuple(result)


def _scheduled(
    schedule: VitalsSchedule | SideEffectsSchedule,
    segments: list[tuple[datetime, datetime | None]],
    ended_at: datetime | None,
    step: Step,
    done: Mapping[str, datetime],
    now: datetime,
) -> list[VitalsPoint]:
    """Each point of a schedule with its status: done, missed, or timed against when it falls."""
    early = timedelta(minutes=schedule.due_early_minutes)
    late = timedelta(minutes=schedule.overdue_after_minutes)
    finished = step in {Step.SIGN, Step.DONE}
    result = []
    for point in schedule.points:
        due_at = _due_at(point, segments, ended_at, now)
        if point.id in done:
            status = PointStatus.DONE
        elif finished or (point.phase is Phase.INFUSION and ended_at is not None and due_at is None):
            status = PointStatus.SKIPPED
        elif point.phase is Phase.BEFORE:
            status = (
                PointStatus.DUE
                if step in _BASELINE_STEPS
                else (PointStatus.SKIPPED if segments else PointStatus.UPCOMING)
            )
        else:
            status = _timing(due_at, now, early, late)
        result.append(VitalsPoint(point, status, due_at, done.get(point.id)))
    return result


def _timing(due_at: datetime | None, now: datetime, early: timedelta, late: timedelta) -> PointStatus:
    """Upcoming until ``early`` before the point falls, due until ``late`` after it, overdue from then."""
    if due_at is None or now < due_at - early:
        return PointStatus.UPCOMING
    if now < due_at + late:
        return PointStatus.DUE
    return PointStatus.OVERDUE


def _due_at(
    point: SchedulePoint, segments: list[tuple[datetime, datetime | None]], ended_at: datetime | None, now: datetime
) -> datetime | None:
    """When a point falls: on the infusion clock, or after the end; None while it cannot be known yet."""
    if point.phase is Phase.INFUSION:
        due_at = _moment_infused(segments, timedelta(minutes=point.minutes), now)
        if ended_at is not None and (due_at is None or due_at > ended_at):
            return None  # the infusion ended before this point was reached
        return due_at
    if point.phase is Phase.OBSERVATION and ended_at is not None:
        return ended_at + timedelta(minutes=point.minutes)
    return None


def _side_effect_checks(
    protocol: Protocol,
    segments: list[tuple[datetime, datetime | None]],
    ended_at: datetime | None,
    step: Step,
    done: Mapping[str, datetime],
    now: datetime,
) -> tuple[VitalsPoint, ...]:
    """Timed like the vitals, with one difference: a check still owed once a later one has come due is
    missed (SKIPPED), since a late checklist says how the patient is now, not how they were at the point."""
    result = _scheduled(protocol.side_effects_schedule, segments, ended_at, step, done, now)
    reached = {PointStatus.DUE, PointStatus.OVERDUE, PointStatus.DONE}
    for i, entry in enumerate(result):
        later = result[i + 1 :]
        if entry.status in {PointStatus.DUE, PointStatus.OVERDUE} and any(e.status in reached for e in later):
            result[i] = replace(entry, status=PointStatus.SKIPPED)
    return tuple(result)


def _recheck_points(
    protocol: Protocol, rechecks: list[_Recheck], sets_taken: list[datetime], step: Step, now: datetime
) -> tuple[VitalsPoint, ...]:
    """The rechecks alarms asked for, after the schedule's points. A recheck is done by any set taken once
    it counts as due (from ``due_early_minutes`` before): one set may serve a scheduled point and a recheck
    at once, so the nurse never measures twice in a row to satisfy the record."""
    schedule = protocol.vitals_schedule
    early = timedelta(minutes=schedule.due_early_minutes)
    late = timedelta(minutes=schedule.overdue_after_minutes)
    result = []
    for recheck in rechecks:
        due_at = recheck.asked_at + timedelta(minutes=recheck.minutes)
        point = SchedulePoint(
            id=f"{RECHECK}{recheck.event_id}", phase=recheck.phase, minutes=recheck.minutes, label=recheck.label
        )
        taken = next((t for t in sets_taken if t > recheck.asked_at and t >= due_at - early), None)
        if taken is not None:
            status = PointStatus.DONE
        elif step in {Step.SIGN, Step.DONE}:
            status = PointStatus.SKIPPED
        else:
            status = _timing(due_at, now, early, late)
        result.append(VitalsPoint(point, status, due_at, taken))
    return tuple(result)
