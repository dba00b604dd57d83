"""The outcome report on screen, for the charge nurse: the period's figures with their counts and
denominators, the definition of the chosen one, what the report was made under, the study's figures for
comparison only, a date to fix said by its field, and the report exported and printed, each copy audited."""

from __future__ import annotations

import csv
import io
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHeaderView, QTableWidget
from pytestqt.qtbot import QtBot

from core import audit
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.persistence.db import Database
from core.views import PatientView
from tests.helpers.window import Nurse
from tests.test_outcome_report import DAY1, LAST, history
from tests.ui import test_day_log_screen
from tests.ui.test_account_dialogs import check_controls, find
from tests.ui.test_day_log_screen import charge_nurse_on_duty, save_as
from ui.dialogs import counted_report, outcome_report
from ui.dialogs.outcome_report import OutcomeReportDialog
from ui.main_window import MainWindow

helen = test_day_log_screen.helen
"""The charge nurse's account (a fixture)."""


def cells(dialog: OutcomeReportDialog) -> list[list[str]]:
    table = find(dialog, QTableWidget, "Outcome figures")
    return [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


@pytest.fixture
def dialog(
    qtbot: QtBot, window: MainWindow, nurse: Nurse, care: Care, patient: PatientView, nurses, clock: ManualClock, helen
) -> OutcomeReportDialog:
    history(care, patient, nurses, clock)
    charge_nurse_on_duty(nurse)
    shown = OutcomeReportDialog(window.controller, window)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    shown.first.setText(DAY1.isoformat())
    shown.last.setText(LAST.isoformat())
    counted(qtbot, shown)
    shown.show_button.click()
    counted(qtbot, shown)
    return shown


def counted(qtbot: QtBot, dialog: OutcomeReportDialog) -> None:
    """The count runs away from the screen's thread: wait for the window to show what it found."""
    qtbot.waitUntil(lambda: not dialog.counting, timeout=10_000)


def test_the_charge_nurse_reads_each_figure_with_its_denominator_and_definition(dialog: OutcomeReportDialog):
    check_controls(dialog)
    rows = cells(dialog)
    assert rows[0][0] == "Completion"  # each section under its heading
    (treatment,) = [r for r in rows if r[0].startswith("Treatment completion")]
    assert (treatment[2], treatment[3]) == ("0 of 2", "0.0 %")
    assert dialog.counts.text().endswith("2 courses of 2 patients, 4 sessions started.")
    table = find(dialog, QTableWidget, "Outcome figures")
    fitted = QHeaderView.ResizeMode.ResizeToContents
    assert all(table.horizontalHeader().sectionResizeMode(c) == fitted for c in (2, 3, 4)), "numbers never cut"
    assert "marked ✱" in dialog.definition.text()
    assert treatment[5] == "Wilson"  # the method in a word; whole with the chosen row's definition
    table.selectRow(rows.index(treatment))
    assert (
        "first course" in dialog.definition.text() and "Method: Wilson score 95 % interval." in dialog.definition.text()
    )
    noted = [r for r in range(table.rowCount()) if table.item(r, 0).text().endswith(" ✱")]
    assert noted, "a figure that leaves something out is marked on its row"
    for row in noted:
        note = table.item(row, 2).data(outcome_report.FIGURE).note
        assert note and table.item(row, 2).toolTip().endswith(note)
        table.selectRow(row)
        assert dialog.definition.text().endswith(note)
    basis = dialog.basis.text()
    assert f"v{dialog.controller.protocol.version}" in basis and "Pain Interference 3" in basis
    assert "still to be verified" in basis and "How it counts:" in basis
    assert dialog.provisional.isVisible() and "provisional" in dialog.provisional.text()
    dialog.part.set_value("study")
    dialog.part.changed.emit()
    assert dialog.parts.currentWidget().isAncestorOf(dialog.study)
    assert dialog.study.text().startswith("The study's figures — for comparison, not a target:")
    assert "86.1 %" in dialog.study.text()


def test_a_period_that_cannot_be_counted_is_said_by_its_field_and_shows_nothing_stale(
    qtbot: QtBot, dialog: OutcomeReportDialog
):
    dialog.last.setText("2026-02-30")
    dialog.show_button.click()
    assert "is not a date" in dialog.feedback.text() and not dialog.counting  # said at once, nothing counted
    assert dialog.last.hasFocus() and cells(dialog) == [] and not dialog.print_button.isEnabled()
    dialog.first.setText(LAST.isoformat())
    dialog.last.setText(DAY1.isoformat())
    dialog.show_button.click()
    counted(qtbot, dialog)
    assert "before it begins" in dialog.feedback.text() and cells(dialog) == []


def test_the_window_goes_on_while_the_report_is_counted(qtbot: QtBot, dialog: OutcomeReportDialog, monkeypatch) -> None:
    """A count that takes a while leaves the screen's thread free: timers fire, the old figures are gone, and
    the figures come when it ends."""
    gate = threading.Event()
    counting = dialog.controller.care.outcome_report

    def slow(first, last):
        gate.wait(10)
        return counting(first, last)

    monkeypatch.setattr(dialog.controller.care, "outcome_report", slow)
    dialog.show_button.click()
    assert dialog.counting and cells(dialog) == [] and not dialog.show_button.isEnabled()
    assert dialog.counts.text() == f"Counting {DAY1.isoformat()} to {LAST.isoformat()}…"
    ticks: list[int] = []
    timer = QTimer(dialog)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    qtbot.waitUntil(lambda: len(ticks) >= 3, timeout=5_000)  # the event loop runs while the count waits
    gate.set()
    counted(qtbot, dialog)
    assert any(r[0].startswith("Treatment completion") for r in cells(dialog)) and dialog.print_button.isEnabled()


def test_closing_while_the_report_is_counted_does_not_wait_for_it(
    qtbot: QtBot, dialog: OutcomeReportDialog, monkeypatch
) -> None:
    gate = threading.Event()
    counting = dialog.controller.care.outcome_report
    monkeypatch.setattr(dialog.controller.care, "outcome_report", lambda *days: gate.wait(10) and counting(*days))
    dialog.show_button.click()
    job = dialog._job
    assert job is not None
    dialog.reject()  # returns while the count is still held: the screen's thread never waits for it
    assert not dialog.isVisible() and not job.done()
    gate.set()
    qtbot.waitUntil(job.done, timeout=10_000)


def test_the_report_is_exported_and_printed_each_copy_audited(
    qtbot: QtBot, dialog: OutcomeReportDialog, database: Database, tmp_path: Path, monkeypatch
):
    answered = save_as(qtbot, tmp_path / "outcomes")
    dialog.csv_button.click()
    assert answered
    rows = list(csv.DictReader(io.StringIO((tmp_path / "outcomes.csv").read_text("utf-8-sig"))))
    assert any(r["measure"].startswith("Treatment completion") and r["denominator"] == "2" for r in rows)
    shown: list[tuple[str, bytes, object]] = []
    monkeypatch.setattr(counted_report, "show_pdf", lambda parent, ctl, *built: shown.append(built))
    dialog.print_button.click()
    ((title, pdf, outputs),) = shown
    assert title == f"Outcome report {DAY1.isoformat()} to {LAST.isoformat()}" and pdf.startswith(b"%PDF")
    assert outputs  # what each printed copy is, for its audit line
    exported = [e for e in audit.entries(database) if e.action == AuditAction.EXPORTED]
    assert exported and "outcomes.csv" in str(exported[-1].detail)


def test_only_a_charge_nurse_is_offered_the_outcome_report(nurse: Nurse, nurses, helen, admin) -> None:
    nurse.on_duty(nurses[0])
    assert nurse.entry("Menu", "Outcome report") is None
    charge_nurse_on_duty(nurse)
    assert nurse.entry("Menu", "Outcome report") is not None
