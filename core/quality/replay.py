"""What each clinic-policy threshold would have done at the neighbouring values: the period's recorded
readings replayed under the protocol with one limit moved (−2 to +2 steps), so the medical director sees
what a change costs before making it.

Each set is classified again as ``core.vitals.classify`` does (in arrays, one vital at a time): a vital is
act-now when beyond an act bound or risen from the baseline by the act rise; otherwise advisory when beyond
an advisory bound, risen by the advisory rise, or (the diastolic) too close to the systolic. The baseline of
each set is the fold of its session's sets before the infusion began that came before it. Sets corrected
after entry are left out (their readings no longer stand as recorded), and the replay says how many.

NumPy is imported by each function that counts, not with the module: the care service imports this one, and
starting the app should not wait for NumPy (the first replay loads it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from core.protocol import Basis, Protocol, VitalKind
from core.quality.explained import meets
from core.quality.limits import Limit, Way, limits_of
from core.quality.rows import VITALS, AlarmRows
from core.vitals import Tier

if TYPE_CHECKING:
    import numpy as np

STEPS: Mapping[VitalKind, Decimal] = {
    VitalKind.SYSTOLIC: Decimal(5),
    VitalKind.DIASTOLIC: Decimal(5),
    VitalKind.HEART_RATE: Decimal(5),
    VitalKind.RESPIRATORY_RATE: Decimal(1),
    VitalKind.SPO2: Decimal(1),
    VitalKind.SEDATION: Decimal(1),
    VitalKind.TEMPERATURE: Decimal("0.1"),
}
"""The step between neighbouring values of each vital's limits (report data, printed with the result): a
blood pressure's or heart rate's 5, a respiratory rate's 1 /min, SpO2's 1 %, one RASS point, 0.1 °C."""
STEP_WORDS: Mapping[VitalKind, tuple[str, str]] = {
    VitalKind.SYSTOLIC: ("systolic", "mmHg"),
    VitalKind.DIASTOLIC: ("diastolic", "mmHg"),
    VitalKind.HEART_RATE: ("heart rate", "/min"),
    VitalKind.RESPIRATORY_RATE: ("respiratory rate", "/min"),
    VitalKind.SPO2: ("SpO2", "%"),
    VitalKind.SEDATION: ("sedation", "RASS"),
    VitalKind.TEMPERATURE: ("temperature", "°C"),
}
"""Each vital's step as the report prints it, in words and its unit: paper never shows a field's name
(``heart_rate``)."""
PULSE_PRESSURE_STEP = Decimal(2)
"""The step of the diastolic's minimum pulse pressure (mmHg)."""
REACH = 2
"""Steps replayed on each side of the limit's value."""


@dataclass(frozen=True)
class Candidate:
    value: Decimal
    crossing: int
    """Sets this limit alone would have fired on at ``value``."""
    sets: int
    """Sets that would have alarmed (an act-now limit) or been flagged and not alarmed (an advisory one) under
    the whole protocol with this limit at ``value``."""


@dataclass(frozen=True)
class ReplayLine:
    limit: Limit
    words: str
    value: Decimal
    step: Decimal
    unit: str
    recorded: int
    """Sets of the period recorded alarming (act-now) or flagged and not alarming (advisory)."""
    candidates: tuple[Candidate, ...]
    """From −``REACH`` to +``REACH`` steps, the limit's own value in the middle."""

    def at(self, value: Decimal | int | str) -> Candidate:
        wanted = Decimal(value)
        return next(c for c in self.candidates if c.value == wanted)


@dataclass(frozen=True)
class Replay:
    protocol_id: str
    protocol_version: str
    protocol_sha256: str
    sets: int
    """Sets of the period replayed."""
    left_out: int
    """Sets of the period corrected after entry, not replayed."""
    steps: Mapping[VitalKind, Decimal]
    lines: tuple[ReplayLine, ...]

    @property
    def note(self) -> str:
        steps = ", ".join(_step_words(kind, step) for kind, step in self.steps.items())
        said = f"Steps: {steps}; pulse pressure {PULSE_PRESSURE_STEP} mmHg. Replayed under {self.protocol_id} "
        said += f"{self.protocol_version}: {self.sets} sets."
        if self.left_out:
            sets = "set was" if self.left_out == 1 else "sets were"
            said += f" {self.left_out} {sets} corrected after entry and left out."
        return said

    def line(self, key: str) -> ReplayLine:
        return next(line for line in self.lines if line.limit.key == key)


def _step_words(kind: VitalKind, step: Decimal) -> str:
    name, unit = STEP_WORDS.get(kind, (kind.value.replace("_", " "), ""))
    return f"{name} {step.normalize():f} {unit}".rstrip()


