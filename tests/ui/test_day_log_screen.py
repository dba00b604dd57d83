"""The day log on screen: a charge nurse filters it, reads the exceptions first, exports it, prints it and
opens sessions from it; checked against the file written, the PDF built and the audit trail."""

from __future__ import annotations

import csv
import io
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel, QPlainTextEdit, QTableWidget
from pytestqt.qtbot import QtBot

from core import audit
from core.accounts import Accounts
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.identify import Identified
from core.people import Account, Role
from core.persistence.db import Database
from core.protocol import Protocol
from tests.helpers.answers import DISCHARGE_OK, NO_SIDE_EFFECTS, NORMAL, SCREEN_OK
from tests.helpers.clinic import T0
from tests.helpers.people import TEMPORARY_PASSWORD, add_nurse
from tests.helpers.sessions import prepare, seen
from tests.helpers.window import Nurse
from tests.test_day_log import CLEO_PASSWORD, HELEN_PASSWORD, by_the_book, patient_with_course
from tests.ui.test_account_dialogs import answer_modal, check_controls, click, find
from ui.dialogs.day_log import DayLogDialog
from ui.main_window import MainWindow


@pytest.fixture
def helen(accounts: Accounts, admin: Account) -> Account:
    added = accounts.add(admin.id, "Helen Achterberg", "helen", Role.CHARGE_NURSE, TEMPORARY_PASSWORD)
    return accounts.change_password(added.id, TEMPORARY_PASSWORD, HELEN_PASSWORD, HELEN_PASSWORD)


@pytest.fixture
def sessions(
    care: Care, database: Database, protocol: Protocol, clock: ManualClock, accounts: Accounts, admin, nurses, helen
) -> dict[str, str]:
    """Chair 1 here: Maja by the book, signed. Chair 2 on ws-2: Bo screened out and signed, then Dan stopped
    early and discharged, not signed (he still holds the chair)."""
    ana, ben = nurses
    cleo = add_nurse(accounts, admin, "Cleo Dumas", "cleo", CLEO_PASSWORD)
    other = Care(database, protocol, clock, workstation="ws-2")
    maja = patient_with_course(care, "MRN-1001", "Lindqvist", "Maja", ana.id)
    signed = by_the_book(care, maja, (ana, ben), clock)
    bo = patient_with_course(other, "MRN-2002", "Berg", "Bo", cleo.id)
    not_treated = other.open_session(bo.id, 2, cleo.id, Identified(name=True, mrn=bo.mrn)).session_id
    other.screen(not_treated, {**SCREEN_OK, "pregnancy": "unknown"}, cleo.id, confirm_stop=True)
    other.sign(not_treated, cleo.id, CLEO_PASSWORD, seen_seq=seen(other, not_treated))
    dan = patient_with_course(other, "MRN-2004", "Dahl", "Dan", cleo.id)
    stopped = prepare(other, dan, (cleo, ben), chair=2)
    other.start_infusion(stopped, cleo.id)
    clock.advance(minutes=10)
    other.record_vitals(stopped, NORMAL, cleo.id)
    clock.advance(minutes=5)
    other.stop_early(stopped, "side effect", cleo.id)
    other.record_vitals(stopped, NORMAL, cleo.id)
    other.record_side_effects(stopped, NO_SIDE_EFFECTS, cleo.id)
    for _ in range(2):
        clock.advance(minutes=15)
        other.record_vitals(stopped, NORMAL, cleo.id)
    other.record_side_effects(stopped, NO_SIDE_EFFECTS, cleo.id)
    other.discharge(stopped, "10", DISCHARGE_OK, cleo.id, CLEO_PASSWORD)
    return {"signed": signed, "not_treated": not_treated, "stopped": stopped}


def charge_nurse_on_duty(nurse: Nurse) -> None:
    nurse.window.controller.sign_out()
    nurse.type("User name", "helen")
    nurse.type("Password or PIN", HELEN_PASSWORD, enter=True)
    assert nurse.window.controller.user is not None and nurse.window.controller.user.username == "helen"


def rows(dialog: DayLogDialog, name: str) -> list[list[str]]:
    table = find(dialog, QTableWidget, name)
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def viewed(database: Database) -> list[dict]:
    return [e.detail for e in reversed(audit.entries(database)) if e.action == AuditAction.DAY_LOG_VIEWED]


def save_as(qtbot: QtBot, path: Path) -> list[QDialog]:
    """The person types a file name into the save dialog and presses Save."""

    def answer(modal: QDialog) -> None:
        assert isinstance(modal, QFileDialog)
        modal.selectFile(str(path))
        modal.accept()

    return answer_modal(qtbot, answer)


