"""What a chair needs from a nurse now, and how urgently: the board's colour, the banner and the alarm's sound.

The priorities are those of IEC 60601-1-8: high (act now: an alert to acknowledge, a pump to check after
a restart, a severe side effect without its adverse-event record), medium and low. Every need nobody has
answered rises with time on the protocol's ``escalation`` schedule:

- a scheduled set of vital signs or side-effect check is due (low), then overdue (medium), then missed
  (the protocol's ``missed_priority``); every missed set is named, and ``missed_sets_high`` of them at
  once make the chair high; a recheck an alarm asked for, once missed, is ``recheck_missed_priority``.
  A set taken later answers the need (a missed set cannot be taken afterwards; the record keeps it);
- a paused infusion is a patient to watch: ``pause_priority`` with the pause's length, high once the pause
  has lasted ``pause_limit_minutes``;
- the infusion time run over without "complete" shows by how much, and rises from low to medium to high.

A chair has one priority, the highest of its needs, and every mark on its tile, its banner and the lock
screen uses it. Technical needs (equipment or software: the pump to check after a restart, the computer's
clock behind the record) are a kind apart from the patient's, as monitors tell them apart: a patient
alarm (medium or high, or at least the technical need's priority) leads the tile, the banner and the lock
screen, and a technical need follows on its own line with its own mark, raising the chair's priority (and
its sound) but never standing in front of the patient's alarm. Only over a low reminder does a technical
need lead. One rule for the board, the lock screen, the banner and the sound,
so they never disagree.

At the same priority a chair's needs are listed in the order the most urgent action comes first
(../shared/style/SCREENS.md: "immediate response" before "prompt response", and the action that stops harm
still happening before the one that measures it): an act-now alert, an adverse event to record, the
infusion's time run over (the pump is still giving drug past the order: stopping it takes seconds), a
pause, then vital signs owed (missed, overdue, due) and the side-effect check.

Each need has its full words (``text``: paper, the audit, what a screen reader says) and a ``short`` form
for a line a tile or the banner may cut short, the part that matters first (how long, the clock times).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from core.dates import local_time
from core.events import EventType as E
from core.machine import Step
from core.protocol import Escalation, Phase
from core.session_state import RECHECK, PointStatus, SessionState, VitalsPoint, infused_by


class Priority(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


RANK = {Priority.HIGH: 3, Priority.MEDIUM: 2, Priority.LOW: 1}


class Kind(StrEnum):
    """IEC 60601-1-8 tells a physiological alarm (the patient) from a technical one (equipment, software)."""

    PATIENT = "patient"
    TECHNICAL = "technical"


MARK_WORDS = {
    (Kind.PATIENT, Priority.HIGH): "▲ ALARM",
    (Kind.PATIENT, Priority.MEDIUM): "● Attention",
    (Kind.PATIENT, Priority.LOW): "○ Reminder",
    (Kind.TECHNICAL, Priority.HIGH): "◆ TECHNICAL",
    (Kind.TECHNICAL, Priority.MEDIUM): "◇ Technical",
    (Kind.TECHNICAL, Priority.LOW): "◇ Technical note",
}
"""The written mark beside each priority's colour (colour is never the only cue), technical ones apart."""
TECHNICAL_WORDS = "◆ Technical — "
"""How a technical need's line begins wherever needs are listed, so it never reads as the patient's."""


@dataclass(frozen=True)
class Need:
    text: str = field(compare=False)
    """The need in words, with what changes by the minute (a pause's length): not part of its identity."""
    priority: Priority
    key: str = ""
    """What the need is, stable while it lasts: a new key (a second act-now alert, another set missed) is a
    new alarm that sounds at once; a pause growing longer is the same alarm."""
    kind: Kind = Kind.PATIENT
    also: tuple[str, ...] = field(default=(), compare=False)
    """Further lines said with it (the same set's advisory readings under an act-now alert)."""
    short: str = field(default="", compare=False)
    """The words for a line that may be cut short, what matters first ("Paused 16 min: over limit");
    ``text`` when not given."""

    @property
    def lines(self) -> tuple[str, ...]:
        """The lines a tile or the banner shows: the short words, then what is said with them."""
        prefix = TECHNICAL_WORDS if self.kind is Kind.TECHNICAL else ""
        return (prefix + (self.short or self.text), *self.also)

    @property
    def said(self) -> tuple[str, ...]:
        """The same lines in full words: the tooltip, the accessible description, paper."""
        prefix = TECHNICAL_WORDS if self.kind is Kind.TECHNICAL else ""
        return (prefix + self.text, *self.also)

    @property
    def mark(self) -> str:
        return MARK_WORDS[(self.kind, self.priority)]


