"""A report's figures as values: each number with everything needed to read it ("every number states its
denominator"), the listings that name the sessions behind an outlier, and the same figures over several
periods set side by side (this month against the three before it)."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from core.outcomes.stats import WILSON, wilson

PERCENT = "%"
T_POINTS = "T points"
PER_100 = "per 100 sessions"
DAYS = "days"
MINUTES = "min"
COUNTED = "count ÷ denominator"
RATE = "count × 100 ÷ sessions; no interval"
"""The method of a rate per 100 sessions (``rate``): a count of events, several of which may fall in one
session, so no proportion's interval applies."""


@dataclass(frozen=True)
class Figure:
    """One number of the report with everything needed to read it."""

    key: str
    """Stable name of the measure (for a screen or a test): e.g. ``treatment_completion``, ``mcid_reached``."""
    section: str
    measure: str
    time_point: str
    numerator: int | None
    denominator: int
    value: float | None
    """In ``unit``; None when there is nothing to count (a denominator of 0) or an estimate not reached."""
    unit: str
    low: float | None
    high: float | None
    method: str
    definition: str
    note: str = ""
    to_verify: bool = False
    """Scored from a table still to be verified against the HealthMeasures manual."""
    domain: str = ""


def proportion(
    key: str,
    section: str,
    measure: str,
    numerator: int,
    denominator: int,
    definition: str,
    *,
    point: str = "",
    note: str = "",
    interval: bool = True,
    to_verify: bool = False,
    domain: str = "",
) -> Figure:
    """A proportion in per cent, with its Wilson interval unless ``interval`` is False."""
    found = wilson(numerator, denominator) if interval else None
    return Figure(
        key=key,
        section=section,
        measure=measure,
        time_point=point,
        numerator=numerator,
        denominator=denominator,
        value=100 * numerator / denominator if denominator else None,
        unit=PERCENT,
        low=100 * found.low if found else None,
        high=100 * found.high if found else None,
        method=WILSON if interval else COUNTED,
        definition=definition,
        note=note,
        to_verify=to_verify,
        domain=domain,
    )


def rate(
    key: str,
    section: str,
    measure: str,
    count: int,
    sessions: int,
    definition: str,
    *,
    point: str = "",
    note: str = "",
    method: str = RATE,
    domain: str = "",
) -> Figure:
    """A count per 100 sessions, with no interval: "k of n" is k events over n sessions."""
    return Figure(
        key=key,
        section=section,
        measure=measure,
        time_point=point,
        numerator=count,
        denominator=sessions,
        value=100 * count / sessions if sessions else None,
        unit=PER_100,
        low=None,
        high=None,
        method=method,
        definition=definition,
        note=note,
        domain=domain,
    )


@dataclass(frozen=True)
class Listing:
    """The sessions behind a figure's outliers, one row each (e.g. the longest waits for an acknowledgement):
    ``patient_ids`` holds the patient of each row in the same order, so the report can audit who it named and
    show names or record numbers as the clinic chose; the rows themselves carry neither."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    patient_ids: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.rows) != len(self.patient_ids):
            raise ValueError("a listing names one patient per row")
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"a row of {len(row)} cells under {len(self.columns)} columns")

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class Period:
    """A report's days, first to last, both included (the clinic's local dates)."""

    first_day: date
    last_day: date

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValueError("a period ends on or after its first day")

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def whole_months(self) -> bool:
        """Begins on a month's first day and ends on a month's last."""
        last = calendar.monthrange(self.last_day.year, self.last_day.month)[1]
        return self.first_day.day == 1 and self.last_day.day == last

    def words(self) -> str:
        if self.whole_months and (self.first_day.year, self.first_day.month) == (
            self.last_day.year,
            self.last_day.month,
        ):
            return self.first_day.strftime("%B %Y")
        if self.first_day == self.last_day:
            return self.first_day.isoformat()
        return f"{self.first_day.isoformat()} to {self.last_day.isoformat()}"


def periods_before(period: Period, count: int = 3) -> list[Period]:
    """The ``count`` periods just before ``period``, each as long, oldest first: calendar months before a
    period of whole months (March against December, January and February), otherwise the same number of days
    back to back."""
    found: list[Period] = []
    current = period
    for _ in range(count):
        if current.whole_months:
            months = (current.last_day.year - current.first_day.year) * 12 + current.last_day.month
            months -= current.first_day.month - 1
            last = current.first_day - timedelta(days=1)
            first = _months_back(current.first_day, months)
            current = Period(first, last)
        else:
            current = Period(current.first_day - timedelta(days=current.days), current.first_day - timedelta(days=1))
        found.append(current)
    return found[::-1]


def _months_back(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Comparison:
    """One measure over several periods, side by side: ``cells[i]`` is its figure in ``periods[i]`` (None
    when the measure had nothing to show then, e.g. a reason nobody gave that month)."""

    key: str
    section: str
    measure: str
    time_point: str
    definition: str
    periods: tuple[Period, ...]
    cells: tuple[Figure | None, ...]


def side_by_side(periods: Sequence[Period], figures: Sequence[Sequence[Figure]]) -> list[Comparison]:
    """The figures of each period (``figures[i]`` made over ``periods[i]``) matched by measure: one
    comparison per measure, in the order the measures first appear, its definition the latest period's."""
    if len(periods) != len(figures):
        raise ValueError("one list of figures per period")
    order: dict[tuple[str, str, str, str, str], list[Figure | None]] = {}
    for index, found in enumerate(figures):
        for figure in found:
            name = (figure.key, figure.section, figure.measure, figure.time_point, figure.domain)
            cells = order.setdefault(name, [None] * len(periods))
            cells[index] = figure
    comparisons = []
    for (key, section, measure, point, _domain), cells in order.items():
        definition = next(f.definition for f in reversed(cells) if f is not None)
        comparisons.append(Comparison(key, section, measure, point, definition, tuple(periods), tuple(cells)))
    return comparisons
