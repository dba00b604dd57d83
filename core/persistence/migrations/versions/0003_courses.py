"""Courses: the prescriber's order a patient's sessions run against (first day, number of days).

Revision ID: 0003
Revises: 0002

A course row is written once, when the order is transcribed, and never changed: a new order is a new
course. Sessions name their course and day in their opening entry.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.persistence.append_only import allow_changes, forbid_changes
from core.persistence.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "course",
        sa.Column("id", _TEXT(length=36), nullable=False),
        sa.Column("patient_id", _TEXT(length=36), nullable=False),
        sa.Column("protocol_id", _TEXT(length=80), nullable=False),
        sa.Column("protocol_version", _TEXT(length=20), nullable=False),
        sa.Column("prescriber", _TEXT(length=120), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("recorded_by", _TEXT(length=36), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.ForeignKeyConstraint(["recorded_by"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("course", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_course_patient_id"), ["patient_id"], unique=False)
    forbid_changes("course")


def downgrade() -> None:
    allow_changes("course")
    op.drop_table("course")
