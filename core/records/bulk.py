"""Many records written at once: a made-up history (``core.history``) inserted in batches of rows per
statement, not one ``INSERT`` and one round trip per record. The rows are the very ones the single-record
functions write (``add_patient``, ``insert_event``, …), so a history reads back exactly as care recorded
one at a time would; the caller gives each audit line already chained (``core.audit`` knows the chain).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
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
from core.records.sessions import SUMMARY_FIELDS

BATCH = 5_000
"""Rows per statement: large enough that statements cost little, small enough to stay modest in memory."""


def _table(model: type) -> Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


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
    _insert(tx, Patient, [_patient(row) for row in patients])
    _insert(tx, PatientDetails, [_details(row) for row in details])
    _insert(tx, Course, [_course(row) for row in courses])
    _insert(tx, InfusionSession, [{name: getattr(row, name) for name in SUMMARY_FIELDS} for row in sessions])
    _insert(tx, SessionEvent, [_event(row) for row in events])
    _insert(tx, PatientEventRecord, [_patient_event(row) for row in patient_events])
    _insert(tx, AuditEntry, audit_lines)


def audit_head(tx: Session) -> tuple[int, str] | None:
    """The audit trail's last line, its seq and hash (the caller takes the chain's lock first)."""
    row = tx.exec(select(AuditEntry.seq, AuditEntry.entry_hash).order_by(col(AuditEntry.seq).desc()).limit(1)).first()
    return (row[0], row[1]) if row is not None else None


def _patient(row: PatientRecord) -> dict[str, Any]:
    return {
        "id": row.id,
        "mrn": row.mrn,
        "family_name": row.family_name,
        "given_name": row.given_name,
        "birth_date": row.birth_date,
        "created_at": row.created_at,
        "created_by": row.created_by,
    }


def _details(row: DetailsRecord) -> dict[str, Any]:
    return {
        "id": row.id,
        "patient_id": row.patient_id,
        "sex": row.sex,
        "allergies": row.allergies,
        "no_known_allergies": row.no_known_allergies,
        "confirmed_by": row.confirmed_by,
        "confirmed_at": row.confirmed_at,
    }


def _course(row: CourseView) -> dict[str, Any]:
    return {
        "id": row.id,
        "patient_id": row.patient_id,
        "protocol_id": row.protocol_id,
        "protocol_version": row.protocol_version,
        "prescriber": row.prescriber,
        "first_day": row.first_day,
        "days": row.days,
        "recorded_by": row.recorded_by,
        "recorded_at": row.recorded_at,
    }


def _event(row: Event) -> dict[str, Any]:
    return {
        "id": row.id,
        "session_id": row.session_id,
        "seq": row.seq,
        "type": row.type.value,
        "payload": row.payload,
        "occurred_at": row.occurred_at,
        "recorded_at": row.recorded_at,
        "recorded_by": row.recorded_by,
        "workstation": row.workstation,
        "corrects": row.corrects,
        "reason": row.reason,
    }


def _patient_event(row: PatientEvent) -> dict[str, Any]:
    return {
        "id": row.id,
        "patient_id": row.patient_id,
        "course_id": row.course_id,
        "seq": row.seq,
        "type": row.type.value,
        "payload": row.payload,
        "occurred_at": row.occurred_at,
        "recorded_at": row.recorded_at,
        "recorded_by": row.recorded_by,
        "workstation": row.workstation,
        "corrects": row.corrects,
        "reason": row.reason,
    }
