"""Which limit explains each finding recorded with the period's sets of vital signs, for every set at once:
each finding as ``core.quality.limits.explain`` explains it, against the baseline
``core.quality.rows.baselines_of`` folds.

Ten years are two million sets, some sixty thousand of them with a finding: folding each session's baseline
and explaining each finding one set at a time took seconds. The alarm figures count the limits fired from
here, and explain set by set only the alarms they list; the threshold replay classifies the same sets.

NumPy is imported by each function, not with the module: the care service imports the report's modules,
and starting the app should not wait for NumPy.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from core.protocol import Protocol, VitalKind
from core.quality.limits import EPSILON, ORDER, Limit, Way, recorded
from core.quality.rows import VITALS, Ordered, SetColumns
from core.vitals import Tier

if TYPE_CHECKING:
    import numpy as np


def meets(way: Way, bound: float, values: np.ndarray, bases: np.ndarray, systolic: np.ndarray) -> np.ndarray:
    """Where a value meets ``bound`` in ``way``, as ``core.quality.limits`` holds a value to a limit (NaN, a
    value or baseline not there, meets nothing)."""
    import numpy as np  # late: see the module's docstring

    with np.errstate(invalid="ignore"):
        match way:
            case Way.ABOVE:
                return values >= bound - EPSILON
            case Way.BELOW:
                return values <= bound + EPSILON
            case Way.RISE:
                return values - bases >= bound - EPSILON
            case _:
                return systolic - values < bound - EPSILON


def limits_fired(
    every: SetColumns, sets: Ordered, protocol_of: Callable[[str], Protocol]
) -> tuple[Counter[Limit], Counter[Tier]]:
    """Each limit that explains a finding recorded with a set of the period, counted (a set with two vitals
    at a tier counts once under each limit), and the findings at each tier no limit explains: what
    ``core.quality.limits.fired`` says of each such set, under its session's protocol (``protocol_of``)."""
    import numpy as np  # late: see the module's docstring

    fired_by: Counter[Limit] = Counter()
    unexplained: Counter[Tier] = Counter()
    order = sets.order
    noted = np.flatnonzero((every.in_period & (every.alarmed | every.flagged))[order])
    if not len(noted):
        return fired_by, unexplained
    at = order[noted]
    values, bases = sets.values[noted], sets.bases[noted]
    systolic = values[:, VITALS.index(VitalKind.SYSTOLIC)]
    words = every.words
    sessions = every.sessions[at]
    numbers: dict[str, int] = {}  # each protocol met, numbered by its hash
    chosen: list[Protocol] = []
    which = np.full(len(words), -1)
    for code in np.flatnonzero(every.words_met(sessions)).tolist():
        protocol = protocol_of(words[code])
        if protocol.content_hash not in numbers:
            numbers[protocol.content_hash] = len(chosen)
            chosen.append(protocol)
        which[code] = numbers[protocol.content_hash]
    by_set = which[sessions]
    for tier, column in ((Tier.ACT, every.act[at]), (Tier.ADVISE, every.advise[at])):
        texts = np.flatnonzero(every.words_met(column)).tolist()
        for number, protocol in enumerate(chosen):
            mine = by_set == number
            for vital in VITALS:
                said = np.zeros(len(words), dtype=bool)
                said[[code for code in texts if vital in recorded(words[code])]] = True
                found = mine & said[column]
                if not found.any():
                    continue
                if vital in protocol.vitals:
                    found = _explained(protocol, vital, tier, found, values, bases, systolic, fired_by)
                unexplained[tier] += int(np.count_nonzero(found))
    return fired_by, +unexplained


def _explained(
    protocol: Protocol,
    vital: VitalKind,
    tier: Tier,
    found: np.ndarray,
    values: np.ndarray,
    bases: np.ndarray,
    systolic: np.ndarray,
    fired_by: Counter[Limit],
) -> np.ndarray:
    """``found`` (the sets recording ``vital`` at ``tier``) explained limit by limit in the order ``classify``
    tries them, each set under the first its value meets, counted into ``fired_by``: those none explains."""
    import numpy as np  # late: see the module's docstring

    i = VITALS.index(vital)
    limits = protocol.vitals[vital]
    left = found.copy()
    for each_tier, way in ORDER:
        limit = Limit(vital, tier, way)
        bound = getattr(limits, limit.field)
        if each_tier is not tier or bound is None:
            continue
        hit = left & meets(way, float(bound), values[:, i], bases[:, i], systolic)
        if count := int(np.count_nonzero(hit)):
            fired_by[limit] += count
            left &= ~hit
    return left
