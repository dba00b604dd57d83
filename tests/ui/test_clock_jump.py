"""A jump of the computer's clock is said on screen, until a nurse dismisses it, and is never recorded.

The window's watch reads core's clock on both sides: ``clock.advance`` moves the wall and the
monotonic clock together (time passing), ``clock.jump`` moves only the wall clock (someone setting it,
or a sleep), so no test waits.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import inspect, text

from core.care import Care
from core.clock import ManualClock
from core.persistence.db import Database
from tests.helpers.people import ANA_PASSWORD
from tests.helpers.window import Nurse
from ui.main_window import MainWindow


def every_row(database: Database) -> dict[str, list[tuple[object, ...]]]:
    """The whole database, table by table: what a banner must leave exactly as it was."""
    with database.engine.connect() as connection:
        return {
            table: [tuple(row) for row in connection.execute(text(f'SELECT * FROM "{table}"'))]
            for table in inspect(connection).get_table_names()
        }


def second(window: MainWindow, clock: ManualClock) -> None:
    """What the timer does once a second."""
    clock.advance(seconds=1)
    window.tick.timeout.emit()


def test_a_clock_put_forward_mid_infusion_is_said_until_dismissed_and_recorded_nowhere(
    nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, database: Database, ready_session: str, nurses
) -> None:
    first, _ = nurses
    nurse.on_duty(first)
    nurse.chair(1)
    care.start_infusion(ready_session, first.id)
    second(window, clock)
    assert not nurse.sees("Clock jumped")
    before = every_row(database)

    clock.jump(timedelta(minutes=12))
    second(window, clock)
    words = nurse.text("Clock jumped")
    assert "asleep, or its clock was put forward, by 12 minutes" in words
    assert "Look at every running pump" in words
    assert nurse.text("Time left") == "27:58"  # the countdown moved with the clock: that is why it is said
    for _ in range(5):
        second(window, clock)
    assert nurse.sees("Clock jumped")  # it stays until someone has read it

    nurse.click("Dismiss clock jump")
    assert not nurse.sees("Clock jumped")
    second(window, clock)
    assert not nurse.sees("Clock jumped")  # the same jump is not said again
    assert every_row(database) == before


def test_a_clock_put_back_is_said_on_the_lock_screen_too(
    nurse: Nurse, window: MainWindow, clock: ManualClock, nurses
) -> None:
    first, _ = nurses
    nurse.on_duty(first)
    nurse.chair(1)
    window.controller.lock()
    clock.jump(timedelta(hours=-2, minutes=-5))
    second(window, clock)
    assert "clock was put back by 2 hours and 5 minutes" in nurse.text("Lock screen clock jumped")
    assert not nurse.sees("Dismiss clock jump")  # behind the lock: dismissing it needs a signed-in nurse

    nurse.type("Password or PIN", ANA_PASSWORD, enter=True)  # unlocking, as she would
    assert nurse.text("Clock jumped") == window.lock_screen.clock_note.text()
    nurse.click("Dismiss clock jump")
    window.controller.lock()
    assert not nurse.sees("Lock screen clock jumped")


def test_a_second_jump_replaces_the_words_of_the_first(
    nurse: Nurse, window: MainWindow, clock: ManualClock, nurses
) -> None:
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    clock.jump(timedelta(minutes=3))
    second(window, clock)
    clock.jump(timedelta(minutes=-1))
    second(window, clock)
    assert "put back by 1 minute " in nurse.text("Clock jumped")


def test_time_passing_and_small_corrections_say_nothing(
    nurse: Nurse, window: MainWindow, clock: ManualClock, nurses
) -> None:
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    clock.advance(minutes=40)  # a long gap between ticks is still real time
    window.tick.timeout.emit()
    clock.jump(timedelta(seconds=20))  # a time server's correction
    second(window, clock)
    assert not nurse.sees("Clock jumped")
