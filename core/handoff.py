"""An I-PASS handoff drafted from each chair's live state: what the next nurse must know and do.

I-PASS orders a handoff as Illness severity, Patient summary, Action list, Situation awareness and
contingencies, and Synthesis by the receiver. This module works out the first four from the recorded
events, the clock and the protocol, once, so the printed sheet (``core.reports.handoff``) only lays
them out. The severity is a draft in three words defined here and nowhere else; the giver may
overrule it on paper, and the reasons are printed with it so she can see what it was based on.

A nurse's chairs are those whose open session she opened or recorded the latest entry of. Both,
because a chair taken over from a colleague is hers from her first entry, and a chair she opened
stays hers even when a colleague recorded the last set of vitals for her: a handoff that leaves out a
chair leaves a patient without a nurse, while a page too many is read and put aside. The second
nurse's check does not count as recording: she comes for the check and leaves again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from core import event_data as d
from core.attention import Kind, Need, Priority, needs
from core.board import recorders, still_to_sign
from core.controlled import controlled_words, vial_accounts
from core.dates import local_time
from core.events import Event
from core.events import EventType as E
from core.machine import Outcome, Step
from core.protocol import Phase, Protocol, VitalKind
from core.pump_check import PumpCheck
from core.session_state import PointStatus, SessionState, VitalsPoint
from core.trends import Reading, vital_trends
from core.views import ChairView, PatientView
from core.vitals import Tier


class Severity(StrEnum):
    STABLE = "stable"
    WATCH = "watch"
    UNSTABLE = "unstable"


SEVERITY_MEANS = {
    Severity.UNSTABLE: "an act-now alarm not acknowledged, a severe side effect without its adverse-event record, "
    "or a need at the board's high priority (vital signs missed, a pause or time over past its limit)",
    Severity.WATCH: "an earlier alarm or adverse event, an advisory reading, a side effect, a need at the board's "
    "medium priority (a check overdue, a pause), a start outside the start limits, or an early stop",
    Severity.STABLE: "none of these",
}
"""What each word means, printed as the sheet's key so giver and receiver read it the same way. The patient's
severity only: a technical alarm (the pump to check after a restart, the computer's clock) is said apart."""

BEFORE_START = frozenset({Step.SCREEN, Step.WEIGH, Step.DOSE, Step.CHECK, Step.READY})
NOT_CHECKED = "not yet checked"


@dataclass(frozen=True)
class Judgement:
    severity: Severity
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Action:
    """One thing the receiver must do, and when: now, at a clock time, or on a condition."""

    when: str
    what: str
    at: datetime | None = None
    now: bool = False

    @property
    def order(self) -> tuple[int, datetime | None]:
        """Now first, then by clock time, then what waits on something else (a resumed infusion)."""
        if self.now:
            return (0, None)
        return (1, self.at) if self.at is not None else (2, None)


@dataclass(frozen=True)
class PauseSpan:
    paused_at: datetime
    resumed_at: datetime | None
    """None while the infusion is still paused (or was stopped while paused)."""
    reason: str


@dataclass(frozen=True)
class EffectSeen:
    """A checklist item graded above the lowest grade at least once, with each such grade and when."""

    label: str
    grades: tuple[tuple[str, datetime], ...]


@dataclass(frozen=True)
class VitalsSummary:
    kind: VitalKind
    baseline: Reading | None
    latest: Reading | None


@dataclass(frozen=True)
class ChairHandoff:
    chair: int
    patient: PatientView
    state: SessionState
    now: datetime
    prescriber: str | None
    opened_by: str
    last_by: str
    last_at: datetime
    judgement: Judgement
    actions: tuple[Action, ...]
    vitals: tuple[VitalsSummary, ...]
    vitals_sets: int
    side_effects: tuple[EffectSeen, ...]
    adverse_events: tuple[str, ...]
    pauses: tuple[PauseSpan, ...]
    technical: tuple[Need, ...] = ()
    """Technical alarms open now (equipment, software), a kind apart from the patient's, as on the screen."""
    pump_checked: str = NOT_CHECKED
    """The pump's reading as checked before the start, against the order, or "not yet checked"."""
    vials: tuple[str, ...] = ()
    """How the rest of each vial drawn from is accounted for: returned, wasted, or still to account for."""


def duration(span: timedelta) -> str:
    seconds = max(0, int(span.total_seconds()))
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest:02d} s" if rest else f"{minutes} min"


