"""What the follow-up list reads, for every patient at once: the courses, the treated sessions of the
courses still recent enough to have a follow-up window open or lately closed, with the moment each
infusion began, the outcome forms answered in that time, and the contact routes in force.

A few queries of plain columns, each on an index (``infusion_session.opened_at`` and ``course_id``,
``session_event.type``, ``patient_event.type``): a clinic's ten years (~60,000 courses, ~300,000 sessions)
is read in a moment, because only its last months are read beyond the course rows themselves.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from core.course import CourseView
from core.events import EventType
from core.persistence.tables import Course, InfusionSession, PatientEventRecord, SessionEvent
from core.record_values import PatientRecord
from core.records.patients import patients_by_id

CHUNK = 500
"""Patients named in one ``IN`` list: well inside every database's limit on bound values."""


class TreatedSession(NamedTuple):
    id: str
    patient_id: str
    course_id: str
    opened_at: datetime
    started_at: datetime | None
    """When its infusion began (its first "infusion.started"); None if no such entry was found."""


class SittingRow(NamedTuple):
    id: str
    patient_id: str
    course_id: str | None
    occurred_at: datetime
    payload: dict[str, Any]


class ContactRow(NamedTuple):
    patient_id: str
    payload: dict[str, Any]
    recorded_by: str
    recorded_at: datetime


def all_courses(tx: Session, recorded_before: datetime) -> list[CourseView]:
    """Every course ordered before ``recorded_before``, each patient's in the order they were ordered (so
    a course's number is its place among its patient's)."""
    query = (
        select(
            Course.id,
            Course.patient_id,
            Course.prescriber,
            Course.protocol_id,
            Course.protocol_version,
            Course.first_day,
            Course.days,
            Course.recorded_by,
            Course.recorded_at,
        )
        .where(col(Course.recorded_at) < recorded_before)
        .order_by(col(Course.patient_id), col(Course.recorded_at), col(Course.id))
    )
    return [CourseView(*row) for row in tx.exec(query)]


def treated_sessions_since(
    tx: Session, since: datetime, until: datetime, treated: Collection[str]
) -> list[TreatedSession]:
    """The sessions with an outcome in ``treated``, opened before ``until``, of every course that has a
    session opened from ``since`` on: those courses whole, so a course begun before ``since`` still has its
    first infusion and its count of days. With the moment each infusion began, in the same query."""
    recent = (
        select(InfusionSession.course_id)
        .where(col(InfusionSession.opened_at) >= since, col(InfusionSession.course_id).is_not(None))
        .distinct()
    )
    started = and_(
        col(SessionEvent.session_id) == col(InfusionSession.id), col(SessionEvent.type) == EventType.STARTED.value
    )
    query = (
        select(
            InfusionSession.id,
            InfusionSession.patient_id,
            InfusionSession.course_id,
            InfusionSession.opened_at,
            func.min(SessionEvent.occurred_at),
        )
        .select_from(InfusionSession)
        .outerjoin(SessionEvent, started)
        .where(
            col(InfusionSession.course_id).in_(recent),
            col(InfusionSession.outcome).in_(list(treated)),
            col(InfusionSession.opened_at) < until,
        )
        .group_by(InfusionSession.id, InfusionSession.patient_id, InfusionSession.course_id, InfusionSession.opened_at)
    )
    return [TreatedSession(*row) for row in tx.exec(query)]


def sittings_between(tx: Session, since: datetime, until: datetime) -> list[SittingRow]:
    """Every outcome form sitting answered from ``since`` to before ``until``, on any patient's stream."""
    query = select(
        PatientEventRecord.id,
        PatientEventRecord.patient_id,
        PatientEventRecord.course_id,
        PatientEventRecord.occurred_at,
        PatientEventRecord.payload,
    ).where(
        col(PatientEventRecord.type) == EventType.ASSESSED.value,
        col(PatientEventRecord.occurred_at) >= since,
        col(PatientEventRecord.occurred_at) < until,
    )
    return [SittingRow(*row) for row in tx.exec(query)]


def contact_routes(tx: Session, patient_ids: Sequence[str], recorded_before: datetime) -> dict[str, ContactRow]:
    """Each patient's contact route in force before ``recorded_before``: the one recorded last."""
    found: dict[str, ContactRow] = {}
    for chunk in _chunks(patient_ids):
        query = (
            select(
                PatientEventRecord.patient_id,
                PatientEventRecord.payload,
                PatientEventRecord.recorded_by,
                PatientEventRecord.recorded_at,
            )
            .where(
                col(PatientEventRecord.type) == EventType.CONTACT.value,
                col(PatientEventRecord.patient_id).in_(chunk),
                col(PatientEventRecord.recorded_at) < recorded_before,
            )
            .order_by(col(PatientEventRecord.patient_id), col(PatientEventRecord.seq))
        )
        for row in tx.exec(query):
            found[row[0]] = ContactRow(*row)  # the newest wins
    return found


def _chunks(ids: Sequence[str]) -> Iterator[list[str]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def patients_named(tx: Session, patient_ids: Sequence[str]) -> dict[str, PatientRecord]:
    """The patients named, read a chunk at a time."""
    found: dict[str, PatientRecord] = {}
    for chunk in _chunks(patient_ids):
        found |= patients_by_id(tx, chunk)
    return found