class _Readings:
    """The period's sets standing as recorded: their values and baselines, one array per vital (NaN where
    not measured), and whether each was recorded alarming or flagged."""

    def __init__(self, rows: AlarmRows) -> None:
        import numpy as np  # late: see the module's docstring

        every = rows.every_set()
        order, table, bases = rows.in_order
        in_period = every.in_period[order]
        keep = in_period & ~every.named(rows.corrected)[order] if rows.corrected else in_period
        self.left_out = int(np.count_nonzero(in_period & ~keep))
        # One vital an array, each read whole: taken column by column from the sets, which is a fifth of the
        # time of taking the kept rows whole and then turning them (two million sets of seven values, twice).
        self.values = {kind: table[:, i][keep] for i, kind in enumerate(VITALS)}
        self.bases = {kind: bases[:, i][keep] for i, kind in enumerate(VITALS)}
        alarmed, advised = every.alarmed[order], every.flagged[order]
        self.alarmed = alarmed[keep]
        self.flagged = (advised & ~alarmed)[keep]
        self.size = int(np.count_nonzero(keep))
        self._hits: dict[tuple[VitalKind, Way, float], np.ndarray] = {}

    def hit(self, kind: VitalKind, way: Way, bound: float) -> np.ndarray:
        """The sets at which ``kind`` meets ``bound`` in ``way``, as ``core.quality.limits`` holds a value to a
        limit: worked out once for each bound (a limit moved to its neighbouring values leaves the others where
        they were, and the replay asks for each of them again for every candidate). Read, never change it."""
        key = (kind, way, bound)
        if key not in self._hits:
            systolic = self.values[VitalKind.SYSTOLIC]
            self._hits[key] = meets(way, bound, self.values[kind], self.bases[kind], systolic)
        return self._hits[key]


_FIELDS = (
    ("act_above", Tier.ACT, Way.ABOVE),
    ("act_below", Tier.ACT, Way.BELOW),
    ("act_rise", Tier.ACT, Way.RISE),
    ("advise_above", Tier.ADVISE, Way.ABOVE),
    ("advise_below", Tier.ADVISE, Way.BELOW),
    ("advise_rise", Tier.ADVISE, Way.RISE),
    ("min_pulse_pressure_mmhg", Tier.ADVISE, Way.PULSE_PRESSURE),
)
"""A vital's limits as ``classify`` reads them: the protocol's name for each, the tier it sets, and its way."""


def _found(
    protocol: Protocol, r: _Readings, kind: VitalKind, left_out: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The sets at which one of ``kind``'s limits (as ``protocol`` sets them, but the one named ``left_out``)
    is met, at the act-now tier and at the advisory one (whether or not also act-now)."""
    import numpy as np  # late: see the module's docstring

    act = np.zeros(r.size, dtype=bool)
    advise = np.zeros(r.size, dtype=bool)
    for name, tier, way in _FIELDS:
        bound = getattr(protocol.vitals[kind], name)
        if name != left_out and bound is not None:
            found = act if tier is Tier.ACT else advise
            np.logical_or(found, r.hit(kind, way, float(bound)), out=found)
    return act, advise


def _moved(
    r: _Readings, limit: Limit, rest: tuple[np.ndarray, np.ndarray], moved: Decimal
) -> tuple[np.ndarray, np.ndarray]:
    """The sets at which ``limit``'s vital is act-now, and those at which it is advisory, as ``classify`` says
    with the limit moved to ``moved``: ``rest`` (``_found`` leaving it out, worked out once for all its moves)
    with the sets the moved limit meets added at its tier."""
    act, advise = rest
    hit = r.hit(limit.vital, limit.way, float(moved))
    if next(tier for name, tier, _ in _FIELDS if name == limit.field) is Tier.ACT:
        act = act | hit
    else:
        advise = advise | hit
    return act, advise & ~act


def _crossing(r: _Readings, limit: Limit, value: Decimal) -> int:
    import numpy as np  # late: see the module's docstring

    return int(np.count_nonzero(r.hit(limit.vital, limit.way, float(value))))


def replay(protocol: Protocol, rows: AlarmRows) -> Replay:
    """Every clinic-policy limit of ``protocol`` replayed over the period's sets at ±``REACH`` steps."""
    import numpy as np  # late: see the module's docstring

    r = _Readings(rows)
    tiers = {}
    for kind in VITALS:
        if kind in protocol.vitals:
            act, advise = _found(protocol, r, kind)
            tiers[kind] = (act, advise & ~act)
    lines = []
    for limit in limits_of(protocol):
        if protocol.vitals[limit.vital].basis is not Basis.CLINIC_POLICY:
            continue
        step = PULSE_PRESSURE_STEP if limit.way is Way.PULSE_PRESSURE else STEPS[limit.vital]
        value = limit.value(protocol)
        assert value is not None  # limits_of gives only the limits set
        others_act = np.zeros(r.size, dtype=bool)
        others_advise = np.zeros(r.size, dtype=bool)
        for kind, (act, advise) in tiers.items():
            if kind is not limit.vital:
                others_act |= act
                others_advise |= advise
        candidates = []
        rest = _found(protocol, r, limit.vital, limit.field)
        for k in range(-REACH, REACH + 1):
            moved = value + k * step
            act, advise = _moved(r, limit, rest, moved)
            if limit.tier is Tier.ACT:
                sets = int(np.count_nonzero(others_act | act))
            else:
                sets = int(np.count_nonzero((others_advise | advise) & ~(others_act | act)))
            candidates.append(Candidate(moved, _crossing(r, limit, moved), sets))
        unit = "mmHg" if limit.way is Way.PULSE_PRESSURE else protocol.vitals[limit.vital].unit
        recorded = int(np.count_nonzero(r.alarmed if limit.tier is Tier.ACT else r.flagged))
        lines.append(ReplayLine(limit, limit.words(protocol), value, step, unit, recorded, tuple(candidates)))
    return Replay(protocol.id, protocol.version, protocol.content_hash, r.size, r.left_out, dict(STEPS), tuple(lines))
