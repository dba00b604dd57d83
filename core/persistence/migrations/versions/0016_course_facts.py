"""Each course's sessions as the outcome report counts them, kept one row per course.

Revision ID: 0016
Revises: 0015

A report over ten years read some 290,000 sessions to count what 60,000 courses add up to. ``course_facts``
keeps, per course, the counts and moments the report takes from its sessions (``core.outcomes.cohort.
CourseSummary``), moved in the transaction of each record that changes them from now on; the courses
ordered before are given theirs here, all at once: every course and session read in one query each, not
course by course. Like ``schedule_point``'s upgrade, this one runs the rule itself (``core.outcomes.cohort.
summarize``), the one that writes the row with each record.
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.outcomes.cohort import summarize
from core.persistence.text_lengths import limit_lengths, unlimit_lengths
from core.persistence.types import UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

LIMITS = {"course_facts": {"course_id": 36}}
BATCH = 5_000

_COURSES = sa.table("course", sa.column("id", sa.String()), sa.column("recorded_at", UTCDateTime()))
_SESSIONS = sa.table(
    "infusion_session",
    sa.column("course_id", sa.String()),
    sa.column("id", sa.String()),
    sa.column("opened_at", UTCDateTime()),
    sa.column("outcome", sa.String()),
    sa.column("began_at", UTCDateTime()),
)
_FACTS = sa.table(
    "course_facts",
    sa.column("course_id", sa.String()),
    sa.column("fed_at", UTCDateTime()),
    sa.column("completed", sa.Integer()),
    sa.column("stopped_early", sa.Integer()),
    sa.column("started", sa.Integer()),
    sa.column("first_started", UTCDateTime()),
    sa.column("first_treated", UTCDateTime()),
    sa.column("last_treated", UTCDateTime()),
    sa.column("sessions", sa.String()),
)


def upgrade() -> None:
    op.create_table(
        "course_facts",
        sa.Column("course_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("fed_at", UTCDateTime(), nullable=False),
        sa.Column("completed", sa.Integer(), nullable=False),
        sa.Column("stopped_early", sa.Integer(), nullable=False),
        sa.Column("started", sa.Integer(), nullable=False),
        sa.Column("first_started", UTCDateTime(), nullable=True),
        sa.Column("first_treated", UTCDateTime(), nullable=True),
        sa.Column("last_treated", UTCDateTime(), nullable=True),
        sa.Column("sessions", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["course_id"], ["course.id"]),
        sa.PrimaryKeyConstraint("course_id"),
    )
    limit_lengths("course_facts", LIMITS["course_facts"])
    _count_each_course(op.get_bind())


def downgrade() -> None:
    unlimit_lengths("course_facts", LIMITS["course_facts"])
    op.drop_table("course_facts")


def _count_each_course(bind: sa.Connection) -> None:
    """Every course ordered so far, its row worked out from its sessions."""
    of_course = defaultdict(list)
    sessions = sa.select(_SESSIONS).where(_SESSIONS.c.course_id.is_not(None))
    for course_id, *session in bind.execute(sessions):
        of_course[course_id].append(tuple(session))
    rows = [
        summarize(course_id, recorded_at, of_course.get(course_id, ()))._asdict()
        for course_id, recorded_at in bind.execute(sa.select(_COURSES))
    ]
    for start in range(0, len(rows), BATCH):
        bind.execute(sa.insert(_FACTS), rows[start : start + BATCH])
