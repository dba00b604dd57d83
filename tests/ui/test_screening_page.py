"""The screening page asks what core says this session asks: the checklist at the course's start only."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QAbstractButton

from core import audit
from core.care import Care
from core.clock import ManualClock
from core.events import EventType as E
from core.identify import Identified
from core.machine import Step
from core.people import Account
from core.protocol import Asked
from core.views import PatientView
from tests.helpers.sessions import signed
from tests.helpers.window import Nurse
from ui.main_window import MainWindow


def answer_all_shown(nurse: Nurse, care: Care, leave_out: str = "") -> list[str]:
    """Answer every question the page shows, as the nurse would; returns the ids answered."""
    answered = []
    for question in care.protocol.screening.questions:
        if question.id != leave_out and nurse.sees(f"{question.text} No", QAbstractButton):
            nurse.click(f"{question.text} No")  # every question is worded so that "No" is safe
            answered.append(question.id)
    return answered


def screened(care: Care, sid: str) -> list:
    return [e for e in care.state(sid).events if e.type is E.SCREENED]


def test_the_first_session_shows_the_checklist_and_refuses_a_question_left_out(
    nurse: Nurse, window: MainWindow, care: Care, patient: PatientView, nurses: tuple[Account, Account]
) -> None:
    first, _ = nurses
    nurse.on_duty(first)
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    window.refresh()
    nurse.chair(1)
    answered = answer_all_shown(nurse, care, leave_out="allergy")
    assert len(answered) == len(care.protocol.screening.questions) - 1
    assert not nurse.sees("Course-start checklist answered")
    nurse.click("Record screening")
    assert "Allergy or hypersensitivity to ketamine?" in nurse.text("Screening message")
    assert screened(care, sid) == []

    nurse.click("Allergy or hypersensitivity to ketamine? No")
    nurse.click("Record screening")
    (record,) = screened(care, sid)
    assert sorted(record.payload["answers"]) == sorted(q.id for q in care.protocol.screening.questions)
    assert care.state(sid).step is Step.WEIGH


def test_a_later_day_shows_only_the_recheck_and_records_only_it(
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    patient: PatientView,
    nurses: tuple[Account, Account],
    clock: ManualClock,
) -> None:
    first, _ = nurses
    signed(care, patient, nurses, clock)
    clock.advance(timedelta(days=1) - timedelta(minutes=70))
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    nurse.on_duty(first)
    window.refresh()
    nurse.chair(1)
    every_session = [q.id for q in care.protocol.screening.questions if q.asked is Asked.EVERY_SESSION]
    assert answer_all_shown(nurse, care) == every_session
    assert nurse.sees("Course-start checklist answered")
    nurse.click("Record screening")
    (record,) = screened(care, sid)
    assert list(record.payload["answers"]) == every_session
    assert record.payload["course_start"] is False
    assert care.state(sid).step is Step.WEIGH


def test_a_stopping_answer_shows_at_once_and_is_recorded_only_once_confirmed(
    nurse: Nurse, window: MainWindow, care: Care, patient: PatientView, nurses: tuple[Account, Account], database
) -> None:
    first, _ = nurses
    nurse.on_duty(first)
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    window.refresh()
    nurse.chair(1)
    assert nurse.text("Which answers stop treatment") == "“Yes” or “Unknown” to any question stops treatment today."
    answer_all_shown(nurse, care)
    assert not nurse.sees("Answers that stop treatment")
    escort = next(q for q in care.protocol.screening.questions if q.id == "no_escort")
    yes = nurse.find(QAbstractButton, f"{escort.text} Yes")
    nurse.click(f"{escort.text} Yes")  # one tap off the column of "No"
    assert yes.property("stops") is True  # in the alarm colour, at once
    assert yes.parentWidget().property("stops") is True
    assert escort.text in nurse.text("Answers that stop treatment")
    lines = len(audit.entries(database))

    nurse.click("Record screening")
    assert screened(care, sid) == [] and len(audit.entries(database)) == lines  # nothing recorded yet
    asked = nurse.text("Answers that stop treatment")  # asked in the row beside its two answers
    assert "Nothing is recorded until you confirm" in asked
    assert f"{escort.text} — Yes" in asked and "— yes" not in asked  # the word on the button tapped
    assert nurse.sees("Confirm: not treated today") and not nurse.sees("Record screening")

    nurse.click("Go back to the answers")  # back to the answers, untouched
    assert nurse.sees("Record screening") and not nurse.sees("Confirm: not treated today")
    assert yes.isChecked() and screened(care, sid) == []
    assert care.state(sid).step is Step.SCREEN

    nurse.click(f"{escort.text} No")  # the tap was a slip: changed, no longer stops
    assert yes.property("stops") is False and not nurse.sees("Answers that stop treatment")
    nurse.click(f"{escort.text} Unknown")
    nurse.click("Record screening")
    nurse.click("Confirm: not treated today")
    (record,) = screened(care, sid)
    assert record.payload["stopped_by"] == ["no_escort"] and record.payload["stop_confirmed"] is True
    assert care.state(sid).step is Step.SIGN