# ---- whose chairs ---------------------------------------------------------------------------------


def nurse_chairs(views: Iterable[ChairView], staff_id: str) -> list[int]:
    """The chairs a nurse hands over: she opened the open session or recorded its latest entry."""
    mine = []
    for view in views:
        opened_by, last_by, _ = recorders(view.state)
        if staff_id in {opened_by, last_by}:
            mine.append(view.chair)
    return sorted(mine)


# ---- I: illness severity --------------------------------------------------------------------------


def judge(protocol: Protocol, state: SessionState) -> Judgement:
    """The draft severity and every reason for it, the most urgent words first."""
    unstable = [
        f"Alarm at {local_time(a.occurred_at)} not acknowledged: {'; '.join(a.findings)}." for a in state.open_alerts
    ]
    labels = _item_labels(protocol)
    unstable += [
        f"{labels.get(p.item, p.item)} graded {_grade_label(protocol, p.grade)} at {local_time(p.occurred_at)}: "
        "adverse event not recorded yet."
        for p in state.pending_adverse_events
    ]
    # The board's needs, on the board's scale, so paper never calls a chair the board shows red "watch";
    # open alerts and a pending adverse event are said above in full, technical needs apart.
    said = {a.event_id for a in state.open_alerts} | {"adverse"}
    patient = [n for n in needs(state) if n.kind is Kind.PATIENT and n.key not in said]
    unstable += [f"{n.text}." for n in patient if n.priority is Priority.HIGH]
    if unstable:
        return Judgement(Severity.UNSTABLE, tuple(unstable))
    watch = _earlier_alarms(state) + _adverse_events(state)
    watch += [f"Latest {r.finding} (advisory)." for r in _latest_readings(protocol, state) if r.tier is Tier.ADVISE]
    present = _effects_now(protocol, state)
    if present:
        watch.append(f"Side effects at the latest check: {', '.join(present)}.")
    watch += [f"{n.text}." for n in patient if n.priority is Priority.MEDIUM]
    started = next((e.data_as(d.Started) for e in state.events if e.type is E.STARTED), None)
    if started is not None and started.start_problems:
        problems = "; ".join(started.start_problems)
        watch.append(f"Started outside the start thresholds ({problems}), go-ahead: {started.go_ahead}.")
    if state.outcome is Outcome.STOPPED_EARLY:
        watch.append(f"Infusion stopped early: {_stop_reason(state)}.")
    if watch:
        return Judgement(Severity.WATCH, tuple(watch))
    return Judgement(Severity.STABLE, ("No alarm, adverse event or side effect; latest readings within limits.",))


def _item_labels(protocol: Protocol) -> dict[str, str]:
    return {item.id: item.label for item in protocol.side_effects.items}


def _grade_label(protocol: Protocol, grade: str) -> str:
    return next((g.label for g in protocol.side_effects.grades if g.id == grade), grade)


def _earlier_alarms(state: SessionState) -> list[str]:
    """Act-now alarms already acknowledged: the patient crossed a limit once, so may again."""
    acks = (e.data_as(d.AlertAcknowledged) for e in state.events if e.type is E.ALERT_ACKNOWLEDGED)
    said = {ack.alert_event_id: ack for ack in acks}
    lines = []
    for event in state.events:
        ack = said.get(event.id)
        if event.type is E.VITALS and ack is not None:
            vitals = event.data_as(d.VitalsRecorded)
            acts = "; ".join(f.text for f in vitals.of_tier(Tier.ACT))
            done = "; ".join(ack.action_labels)
            lines.append(f"Alarm at {local_time(event.occurred_at)} ({acts}), acknowledged: {done}.")
    return lines


