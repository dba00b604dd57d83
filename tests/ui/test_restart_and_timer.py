"""Time on screen comes from core: after a restart, after a minute, and on every tick of the timer."""

from __future__ import annotations

from core.care import Care
from core.clock import ManualClock
from core.events import EventType as E
from core.people import Account
from ui.main_window import MainWindow


def test_a_restart_mid_infusion_asks_about_the_pump_and_keeps_the_time_left(
    restart, window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses
) -> None:
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    clock.advance(minutes=10)
    window.close()

    nurse = restart()
    pump = "◆ Technical — Pump check"
    assert nurse.text("Locked chair 1 attention") == pump  # seen before anyone signs in
    nurse.on_duty(first)
    nurse.chair(1)
    assert nurse.sees("Pump check")
    assert "Look at the pump: is it still running?" in nurse.text("Pump check")
    assert nurse.text("Time left") == "30:00"
    assert "chair 1 (infusing, 30:00 left)" in nurse.text("Unfinished sessions")
    nurse.click("Pump is running")
    state = care.state(ready_session)
    assert state.events[-1].type is E.PUMP_CONFIRMED
    assert state.events[-1].payload["running"] is True
    assert not nurse.sees("Pump check")


def test_a_pump_found_stopped_is_recorded_and_the_nurse_is_told_to_pause_or_stop(
    restart, window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses
) -> None:
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    clock.advance(minutes=5)
    window.close()

    nurse = restart()
    nurse.on_duty(first)
    nurse.chair(1)
    nurse.click("Pump has stopped")
    assert care.state(ready_session).events[-1].payload["running"] is False
    assert "Pause with a reason, or stop early" in nurse.text("Pump note")
    nurse.click("Stop early…")
    nurse.click("Stop early reason line or pump problem")
    nurse.click("Stop early")
    assert care.state(ready_session).events[-1].type is E.STOPPED_EARLY
    assert care.state(ready_session).events[-1].payload["reason"] == "line or pump problem"


def test_the_one_second_timer_runs_and_redraws_from_core(
    nurse, window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses: tuple[Account, Account]
) -> None:
    assert window.tick.isActive()
    assert window.tick.interval() == 1000
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    care.start_infusion(ready_session, nurses[0].id)
    window.tick.timeout.emit()
    assert nurse.text("Time left") == "40:00"
    clock.advance(minutes=1, seconds=30)
    window.tick.timeout.emit()  # what the timer does once a second: nothing but a re-read
    assert nurse.text("Time left") == "38:30"
    assert "38:30 left" in window.chair_list.item(0).text()


def test_the_real_timer_fires_without_help(
    qtbot, nurse, window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses
) -> None:
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    care.start_infusion(ready_session, nurses[0].id)
    window.refresh()
    clock.advance(minutes=2)
    qtbot.waitUntil(lambda: nurse.text("Time left") == "38:00", timeout=3000)


def test_a_restart_while_paused_asks_whether_the_pump_is_still_on_hold(
    restart, window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses
) -> None:
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    clock.advance(minutes=5)
    care.pause(ready_session, "line problem", first.id)
    clock.advance(minutes=2)
    window.close()

    nurse = restart()
    nurse.on_duty(first)
    nurse.chair(1)
    assert "Look at the pump: is it still on hold?" in nurse.text("Pump check")
    assert "running" not in nurse.text("Pump check").split(":")[-1]
    nurse.click("Pump is on hold")
    state = care.state(ready_session)
    assert state.events[-1].type is E.PUMP_CONFIRMED and state.events[-1].payload["running"] is False
    assert not nurse.sees("Pump check")
