"""The session summary is offered where a nurse needs it: from the open chair's Print menu, and from
a signed session in "Signed sessions…"; it opens in the print preview built from the stored record."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader
from PySide6.QtWidgets import QDialog, QPushButton
from pytestqt.qtbot import QtBot

from core.clock import ManualClock
from core.services import Care
from tests.test_session_flow import prepare, signed
from tests.ui.conftest import Nurse
from tests.ui.test_account_dialogs import answer_modal, click
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
    nurse.click("Signed sessions and addenda")
    assert answered
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(seen["pdf"])).pages)
    assert "LINDQVIST, Maja" in text and "administered" in text and "DRAFT" not in text
