"""A patient's own stream: records about a patient outside any session (a course day not given and why),
ordered per patient, kept as a session's entries are."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing

from sqlmodel import Session, col, func, select

from core.events import EventType, PatientEvent
from core.persistence.tables import PatientEventRecord, SittingScores


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
    if event.type is EventType.ASSESSED:
        tx.add(sitting_scores(event))
    from core.records.outcome_basis import move_outcome_basis  # loaded with the first such record

    tx.flush()  # the patient's row of ``patient_basis`` names the patient, who may be new in this transaction
    move_outcome_basis(tx, event.patient_id)


def sitting_scores(event: PatientEvent) -> SittingScores:
    """The scores of a sitting's forms in short, kept beside its record for the outcome report."""
    from core.outcomes.cohort import scores_text  # with the first sitting recorded, not by every start

    return SittingScores(
        id=event.id,
        patient_id=event.patient_id,
        taken_at=event.occurred_at,
        scores=scores_text(event.payload.get("forms", ())),
    )


def stored_sitting_scores(tx: Session) -> Iterator[tuple[str, str]]:
    """Every sitting's scores as kept in short (id, text), a batch at a time, for ``audit verify``."""
    query = select(SittingScores.id, SittingScores.scores).execution_options(yield_per=5_000)
    with closing(tx.connection().execute(query)) as rows:
        yield from rows


def all_patient_events(tx: Session) -> list[PatientEvent]:
    """Every patient's stream, for checking each record against its audit line."""
    query = select(PatientEventRecord).order_by(col(PatientEventRecord.recorded_at), col(PatientEventRecord.seq))
    return [to_patient_event(row) for row in tx.exec(query)]
