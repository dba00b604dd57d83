"""Which sessions a quality report counts: all of the period's, or only those on one chair, recorded under one
protocol version, or opened by one nurse (any of the three, together). Every figure then counts the facts of
those sessions alone, its denominator too; the alarm figures' breakdowns by chair, nurse and version still
say who recorded what within them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    chair: int | None = None
    protocol_version: str | None = None
    opened_by: str | None = None
    """A staff id: the nurse who opened the session (who took the patient in at the chair)."""

    def __bool__(self) -> bool:
        return self.chair is not None or self.protocol_version is not None or self.opened_by is not None

    def words(self, names: Mapping[str, str]) -> str:
        """The sessions counted, in words: "every session", or "sessions on chair 3, opened by Ana Reyes"."""
        if not self:
            return "every session of the period"
        said = []
        if self.chair is not None:
            said.append(f"on chair {self.chair}")
        if self.protocol_version is not None:
            said.append(f"recorded under protocol version {self.protocol_version}")
        if self.opened_by is not None:
            said.append(f"opened by {names.get(self.opened_by, self.opened_by)}")
        return "sessions " + ", ".join(said)


EVERY = Scope()
