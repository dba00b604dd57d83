"""The things that can happen to a session, or to a patient's course between sessions. Each is recorded
once and never changed.

Dotted names keep the log readable and leave room for later kinds. A correction before signing, and an
addendum after it, is an event of its own that names the event it corrects and says why. What each kind
holds is typed in ``core.event_data``; the payload dict is only its stored form.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from threading import Lock
from typing import Any, TypeVar

from core import event_data as d
from core.stored_form import UnreadableEntry

T = TypeVar("T", bound=d.EventData)


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
    DAY_MISSED = "course.day_missed"
    """A day of the course with no infusion because of the patient (did not come, declined, unwell)."""
    DAY_CANCELLED = "course.day_cancelled"
    """A day of the course with no infusion because the clinic cancelled it (staff, drug supply, a fault)."""


PATIENT_STREAM = frozenset({EventType.DAY_MISSED, EventType.DAY_CANCELLED})
"""The kinds recorded on a patient's own stream (``PatientEvent``), not on a session's."""


class _Typed:
    """What a stored entry of either stream holds, read as its kind's type."""

    id: str
    type: EventType
    payload: dict[str, Any]

    @cached_property
    def data(self) -> d.EventData:
        """The payload as its kind's type, read once (narrow it with isinstance, or ``data_as``)."""
        return _READ.typed(self.id, self.type, self.payload, getattr(self, "stored", None))

    def data_as(self, kind: type[T]) -> T:
        """The payload as ``kind``; a clear error when this entry is of another kind."""
        data = self.data
        if not isinstance(data, kind):
            raise UnreadableEntry(
                kind.WHAT, f"entry {self.id} is a {self.type.value} ({type(data).__name__}), not a {kind.__name__}"
            )
        return data


@dataclass(frozen=True)
class Event(_Typed):
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
    stored: str | None = field(default=None, compare=False, repr=False)
    """The payload's text as read from storage (None for an entry built now): what it is typed from is
    known by it, so an entry read again is not typed again."""


@dataclass(frozen=True)
class PatientEvent(_Typed):
    """One record about a patient outside any session: a day of the course not given and why (and, as
    they come, outcome assessments and follow-ups). ``course_id`` names the course it belongs to, if
    any; ``seq`` orders the patient's stream and detects two writers racing, as a session's does."""

    id: str
    patient_id: str
    course_id: str | None
    seq: int
    type: EventType
    occurred_at: datetime
    recorded_at: datetime
    recorded_by: str
    workstation: str
    payload: dict[str, Any] = field(default_factory=dict)
    corrects: str | None = None
    reason: str | None = None


DATA_TYPES: dict[EventType, type[d.EventData]] = {
    EventType.OPENED: d.Opened,
    EventType.SCREENED: d.Screened,
    EventType.WEIGHED: d.Weighed,
    EventType.DOSE_CALCULATED: d.DoseCalculated,
    EventType.CHECKED: d.Checked,
    EventType.STARTED: d.Started,
    EventType.PAUSED: d.Paused,
    EventType.RESUMED: d.EventData,
    EventType.STOPPED_EARLY: d.StoppedEarly,
    EventType.COMPLETED: d.EventData,
    EventType.PUMP_CONFIRMED: d.PumpConfirmed,
    EventType.VITALS: d.VitalsRecorded,
    EventType.ALERT_ACKNOWLEDGED: d.AlertAcknowledged,
    EventType.SIDE_EFFECTS: d.SideEffects,
    EventType.ADVERSE_EVENT: d.AdverseEvent,
    EventType.ABANDONED: d.Reason,
    EventType.DISCHARGED: d.Discharged,
    EventType.SIGNED: d.SessionSigned,
    EventType.CORRECTED: d.Note,
    EventType.ADDENDUM: d.Note,
    EventType.DRAWN: d.DrugDrawn,
    EventType.WASTED: d.DrugWasted,
    EventType.PUMP_PROGRAMMED: d.PumpProgrammed,
    EventType.RETURNED: d.DrugReturned,
    EventType.DAY_MISSED: d.DayNotGiven,
    EventType.DAY_CANCELLED: d.DayNotGiven,
}
"""The type of each kind's content (a resume and a completion hold nothing)."""


class _ReadEntries:
    """The entries read lately, typed: every action and every day log reads its sessions' entries afresh
    from storage, and typing them again each time cost more than the reading. An entry is taken from here
    only while its stored payload is still equal to the one it was typed from, so a payload changed
    outside Chairside is read as it now stands. Bounded: the oldest are forgotten first."""

    LIMIT = 5_000

    def __init__(self) -> None:
        self._typed: OrderedDict[str, tuple[str, d.EventData]] = OrderedDict()
        self._lock = Lock()  # the board's tick and a printout's thread may read at once

    def typed(self, event_id: str, kind: EventType, payload: dict[str, Any], stored: str | None) -> d.EventData:
        """Compared as JSON text (``stored``, as read, or the payload written as text): strict where == is
        not (``true`` is not ``1``), and sharing nothing with the payload, which may be the stored row's own."""
        cls = DATA_TYPES[kind]
        stored = stored if stored is not None else _AS_TEXT(payload)
        with self._lock:
            hit = self._typed.get(event_id)
            if hit is not None and type(hit[1]) is cls and hit[0] == stored:
                self._typed.move_to_end(event_id)
                return hit[1]
        data = cls.from_payload(payload)
        with self._lock:
            self._typed[event_id] = (stored, data)
            if len(self._typed) > self.LIMIT:
                self._typed.popitem(last=False)
        return data


_AS_TEXT = json.JSONEncoder(separators=(",", ":")).encode
"""One encoder for every comparison (``json.dumps`` with options builds a new one each call)."""
_READ = _ReadEntries()
