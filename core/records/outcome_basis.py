"""Each patient's basis for the outcome report's kept courses (``patient_basis``): how many records the report
counts were written for the patient. Moved in the transaction of each such record (``move_outcome_basis``), so a
kept course row counted from the records before it no longer holds (``core.records.kept_outcomes``).

Kept apart from the kept rows, and loaded with the first record that moves a basis: a record's transaction
needs this statement, not the report's machinery.
"""

from __future__ import annotations

from sqlalchemy import Table
from sqlmodel import Session

from core.persistence.tables import PatientBasis
from core.persistence.upsert import insert_for

_BASIS: Table = PatientBasis.__table__  # type: ignore[attr-defined]


def move_outcome_basis(tx: Session, patient_id: str) -> None:
    """The patient's basis moved, in the transaction of a record the outcome report counts: every kept
    course of the patient stops holding."""
    connection = tx.connection()
    statement = insert_for(connection, _BASIS).values(patient_id=patient_id, changes=1)
    connection.execute(
        statement.on_conflict_do_update(index_elements=["patient_id"], set_={"changes": _BASIS.c.changes + 1})
    )
