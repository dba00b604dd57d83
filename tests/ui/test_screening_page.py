"""The screening page asks what core says this session asks: the checklist at the course's start only."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QAbstractButton

from core.clock import ManualClock
from core.events import EventType as E
from core.identify import Identified
from core.machine import Step
from core.people import Account
from core.protocol import Asked
from core.services import Care, PatientView
from tests.test_session_flow import signed
from tests.ui.conftest import Nurse
from ui.main_window import MainWindow


def answer_all_shown(nurse: Nurse, care: Care, leave_out: str = "") -> list[str]:
    """Answer every question the page shows, as the nurse would; returns the ids answered."""
    answered = []
    for question in care.protocol.screening.questions:
        if question.id != leave_out and nurse.sees(f"{question.text} No", QAbstractButton):
            nurse.click(f"{question.text} {'Yes' if question.id == 'escort' else 'No'}")
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
