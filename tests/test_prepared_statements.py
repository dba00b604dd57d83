"""The statements every entry runs, compiled once and run on the driver's cursor (``core.persistence.prepared``),
read and write what Core would, and fail as Core would: a row refused is the same refusal, sorted the same."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import Connection, bindparam, event, select

from core import audit, records
from core.audit import AuditAction
from core.care import Care
from core.errors import RecordChanged
from core.machine import Step
from core.people import Account
from core.persistence.db import Database
from core.persistence.prepared import Prepared
from core.persistence.tables import AuditEntry, InfusionSession, Staff
from core.views import PatientView
from tests.helpers.answers import NORMAL
from tests.helpers.clinic import T0
from tests.helpers.sessions import session_at

pytestmark = pytest.mark.both_stores

SESSIONS = InfusionSession.__table__  # type: ignore[attr-defined]
STAFF = Staff.__table__  # type: ignore[attr-defined]
AUDIT = AuditEntry.__table__  # type: ignore[attr-defined]


def core_refused(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Core's own way of running a statement made to fail: what reaches it is named."""
    sent: list[str] = []

    def refuse(self: Connection, statement: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(str(statement).split()[0])
        raise AssertionError("ran through Core")

    monkeypatch.setattr(Connection, "execute", refuse)
    return sent


def test_a_prepared_read_gives_the_values_core_gives(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], database: Database
):
    sid = session_at(care, patient, nurses, Step.INFUSING)
    care.record_vitals(sid, NORMAL, nurses[0].id)
    reads = [
        (select(*SESSIONS.c).where(SESSIONS.c.id == bindparam("key")), sid),  # times, a flag, numbers, text
        (select(*STAFF.c).where(STAFF.c.id == bindparam("key")), nurses[0].id),
        (select(AUDIT.c.seq, AUDIT.c.detail).order_by(AUDIT.c.seq.desc()).limit(1), None),  # a LIMIT, a JSON
    ]
    with database.session() as tx:
        for statement, key in reads:
            values = {"key": key} if key is not None else {}
            by_core = tx.connection().execute(statement, values).first()
            assert by_core is not None
            assert Prepared(statement).first(tx, values) == tuple(by_core)
            assert Prepared(statement).first(tx, {"key": "no such id"} if key is not None else {}) == (
                None if key is not None else tuple(by_core)
            )


def test_an_entry_runs_its_statements_without_core_and_stores_what_core_stored(
    care: Care,
    patient: PatientView,
    nurses: tuple[Account, Account],
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
):
    sid = session_at(care, patient, nurses, Step.INFUSING)
    with database.session() as tx:
        summary_before = records.summary(tx, sid)
    sent = core_refused(monkeypatch)
    state, _ = care.record_vitals(sid, NORMAL, nurses[0].id)
    assert sent == []  # the lock, the account, the summary, the head, the rows, the set's day: none through Core
    monkeypatch.undo()
    with database.session() as tx:
        stored = records.load_events(tx, sid)
        summary = records.summary(tx, sid)
    assert stored == list(state.events)  # the entry read back as it was written: payload, times, every column
    assert summary is not None and summary_before is not None
    assert summary.last_seq == summary_before.last_seq + 1 == stored[-1].seq
    assert summary.updated_at == stored[-1].recorded_at
    check = audit.verify(database)  # the line's hashes of the entry and of the summary as stored
    assert check.ok, check.problem


def test_statements_run_through_core_while_someone_listens(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], database: Database
):
    sid = session_at(care, patient, nurses, Step.INFUSING)
    seen: list[str] = []

    def statement(_conn: Any, _cursor: Any, text: str, *_: Any) -> None:
        seen.append(text.split(maxsplit=1)[0])

    event.listen(database.engine, "before_cursor_execute", statement)
    try:
        care.record_vitals(sid, NORMAL, nurses[0].id)
    finally:
        event.remove(database.engine, "before_cursor_execute", statement)
    assert seen.count("INSERT") == 3 and seen.count("UPDATE") == 2  # the entry, its set's columns and day, its line


def test_statements_are_logged_while_cores_statement_log_is_on(
    care: Care,
    patient: PatientView,
    nurses: tuple[Account, Account],
    database: Database,
    caplog: pytest.LogCaptureFixture,
):
    sid = session_at(care, patient, nurses, Step.INFUSING)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    care.record_vitals(sid, NORMAL, nurses[0].id)
    logged = [record.getMessage().split(maxsplit=3)[:3] for record in caplog.records]
    assert ["INSERT", "INTO", "session_event"] in logged and ["UPDATE", "infusion_session", "SET"] in logged


def test_a_row_the_database_refuses_is_refused_as_core_refused_it(
    database: Database, nurses: tuple[Account, Account], monkeypatch: pytest.MonkeyPatch
):
    with database.transaction() as tx:
        line = audit.record(tx, AuditAction.AUDIT_VIEWED, at=T0, workstation="test-ws")
    taken = {**line.__dict__, "detail": {"again": "yes"}}  # the same seq: the chain may not fork
    sent = core_refused(monkeypatch)
    with pytest.raises(RecordChanged), database.transaction() as tx:
        records.insert_audit_lines(tx, [taken])
    assert sent == []
    monkeypatch.undo()
    assert audit.head(database) == (line.seq, line.entry_hash)  # nothing of it kept


def test_a_statement_core_has_work_for_at_run_time_is_not_prepared(database: Database):
    some = select(SESSIONS.c.id).where(SESSIONS.c.id.in_(bindparam("ids", expanding=True)))  # a list spread out
    with database.session() as tx, pytest.raises(ValueError, match="not a statement to prepare"):
        Prepared(some).first(tx, {"ids": ["a", "b"]})