def reading_words(act: Sequence[str], advisory: Sequence[str]) -> tuple[str, ...]:
    """Readings of one set, act-now ones and advisory ones each on their own line: an advisory reading is
    never listed as act-now ("Act now — Systolic blood pressure 182 …", "Advisory — Diastolic …")."""
    lines = []
    if act:
        lines.append("Act now — " + "; ".join(act))
    if advisory:
        lines.append("Advisory — " + "; ".join(advisory))
    return tuple(lines)


def mark_words(kind: Kind, priority: Priority) -> str:
    """The badge of a chair whose needs are led by ``kind`` and whose one priority is ``priority``."""
    return MARK_WORDS[(kind, priority)]


def needs(state: SessionState) -> tuple[Need, ...]:
    """Everything the chair needs now: the patient's needs first, highest priority first, then technical
    ones apart (highest first); at the same priority, in the order the most urgent action comes first."""
    rules = state.escalation
    now = state.now
    found: list[Need] = []
    for alert in state.open_alerts:
        act, *advisory = reading_words(alert.findings, alert.advisories)
        found.append(Need(act, Priority.HIGH, alert.event_id, also=tuple(advisory)))
    if state.needs_pump_check:
        words = "Check the pump after the restart"
        found.append(Need(words, Priority.HIGH, "pump", Kind.TECHNICAL, short="Pump check"))
    if state.pending_adverse_events:
        found.append(Need("Adverse event to record", Priority.HIGH, "adverse"))
    if rules is not None and now is not None:
        found += _overrun(state, rules, now)
        found += _pause(state, rules, now)
        found += _vitals(state, rules, now)
        found += _side_effects(state, rules, now)
    if state.clock_behind:
        words = "The computer's clock is behind the record: check the time"
        found.append(Need(words, Priority.MEDIUM, "clock", Kind.TECHNICAL))
    # A stable sort: within a kind and priority, the order above (the most urgent action first) stays.
    patient = sorted((n for n in found if n.kind is Kind.PATIENT), key=lambda n: -RANK[n.priority])
    technical = sorted((n for n in found if n.kind is Kind.TECHNICAL), key=lambda n: -RANK[n.priority])
    if technical and (not patient or _technical_leads(patient[0], technical[0])):
        return (*technical, *patient)
    return (*patient, *technical)


def _technical_leads(patient: Need, technical: Need) -> bool:
    """A technical need heads the chair only over a patient's low reminder, never over a patient alarm."""
    return RANK[patient.priority] < min(RANK[Priority.MEDIUM], RANK[technical.priority])


def attention(state: SessionState) -> Need | None:
    """The chair's one need that sets its priority (and its sound): the highest of its needs, the
    patient's before a technical one at the same priority."""
    return loudest_need(needs(state))


def loudest_need(found: Sequence[Need]) -> Need | None:
    """The first need of the highest priority among ``found`` (listed as ``needs`` lists them)."""
    return max(found, key=lambda n: RANK[n.priority], default=None)


def loudest(needs: Iterable[Need | None]) -> Priority | None:
    """The highest priority among the chairs' needs: the one the alarm sounds."""
    found = [need.priority for need in needs if need is not None]
    return max(found, key=RANK.__getitem__, default=None)


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


def _pause(state: SessionState, rules: Escalation, now: datetime) -> list[Need]:
    if state.step is not Step.PAUSED:
        return []
    since = next(e.occurred_at for e in reversed(state.events) if e.type is E.PAUSED)
    lasted = _minutes(now - since)
    if lasted >= rules.pause_limit_minutes:
        words = f"Paused {lasted} min, over the {rules.pause_limit_minutes}-min limit: resume or stop"
        return [Need(words, Priority.HIGH, "paused-long", short=f"Paused {lasted} min: over limit")]
    words = f"Paused {lasted} min (limit {rules.pause_limit_minutes} min): resume or stop"
    short = f"Paused {lasted} min (limit {rules.pause_limit_minutes})"
    return [Need(words, Priority(rules.pause_priority), "paused", short=short)]


def _overrun(state: SessionState, rules: Escalation, now: datetime) -> list[Need]:
    if state.step is not Step.INFUSING or E.COMPLETED not in state.allowed:
        return []
    over = max(timedelta(), infused_by(state.events, now) - state.infusion.infused)
    lasted = _minutes(over)
    if lasted >= rules.overrun_high_after_minutes:
        priority = Priority.HIGH
    elif lasted >= rules.overrun_medium_after_minutes:
        priority = Priority.MEDIUM
    else:
        priority = Priority.LOW
    when = f"Time over by {lasted} min" if lasted else "Time is up"
    words = f"{when}: stop the pump, then Infusion complete"
    short = f"Stop the pump: {lasted} min over" if lasted else "Stop the pump: time is up"
    return [Need(words, priority, "overrun", short=short)]


