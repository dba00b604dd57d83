"""The field messages of item 7: a weight the scale cannot show, a unit chosen to make it fit, and a
vital sign with more digits than it can have, each said by its field with what to do."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from core.care import Care
from core.events import EventType as E
from core.people import Account
from core.protocol import VitalKind
from tests.helpers.people import BEN_PASSWORD
from tests.helpers.window import Nurse
from tests.test_weight_change import today, yesterday_at
from tests.ui.test_check_page import fill_check
from tests.ui.test_signing_screens import dosed
from ui.main_window import MainWindow

CONFIRM = "The weight is right: I checked the scale and the unit and weighed again."


def test_700_kg_points_to_the_decimal_point_and_700_lb_is_then_held_against_the_last_weight(
    nurse: Nurse, window: MainWindow, care: Care, patient, nurses, clock
):
    yesterday_at(care, patient, nurses, clock)
    sid = today(care, patient, nurses)
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    window.refresh()
    nurse.type("Weight", "700")
    nurse.click("Unit kg")
    nurse.click("Record weight")
    message = nurse.text("Weight message")
    assert "Is the decimal point in the wrong place: 70.0 kg?" in message
    assert "The patient's last weight was 72.4 kg" in message
    assert "choose lb" not in message and "pounds" not in message
    field = nurse.find(QLineEdit, "Weight")
    assert field.text() == "700" and field.property("invalid") is True

    nurse.click("Unit lb")  # the unit switched to make the number fit
    nurse.click("Record weight")
    message = nurse.text("Weight message")
    assert "700 would be impossible in kg" in message and "last weight was 72.4 kg" in message
    assert nurse.sees(CONFIRM)
    assert E.WEIGHED not in {e.type for e in care.state(sid).events}


def test_two_readings_run_together_are_refused_by_their_field_before_the_range(
    nurse: Nurse, window: MainWindow, care: Care, ready_session: str, nurses: tuple[Account, Account], normal_vitals
):
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    window.refresh()
    before = sum(e.type is E.VITALS for e in care.state(ready_session).events)
    nurse.click("Show the vital signs entry")  # ready, the baseline taken: the entry is folded to one line
    labels = care.protocol.vitals
    for kind, value in normal_vitals.items():
        nurse.find(QLineEdit, labels[kind].label).setText(value)
    systolic = nurse.find(QLineEdit, labels[VitalKind.SYSTOLIC].label)
    systolic.setText("126124")  # pasted, or typed where the field did not move on
    nurse.click("Record vital signs")
    message = nurse.text("Vital signs message")
    assert "“126124” has 6 digits; a systolic blood pressure reading has at most 3 digits." in message
    assert "two readings ran together" in message and "not possible" not in message
    assert systolic.property("invalid") is True and systolic.text() == "126124"
    assert sum(e.type is E.VITALS for e in care.state(ready_session).events) == before


def test_a_check_that_did_not_agree_reads_so_on_the_chair_never_as_saved_or_verified(
    nurse: Nurse, window: MainWindow, care: Care, patient, nurses: tuple[Account, Account]
):
    sid = dosed(care, patient, nurses)
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    window.refresh()
    fill_check(nurse, "ben", BEN_PASSWORD, dose="3.62")
    window.refresh()
    last = nurse.text("Last saved")
    assert last.startswith("Recorded: Check did not agree at ")
    assert "Saved" not in last
    assert nurse.sees("Check mismatch")
    (signature,) = care.state(sid).signatures
    assert signature.meaning.value == "did not agree"


def test_a_new_patients_700_lb_asks_for_the_weight_in_kg_not_a_tick(
    nurse: Nurse, window: MainWindow, care: Care, patient, nurses
):
    """No last weight to compare: the message asks about the decimal point in lb and for the weight in kg."""
    sid = today(care, patient, nurses)
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    window.refresh()
    nurse.type("Weight", "700")
    nurse.click("Unit lb")
    nurse.click("Record weight")
    message = nurse.text("Weight message")
    assert "Is the decimal point in the wrong place: 70.0 lb?" in message
    assert "type 317.5 and choose kg" in message
    assert not nurse.sees(CONFIRM)  # nothing to tick: a tick would let 317.5 kg through on a glance
    assert E.WEIGHED not in {e.type for e in care.state(sid).events}