def _adverse_events(state: SessionState) -> list[str]:
    lines = []
    for event in state.events:
        if event.type is E.ADVERSE_EVENT:
            adverse = event.data_as(d.AdverseEvent)
            lines.append(
                f"Adverse event at {local_time(event.occurred_at)}: {adverse.what}, {adverse.severity}; "
                f"{adverse.action}; told {adverse.told}."
            )
    return lines


def _latest_readings(protocol: Protocol, state: SessionState) -> list[Reading]:
    trends = vital_trends(protocol, state.events)
    return [trend.latest for trend in trends.values() if trend.latest is not None]


def _effects_now(protocol: Protocol, state: SessionState) -> list[str]:
    """Items graded above the lowest grade at the most recent checklist."""
    last = next((e for e in reversed(state.events) if e.type is E.SIDE_EFFECTS), None)
    if last is None:
        return []
    lowest = protocol.side_effects.grades[0].id
    labels = _item_labels(protocol)
    return [
        f"{labels.get(item, item)} {_grade_label(protocol, grade).lower()}"
        for item, grade in last.data_as(d.SideEffects).grades.items()
        if grade != lowest
    ]


def _stop_reason(state: SessionState) -> str:
    stop = next((e.data_as(d.StoppedEarly) for e in state.events if e.type is E.STOPPED_EARLY), None)
    return stop.reason if stop is not None else ""


# ---- P: patient summary ---------------------------------------------------------------------------


def pauses(state: SessionState) -> tuple[PauseSpan, ...]:
    spans: list[PauseSpan] = []
    for event in state.events:
        if event.type is E.PAUSED:
            spans.append(PauseSpan(event.occurred_at, None, event.data_as(d.Paused).reason))
        elif event.type is E.RESUMED and spans and spans[-1].resumed_at is None:
            last = spans[-1]
            spans[-1] = PauseSpan(last.paused_at, event.occurred_at, last.reason)
    return tuple(spans)


def side_effects_seen(protocol: Protocol, events: Iterable[Event]) -> tuple[EffectSeen, ...]:
    """Each item ever graded above the lowest grade, in the checklist's order, with each change of its
    grade and when (back to the lowest too, which says it went away): thirty checks say it in a line."""
    lowest = protocol.side_effects.grades[0].id
    last: dict[str, str] = {}
    seen: dict[str, list[tuple[str, datetime]]] = {}
    for event in events:
        if event.type is not E.SIDE_EFFECTS:
            continue
        for item, grade in event.data_as(d.SideEffects).grades.items():
            if grade != last.get(item, lowest) and (grade != lowest or item in seen):
                seen.setdefault(item, []).append((_grade_label(protocol, grade), event.occurred_at))
            last[item] = grade
    return tuple(
        EffectSeen(item.label, tuple(seen[item.id])) for item in protocol.side_effects.items if item.id in seen
    )


def vitals_summary(protocol: Protocol, state: SessionState) -> tuple[tuple[VitalsSummary, ...], int]:
    """Each vital's baseline and latest reading (with the tier given when recorded), and the sets so far."""
    started = next((e.seq for e in state.events if e.type is E.STARTED), None)
    sets = [e for e in state.events if e.type is E.VITALS]
    before = [e for e in sets if started is None or e.seq < started]
    baseline_id = before[-1].id if before else None
    trends = vital_trends(protocol, state.events)
    summary = []
    for kind in protocol.vitals:
        trend = trends[kind]
        baseline = next((r for r in trend.current if r.event_id == baseline_id), None)
        summary.append(VitalsSummary(kind, baseline, trend.latest))
    return tuple(summary), len(sets)


# ---- A: action list -------------------------------------------------------------------------------


