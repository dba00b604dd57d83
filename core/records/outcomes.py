"""The records the clinic's outcome report counts, read in bulk: a report over ten years of a busy clinic
(~300,000 sessions, ~60,000 courses, ~150,000 outcome sittings) reads them in four queries of plain
columns, each narrowed by the indexes on ``opened_at``, ``patient_id`` and the events' ``type``.

The patients read are those with a session opened in the report's period (from the day before its first
day, since an infusion that began just after midnight belongs to a session opened the evening before); of
them, every course, session and record up to the cut-off, since a patient's first course, the course
before and the course after decide what a course in the period counts as.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, Text, cast
from sqlmodel import Session, col, select

from core.events import EventType
from core.outcomes.cohort import (
    AdverseRow,
    AssessmentRow,
    Cohort,
    CourseRow,
    FormScore,
    NotGivenRow,
    SessionRow,
    StopRow,
)
from core.persistence.tables import Course, InfusionSession, PatientEventRecord, SessionEvent

SESSION_KINDS = (EventType.STARTED.value, EventType.ADVERSE_EVENT.value, EventType.STOPPED_EARLY.value)
PATIENT_KINDS = (EventType.DAY_MISSED.value, EventType.DAY_CANCELLED.value, EventType.ASSESSED.value)


def outcome_cohort(tx: Session, opened_from: datetime, opened_before: datetime, until: datetime) -> Cohort:
    """The records of every patient with a session opened from ``opened_from`` (less a day) to
    ``opened_before``, each up to ``until`` (the cut-off: records of later moments are left out)."""
    patients = (
        select(InfusionSession.patient_id)
        .where(
            col(InfusionSession.opened_at) >= opened_from - timedelta(days=1),
            col(InfusionSession.opened_at) < opened_before,
        )
        .distinct()
    )
    courses = _courses(tx, patients, until)
    sessions, adverse, stops = _sessions(tx, patients, until)
    not_given, assessments = _patient_records(tx, patients, until)
    return Cohort(courses, sessions, adverse, stops, not_given, assessments)


def _courses(tx: Session, patients: Select[Any], until: datetime) -> tuple[CourseRow, ...]:
    query = select(Course.id, Course.patient_id, Course.first_day, Course.days, Course.recorded_at).where(
        col(Course.patient_id).in_(patients), col(Course.recorded_at) < until
    )
    return tuple(CourseRow(*row) for row in tx.execute(query))


def _sessions(
    tx: Session, patients: Select[Any], until: datetime
) -> tuple[tuple[SessionRow, ...], tuple[AdverseRow, ...], tuple[StopRow, ...]]:
    """The sessions, and of their entries only the three kinds counted: the infusion's start, adverse events
    and early stops (the payload is read for the last two only)."""
    rows = select(
        InfusionSession.id,
        InfusionSession.patient_id,
        InfusionSession.course_id,
        InfusionSession.opened_at,
        InfusionSession.outcome,
    ).where(col(InfusionSession.patient_id).in_(patients), col(InfusionSession.opened_at) < until)
    events = (
        select(SessionEvent.session_id, SessionEvent.type, SessionEvent.occurred_at, cast(SessionEvent.payload, Text))
        .join(InfusionSession, col(InfusionSession.id) == col(SessionEvent.session_id))
        .where(
            col(SessionEvent.type).in_(SESSION_KINDS),
            col(InfusionSession.patient_id).in_(patients),
            col(SessionEvent.occurred_at) < until,
        )
    )
    started: dict[str, datetime] = {}
    adverse: list[AdverseRow] = []
    stops: list[StopRow] = []
    for session_id, kind, at, stored in tx.execute(events):
        if kind == EventType.STARTED.value:
            started[session_id] = min(at, started.get(session_id, at))
        elif kind == EventType.ADVERSE_EVENT.value:
            data = json.loads(stored)
            adverse.append(AdverseRow(session_id, data["item"], data.get("what", data["item"]), data["severity"], at))
        else:
            stops.append(StopRow(session_id, json.loads(stored)["reason"], at))
    sessions = tuple(
        SessionRow(sid, patient_id, course_id, opened_at, outcome, started.get(sid))
        for sid, patient_id, course_id, opened_at, outcome in tx.execute(rows)
    )
    return sessions, tuple(adverse), tuple(stops)


def _patient_records(
    tx: Session, patients: Select[Any], until: datetime
) -> tuple[tuple[NotGivenRow, ...], tuple[AssessmentRow, ...]]:
    query = select(
        PatientEventRecord.patient_id,
        PatientEventRecord.course_id,
        PatientEventRecord.type,
        PatientEventRecord.occurred_at,
        cast(PatientEventRecord.payload, Text),
    ).where(
        col(PatientEventRecord.type).in_(PATIENT_KINDS),
        col(PatientEventRecord.patient_id).in_(patients),
        col(PatientEventRecord.occurred_at) < until,
    )
    not_given: list[NotGivenRow] = []
    assessments: list[AssessmentRow] = []
    for patient_id, course_id, kind, at, stored in tx.execute(query):
        data = json.loads(stored)
        if kind == EventType.ASSESSED.value:
            assessments.append(AssessmentRow(patient_id, at, _forms(data["forms"]), data.get("pain_intensity")))
        elif course_id is not None:
            by_clinic = kind == EventType.DAY_CANCELLED.value
            not_given.append(NotGivenRow(patient_id, course_id, int(data["day"]), by_clinic))
    return tuple(not_given), tuple(assessments)


def _forms(forms: Iterable[dict[str, Any]]) -> tuple[FormScore, ...]:
    return tuple(
        FormScore(
            form_id=form["form_id"],
            t_score=_decimal(form.get("t_score")),
            se=_decimal(form.get("se")),
            table=form.get("table"),
            tables_sha256=form.get("tables_sha256"),
            to_verify=bool(form.get("to_verify")),
            answered=int(form.get("answered", 0)),
            of=int(form.get("of", 0)),
        )
        for form in forms
    )


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))
