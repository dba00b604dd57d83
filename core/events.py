"""The things that can happen to a session, or to a patient's course between sessions. Each is recorded
once and never changed.

Dotted names keep the log readable and leave room for later kinds. A correction before signing, and an
addendum after it, is an event of its own that names the event it corrects and says why. What each kind
holds is typed in ``core.event_data``; the payload dict is only its stored form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from typing import Any, Self, TypeVar

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
    ASSESSED = "outcome.assessed"
    """PROMIS forms the patient answered, scored from the shipped tables."""
    CONTACT = "patient.contact_route"
    """How to reach the patient for follow-up questionnaires."""


PATIENT_STREAM = frozenset({EventType.DAY_MISSED, EventType.DAY_CANCELLED, EventType.ASSESSED, EventType.CONTACT})
"""The kinds recorded on a patient's own stream (``PatientEvent``), not on a session's."""


class _Typed:
    """What a stored entry of either stream holds, read as its kind's type."""

    id: str
    type: EventType
    payload: dict[str, Any]

    @cached_property
    def data(self) -> d.EventData:
        """The payload as its kind's type, read once (narrow it with isinstance, or ``data_as``)."""
        return DATA_TYPES[self.type].from_payload(self.payload)

    def knowing(self, data: d.EventData) -> Self:
        """This entry, its content taken as ``data``: the very value its payload was just written from
        (``data.to_payload()``), so an entry built a moment ago is not read back from its stored form to be
        folded into its session's state (nearly a third of working out the state after a set of vital signs).
        The two are the same content: ``from_payload`` gives back what ``to_payload`` was given, for every kind
        (a property test holds it). A value of another type than the kind's is not taken: the stored form is
        read, and refused, as ever."""
        if type(data) is DATA_TYPES[self.type]:
            self.__dict__["data"] = data  # where ``data``, a cached property, keeps what it read
        return self

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


@dataclass(frozen=True)
class PatientEvent(_Typed):
    """One record about a patient outside any session: a day of the course not given and why, outcome
    forms answered, the route for follow-ups. ``course_id`` names the course it belongs to, if
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
    EventType.ASSESSED: d.Assessed,
    EventType.CONTACT: d.ContactRoute,
}
"""The type of each kind's content (a resume and a completion hold nothing)."""
