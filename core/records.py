"""Reading and appending session records inside a transaction. The only module that knows the tables'
shapes for sessions and accounts; it is called with the session of a unit of work (``core.unit_of_work``).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import ColumnElement, Text, type_coerce
from sqlmodel import Session, col, func, select

from core.events import Event, EventType, PatientEvent
from core.people import Account, Role
from core.persistence.tables import (
    Course,
    InfusionSession,
    Patient,
    PatientDetails,
    PatientEventRecord,
    SessionEvent,
    Staff,
)
from core.views import PatientView


def to_event(row: SessionEvent) -> Event:
    return Event(
        id=row.id,
        session_id=row.session_id,
        seq=row.seq,
        type=EventType(row.type),
        occurred_at=row.occurred_at,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
        workstation=row.workstation,
        payload=dict(row.payload),
        corrects=row.corrects,
        reason=row.reason,
    )


_EVENT_COLUMNS = (
    SessionEvent.id,
    SessionEvent.session_id,
    SessionEvent.seq,
    SessionEvent.type,
    type_coerce(SessionEvent.payload, Text),
    SessionEvent.occurred_at,
    SessionEvent.recorded_at,
    SessionEvent.recorded_by,
    SessionEvent.workstation,
    SessionEvent.corrects,
    SessionEvent.reason,
)
"""A session's events as plain columns, the payload as the text it is stored as: every action and every
board tick reads them, and building a row object for each, then parsing its payload, was most of a read.
The stored text is also what the typed entries read lately are known by (``core.events``)."""


def _read_events(tx: Session, where: ColumnElement[bool]) -> Iterator[Event]:
    query = select(*_EVENT_COLUMNS).where(where).order_by(col(SessionEvent.session_id), col(SessionEvent.seq))
    for id_, session_id, seq, kind, stored, occurred_at, recorded_at, by, workstation, corrects, reason in tx.exec(
        query
    ):
        yield Event(
            id=id_,
            session_id=session_id,
            seq=seq,
            type=EventType(kind),
            occurred_at=occurred_at,
            recorded_at=recorded_at,
            recorded_by=by,
            workstation=workstation,
            payload=json.loads(stored),
            corrects=corrects,
            reason=reason,
            stored=stored,
        )


def load_events(tx: Session, session_id: str) -> list[Event]:
    return list(_read_events(tx, col(SessionEvent.session_id) == session_id))


def load_events_of(tx: Session, session_ids: list[str]) -> dict[str, list[Event]]:
    """Several sessions' events in one query (the board reads every open chair each second)."""
    by_session: dict[str, list[Event]] = {sid: [] for sid in session_ids}
    if session_ids:
        for event in _read_events(tx, col(SessionEvent.session_id).in_(session_ids)):
            by_session[event.session_id].append(event)
    return by_session


def patients_by_id(tx: Session, patient_ids: list[str]) -> dict[str, Patient]:
    return {p.id: p for p in tx.exec(select(Patient).where(col(Patient.id).in_(patient_ids)))}


def insert_event(tx: Session, event: Event) -> None:
    tx.add(
        SessionEvent(
            id=event.id,
            session_id=event.session_id,
            seq=event.seq,
            type=event.type.value,
            payload=event.payload,
            occurred_at=event.occurred_at,
            recorded_at=event.recorded_at,
            recorded_by=event.recorded_by,
            workstation=event.workstation,
            corrects=event.corrects,
            reason=event.reason,
        )
    )


def active_sessions(tx: Session) -> list[InfusionSession]:
    return list(
        tx.exec(select(InfusionSession).where(col(InfusionSession.active)).order_by(col(InfusionSession.chair)))
    )


def sessions_opened_between(tx: Session, start: datetime, end: datetime) -> list[InfusionSession]:
    query = select(InfusionSession).where(col(InfusionSession.opened_at) >= start, col(InfusionSession.opened_at) < end)
    return list(tx.exec(query.order_by(col(InfusionSession.opened_at))))


