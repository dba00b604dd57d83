"""The few statistics the outcome report states, each with the name of its method printed beside it.

- A proportion's 95 % interval is Wilson's score interval (PROMIS.md 7): it stays inside 0-100 % and keeps
  its coverage for the small counts a clinic has, where the textbook Wald interval does neither.
- A mean's 95 % interval is t-based (Student's t with n - 1 degrees of freedom), the quantile from SciPy
  (``scipy.special.stdtrit``): a clinic's complete cases are often a few dozen, where the normal
  approximation's interval is too narrow. SciPy is imported on first use, so starting the app does not wait
  for it.
- Time to a repeat course is a Kaplan-Meier estimate: patients not yet back by the report's last day are
  censored there, not counted as never returning.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist, fmean

CONFIDENCE = 0.95
Z = NormalDist().inv_cdf(1 - (1 - CONFIDENCE) / 2)
"""1.959963…: the standard normal quantile for a two-sided 95 % interval."""
WILSON = "Wilson score 95 % interval"
T_BASED = "t-based 95 % interval (Student's t, n − 1 degrees of freedom)"


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def wilson(successes: int, n: int) -> Interval | None:
    """The Wilson score 95 % interval of ``successes`` out of ``n``, as proportions; None when n is 0."""
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError(f"{successes} of {n}")
    p = successes / n
    z2 = Z * Z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = 0.0 if successes == 0 else max(0.0, centre - half)  # exactly 0 and 1 at the ends, not rounding's
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Interval(low, high)


def t_quantile(df: int) -> float:
    """Student's t quantile for a two-sided 95 % interval with ``df`` degrees of freedom."""
    from scipy.special import stdtrit  # late: SciPy takes a quarter of a second to load

    return float(stdtrit(df, 1 - (1 - CONFIDENCE) / 2))


@dataclass(frozen=True)
class Mean:
    n: int
    mean: float | None
    interval: Interval | None
    """None for fewer than two values (no spread to go on)."""


def mean_ci(values: Sequence[float]) -> Mean:
    """The mean and its t-based 95 % interval."""
    n = len(values)
    if n == 0:
        return Mean(0, None, None)
    mean = fmean(values)
    if n < 2:
        return Mean(n, mean, None)
    half = t_quantile(n - 1) * _spread(values) / math.sqrt(n)
    return Mean(n, mean, Interval(mean - half, mean + half))


def _spread(values: Sequence[float]) -> float:
    """The sample standard deviation (n - 1), by NumPy (loaded with SciPy for ``t_quantile``):
    ``statistics.stdev`` sums exact fractions, a tenth of the report's counting over ten years' courses,
    for digits no printed interval shows."""
    import numpy  # late: with SciPy, already loaded by ``t_quantile``

    if min(values) == max(values):
        return 0.0  # exactly, as stdev gives it: NumPy's two passes may leave a last bit
    return float(numpy.std(numpy.asarray(values, dtype=float), ddof=1))


@dataclass(frozen=True)
class KmStep:
    """The Kaplan-Meier estimate just after ``day``: ``at_risk`` were still to return before it, ``events``
    returned on it, and ``survival`` is the estimated share not yet returned after it."""

    day: int
    at_risk: int
    events: int
    survival: float


def kaplan_meier(observations: Sequence[tuple[int, bool]]) -> list[KmStep]:
    """``observations``: (days, returned) per patient; days to the return, or to the censoring day when not
    returned. A censoring on the day of a return counts as still at risk on that day (the usual convention)."""
    returns = Counter(days for days, returned in observations if returned)
    leaving = Counter(days for days, _ in observations)
    steps: list[KmStep] = []
    survival = 1.0
    at_risk = len(observations)
    for day in sorted(leaving):
        if returns[day]:
            survival *= 1 - returns[day] / at_risk
            steps.append(KmStep(day, at_risk, returns[day], survival))
        at_risk -= leaving[day]
    return steps


def km_returned_by(steps: Sequence[KmStep], day: int) -> float:
    """The estimated share returned by ``day`` (1 - S(day))."""
    survival = 1.0
    for step in steps:
        if step.day > day:
            break
        survival = step.survival
    return 1 - survival


def km_day_reaching(steps: Sequence[KmStep], share: float) -> int | None:
    """The first day by which the estimated share returned reaches ``share`` (e.g. 0.5: the median time to
    return); None when the estimate never reaches it (too few returned, or too little follow-up)."""
    for step in steps:
        if 1 - step.survival >= share - 1e-12:
            return step.day
    return None
