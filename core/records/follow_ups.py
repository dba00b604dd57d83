"""What the follow-up list reads, for every patient at once: the courses still recent enough to have a
follow-up window open or lately closed (numbered among each patient's courses), when each one's first and
last infusion began, the outcome forms answered in the windows still listed and what the ones that count
hold, the patients' names and the contact routes in force.

A few queries of plain columns, each on an index (``infusion_session.opened_at`` and ``course_id``;
``patient_event`` by kind and moment, and by kind and patient, migration 0009; when an infusion began is on
its session's row, migration 0010), with
what can be counted counted in the database (a course's number, a sitting's forms): what is read grows
with the clinic's last months, never with the years before them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, FromClause, func, literal_column, type_coerce
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from core.course import CourseView
from core.events import EventType
from core.persistence.tables import Course, InfusionSession, Patient, PatientEventRecord
from core.persistence.types import UTCDateTime

CHUNK = 500
"""Patients named in one ``IN`` list: well inside every database's limit on bound values."""
FORM_COUNTS = {
    "sqlite": (
        "json_array_length(patient_event.payload, '$.forms')",
        "(SELECT count(*) FROM json_each(patient_event.payload, '$.forms') AS form"
        " WHERE json_extract(form.value, '$.t_score') IS NOT NULL)",
    ),
    "postgresql": (
        "json_array_length(patient_event.payload -> 'forms')",
        "(SELECT count(*) FROM json_array_elements(patient_event.payload -> 'forms') AS form"
        " WHERE form ->> 't_score' IS NOT NULL)",
    ),
}
"""A sitting's forms, and those of them with a T-score, counted in each database's JSON functions."""


class CourseMoments(NamedTuple):
    course_id: str
    first: datetime
    """When the course's first infusion began (failing an entry saying so, when its session was opened)."""
    last: datetime
    """When its last infusion so far began (likewise)."""


class TreatedSession(NamedTuple):
    course_id: str
    began: datetime
    """When its infusion began (its first "infusion.started"); failing one, when it was opened."""


class SittingRow(NamedTuple):
    id: str
    patient_id: str
    taken_at: datetime


class ContactRow(NamedTuple):
    patient_id: str
    phone: str
    preferred: str
    note: str | None
    recorded_by: str
    recorded_at: datetime


class NamedPatient(NamedTuple):
    id: str
    mrn: str
    family_name: str
    given_name: str
    birth_date: date


class NumberedCourse(NamedTuple):
    course: CourseView
    number: int
    """1 for the patient's first course, 2 for the next, … (in the order they were ordered)."""
    of: int
    """How many courses the patient had by then."""


def recent_courses(tx: Session, since: datetime, until: datetime) -> list[NumberedCourse]:
    """The courses ordered before ``until`` that may still have a follow-up window to list: those with a
    session opened from ``since`` on, and those ordered from ``since`` on, of every patient with a session
    from ``since`` on; each numbered among all of its patient's courses ordered before ``until`` (the older
    ones are counted in the database on the patient's index, never read)."""
    recent = (
        select(InfusionSession.course_id, InfusionSession.patient_id)
        .where(col(InfusionSession.opened_at) >= since)
        .cte("recent")
    )
    older = aliased(Course, name="older")
    same_patient = col(older.patient_id) == col(Course.patient_id)
    before = (col(older.recorded_at) < col(Course.recorded_at)) | (
        (col(older.recorded_at) == col(Course.recorded_at)) & (col(older.id) <= col(Course.id))
    )
    number = select(func.count()).where(same_patient, before).scalar_subquery()
    of = select(func.count()).where(same_patient, col(older.recorded_at) < until).scalar_subquery()
    query = select(
        Course.id,
        Course.patient_id,
        Course.prescriber,
        Course.protocol_id,
        Course.protocol_version,
        Course.first_day,
        Course.days,
        Course.recorded_by,
        Course.recorded_at,
        number,
        of,
    ).where(
        col(Course.recorded_at) < until,
        col(Course.id).in_(select(recent.c.course_id))
        | ((col(Course.recorded_at) >= since) & col(Course.patient_id).in_(select(recent.c.patient_id))),
    )
    return [NumberedCourse(CourseView(*row[:9]), row[9], row[10]) for row in tx.exec(query)]


