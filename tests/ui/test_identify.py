"""Identify: the chosen patient as a card, the date of birth compared, sex and allergies asked for, and a
near-duplicate pointed out before a second record. Scans are in test_scans.py."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit, QListWidget, QPushButton

from core import audit
from core.audit import AuditAction
from core.care import Care
from tests.helpers.sessions import signed
from tests.helpers.window import Nurse
from ui.main_window import MainWindow

DIFFERENT = "A different person: none of the records listed is this patient."
REPLACES = "The prescriber's new order replaces the course still in force."


def register(nurse: Nurse, mrn: str, family: str, given: str, born: str) -> None:
    nurse.type("Medical record number", mrn)
    nurse.type("Family name", family)
    nurse.type("Given name", given)
    nurse.type("Date of birth", born)
    nurse.click("Female")
    nurse.click("No known allergies")
    nurse.click("Register patient")


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
    (made,) = care.find_patients("MRN-2002")
    assert (made.sex, made.no_known_allergies, made.details_confirmed_by) == ("female", True, nurses[0].name)
    assert not nurse.sees(DIFFERENT)


def test_registration_asks_for_sex_and_allergies_by_their_fields(nurse: Nurse, window: MainWindow, care: Care, nurses):
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    nurse.type("Medical record number", "MRN-7")
    nurse.type("Family name", "Garcia")
    nurse.type("Given name", "Maria")
    nurse.type("Date of birth", "1970-03-14")
    nurse.click("Register patient")
    assert "Choose the patient's sex" in nurse.text("Register message")
    nurse.click("Female")
    nurse.click("Register patient")
    assert "Record the patient's allergies" in nurse.text("Register message")
    nurse.type("Allergies", "penicillin (rash)")
    nurse.click("Register patient")
    (made,) = care.find_patients("MRN-7")
    assert (made.sex, made.allergies) == ("female", "penicillin (rash)")
    assert nurse.text("Chosen patient") == "GARCIA, Maria"
    assert "Allergies: penicillin (rash)" in nurse.text("Chosen patient's sex and allergies")


def test_the_chosen_patient_is_a_card_with_both_identifiers_and_details_not_recorded_are_asked_for(
    nurse: Nurse, window: MainWindow, care: Care, patient, nurses, clock
):
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    nurse.type("Search patient", "Lindqvist", enter=True)
    assert nurse.text("Chosen patient") == "LINDQVIST, Maja"
    assert "Born 1971-03-14" in nurse.text("Chosen patient's identifiers")
    assert "MRN-1001" in nurse.text("Chosen patient's identifiers")
    assert "Allergies not recorded" in nurse.text("Chosen patient's sex and allergies")
    nurse.click("Patient's Female")
    nurse.click("Patient's No known allergies")
    nurse.click("Record sex and allergies")
    assert care.patient(patient.id).no_known_allergies
    assert nurse.text("Chosen patient's sex and allergies").startswith("F ")
    assert not nurse.sees("Record sex and allergies")


def test_the_whole_name_row_is_a_target_and_a_search_message_moves_nothing_below_it(
    qtbot, nurse: Nurse, window: MainWindow, care: Care, patient, nurses
):
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    nurse.type("Search patient", "Lindqvist", enter=True)
    row = nurse.find(QCheckBox, "Full name matches")
    qtbot.mouseClick(row, Qt.MouseButton.LeftButton, pos=QPoint(row.width() - 10, row.height() // 2))
    assert row.isChecked()
    seat = nurse.find(QPushButton, "Seat patient in chair 1")
    page = window.panel(1).page("identify")
    before = seat.mapTo(page, QPoint(0, 0))
    nurse.type("Search patient", "nobody at all", enter=True)
    assert "No patient found" in nurse.text("Search message")
    assert seat.mapTo(page, QPoint(0, 0)) == before


def test_a_date_of_birth_that_differs_from_the_record_is_refused_and_the_right_one_seats(
    nurse: Nurse, window: MainWindow, care: Care, patient, nurses
):
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    nurse.type("Search patient", "Lindqvist", enter=True)
    nurse.click("Full name matches")
    nurse.type("Date of birth given", "1971-04-14", enter=True)
    assert "is not the one on this record" in nurse.text("Seat message")
    assert care.chairs() == []
    field = nurse.find(QLineEdit, "Date of birth given")
    assert field.hasFocus() and field.text() == "1971-04-14"
    field.clear()
    nurse.type("Date of birth given", "1971-03-14", enter=True)
    (view,) = care.chairs()
    assert view.state.events[0].payload["identifiers_confirmed"] == ["birth_date", "name"]


def test_a_second_infusion_today_asks_for_the_prescribers_override_by_its_field(
    nurse: Nurse, window: MainWindow, care: Care, patient, nurses, clock
):
    signed(care, patient, nurses, clock)
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    window.refresh()
    nurse.type("Search patient", "Lindqvist", enter=True)
    nurse.click("Full name matches")
    nurse.type("Date of birth given", "1971-03-14")
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
    nurse.type("Date of birth given", "1971-03-14")
    nurse.type("Record number on the wristband", "MRN-1001")
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
    nurse.type("Date of birth given", "1982-03-03")
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
    assert {key: value for key, value in ordered.detail.items() if key != "content_hash"} == {
        "course_id": course.id,
        "replaces_course_id": wrong.id,
        "replace_reason": "first day mistyped on the earlier order",
    }
    (view,) = care.chairs()
    assert view.state.course_day == 1 and view.state.events[0].payload["course"]["id"] == course.id
    assert not nurse.sees(REPLACES)
