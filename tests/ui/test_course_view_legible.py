"""The course view at 1024 pixels: each day's words whole in its row. Qt measured wrapped words at the cell's
whole width while the style sheet's padding narrows what is drawn, so the last line of a day's vital signs
was cut off ("… SpO2 low 98 · RR low …", the sedation never shown)."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QTableWidget

from core.care import Care
from tests.helpers.courses import two_courses
from ui.controller import Controller
from ui.dialogs.base import CELL_TEXT_HEIGHT_ROOM, CELL_TEXT_ROOM
from ui.dialogs.course_view import CourseViewDialog


def drawn(table: QTableWidget, row: int, column: int) -> int:
    """The height the cell's words take at the width they are drawn in, with the cell's padding."""
    room = QRect(0, 0, table.columnWidth(column) - CELL_TEXT_ROOM, 1_000_000)
    words = table.item(row, column).text()
    return table.fontMetrics().boundingRect(room, Qt.TextFlag.TextWordWrap, words).height() + CELL_TEXT_HEIGHT_ROOM


def whole(table: QTableWidget) -> bool:
    return all(
        table.rowHeight(r) >= drawn(table, r, c) for r in range(table.rowCount()) for c in range(table.columnCount())
    )


def test_each_day_s_words_are_whole_at_1024_pixels(
    qtbot, controller: Controller, ana, care: Care, patient, nurses, clock
):
    two_courses(care, patient, nurses, clock)
    dialog = CourseViewDialog(controller, patient.id)
    qtbot.addWidget(dialog)
    dialog.resize(1000, 700)
    dialog.show()
    qtbot.waitExposed(dialog)
    (days,) = [t for t in dialog.findChildren(QTableWidget) if t.accessibleName().endswith(" days") and t.isVisible()]
    lines = days.fontMetrics().lineSpacing()
    tallest = max(drawn(days, r, c) for r in range(days.rowCount()) for c in range(days.columnCount()))
    assert tallest > 2 * lines + CELL_TEXT_HEIGHT_ROOM, "no day's words took more than two lines: proves nothing"
    qtbot.waitUntil(lambda: whole(days), timeout=2_000)
