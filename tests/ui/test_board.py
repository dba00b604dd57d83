"""The chair board is home: every chair readable at a glance, one tap or key to open, Esc to come back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from core import audit
from core.audit import AuditAction
from core.clock import ManualClock
from core.events import EventType as E
from core.protocol import VitalKind
from core.services import Care, PatientView
from tests.conftest import PRESCRIBER, T0
from tests.test_session_flow import prepare
from tests.ui.conftest import Nurse
from ui.main_window import MainWindow


def second_patient(care: Care, by: str) -> PatientView:
    other = care.register_patient("MRN-2002", "Okafor", "Chidi", "1980-07-02", by=by)
    care.record_course(other.id, PRESCRIBER, T0.astimezone().date().isoformat(), "5", by=by)
    return other


def test_the_board_shows_every_chair_and_which_one_needs_a_nurse(
    nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, patient, nurses
):
    first, _ = nurses
    for chair, who in ((1, patient), (2, second_patient(care, first.id))):
        care.start_infusion(prepare(care, who, nurses, chair=chair), first.id)
    clock.advance(minutes=10)
    nurse.on_duty(first)
    assert window.board_showing  # home after signing in
    assert nurse.text("Chair 1 patient") == "LINDQVIST, Maja"
    assert nurse.text("Chair 1 time left") == "30:00"
    assert nurse.text("Chair 2 vitals").startswith("Vital signs due now")
    clock.advance(minutes=10)
    window.refresh()
    assert nurse.text("Chair 2 vitals").startswith("Vital signs OVERDUE")
    assert nurse.text("Chair 2 alarm") == "● Attention"  # the mark says it in words, not only in colour
    assert window.board.tiles[2].property("priority") == "medium"
    assert nurse.text("Chair 3 status") == "Open to seat a patient"
    described = window.board.tiles[2].accessibleDescription()
    assert described.startswith("Chair 2; OKAFOR, Chidi; Infusing; 20:00 left; Vital signs overdue")


def test_a_number_key_opens_a_chair_and_esc_comes_back_to_its_tile(
    nurse: Nurse, window: MainWindow, care: Care, database, patient, nurses
):
    first, _ = nurses
    prepare(care, patient, nurses, chair=2)
    nurse.on_duty(first)
    viewed = [e for e in audit.entries(database, patient_id=patient.id) if e.action == AuditAction.PATIENT_VIEWED]
    assert not viewed  # the board shows the tile, not the record
    nurse.qtbot.keyClick(window.board, Qt.Key.Key_2)
    assert not window.board_showing
    assert nurse.sees("Chair 2 title")
    viewed = [e for e in audit.entries(database, patient_id=patient.id) if e.action == AuditAction.PATIENT_VIEWED]
    assert len(viewed) == 1
    nurse.qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_Escape)
    assert window.board_showing
    assert window.board.tiles[2].hasFocus()
    nurse.qtbot.keyClick(window.board.tiles[2], Qt.Key.Key_Left)
    assert window.board.tiles[1].hasFocus()
    nurse.qtbot.keyClick(window.board.tiles[1], Qt.Key.Key_Return)
    assert nurse.sees("Chair 1 title")


def test_a_form_left_for_the_board_is_as_it_was_on_coming_back(nurse: Nurse, window: MainWindow, care, patient, nurses):
    first, _ = nurses
    prepare(care, patient, nurses, chair=1)
    nurse.on_duty(first)
    nurse.chair(1)
    nurse.type(care.protocol.vitals[VitalKind.SYSTOLIC].label, "13")
    nurse.click("All chairs")
    assert window.board_showing
    nurse.chair(1)
    assert nurse.find(QLineEdit, care.protocol.vitals[VitalKind.SYSTOLIC].label).text() == "13"


def test_two_chairs_at_once_each_keep_their_own_entries(
    nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, patient, nurses, normal_vitals
):
    """A nurse starts two infusions, is called from one half-way through a vitals set to the other, and
    comes back: each chair's entries land in its own session, and nothing typed is lost."""
    first, _ = nurses
    one = prepare(care, patient, nurses, chair=1)
    two = prepare(care, second_patient(care, first.id), nurses, chair=2)
    nurse.on_duty(first)
    for chair in (1, 2):
        nurse.chair(chair)
        nurse.click("Start infusion")
        nurse.click("All chairs")
    clock.advance(minutes=10)
    window.refresh()
    assert "Vital signs due now" in nurse.text("Chair 1 vitals")
    assert "Vital signs due now" in nurse.text("Chair 2 vitals")
    nurse.qtbot.keyClick(window.board, Qt.Key.Key_2)
    systolic = care.protocol.vitals[VitalKind.SYSTOLIC].label
    nurse.type(systolic, "131")  # interrupted here: chair 1 calls
    nurse.qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Escape)
    nurse.chair(1)
    nurse.enter_vitals(normal_vitals)
    nurse.click("All chairs")
    assert not nurse.sees("Chair 1 vitals") or "due now" not in nurse.text("Chair 1 vitals")
    nurse.chair(2)
    assert nurse.find(QLineEdit, systolic).text() == "131"
    nurse.enter_vitals({kind: value for kind, value in normal_vitals.items() if kind is not VitalKind.SYSTOLIC})
    sets = {sid: [e.payload for e in care.state(sid).events if e.type == E.VITALS] for sid in (one, two)}
    assert [s["values"]["systolic"] for s in sets[one]][-1] == normal_vitals[VitalKind.SYSTOLIC]
    assert [s["values"]["systolic"] for s in sets[two]][-1] == "131"
    assert {e.recorded_by for sid in (one, two) for e in care.state(sid).events[-1:]} == {first.id}
