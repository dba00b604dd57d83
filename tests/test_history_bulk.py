"""The bulk writer of a made-up history stores what the single-record writers ``Care`` uses would have stored,
byte for byte: it hands the driver plain rows (times, dates, flags converted as SQLAlchemy converts them) and
payload texts the copier kept from its templates, so a slip in either would show here as a row that differs."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from core import audit, records
from core.course import CourseView
from core.events import Event, EventType, PatientEvent
from core.hashing import canonical_json, utc_moment
from core.history.build import build_history
from core.people import Account
from core.persistence.db import Database, open_database, sqlite_url
from core.persistence.tables import AuditEntry, Staff, VitalSet
from core.protocol import Protocol
from core.record_values import DetailsRecord, PatientRecord, SessionSummary
from core.records.bulk import AUDIT_COLUMNS, EVENT_COLUMNS
from core.records.schedule_points import write_schedule_points
from core.records.set_days import ROW_COLUMNS as PACKED_SET
from core.records.set_days import add_set_days
from core.schedule_points import ScheduledPoint
from core.signatures import canonical, canonical_text

pytestmark = pytest.mark.sqlite_only

TABLES = {
    "patient": "id",
    "patient_details": "id",
    "course": "id",
    "infusion_session": "id",
    "session_event": "id",
    "patient_event": "id",
    "vital_set": "id",
    "quality_set_day": "day",
    "schedule_point": "session_id, schedule, point_id",
    "quality_point_day": "day, schedule, point_id, status",
    "quality_point_span": "session_id",
    "audit_entry": "seq",
}


def one_at_a_time(
    tx: Session,
    *,
    patients: Iterable[PatientRecord] = (),
    details: Iterable[DetailsRecord] = (),
    courses: Iterable[CourseView] = (),
    sessions: Iterable[SessionSummary] = (),
    events: Iterable[tuple[Event, str]] = (),
    patient_events: Iterable[tuple[PatientEvent, str]] = (),
    audit_lines: Sequence[Mapping[str, Any]] = (),
    audit_rows: Sequence[tuple[Any, ...]] = (),
    utc_texts: Mapping[tuple[datetime, int], str] | None = None,
    event_rows: Sequence[tuple[Any, ...]] = (),
    vital_rows: Sequence[tuple[Any, ...]] = (),
    schedule_points: Sequence[Mapping[str, Any]] = (),
) -> None:
    """``records.insert_history`` the slow way: each record through the function care writes it with (the
    texts given are left aside: the ORM encodes each payload and time itself), each audit line as an ORM row
    (a line given as a row, its detail read back from its text); an entry given as a row, as the ``Event`` it
    stands for, and the sets of vitals' rows given left aside: each is made from its entry as care makes it."""
    given = [
        Event(
            **{**dict(zip(EVENT_COLUMNS, row, strict=True)), "type": EventType(row[3]), "payload": json.loads(row[4])}
        )
        for row in event_rows
    ]
    events = [*events, *((event, "") for event in given)]
    for patient in patients:
        records.add_patient(tx, patient)
    for detail in details:
        records.add_details(tx, detail)
    for course in courses:
        records.add_course(tx, course)
    for summary in sessions:
        records.add_summary(tx, summary)
    tx.flush()
    began: set[str] = set()
    for event, _text in events:
        records.insert_event(tx, event)
        if event.type is EventType.STARTED:
            began.add(event.session_id)
        elif event.type is EventType.VITALS:  # as the entry's transaction writes its row, the infusion begun or not
            row = records.vital_set_row(event, event.session_id in began)
            tx.add(VitalSet(**row))
            add_set_days(tx.connection(), [tuple(row[name] for name in PACKED_SET)])
    for stream_event, _text in patient_events:
        records.insert_patient_event(tx, stream_event)
    tx.flush()
    by_session: dict[str, list[ScheduledPoint]] = {}
    for point in schedule_points:  # as the signature's transaction writes them, with their counts
        fields = {name: point[name] for name in ScheduledPoint._fields}
        by_session.setdefault(point["session_id"], []).append(ScheduledPoint(**fields))
    for session_id, points in by_session.items():
        write_schedule_points(tx.connection(), session_id, points)
    for line in audit_lines:
        tx.add(AuditEntry(**line))
    for row in audit_rows:
        line = dict(zip(AUDIT_COLUMNS, row, strict=True))
        tx.add(AuditEntry(**{**line, "detail": json.loads(line["detail"])}))
    tx.flush()


def stored_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the history's tables as SQLite keeps it (text as text), in key order."""
    connection = sqlite3.connect(path)
    try:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY {key}").fetchall()
            for table, key in TABLES.items()
        }
    finally:
        connection.close()


