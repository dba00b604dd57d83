"""While the app runs, the audit trail's head is noted outside the database once a day."""

from __future__ import annotations

from pathlib import Path

from core.anchors import anchor_folder, read_anchor
from core.clock import ManualClock
from core.persistence.db import Database
from tests.helpers.window import Nurse
from ui.main_window import MainWindow


def test_the_trails_head_is_noted_at_the_start_and_again_the_next_day(
    nurse: Nurse, window: MainWindow, database: Database, clock: ManualClock, nurses, chairside_home: Path
) -> None:
    nurse.on_duty(nurses[0])
    window.tick.timeout.emit()
    folder = anchor_folder("")
    (first,) = folder.glob("chairside-anchor-*.json")
    assert read_anchor(first).seq > 0
    clock.advance(minutes=24 * 60)
    window.tick.timeout.emit()
    assert len(list(folder.glob("chairside-anchor-*.json"))) == 2