def active_on_chair(tx: Session, chair: int) -> InfusionSession | None:
    query = select(InfusionSession).where(col(InfusionSession.active), InfusionSession.chair == chair)
    return tx.exec(query).first()


def active_for_patient(tx: Session, patient_id: str) -> InfusionSession | None:
    query = select(InfusionSession).where(col(InfusionSession.active), InfusionSession.patient_id == patient_id)
    return tx.exec(query).first()


def find_patients(tx: Session, text: str, limit: int = 20) -> list[Patient]:
    needle = f"%{text.strip().lower()}%"
    same_mrn = func.lower(col(Patient.mrn)) == text.strip().lower()  # letter case on a wristband is a slip
    named = col(Patient.family_name).ilike(needle) | col(Patient.given_name).ilike(needle)
    query = select(Patient).where(same_mrn | named)
    return list(tx.exec(query.order_by(col(Patient.family_name), col(Patient.given_name)).limit(limit)))


def last_weight_elsewhere(tx: Session, patient_id: str, session_id: str) -> Event | None:
    """The patient's most recent weighing in any other session (the one a new weight is compared with)."""
    query = (
        select(SessionEvent)
        .join(InfusionSession, col(InfusionSession.id) == col(SessionEvent.session_id))
        .where(
            InfusionSession.patient_id == patient_id,
            InfusionSession.id != session_id,
            SessionEvent.type == EventType.WEIGHED.value,
        )
        .order_by(col(SessionEvent.occurred_at).desc())
        .limit(1)
    )
    row = tx.exec(query).first()
    return to_event(row) if row else None


def latest_course(tx: Session, patient_id: str) -> Course | None:
    """The course in force: the order recorded last (a new order starts a new course)."""
    query = select(Course).where(Course.patient_id == patient_id).order_by(col(Course.recorded_at).desc())
    return tx.exec(query.limit(1)).first()


def course(tx: Session, course_id: str) -> Course | None:
    return tx.get(Course, course_id)


def sessions_of(tx: Session, patient_id: str) -> list[InfusionSession]:
    return list(tx.exec(select(InfusionSession).where(InfusionSession.patient_id == patient_id)))


def patients_born_on(tx: Session, born: date) -> list[Patient]:
    return list(tx.exec(select(Patient).where(Patient.birth_date == born)))


def patient_by_mrn(tx: Session, mrn: str) -> Patient | None:
    return tx.exec(select(Patient).where(Patient.mrn == mrn)).first()


def latest_details(tx: Session, patient_ids: list[str]) -> dict[str, tuple[PatientDetails, str]]:
    """Each patient's newest confirmation of sex and allergies, with the confirming nurse's name."""
    if not patient_ids:
        return {}
    query = (
        select(PatientDetails, Staff.display_name)
        .join(Staff, col(Staff.id) == col(PatientDetails.confirmed_by))
        .where(col(PatientDetails.patient_id).in_(patient_ids))
        .order_by(col(PatientDetails.confirmed_at))
    )
    return {row.patient_id: (row, name) for row, name in tx.exec(query)}  # the newest wins


def account_of(row: Staff) -> Account:
    return Account(
        id=row.id,
        name=row.display_name,
        username=row.username,
        role=Role(row.role),
        active=row.active,
        must_change_password=row.must_change_password,
        has_pin=row.pin_hash is not None,
        locked_until=row.locked_until,
        last_sign_in_at=row.last_sign_in_at,
        created_at=row.created_at,
        deactivated_at=row.deactivated_at,
    )


def account(tx: Session, account_id: str) -> Account | None:
    """The account as stored now (None when there is none), for checking what it may do."""
    row = tx.get(Staff, account_id)
    return account_of(row) if row is not None else None


def patient_views(tx: Session, rows: Sequence[Patient]) -> list[PatientView]:
    """The patients with their newest confirmed details, read in one query."""
    details = latest_details(tx, [row.id for row in rows])
    views = []
    for row in rows:
        view = PatientView(row.id, row.mrn, row.family_name, row.given_name, row.birth_date)
        if row.id in details:
            confirmed, by = details[row.id]
            view = replace(
                view,
                sex=confirmed.sex,
                allergies=confirmed.allergies,
                no_known_allergies=confirmed.no_known_allergies,
                details_confirmed_by=by,
                details_confirmed_at=confirmed.confirmed_at,
            )
        views.append(view)
    return views


