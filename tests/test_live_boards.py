"""Several workstations on one server: a change on one appears on another's board at its next tick, and a
quiet board asks the server nothing (it hears of every write instead of polling for it)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import event

from core.care import Care
from core.clock import ManualClock
from core.dates import local_time
from core.event_words import recorded_words
from core.identify import Identified
from core.machine import Step
from core.persistence.db import Database, open_database
from core.persistence.notices import ChangeNotices
from core.protocol import Protocol
from core.views import PatientView
from tests.helpers.answers import NORMAL
from tests.helpers.postgres import ServerControl, on_server, server_control
from tests.helpers.sessions import session_at


def statements(database: Database) -> list[str]:
    """Every statement this database's connections send from now on."""
    sent: list[str] = []
    event.listen(database.engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
    return sent


def until(condition, seconds: float = 5.0) -> float:
    """How long ``condition`` took to hold, polled as a board's timer would (fails after ``seconds``)."""
    began = time.perf_counter()
    while not condition():
        assert time.perf_counter() - began < seconds, "not within the time a board allows"
        time.sleep(0.02)
    return time.perf_counter() - began


@pytest.fixture
def desk(database: Database, protocol: Protocol, clock: ManualClock) -> Iterator[Care]:
    """The charge nurse's desk: a second workstation on the same server, listening for changes."""
    own = open_database(database.url.render_as_string(hide_password=False))
    notices = ChangeNotices.for_database(own)
    assert notices is not None
    until(lambda: notices.listening)
    yield Care(own, protocol, clock, workstation="desk", notices=notices)
    notices.close()
    own.dispose()


@on_server
def test_a_session_opened_on_one_cart_appears_on_the_desk_within_two_seconds(
    care: Care, desk: Care, patient: PatientView, nurses
):
    assert desk.chairs() == []
    care.open_session(patient.id, 3, nurses[0].id, Identified(name=True, mrn=patient.mrn))
    took = until(lambda: [view.chair for view in desk.chairs()] == [3], seconds=2.0)
    assert took < 2.0


@on_server
def test_a_quiet_board_asks_the_server_nothing_and_a_write_anywhere_wakes_it(
    care: Care, desk: Care, patient: PatientView, nurses, clock: ManualClock
):
    sid = session_at(care, patient, nurses, Step.INFUSING)
    until(lambda: len(desk.chairs()) == 1)
    desk.chairs()  # whatever was heard meanwhile is read
    sent = statements(desk.db)
    for _ in range(5):
        clock.advance(seconds=1)
        assert len(desk.chairs()) == 1
    assert sent == []  # five ticks, the countdown moving, not one query
    care.record_vitals(sid, NORMAL, nurses[0].id)
    until(lambda: len(desk.chairs()[0].state.events) == len(care.state(sid).events), seconds=2.0)
    assert sent  # it read once it heard


@on_server
def test_the_desks_own_entry_shows_at_once_without_waiting_for_its_notice(
    care: Care, desk: Care, patient: PatientView, nurses
):
    sid = session_at(care, patient, nurses, Step.INFUSING)
    until(lambda: len(desk.chairs()) == 1)
    desk.record_vitals(sid, NORMAL, nurses[1].id)
    assert desk.chairs()[0].state.events[-1].id == care.state(sid).events[-1].id


@on_server
def test_while_the_server_is_away_the_board_reads_every_tick_then_listens_again(
    care: Care, desk: Care, patient: PatientView, nurses
):
    control: ServerControl | None = server_control()
    assert control is not None
    assert desk.notices is not None
    control.stop_at_once()
    try:
        until(lambda: not desk.notices.listening)
        assert desk.notices.take() and desk.notices.take()  # not listening: anything may have changed
    finally:
        control.start()
    until(lambda: desk.notices.listening, seconds=15)
    desk.notices.take()
    assert not desk.notices.take()
    care.open_session(patient.id, 2, nurses[0].id, Identified(name=True, mrn=patient.mrn))
    until(lambda: [view.chair for view in desk.chairs()] == [2], seconds=2.0)


def test_an_sqlite_file_has_no_notices_and_its_board_reads_every_tick(database: Database):
    assert ChangeNotices.for_database(database) is None


def test_the_chair_says_which_workstation_recorded_its_last_entry_when_another(
    care: Care, patient: PatientView, nurses, database: Database, protocol: Protocol, clock: ManualClock
):
    sid = session_at(care, patient, nurses, Step.INFUSING)
    cart = Care(database, protocol, clock, workstation="cart-2")
    cart.record_vitals(sid, NORMAL, nurses[1].id)
    last = care.state(sid).events[-1]
    at = local_time(last.recorded_at)
    assert recorded_words(last, "Ben Okafor", "test-ws") == f"Recorded: Vital signs at {at} by Ben Okafor on cart-2"
    assert recorded_words(last, "Ben Okafor", "cart-2") == f"Recorded: Vital signs at {at} by Ben Okafor"
