"""The limits of a protocol that can fire, and which of them explains a set's recorded finding.

A set's tier for each vital was worked out when it was recorded (``core.vitals.classify``) and is kept with
it: that record is authoritative. Which limit made it (above, below, a rise from baseline, a narrow pulse
pressure) is worked out here again from the set's values, its session's protocol and the baseline it was
measured against, in the order ``classify`` tries them; a finding no limit explains is said to be so,
never guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from core.protocol import Protocol, VitalKind, VitalThresholds
from core.quality.rows import VITALS, SetRow
from core.vitals import Tier

EPSILON = 1e-9
"""Readings are kept as floats: a bound is met when within this of it (a temperature's 38.0 is 38.0)."""


class Way(StrEnum):
    ABOVE = "above"
    BELOW = "below"
    RISE = "rise"
    PULSE_PRESSURE = "pulse_pressure"


WAY_WORDS = {
    Way.ABOVE: "at or above",
    Way.BELOW: "at or below",
    Way.RISE: "rise from baseline of",
    Way.PULSE_PRESSURE: "pulse pressure under",
}
TIER_WORDS = {Tier.ACT: "act-now", Tier.ADVISE: "advisory"}


class Limit(NamedTuple):
    vital: VitalKind
    tier: Tier
    way: Way

    @property
    def key(self) -> str:
        """E.g. ``systolic.act_above``, ``diastolic.advise_pulse_pressure``."""
        return f"{self.vital.value}.{self.tier.value}_{self.way.value}"

    @property
    def field(self) -> str:
        """The protocol's name for its value."""
        if self.way is Way.PULSE_PRESSURE:
            return "min_pulse_pressure_mmhg"
        return f"{self.tier.value}_{self.way.value}"

    def value(self, protocol: Protocol) -> Decimal | None:
        return getattr(protocol.vitals[self.vital], self.field)

    def words(self, protocol: Protocol) -> str:
        """E.g. "Systolic blood pressure act-now: at or above 180 mmHg"."""
        limits = protocol.vitals[self.vital]
        value = self.value(protocol)
        unit = "mmHg" if self.way is Way.PULSE_PRESSURE else limits.unit
        shown = "—" if value is None else f"{value.normalize():f}"
        return f"{limits.label} {TIER_WORDS[self.tier]}: {WAY_WORDS[self.way]} {shown} {unit}"


ORDER = (
    (Tier.ACT, Way.ABOVE),
    (Tier.ACT, Way.BELOW),
    (Tier.ACT, Way.RISE),
    (Tier.ADVISE, Way.ABOVE),
    (Tier.ADVISE, Way.BELOW),
    (Tier.ADVISE, Way.RISE),
    (Tier.ADVISE, Way.PULSE_PRESSURE),
)
"""For each tier, the limits in the order ``classify`` tries them: absolute first, then a rise, then (a
diastolic otherwise unremarkable) a narrow pulse pressure."""


def limits_of(protocol: Protocol) -> list[Limit]:
    """Every limit the protocol sets, vital by vital in its order."""
    found = []
    for kind in VITALS:
        for tier, way in ORDER:
            limit = Limit(kind, tier, way)
            if kind in protocol.vitals and limit.value(protocol) is not None:
                found.append(limit)
    return found


def _meets(limit: Limit, limits: VitalThresholds, value: float, base: float | None, systolic: float | None) -> bool:
    bound = getattr(limits, limit.field)
    if bound is None:
        return False
    bound = float(bound)
    match limit.way:
        case Way.ABOVE:
            return value >= bound - EPSILON
        case Way.BELOW:
            return value <= bound + EPSILON
        case Way.RISE:
            return base is not None and value - base >= bound - EPSILON
        case Way.PULSE_PRESSURE:
            return systolic is not None and systolic - value < bound - EPSILON
    return False


def explain(
    protocol: Protocol, row: SetRow, baseline: dict[VitalKind, float], vital: VitalKind, tier: Tier
) -> Limit | None:
    """The limit that gave ``vital`` the recorded ``tier`` in ``row``, or None when none of the protocol's
    does (the set was classified under other rules, or against another baseline)."""
    if vital not in protocol.vitals:
        return None
    value = row.values[VITALS.index(vital)]
    if value is None:
        return None
    limits = protocol.vitals[vital]
    systolic = row.values[VITALS.index(VitalKind.SYSTOLIC)]
    for each_tier, way in ORDER:
        if each_tier is not tier:
            continue
        limit = Limit(vital, tier, way)
        if _meets(limit, limits, value, baseline.get(vital), systolic):
            return limit
    return None


def recorded(vitals: str) -> list[VitalKind]:
    """The vitals of a row's ``act`` or ``advise`` column."""
    return [VitalKind(v) for v in vitals.split(",") if v]


def fired(
    protocol: Protocol, row: SetRow, baseline: dict[VitalKind, float]
) -> list[tuple[VitalKind, Tier, Limit | None]]:
    """Each finding the set recorded (act-now, then advisory), with the limit that explains it."""
    return [
        (vital, tier, explain(protocol, row, baseline, vital, tier))
        for tier, column in ((Tier.ACT, row.act), (Tier.ADVISE, row.advise))
        for vital in recorded(column)
    ]


def in_order(limits: Sequence[Limit]) -> list[Limit]:
    """Limits in the protocol's vital order, each tier's in ``classify``'s order."""
    rank = {(tier, way): i for i, (tier, way) in enumerate(ORDER)}
    return sorted(set(limits), key=lambda lim: (VITALS.index(lim.vital), rank[(lim.tier, lim.way)]))
