"""The clinic's database goes away mid-infusion: the chair goes on, its entries are saved in this
workstation's journal, and when the database is back each is sent exactly once, in order; an entry whose
session moved on meanwhile waits for a nurse to add it late or withdraw it, and both are recorded.

Against the real PostgreSQL test server, stopped as a power cut stops it (``pg_ctl stop -m immediate``),
and the SQLite file deleted under the app."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from core import audit, records
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.errors import DatabaseMissing, NotNow, NotPermitted
from core.events import Event, EventType
from core.machine import Step
from core.persistence.db import Database
from core.persistence.journal import Journal, Standing
from core.protocol import Protocol
from core.sign_in_here import AUDIT_WAITING, waiting_lines
from core.startup import open_workplace
from core.views import PatientView
from tests.helpers.answers import NO_SIDE_EFFECTS, NORMAL
from tests.helpers.clinic import T0
from tests.helpers.people import ANA_PASSWORD, BEN_PASSWORD
from tests.helpers.postgres import ServerControl, on_server
from tests.helpers.sessions import session_at

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cart(database: Database, protocol: Protocol, clock: ManualClock, tmp_path: Path) -> Care:
    """The workstation at the chair, with its journal, having read the board once."""
    journal = Journal(tmp_path / "config" / "journal.sqlite", database.where)
    return Care(database, protocol, clock, workstation="cart-1", journal=journal)


def heard_again(care: Care) -> None:
    """The server back, as the workstation's listener finds it on its own thread (the screen's thread
    never waits on a server that may not answer)."""
    assert care.notices is not None
    began = time.monotonic()
    while not care.notices.listening:
        assert time.monotonic() - began < 15, "the listener did not find the server again"
        time.sleep(0.05)


def server_log(database: Database, session_id: str) -> list:
    with database.session() as tx:
        return records.load_events(tx, session_id)


@on_server
def test_the_chair_goes_on_while_the_server_is_away_and_every_entry_arrives_once(
    care: Care, cart: Care, patient: PatientView, nurses, clock: ManualClock, control: ServerControl, database
):
    first, _ = nurses
    sid = session_at(care, patient, nurses, Step.INFUSING)
    (view,) = cart.chairs()
    before = len(view.state.events)
    control.stop_at_once()
    clock.advance(minutes=5)
    cart.record_vitals(sid, NORMAL, first.id)
    clock.advance(minutes=1)
    cart.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    clock.advance(minutes=4)
    cart.pause(sid, "patient to the bathroom", first.id)
    assert cart.away is not None and "cannot be reached" in cart.away.message
    waiting = cart.waiting_here()
    assert len(waiting) == 3
    said = cart.away_words()
    assert said is not None and "cannot be reached" in said and "kept on this computer (3 so far)" in said
    (view,) = cart.chairs()  # the chair goes on from what was read, with what was saved here
    assert len(view.state.events) == before + 3 and view.state.step is Step.PAUSED
    assert stat.S_IMODE(cart.journal.path.stat().st_mode) == 0o600
    with pytest.raises(NotNow, match="waits for the clinic's database"):
        cart.abandon(sid, "patient unwell", first.id)  # only what a running infusion needs is saved here
    assert len(cart.waiting_here()) == 3
    saved_at = [e.recorded_at for e in view.state.events[before:]]
    control.start()
    clock.advance(minutes=2)
    (view,) = cart.chairs()  # the next tick finds the server and sends what waits
    assert cart.away is None and cart.waiting_here() == frozenset() and cart.away_words() is None
    log = server_log(database, sid)
    assert [e.id for e in log[before:]] == [e.id for e in view.state.events[before:]]
    assert [e.recorded_at for e in log[before:]] == saved_at  # not counted late
    assert len({e.seq for e in log}) == len(log) == before + 3
    lines = [
        line for line in audit.entries(database, limit=200) if line.session_id == sid and line.detail.get("arrived_at")
    ]
    assert len(lines) == 3 and all(line.detail["journal"] == str(cart.journal.path) for line in lines)
    assert {e.standing for e in cart.journal.entries()} == {Standing.SENT}
    assert audit.verify(database).ok


@on_server
def test_an_entry_whose_session_moved_on_meanwhile_is_added_late_or_withdrawn_by_a_nurse(
    care: Care, cart: Care, patient: PatientView, nurses, clock: ManualClock, control: ServerControl, database
):
    first, second = nurses
    sid = session_at(care, patient, nurses, Step.INFUSING)
    cart.chairs()
    control.stop_at_once()
    clock.advance(minutes=5)
    cart.record_vitals(sid, NORMAL, first.id)
    cart.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    control.start()
    care.record_vitals(sid, NORMAL, second.id)  # the desk, on the server, meanwhile
    clock.advance(minutes=1)
    cart.chairs()
    held = cart.held_here()
    assert [h.event.type for h in held] == [EventType.VITALS, EventType.SIDE_EFFECTS]
    assert held[0].chair == 1 and "someone recorded on this session since" in held[0].words
    late = cart.add_late(held[0].event.id, first.id)
    added = late.events[-1]
    assert added.occurred_at == held[0].event.occurred_at < added.recorded_at and added.reason
    cart.withdraw(held[1].event.id, "Entered again on paper by the charge nurse", first.id)
    assert cart.held_here() == []
    (line,) = [e for e in audit.entries(database, limit=200) if e.action == AuditAction.JOURNAL_WITHDRAWN]
    assert line.detail["reason"] == "Entered again on paper by the charge nurse"
    assert line.detail["event_id"] == held[1].event.id and line.detail["payload"] == held[1].event.payload
    standings = {e.event.id: e.standing for e in cart.journal.entries()}
    assert standings == {held[0].event.id: Standing.SENT_LATE, held[1].event.id: Standing.WITHDRAWN}
    assert audit.verify(database).ok


REPLAYER = """
import sys
from datetime import datetime
from pathlib import Path
from core.care import Care
from core.clock import ManualClock
from core.persistence.db import open_database
from core.persistence.journal import Journal
from core.protocol import load_protocol
url, journal_path, at = sys.argv[1:4]
database = open_database(url)
care = Care(database, load_protocol(), ManualClock(datetime.fromisoformat(at)), workstation="cart-1",
            journal=Journal(Path(journal_path), database.where))
