"""Entries found by kind and moment, and a patient's records by kind.

Revision ID: 0009
Revises: 0008

The charge nurse's follow-up list reads, of ten years of records, only the last months': when each
infusion of those months' courses began, the outcome forms answered in them, and each of those patients'
contact route. On the index of ``type`` alone (0008) the first two read every entry of the kind ever
recorded to check its moment, and the third every record of each patient, so the list grew with the years
of history. On (``type``, ``occurred_at``) the database reads the period's entries only (and on the
session stream the index holds the session too, so no entry is read at all); on (``type``,
``patient_id``, ``seq``) a patient's contact routes only. The indexes on ``type`` alone stay, for the
reports that count a kind over all of a patient's records.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_session_event_type_occurred_at_session_id",
        "session_event",
        ["type", "occurred_at", "session_id"],
        unique=False,
    )
    op.create_index("ix_patient_event_type_occurred_at", "patient_event", ["type", "occurred_at"], unique=False)
    op.create_index(
        "ix_patient_event_type_patient_id_seq", "patient_event", ["type", "patient_id", "seq"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_patient_event_type_patient_id_seq", table_name="patient_event")
    op.drop_index("ix_patient_event_type_occurred_at", table_name="patient_event")
    op.drop_index("ix_session_event_type_occurred_at_session_id", table_name="session_event")
