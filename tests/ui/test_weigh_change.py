"""The weigh page asks the nurse to confirm a weight far from the last session's, and keeps what she typed."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from core.care import Care
from core.events import EventType as E
from tests.helpers.window import Nurse
from tests.test_weight_change import today, yesterday_at
from ui.main_window import MainWindow

CONFIRM = "The weight is right: I checked the scale and the unit and weighed again."


def test_a_weight_far_from_yesterdays_is_confirmed_on_the_page(
    nurse: Nurse, window: MainWindow, care: Care, patient, nurses, clock
):
    yesterday_at(care, patient, nurses, clock)
    sid = today(care, patient, nurses)
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    window.refresh()
    assert not nurse.sees(CONFIRM)
    nurse.type("Weight", "80")
    nurse.click("Unit kg")
    nurse.click("Record weight")
    assert "10.5 % more than the 72.4 kg" in nurse.text("Weight message")
    assert nurse.find(QLineEdit, "Weight").text() == "80"
    assert E.WEIGHED not in {e.type for e in care.state(sid).events}
    nurse.click(CONFIRM)
    nurse.click("Record weight")
    assert care.state(sid).events[-1].payload["change_confirmed"] is True
