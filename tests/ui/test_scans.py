"""Wristband scans are caught by the window, wherever the focus is, and only as scans: a scan never
opens a chair by its number key and is never typed into a field; typing stays typing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from core.care import Care
from core.identify import Identified
from tests.helpers.clinic import PRESCRIBER
from tests.helpers.people import PASSWORDS
from tests.helpers.window import Nurse
from ui.main_window import MainWindow

KEYS = {"-": Qt.Key.Key_Minus}
KEYS.update({c: Qt.Key(ord(c)) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"})


def focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def key(kind: QEvent.Type, code: Qt.Key, modifiers: Qt.KeyboardModifier, text: str, stamp: int) -> None:
    event = QKeyEvent(kind, code, modifiers, text)
    event.setTimestamp(stamp)
    QApplication.sendEvent(focus(), event)


def scan(code: str, *, suffix: Qt.Key = Qt.Key.Key_Return, start: int = 1_000, gap: int = 8) -> None:
    """A keyboard-wedge scanner: each character a few milliseconds after the last, by the events' own
    timestamps, to whichever control has the focus, then its suffix key. A capital comes as a keyboard
    types it: Shift pressed, the letter, Shift released."""
    stamp = start
    for character in code:
        shifted = character.isupper()
        modifiers = Qt.KeyboardModifier.ShiftModifier if shifted else Qt.KeyboardModifier.NoModifier
        if shifted:
            key(QEvent.Type.KeyPress, Qt.Key.Key_Shift, Qt.KeyboardModifier.ShiftModifier, "", stamp)
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            key(kind, KEYS[character.upper()], modifiers, character, stamp)
        if shifted:
            key(QEvent.Type.KeyRelease, Qt.Key.Key_Shift, Qt.KeyboardModifier.NoModifier, "", stamp)
        stamp += gap
    end = QKeyEvent(
        QEvent.Type.KeyPress, suffix, Qt.KeyboardModifier.NoModifier, "\t" if suffix == Qt.Key.Key_Tab else "\r"
    )
    end.setTimestamp(stamp)
    QApplication.sendEvent(focus(), end)


def ordered(care: Care, patient, by: str) -> None:
    care.record_course(patient.id, PRESCRIBER, care.clock.now().astimezone().date().isoformat(), "5", by=by)


def ready(qtbot: QtBot, nurse: Nurse, window: MainWindow, nurses) -> None:
    nurse.on_duty(nurses[0])
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)


def test_a_scan_on_the_board_opens_the_patients_chair_never_chair_1_by_its_key(
    qtbot: QtBot, nurse: Nurse, window: MainWindow, care: Care, patient, nurses
):
    """The record number has a "1" in it: the board's number key must not open chair 1."""
    ready(qtbot, nurse, window, nurses)
    demo = care.register_patient("DEMO-000101", "Okafor", "Chidi", "1980-07-02", by=nurses[0].id)
    care.open_session(patient.id, 1, nurses[0].id, Identified(name=True, mrn=patient.mrn))
    ordered(care, demo, nurses[0].id)
    care.open_session(demo.id, 3, nurses[0].id, Identified(name=True, mrn=demo.mrn))
    window.refresh()
    assert window.board_showing
    scan("DEMO-000101")
    assert not window.board_showing
    assert window.chair_list.current_chair() == 3


def test_a_scan_into_a_vitals_field_types_nothing_there_and_finds_the_patient(
    qtbot: QtBot, nurse: Nurse, window: MainWindow, care: Care, patient, nurses, ready_session, protocol
):
    ready(qtbot, nurse, window, nurses)
    other = care.register_patient("000121", "Osei", "Kwame", "1980-01-02", by=nurses[0].id)
    ordered(care, other, nurses[0].id)
    care.open_session(other.id, 2, nurses[0].id, Identified(name=True, mrn=other.mrn))
    nurse.chair(1)
    window.refresh()
    nurse.click("Show the vital signs entry")  # ready, the baseline taken: the entry is folded to one line
    labels = [kind.label for kind in protocol.vitals.values()]
    field = next(w for w in window.findChildren(QLineEdit) if w.isVisible() and w.accessibleName() in labels)
    field.setFocus()
    qtbot.keyClicks(field, "12")  # a nurse's own typing (no timestamp) goes in at once
    assert field.text() == "12"
    scan("000121")
    assert field.text() == "12"
    assert window.chair_list.current_chair() == 2


def test_typing_is_typing_even_with_real_timestamps_when_it_is_slower_than_a_scanner(
    qtbot: QtBot, nurse: Nurse, window: MainWindow, patient, nurses
):
    """Held keys go back to their field in order when no scan follows (a pause, or too few before Enter)."""
    ready(qtbot, nurse, window, nurses)
    nurse.chair(1)
    search = nurse.find(QLineEdit, "Search patient")
    search.setFocus()
    scan("MRN", start=5_000)  # three fast characters and Enter: too short for a scan
    assert search.text() == "MRN"
    scan("-1001", start=9_000, gap=150)  # a person's pace
    qtbot.waitUntil(lambda: search.text() == "MRN-1001")
    assert nurse.find(QLineEdit, "Record number on the wristband").text() == ""