def course_moments_since(
    tx: Session, since: datetime, until: datetime, treated: Collection[str]
) -> list[CourseMoments]:
    """Of every course with a session opened from ``since`` on, the moments its first and its last infusion
    began (of its sessions with an outcome in ``treated``, opened before ``until``): the course whole, so
    one begun before ``since`` still has its first infusion. One row a course, worked out in the database."""
    recent = select(InfusionSession.course_id).where(col(InfusionSession.opened_at) >= since)
    joined, course_id, began = _treated_sessions(col(InfusionSession.course_id).in_(recent), until, treated)
    first, last = (type_coerce(moment, UTCDateTime) for moment in (func.min(began), func.max(began)))
    query = select(course_id, first, last).select_from(joined).group_by(course_id)
    return [CourseMoments(*row) for row in tx.exec(query)]


def treated_sessions_of(
    tx: Session, course_ids: Sequence[str], until: datetime, treated: Collection[str]
) -> list[TreatedSession]:
    """The sessions with an outcome in ``treated``, opened before ``until``, of the courses named, each with
    the moment its infusion began: for the few courses whose days are still being given."""
    found: list[TreatedSession] = []
    for chunk in _chunks(course_ids):
        joined, course_id, began = _treated_sessions(col(InfusionSession.course_id).in_(chunk), until, treated)
        query = select(course_id, type_coerce(began, UTCDateTime)).select_from(joined)
        found += [TreatedSession(*row) for row in tx.exec(query)]
    return found


def _treated_sessions(
    which: ColumnElement[bool], until: datetime, treated: Collection[str]
) -> tuple[FromClause, ColumnElement[str], ColumnElement[datetime]]:
    """The treated sessions ``which`` picks, with the moment each one's infusion began (as its row keeps it:
    its first "infusion.started" entry's), or failing one, the moment the session was opened. As (the
    sessions, course, moment)."""
    sessions = (
        select(
            InfusionSession.course_id,
            func.coalesce(InfusionSession.began_at, InfusionSession.opened_at).label("began"),
        )
        .where(which, col(InfusionSession.outcome).in_(list(treated)), col(InfusionSession.opened_at) < until)
        .subquery("treated")
    )
    return sessions, sessions.c.course_id, sessions.c.began


def sittings_between(tx: Session, since: datetime, until: datetime) -> list[SittingRow]:
    """Every outcome form sitting answered from ``since`` to before ``until``, on any patient's stream (on
    the index of kind and moment): when and whose only, since the list needs the contents of a few."""
    query = select(PatientEventRecord.id, PatientEventRecord.patient_id, PatientEventRecord.occurred_at).where(
        col(PatientEventRecord.type) == EventType.ASSESSED.value,
        col(PatientEventRecord.occurred_at) >= since,
        col(PatientEventRecord.occurred_at) < until,
    )
    return [SittingRow(*row) for row in tx.exec(query)]


def sitting_counts(tx: Session, ids: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Of each outcome form sitting named, by id: how many forms it holds and how many of them have a T-score
    (``event_data.Assessed``: ``forms``, each with its ``t_score`` or null), counted in the database from
    the stored payload: decoding whole sittings (every form's answers) for two numbers was most of the
    time the list spent on them."""
    forms, scored = (literal_column(sql) for sql in FORM_COUNTS[tx.get_bind().dialect.name])
    found: dict[str, tuple[int, int]] = {}
    for chunk in _chunks(ids):
        query = select(PatientEventRecord.id, forms, scored).where(col(PatientEventRecord.id).in_(chunk))
        found |= {row[0]: (row[1], row[2]) for row in tx.exec(query)}
    return found


def contact_routes(tx: Session, patient_ids: Sequence[str], recorded_before: datetime) -> dict[str, ContactRow]:
    """Each patient's contact route in force before ``recorded_before``: the one recorded last (its fields
    read out of the stored ``event_data.ContactRoute`` by the database)."""
    payload = PatientEventRecord.payload
    found: dict[str, ContactRow] = {}
    for chunk in _chunks(patient_ids):
        query = (
            select(
                PatientEventRecord.patient_id,
                payload["phone"].as_string(),
                payload["preferred"].as_string(),
                payload["note"].as_string(),
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


def patients_named(tx: Session, patient_ids: Sequence[str]) -> dict[str, NamedPatient]:
    """Who the patients named are, a chunk at a time: the columns a list names a patient by, not whole rows."""
    found: dict[str, NamedPatient] = {}
    for chunk in _chunks(patient_ids):
        query = select(Patient.id, Patient.mrn, Patient.family_name, Patient.given_name, Patient.birth_date).where(
            col(Patient.id).in_(chunk)
        )
        found |= {row[0]: NamedPatient(*row) for row in tx.exec(query)}
    return found
