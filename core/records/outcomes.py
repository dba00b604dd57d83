"""The records the clinic's outcome report counts, read in bulk: a report over ten years of a busy clinic
(~300,000 sessions, ~60,000 courses, ~50,000 outcome sittings) reads them in six queries of plain
columns, each narrowed by the indexes on ``opened_at``, ``patient_id`` and the events' ``type``.

The patients read are those with a session opened in the report's period (from the day before its first
day, since an infusion that began just after midnight belongs to a session opened the evening before); of
them, every course, session and record up to the cut-off, since a patient's first course, the course
before and the course after decide what a course in the period counts as.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, Text, cast
from sqlmodel import Session, col, select

from core.events import EventType
from core.outcomes.cohort import (
    AdverseRow,
    Cohort,
    CourseRow,
    NotGivenRow,
    SessionRow,
    StopRow,
    StoredSitting,
)
from core.persistence.tables import Course, InfusionSession, PatientEventRecord, SessionEvent

COUNTED_KINDS = (EventType.ADVERSE_EVENT.value, EventType.STOPPED_EARLY.value)
CORRECTING_KINDS = (EventType.CORRECTED.value, EventType.ADDENDUM.value)
NOT_GIVEN_KINDS = (EventType.DAY_MISSED.value, EventType.DAY_CANCELLED.value)


def outcome_cohort(
    tx: Session, opened_from: datetime, opened_before: datetime, until: datetime, counted_from: datetime
) -> Cohort:
    """The records of every patient with a session opened from ``opened_from`` (less a day) to
    ``opened_before``, each up to ``until`` (the cut-off: records of later moments are left out).

    ``counted_from``: the first moment an outcome form, an adverse event or an early stop can count for a
    course in the report (``core.outcomes.windows.earliest_counted``); those of earlier moments are not
    read. A patient's courses and sessions are read whole, since the courses before decide what a course in
    the report is (the first, the next, where a form answered between two of them counts)."""
    patients = (
        select(InfusionSession.patient_id)
        .where(
            col(InfusionSession.opened_at) >= opened_from - timedelta(days=1),
            col(InfusionSession.opened_at) < opened_before,
        )
        .distinct()
    )
    courses = _courses(tx, patients, until)
    sessions, adverse, stops = _sessions(tx, patients, until, counted_from)
    whose = {s.patient_id for s in sessions}
    not_given, assessments = _patient_records(tx, patients, whose, until, counted_from)
    return Cohort(courses, sessions, adverse, stops, not_given, assessments)


def _courses(tx: Session, patients: Select[Any], until: datetime) -> tuple[CourseRow, ...]:
    query = select(Course.id, Course.patient_id, Course.first_day, Course.days, Course.recorded_at).where(
        col(Course.patient_id).in_(patients), col(Course.recorded_at) < until
    )
    return tuple(CourseRow(*row) for row in tx.execute(query))


def _sessions(
    tx: Session, patients: Select[Any], until: datetime, counted_from: datetime
) -> tuple[tuple[SessionRow, ...], tuple[AdverseRow, ...], tuple[StopRow, ...]]:
    """The sessions, with the moment each infusion first began (on the session's row), and of their entries
    only the adverse events and early stops from ``counted_from`` on with their payloads (few: the payload
    of the other entries is never read), each adverse event marked when a correction or an addendum names
    it. The entries are found on the index of kind and moment, and kept when their session is one of the
    patients': joining each to its session in the database took longer than the reading."""
    rows = select(
        InfusionSession.id,
        InfusionSession.patient_id,
        InfusionSession.course_id,
        InfusionSession.opened_at,
        InfusionSession.outcome,
        InfusionSession.began_at,
    ).where(col(InfusionSession.patient_id).in_(patients), col(InfusionSession.opened_at) < until)
    sessions = tuple(
        SessionRow(
            sid, patient_id, course_id, opened_at, outcome, began if began is not None and began < until else None
        )
        for sid, patient_id, course_id, opened_at, outcome, began in tx.execute(rows)
    )
    ours = {s.id for s in sessions}
    in_period = (col(SessionEvent.occurred_at) >= counted_from, col(SessionEvent.occurred_at) < until)
    corrections = select(SessionEvent.session_id, SessionEvent.corrects).where(
        col(SessionEvent.type).in_(CORRECTING_KINDS), *in_period, col(SessionEvent.corrects).is_not(None)
    )
    corrected = {target for session_id, target in tx.execute(corrections) if session_id in ours}
    events = select(
        SessionEvent.id,
        SessionEvent.session_id,
        SessionEvent.type,
        SessionEvent.occurred_at,
        cast(SessionEvent.payload, Text),
    ).where(col(SessionEvent.type).in_(COUNTED_KINDS), *in_period)
    adverse: list[AdverseRow] = []
    stops: list[StopRow] = []
    for event_id, session_id, kind, at, stored in tx.execute(events):
        if session_id not in ours:
            continue
        data = json.loads(stored)
        if kind == EventType.ADVERSE_EVENT.value:
            what = data.get("what", data["item"])
            adverse.append(AdverseRow(session_id, data["item"], what, data["severity"], at, event_id in corrected))
        else:
            stops.append(StopRow(session_id, data["reason"], at))
    return sessions, tuple(adverse), tuple(stops)


def _patient_records(
    tx: Session, patients: Select[Any], whose: set[str], until: datetime, counted_from: datetime
) -> tuple[tuple[NotGivenRow, ...], tuple[StoredSitting, ...]]:
    """The days not given of the patients' courses, and the sittings of outcome forms of ``whose`` (the same
    patients) from ``counted_from`` on, found on the index of kind and moment, with their stored text, parsed
    only for the sittings the report counts (``StoredSitting``)."""
    days = select(
        PatientEventRecord.course_id, PatientEventRecord.patient_id, PatientEventRecord.type, PatientEventRecord.payload
    ).where(
        col(PatientEventRecord.type).in_(NOT_GIVEN_KINDS),
        col(PatientEventRecord.patient_id).in_(patients),
        col(PatientEventRecord.occurred_at) < until,
        col(PatientEventRecord.course_id).is_not(None),
    )
    not_given = tuple(
        NotGivenRow(patient_id, course_id, int(data["day"]), kind == EventType.DAY_CANCELLED.value)
        for course_id, patient_id, kind, data in tx.execute(days)
    )
    forms = select(
        PatientEventRecord.patient_id, PatientEventRecord.occurred_at, cast(PatientEventRecord.payload, Text)
    ).where(
        col(PatientEventRecord.type) == EventType.ASSESSED.value,
        col(PatientEventRecord.occurred_at) >= counted_from,
        col(PatientEventRecord.occurred_at) < until,
    )
    sittings = tuple(StoredSitting(pid, at, stored) for pid, at, stored in tx.execute(forms) if pid in whose)
    return not_given, sittings
