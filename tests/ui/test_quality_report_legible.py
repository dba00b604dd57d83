"""The quality report read as a charge nurse reads it at arm's length: every period's name whole over its
column, no period named over columns that hold none of its figures, and each outlier's row whole on screen
(its figure comes last, after the patient, the session and the alarm)."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from tests.helpers.window import Nurse
from tests.ui import test_day_log_screen, test_quality_report_screen
from tests.ui.test_account_dialogs import find
from tests.ui.test_day_log_screen import charge_nurse_on_duty
from tests.ui.test_quality_report_screen import DAY, rows
from ui.dialogs.quality_report import QualityReportDialog
from ui.main_window import MainWindow

helen = test_day_log_screen.helen
day = test_quality_report_screen.day
SECTION_ROOM = 2 * 10 + 2
"""A header section's padding on each side and its border, as the table's style sheet sets them."""


def counted(qtbot: QtBot, window: MainWindow, first: str, last: str) -> QualityReportDialog:
    shown = QualityReportDialog(window.controller, window)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    qtbot.waitUntil(lambda: not shown.counting, timeout=10_000)
    shown.first.setText(first)
    shown.last.setText(last)
    shown.show_button.click()
    qtbot.waitUntil(lambda: not shown.counting, timeout=10_000)
    return shown


def headers(table: QTableWidget) -> list[str]:
    return [table.horizontalHeaderItem(c).text() for c in range(1, table.columnCount())]


def test_each_period_is_named_whole_over_its_column(qtbot: QtBot, window: MainWindow, nurse: Nurse, helen):
    """Months are wider than an earlier period's column ("September 2026"), and a run of days wider than the
    report's own ("2026-10-01 to 2026-10-14"): each is broken between words, never cut short."""
    charge_nurse_on_duty(nurse)
    for first, last, named in (
        ("2026-10-01", "2026-10-31", ["July 2026", "August 2026", "September 2026", "October 2026"]),
        (
            "2026-10-01",
            "2026-10-14",
            [
                "2026-08-20 to 2026-09-02",
                "2026-09-03 to 2026-09-16",
                "2026-09-17 to 2026-09-30",
                "2026-10-01 to 2026-10-14",
            ],
        ),
    ):
        dialog = counted(qtbot, window, first, last)
        table = find(dialog, QTableWidget, "Quality figures")
        header = table.horizontalHeader()
        font = QFont(header.font())
        font.setWeight(QFont.Weight.DemiBold)
        metrics = QFontMetrics(font)
        shown = headers(table)
        assert [h.replace("\n", " ") for h in shown] == named
        for column, words in enumerate(shown, 1):
            lines = words.split("\n")
            room = header.sectionSize(column) - SECTION_ROOM
            assert all(metrics.horizontalAdvance(line) <= room for line in lines), (words, room)
            tall = len(lines) * metrics.lineSpacing()
            qtbot.waitUntil(lambda h=header, tall=tall: h.height() >= tall, timeout=2_000)  # laid out by the event loop
        dialog.reject()


def test_a_period_refused_leaves_no_earlier_period_named_over_the_columns(
    qtbot: QtBot, window: MainWindow, nurse: Nurse, helen
):
    charge_nurse_on_duty(nurse)
    dialog = counted(qtbot, window, "2026-10-01", "2026-10-31")
    table = find(dialog, QTableWidget, "Quality figures")
    assert headers(table)[-1].replace("\n", " ") == "October 2026"
    dialog.first.setText("2026-10-31")
    dialog.last.setText("2026-10-01")
    dialog.show_button.click()
    qtbot.waitUntil(lambda: not dialog.counting, timeout=10_000)
    assert dialog.report is None and "before it begins" in dialog.feedback.text()
    assert headers(table) == [""] * 4
    assert table.horizontalHeaderItem(0).text() == "Measure"


def test_each_outlier_row_shows_all_it_says(qtbot: QtBot, window: MainWindow, nurse: Nurse, helen, day):
    charge_nurse_on_duty(nurse)
    dialog = counted(qtbot, window, DAY.isoformat(), DAY.isoformat())
    found = rows(dialog, "Outliers")
    table = find(dialog, QTableWidget, "Outliers")
    listed = [r for r, cells in enumerate(found) if cells[1]]
    assert listed and any("Minutes" in found[r][1] for r in listed)
    assert table.textElideMode() == Qt.TextElideMode.ElideNone and table.wordWrap()
    metrics = table.fontMetrics()
    room = table.columnWidth(1) - SECTION_ROOM
    for row in listed:
        words = found[row][1]
        needed = metrics.boundingRect(QRect(0, 0, room, 10_000), Qt.TextFlag.TextWordWrap, words).height()
        assert metrics.horizontalAdvance(words) > room, "the row would fit on one line: the test proves nothing"
        qtbot.waitUntil(lambda row=row, needed=needed: table.rowHeight(row) >= needed, timeout=2_000)


def test_the_measures_counted_in_none_of_the_periods_are_read_whole(
    qtbot: QtBot, window: MainWindow, nurse: Nurse, helen, day
):
    """Said in one row across the table, longer than a line: it wraps, for a finger that cannot hover."""
    charge_nurse_on_duty(nurse)
    dialog = counted(qtbot, window, DAY.isoformat(), DAY.isoformat())
    found = rows(dialog, "Quality figures")
    table = find(dialog, QTableWidget, "Quality figures")
    assert table.textElideMode() == Qt.TextElideMode.ElideNone and table.wordWrap()
    metrics = table.fontMetrics()
    room = sum(table.columnWidth(c) for c in range(table.columnCount())) - SECTION_ROOM  # the row's span
    none = [r for r, cells in enumerate(found) if cells[0].startswith("None in any of these periods:")]
    assert none and any(metrics.horizontalAdvance(found[r][0]) > room for r in none), "each fits one line"
    for row in none:
        # As tall as Qt lays its words out at the row's width, and more than one line when they run longer.
        tall = (2 if metrics.horizontalAdvance(found[row][0]) > room else 1) * metrics.lineSpacing()
        qtbot.waitUntil(
            lambda row=row, tall=tall: table.rowHeight(row) >= max(table.sizeHintForRow(row), tall), timeout=2_000
        )


def test_each_limit_of_the_replay_is_named_whole_at_1024_pixels(
    qtbot: QtBot, window: MainWindow, nurse: Nurse, helen, day
):
    """A limit's name ends in its value ("… at or above 180 mmHg"), the very words cut off at 1024 wide."""
    charge_nurse_on_duty(nurse)
    dialog = counted(qtbot, window, DAY.isoformat(), DAY.isoformat())
    dialog.resize(1000, 700)
    found = rows(dialog, "Threshold replay")
    table = find(dialog, QTableWidget, "Threshold replay")
    assert table.textElideMode() == Qt.TextElideMode.ElideNone and table.wordWrap()
    metrics = table.fontMetrics()
    room = table.columnWidth(0) - SECTION_ROOM
    long = [r for r, cells in enumerate(found) if metrics.horizontalAdvance(cells[0]) > room]
    assert long, "every limit fits its column: the test proves nothing"
    # Each row as tall as Qt lays the limit's words out at its column's width: the long ones on two lines.
    qtbot.waitUntil(
        lambda: (
            all(table.rowHeight(r) >= table.sizeHintForRow(r) for r in range(len(found)))
            and max(table.rowHeight(r) for r in long) >= 2 * metrics.lineSpacing()
        ),
        timeout=2_000,
    )
