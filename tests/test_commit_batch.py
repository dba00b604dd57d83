"""One care entry is one transaction of plain statements: the entry, its audit line and its session's row
written together with no ORM flush; the session's log is taken from what this workstation kept only while the
stored ``last_seq`` says nothing was written since, on any workstation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from core import audit, records, session_state
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.errors import NotNow
from core.machine import Step
from core.people import Account, Permission
from core.persistence.db import Database
from core.protocol import VitalKind
from core.unit_of_work import UnitOfWork
from core.views import PatientView
from tests.helpers.answers import NORMAL, no_symptoms
from tests.helpers.people import BEN_PASSWORD
from tests.helpers.sessions import session_at

pytestmark = pytest.mark.both_stores


@contextmanager
def watched(database: Database) -> Iterator[list[tuple[str, Any]]]:
    """What reaches the database while the block runs, in order: ("sql", statement text), ("commit", None),
    ("rollback", None), and ("flush", None) for each ORM flush that wrote something."""
    seen: list[tuple[str, Any]] = []

    def statement(_conn: Any, _cursor: Any, text: str, *_: Any) -> None:
        seen.append(("sql", " ".join(text.split())))

    def commit(_conn: Any) -> None:
        seen.append(("commit", None))

    def rollback(_conn: Any) -> None:
        seen.append(("rollback", None))

    def flush(_session: Any, _context: Any) -> None:
        seen.append(("flush", None))

    engine = database.engine
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    event.listen(engine, "rollback", rollback)
    event.listen(Session, "after_flush", flush)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)
        event.remove(engine, "rollback", rollback)
        event.remove(Session, "after_flush", flush)


def writes(seen: list[tuple[str, Any]]) -> list[str]:
    return [
        text.split(" (")[0].split(" SET ")[0]
        for kind, text in seen
        if kind == "sql" and text.startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def stored_log(database: Database, session_id: str) -> list[str]:
    with database.session() as tx:
        return [entry.id for entry in records.load_events(tx, session_id)]


def test_one_entry_writes_its_rows_in_one_transaction_without_an_orm_flush(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], database: Database
):
    """A set of vital signs: its entry, its columns kept beside it, its day's packed sets (appended to the day's
    row, which the baseline set made), its audit line, its session's row."""
    sid = session_at(care, patient, nurses, Step.INFUSING)
    with watched(database) as seen:
        care.record_vitals(sid, NORMAL, nurses[0].id)
    assert writes(seen) == [
        "INSERT INTO session_event",
        "INSERT INTO vital_set",
        "UPDATE quality_set_day",
        "INSERT INTO audit_entry",
        "UPDATE infusion_session",
    ]
    assert [kind for kind, _ in seen if kind not in {"sql", "rollback"}] == ["commit"]  # one transaction
    assert not any(kind == "sql" and "FROM quality_set_day" in text for kind, text in seen)  # its words known
    last_write = max(i for i, (kind, text) in enumerate(seen) if kind == "sql" and text.startswith("UPDATE"))
    assert seen.index(("commit", None)) > last_write  # committed before the call returned, after every row
    assert audit.verify(database).ok


def test_a_days_first_set_makes_its_row_then_appends_to_it(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], database: Database, clock: ManualClock
):
    """The first set of a UTC day finds no row for it: the row is made empty, then the set appended, in the
    set's transaction; the sets of both days are then where the recount finds them."""
    sid = session_at(care, patient, nurses, Step.INFUSING)
    clock.advance(timedelta(days=1))
    with watched(database) as seen:
        care.record_vitals(sid, NORMAL, nurses[0].id)
    assert writes(seen) == [
        "INSERT INTO session_event",
        "INSERT INTO vital_set",
        "INSERT INTO quality_set_day",
        "UPDATE quality_set_day",
        "INSERT INTO audit_entry",
        "UPDATE infusion_session",
    ]
    assert [kind for kind, _ in seen if kind not in {"sql", "rollback"}] == ["commit"]
    assert audit.verify(database).ok


