"""Bad input is refused by the field that caused it, with what to do, and nothing is recorded."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit

from core.alerts import symptom_questions
from core.care import Care
from core.events import EventType as E
from core.identify import Identified
from core.people import Account
from core.protocol import VitalKind
from tests.helpers.people import ANA_PASSWORD
from ui.main_window import MainWindow


def vitals_recorded(care: Care, session_id: str) -> int:
    return sum(event.type is E.VITALS for event in care.state(session_id).events)


def test_an_impossible_spo2_is_refused_inline_and_nothing_is_recorded(
    nurse, window: MainWindow, care: Care, ready_session: str, nurses: tuple[Account, Account], normal_vitals
) -> None:
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    window.refresh()
    before = vitals_recorded(care, ready_session)
    nurse.click("Show the vital signs entry")  # ready, the baseline taken: the entry is folded to one line
    nurse.enter_vitals({**normal_vitals, VitalKind.SPO2: "101"})

    message = nurse.text("Vital signs message")
    assert "SpO2 101 % is not possible" in message
    assert "Re-read the oximeter" in message
    spo2 = nurse.find(QLineEdit, "SpO2")
    assert spo2.text() == "101"  # what was typed stays, to correct
    assert spo2.property("invalid") is True
    assert nurse.find(QLineEdit, "Heart rate").text() == "72"
    assert vitals_recorded(care, ready_session) == before


def test_an_act_now_reading_raises_an_alert_that_needs_the_action_taken(
    nurse, window: MainWindow, care: Care, ready_session: str, nurses: tuple[Account, Account], normal_vitals
) -> None:
    first, _ = nurses
    nurse.on_duty(first)
    nurse.chair(1)
    care.start_infusion(ready_session, first.id)
    window.refresh()
    nurse.enter_vitals({**normal_vitals, VitalKind.SPO2: "88"})
    assert "Act now" in nurse.text("Vital signs findings")
    window.refresh()
    assert "SpO2 88" in nurse.text("Alert 1")
    assert care.protocol.vitals[VitalKind.SPO2].act_instruction in nurse.text("Alert 1")

    nurse.click("Acknowledge alert 1")
    assert "Choose the action taken" in nurse.text("Alert message")
    assert len(care.state(ready_session).open_alerts) == 1

    nurse.click("Alert 1: Oxygen given")
    nurse.click("Alert 1: Prescriber notified")
    for question in symptom_questions(care.protocol, care.state(ready_session).open_alerts[0]):
        nurse.click(f"Alert 1: {question.text} No")
    nurse.type("Note for alert 1", "oxygen 2 L", enter=True)
    state = care.state(ready_session)
    assert state.open_alerts == ()
    assert state.events[-1].type is E.ALERT_ACKNOWLEDGED
    assert state.events[-1].payload["actions"] == ["notify", "oxygen"]
    assert state.events[-1].payload["note"] == "oxygen 2 L"
    window.refresh()
    assert not nurse.sees("Alert 1", QLabel)


def test_the_nurse_who_dosed_cannot_be_the_second_nurse(
    nurse, window: MainWindow, care: Care, patient, nurses: tuple[Account, Account]
) -> None:
    first, _ = nurses
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    care.screen(sid, {q.id: "yes" if q.id == "escort" else "no" for q in care.protocol.screening.questions}, first.id)
    care.record_weight(sid, "80", "kg", first.id)
    care.confirm_dose(sid, first.id)
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    nurse.type("Second nurse user name", "ana")
    nurse.type("Second nurse password", ANA_PASSWORD)
    nurse.type("Check weight (kg)", "80")
    nurse.type("Check dose (mg)", "40")
    nurse.type("Check pump rate (mL/h)", "151.5", enter=True)
    assert "cannot also check it" in nurse.text("Check message")
    assert not any(event.type is E.CHECKED for event in care.state(sid).events)
    assert nurse.find(QLineEdit, "Second nurse password").text() == ""
    assert nurse.find(QLineEdit, "Second nurse user name").text() == "ana"
    assert nurse.find(QLineEdit, "Check dose (mg)").text() == "40"


def test_a_dose_above_the_soft_limit_asks_for_the_reason_before_it_can_be_confirmed(
    nurse, window: MainWindow, care: Care, patient, nurses: tuple[Account, Account]
) -> None:
    first, _ = nurses
    nurse.on_duty(first)
    nurse.chair(1)
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    care.screen(sid, {q.id: "yes" if q.id == "escort" else "no" for q in care.protocol.screening.questions}, first.id)
    care.record_weight(sid, "130", "kg", first.id)  # 65 mg: above the soft limit
    window.refresh()
    assert "above the soft limit" in nurse.text("Dose message")
    assert nurse.find(QLineEdit, "Override reason").text() == ""
    # The figures the reason goes ahead with are there at once, marked as over the soft limit.
    figures = [nurse.text(name) for name in ("Dose mg", "Volume to draw", "Bag volume", "Rate mL/h")]
    assert figures == ["65.0 mg", "6.50 mL", "106.50 mL", "159.8 mL/h"]
    assert "VTBI 106.5 mL" in nurse.text("Rate mL/h detail")
    assert nurse.text("Dose mg detail") == "Over the soft limit of 60 mg"
    nurse.click("Confirm dose")  # confirming still needs the reason: refused by its field, nothing recorded
    assert "give the reason" in nurse.text("Dose message")
    assert nurse.find(QLineEdit, "Override reason").property("invalid") is True
    assert care.state(sid).dose is None
    nurse.type("Override reason", "prescriber Dr Lee confirmed weight-based dose")
    assert nurse.text("Dose mg") == "65.0 mg"
    nurse.click("Confirm dose")
    state = care.state(sid)
    assert state.dose is not None
    assert state.dose.override_reason == "prescriber Dr Lee confirmed weight-based dose"
