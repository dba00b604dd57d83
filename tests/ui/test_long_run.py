"""A chair open for a whole clinic day: the once-a-second refresh must not wear anything down."""

from __future__ import annotations

import gc
import sys

from core.care import Care
from tests.helpers.window import Nurse
from ui.main_window import MainWindow


def test_an_hour_of_refreshes_leaves_python_as_it_found_it(
    nurse: Nurse, window: MainWindow, care: Care, ready_session: str, nurses
) -> None:
    """PySide6 6.12.0 took a reference from ``None`` on every Qt call that returns nothing: about 136
    a refresh, so a window with an open chair crashed the interpreter within minutes. The pinned
    version does not; this guards against a version that does."""
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    care.start_infusion(ready_session, nurses[0].id)
    window.refresh()
    gc.collect()  # earlier tests' garbage, freed mid-loop, would lower the count without any fault here
    before = sys.getrefcount(None)
    for _ in range(360):  # six minutes of the 1-second tick; an hour would only take longer
        window.refresh()
    assert sys.getrefcount(None) >= before - 100