def _sets_taken(state: SessionState) -> list[datetime]:
    return [e.occurred_at for e in state.events if e.type is E.VITALS]


def _open(entry: VitalsPoint, taken: list[datetime]) -> bool:
    """Owed and not answered by a set taken since it fell (a later set answers a missed one's need)."""
    if entry.status not in {PointStatus.DUE, PointStatus.OVERDUE}:
        return False
    return entry.due_at is None or not any(t >= entry.due_at for t in taken)


def _stage(entry: VitalsPoint, rules: Escalation, now: datetime) -> str:
    if entry.due_at is not None and now >= entry.due_at + timedelta(minutes=rules.missed_after_minutes):
        return "missed"
    return "overdue" if entry.status is PointStatus.OVERDUE else "due"


def _vitals(state: SessionState, rules: Escalation, now: datetime) -> list[Need]:
    if state.step in {Step.WEIGH, Step.DOSE, Step.CHECK}:
        return []  # the baseline set is the step's own task
    taken = _sets_taken(state)
    owed = [entry for entry in state.vitals if _open(entry, taken)]
    staged: dict[str, list[VitalsPoint]] = {"missed": [], "overdue": [], "due": []}
    for entry in owed:
        staged[_stage(entry, rules, now)].append(entry)
    found = []
    missed = staged["missed"]
    if missed:
        priority = Priority(rules.missed_priority)
        if len(missed) >= rules.missed_sets_high:
            priority = Priority.HIGH
        if any(entry.point.id.startswith(RECHECK) for entry in missed):
            priority = max(priority, Priority(rules.recheck_missed_priority), key=RANK.__getitem__)
        key = "vitals-missed:" + ",".join(entry.point.id for entry in missed)
        found.append(Need(f"Vitals MISSED ({len(missed)}): {_when(missed)}", priority, key))
    if staged["overdue"]:
        found.append(Need(f"Vitals OVERDUE: {_when(staged['overdue'])}", Priority.MEDIUM, "vitals-overdue"))
    if staged["due"]:
        found.append(Need(f"Vitals due now: {_when(staged['due'])}", Priority.LOW, "vitals-due"))
    return found


def _side_effects(state: SessionState, rules: Escalation, now: datetime) -> list[Need]:
    entry = state.next_side_effects
    if entry is None or state.side_effects_attention is None:
        return []
    stage = _stage(entry, rules, now)
    if stage == "missed":
        words = f"Side effects check MISSED: {_when([entry])}"
        return [Need(words, Priority(rules.missed_priority), f"side-effects-missed:{entry.point.id}")]
    if stage == "overdue":
        return [Need(f"Side effects check OVERDUE: {_when([entry])}", Priority.MEDIUM, "side-effects-overdue")]
    return [Need(f"Side effects check due now: {_when([entry])}", Priority.LOW, "side-effects-due")]


def _when(entries: Sequence[VitalsPoint]) -> str:
    """Points as a nurse names them, the clock times first so a line cut short on a tile still says when:
    "13:50, 14:00 — 10 min into infusion; 20 min into infusion" (the baseline has no clock time)."""
    times = [local_time(e.due_at) for e in entries if e.due_at is not None and e.point.phase is not Phase.BEFORE]
    labels = "; ".join(entry.point.label for entry in entries)
    return f"{', '.join(times)} — {labels}" if times else labels


@dataclass(frozen=True)
class PumpQuestion:
    """What the nurse is asked after a restart, and the two answers: the first is what the record expects."""

    question: str
    expected: str
    """The answer the record expects (the pump as the chair's step says it should be)."""
    expected_running: bool
    other: str
    """The answer that disagrees with the record: the nurse acts on the pump."""


def pump_question(state: SessionState) -> PumpQuestion:
    """The pump check after a restart, worded for the step: a running infusion is asked whether the pump is
    still running; a paused one whether the pump is still on hold (a pump found running while the record
    says paused is the dangerous answer, so it is the one in the alarm colour)."""
    if state.step is Step.PAUSED:
        return PumpQuestion(
            "Chairside restarted while this infusion was paused. Look at the pump: is it still on hold?",
            "Pump is on hold",
            False,
            "Pump is running",
        )
    return PumpQuestion(
        "Chairside restarted while this infusion was running. Look at the pump: is it still running?",
        "Pump is running",
        True,
        "Pump has stopped",
    )


def vitals_need(state: SessionState) -> Need | None:
    """The need for vital signs the chair has now (missed, overdue or due), in the words and priority the
    tile and the banner use: the vitals form's prompt says the same."""
    return next((need for need in needs(state) if need.key.startswith("vitals")), None)


def side_effects_need(state: SessionState) -> Need | None:
    """The side-effect check the chair owes now, in the tile's words and priority."""
    return next((need for need in needs(state) if need.key.startswith("side-effects")), None)
