"""The things that can happen to a session. Each is recorded once and never changed.

Dotted names keep the log readable and leave room for later kinds. A correction before signing, and an
addendum after it, is an event of its own that names the event it corrects and says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class EventType(StrEnum):
    OPENED = "session.opened"
    SCREENED = "screening.answered"
    WEIGHED = "weight.recorded"
    DOSE_CALCULATED = "dose.calculated"
    CHECKED = "check.recorded"
    STARTED = "infusion.started"
    PAUSED = "infusion.paused"
    RESUMED = "infusion.resumed"
    STOPPED_EARLY = "infusion.stopped_early"
    COMPLETED = "infusion.completed"
    PUMP_CONFIRMED = "pump.confirmed"
    VITALS = "vitals.recorded"
    ALERT_ACKNOWLEDGED = "alert.acknowledged"
    SIDE_EFFECTS = "side_effects.recorded"
    ADVERSE_EVENT = "adverse_event.recorded"
    ABANDONED = "session.abandoned"
    DISCHARGED = "discharge.recorded"
    SIGNED = "session.signed"
    CORRECTED = "entry.corrected"
    ADDENDUM = "session.addendum"
    DRAWN = "drug.drawn"
    WASTED = "drug.wasted"
    PUMP_PROGRAMMED = "pump.programmed"
    RETURNED = "drug.returned"


@dataclass(frozen=True)
class Event:
    """One recorded step of care.

    ``occurred_at`` is when it happened at the chair; ``recorded_at`` when it was saved (they differ
    for late entries). ``seq`` orders a session's events and detects two writers racing.
    """

    id: str
    session_id: str
    seq: int
    type: EventType
    occurred_at: datetime
    recorded_at: datetime
    recorded_by: str
    workstation: str
    payload: dict[str, Any] = field(default_factory=dict)
    corrects: str | None = None
    reason: str | None = None
