"""The quality report on screen: the day of alarms of ``test_quality_alarms`` beside the three days before it,
each cell a value with its count and denominator, the chosen row's definition, the replay, the outliers named
as the reader may see them (a charge nurse by name, an administrator not at all), and who is offered it."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from core import audit
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.persistence.db import Database
from core.views import PatientView
from tests.helpers.clinic import T0
from tests.helpers.people import ADMIN_PASSWORD
from tests.helpers.window import Nurse
from tests.test_quality_alarms import a_day_of_alarms
from tests.ui import test_day_log_screen
from tests.ui.test_account_dialogs import find
from tests.ui.test_day_log_screen import charge_nurse_on_duty, save_as
from ui.dialogs.quality_report import QualityReportDialog, last_month
from ui.main_window import MainWindow

helen = test_day_log_screen.helen
DAY = T0.astimezone().date()


def rows(dialog: QualityReportDialog, name: str) -> list[list[str]]:
    """The rows of a part of the report, brought into view as the reader would, by its button."""
    dialog.part.set_value({"Quality figures": "figures", "Threshold replay": "replay", "Outliers": "outliers"}[name])
    dialog.part.changed.emit()
    table = find(dialog, QTableWidget, name)
    return [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def opened(qtbot: QtBot, window: MainWindow) -> QualityReportDialog:
    shown = QualityReportDialog(window.controller, window)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    qtbot.waitUntil(lambda: not shown.counting, timeout=10_000)
    shown.first.setText(DAY.isoformat())
    shown.last.setText(DAY.isoformat())
    shown.show_button.click()
    qtbot.waitUntil(lambda: not shown.counting, timeout=10_000)
    return shown


@pytest.fixture
def day(care: Care, patient: PatientView, nurses, clock: ManualClock) -> dict[str, str]:
    made = a_day_of_alarms(care, patient, nurses, clock)
    clock.advance(timedelta(days=1))
    return made


def test_the_charge_nurse_reads_the_day_beside_the_days_before_and_the_named_outliers(
    qtbot: QtBot, window: MainWindow, nurse: Nurse, helen, day, database: Database
):
    charge_nurse_on_duty(nurse)
    dialog = opened(qtbot, window)
    table = find(dialog, QTableWidget, "Quality figures")
    heads = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert heads[-1] == DAY.isoformat() and len(heads) == 5
    found = rows(dialog, "Quality figures")
    alarms = next(r for r in found if r[0] == "Act-now alarms — per 100 sessions")
    assert alarms[1:] == ["—"] * 3 + ["150.0 (3 in 2)"]
    assert any(r[0].startswith("None in any of these periods:") for r in found)
    table.selectRow(found.index(alarms))
    assert dialog.definition.text().startswith("Act-now alarms: Sets recorded with at least one act-now finding")
    replayed = rows(dialog, "Threshold replay")
    assert replayed[0][0] == "Systolic blood pressure act-now: at or above 180 mmHg" and replayed[0][3] == "180: 3"
    outliers = rows(dialog, "Outliers")
    assert any("Patient: Doe, Jane (MRN-2002)" in r[1] for r in outliers)
    viewed = [e for e in audit.entries(database) if e.action == AuditAction.QUALITY_VIEWED]
    assert viewed and all(e.actor_id == helen.id for e in viewed)


def test_an_administrator_reads_it_with_no_patient_named(qtbot: QtBot, window: MainWindow, nurse: Nurse, admin, day):
    nurse.window.controller.sign_out()
    nurse.type("User name", "admin")
    nurse.type("Password or PIN", ADMIN_PASSWORD, enter=True)
    assert nurse.entry("Menu", "Quality report") is not None
    dialog = opened(qtbot, window)
    outliers = rows(dialog, "Outliers")
    assert outliers and not any("Jane" in cell or "MRN-2002" in cell for r in outliers for cell in r)


def test_a_date_to_fix_is_said_by_its_field_and_the_csv_is_exported_and_audited(
    qtbot: QtBot, window: MainWindow, nurse: Nurse, helen, day, database: Database, tmp_path: Path
):
    charge_nurse_on_duty(nurse)
    dialog = opened(qtbot, window)
    answered = save_as(qtbot, tmp_path / "quality")
    dialog.csv_button.click()
    assert answered
    sheet = list(csv.DictReader(io.StringIO((tmp_path / "quality.csv").read_text("utf-8-sig"))))
    assert any(r["measure"] == "Act-now alarms" and r["numerator"] == "3" for r in sheet)
    exported = [e for e in audit.entries(database) if e.action == AuditAction.EXPORTED]
    assert exported and "quality.csv" in str(exported[-1].detail)
    dialog.last.setText("2026-02-30")
    dialog.show_button.click()
    assert dialog.report is None and "2026-02-30" in dialog.feedback.text()


def test_only_charge_nurses_and_administrators_are_offered_it(nurse: Nurse, nurses, helen) -> None:
    nurse.on_duty(nurses[0])
    assert nurse.entry("Menu", "Quality report") is None
    charge_nurse_on_duty(nurse)
    assert nurse.entry("Menu", "Quality report") is not None


def test_it_opens_on_the_last_whole_month():
    assert last_month(DAY) == (DAY.replace(month=10, day=1), DAY.replace(month=10, day=31))


def test_the_report_of_one_chair_is_asked_for_by_its_choice(qtbot: QtBot, window: MainWindow, nurse: Nurse, helen, day):
    charge_nurse_on_duty(nurse)
    dialog = opened(qtbot, window)
    dialog.chair.setCurrentIndex(dialog.chair.findData(2))
    dialog.show_button.click()
    qtbot.waitUntil(lambda: not dialog.counting, timeout=10_000)
    assert dialog.report is not None and dialog.report.scope == "sessions on chair 2"
    alarms = next(r for r in rows(dialog, "Quality figures") if r[0] == "Act-now alarms — per 100 sessions")
    assert alarms[-1] == "100.0 (1 in 1)"
    assert "Counted: sessions on chair 2." in dialog.counts.text()
