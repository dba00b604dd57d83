"""Entries found by kind and moment, a patient's records by kind, a course's sessions and number from
indexes alone.

Revision ID: 0009
Revises: 0008

The charge nurse's follow-up list reads, of ten years of records, only the last months': the courses of
those months' sessions, numbered among their patients' courses, when each of their infusions began, the
outcome forms answered in them, and each of those patients' contact route. On the index of ``type`` alone
(0008) the database read every entry of the kind ever recorded to check its moment, and every record of
each patient to find a contact route, so the list grew with the years of history. Now:

- (``type``, ``occurred_at``) on each stream reads the period's entries only (on the session stream the
  index holds the session too, so no entry is read at all);
- (``type``, ``patient_id``, ``seq``) on the patient stream reads a patient's contact routes only;
- (``patient_id``, ``recorded_at``, ``id``) on courses counts a course's place among its patient's courses
  in the index, and (``course_id``, ``outcome``, ``opened_at``, ``id``) on sessions finds a course's
  treated sessions and their openings in the index, without reading the rows.

The earlier indexes stay, for the reports and screens that use them.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_course_patient_id_recorded_at_id", "course", ["patient_id", "recorded_at", "id"], unique=False)
    op.create_index(
        "ix_infusion_session_course_id_outcome_opened_at_id",
        "infusion_session",
        ["course_id", "outcome", "opened_at", "id"],
        unique=False,
    )
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
    op.drop_index("ix_infusion_session_course_id_outcome_opened_at_id", table_name="infusion_session")
    op.drop_index("ix_course_patient_id_recorded_at_id", table_name="course")
