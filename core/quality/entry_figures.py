"""The quality report's figures drawn from care entries and audit lines (everything but the alarms and the
schedule of checks): overrides and near misses, checks and pump readings, silences, the controlled
substance, late entries and corrections."""

from __future__ import annotations

from dataclasses import dataclass

from core.events import EventType
from core.figures import Figure
from core.quality.controlled import ControlledFigures
from core.quality.overrides import OverrideFigures
from core.quality.silences import SilenceFigures

OVERRIDE_KINDS = (
    EventType.OPENED,
    EventType.WEIGHED,
    EventType.DOSE_CALCULATED,
    EventType.STARTED,
    EventType.DISCHARGED,
)
"""The entries whose payload records a soft limit's override."""
CHECK_KINDS = (EventType.CHECKED, EventType.PUMP_PROGRAMMED, EventType.PUMP_CONFIRMED)
CONTROLLED_KINDS = (EventType.SIGNED, EventType.WASTED)
CORRECTING_KINDS = (EventType.CORRECTED, EventType.ADDENDUM)
COUNTED_KINDS = (EventType.CHECKED, EventType.PUMP_PROGRAMMED, EventType.SIGNED, EventType.WASTED)
"""The kinds whose every entry in the period is a denominator."""


@dataclass(frozen=True)
class EntryFigures:
    sessions: int
    """Sessions opened in the period: the "per 100 sessions" of every rate here."""
    overrides: OverrideFigures
    checks: tuple[Figure, ...]
    silences: SilenceFigures
    controlled: ControlledFigures
    record_keeping: tuple[Figure, ...]

    @property
    def figures(self) -> tuple[Figure, ...]:
        return (
            *self.overrides.figures,
            *self.checks,
            *self.silences.figures,
            *self.controlled.figures,
            *self.record_keeping,
        )
