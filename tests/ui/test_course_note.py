"""A day of the course without an infusion: the chair's note says so, and the nurse records why from it."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPushButton

from core.care import Care
from core.identify import Identified
from tests.helpers.sessions import signed
from tests.helpers.window import Nurse
from tests.ui.test_account_dialogs import answer_modal, check_controls
from ui.main_window import MainWindow


def only(dialog: QDialog, kind: type, name: str):
    found = [w for w in dialog.findChildren(kind) if w.accessibleName() == name or w.objectName() == name]
    assert len(found) == 1, name
    return found[0]


def test_the_nurse_records_why_a_day_was_missed_from_the_course_note(
    qtbot, nurse: Nurse, window: MainWindow, care: Care, patient, nurses, clock
):
    signed(care, patient, nurses, clock)
    clock.advance(timedelta(days=2))  # day 3 of the course: day 2 passed without an infusion
    care.open_session(patient.id, 1, nurses[0].id, Identified(name=True, mrn=patient.mrn))
    nurse.on_duty(nurses[0])
    window.refresh()
    nurse.chair(1)
    assert "No infusion on day 2 (reason not recorded)" in nurse.text("Course note")
    said: list[str] = []

    def answer(dialog: QDialog) -> None:
        check_controls(dialog)
        only(dialog, QPushButton, "Record").click()  # nothing chosen yet: she is asked, nothing is recorded
        said.append(only(dialog, QLabel, "Day message").text())
        only(dialog, QPushButton, "Why Missed by the patient").click()
        only(dialog, QPushButton, "Record").click()  # no reason: the reason field is named
        said.append(only(dialog, QLabel, "Day message").text())
        qtbot.keyClicks(only(dialog, QLineEdit, "Reason"), "Did not come: no transport")
        only(dialog, QPushButton, "Record").click()

    answered = answer_modal(qtbot, answer)
    nurse.click("Record why a day had no infusion")
    assert answered and answered[0].result() == QDialog.DialogCode.Accepted
    assert said[0] == "Choose whether the patient missed the day or the clinic cancelled it."
    assert "why the day had no infusion" in said[1]
    assert "day 2 (missed by the patient: Did not come: no transport)" in nurse.text("Course note")
    assert not nurse.sees("Record why a day had no infusion")
    course = care.current_course(patient.id)
    assert course is not None
    assert [view.reason for view in care.days_not_given(course.id)] == ["Did not come: no transport"]
