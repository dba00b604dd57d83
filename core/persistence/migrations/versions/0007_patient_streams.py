"""A patient's own stream of records, beside each session's: what happens to a course between sessions.

Revision ID: 0007
Revises: 0006

Until now every record of care belonged to a session. A day of the course with no infusion (the patient did
not come, the clinic cancelled it) has no session, and neither will the outcome assessments and follow-ups
that come after a course. They are kept as a session's events are: inserted only, ordered per patient, each
with its audit line, and optionally tied to the course they belong to.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.persistence.append_only import allow_changes, forbid_changes
from core.persistence.text_lengths import limit_lengths, unlimit_lengths
from core.persistence.types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
LIMITS = {
    "id": 36,
    "patient_id": 36,
    "course_id": 36,
    "type": 40,
    "payload": 100_000,
    "recorded_by": 36,
    "workstation": 80,
    "corrects": 36,
    "reason": 2_000,
}


def upgrade() -> None:
    op.create_table(
        "patient_event",
        sa.Column("id", _TEXT(length=36), nullable=False),
        sa.Column("patient_id", _TEXT(length=36), nullable=False),
        sa.Column("course_id", _TEXT(length=36), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("type", _TEXT(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_by", _TEXT(length=36), nullable=False),
        sa.Column("workstation", _TEXT(length=80), nullable=False),
        sa.Column("corrects", _TEXT(length=36), nullable=True),
        sa.Column("reason", _TEXT(), nullable=True),
        sa.ForeignKeyConstraint(["corrects"], ["patient_event.id"]),
        sa.ForeignKeyConstraint(["course_id"], ["course.id"]),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.ForeignKeyConstraint(["recorded_by"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("patient_id", "seq", name="uq_patient_event_seq"),
    )
    op.create_index(op.f("ix_patient_event_patient_id"), "patient_event", ["patient_id"], unique=False)
    op.create_index(op.f("ix_patient_event_course_id"), "patient_event", ["course_id"], unique=False)
    forbid_changes("patient_event")
    limit_lengths("patient_event", LIMITS, {"payload"})


def downgrade() -> None:
    unlimit_lengths("patient_event", LIMITS)
    allow_changes("patient_event")
    op.drop_index(op.f("ix_patient_event_course_id"), table_name="patient_event")
    op.drop_index(op.f("ix_patient_event_patient_id"), table_name="patient_event")
    op.drop_table("patient_event")