def actions(protocol: Protocol, state: SessionState, now: datetime, rate: Decimal | None) -> tuple[Action, ...]:
    """What the receiver must do, soonest first: alarms, checks due, the infusion's end, discharge, signatures."""
    found = _urgent(protocol, state) + _at_the_chair(state, rate)
    found += _scheduled("Vital signs", state.next_vitals, state, now)
    if state.step in {Step.INFUSING, Step.PAUSED, Step.OBSERVE}:
        found += _scheduled("Side-effect checklist", state.next_side_effects, state, now)
    found += _infusion_end(protocol, state) + _discharge(protocol, state)
    found += [Action("Now", f"Signature owed: {what}.", now=True) for what in still_to_sign(state)]
    if state.controlled.problem:
        found.append(Action("Before signing", f"Drug totals: {state.controlled.problem}"))
    return tuple(sorted(found, key=lambda a: (a.order[0], a.order[1] or now)))


def _urgent(protocol: Protocol, state: SessionState) -> list[Action]:
    found = []
    for alert in state.open_alerts:
        what = (
            f"Acknowledge the alarm ({'; '.join(alert.findings)}) and record the action. {' '.join(alert.instructions)}"
        )
        found.append(Action("Now", what.strip(), now=True))
    labels = _item_labels(protocol)
    found += [
        Action(
            "Now",
            f"Record the adverse event: {labels.get(p.item, p.item)}, {_grade_label(protocol, p.grade).lower()}.",
            now=True,
        )
        for p in state.pending_adverse_events
    ]
    for need in technical(state):  # in the words of the chair's screen, marked technical
        what = need.said[0]
        if need.key == "pump":
            what += ": is it running? Record it (Chairside restarted during the infusion)"
        found.append(Action("Now", f"{what}.", now=True))
    return found


def _at_the_chair(state: SessionState, rate: Decimal | None) -> list[Action]:
    """The pump is checked together at handoff: the receiver sees it with her own eyes."""
    if state.step is Step.INFUSING:
        setting = f"rate {rate} mL/h, " if rate is not None else ""
        return [Action("Now", f"Pump check together at the chair: {setting}line and site.", now=True)]
    if state.step is Step.PAUSED:
        return [Action("Now", "Pump check together at the chair: on hold, line and site.", now=True)]
    return []


def _scheduled(what: str, point: VitalsPoint | None, state: SessionState, now: datetime) -> list[Action]:
    if point is None or point.status is PointStatus.SKIPPED:
        return []
    label = f"{what}: {point.point.label}."
    if point.status is PointStatus.OVERDUE:
        since = f" (due {local_time(point.due_at)})" if point.due_at else ""
        return [Action(f"Overdue{since}", label, now=True)]
    if point.status is PointStatus.DUE:
        return [Action("Now", label, now=True)]
    if point.due_at is not None:
        return [Action(local_time(point.due_at), label, at=point.due_at)]
    if state.step is Step.PAUSED and point.point.phase is Phase.INFUSION:
        left = timedelta(minutes=point.point.minutes) - state.infusion.infused
        return [Action("After resuming", f"{label[:-1]}, {duration(left)} of infusion after it resumes.")]
    if point.point.phase is Phase.INFUSION and state.step in BEFORE_START:
        return [Action("After the start", f"{label[:-1]}, {point.point.minutes} min after the start.")]
    if point.point.phase is Phase.OBSERVATION and state.infusion.remaining > timedelta() and state.infusion.ends_at:
        expected = state.infusion.ends_at + timedelta(minutes=point.point.minutes)
        return [Action(local_time(expected), f"{label[:-1]} (if the infusion runs on without a pause).", at=expected)]
    if point.point.phase is Phase.OBSERVATION:
        after = f", {point.point.minutes} min after the infusion ends." if point.point.minutes else "."
        return [Action("After the end", f"{label[:-1]}{after}")]
    return []


def _infusion_end(protocol: Protocol, state: SessionState) -> list[Action]:
    infusion = state.infusion
    if state.step is Step.INFUSING and infusion.ends_at is not None:
        if infusion.remaining <= timedelta():
            return [Action("Now", "Infusion time is over: record the end of the infusion.", now=True)]
        left = f"Infusion ends ({duration(infusion.remaining)} left)."
        return [Action(local_time(infusion.ends_at), left, at=infusion.ends_at)]
    if state.step is Step.PAUSED:
        return [Action("After resuming", f"Infusion ends {duration(infusion.remaining)} after it resumes.")]
    if state.step in BEFORE_START:
        return [Action("After the start", f"Infusion runs {protocol.dose.infusion_minutes} min once started.")]
    return []


