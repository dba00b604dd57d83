"""A session replays under the protocol it was recorded under, whatever protocol the clinic runs today."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
import tomllib

import pytest
from sqlalchemy import text
from sqlmodel import select

from core.care import Care
from core.clock import ManualClock
from core.day_log import day_log
from core.errors import ChairsideError, ProtocolError
from core.identify import Identified
from core.paths import resource_path
from core.persistence.db import Database, open_database
from core.persistence.tables import ProtocolCopy
from core.protocol import Protocol, load_protocol, parse_protocol
from core.protocol_shelf import EARLIER, ProtocolShelf
from core.session_state import PointStatus
from core.unit_of_work import UnitOfWork
from tests.helpers.clinic import T0
from tests.helpers.postgres import TestServer
from tests.helpers.sessions import prepare


def changed(protocol_text: str, old: str, new: str, version: str) -> Protocol:
    """Today's protocol with one rule changed, as a clinic's new version would change it."""
    text = protocol_text.replace(old, new, 1)
    assert text != protocol_text
    text = text.replace(f'version = "{load_protocol().version}"', f'version = "{version}"', 1)
    return parse_protocol(text.encode("utf-8"), "a new version")


@pytest.fixture
def stricter(protocol: Protocol) -> Protocol:
    """A later version where a vitals set is overdue 2 minutes after its point, not 5."""
    return changed(protocol.text, "overdue_after_minutes = 5", "overdue_after_minutes = 2", "9.0.0")


def test_a_session_replays_under_its_own_protocol_after_a_new_version(
    care, patient, nurses, clock: ManualClock, database: Database, stricter: Protocol
):
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, nurses[0].id)
    clock.advance(minutes=13)  # 3 minutes past the 10-minute set: due under the old rule, overdue under the new
    assert care.state(sid).vitals_attention is PointStatus.DUE

    upgraded = Care(database, stricter, clock, workstation="test-ws")
    assert upgraded.state(sid).vitals_attention is PointStatus.DUE
    [chair] = upgraded.chairs()
    assert chair.state.vitals_attention is PointStatus.DUE

    other = upgraded.register_patient("MRN-2002", "Okafor", "Ada", "1980-05-02", by=nurses[0].id)
    upgraded.record_course(other.id, "Dr Amara Patel", T0.astimezone().date().isoformat(), "5", by=nurses[0].id)
    newer = prepare(upgraded, other, nurses, chair=2)
    upgraded.start_infusion(newer, nurses[0].id)
    clock.advance(minutes=13)
    assert upgraded.state(newer).vitals_attention is PointStatus.OVERDUE


def test_the_day_log_reads_each_session_under_its_own_protocol(
    care, patient, nurses, clock: ManualClock, database: Database, protocol: Protocol, stricter: Protocol
):
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, nurses[0].id)
    clock.advance(minutes=13)
    today = T0.astimezone().date()
    [entry] = day_log(database, stricter, today, clock.now()).entries
    assert entry == day_log(database, protocol, today, clock.now()).entries[0]


def test_the_protocol_text_is_kept_once_and_never_changed(care, patient, nurses, database: Database, db_path):
    prepare(care, patient, nurses)
    with database.session() as tx:
        copies = list(tx.exec(select(ProtocolCopy)))
    assert [(c.content_hash, c.text) for c in copies] == [(care.protocol.content_hash, care.protocol.text)]
    with sqlite3.connect(db_path) as raw, pytest.raises(sqlite3.DatabaseError, match="never changed"):
        raw.execute("UPDATE protocol_copy SET text = 'dose = 5'")


def test_a_session_recorded_before_copies_were_kept_finds_the_shipped_version(database: Database, protocol):
    earlier = sorted(resource_path(EARLIER).glob("*.toml"))
    assert earlier, "the versions Chairside has shipped are kept for replay"
    for path in earlier:
        data = path.read_bytes()
        found = ProtocolShelf(protocol).for_hash(None, hashlib.sha256(data).hexdigest())
        assert found.version == tomllib.loads(data.decode())["version"]
        assert found.text == data.decode()


def test_a_section_an_earlier_version_lacked_comes_from_todays(protocol: Protocol):
    without = protocol.text.replace('[observation]\nbasis = "clinic_policy"\nminimum_minutes = 30\n', "")
    assert without != protocol.text
    with pytest.raises(ProtocolError, match="observation"):
        parse_protocol(without.encode(), "an old version")
    old = parse_protocol(without.encode(), "an old version", missing_from=protocol)
    assert old.observation == protocol.observation and old.content_hash != protocol.content_hash


def test_an_unknown_protocol_replays_under_todays(protocol: Protocol):
    assert ProtocolShelf(protocol).for_hash(None, "0" * 64) is protocol


def test_a_session_cannot_open_if_its_protocol_cannot_be_kept(care, patient, nurses, db_path):
    with sqlite3.connect(db_path) as raw:
        raw.execute(
            "CREATE TRIGGER refuse_copies BEFORE INSERT ON protocol_copy BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
    with pytest.raises(ChairsideError):
        care.open_session(patient.id, 1, nurses[0].id, Identified(name=True, birth_date="1971-03-14"))
    assert care.chairs() == []


@pytest.mark.postgresql
def test_two_workstations_keeping_a_new_protocol_at_once_are_both_saved(
    postgres_server: TestServer, protocol: Protocol, clock: ManualClock
):
    """Each finds the copy not kept yet; the second's write waits for the first's commit, then is saved."""
    first = postgres_server.fresh()
    second = open_database(first.url.render_as_string(hide_password=False))
    failed: list[BaseException] = []

    def keep_on_the_second() -> None:
        try:
            with UnitOfWork(second, clock.now, "cart-2").writing() as work:
                ProtocolShelf(protocol).keep(work.tx, work.at)
        except BaseException as error:
            failed.append(error)

    try:
        with UnitOfWork(first, clock.now, "cart-1").writing() as work:
            ProtocolShelf(protocol).keep(work.tx, work.at)
            other = threading.Thread(target=keep_on_the_second)
            other.start()
            waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            deadline = time.monotonic() + 10
            with first.session() as look:
                while look.execute(text(waiting)).scalar_one() == 0 and time.monotonic() < deadline:
                    time.sleep(0.01)
                    look.rollback()  # a fresh snapshot of the server's activity
            assert other.is_alive(), "the second workstation's write did not wait for the first's"
        other.join(timeout=10)
        assert failed == []
        with second.session() as tx:
            assert [c.content_hash for c in tx.exec(select(ProtocolCopy))] == [protocol.content_hash]
    finally:
        second.dispose()
        postgres_server.drop(first)


def test_a_protocol_kept_elsewhere_is_learned_by_its_hash_and_a_text_that_is_not_its_hash_is_not(protocol):
    """A workstation started while the database is away runs its sessions under the rules its journal kept."""
    edited = protocol.text + "\n# kept in a workstation's journal\n"
    sha = hashlib.sha256(edited.encode("utf-8")).hexdigest()
    shelf = ProtocolShelf(protocol)
    shelf.learn({"0" * 64: edited})  # not what its hash says: ignored
    assert shelf.for_hash(None, "0" * 64) is protocol
    shelf.learn({sha: edited})
    learned = shelf.for_hash(None, sha)
    assert learned is not protocol and learned.content_hash == sha and learned.text == edited
