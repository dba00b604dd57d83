"""A figure in words and in CSV cells, the same on the screen, on paper and in the spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from core.figures.frame import MINUTES, PER_100, PERCENT, T_POINTS, Figure


def number_words(value: float, unit: str) -> str:
    """Per cent, rates and minutes to one decimal, T points to two, days and counts whole."""
    if unit in {PERCENT, PER_100, MINUTES}:
        return f"{value:.1f}"
    return f"{value:.2f}" if unit == T_POINTS else f"{value:.0f}"


def value_words(figure: Figure) -> str:
    """The value with its unit, or why there is none."""
    if figure.value is None:
        return "not reached" if figure.denominator else "none to count"
    number = number_words(figure.value, figure.unit)
    if figure.unit == PERCENT:
        return f"{number} %"
    if figure.unit == T_POINTS:  # a change in the improving direction: its sign alone reads as up or down
        way = " (better)" if figure.value > 0 else " (worse)" if figure.value < 0 else ""
        return f"{'+' if figure.value > 0 else ''}{number} T{way}"
    return f"{number} {figure.unit}"


def count_words(figure: Figure) -> str:
    """ "k of n" for a count, "k in n sessions" for a rate per 100 sessions, "n = n" for a mean or a time:
    every number states its denominator."""
    if figure.numerator is None:
        return f"n = {figure.denominator}"
    if figure.unit == PER_100:  # events counted over sessions, several of which may fall in one session
        return f"{figure.numerator} in {figure.denominator} session{'' if figure.denominator == 1 else 's'}"
    return f"{figure.numerator} of {figure.denominator}"


def interval_words(figure: Figure) -> str:
    if figure.low is None or figure.high is None:
        return "—"
    low, high = number_words(figure.low, figure.unit), number_words(figure.high, figure.unit)
    return f"{low}–{high}{' %' if figure.unit == PERCENT else ''}"


CSV_COLUMNS = (
    "section",
    "measure",
    "time point",
    "numerator",
    "denominator",
    "value",
    "CI low",
    "CI high",
    "unit",
    "method",
    "definition",
    "note",
    "tables to verify",
)


def _cell(value: float | None, unit: str) -> str:
    return "" if value is None else number_words(value, unit)


def figure_row(f: Figure) -> list[str]:
    """A figure's CSV row, under ``CSV_COLUMNS``."""
    return [
        f.section,
        f.measure,
        f.time_point,
        "" if f.numerator is None else str(f.numerator),
        str(f.denominator),
        _cell(f.value, f.unit),
        _cell(f.low, f.unit),
        _cell(f.high, f.unit),
        f.unit,
        f.method,
        f.definition,
        f.note,
        "yes" if f.to_verify else "",
    ]


def about_row(
    section: str,
    measure: str,
    value: str,
    *,
    unit: str = "",
    method: str = "",
    definition: str = "",
    note: str = "",
    verify: bool = False,
) -> list[str]:
    """A row under ``CSV_COLUMNS`` that is not a figure: what the report used, or a figure from elsewhere."""
    return [section, measure, "", "", "", value, "", "", unit, method, definition, note, "yes" if verify else ""]


def csv_text(head: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read "−" and "≥" as written."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(head)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")