def test_a_charge_nurse_filters_by_chair_sees_exceptions_first_and_exports_the_csv(
    qtbot: QtBot, window: MainWindow, nurse: Nurse, database: Database, sessions, helen: Account, tmp_path: Path
) -> None:
    charge_nurse_on_duty(nurse)
    dialog = DayLogDialog(window.controller, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    check_controls(dialog)
    today = T0.astimezone().date().isoformat()
    assert viewed(database) == [{"date": today, "sessions_shown": 3}]
    assert [r[2].splitlines()[0] for r in rows(dialog, "Sessions")] == ["LINDQVIST, Maja", "BERG, Bo", "DAHL, Dan"]

    nurse.choose("Chair filter", "Chair 2")
    assert viewed(database)[-1] == {"date": today, "chair": 2, "sessions_shown": 2}
    assert [r[2].splitlines()[0] for r in rows(dialog, "Sessions")] == ["BERG, Bo", "DAHL, Dan"]
    exceptions = rows(dialog, "Exceptions")
    assert [r[0] for r in exceptions] == ["Unsigned", "Stopped early", "Stopped at screening"]
    assert [r[3].splitlines()[0] for r in exceptions] == ["DAHL, Dan", "DAHL, Dan", "BERG, Bo"]
    above = find(dialog, QTableWidget, "Exceptions").mapTo(
        dialog, find(dialog, QTableWidget, "Exceptions").rect().topLeft()
    )
    below = find(dialog, QTableWidget, "Sessions").mapTo(
        dialog, find(dialog, QTableWidget, "Sessions").rect().topLeft()
    )
    assert above.y() < below.y()
    assert find(dialog, QLabel, "Totals").text().startswith("2 sessions: 0 completed, 1 stopped early, 1 not treated")

    target = tmp_path / "chair two"
    answered = save_as(qtbot, target)
    click(qtbot, dialog, "Export the day log as CSV")
    assert answered, "the save dialog was not offered"
    written = target.with_name("chair two.csv")
    table = list(csv.DictReader(io.StringIO(written.read_text("utf-8-sig"))))
    assert [(r["Patient"], r["Chair"], r["Workstations"]) for r in table] == [
        ("BERG, Bo", "2", "ws-2"),
        ("DAHL, Dan", "2", "ws-2"),
    ]
    assert "Unsigned: " in table[1]["Exceptions"]
    (export,) = [e for e in audit.entries(database) if e.action == AuditAction.EXPORTED]
    assert export.actor_id == helen.id
    assert export.detail == {"what": f"day log {today} (only chair 2), CSV", "to": str(written)}
    assert find(dialog, QLabel, "Day log message").text() == f"Saved to {written}."

    nurse.choose("Status filter", "Signed")
    assert viewed(database)[-1] == {"date": today, "chair": 2, "status": "signed", "sessions_shown": 1}
    assert [r[2].splitlines()[0] for r in rows(dialog, "Sessions")] == ["BERG, Bo"]
    assert [r[0] for r in rows(dialog, "Exceptions")] == ["Stopped at screening"]  # signed, and still said
    nurse.choose("Status filter", "Any status")

    built = dialog.printout()
    assert built is not None
    title, pdf, output = built
    words = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert "BERG, Bo" in words and "DAHL, Dan" in words and "LINDQVIST" not in words
    assert "Only chair 2" in words and "Printed " in words and "by Helen Achterberg" in words
    assert (title, output.document) == (f"Day log {today}", f"day log {today} (only chair 2), PDF")


def test_a_finished_session_is_read_here_and_an_open_one_on_its_chair(
    qtbot: QtBot, window: MainWindow, nurse: Nurse, database: Database, sessions, helen: Account
) -> None:
    charge_nurse_on_duty(nurse)
    dialog = DayLogDialog(window.controller, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = find(dialog, QTableWidget, "Sessions")
    table.setFocus()
    table.selectRow(1)  # Bo, screened out and signed
    qtbot.keyClick(table, Qt.Key.Key_Return)
    shown = find(dialog, QPlainTextEdit, "Session entries").toPlainText()
    assert "Screening: stop: Is the patient pregnant, or could she be? — Unknown" in shown
    assert "Session signed — Cleo Dumas, at workstation ws-2" in shown
    assert "Read only" in find(dialog, QLabel, "Session shown").text()
    (look,) = [e for e in audit.entries(database) if e.action == AuditAction.PATIENT_VIEWED]
    assert (look.actor_id, look.session_id) == (helen.id, sessions["not_treated"])

    click(qtbot, dialog, "Back to the day log")
    find(dialog, QTableWidget, "Exceptions").selectRow(0)  # Dan: discharged, not signed, still on chair 2
    table.selectRow(0)  # then Maja, chosen last: she is the one opened
    click(qtbot, dialog, "Open the chosen session")
    assert find(dialog, QLabel, "Session shown").text().startswith("LINDQVIST, Maja (MRN-1001) · chair 1")
    click(qtbot, dialog, "Back to the day log")
    find(dialog, QTableWidget, "Exceptions").selectRow(0)
    click(qtbot, dialog, "Open the chosen session")
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.chair_to_open == 2


def test_the_day_log_opens_a_session_still_open_on_its_chair(
    qtbot: QtBot, window: MainWindow, nurse: Nurse, sessions, helen: Account
) -> None:
    charge_nurse_on_duty(nurse)

    def choose_dan(dialog: QDialog) -> None:
        table = find(dialog, QTableWidget, "Sessions")
        table.selectRow(2)
        click(qtbot, dialog, "Open the chosen session")

    answered = answer_modal(qtbot, choose_dan)
    nurse.pick("Menu", "Day log")
    assert answered
    assert not window.board_showing and window.chair_list.current_chair() == 2


def test_only_a_charge_nurse_is_offered_the_day_log(nurse: Nurse, nurses, helen: Account, admin: Account) -> None:
    nurse.on_duty(nurses[0])
    assert nurse.entry("Menu", "Day log") is None
    charge_nurse_on_duty(nurse)
    assert nurse.entry("Menu", "Day log") is not None
    nurse.on_duty(admin)
    assert nurse.entry("Menu", "Day log") is None


def test_the_date_is_whole_in_its_field(
    qtbot: QtBot, window: MainWindow, nurse: Nurse, sessions, helen: Account
) -> None:
    charge_nurse_on_duty(nurse)
    dialog = DayLogDialog(window.controller, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    day = dialog.day
    assert day.fontMetrics().horizontalAdvance(day.text()) + 20 <= day.contentsRect().width()
