"""While the app runs it takes backups on the clinic's schedule and at the end of a shift, and the top bar
says when the last good one was taken; a notice says so when backups cannot be written."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from core.backups import backup_folder, backups_in
from core.clock import ManualClock
from core.persistence.db import Database
from core.settings import change_clinic_setting
from tests.ui.conftest import Nurse
from ui.main_window import MainWindow


def tick(window: MainWindow, clock: ManualClock, minutes: int = 1) -> None:
    clock.advance(minutes=minutes)
    window.tick.timeout.emit()
    window.controller.finish_backups()  # the copy runs away from the screen; the test waits for it
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
    window.controller.finish_backups()
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