def test_the_bulk_rows_are_those_the_single_record_writers_store(
    tmp_path: Path,
    protocol: Protocol,
    nurses: tuple[Account, Account],
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
):
    def written(path: Path) -> dict[str, list[tuple[Any, ...]]]:
        other = open_database(sqlite_url(path), create=True)
        try:
            with database.session() as tx, other.transaction() as copy:  # the same nurses, by id
                for staff in tx.exec(select(Staff)):
                    copy.add(Staff(**staff.model_dump()))
            nurse_ids = [n.id for n in nurses]
            build_history(
                other, protocol, nurses=nurse_ids, start=date(2025, 3, 3), end=date(2025, 9, 1), patients=10, seed=7
            )
            check = audit.verify(other)
            assert check.ok, check.problem
        finally:
            other.dispose()
        return stored_rows(path)

    bulk = written(tmp_path / "bulk.sqlite")
    with monkeypatch.context() as patched:
        patched.setattr(records, "insert_history", one_at_a_time)
        slow = written(tmp_path / "slow.sqlite")
    assert all(slow[table] for table in TABLES)
    for table in TABLES:
        assert len(bulk[table]) == len(slow[table]), table
        for ours, theirs in zip(bulk[table], slow[table], strict=True):
            assert ours == theirs, table


VALUES = [
    {"b": 1, "a": [None, True, False, 'ü"\\x', {"z": {}}], "é": "\u2028", "n": -7},
    [],
    "plain \u00e9 text",
    3,
    None,
]


@pytest.mark.parametrize("value", VALUES)
def test_the_one_canonical_text_and_the_stored_text_are_json_dumps_own(value: Any):
    """Both are made by the C encoder ``json.dumps`` uses, called directly: the texts must not move by a byte
    (a hash kept years ago is checked against the canonical one; the stored one is SQLAlchemy's)."""
    assert canonical_json(value) == json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert records.stored_json(value) == json.dumps(value)


def test_an_entry_s_canonical_text_from_its_payload_s_text_is_its_canonical_text():
    moment = datetime(2026, 3, 4, 5, 6, 7, 89, tzinfo=UTC)
    later = datetime(2026, 3, 4, 7, 6, 7, tzinfo=timezone(timedelta(hours=1)))  # saved late, in another zone
    for corrects, reason, saved in (
        (None, None, moment),
        ("c0ffee00-0000-4000-8000-000000000001", 'a "quoted" reason, ü', later),
    ):
        event = Event(
            id="c0ffee00-0000-4000-8000-000000000002",
            session_id="c0ffee00-0000-4000-8000-000000000003",
            seq=4,
            type=EventType.VITALS,
            occurred_at=moment,
            recorded_at=saved,
            recorded_by="c0ffee00-0000-4000-8000-000000000004",
            workstation='ws "\u2028" é',
            payload={"readings": {"spo2": "97"}, "payload": 0, "reason": "x"},
            corrects=corrects,
            reason=reason,
        )
        text = canonical_text(event, canonical_json(event.payload))
        assert text == canonical_json(canonical(event))


def test_the_chain_written_at_once_is_the_chain_written_line_by_line(database: Database):
    """``audit.chained`` (and ``chained_rows``, from prepared tuples into rows) writes each line's canonical
    text field by field: it must hash as ``entry_hash`` hashes the line built as a dict, whatever the text
    holds (quotes, non-ASCII, nothing, numbers)."""
    moment = datetime(2026, 3, 4, 5, 6, 7, 89, tzinfo=UTC)
    lines = [
        {
            "at": moment,
            "actor_id": actor,
            "action": action,
            "workstation": 'ward "B" é',
            "patient_id": patient,
            "session_id": None,
            "detail": detail,
        }
        for actor, action, patient, detail in (
            (None, "record.written", None, {}),
            ("c0ffee00-0000-4000-8000-000000000004", "signature", "p ", {"b": "1", "a": 'q"\\'}),
            ("n", "course.ordered", "p", {"n": 3, "nested": {"z": [None, True]}, "é": "x"}),
        )
    ]
    with database.transaction() as tx:
        head = records.audit_head(tx)
        chained = audit.chained(tx, lines)
    with database.transaction() as tx:  # from prepared tuples, one given its detail's texts as the history does
        given = [audit.BulkLine(**line) for line in lines]
        texts = (canonical_json(lines[2]["detail"]), records.stored_json(lines[2]["detail"]))
        given[2] = given[2]._replace(canonical_detail=texts[0], stored_detail=texts[1], at_text=utc_moment(moment))
        rows = audit.chained_rows(tx, given)
    seq, prev = head if head is not None else (0, audit.GENESIS)
    for line, row, made in zip(lines, chained, rows, strict=True):
        seq += 1
        assert (row["seq"], row["prev_hash"]) == (seq, prev)
        prev = audit.entry_hash(**line, seq=seq, prev_hash=prev)
        assert row["entry_hash"] == prev
        columns = dict(zip(AUDIT_COLUMNS, made, strict=True))
        assert columns == {**row, "detail": records.stored_json(line["detail"])}
    with pytest.raises(TypeError), database.transaction() as tx:  # a value not stored exactly is refused
        audit.chained(tx, [{**lines[0], "detail": {"at": moment}}])
    with pytest.raises(TypeError), database.transaction() as tx:  # even with texts given for it
        audit.chained_rows(tx, [given[0]._replace(detail={"at": moment}, canonical_detail="{}", stored_detail="{}")])