def last_transaction(seen: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """What reached the database in the last transaction that committed, its commit last."""
    ends = [i for i, (kind, _) in enumerate(seen) if kind in {"commit", "rollback"}]
    last = max(i for i in ends if seen[i][0] == "commit")
    before = [i for i in ends if i < last]
    return seen[(before[-1] + 1 if before else 0) : last + 1]


def test_a_signed_entry_writes_its_lines_with_it_and_the_chain_holds(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], database: Database
):
    sid = session_at(care, patient, nurses, Step.CHECK)
    lines_before = audit.head(database)
    with watched(database) as seen:
        care.record_check(sid, "ben", BEN_PASSWORD, "72.4", "36.2", "155.4")  # the checker signs it
    entry = last_transaction(seen)
    assert writes(entry) == ["INSERT INTO session_event", "INSERT INTO audit_entry", "UPDATE infusion_session"]
    assert ("flush", None) not in entry
    assert lines_before is not None
    written = [line for line in audit.entries(database) if line.seq > lines_before[0]]
    kinds = sorted(line.action for line in written if line.session_id == sid)
    assert kinds == [AuditAction.RECORD_WRITTEN, AuditAction.SIGNATURE]  # two lines, one statement
    assert audit.verify(database).ok


def test_the_next_entry_takes_the_log_it_kept_when_nothing_was_written_since(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], monkeypatch: pytest.MonkeyPatch
):
    sid = session_at(care, patient, nurses, Step.INFUSING)
    care.record_vitals(sid, NORMAL, nurses[0].id)
    read: list[str] = []
    real = records.load_events

    def counted(tx: Any, session_id: str) -> Any:
        read.append(session_id)
        return real(tx, session_id)

    monkeypatch.setattr(records, "load_events", counted)
    state = care.pause(sid, "line check", nurses[0].id)
    assert read == []  # the log as its last entry left it
    assert state.step is Step.PAUSED


def test_an_entry_from_another_workstation_is_seen_by_the_next_entry_here(
    care: Care,
    patient: PatientView,
    nurses: tuple[Account, Account],
    database: Database,
    clock: ManualClock,
):
    sid = session_at(care, patient, nurses, Step.INFUSING)
    care.record_vitals(sid, NORMAL, nurses[0].id)  # this workstation keeps the log as it now stands
    elsewhere = Care(database, care.protocol, clock, workstation="other-ws")
    theirs = elsewhere.record_vitals(sid, NORMAL, nurses[1].id)[0].events[-1]
    state = care.pause(sid, "line check", nurses[0].id)
    assert theirs.id in [entry.id for entry in state.events]  # read again: the stored last_seq had moved
    assert [entry.id for entry in state.events] == stored_log(database, sid)
    assert [entry.seq for entry in state.events] == list(range(1, len(state.events) + 1))
    again = elsewhere.resume(sid, nurses[1].id)  # and the other way round
    assert state.events[-1].id in [entry.id for entry in again.events]
    assert [entry.id for entry in again.events] == stored_log(database, sid)
    assert audit.verify(database).ok


def test_an_entry_refused_leaves_nothing_kept_that_was_not_written(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], database: Database
):
    sid = session_at(care, patient, nurses, Step.INFUSING)
    care.record_vitals(sid, NORMAL, nurses[0].id)
    with pytest.raises(NotNow):  # resuming a running infusion is not allowed now: nothing is written
        care.resume(sid, nurses[0].id)
    state = care.pause(sid, "line check", nurses[0].id)
    assert [entry.id for entry in state.events] == stored_log(database, sid)


def test_a_care_entry_reads_the_chains_head_in_the_accounts_statement_where_its_transaction_holds_the_lock(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], database: Database
):
    """SQLite's writer holds the one write lock from its transaction's start: the chain's head is read with the
    account's standing, and no statement of the entry reads it apart. A server's is read apart, once the
    chain's lock is taken. Either way the entry's line follows on from the head."""
    sid = session_at(care, patient, nurses, Step.INFUSING)
    with watched(database) as seen:
        care.record_vitals(sid, NORMAL, nurses[0].id)
    apart = [text for kind, text in seen if kind == "sql" and text.startswith("SELECT audit_entry")]
    assert len(apart) == (0 if database.is_sqlite else 1)
    assert audit.verify(database).ok


