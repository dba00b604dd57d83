"""While the app runs it takes backups on the clinic's schedule and at the end of a shift, and the top bar
says when the last good one was taken; a notice says so when backups cannot be written."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from core import backups
from core.backups import backup_folder, backups_in
from core.clock import ManualClock
from core.persistence.db import Database
from core.settings import change_clinic_setting
from tests.helpers.window import Nurse
from ui.main_window import MainWindow


def tick(window: MainWindow, clock: ManualClock, minutes: int = 1) -> None:
    """A minute on, and the seconds after it until the backups are still: the look at the folder, a copy
    it finds owed, and the look after the copy all run away from the screen; the test waits for each."""
    clock.advance(minutes=minutes)
    for _ in range(4):
        window.tick.timeout.emit()
        window.controller.finish_backups()
    window.tick.timeout.emit()


def test_backups_on_the_schedule_and_at_sign_out_said_in_the_top_bar(
    nurse: Nurse, window: MainWindow, database: Database, clock: ManualClock, nurses, tmp_path: Path
) -> None:
    nurse.on_duty(nurses[0])
    tick(window, clock)
    assert nurse.text("Backups") == "No backup yet" and not nurse.sees("Backup notice")
    folder = backup_folder("")
    tick(window, clock, minutes=4 * 60)  # the schedule's four hours since the start
    (first,) = backups_in(folder)
    assert nurse.text("Backups") == f"Last backup {first.taken_at.astimezone():%H:%M}"
    window.silence_button.show()  # the top bar at its fullest, on a 1024×768 cart: the time stays whole
    window.resize(1024, 768)
    QApplication.processEvents()
    assert window.backup_line.shown() == window.backup_line.text()

    tick(window, clock, minutes=90)
    nurse.click("Switch user")  # the end of a shift, more than an hour after the last: one more
    tick(window, clock, minutes=0)
    assert len(backups_in(folder)) == 2
    nurse.on_duty(nurses[1])

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    change_clinic_setting(
        database, "backup_folder", str(blocked / "backups"), None, "share moved", clock.now(), workstation="t"
    )
    tick(window, clock, minutes=5 * 60)
    assert nurse.sees("Backup notice")
    notice = nurse.text("Backup notice")
    assert "The last backup could not be written" in notice and "cannot be reached" in notice
    assert not nurse.sees("Trouble")  # the care records are fine: no "could not save" for a backup


def test_a_backup_folder_that_does_not_answer_never_holds_the_window(
    nurse: Nurse, window: MainWindow, clock: ManualClock, nurses, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A share that hangs: looking at it waits until it answers. The look runs away from the screen, so
    the window's second goes on (its countdowns and alarms) and the status line catches up after."""
    answered = threading.Event()
    listed = backups.backups_in

    def hanging(folder: Path) -> list[backups.Backup]:
        assert answered.wait(timeout=10), "the share never answered"
        return listed(folder)

    monkeypatch.setattr(backups, "backups_in", hanging)  # stands for a share that does not answer
    nurse.on_duty(nurses[0])
    started = time.monotonic()
    for _ in range(5):
        clock.advance(minutes=1)
        window.tick.timeout.emit()
    assert time.monotonic() - started < 5  # the window's seconds went on while the folder did not answer
    answered.set()
    window.controller.finish_backups()
    window.tick.timeout.emit()
    assert nurse.text("Backups") == "No backup yet"