def patient_view(tx: Session, row: Patient) -> PatientView:
    return patient_views(tx, [row])[0]


def staff_names(tx: Session) -> dict[str, str]:
    """Everyone's name by account id (a log names whoever recorded, deactivated or not)."""
    return {person.id: person.display_name for person in tx.exec(select(Staff))}


def staff_names_of(tx: Session, staff_ids: Collection[str]) -> dict[str, str]:
    return {s.id: s.display_name for s in tx.exec(select(Staff).where(col(Staff.id).in_(staff_ids)))}


def staff_by_ids(tx: Session, staff_ids: Collection[str]) -> dict[str, Staff]:
    return {s.id: s for s in tx.exec(select(Staff).where(col(Staff.id).in_(staff_ids)))}


def staff_by_username(tx: Session, username: str) -> Staff | None:
    """The account whose user name this is, in any letter case (as a filter typed by a person)."""
    return tx.exec(select(Staff).where(func.lower(col(Staff.username)) == username.lower())).first()


def sessions_by_id(tx: Session, session_ids: Collection[str]) -> dict[str, InfusionSession]:
    query = select(InfusionSession).where(col(InfusionSession.id).in_(session_ids))
    return {s.id: s for s in tx.exec(query)}


def event_types_by_id(tx: Session, event_ids: Collection[str]) -> dict[str, str]:
    """The kind of each record named, on a session's stream or a patient's."""
    found = {row.id: row.type for row in tx.exec(select(SessionEvent).where(col(SessionEvent.id).in_(event_ids)))}
    query = select(PatientEventRecord).where(col(PatientEventRecord.id).in_(event_ids))
    return found | {row.id: row.type for row in tx.exec(query)}


# ---- a patient's own stream ---------------------------------------------------------------------------


def to_patient_event(row: PatientEventRecord) -> PatientEvent:
    return PatientEvent(
        id=row.id,
        patient_id=row.patient_id,
        course_id=row.course_id,
        seq=row.seq,
        type=EventType(row.type),
        occurred_at=row.occurred_at,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
        workstation=row.workstation,
        payload=dict(row.payload),
        corrects=row.corrects,
        reason=row.reason,
    )


def patient_events(tx: Session, patient_id: str) -> list[PatientEvent]:
    """The patient's stream, in the order it was recorded."""
    query = select(PatientEventRecord).where(PatientEventRecord.patient_id == patient_id)
    return [to_patient_event(row) for row in tx.exec(query.order_by(col(PatientEventRecord.seq)))]


def next_patient_seq(tx: Session, patient_id: str) -> int:
    """The place the next record on the patient's stream takes: read in the writing transaction, so a
    writer that raced in first makes this one's insert fail on the unique (patient, seq) pair."""
    query = select(func.max(PatientEventRecord.seq)).where(PatientEventRecord.patient_id == patient_id)
    return (tx.exec(query).one() or 0) + 1


def insert_patient_event(tx: Session, event: PatientEvent) -> None:
    tx.add(
        PatientEventRecord(
            id=event.id,
            patient_id=event.patient_id,
            course_id=event.course_id,
            seq=event.seq,
            type=event.type.value,
            payload=event.payload,
            occurred_at=event.occurred_at,
            recorded_at=event.recorded_at,
            recorded_by=event.recorded_by,
            workstation=event.workstation,
            corrects=event.corrects,
            reason=event.reason,
        )
    )


def all_patient_events(tx: Session) -> list[PatientEvent]:
    """Every patient's stream, for checking each record against its audit line."""
    query = select(PatientEventRecord).order_by(col(PatientEventRecord.recorded_at), col(PatientEventRecord.seq))
    return [to_patient_event(row) for row in tx.exec(query)]
