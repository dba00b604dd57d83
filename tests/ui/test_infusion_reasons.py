"""Pausing and stopping early offer the protocol's reasons, or "other" with the nurse's own words."""

from __future__ import annotations

from core.care import Care
from core.events import EventType as E
from core.people import Account
from tests.helpers.window import Nurse
from ui.main_window import MainWindow
from ui.widgets.segmented import Segmented


def offered(nurse: Nurse, name: str) -> list[str]:
    return list(nurse.find(Segmented, name).buttons)


def infusing(nurse: Nurse, window: MainWindow, care: Care, session: str, by: Account) -> None:
    nurse.on_duty(by)
    care.start_infusion(session, by.id)
    window.refresh()
    nurse.chair(1)


def test_the_pause_reasons_are_the_protocols_and_the_one_chosen_is_recorded(
    nurse: Nurse, window: MainWindow, care: Care, ready_session: str, nurses: tuple[Account, Account]
) -> None:
    infusing(nurse, window, care, ready_session, nurses[0])
    assert not nurse.sees("Pause reason") and not nurse.sees("Stop early reason")
    nurse.click("Stop early…")
    assert offered(nurse, "Stop early reason") == [*care.protocol.reasons.stop_early, "other…"]
    nurse.click("Pause…")  # one list of reasons open at a time
    assert not nurse.sees("Stop early reason")
    assert offered(nurse, "Pause reason") == [*care.protocol.reasons.pause, "other…"]
    nurse.click("Pause reason patient away")
    nurse.click("Pause")
    last = care.state(ready_session).events[-1]
    assert (last.type, last.payload["reason"]) == (E.PAUSED, "patient away")


def test_stopping_early_needs_a_reason_and_other_takes_the_nurses_words(
    nurse: Nurse, window: MainWindow, care: Care, ready_session: str, nurses: tuple[Account, Account]
) -> None:
    infusing(nurse, window, care, ready_session, nurses[0])
    nurse.click("Stop early…")
    nurse.click("Stop early")
    assert "why the infusion is stopped early" in nurse.text("Infusion message")
    assert care.state(ready_session).events[-1].type is E.STARTED

    assert not nurse.sees("Stop early reason details")
    nurse.click("Stop early reason other…")
    assert nurse.sees("Stop early reason details")
    nurse.type("Stop early reason details", "fire alarm, clinic evacuated")
    nurse.click("Stop early")
    last = care.state(ready_session).events[-1]
    assert (last.type, last.payload["reason"]) == (E.STOPPED_EARLY, "fire alarm, clinic evacuated")
