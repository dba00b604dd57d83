"""A kept course as the figures' inputs and its row of the report's grid of scores, not as text.

Revision ID: 0020
Revises: 0019

``course_outcome.scores`` held each kept course's scores as JSON, some 3,700 characters a course: a report
over ten years read 225 MB of it and made 900,000 scores of it again. The scores are now kept as the course's
row of the report's grid (``core.outcomes.grid``): T-scores and SEs in hundredths, 32-bit, and which table
each came from, read as one array; the list of tables a course's cells name is kept once for every course
that names the same (``course_outcome_shapes``). Its counts and days are kept the same way: just the
course's inputs to the figures (``core.outcomes.course_table.INPUTS``), packed, which the report reads as one
table; the dates, moments and numbers it no longer reads are gone. The kept rows are what a report counted,
never a record: the table is made again empty, and the next report counts the courses from their records and
keeps them in the new form.

The courses begun in a period are found from an index of ``course_facts`` that also holds their ids, so the
report's check of its kept rows reads no table row.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.persistence.text_lengths import limit_lengths, unlimit_lengths
from core.persistence.types import UTCDateTime

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

LIMITS = {
    "course_outcome": {"course_id": 36, "patient_id": 36, "rule_key": 64, "shapes_key": 64},
    "course_outcome_shapes": {"shapes_key": 64},
}
FIRST = {"course_id": 36, "patient_id": 36, "rule_key": 64}
"""``course_outcome``'s limits as 0018 set them."""


def upgrade() -> None:
    _drop(FIRST)
    _create(
        sa.Column("first_infusion", UTCDateTime(), nullable=False),
        sa.Column("inputs", sa.LargeBinary(), nullable=False),
        sa.Column("t_scores", sa.LargeBinary(), nullable=False),
        sa.Column("ses", sa.LargeBinary(), nullable=False),
        sa.Column("shape_of", sa.LargeBinary(), nullable=False),
        sa.Column("shapes_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        limits=LIMITS["course_outcome"],
    )
    op.create_table(
        "course_outcome_shapes",
        sa.Column("shapes_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("shapes", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint("shapes_key"),
    )
    limit_lengths("course_outcome_shapes", LIMITS["course_outcome_shapes"])
    op.drop_index("ix_course_facts_first_started", table_name="course_facts")
    op.create_index("ix_course_facts_first_started_course", "course_facts", ["first_started", "course_id"])


def downgrade() -> None:
    op.drop_index("ix_course_facts_first_started_course", table_name="course_facts")
    op.create_index("ix_course_facts_first_started", "course_facts", ["first_started"])
    unlimit_lengths("course_outcome_shapes", LIMITS["course_outcome_shapes"])
    op.drop_table("course_outcome_shapes")
    _drop(LIMITS["course_outcome"])
    _create(
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
        sa.Column("scores", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        limits=FIRST,
    )


def _drop(limits: dict[str, int]) -> None:
    unlimit_lengths("course_outcome", limits)
    op.drop_index("ix_course_outcome_rule_key_first_infusion", table_name="course_outcome")
    op.drop_index("ix_course_outcome_patient_id", table_name="course_outcome")
    op.drop_table("course_outcome")


def _create(*columns: sa.Column, limits: dict[str, int]) -> None:
    """The table with its keys, rules and basis, then ``columns``; ``limits``: its text columns' lengths."""
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "course_outcome",
        sa.Column("course_id", text(length=36), nullable=False),
        sa.Column("patient_id", text(length=36), nullable=False),
        sa.Column("rule_key", text(length=64), nullable=False),
        sa.Column("basis", sa.Integer(), nullable=False),
        sa.Column("holds_from", UTCDateTime(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(["course_id"], ["course.id"]),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.PrimaryKeyConstraint("course_id"),
    )
    op.create_index("ix_course_outcome_patient_id", "course_outcome", ["patient_id"])
    op.create_index("ix_course_outcome_rule_key_first_infusion", "course_outcome", ["rule_key", "first_infusion"])
    limit_lengths("course_outcome", limits)
