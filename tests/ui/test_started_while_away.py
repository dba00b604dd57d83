"""The workstation started again while the clinic's server is away: the window opens on its journal, the
lock screen says why, a nurse who signed in here lately signs in, and the chair's infusion goes on."""

from __future__ import annotations

from core.care import Care
from core.clock import ManualClock
from core.machine import Step
from core.startup import open_workplace
from tests.helpers.answers import NORMAL
from tests.helpers.people import ANA_PASSWORD
from tests.helpers.postgres import ServerControl, on_server
from tests.helpers.sessions import session_at
from tests.helpers.window import Nurse, open_window


@on_server
def test_started_while_the_server_is_away_the_chairs_go_on_from_the_journal(
    qtbot, care: Care, patient, nurses, clock: ManualClock, control: ServerControl, database
):
    first, _ = nurses
    url = database.url.render_as_string(hide_password=False)
    sid = session_at(care, patient, nurses, Step.INFUSING)
    before = open_workplace(url, clock)
    before.care.accounts.sign_in("ana", ANA_PASSWORD)
    before.care.chairs()
    before.close()
    control.stop_at_once()
    workplace = open_workplace(url, clock)
    window = open_window(qtbot, workplace)
    nurse = Nurse(qtbot, window)
    clock.advance(seconds=1)
    window.tick.timeout.emit()
    assert "cannot be reached" in window.lock_screen.away_note.text()
    nurse.type("User name", "ana")
    nurse.type("Password or PIN", ANA_PASSWORD, enter=True)
    assert window.controller.nurse_id == first.id
    nurse.chair(1)
    clock.advance(minutes=10)
    window.tick.timeout.emit()
    nurse.enter_vitals(NORMAL)
    window.tick.timeout.emit()
    assert nurse.text("Last saved").startswith("Saved here, not yet in the clinic's record: Vital signs")
    assert "kept on this computer (1 so far)" in nurse.text("Database away")
    control.start()
    notices = workplace.care.notices
    assert notices is not None
    qtbot.waitUntil(lambda: notices.listening, timeout=15_000)  # heard on its own thread, not the screen's
    clock.advance(seconds=1)
    window.tick.timeout.emit()
    assert not nurse.sees("Database away")
    assert nurse.text("Last saved").startswith("Recorded: Vital signs")
    assert len(care.state(sid).events) == len(window.controller.care.chairs()[0].state.events)
    window.shutdown()
    workplace.close()
