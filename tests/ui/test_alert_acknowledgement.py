"""An act-now reading at the chair: the alert asks what was done and about symptoms, refuses half an
answer by the field, and a "paused" acknowledgement records the pause with it."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from core.alerts import symptom_questions
from core.care import Care
from core.events import EventType as E
from core.machine import Step
from core.protocol import VitalKind
from tests.helpers.window import Nurse
from tests.ui.test_accessible_names import unnamed
from ui.main_window import MainWindow
from ui.widgets.alerts import AlertsPanel


def high_blood_pressure(nurse: Nurse, window: MainWindow, care: Care, clock, session: str, normal_vitals) -> str:
    """Ten minutes into the infusion the nurse types 190/105; returns the alert's id."""
    nurse.enter_vitals({**normal_vitals, VitalKind.SYSTOLIC: "190", VitalKind.DIASTOLIC: "105"})
    assert "Act now" in nurse.text("Vital signs findings")
    window.refresh()
    assert nurse.text("Alert 1").splitlines()[0].endswith("Systolic blood pressure 190 at or above 180 mmHg")
    (alert,) = care.state(session).open_alerts
    return alert.event_id


def visible_alerts_panel(window: MainWindow) -> AlertsPanel:
    (panel,) = [p for p in window.findChildren(AlertsPanel) if p.isVisible()]
    return panel


def test_a_high_blood_pressure_is_acknowledged_with_the_pause_the_prescriber_and_the_symptoms(
    nurse: Nurse, window: MainWindow, care: Care, clock, ready_session: str, nurses, normal_vitals
) -> None:
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    clock.advance(minutes=10)
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    alert_id = high_blood_pressure(nurse, window, care, clock, ready_session, normal_vitals)
    assert unnamed(visible_alerts_panel(window)) == []
    questions = symptom_questions(care.protocol, care.state(ready_session).open_alerts[0])
    assert {"headache", "chest_pain", "visual"} <= {q.id for q in questions}
    before = len(care.state(ready_session).events)

    for question in questions:
        nurse.click(f"Alert 1: {question.text} No")
    nurse.click("Acknowledge alert 1")  # no action chosen
    assert nurse.text("Alert message").startswith("Choose the action taken for this alert.")
    actions = visible_alerts_panel(window).forms[0].actions_frame
    assert actions.property("invalid") is True
    state = care.state(ready_session)
    assert len(state.events) == before and len(state.open_alerts) == 1 and state.step is Step.INFUSING

    nurse.click("Alert 1: Infusion paused")
    nurse.click("Alert 1: Prescriber notified")
    nurse.click("Alert 1: Severe or new headache? Yes")  # changes the earlier "No"
    clock.advance(minutes=1)
    nurse.type("Note for alert 1", "Dr Patel by phone, will review", enter=True)

    state = care.state(ready_session)
    ack, pause = state.events[-2:]
    assert ack.type is E.ALERT_ACKNOWLEDGED and pause.type is E.PAUSED
    assert (ack.recorded_by, ack.occurred_at) == (first.id, clock.now())
    assert ack.payload["alert_event_id"] == alert_id
    assert ack.payload["actions"] == ["pause", "notify"]
    assert ack.payload["symptoms"] == {q.id: "yes" if q.id == "headache" else "no" for q in questions}
    assert ack.payload["note"] == "Dr Patel by phone, will review"
    assert pause.payload["alert_event_id"] == alert_id
    assert state.step is Step.PAUSED and state.open_alerts == ()
    assert state.infusion.pause_reason.startswith("Act-now alert: Systolic blood pressure 190")
    assert state.infusion.remaining == timedelta(minutes=29)
    window.refresh()
    assert not nurse.sees("Alert 1", QLabel)
    assert nurse.find(QPushButton, "Resume").isEnabled()


def test_an_unanswered_symptom_question_is_refused_by_its_row(
    nurse: Nurse, window: MainWindow, care: Care, clock, ready_session: str, nurses, normal_vitals
) -> None:
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    clock.advance(minutes=10)
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    high_blood_pressure(nurse, window, care, clock, ready_session, normal_vitals)
    questions = symptom_questions(care.protocol, care.state(ready_session).open_alerts[0])
    before = len(care.state(ready_session).events)
    nurse.click("Alert 1: Prescriber notified")
    for question in questions[1:]:
        nurse.click(f"Alert 1: {question.text} No")
    nurse.click("Acknowledge alert 1")
    assert nurse.text("Alert message").startswith(f"Ask the patient: {questions[0].text}")
    row = visible_alerts_panel(window).forms[0].answer_frames[questions[0].id]
    assert row.property("invalid") is True
    assert len(care.state(ready_session).events) == before


def test_the_acknowledgement_can_be_made_from_the_keyboard(
    nurse: Nurse, window: MainWindow, care: Care, clock, ready_session: str, nurses, normal_vitals, qtbot
) -> None:
    """Tab goes from choice to choice (a yes/no pair is one stop: the arrow keys move within it), Space
    chooses, Enter in the note acknowledges."""
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    clock.advance(minutes=10)
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    high_blood_pressure(nurse, window, care, clock, ready_session, normal_vitals)
    window.activateWindow()
    form = visible_alerts_panel(window).forms[0]
    choose = {"Alert 1: Prescriber notified", "Alert 1: Recheck vitals in 5 min"}
    questions = [f"Alert 1: {q.text}" for q in symptom_questions(care.protocol, form.alert)]
    form.actions["pause"].setFocus()
    focus: QWidget = form.actions["pause"]
    reached = []
    for _ in range(40):
        reached.append(focus.accessibleName())
        if focus.accessibleName() in choose:
            qtbot.keyClick(focus, Qt.Key.Key_Space)
        elif focus.accessibleName().removesuffix(" Yes") in questions:
            qtbot.keyClick(focus, Qt.Key.Key_Right)
            focus = QApplication.focusWidget()
            assert focus.accessibleName().endswith(" No")
            qtbot.keyClick(focus, Qt.Key.Key_Space)
        if focus is form.note:
            break
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
        focus = QApplication.focusWidget()
    assert focus is form.note, reached
    assert [name for name in reached if name.endswith(" Yes")] == [f"{q} Yes" for q in questions]
    qtbot.keyClick(form.note, Qt.Key.Key_Return)

    ack = care.state(ready_session).events[-1]
    assert ack.type is E.ALERT_ACKNOWLEDGED
    assert ack.payload["actions"] == ["notify", "recheck"]
    assert set(ack.payload["symptoms"].values()) == {"no"}
    assert ack.payload["recheck"] == {"minutes": 5, "label": "Recheck vitals"}
    assert care.state(ready_session).next_vitals.point.label == "Recheck vitals"
