"""An alert can be acknowledged on every page where it can be open, and a page held by it says why."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QLabel

from core.care import Care
from core.events import EventType as E
from core.machine import Step
from core.people import Account
from core.protocol import VitalKind
from core.views import PatientView
from tests.helpers.answers import NORMAL
from tests.helpers.people import ANA_PASSWORD
from tests.helpers.sessions import observed, session_at
from ui.main_window import MainWindow

LOW_SPO2 = {**NORMAL, VitalKind.SPO2: "85"}


def acknowledge_with_notify(nurse, care: Care) -> None:
    """The nurse tells the prescriber, answers every symptom question the alert asks, and acknowledges."""
    nurse.click("Alert 1: Prescriber notified")
    for question in care.protocol.alert_response.symptoms:
        if nurse.sees(f"Alert 1: {question.text} No"):
            nurse.click(f"Alert 1: {question.text} No")
    nurse.click("Acknowledge alert 1")


def test_an_alert_raised_by_the_baseline_stays_in_view_until_acknowledged_at_the_check(
    nurse, window: MainWindow, care: Care, patient: PatientView, nurses: tuple[Account, Account]
) -> None:
    first, _ = nurses
    sid = session_at(care, patient, nurses, Step.DOSE)
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    nurse.enter_vitals(LOW_SPO2)
    window.refresh()
    assert "SpO2 85" in nurse.text("Alert 1")
    nurse.click("Confirm dose")
    window.refresh()
    assert care.state(sid).step is Step.CHECK
    assert "SpO2 85" in nurse.text("Alert 1")  # the check page keeps it in view

    acknowledge_with_notify(nurse, care)
    state = care.state(sid)
    assert state.open_alerts == ()
    assert state.events[-1].type is E.ALERT_ACKNOWLEDGED
    assert state.events[-1].payload["actions"] == ["notify"]
    window.refresh()
    assert not nurse.sees("Alert 1", QLabel)


def test_the_page_to_sign_says_an_open_alert_holds_the_signature_and_takes_the_acknowledgement(
    nurse, window: MainWindow, care: Care, patient: PatientView, nurses: tuple[Account, Account]
) -> None:
    first, _ = nurses
    sid = session_at(care, patient, nurses, Step.DOSE)
    care.record_vitals(sid, LOW_SPO2, first.id)
    care.abandon(sid, "SpO2 low at baseline, rebooked", first.id)
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    assert "Acknowledge the alert for SpO2 85" in nurse.text("Sign hint")
    assert not nurse.find(QAbstractButton, "Sign session").isEnabled()

    acknowledge_with_notify(nurse, care)
    window.refresh()
    assert not nurse.sees("Sign hint")
    nurse.type("Your password (sign)", ANA_PASSWORD, enter=True)
    state = care.state(sid)
    assert state.step is Step.DONE
    assert [e.type for e in state.events[-2:]] == [E.ALERT_ACKNOWLEDGED, E.SIGNED]


def test_the_discharge_says_an_open_alert_holds_it(
    nurse, window: MainWindow, care: Care, patient: PatientView, nurses: tuple[Account, Account], clock
) -> None:
    first, _ = nurses
    sid = observed(care, patient, nurses, clock)
    care.record_vitals(sid, LOW_SPO2, first.id)
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    assert "Acknowledge the alert for SpO2 85" in nurse.text("Discharge hint")
    assert not nurse.find(QAbstractButton, "Record discharge").isEnabled()

    acknowledge_with_notify(nurse, care)
    window.refresh()
    assert not nurse.sees("Discharge hint")
    assert nurse.find(QAbstractButton, "Record discharge").isEnabled()
    assert care.state(sid).open_alerts == ()
