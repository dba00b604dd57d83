"""Many records written at once: a made-up history (``core.history``) inserted in batches of rows per
statement, not one ``INSERT`` and one round trip per record. The rows are the very ones the single-record
functions write (``add_patient``, ``insert_event``, …), so a history reads back exactly as care recorded
one at a time would; the caller gives each audit line already chained (``core.audit`` knows the chain).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import Enum
from typing import Any

from sqlalchemy import Table, insert
from sqlmodel import Session, col, select

from core.course import CourseView
from core.events import Event, PatientEvent
from core.persistence.tables import (
    AuditEntry,
    Course,
    InfusionSession,
    Patient,
    PatientDetails,
    PatientEventRecord,
    SessionEvent,
)
from core.record_values import DetailsRecord, PatientRecord, SessionSummary

BATCH = 5_000
"""Rows per statement: large enough that statements cost little, small enough to stay modest in memory."""


def _table(model: type) -> Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


def _row(model: type, value: object) -> dict[str, Any]:
    """The table's row for a plain value whose fields are named as the table's columns (every value written
    here is), a kind stored as its text: one rule for every table, so a column added later is not missed."""
    row = {}
    for column in _table(model).columns:
        field = getattr(value, column.name)
        row[column.name] = field.value if isinstance(field, Enum) else field
    return row


def _insert(tx: Session, model: type, rows: Sequence[Mapping[str, Any]]) -> None:
    statement = insert(_table(model))
    for start in range(0, len(rows), BATCH):
        tx.execute(statement, list(rows[start : start + BATCH]))


def insert_history(
    tx: Session,
    *,
    patients: Iterable[PatientRecord] = (),
    details: Iterable[DetailsRecord] = (),
    courses: Iterable[CourseView] = (),
    sessions: Iterable[SessionSummary] = (),
    events: Iterable[Event] = (),
    patient_events: Iterable[PatientEvent] = (),
    audit_lines: Sequence[Mapping[str, Any]] = (),
) -> None:
    """Insert every record given, in the order their references need (a patient before her course, a session
    before its entries, everything before the audit lines that name it)."""
    _insert(tx, Patient, [_row(Patient, row) for row in patients])
    _insert(tx, PatientDetails, [_row(PatientDetails, row) for row in details])
    _insert(tx, Course, [_row(Course, row) for row in courses])
    _insert(tx, InfusionSession, [_row(InfusionSession, row) for row in sessions])
    _insert(tx, SessionEvent, [_row(SessionEvent, row) for row in events])
    _insert(tx, PatientEventRecord, [_row(PatientEventRecord, row) for row in patient_events])
    _insert(tx, AuditEntry, audit_lines)


def audit_head(tx: Session) -> tuple[int, str] | None:
    """The audit trail's last line, its seq and hash (the caller takes the chain's lock first)."""
    row = tx.exec(select(AuditEntry.seq, AuditEntry.entry_hash).order_by(col(AuditEntry.seq).desc()).limit(1)).first()
    return (row[0], row[1]) if row is not None else None
