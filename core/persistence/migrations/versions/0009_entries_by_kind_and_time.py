"""Entries can be found by kind and moment.

Revision ID: 0009
Revises: 0008

The charge nurse's follow-up list reads, of ten years of records, only the last months': the moments the
courses of those months' sessions began their infusions, and the outcome forms answered in them. An index
on each stream's ``type`` alone (0008) finds every entry of the kind ever recorded and reads each row to
check its moment, so the list grew with the years of history; on (``type``, ``occurred_at``) the database
reads the period's entries only. The indexes on ``type`` alone stay for the reports that count a kind over
all of a patient's records.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_session_event_type_occurred_at", "session_event", ["type", "occurred_at"], unique=False)
    op.create_index("ix_patient_event_type_occurred_at", "patient_event", ["type", "occurred_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_patient_event_type_occurred_at", table_name="patient_event")
    op.drop_index("ix_session_event_type_occurred_at", table_name="session_event")
