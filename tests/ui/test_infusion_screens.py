"""What the infusion screens ask for and warn about, each checked against what core recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtWidgets import QLineEdit

from core.care import Care
from core.clock import ManualClock
from core.errors import DatabaseLocked
from core.events import EventType as E
from core.identify import Identified
from core.machine import Outcome, Step
from core.people import Account
from core.protocol import VitalKind
from core.views import PatientView
from tests.helpers.people import ANA_PASSWORD, BEN_PASSWORD
from tests.helpers.sessions import pump_as_ordered
from ui.main_window import MainWindow


def test_a_baseline_outside_the_start_limits_asks_for_the_prescribers_go_ahead(
    nurse, window: MainWindow, care: Care, patient: PatientView, nurses: tuple[Account, Account], normal_vitals
) -> None:
    first, second = nurses
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    care.screen(sid, {q.id: "yes" if q.id == "escort" else "no" for q in care.protocol.screening.questions}, first.id)
    care.record_weight(sid, "72.4", "kg", first.id)
    care.confirm_dose(sid, first.id, vial_id="ketamine-10")
    care.record_check(sid, second.username or "", BEN_PASSWORD, "72.4", "36.2", "155.4")
    care.record_drawn(sid, "LOT-K2291", "3.62", first.id)
    pump_as_ordered(care, sid, first.id)
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    assert not nurse.sees("Prescriber's go-ahead")
    nurse.enter_vitals({**normal_vitals, VitalKind.SYSTOLIC: "170"})
    window.refresh()

    nurse.click("Start infusion")
    assert "Baseline outside the start thresholds" in nurse.text("Infusion message")
    assert E.STARTED not in [event.type for event in care.state(sid).events]
    nurse.type("Prescriber's go-ahead", "Dr Lee by phone: usual BP for this patient")
    nurse.click("Start infusion")

    state = care.state(sid)
    assert state.step is Step.INFUSING
    assert state.events[-1].payload["go_ahead"] == "Dr Lee by phone: usual BP for this patient"
    assert not nurse.sees("Prescriber's go-ahead")


def test_a_clock_set_back_behind_the_record_is_pointed_out(
    nurse, window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses
) -> None:
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    care.start_infusion(ready_session, nurses[0].id)
    window.refresh()
    assert not nurse.sees("Clock warning")
    clock.jump(-timedelta(minutes=20))
    window.refresh()
    assert "clock is behind the last recorded entry" in nurse.text("Clock warning")


def test_a_screening_stop_shows_why_on_the_page_to_sign(
    nurse, window: MainWindow, care: Care, patient: PatientView, nurses: tuple[Account, Account]
) -> None:
    first, _ = nurses
    nurse.on_duty(first)
    nurse.chair(1)
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    window.refresh()
    for question in care.protocol.screening.questions:
        answer = "Unknown" if question.id == "pregnancy" else "No"
        nurse.click(f"{question.text} {answer}")
    nurse.click("Record screening")
    nurse.click("Confirm: not treated today")  # a stop is recorded only once confirmed
    assert care.state(sid).outcome is Outcome.NOT_TREATED
    assert nurse.text("Outcome") == "Not treated"
    assert "Is the patient pregnant, or could she be? — Unknown" in nurse.text("Stop reasons")
    assert nurse.text("What your signature means").endswith("as “not treated — reviewed”")
    assert not nurse.sees("Controlled substance")  # nothing was drawn up, so there is nothing to account for
    nurse.type("Your password (sign)", ANA_PASSWORD, enter=True)
    assert care.state(sid).step is Step.DONE


def test_a_locked_database_is_reported_as_safe_and_what_was_typed_stays(
    nurse, window: MainWindow, care: Care, patient: PatientView, nurses, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = nurses
    nurse.on_duty(first)
    nurse.chair(1)
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    care.screen(sid, {q.id: "yes" if q.id == "escort" else "no" for q in care.protocol.screening.questions}, first.id)
    window.refresh()

    def locked(*_args: object, **_kwargs: object) -> None:
        raise DatabaseLocked("The database is busy. Nothing already recorded has been lost.", "Wait and try again.")

    monkeypatch.setattr(care, "record_weight", locked)
    nurse.type("Weight", "72.4")
    nurse.click("Unit kg")
    nurse.click("Record weight")
    assert nurse.text("Weight message").startswith("Not saved. The database is busy.")
    assert "Everything already saved is safe" in nurse.text("Trouble")
    assert nurse.find(QLineEdit, "Weight").text() == "72.4"

    monkeypatch.undo()
    nurse.click("Record weight")  # the same entry, once the database answers again
    assert care.state(sid).step is Step.DOSE
    assert not nurse.sees("Trouble")


def test_weighing_again_from_the_dose_page_recalculates_from_the_new_weight(
    nurse, window: MainWindow, care: Care, patient: PatientView, nurses: tuple[Account, Account]
) -> None:
    first, _ = nurses
    nurse.on_duty(first)
    nurse.chair(1)
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    care.screen(sid, {q.id: "yes" if q.id == "escort" else "no" for q in care.protocol.screening.questions}, first.id)
    care.record_weight(sid, "160", "kg", first.id)  # the scale showed pounds
    window.refresh()
    nurse.click("Weigh again")
    assert nurse.sees("Back without weighing")
    nurse.type("Weight", "160")
    nurse.click("Unit lb")
    nurse.click("Record weight")
    assert "160 lb × 0.45359237 = 72.57 kg" in nurse.text("Dose arithmetic")
    assert nurse.text("Dose mg") == "36.3 mg"
    weights = [e.payload["unit"] for e in care.state(sid).events if e.type is E.WEIGHED]
    assert weights == ["kg", "lb"]
