"""Identify: a wristband scan selects the patient; a near-duplicate is pointed out before a second record."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit, QListWidget

from core import audit
from core.audit import AuditAction
from core.services import Care
from tests.test_session_flow import signed
from tests.ui.conftest import Nurse
from ui.main_window import MainWindow
from ui.widgets.scan_field import ScanField

DIFFERENT = "A different person: none of the records listed is this patient."
REPLACES = "The prescriber's new order replaces the course still in force."


def register(nurse: Nurse, mrn: str, family: str, given: str, born: str) -> None:
    nurse.type("Medical record number", mrn)
    nurse.type("Family name", family)
    nurse.type("Given name", given)
    nurse.type("Date of birth", born, enter=True)


def test_a_near_duplicate_is_listed_and_a_new_record_needs_confirming(
    nurse: Nurse, window: MainWindow, care: Care, patient, nurses
):
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    register(nurse, "MRN-2002", "Lindkvist", "Maja", "1971-03-14")
    assert "LINDQVIST, Maja (MRN-1001)" in nurse.text("Register message")
    assert nurse.find(QListWidget, "Search results").item(0).text().endswith("MRN-1001")
    assert care.find_patients("MRN-2002") == []
    nurse.click(DIFFERENT)
    nurse.click("Register patient")
    assert [p.mrn for p in care.find_patients("MRN-2002")] == ["MRN-2002"]
    assert not nurse.sees(DIFFERENT)


def test_a_wristband_scan_selects_the_patient_and_checks_the_record_number(
    qtbot, nurse: Nurse, window: MainWindow, patient, nurses
):
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    search = nurse.find(ScanField, "Search patient")
    assert search.hasFocus()  # an empty chair waits for the scan
    qtbot.keyClicks(search, "MRN-1001")  # a scanner sends the whole code at once
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert nurse.find(QListWidget, "Search results").currentItem().text().endswith("MRN-1001")
    assert nurse.find(QCheckBox, "Medical record number matches").isChecked()
    assert not nurse.find(QCheckBox, "Full name matches").isChecked()
    assert "Ask the patient to say their name" in nurse.text("Search message")


def test_a_record_number_typed_by_hand_is_not_taken_for_a_scan(
    qtbot, nurse: Nurse, window: MainWindow, patient, nurses
):
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    search = nurse.find(ScanField, "Search patient")
    qtbot.keyClicks(search, "MRN-1001", delay=60)
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert nurse.find(QListWidget, "Search results").currentItem().text().endswith("MRN-1001")
    assert not nurse.find(QCheckBox, "Medical record number matches").isChecked()


def test_a_second_infusion_today_asks_for_the_prescribers_override_by_its_field(
    nurse: Nurse, window: MainWindow, care: Care, patient, nurses, clock
):
    signed(care, patient, nurses, clock)
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    window.refresh()
    nurse.type("Search patient", "Lindqvist", enter=True)
    nurse.click("Full name matches")
    nurse.click("Date of birth matches")
    nurse.click("Seat patient in chair 1")
    assert "already had an infusion today" in nurse.text("Seat message")
    nurse.type("Same-day override", "Dr Patel by phone: first bag leaked", enter=True)
    (view,) = care.chairs()
    assert view.state.events[0].payload["same_day_override"] == "Dr Patel by phone: first bag leaked"
    assert nurse.text("Step").endswith("· day 1 of 5")


def test_date_of_birth_and_record_number_without_the_name_do_not_seat_the_patient(
    nurse: Nurse, window: MainWindow, care: Care, patient, nurses
):
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    nurse.type("Search patient", "Lindqvist", enter=True)
    nurse.click("Date of birth matches")
    nurse.click("Medical record number matches")
    nurse.click("Seat patient in chair 1")
    message = nurse.text("Seat message")
    assert "Confirm the patient's name" in message and "say their full name" in message
    assert care.chairs() == []
    nurse.click("Full name matches")
    nurse.click("Seat patient in chair 1")
    (view,) = care.chairs()
    assert view.state.events[0].payload["identifiers_confirmed"] == ["birth_date", "mrn", "name"]


def test_a_new_order_over_a_course_in_force_is_recorded_only_once_the_nurse_confirms_it_replaces_it(
    nurse: Nurse, window: MainWindow, care: Care, nurses, clock
):
    first = nurses[0]
    new = care.register_patient("MRN-3005", "Poe", "Ada", "1982-03-03", by=first.id)
    today = clock.now().astimezone().date()
    wrong = care.record_course(new.id, "Dr Lee", (today + timedelta(days=2)).isoformat(), "5", by=first.id)
    clock.advance(minutes=1)
    nurse.on_duty(first)
    nurse.chair(1)
    nurse.type("Search patient", "MRN-3005", enter=True)
    nurse.click("Full name matches")
    nurse.click("Date of birth matches")
    nurse.click("Seat patient in chair 1")
    assert "begins on" in nurse.text("Seat message")
    assert nurse.find(QLineEdit, "First day of the course").text() == today.isoformat()
    nurse.type("Prescriber", "Dr Lee")
    nurse.click("Record course order and seat")
    assert "still in force: 5 days left" in nurse.text("Course order message")
    assert care.current_course(new.id) == wrong and care.chairs() == []

    nurse.click(REPLACES)
    nurse.type("Why the new order replaces it", "first day mistyped on the earlier order", enter=True)
    course = care.current_course(new.id)
    assert course is not None and course.id != wrong.id and course.first_day == today
    (ordered, *_) = [e for e in audit.entries(care.db, patient_id=new.id) if e.action == AuditAction.COURSE_ORDERED]
    assert ordered.detail == {
        "course_id": course.id,
        "replaces_course_id": wrong.id,
        "replace_reason": "first day mistyped on the earlier order",
    }
    (view,) = care.chairs()
    assert view.state.course_day == 1 and view.state.events[0].payload["course"]["id"] == course.id
    assert not nurse.sees(REPLACES)
