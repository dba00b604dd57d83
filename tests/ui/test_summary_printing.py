"""The session summary is offered where a nurse needs it: from the open chair's Print menu, and from
a signed session in "Signed sessions…"; it opens in the print preview built from the stored record."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader
from PySide6.QtWidgets import QDialog, QFileDialog, QPushButton
from pytestqt.qtbot import QtBot

from core import audit
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from tests.helpers.answers import DISCHARGE_OK, NO_SIDE_EFFECTS, NORMAL
from tests.helpers.people import ANA_PASSWORD
from tests.helpers.sessions import prepare, signed
from tests.helpers.window import Nurse
from tests.ui.test_account_dialogs import answer_modal, click
from tests.ui.test_board import second_patient
from ui.dialogs.print_preview import PreviewDialog
from ui.main_window import MainWindow


def previewed(qtbot: QtBot) -> tuple[list[QDialog], dict[str, bytes]]:
    seen: dict[str, bytes] = {}

    def look(dialog: QDialog) -> None:
        assert isinstance(dialog, PreviewDialog)
        seen["pdf"] = dialog.pdf
        click(qtbot, dialog, "Close print preview")

    return answer_modal(qtbot, look), seen


def menu_entry(nurse: Nurse, text: str):
    menu = nurse.find(QPushButton, "Print menu").menu()
    menu.aboutToShow.emit()  # as when the nurse opens it: entries follow what is on screen
    (entry,) = [action for action in menu.actions() if action.text() == text]
    return entry


def test_the_open_chairs_summary_prints_as_a_draft_and_needs_an_open_chair(
    qtbot: QtBot, nurse: Nurse, window: MainWindow, care: Care, patient, nurses
):
    prepare(care, patient, nurses)
    nurse.on_duty(nurses[0])
    assert window.board_showing  # home: on the board no chair is open
    assert not menu_entry(nurse, "Session summary of the open chair…").isEnabled()
    nurse.chair(1)
    answered, seen = previewed(qtbot)
    menu_entry(nurse, "Session summary of the open chair…").trigger()
    assert answered, "the preview did not open"
    text = PdfReader(BytesIO(seen["pdf"])).pages[0].extract_text()
    assert "LINDQVIST, Maja" in text and "DRAFT" in text and "by Ana Reyes" in text


def test_a_signed_session_prints_from_signed_sessions(
    qtbot: QtBot, nurse: Nurse, window: MainWindow, care: Care, patient, nurses, clock: ManualClock
):
    signed(care, patient, nurses, clock)
    nurse.on_duty(nurses[0])
    seen: dict[str, bytes] = {}

    def in_signed_sessions(dialog: QDialog) -> None:
        dialog.sessions.setCurrentRow(0)
        inner, got = previewed(qtbot)
        click(qtbot, dialog, "Print the session summary")
        assert inner
        seen.update(got)
        dialog.reject()

    answered = answer_modal(qtbot, in_signed_sessions)
    nurse.pick("Menu", "Signed sessions and addenda")
    assert answered
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(seen["pdf"])).pages)
    assert "LINDQVIST, Maja" in text and "administered" in text and "DRAFT" not in text


def test_the_handoff_and_going_home_sheets_print_from_the_open_chair(
    qtbot: QtBot, nurse: Nurse, window: MainWindow, care: Care, patient, nurses, clock: ManualClock, database
):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    nurse.on_duty(first)
    assert menu_entry(nurse, "Handoff sheet of all my chairs…").isEnabled()  # she seated chair 1
    nurse.chair(1)
    assert not menu_entry(nurse, "Going-home sheet of the open chair…").isEnabled()  # still infusing
    answered, seen = previewed(qtbot)
    menu_entry(nurse, "Handoff sheet of the open chair…").trigger()
    assert answered
    handoff = " ".join(page.extract_text() for page in PdfReader(BytesIO(seen["pdf"])).pages)
    assert "LINDQVIST, Maja" in handoff and "by Ana Reyes" in handoff

    clock.advance(minutes=40)
    care.complete(sid, first.id)
    window.refresh()
    assert not menu_entry(nurse, "Going-home sheet of the open chair…").isEnabled()  # not discharged yet
    clock.advance(minutes=30)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    care.record_vitals(sid, NORMAL, first.id)  # the set before discharge
    care.discharge(sid, "10", DISCHARGE_OK, first.id, ANA_PASSWORD)
    window.refresh()
    answered, seen = previewed(qtbot)
    menu_entry(nurse, "Going-home sheet of the open chair…").trigger()
    assert answered
    home = " ".join(page.extract_text() for page in PdfReader(BytesIO(seen["pdf"])).pages)
    assert "LINDQVIST, Maja" in home and "driv" in home.lower()


def test_a_handoff_of_two_chairs_records_each_copy_against_each_patient(
    qtbot: QtBot, nurse: Nurse, window: MainWindow, care: Care, patient, nurses, database, tmp_path, monkeypatch
):
    first, _ = nurses
    other = second_patient(care, first.id)
    sessions = {prepare(care, patient, nurses, chair=1), prepare(care, other, nurses, chair=2)}
    nurse.on_duty(first)
    saved = tmp_path / "handoff.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args, **_kw: (str(saved), "PDF files (*.pdf)"))

    def save(dialog: QDialog) -> None:
        click(qtbot, dialog, "Save as PDF")
        click(qtbot, dialog, "Close print preview")

    answered = answer_modal(qtbot, save)
    menu_entry(nurse, "Handoff sheet of all my chairs…").trigger()
    assert answered and saved.exists()
    lines = [e for e in audit.entries(database) if e.action == AuditAction.EXPORTED]
    assert {(line.patient_id, line.session_id) for line in lines} == {
        (patient.id, next(s for s in sessions if care.state(s).events[0].payload["chair"] == 1)),
        (other.id, next(s for s in sessions if care.state(s).events[0].payload["chair"] == 2)),
    }
    assert {line.detail["to"] for line in lines} == {str(saved.resolve())}
