"""The board's tile, the lock screen and the patient banner say the same priority in the same words for
the same chair, as its needs rise; the alarm panel lists act-now readings apart from advisory ones."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from core.care import Care
from core.clock import ManualClock
from core.protocol import VitalKind
from tests.helpers.answers import no_symptoms
from tests.helpers.people import PASSWORDS
from tests.helpers.window import Nurse
from ui.main_window import MainWindow


def seen_on_board(nurse: Nurse, window: MainWindow) -> tuple[str, str, str]:
    window.refresh()
    assert window.board_showing
    return (
        window.board.tiles[1].property("priority"),
        nurse.text("Chair 1 alarm"),
        nurse.text("Chair 1 attention"),
    )


def seen_locked(nurse: Nurse, window: MainWindow) -> tuple[str, str, str]:
    window.controller.lock()
    window.refresh()
    assert window.screens.currentWidget() is window.lock_screen
    return (
        window.lock_screen.grid.tiles[1].property("priority"),
        nurse.text("Locked chair 1 alarm"),
        nurse.text("Locked chair 1 attention"),
    )


def seen_in_banner(nurse: Nurse, window: MainWindow) -> tuple[str, str, str]:
    nurse.chair(1)
    window.refresh()
    banner = window.findChild(QLabel, "Chair priority")
    priority = banner.parentWidget().property("priority")
    clock = window.panel(1).banner.clock
    if clock.property("state") is not None:  # a pause or an overrun: the clock box wears the same priority
        assert clock.property("state") == priority
    return (priority, nurse.text("Chair priority"), nurse.text("Chair needs"))


def test_tile_lock_screen_and_banner_agree_as_a_paused_chair_rises(
    nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses, normal_vitals
):
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    clock.advance(minutes=10)
    readings = {**normal_vitals, VitalKind.SYSTOLIC: "182", VitalKind.DIASTOLIC: "104"}
    state, _ = care.record_vitals(ready_session, readings, first.id)
    nurse.on_duty(first)
    board = seen_on_board(nurse, window)
    assert board[0] == "high" and board[1] == "▲ ALARM"
    assert board[2].startswith("Act now — Systolic blood pressure 182") and "Diastolic" not in board[2]
    assert nurse.text("Chair 1 attention, line 2").startswith("Advisory — Diastolic blood pressure 104")
    nurse.chair(1)
    alert = nurse.text("Alert 1")
    assert "\nAdvisory — Diastolic blood pressure 104" in alert  # its own line, not under "Act now"
    assert alert.split("\n")[0].endswith("Act now — Systolic blood pressure 182 at or above 180 mmHg")

    care.acknowledge_alert(
        ready_session, state.open_alerts[0].event_id, ["pause", "notify"], no_symptoms(care), first.id
    )
    clock.advance(minutes=3)
    nurse.click("All chairs")
    board = seen_on_board(nurse, window)
    assert board[0] == "medium" and board[1] == "● Attention"
    assert board[2].startswith("Paused 3 min")
    assert seen_in_banner(nurse, window) == board
    nurse.click("All chairs")
    assert seen_locked(nurse, window) == board

    nurse.type("Password or PIN", PASSWORDS[first.username], enter=True)  # unlock
    clock.advance(minutes=care.protocol.escalation.pause_limit_minutes)  # the pause is over its limit
    board = seen_on_board(nurse, window)
    assert board[0] == "high" and board[1] == "▲ ALARM" and board[2].endswith("min: over limit")
    assert seen_in_banner(nurse, window) == board
    nurse.click("All chairs")
    assert seen_locked(nurse, window) == board
    assert "Recheck after the alert" in window.lock_screen.grid.tiles[1].accessibleDescription()


def test_missed_sets_read_the_same_on_the_tile_the_lock_screen_and_the_banner(
    nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses
):
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    clock.advance(minutes=31)  # no vitals at all: 10 and 20 missed, 30 due
    nurse.on_duty(first)
    board = seen_on_board(nurse, window)
    assert board[0] == "high" and board[1] == "▲ ALARM"
    assert board[2].startswith("Vitals MISSED (2): ")
    assert "20 min into infusion" in board[2]
    assert seen_in_banner(nurse, window) == board
    nurse.click("All chairs")
    assert seen_locked(nurse, window) == board


def test_the_vitals_form_says_what_the_tile_says_and_advisory_readings_stand_apart(
    nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses, normal_vitals
):
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    clock.advance(minutes=care.protocol.escalation.missed_after_minutes + 10)  # the 10-minute set missed
    nurse.on_duty(first)
    board = seen_on_board(nurse, window)
    assert board[2].startswith("Vitals MISSED (1)")
    nurse.chair(1)
    window.refresh()
    form = window.findChild(QLabel, "Vital signs due")
    assert nurse.text("Vital signs due") == board[2]  # not "Overdue" under a tile that says MISSED
    assert form.property("tone") == {"high": "act", "medium": "advise", "low": "notice"}[board[0]]

    readings = {**normal_vitals, VitalKind.SYSTOLIC: "182", VitalKind.DIASTOLIC: "104"}
    for kind, value in readings.items():
        nurse.type(care.protocol.vitals[kind].label, value)
    nurse.click("Record vital signs")
    act = nurse.text("Vital signs findings")
    assert act.startswith("Act now — Systolic") and "Advisory" not in act and "Diastolic" not in act
    advisory = window.findChild(QLabel, "Vital signs advisory findings")
    assert nurse.text("Vital signs advisory findings").startswith("Advisory — Diastolic blood pressure 104")
    assert advisory.property("tone") == "advise"
