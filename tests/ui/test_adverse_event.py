"""A severe side effect asks, on the chair's page, for its adverse-event record; the tile says so meanwhile."""

from __future__ import annotations

from core.care import Care
from core.event_words import EVENT_WORDS
from core.events import EventType as E
from core.protocol import Phase
from tests.helpers.window import Nurse
from ui.main_window import MainWindow


def test_a_severe_side_effect_is_recorded_as_an_adverse_event_from_the_page(
    nurse: Nurse, window: MainWindow, care: Care, clock, ready_session: str, nurses
):
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    clock.advance(minutes=40)
    care.complete(ready_session, first.id)
    care.record_side_effects(ready_session, {"hallucinations": "severe"}, first.id)
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    assert "Adverse event to record" in window.chair_list.item(0).text()
    banner = nurse.text("Adverse event to record")
    assert banner.startswith("Adverse event to record: Hallucinations, severe")
    assert banner.endswith("The infusion has ended: stay with the patient, and notify the prescriber.")
    assert "Pause the infusion" not in banner  # the infusion is over: there is nothing to pause
    nurse.click("Show side effects")  # the checklist is the task pane's other tab
    assert "Pause the infusion" not in nurse.text("Side effects last recorded")
    nurse.type("Action taken", "Infusion already ended; stayed with her, lights dimmed")
    nurse.type("Who was told", "Dr Patel by phone, 13:45", enter=True)
    recorded = care.state(ready_session).events[-1]
    assert recorded.type is E.ADVERSE_EVENT and recorded.payload["told"] == "Dr Patel by phone, 13:45"
    assert not nurse.sees("Adverse event to record")


def test_during_the_infusion_a_severe_side_effect_says_to_pause(
    nurse: Nurse, window: MainWindow, care: Care, clock, ready_session: str, nurses
):
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    clock.advance(minutes=12)
    care.record_side_effects(ready_session, {"hallucinations": "severe"}, first.id)
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    pause = care.protocol.side_effects.act_instruction[Phase.INFUSION]
    assert pause.startswith("Pause the infusion")
    assert nurse.text("Adverse event to record").endswith(pause)
    nurse.click("Show side effects")
    assert nurse.text("Side effects last recorded").endswith(pause)


def test_every_kind_of_entry_has_words_for_the_saved_line():
    assert set(EVENT_WORDS) == set(E)
