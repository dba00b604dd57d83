"""Patients' records: who they are, their confirmed sex and allergies, and their course orders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from core.course import CourseView
from core.identify import record_number_key
from core.matching import name_key
from core.persistence.tables import Course, Patient, PatientDetails, Staff
from core.record_values import DetailsRecord, PatientRecord
from core.views import PatientView


def patient_of(row: Patient) -> PatientRecord:
    return PatientRecord(
        row.id, row.mrn, row.family_name, row.given_name, row.birth_date, row.created_at, row.created_by
    )


def patient(tx: Session, patient_id: str) -> PatientRecord | None:
    row = tx.get(Patient, patient_id)
    return patient_of(row) if row is not None else None


def add_patient(tx: Session, record: PatientRecord) -> None:
    tx.add(patient_row(record))
    tx.flush()


def patient_row(record: PatientRecord) -> Patient:
    """The record's row, with its number and names as searched for."""
    return Patient(
        id=record.id,
        mrn=record.mrn,
        family_name=record.family_name,
        given_name=record.given_name,
        birth_date=record.birth_date,
        created_at=record.created_at,
        created_by=record.created_by,
        mrn_key=record_number_key(record.mrn),
        family_key=name_key(record.family_name),
        given_key=name_key(record.given_name),
    )


def patients_by_id(tx: Session, patient_ids: list[str]) -> dict[str, PatientRecord]:
    return {p.id: patient_of(p) for p in tx.exec(select(Patient).where(col(Patient.id).in_(patient_ids)))}


def find_patients(tx: Session, text: str, limit: int = 20) -> list[PatientRecord]:
    """The patient whose record number this is (a scan or a typed number, whatever its letter case), then
    those whose family or given name begins with the first word typed and whose names hold every other
    word's beginning, by name: all found by index, however many patients the clinic has seen."""
    exact = tx.exec(select(Patient).where(Patient.mrn_key == record_number_key(text))).all()
    words = name_key(text).split()
    if not words:
        return [patient_of(row) for row in exact]
    dialect = tx.connection().dialect.name
    first, rest = words[0], words[1:]
    begins = _begins(col(Patient.family_key), first, dialect) | _begins(col(Patient.given_key), first, dialect)
    by_name = select(Patient).where(begins).order_by(col(Patient.family_key), col(Patient.given_key), col(Patient.id))
    seen = {row.id for row in exact}
    candidates = tx.exec(by_name.limit(NAME_CANDIDATES if rest else limit + len(exact)))
    named = [
        row for row in candidates if row.id not in seen and _holds(f"{row.family_key} {row.given_key}".split(), rest)
    ]
    return [patient_of(row) for row in [*exact, *named][:limit]]


NAME_CANDIDATES = 500
"""Names read for a search's first word, of which the other words choose: more than any screen shows."""


def _begins(column: Any, prefix: str, dialect: str) -> Any:
    """``column`` begins with ``prefix``, in a form the dialect answers from an index: SQLite's LIKE ignores
    case and so its index (keys are already without case, so a range of the binary order does); PostgreSQL
    reads LIKE 'x%' from an index built with ``text_pattern_ops``."""
    if dialect == "sqlite":
        return (column >= prefix) & (column < prefix + "\U0010ffff")
    return column.startswith(prefix, autoescape=True)


def _holds(names: list[str], words: list[str]) -> bool:
    return all(any(name.startswith(word) for name in names) for word in words)


def patients_born_on(tx: Session, born: date) -> list[PatientRecord]:
    return [patient_of(row) for row in tx.exec(select(Patient).where(Patient.birth_date == born))]


def patient_by_mrn(tx: Session, mrn: str) -> PatientRecord | None:
    row = tx.exec(select(Patient).where(Patient.mrn == mrn)).first()
    return patient_of(row) if row is not None else None


def details_of(row: PatientDetails) -> DetailsRecord:
    return DetailsRecord(
        row.id, row.patient_id, row.sex, row.allergies, row.no_known_allergies, row.confirmed_by, row.confirmed_at
    )


def details(tx: Session, details_id: str) -> DetailsRecord | None:
    row = tx.get(PatientDetails, details_id)
    return details_of(row) if row is not None else None


def add_details(tx: Session, record: DetailsRecord) -> None:
    tx.add(
        PatientDetails(
            id=record.id,
            patient_id=record.patient_id,
            sex=record.sex,
            allergies=record.allergies,
            no_known_allergies=record.no_known_allergies,
            confirmed_by=record.confirmed_by,
            confirmed_at=record.confirmed_at,
        )
    )
    tx.flush()


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


def patient_views(tx: Session, records: Sequence[PatientRecord]) -> list[PatientView]:
    """The patients with their newest confirmed details, read in one query."""
    details = latest_details(tx, [record.id for record in records])
    views = []
    for record in records:
        view = PatientView(record.id, record.mrn, record.family_name, record.given_name, record.birth_date)
        if record.id in details:
            confirmed, by = details[record.id]
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


def patient_view(tx: Session, record: PatientRecord) -> PatientView:
    return patient_views(tx, [record])[0]


def course_of(row: Course) -> CourseView:
    return CourseView(
        row.id,
        row.patient_id,
        row.prescriber,
        row.protocol_id,
        row.protocol_version,
        row.first_day,
        row.days,
        row.recorded_by,
        row.recorded_at,
    )


def course(tx: Session, course_id: str) -> CourseView | None:
    row = tx.get(Course, course_id)
    return course_of(row) if row is not None else None


def add_course(tx: Session, course: CourseView) -> None:
    """A course order, with its row of ``course_facts`` (as yet without a session); the patient's kept outcome
    rows no longer hold."""
    tx.add(
        Course(
            id=course.id,
            patient_id=course.patient_id,
            protocol_id=course.protocol_id,
            protocol_version=course.protocol_version,
            prescriber=course.prescriber,
            first_day=course.first_day,
            days=course.days,
            recorded_by=course.recorded_by,
            recorded_at=course.recorded_at,
        )
    )
    tx.flush()
    from core.records.course_facts import refresh_course_facts  # loaded with the first course ordered
    from core.records.outcome_basis import move_outcome_basis

    refresh_course_facts(tx, [course.id])
    move_outcome_basis(tx, course.patient_id)


def latest_course(tx: Session, patient_id: str) -> CourseView | None:
    """The course in force: the order recorded last (a new order starts a new course)."""
    query = select(Course).where(Course.patient_id == patient_id).order_by(col(Course.recorded_at).desc())
    row = tx.exec(query.limit(1)).first()
    return course_of(row) if row is not None else None


def courses_of(tx: Session, patient_id: str) -> list[CourseView]:
    """The patient's courses in the order they were ordered: course 1, course 2, …"""
    query = select(Course).where(Course.patient_id == patient_id).order_by(col(Course.recorded_at), col(Course.id))
    return [course_of(row) for row in tx.exec(query)]
