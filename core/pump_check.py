"""A recorded pump reading as the start, the record's lines and the printouts judge it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.dosing import PumpOrder, PumpReading, pump_disagreement
from core.event_data import PumpProgrammed
from core.events import Event


@dataclass(frozen=True)
class PumpCheck:
    """A recorded "pump programmed and checked": what the nurse (and perhaps a second nurse) read off the
    pump, against the order. Only a reading that agrees, from everyone who read it, lets the start go on."""

    event_id: str
    at: datetime
    by: str
    order: PumpOrder
    read: PumpReading
    mismatches: tuple[str, ...]
    second_by: str | None
    second_read: PumpReading | None
    second_mismatches: tuple[str, ...]

    @classmethod
    def of(cls, event: Event) -> PumpCheck:
        data = event.data_as(PumpProgrammed)
        second = data.second
        return cls(
            event_id=event.id,
            at=event.occurred_at,
            by=event.recorded_by,
            order=data.order,
            read=data.read,
            mismatches=data.mismatches,
            second_by=second.checker_id if second else None,
            second_read=second.read if second else None,
            second_mismatches=second.mismatches if second else (),
        )

    @property
    def agrees(self) -> bool:
        return not self.mismatches and not self.second_mismatches

    def disagreements(self, name: str, second_name: str) -> list[str]:
        """Each reader's mismatch in words (empty when the reading agrees with the order)."""
        found = []
        if self.mismatches:
            found.append(pump_disagreement(self.order, self.read, self.mismatches, name))
        if self.second_mismatches and self.second_read is not None:
            found.append(pump_disagreement(self.order, self.second_read, self.second_mismatches, second_name))
        return found
