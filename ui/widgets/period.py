"""A report's period as its reader types it: the first and last day, each wide enough for its date whatever
the font, Enter in either or "Show" to count it. The clinic's reports over a period share it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLineEdit, QPushButton

from ui.dialogs.day_log import DATE_ROOM
from ui.widgets.forms import button, label, line_edit


@dataclass(frozen=True)
class PeriodRow:
    first: QLineEdit
    last: QLineEdit
    show: QPushButton
    layout: QHBoxLayout


def period_row(first: date, last: date, show_name: str, count: Callable[[], None]) -> PeriodRow:
    """ "From [first] To [last] [Show]" on one line, left-aligned, opening on ``first`` to ``last``; Enter in a
    date or "Show" (named ``show_name`` for the screen reader) calls ``count``."""
    fields = (line_edit("First day", "YYYY-MM-DD"), line_edit("Last day", "YYYY-MM-DD"))
    grid = QGridLayout()
    grid.setHorizontalSpacing(12)
    for column, (caption, field, day) in enumerate(zip(("From", "To"), fields, (first, last), strict=True)):
        field.setText(day.isoformat())
        field.ensurePolished()
        field.setMinimumWidth(field.fontMetrics().horizontalAdvance("0000-00-00") + DATE_ROOM)
        field.returnPressed.connect(count)
        words = label(caption, wrap=False)
        words.setBuddy(field)
        grid.addWidget(words, 0, 2 * column)
        grid.addWidget(field, 0, 2 * column + 1)
    show = button("Show", show_name, role="primary")
    show.setAutoDefault(False)
    show.clicked.connect(count)
    grid.addWidget(show, 0, 4)
    row = QHBoxLayout()
    row.addLayout(grid)
    row.addStretch(1)
    return PeriodRow(fields[0], fields[1], show, row)
