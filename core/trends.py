"""Each vital sign's readings across a session, for the small trend charts beside the vitals entry.

Read from the recorded vitals events, never from what is typed, so a trend shows only what is saved.
Each reading keeps the tier core gave it when it was recorded (against the baseline of that moment),
so the chart marks exactly what the nurse was told then, and the screen applies no rule of its own.
A set later named by a correction stays in the trend, marked corrected with the correction's words,
because the record keeps the original too; the latest value is the last reading nobody corrected.
A set recorded without some vital (a partial set) leaves a gap with its reason instead of a point;
an optional vital (temperature) is taken only when needed, so its absence is no gap.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from core.event_data import Note, VitalsRecorded
from core.events import Event
from core.events import EventType as E
from core.protocol import Protocol, VitalKind, VitalThresholds
from core.vitals import Tier


@dataclass(frozen=True)
class Reading:
    """One recorded value of one vital."""

    at: datetime
    value: Decimal
    tier: Tier
    finding: str
    """Why core flagged it ("at or below 89 %"), empty when it was inside every limit."""
    event_id: str
    correction: str | None
    """What the entries correcting this set say, or None while nobody has corrected it."""


@dataclass(frozen=True)
class Gap:
    """A set recorded without this vital, and the reason the nurse gave for the partial set."""

    at: datetime
    reason: str | None


@dataclass(frozen=True)
class VitalTrend:
    kind: VitalKind
    limits: VitalThresholds
    readings: tuple[Reading, ...]
    gaps: tuple[Gap, ...]

    @property
    def current(self) -> tuple[Reading, ...]:
        """The readings that stand: a corrected one is shown but no longer joined into the line."""
        return tuple(r for r in self.readings if r.correction is None)

    @property
    def latest(self) -> Reading | None:
        standing = self.current
        return standing[-1] if standing else None


def _corrections(events: Iterable[Event]) -> dict[str, str]:
    """What was said about each corrected entry: a correction before signing or an addendum after it."""
    said: dict[str, list[str]] = {}
    for event in events:
        if event.corrects is None or event.type not in {E.CORRECTED, E.ADDENDUM}:
            continue
        words = " — ".join(part for part in (event.reason, event.data_as(Note).note) if part)
        said.setdefault(event.corrects, []).append(words or "corrected")
    return {target: "; ".join(notes) for target, notes in said.items()}


def vital_trends(protocol: Protocol, events: Iterable[Event]) -> dict[VitalKind, VitalTrend]:
    """Every vital's readings and gaps in the order they were recorded, in the protocol's vital order."""
    events = list(events)
    corrected = _corrections(events)
    readings: dict[VitalKind, list[Reading]] = {kind: [] for kind in VitalKind}
    gaps: dict[VitalKind, list[Gap]] = {kind: [] for kind in VitalKind}
    for event in events:
        if event.type is not E.VITALS:
            continue
        vitals = event.data_as(VitalsRecorded)
        findings = {f.vital: f for f in vitals.findings}
        for kind in VitalKind:
            if kind not in vitals.values:
                if not protocol.vitals[kind].optional:  # an optional vital not taken leaves no gap
                    gaps[kind].append(Gap(event.occurred_at, vitals.partial_reason))
                continue
            finding = findings.get(kind)
            tier = finding.tier if finding else Tier.NORMAL
            reading = Reading(
                at=event.occurred_at,
                value=vitals.values[kind],
                tier=tier,
                finding=finding.text if finding is not None and tier is not Tier.NORMAL else "",
                event_id=event.id,
                correction=corrected.get(event.id),
            )
            readings[kind].append(reading)
    return {
        kind: VitalTrend(kind, protocol.vitals[kind], tuple(readings[kind]), tuple(gaps[kind])) for kind in VitalKind
    }