def test_a_later_search_typed_by_hand_is_not_taken_for_the_earlier_scan(
    qtbot: QtBot, nurse: Nurse, window: MainWindow, care: Care, patient, nurses
):
    ready(qtbot, nurse, window, nurses)
    care.register_patient("MRN-2002", "Okafor", "Chidi", "1980-07-02", by=nurses[0].id)
    nurse.chair(1)
    scan("MRN-1001")
    assert nurse.find(QLineEdit, "Record number on the wristband").text() == "MRN-1001"
    assert "Wristband scanned" in nurse.text("Search message")
    search = nurse.find(QLineEdit, "Search patient")
    search.clear()
    nurse.type("Search patient", "MRN-2002")
    nurse.click("Search")
    assert nurse.text("Chosen patient") == "OKAFOR, Chidi"
    assert nurse.find(QLineEdit, "Record number on the wristband").text() == ""
    assert not nurse.sees("Search message") or "Wristband" not in nurse.text("Search message")
    nurse.click("Full name matches")
    nurse.click("Seat patient in chair 1")
    assert "Confirm a second identifier" in nurse.text("Seat message")
    assert care.chairs() == []


def test_a_scan_ending_in_tab_works_like_enter_and_is_recorded_as_scanned(
    qtbot: QtBot, nurse: Nurse, window: MainWindow, care: Care, patient, nurses
):
    ready(qtbot, nurse, window, nurses)
    nurse.chair(1)
    scan("MRN-1001", suffix=Qt.Key.Key_Tab)
    assert nurse.find(QLineEdit, "Search patient").text() == "MRN-1001"
    assert nurse.text("Chosen patient") == "LINDQVIST, Maja"
    nurse.click("Full name matches")
    nurse.click("Seat patient in chair 1")
    (view,) = care.chairs()
    assert view.state.events[0].payload["identifiers_confirmed"] == ["mrn", "name"]
    assert view.state.events[0].payload["record_number_scanned"] is True


def test_an_unknown_wristband_says_so_and_offers_registration_with_the_number_filled_in(
    qtbot: QtBot, nurse: Nurse, window: MainWindow, care: Care, patient, nurses
):
    ready(qtbot, nurse, window, nurses)
    window.board.focus_chair(2)
    scan("DEMO-000999")
    assert window.chair_list.current_chair() == 2
    assert "No patient has the record number DEMO-000999" in nurse.text("Search message")
    assert nurse.find(QLineEdit, "Medical record number").text() == "DEMO-000999"
    assert focus().accessibleName() == "Family name"


def test_a_scan_on_the_board_without_an_empty_chair_in_hand_waits_for_the_chair_the_nurse_opens(
    qtbot: QtBot, nurse: Nurse, window: MainWindow, care: Care, patient, nurses
):
    ready(qtbot, nurse, window, nurses)
    nurse.chair(1)
    window.show_board()
    window.to_board.setFocus()  # the focus is on no tile
    window.board.setFocus()
    scan("MRN-1001")
    assert window.board_showing
    assert "LINDQVIST, Maja (MRN-1001) is not seated" in nurse.text("Scan message")
    nurse.chair(4)
    assert nurse.text("Chosen patient") == "LINDQVIST, Maja"
    assert nurse.find(QLineEdit, "Record number on the wristband").text() == "MRN-1001"


@pytest.mark.parametrize("dropped_by", ["dismiss", "another nurse"])
def test_a_waiting_scan_is_dropped_when_dismissed_or_when_another_nurse_signs_in(
    qtbot: QtBot, nurse: Nurse, window: MainWindow, care: Care, patient, nurses, dropped_by: str
):
    """A scan left waiting must never find its patient in a chair opened later, perhaps by someone else."""
    ready(qtbot, nurse, window, nurses)
    nurse.chair(1)
    window.show_board()
    window.board.setFocus()
    scan("MRN-1001")
    assert "is not seated" in nurse.text("Scan message")
    if dropped_by == "dismiss":
        nurse.click("Dismiss scan message")
    else:
        nurse.on_duty(nurses[1])  # "Switch user": the scan was the first nurse's
    nurse.chair(4)
    assert nurse.text("Chosen patient") != "LINDQVIST, Maja"
    assert nurse.find(QLineEdit, "Record number on the wristband").text() == ""


def test_a_scan_read_in_lower_case_still_finds_its_patient_on_the_identify_step(
    qtbot: QtBot, nurse: Nurse, window: MainWindow, care: Care, patient, nurses
):
    ready(qtbot, nurse, window, nurses)
    nurse.chair(1)
    scan("mrn-1001")
    assert nurse.text("Chosen patient") == "LINDQVIST, Maja"
    assert "No patient has" not in nurse.text("Search message")


def test_space_typed_at_a_persons_pace_presses_the_button_it_is_on(
    qtbot: QtBot, nurse: Nurse, window: MainWindow, patient, nurses
):
    """A real keyboard's Space: press, then release a moment later, each with its time. The press may be
    held while the catcher waits to see whether a scan follows; the release must wait behind it."""
    ready(qtbot, nurse, window, nurses)
    nurse.chair(1)
    scan("MRN-1001")
    name = nurse.find(QCheckBox, "Full name matches")
    name.setFocus()
    assert not name.isChecked()
    for kind, stamp in ((QEvent.Type.KeyPress, 20_000), (QEvent.Type.KeyRelease, 20_020)):
        key(kind, Qt.Key.Key_Space, Qt.KeyboardModifier.NoModifier, " ", stamp)
    qtbot.waitUntil(name.isChecked)


def test_a_password_typed_as_fast_as_a_scanner_and_ended_with_enter_is_a_password(
    qtbot: QtBot, nurse: Nurse, window: MainWindow, patient, nurses
):
    """At the sign-in screen nothing is scanned, and a password field is never a scanner's target."""
    user = nurse.find(QLineEdit, "User name")
    user.setFocus()
    scan("ana")  # too short to be a scan: typed
    password = nurse.find(QLineEdit, "Password or PIN")
    password.setFocus()
    scan(PASSWORDS["ana"].replace(" ", "-"), start=30_000)
    assert window.controller.nurse_id is None  # the password was typed (a wrong one), not taken as a scan
    assert "not right" in nurse.text("Sign-in message")
