"""A side-effect check that falls due shows on the chair's tile and page, and recording it there clears it."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPushButton

from core.care import Care
from core.clock import ManualClock
from core.events import EventType as E
from tests.helpers.answers import NORMAL
from tests.helpers.sessions import prepare
from tests.helpers.window import Nurse
from ui.main_window import MainWindow
from ui.text import clock_time


def test_a_due_check_shows_on_the_tile_and_the_page_until_it_is_recorded(
    nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, patient, nurses
):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    for _ in range(2):  # the vitals kept on time: only the checklist is owed at 20 minutes
        clock.advance(minutes=10)
        care.record_vitals(sid, NORMAL, first.id)
    nurse.on_duty(first)
    due = f"Side effects check due now: {clock_time(clock.now())} — 20 min into infusion"
    assert nurse.text("Chair 1 attention") == due

    nurse.chair(1)
    assert nurse.text("Side effects check due") == f"Due now: 20 min into infusion (due {clock_time(clock.now())})"
    nurse.click("Some side effects")
    nurse.click("Nausea None")
    nurse.click("Dissociation / depersonalisation Mild")
    nurse.click("Record side effects")
    assert "Side effects saved" in nurse.text("Side effects message")

    recorded = care.state(sid).events[-1]
    assert recorded.type is E.SIDE_EFFECTS
    assert recorded.payload["point_id"] == "infusion-20"
    assert recorded.payload["grades"] == {"dissociation": "mild", "nausea": "none"}
    window.refresh()
    assert nurse.text("Side effects check due").startswith("Next check: End of infusion")
    nurse.click("All chairs")
    window.refresh()
    assert "Side effects" not in nurse.text("Chair 1 attention")


def test_discharge_waits_for_the_check_and_says_so(
    nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, patient, nurses
):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=40)
    care.complete(sid, first.id)
    clock.advance(minutes=36)  # the check before discharge fell due six minutes ago
    nurse.on_duty(first)
    # The tile has room for the first need and the next with a count of the rest: the check comes after
    # the vitals, counted there and said in full in what a screen reader reads (and the tooltip).
    assert nurse.text("Chair 1 attention, line 2").startswith("2 more: Vitals OVERDUE")
    assert "Side effects check OVERDUE" in window.board.tiles[1].accessibleDescription()
    nurse.chair(1)
    banner = nurse.find(QLabel, "Chair needs, line 2")  # the banner: the count on its line, the words in its tooltip
    assert nurse.text("Chair needs, line 2").endswith("· and 1 more")
    assert "Side effects check OVERDUE" in banner.toolTip()
    nurse.click("Show side effects")  # the vitals, overdue too, come first
    assert nurse.text("Side effects check due").startswith("Overdue: 30 min after end")
    assert nurse.text("Discharge hint") == "Before discharge, record the side-effect check: 30 min after end."
    assert not nurse.find(QPushButton, "Record discharge").isEnabled()

    nurse.click("No side effects")
    window.refresh()
    assert care.state(sid).events[-1].payload["point_id"] == "before-discharge"
    assert nurse.text("Discharge hint").startswith("Before discharge, take the set of vital signs")
    care.record_vitals(sid, NORMAL, first.id)
    window.refresh()
    assert not nurse.sees("Discharge hint")
    assert nurse.find(QPushButton, "Record discharge").isEnabled()
