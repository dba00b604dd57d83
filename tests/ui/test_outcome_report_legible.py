"""The outcome report at 1024 pixels: each measure's name whole in its row (it ended in "…": "Treatment
completion (study …", "Session adherence, patient-at…"), its words wrapped at the width they are drawn in."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QTableWidget

from tests.ui import test_outcome_report_screen
from tests.ui.test_account_dialogs import find
from ui.dialogs.base import CELL_TEXT_HEIGHT_ROOM, CELL_TEXT_ROOM
from ui.dialogs.outcome_report import OutcomeReportDialog

helen = test_outcome_report_screen.helen
dialog = test_outcome_report_screen.dialog


def test_each_measure_is_named_whole_at_1024_pixels(qtbot, dialog: OutcomeReportDialog):
    dialog.resize(1000, 700)
    table = find(dialog, QTableWidget, "Outcome figures")
    metrics = table.fontMetrics()

    def drawn(row: int) -> int:
        words = table.item(row, 0).text()
        width = sum(table.columnWidth(c) for c in range(table.columnSpan(row, 0))) - CELL_TEXT_ROOM
        return metrics.boundingRect(QRect(0, 0, width, 1_000_000), Qt.TextFlag.TextWordWrap, words).height()

    rows = [r for r in range(table.rowCount()) if table.item(r, 0) is not None]
    assert any(drawn(r) > metrics.lineSpacing() for r in rows), "every measure fits one line: proves nothing"
    qtbot.waitUntil(lambda: all(table.rowHeight(r) >= drawn(r) + CELL_TEXT_HEIGHT_ROOM for r in rows), timeout=2_000)