print("sending", flush=True)
care.send_waiting()
print("sent", flush=True)
"""


@on_server
@pytest.mark.slow
def test_a_workstation_killed_while_sending_sends_the_rest_once_when_started_again(
    care: Care, cart: Care, patient: PatientView, nurses, clock: ManualClock, control: ServerControl, database
):
    first, _ = nurses
    sid = session_at(care, patient, nurses, Step.INFUSING)
    cart.chairs()
    control.stop_at_once()
    for _ in range(40):
        clock.advance(minutes=1)
        cart.record_vitals(sid, NORMAL, first.id)
    control.start()
    url = database.url.render_as_string(hide_password=False)
    child = subprocess.Popen(
        [sys.executable, "-c", REPLAYER, url, str(cart.journal.path), clock.now().isoformat()],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "sending"
    began = len(server_log(database, sid))
    while len(server_log(database, sid)) < began + 5:  # some, not all, have arrived
        time.sleep(0.005)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    child.stdout.close()
    arrived = len(server_log(database, sid))
    assert arrived < began + 40, "the sending finished before it was cut off: nothing was tested"
    again = Care(database, cart.protocol, clock, workstation="cart-1", journal=cart.journal)
    again.chairs()
    log = server_log(database, sid)
    assert len(log) == began + 40 and len({e.id for e in log}) == len(log)
    assert [e.seq for e in log] == list(range(1, len(log) + 1))
    assert {e.standing for e in again.journal.entries()} == {Standing.SENT}
    assert audit.verify(database).ok


@on_server
def test_a_workstation_started_again_while_the_server_is_away_goes_on_from_its_journal(
    care: Care, patient: PatientView, nurses, clock: ManualClock, control: ServerControl, database
):
    first, _ = nurses
    url = database.url.render_as_string(hide_password=False)
    sid = session_at(care, patient, nurses, Step.INFUSING)
    before = len(care.state(sid).events)
    running = open_workplace(url, clock)
    running.care.chairs()  # the chairs as read: kept in the journal
    control.stop_at_once()
    clock.advance(minutes=5)
    running.care.record_vitals(sid, NORMAL, first.id)
    running.close()  # the workstation restarted while the server is still away
    again = open_workplace(url, clock)
    assert again.care.away is not None and again.clinic.chairs == running.clinic.chairs
    (view,) = again.care.chairs()
    assert len(view.state.events) == before + 1 and view.state.events[-1].id in again.care.waiting_here()
    clock.advance(minutes=5)
    again.care.record_vitals(sid, NORMAL, first.id)  # and goes on
    control.start()
    heard_again(again.care)
    (view,) = again.care.chairs()
    again.close()
    log = server_log(database, sid)
    assert len(log) == before + 2 and [e.id for e in log] == [e.id for e in view.state.events]
    assert audit.verify(database).ok


@on_server
def test_a_start_with_the_server_away_and_nothing_kept_says_the_server_cannot_be_reached(
    database, clock: ManualClock, control: ServerControl
):
    url = database.url.render_as_string(hide_password=False)
    control.stop_at_once()
    with pytest.raises(DatabaseMissing, match="cannot be reached"):
        open_workplace(url, clock)


@on_server
def test_staff_who_signed_in_here_lately_sign_in_while_the_server_is_away_with_the_lock_out_rules(
    care: Care, patient: PatientView, nurses, clock: ManualClock, control: ServerControl, database
):
    first, _ = nurses
    url = database.url.render_as_string(hide_password=False)
    sid = session_at(care, patient, nurses, Step.INFUSING)
    workplace = open_workplace(url, clock)
    accounts = workplace.care.accounts
    assert accounts.sign_in("ana", ANA_PASSWORD).id == first.id  # checked by the server, kept here
    workplace.care.chairs()
    control.stop_at_once()
    clock.advance(minutes=120)
    assert accounts.sign_in("Ana", ANA_PASSWORD).id == first.id  # here, from what was kept
    assert accounts.unlock(first.id, ANA_PASSWORD).id == first.id
    with pytest.raises(NotPermitted, match="only staff who signed in on this workstation in the last 12 hours"):
        accounts.sign_in("ben", BEN_PASSWORD)  # Ben never signed in on this workstation
    for _ in range(4):
        with pytest.raises(NotPermitted, match="not right"):
            accounts.sign_in("ana", "wrong horse battery")
    with pytest.raises(NotPermitted, match="locked after too many wrong attempts"):
        accounts.sign_in("ana", "wrong horse battery")
    with pytest.raises(NotPermitted, match="locked"):
        accounts.sign_in("ana", ANA_PASSWORD)
    clock.advance(minutes=16)
    workplace.care.record_vitals(sid, NORMAL, accounts.sign_in("ana", ANA_PASSWORD).id)
    clock.advance(minutes=11 * 60)
    with pytest.raises(NotPermitted, match="last 12 hours"):
        accounts.sign_in("ana", ANA_PASSWORD)  # too long since the server last checked her
    journal = workplace.care.journal
    assert journal is not None
    noted = waiting_lines(journal)
    control.start()
    heard_again(workplace.care)
    workplace.care.chairs()
    journal.keep(AUDIT_WAITING, noted)  # as if the sending was cut off before the journal heard
    workplace.care.send_waiting()  # the lines already in the trail are not written twice
    workplace.close()
    lines = [line for line in audit.entries(database, limit=300) if line.detail.get("while_away")]
    actions = [line.action for line in reversed(lines)]
    assert actions.count(AuditAction.SIGNED_IN) == 2 and AuditAction.LOCKED_OUT in actions
    assert actions.count(AuditAction.SIGN_IN_FAILED) == 5 and AuditAction.SCREEN_UNLOCKED in actions
    assert audit.verify(database).ok


@on_server
def test_a_copy_of_an_entry_the_server_did_take_is_never_added_twice(
    care: Care, cart: Care, patient: PatientView, nurses, clock: ManualClock, database
):
    """The server took the entry but its answer was lost with the connection, so the workstation saved it
    here too: the copy has the entry's own id, and is only marked sent."""
    first, _ = nurses
    sid = session_at(care, patient, nurses, Step.INFUSING)
    cart.chairs()
    cart.record_vitals(sid, NORMAL, first.id)
    taken = server_log(database, sid)[-1]
    cart.journal.add([(taken, "hash as saved")])
    cart._here[sid] = [taken]  # as a start reads the journal
    assert cart.send_waiting() == 1
    log = server_log(database, sid)
    assert [e.id for e in log].count(taken.id) == 1 and log[-1].id == taken.id
    assert [e.standing for e in cart.journal.entries()] == [Standing.SENT]


