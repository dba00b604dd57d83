"""Each course's part in the outcome report, kept once counted; each patient's count of the records it hangs on.

Revision ID: 0018
Revises: 0017

A report over ten years counted some 60,000 courses from their sessions and 150,000 sittings of outcome
forms every time it was made, though almost all of them had long settled. ``course_outcome`` keeps what a
report counted for a course (``core.outcomes.kept.KeptCourse``), under the rules it counted it by and from
the patient's records as they stood (``patient_basis``, moved by every record the report counts). The table
starts empty: the first report counts every course from its records, as before, and keeps the settled ones
for the next.

``ix_course_facts_first_started`` finds the courses whose first infusion began in a report's period.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.persistence.text_lengths import limit_lengths, unlimit_lengths
from core.persistence.types import UTCDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

LIMITS = {
    "course_outcome": {"course_id": 36, "patient_id": 36, "rule_key": 64},
    "patient_basis": {"patient_id": 36},
}


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "course_outcome",
        sa.Column("course_id", text(length=36), nullable=False),
        sa.Column("patient_id", text(length=36), nullable=False),
        sa.Column("rule_key", text(length=64), nullable=False),
        sa.Column("basis", sa.Integer(), nullable=False),
        sa.Column("holds_from", UTCDateTime(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("first_infusion", UTCDateTime(), nullable=False),
        sa.Column("first_infusion_day", sa.Integer(), nullable=False),
        sa.Column("first_treated", UTCDateTime(), nullable=True),
        sa.Column("last_infusion_day", sa.Integer(), nullable=True),
        sa.Column("completed", sa.Integer(), nullable=False),
        sa.Column("stopped_early", sa.Integer(), nullable=False),
        sa.Column("started", sa.Integer(), nullable=False),
        sa.Column("on_protocol", sa.Boolean(), nullable=False),
        sa.Column("cancelled", sa.Integer(), nullable=False),
        sa.Column("missed", sa.Integer(), nullable=False),
        sa.Column("not_treated", sa.Integer(), nullable=False),
        sa.Column("no_record", sa.Integer(), nullable=False),
        sa.Column("first_of_patient", sa.Boolean(), nullable=False),
        sa.Column("next_began_day", sa.Integer(), nullable=True),
        sa.Column("scores", text(), nullable=False),
        sa.ForeignKeyConstraint(["course_id"], ["course.id"]),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.PrimaryKeyConstraint("course_id"),
    )
    op.create_index("ix_course_outcome_patient_id", "course_outcome", ["patient_id"])
    op.create_index("ix_course_outcome_rule_key_first_infusion", "course_outcome", ["rule_key", "first_infusion"])
    op.create_table(
        "patient_basis",
        sa.Column("patient_id", text(length=36), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.PrimaryKeyConstraint("patient_id"),
    )
    for table, limits in LIMITS.items():
        limit_lengths(table, limits)
    op.create_index("ix_course_facts_first_started", "course_facts", ["first_started"])


def downgrade() -> None:
    op.drop_index("ix_course_facts_first_started", table_name="course_facts")
    for table, limits in LIMITS.items():
        unlimit_lengths(table, limits)
    op.drop_table("patient_basis")
    op.drop_index("ix_course_outcome_rule_key_first_infusion", table_name="course_outcome")
    op.drop_index("ix_course_outcome_patient_id", table_name="course_outcome")
    op.drop_table("course_outcome")
