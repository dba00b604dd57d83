"""The database file deleted while the window runs: every screen says so and where the rescue copy is,
the countdowns run on, and a vitals set typed afterwards is refused and stays on the screen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit

from core.care import Care
from core.clock import ManualClock
from tests.helpers.window import Nurse, in_its_view
from tests.test_database_gone import remove
from ui.main_window import MainWindow


def second(window: MainWindow, clock: ManualClock) -> None:
    clock.advance(seconds=1)
    window.tick.timeout.emit()


def test_a_deleted_database_is_said_on_every_screen_and_nothing_typed_after_is_shown_saved(
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    clock: ManualClock,
    db_path: Path,
    ready_session: str,
    nurses,
    normal_vitals,
) -> None:
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    nurse.on_duty(first)
    nurse.chair(1)
    second(window, clock)
    assert not nurse.sees("Trouble")
    events = len(care.state(ready_session).events)

    remove(db_path)
    second(window, clock)
    words = nurse.text("Trouble")
    assert "was deleted while Chairside was using it" in words and "downtime forms" in words
    (rescued,) = db_path.parent.glob("chairside.rescued-*.sqlite")
    assert str(rescued) in words
    dismiss = next(b for b in window.trouble.findChildren(QAbstractButton) if b.accessibleName() == "Dismiss trouble")
    assert not dismiss.isVisible()  # nothing can be saved until it is back: it cannot be waved away
    assert window.lock_screen.trouble_note.text() == words  # behind the lock too

    left = nurse.text("Time left")
    second(window, clock)
    assert nurse.text("Time left") != left  # the countdown runs on from what was read

    for kind, value in normal_vitals.items():
        nurse.type(care.protocol.vitals[kind].label, value)
    nurse.click("Record vital signs")
    assert not db_path.exists()  # no empty file made in its place
    assert len(care.state(ready_session).events) == events  # nothing saved (read through the open file)
    systolic = care.protocol.vitals[next(iter(normal_vitals))].label
    assert nurse.find(QLineEdit, systolic).text() == normal_vitals[next(iter(normal_vitals))]  # still there
    assert "nothing can be saved now" in nurse.text("Vital signs message")
    assert nurse.text("Trouble") == words  # the notice still says where the rescue copy is


def test_at_1024_the_refusal_of_a_set_typed_after_is_brought_into_view(
    nurse: Nurse,
    qtbot,
    window: MainWindow,
    care: Care,
    clock: ManualClock,
    db_path: Path,
    ready_session: str,
    nurses,
    normal_vitals,
) -> None:
    """With the notice over the page at 1024×768 the refusal under the vitals form was below the fold: the
    nurse pressed "Record vital signs" and saw nothing happen."""
    first, _ = nurses
    window.resize(1024, 768)
    care.start_infusion(ready_session, first.id)
    nurse.on_duty(first)
    nurse.chair(1)
    remove(db_path)
    second(window, clock)
    for kind, value in normal_vitals.items():
        nurse.type(care.protocol.vitals[kind].label, value)
    nurse.click("Record vital signs")
    message = nurse.find(QLabel, "Vital signs message")
    qtbot.waitUntil(lambda: in_its_view(message), timeout=3000)
    assert "nothing can be saved now" in message.text()