@on_server
def test_what_was_sent_shows_on_the_chair_even_when_the_server_goes_again_at_once(
    care: Care, cart: Care, patient: PatientView, nurses, clock: ManualClock, control: ServerControl
):
    first, _ = nurses
    sid = session_at(care, patient, nurses, Step.INFUSING)
    cart.chairs()
    control.stop_at_once()
    cart.pause(sid, "patient to the bathroom", first.id)
    control.start()
    cart.chairs()  # sent
    control.stop_at_once()
    (view,) = cart.chairs()
    assert view.state.step is Step.PAUSED and cart.waiting_here() == frozenset()
    clock.advance(minutes=3)
    cart.resume(sid, first.id)  # saved here, after the pause it follows
    control.start()
    (view,) = cart.chairs()
    assert view.state.step is Step.INFUSING and cart.held_here() == []


@on_server
def test_an_account_deactivated_at_the_desk_can_no_longer_sign_in_here_nor_have_its_entries_sent(
    care: Care, patient: PatientView, nurses, clock: ManualClock, control: ServerControl, database, admin
):
    first, _ = nurses
    url = database.url.render_as_string(hide_password=False)
    sid = session_at(care, patient, nurses, Step.INFUSING)
    workplace = open_workplace(url, clock)
    workplace.care.accounts.sign_in("ana", ANA_PASSWORD)
    workplace.care.chairs()
    care.accounts.deactivate(admin.id, first.id, "left the clinic")
    clock.advance(minutes=1)
    workplace.care.chairs()  # the cart reads the accounts at least once a minute
    control.stop_at_once()
    with pytest.raises(NotPermitted, match="only staff who signed in on this workstation"):
        workplace.care.accounts.sign_in("ana", ANA_PASSWORD)
    with pytest.raises(NotPermitted):
        workplace.care.record_vitals(sid, NORMAL, first.id)
    control.start()
    workplace.close()


def test_a_copy_in_the_clinics_record_is_forgotten_here_a_week_later_and_one_waiting_never(tmp_path: Path):
    journal = Journal(tmp_path / "journal.sqlite", "the clinic")
    made = [Event(f"e-{n}", "s-1", n, EventType.VITALS, T0, T0, "n-1", "cart-1", {"values": {}}) for n in (1, 2, 3)]
    journal.add([(made[0], "h1")])
    journal.add([(made[1], "h2")])
    journal.add([(made[2], "h3")])
    journal.settle("e-1", Standing.SENT, T0)
    journal.settle("e-2", Standing.WITHDRAWN, T0 + timedelta(days=2), "n-2", "entered on paper")
    journal.forget_settled(T0 + timedelta(days=8))
    assert [(e.event.id, e.standing) for e in journal.entries()] == [
        ("e-2", Standing.WITHDRAWN),
        ("e-3", Standing.WAITING),
    ]
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
