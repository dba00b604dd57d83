"""The chair's vitals entry: what was typed survives the step moving on, partial sets, temperature."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QGroupBox, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from core.care import Care
from core.clock import ManualClock
from core.events import Event
from core.events import EventType as E
from core.machine import Step
from core.protocol import VitalKind as V
from core.views import PatientView
from tests.helpers.answers import DISCHARGE_OK, NO_SIDE_EFFECTS, NORMAL
from tests.helpers.people import ANA_PASSWORD, BEN_PASSWORD
from tests.helpers.sessions import seen, session_at
from tests.helpers.window import Nurse
from ui.main_window import MainWindow


def label(care: Care, kind: V) -> str:
    return care.protocol.vitals[kind].label


def vitals_events(care: Care, session_id: str) -> list[Event]:
    return [event for event in care.state(session_id).events if event.type is E.VITALS]


def typed(nurse: Nurse, care: Care, kind: V) -> str:
    return nurse.find(QLineEdit, label(care, kind)).text()


def keys(qtbot: QtBot, *strokes: str | Qt.Key) -> None:
    """Keys sent to whichever control has the focus, as a keyboard would."""
    for stroke in strokes:
        focus = QApplication.focusWidget()
        assert focus is not None
        if isinstance(stroke, str):
            qtbot.keyClicks(focus, stroke)
        else:
            qtbot.keyClick(focus, stroke)


def titles(window: MainWindow) -> list[str]:
    return [box.title() for box in window.findChildren(QGroupBox) if box.isVisible()]


def test_baseline_typed_half_way_on_the_dose_page_is_there_once_the_dose_is_checked(
    nurse: Nurse, qtbot: QtBot, window: MainWindow, care: Care, patient: PatientView, nurses
) -> None:
    first, _ = nurses
    sid = session_at(care, patient, nurses, Step.DOSE)
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    assert "Baseline vital signs" in titles(window)
    nurse.type(label(care, V.SYSTOLIC), "124")
    nurse.type(label(care, V.DIASTOLIC), "78")
    nurse.type(label(care, V.HEART_RATE), "72")
    nurse.click("Confirm dose")
    assert not nurse.sees(label(care, V.SYSTOLIC))  # the check page: no vitals there

    nurse.click("All chairs")
    care.record_check(sid, "ben", BEN_PASSWORD, "72.4", "36.2", "155.4")  # the second nurse, elsewhere
    nurse.click("Lock the screen")
    nurse.type("Password or PIN", ANA_PASSWORD, enter=True)
    window.refresh()
    nurse.chair(1)

    assert nurse.sees("Start infusion")  # the step moved on to ready, on another page
    assert "Baseline vital signs" not in titles(window) and nurse.sees("Show vital signs")  # the tab names it now
    assert [typed(nurse, care, kind) for kind in (V.SYSTOLIC, V.DIASTOLIC, V.HEART_RATE)] == ["124", "78", "72"]
    nurse.find(QLineEdit, label(care, V.RESPIRATORY_RATE)).setFocus()
    keys(qtbot, "14", Qt.Key.Key_Tab, "98", Qt.Key.Key_Tab, "0", Qt.Key.Key_Return)

    (baseline,) = vitals_events(care, sid)
    assert baseline.payload["values"] == {kind.value: value for kind, value in NORMAL.items()}
    assert baseline.payload["point_id"] == "baseline"
    assert baseline.payload["partial_reason"] is None
    assert baseline.recorded_by == first.id
    assert typed(nurse, care, V.SYSTOLIC) == ""


def test_a_set_begun_while_infusing_is_finished_on_the_observation_page(
    nurse: Nurse, qtbot: QtBot, window: MainWindow, care: Care, ready_session: str, nurses, clock: ManualClock
) -> None:
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    nurse.on_duty(first)
    nurse.chair(1)
    clock.advance(minutes=40)
    window.refresh()
    nurse.type(label(care, V.HEART_RATE), "80")
    nurse.type(label(care, V.SPO2), "97")
    keys(qtbot, Qt.Key.Key_Escape)  # to the board
    assert window.board_showing

    care.complete(ready_session, first.id)
    window.refresh()
    nurse.chair(1)
    assert nurse.sees("Record discharge")
    assert (typed(nurse, care, V.HEART_RATE), typed(nurse, care, V.SPO2)) == ("80", "97")
    rest = {kind: value for kind, value in NORMAL.items() if kind not in {V.HEART_RATE, V.SPO2}}
    nurse.enter_vitals(rest)

    state = care.state(ready_session)
    last = state.events[-1]
    assert last.type is E.VITALS and state.events[-2].type is E.COMPLETED
    assert last.payload["values"] == {**{k.value: v for k, v in NORMAL.items()}, "heart_rate": "80", "spo2": "97"}


def test_a_new_session_on_the_chair_starts_from_an_empty_entry(
    nurse: Nurse, window: MainWindow, care: Care, patient: PatientView, ready_session: str, nurses, clock: ManualClock
) -> None:
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    clock.advance(minutes=40)
    care.complete(ready_session, first.id)
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    nurse.type(label(care, V.HEART_RATE), "88")  # typed, never recorded, for the patient who leaves
    clock.advance(minutes=30)
    care.record_side_effects(ready_session, NO_SIDE_EFFECTS, first.id)  # the check owed before discharge
    care.record_vitals(ready_session, NORMAL, first.id)  # the set before discharge
    care.discharge(ready_session, "10", DISCHARGE_OK, first.id, ANA_PASSWORD)
    care.sign(ready_session, first.id, ANA_PASSWORD, seen_seq=seen(care, ready_session))
    window.refresh()

    clock.advance(timedelta(days=1))
    session_at(care, patient, nurses, Step.DOSE)
    window.refresh()
    assert nurse.sees("Confirm dose")
    assert typed(nurse, care, V.HEART_RATE) == ""
    assert nurse.find(QComboBox, "Reason the set is partial").currentData() is None


def test_a_partial_set_is_recorded_with_the_reason_chosen(
    nurse: Nurse, window: MainWindow, care: Care, ready_session: str, nurses, clock: ManualClock
) -> None:
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    nurse.on_duty(first)
    nurse.chair(1)
    clock.advance(minutes=10)
    window.refresh()
    asleep = {V.HEART_RATE: "64", V.RESPIRATORY_RATE: "12", V.SPO2: "96"}
    nurse.enter_vitals(asleep)
    message = nurse.text("Vital signs message")
    assert "Missing: Systolic blood pressure, Diastolic blood pressure, Sedation (RASS)." in message
    assert nurse.find(QComboBox, "Reason the set is partial").property("invalid") is True
    assert len(vitals_events(care, ready_session)) == 1  # only the baseline

    offered = nurse.find(QComboBox, "Reason the set is partial")
    assert [offered.itemText(i) for i in range(1, offered.count())] == care.protocol.vitals_schedule.partial_reasons
    nurse.choose("Reason the set is partial", "asleep")
    nurse.click("Record vital signs")

    recorded = vitals_events(care, ready_session)[-1]
    assert recorded.payload["values"] == {kind.value: value for kind, value in asleep.items()}
    assert recorded.payload["partial_reason"] == "asleep"
    assert recorded.payload["point_id"] == "infusion-10"
    assert offered.currentData() is None  # back to nothing missing for the next set
    assert typed(nurse, care, V.HEART_RATE) == ""


def test_a_reason_chosen_by_mistake_can_be_taken_back(
    nurse: Nurse, window: MainWindow, care: Care, ready_session: str, nurses, clock: ManualClock
) -> None:
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    nurse.on_duty(first)
    nurse.chair(1)
    clock.advance(minutes=10)
    window.refresh()
    nurse.choose("Reason the set is partial", "refused")
    nurse.enter_vitals(NORMAL)
    assert "not partial" in nurse.text("Vital signs message")
    assert len(vitals_events(care, ready_session)) == 1

    nurse.choose("Reason the set is partial", "Nothing missing")
    nurse.click("Record vital signs")
    recorded = vitals_events(care, ready_session)[-1]
    assert recorded.payload["partial_reason"] is None
    assert len(recorded.payload["values"]) == len(NORMAL)


def test_a_fahrenheit_temperature_is_refused_by_its_field_and_a_celsius_one_recorded(
    nurse: Nurse, window: MainWindow, care: Care, ready_session: str, nurses, clock: ManualClock
) -> None:
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    nurse.on_duty(first)
    nurse.chair(1)
    clock.advance(minutes=10)
    window.refresh()
    assert not nurse.sees("Temperature latest", QLabel)  # no temperature taken yet: no trend row
    nurse.enter_vitals({**NORMAL, V.TEMPERATURE: "98.6"})

    message = nurse.text("Vital signs message")
    assert "Temperature 98.6 looks like °F." in message and "Enter the temperature in °C." in message
    temperature = nurse.find(QLineEdit, "Temperature")
    assert temperature.property("invalid") is True
    assert temperature.text() == "98.6" and typed(nurse, care, V.SYSTOLIC) == "124"  # kept, to correct
    assert len(vitals_events(care, ready_session)) == 1

    temperature.clear()
    nurse.type("Temperature", "37.2", enter=True)
    recorded = vitals_events(care, ready_session)[-1]
    assert recorded.payload["values"] == {**{k.value: v for k, v in NORMAL.items()}, "temperature": "37.2"}
    assert recorded.payload["partial_reason"] is None
    window.refresh()
    assert nurse.text("Temperature latest") == "37.2 °C"


def test_126124_typed_into_systolic_is_two_readings_recorded_and_its_alarm_raised(
    nurse: Nurse, qtbot: QtBot, window: MainWindow, care: Care, ready_session: str, nurses, clock: ManualClock
):
    """The field moves on after "126", so "124" lands in diastolic: 126/124 is recorded, never silently (a
    diastolic of 124 is at the act-now tier: its alarm asks for the nurse, who measures again)."""
    care.start_infusion(ready_session, nurses[0].id)
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    clock.advance(minutes=10)
    window.refresh()
    before = len(vitals_events(care, ready_session))
    nurse.find(QLineEdit, label(care, V.SYSTOLIC)).setFocus()
    keys(qtbot, "126124", *(value for kind, value in NORMAL.items() if kind not in {V.SYSTOLIC, V.DIASTOLIC}))
    keys(qtbot, Qt.Key.Key_Return)
    sets = vitals_events(care, ready_session)
    assert len(sets) == before + 1
    readings = sets[-1].payload["values"]
    assert (readings[V.SYSTOLIC.value], readings[V.DIASTOLIC.value]) == ("126", "124")
    assert care.state(ready_session).open_alerts
