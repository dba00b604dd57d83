"""The day log and the audit trail show a day's worth of rows at 1280×800, and open again as they were left."""

from __future__ import annotations

import stat
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractButton, QComboBox, QDialog, QLabel, QLineEdit, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from cli.demo import DEMO_PASSWORD, fill_demo
from core.care import Care
from core.clock import ManualClock
from core.persistence.db import Database
from core.protocol import Protocol
from core.settings import load_workstation, workstation_file
from tests.helpers.window import make_workplace, open_window
from tests.ui.test_account_dialogs import find
from ui.dialogs.audit_view import AuditDialog
from ui.dialogs.base import MARGIN, fitted
from ui.dialogs.day_log import EXCEPTION_ROWS, DayLogDialog
from ui.main_window import MainWindow
from ui.widgets.feedback import Feedback

DAY_START = datetime(2026, 3, 10, 7, 0, tzinfo=UTC)


@pytest.fixture
def demo_window(qtbot: QtBot, database: Database, protocol: Protocol) -> MainWindow:
    """The demo's clinic day (sixteen sessions, hundreds of audit lines), the charge nurse signed in, 1280×800."""
    summary = fill_demo(database, protocol, DAY_START, history_patients=0)  # the day's dialogs: no history needed
    care = Care(database, protocol, ManualClock(summary.now), workstation="test-ws")
    window = open_window(qtbot, make_workplace(database, protocol, care))
    window.resize(1280, 800)
    assert window.controller.sign_in(Feedback("Sign-in message"), "helen", DEMO_PASSWORD) is not None
    return window


def opened(qtbot: QtBot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def over_the_window(qtbot: QtBot, dialog: QDialog, window: MainWindow) -> QDialog:
    """As the dialog opens on a 1280×800 screen: over the window, a margin left. The test platform's screen is
    800 pixels square, so the test places it as a real screen would let it open."""
    opened(qtbot, dialog)
    dialog.setGeometry(window.geometry().adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN))
    qtbot.waitUntil(lambda: dialog.width() == window.width() - 2 * MARGIN)
    return dialog


def cut_off(dialog: QDialog) -> list[str]:
    """Visible controls and words not wholly inside the dialog."""
    inside = dialog.rect()
    return [
        widget.accessibleName() or type(widget).__name__
        for widget in dialog.findChildren(QWidget)
        if widget.isVisible()
        and isinstance(widget, QAbstractButton | QLineEdit | QComboBox | QLabel | QTableWidget)
        and not inside.contains(QRect(widget.mapTo(dialog, QPoint(0, 0)), widget.size()))
    ]


def rows_in_view(table: QTableWidget) -> int:
    """Rows whose whole height is inside the table's visible area, as the eye sees them."""
    view = table.viewport().rect()
    return sum(view.contains(table.visualRect(table.model().index(row, 0))) for row in range(table.rowCount()))


def test_the_day_log_shows_a_dozen_sessions_and_every_exception_up_to_its_share(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    dialog = over_the_window(qtbot, DayLogDialog(demo_window.controller, demo_window), demo_window)
    sessions, exceptions = find(dialog, QTableWidget, "Sessions"), find(dialog, QTableWidget, "Exceptions")
    assert sessions.rowCount() == 16 and exceptions.rowCount() > 0
    assert rows_in_view(sessions) >= 12
    assert rows_in_view(exceptions) == min(exceptions.rowCount(), EXCEPTION_ROWS)  # the rest scroll
    assert dialog.isSizeGripEnabled()


def test_the_audit_trail_shows_at_least_fifteen_entries(qtbot: QtBot, demo_window: MainWindow) -> None:
    dialog = over_the_window(qtbot, AuditDialog(demo_window.controller, demo_window), demo_window)
    entries = find(dialog, QTableWidget, "Audit entries")
    assert entries.rowCount() > 15
    assert rows_in_view(entries) >= 15
    assert dialog.isSizeGripEnabled()


@pytest.mark.parametrize("kind", [DayLogDialog, AuditDialog])
def test_at_1024_by_768_nothing_is_cut_off(qtbot: QtBot, demo_window: MainWindow, kind: type[QDialog]) -> None:
    demo_window.resize(1024, 768)
    dialog = opened(qtbot, kind(demo_window.controller, demo_window))
    dialog.setGeometry(QRect(0, 0, 1024, 768))
    qtbot.waitUntil(lambda: dialog.width() == 1024)
    assert cut_off(dialog) == []
    assert all(rows_in_view(table) >= 3 for table in dialog.findChildren(QTableWidget) if table.isVisible())


@pytest.mark.parametrize("kind, name", [(DayLogDialog, "day log"), (AuditDialog, "audit trail")])
def test_a_resized_dialog_opens_again_at_its_size_and_place_after_a_restart_too(
    qtbot: QtBot, demo_window: MainWindow, kind: type[QDialog], name: str
) -> None:
    dialog = opened(qtbot, kind(demo_window.controller, demo_window))
    left = QRect(0, 40, 940, 700)  # the test screen is 800 pixels square; the dialogs need 940 across
    assert dialog.geometry() != left
    dialog.setGeometry(left)
    dialog.close()
    again = opened(qtbot, kind(demo_window.controller, demo_window))
    assert again.geometry() == left
    kept = load_workstation().windows[name]  # what the next start of the app reads
    assert QRect(kept.x, kept.y, kept.width, kept.height) == left
    assert stat.S_IMODE(workstation_file().stat().st_mode) == 0o600


def test_a_place_kept_from_a_larger_screen_is_brought_whole_onto_this_one() -> None:
    screen = QRect(0, 0, 1024, 768)
    assert fitted(QRect(300, 200, 1264, 784), screen) == QRect(0, 0, 1024, 768)
    assert fitted(QRect(900, 700, 940, 600), screen) == QRect(84, 168, 940, 600)