@pytest.mark.parametrize("may", [None, Permission.RECORD_CARE])
def test_audit_lines_of_one_transaction_follow_on_from_each_other_and_from_no_line_rolled_back(
    database: Database, clock: ManualClock, nurses: tuple[Account, Account], may: Permission | None
):
    """Whether the head was read for the first line or with the account's standing (``may``)."""
    door = UnitOfWork(database, clock.now, "test-ws")
    with door.writing(nurses[0].id, may) as work:
        work.audit(AuditAction.AUDIT_VIEWED, detail={"n": "1"})
        work.audit(AuditAction.AUDIT_VIEWED, detail={"n": "2"})
        undone = work.tx.begin_nested()
        work.audit(AuditAction.AUDIT_VIEWED, detail={"n": "rolled back"})
        undone.rollback()
        work.audit(AuditAction.AUDIT_VIEWED, detail={"n": "3"})
    with door.writing(nurses[0].id) as work:
        work.audit(AuditAction.AUDIT_VIEWED, detail={"n": "4"})
    check = audit.verify(database)
    assert check.ok, check.problem
    newest_first = [line.detail["n"] for line in audit.entries(database) if line.action == AuditAction.AUDIT_VIEWED]
    assert newest_first == ["4", "3", "2", "1"]


def test_an_entry_folds_only_itself_onto_the_log_its_last_entry_left(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], monkeypatch: pytest.MonkeyPatch
):
    sid = session_at(care, patient, nurses, Step.INFUSING)
    care.record_vitals(sid, NORMAL, nurses[0].id)
    folded: list[tuple[int, int | None]] = []
    real = session_state.fold

    def watched_fold(protocol: Any, events: Any, after: Any = None) -> Any:
        folded.append((len(events), after.count if after is not None else None))
        return real(protocol, events, after)

    monkeypatch.setattr(session_state, "fold", watched_fold)
    state = care.pause(sid, "line check", nurses[0].id)
    n = len(state.events)
    assert folded == [(n - 1, n - 1), (n, n - 1)]  # before it: nothing new; after it: the pause alone


def test_a_state_folded_on_from_an_earlier_one_is_the_state_folded_whole(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], clock: ManualClock
):
    sid = session_at(care, patient, nurses, Step.INFUSING)
    care.record_vitals(sid, NORMAL, nurses[0].id)
    care.pause(sid, "line check", nurses[0].id)
    care.resume(sid, nurses[0].id)
    events = list(care.state(sid).events)
    protocol = care.protocol
    for cut in range(1, len(events)):
        earlier = session_state.fold(protocol, events[:cut])
        for now in (clock.now(), clock.now() + timedelta(minutes=25)):
            whole = session_state.derive_state(protocol, events, now)
            on_from = session_state.derive_state(protocol, events, now, after=earlier)
            assert on_from == whole
            assert on_from.folded == whole.folded
        assert earlier.count == cut  # going on from a fold leaves it as it was
    stranger = session_state.fold(protocol, [events[0], replace(events[1], id="another")])
    assert session_state.derive_state(protocol, events, clock.now(), after=stranger) == session_state.derive_state(
        protocol, events, clock.now()
    )  # a fold of another log is not gone on from


def test_the_state_an_entry_answers_with_is_the_state_its_stored_log_gives(
    care: Care, patient: PatientView, nurses: tuple[Account, Account]
):
    """An entry just built, and one that follows from it, is folded as built (``Event.knowing``), not read
    back from what was stored: the state each answers with is the one the log read back from the database
    gives at the same moment."""
    sid = session_at(care, patient, nurses, Step.INFUSING)
    by = nurses[0].id
    answered, _ = care.record_vitals(sid, {**NORMAL, VitalKind.SPO2: "86"}, by)  # an act-now alarm
    assert answered.open_alerts and answered == care.state(sid)
    alert = answered.open_alerts[0].event_id
    answered = care.acknowledge_alert(sid, alert, ["pause"], no_symptoms(care), by)  # and its pause with it
    assert answered.step is Step.PAUSED and answered == care.state(sid)
    assert care.resume(sid, by) == care.state(sid)
    assert care.record_vitals(sid, NORMAL, by)[0] == care.state(sid)
