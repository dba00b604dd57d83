"""Entries found by kind and moment; when a session's infusion began, found in an index.

Revision ID: 0009
Revises: 0008

The charge nurse's follow-up list reads, of ten years of records, only the last months': the outcome forms
answered in them, and when each infusion of those months' courses began. On the index of ``type`` alone
(0008) the first read every form ever answered to check its moment, and the second every infusion start
ever recorded, so the list grew with the years of history. On (``type``, ``occurred_at``) the database reads
the period's forms only; on (``type``, ``session_id``, ``occurred_at``) it finds each session's first
"infusion.started" in the index itself, reading no entry. The indexes on ``type`` alone stay, for the
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
        "ix_session_event_type_session_id_occurred_at",
        "session_event",
        ["type", "session_id", "occurred_at"],
        unique=False,
    )
    op.create_index("ix_patient_event_type_occurred_at", "patient_event", ["type", "occurred_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_patient_event_type_occurred_at", table_name="patient_event")
    op.drop_index("ix_session_event_type_session_id_occurred_at", table_name="session_event")
