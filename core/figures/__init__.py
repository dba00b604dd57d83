"""The report frame the clinic's reports share (the outcome report, the quality report): a figure with its
definition, numerator and denominator, the words and CSV cells every screen, PDF and CSV draws from it, the
outlier listings a figure names sessions in, and periods set side by side."""

from core.figures.frame import (
    COUNTED,
    DAYS,
    MINUTES,
    PER_100,
    PERCENT,
    RATE,
    T_POINTS,
    Comparison,
    Figure,
    Listing,
    Period,
    periods_before,
    proportion,
    rate,
    side_by_side,
)
from core.figures.words import (
    CSV_COLUMNS,
    about_row,
    count_words,
    csv_text,
    figure_row,
    interval_words,
    number_words,
    value_words,
)

__all__ = [
    "COUNTED",
    "CSV_COLUMNS",
    "DAYS",
    "MINUTES",
    "PERCENT",
    "PER_100",
    "RATE",
    "T_POINTS",
    "Comparison",
    "Figure",
    "Listing",
    "Period",
    "about_row",
    "count_words",
    "csv_text",
    "figure_row",
    "interval_words",
    "number_words",
    "periods_before",
    "proportion",
    "rate",
    "side_by_side",
    "value_words",
]