def _discharge(protocol: Protocol, state: SessionState) -> list[Action]:
    minimum = protocol.observation.minimum_minutes
    if state.step is Step.OBSERVE and state.discharge_earliest is not None:
        when = local_time(state.discharge_earliest)
        what = f"Earliest discharge ({minimum} min after the end), once the criteria are met."
        if state.observation_left <= timedelta():
            return [Action("Now", f"Discharge when the criteria are met (observation over since {when}).", now=True)]
        return [Action(when, what, at=state.discharge_earliest)]
    if state.step is Step.INFUSING and state.infusion.ends_at is not None and state.infusion.remaining > timedelta():
        earliest = state.infusion.ends_at + timedelta(minutes=minimum)
        what = f"Earliest discharge, if the infusion runs on without a pause ({minimum} min after the end)."
        return [Action(local_time(earliest), what, at=earliest)]
    if state.step in BEFORE_START | {Step.INFUSING, Step.PAUSED}:
        return [Action("After the end", f"Earliest discharge {minimum} min after the infusion ends.")]
    return []


# ---- technical alarms, the pump and the vials ----------------------------------------------------


def technical(state: SessionState) -> tuple[Need, ...]:
    """The technical needs open now (core.attention), apart from the patient's."""
    return tuple(need for need in needs(state) if need.kind is Kind.TECHNICAL)


def pump_checked(state: SessionState, name: Callable[[str], str]) -> str:
    """The latest reading of the pump as checked before the start, in the record's words, with who and when;
    how many readings before it did not agree with the order."""
    check = state.pump_check
    event = next((e for e in state.events if check is not None and e.id == check.event_id), None)
    if check is None or event is None:
        return NOT_CHECKED
    words = f"{controlled_words(event, name)} (by {name(check.by)} at {local_time(check.at)})"
    earlier = sum(
        1 for e in state.events if e.type is E.PUMP_PROGRAMMED and e.seq < event.seq and not PumpCheck.of(e).agrees
    )
    if earlier:
        words += f"; {earlier} earlier reading{'s' if earlier > 1 else ''} did not agree with the order"
    return words


def vial_rests(state: SessionState, name: Callable[[str], str]) -> tuple[str, ...]:
    """Each vial's rest: returned to stock or wasted (by whom), and what is still to account for."""
    record = state.controlled
    lines = vial_accounts(record, name)
    lines += [problem for problem in (vial.problem() for vial in record.vials) if problem]
    return tuple(lines)


# ---- the whole draft ------------------------------------------------------------------------------


def draft(
    protocol: Protocol, view: ChairView, now: datetime, names: Mapping[str, str], prescriber: str | None
) -> ChairHandoff:
    """Everything the sheet says about one chair, from its live state at ``now``."""
    state = view.state
    opened_by, last_by, last_at = recorders(state)
    vitals, sets = vitals_summary(protocol, state)
    rate = state.dose.rate_ml_per_h if state.dose else None

    def name(staff_id: str) -> str:
        return names.get(staff_id, "unknown account")

    return ChairHandoff(
        chair=view.chair,
        patient=view.patient,
        state=state,
        now=now,
        prescriber=prescriber,
        opened_by=names.get(opened_by, "unknown account"),
        last_by=names.get(last_by, "unknown account"),
        last_at=last_at,
        judgement=judge(protocol, state),
        actions=actions(protocol, state, now, rate),
        vitals=vitals,
        vitals_sets=sets,
        side_effects=side_effects_seen(protocol, state.events),
        adverse_events=tuple(_adverse_events(state)),
        pauses=pauses(state),
        technical=technical(state),
        pump_checked=pump_checked(state, name),
        vials=vial_rests(state, name),
    )
