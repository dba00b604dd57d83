"""The follow-up list read at 1024 pixels, as a charge nurse reads it to phone each patient: every name and
every way to reach them whole (they wrap; they were cut short, "HAVERKAM…", "+1 555 01…"), and a phone
number never broken over two lines."""

from __future__ import annotations

from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from tests.helpers.window import Nurse
from tests.ui import test_follow_ups_screen
from tests.ui.test_account_dialogs import find
from tests.ui.test_day_log_screen import charge_nurse_on_duty
from tests.ui.test_follow_ups_screen import opened
from ui.dialogs.follow_ups import NO_BREAK, unbroken_number
from ui.main_window import MainWindow

helen = test_follow_ups_screen.helen
follow_ups = test_follow_ups_screen.follow_ups


def test_a_phone_number_keeps_to_one_line_and_the_rest_may_wrap():
    assert unbroken_number("+1 216 555 0142 (phone call) — Mornings") == (
        f"+1{NO_BREAK}216{NO_BREAK}555{NO_BREAK}0142 (phone call) — Mornings"
    )
    assert unbroken_number("(216) 555-0199 (text message)") == f"(216){NO_BREAK}555-0199 (text message)"
    words = "no contact route recorded — ask at the next visit"
    assert unbroken_number(words) == words


def test_every_name_and_way_to_reach_is_whole_at_1024_pixels(
    qtbot: QtBot, window: MainWindow, nurse: Nurse, follow_ups
) -> None:
    charge_nurse_on_duty(nurse)
    dialog = opened(qtbot, window)
    dialog.resize(1000, 700)
    table = find(dialog, QTableWidget, "Follow-ups")
    metrics = table.fontMetrics()
    for column in (1, 6):  # the patient, how to reach her
        room = table.columnWidth(column) - 2 * 10
        for row in range(table.rowCount()):
            words = table.item(row, column).text()
            needed = 2 if metrics.horizontalAdvance(words) > room else 1
            qtbot.waitUntil(
                lambda row=row, needed=needed: (
                    table.rowHeight(row) >= max(table.sizeHintForRow(row), needed * metrics.lineSpacing())
                ),
                timeout=2_000,
            )
    assert any(metrics.horizontalAdvance(table.item(r, 6).text()) > table.columnWidth(6) for r in range(3)), (
        "every way to reach fits one line: the test proves nothing"
    )
    for row in range(table.rowCount()):  # the number, which may not break, is never wider than its column
        number = table.item(row, 6).text().partition(" (")[0]
        if NO_BREAK not in number:
            continue  # no number: words, which wrap
        assert metrics.horizontalAdvance(number) <= table.columnWidth(6) - 2 * 10, number
