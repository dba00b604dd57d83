"""What an export of the records reads beyond the other modules' reads: which patients it is about."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select, union

from core.events import EventType
from core.persistence.tables import InfusionSession, PatientEventRecord


def patients_with_care_between(tx: Session, start: datetime, end: datetime) -> list[str]:
    """The patients with a session opened, or outcome forms answered, in [start, end): their ids, sorted (an
    export reads one patient at a time, so a history of years is never held whole)."""
    sessions = select(InfusionSession.patient_id).where(
        col(InfusionSession.opened_at) >= start, col(InfusionSession.opened_at) < end
    )
    forms = select(PatientEventRecord.patient_id).where(
        col(PatientEventRecord.type) == EventType.ASSESSED.value,
        col(PatientEventRecord.occurred_at) >= start,
        col(PatientEventRecord.occurred_at) < end,
    )
    return sorted({row[0] for row in tx.execute(union(sessions, forms))})
