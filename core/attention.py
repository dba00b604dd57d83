"""What a chair needs from a nurse now, and how urgently: the board's colour and the alarm's sound.

Three priorities, as infusion alarms are usually sorted: high (act now: an alert to acknowledge, a
pump to check after a restart, a severe side effect without its adverse-event record), medium (vitals
or a side-effect check overdue) and low (vitals or a side-effect check due, the infusion time over).
One rule for the board, the lock screen and the sound, so they never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from core.events import EventType as E
from core.machine import Step
from core.session_state import PointStatus, SessionState


class Priority(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


RANK = {Priority.HIGH: 3, Priority.MEDIUM: 2, Priority.LOW: 1}


@dataclass(frozen=True)
class Need:
    text: str
    priority: Priority
    key: str = ""
    """Tells apart two needs worded alike (a second act-now alert): a new one is a new alarm."""


def attention(state: SessionState) -> Need | None:
    if state.open_alerts:
        return Need("ALERT — acknowledge", Priority.HIGH, state.open_alerts[-1].event_id)
    if state.needs_pump_check:
        return Need("Check the pump", Priority.HIGH)
    if state.pending_adverse_events:
        return Need("Adverse event to record", Priority.HIGH)
    if state.vitals_attention is PointStatus.OVERDUE:
        return Need("Vital signs overdue", Priority.MEDIUM)
    # Before vitals merely due: the sound is never quieter than the most urgent need.
    if state.side_effects_attention is PointStatus.OVERDUE:
        return Need("Side effects check overdue", Priority.MEDIUM)
    if state.vitals_attention is PointStatus.DUE and state.step not in {Step.WEIGH, Step.DOSE, Step.CHECK}:
        return Need("Vital signs due", Priority.LOW)
    if state.side_effects_attention is PointStatus.DUE:
        return Need("Side effects check due", Priority.LOW)
    if state.step is Step.INFUSING and E.COMPLETED in state.allowed:
        return Need("Infusion time over", Priority.LOW)
    return None


def loudest(needs: Iterable[Need | None]) -> Priority | None:
    """The highest priority among the chairs' needs: the one the alarm sounds."""
    found = [need.priority for need in needs if need is not None]
    return max(found, key=RANK.__getitem__, default=None)
