"""The scheduled points counted by day, and each signed session's first and last point.

Revision ID: 0019
Revises: 0018

A review of timeliness over years counted every point of its period by status, in the order they fell: ten
years are some three million points, read one by one. ``quality_point_day`` keeps them counted per UTC day,
schedule, point and status, with the first of each count as they fell (its moment and session);
``quality_point_span`` keeps when each signed session's first and last points fell, whence the sessions
with a point in a period are counted. Both move with each signature's points from now on
(``core.records.point_counts``) and are given here from the points kept before, read once in the order they
fell.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.persistence.text_lengths import limit_lengths, unlimit_lengths
from core.persistence.types import UTCDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

LIMITS = {
    "quality_point_day": {"schedule": 20, "point_id": 60, "status": 10, "first_session": 36},
    "quality_point_span": {"session_id": 36},
}
BATCH = 5_000
"""Rows per insert."""

_POINTS = sa.table(
    "schedule_point",
    sa.column("session_id", sa.String()),
    sa.column("schedule", sa.String()),
    sa.column("point_id", sa.String()),
    sa.column("due_at", UTCDateTime()),
    sa.column("status", sa.String()),
)
_DAYS = sa.table(
    "quality_point_day",
    sa.column("day", sa.Date()),
    sa.column("schedule", sa.String()),
    sa.column("point_id", sa.String()),
    sa.column("status", sa.String()),
    sa.column("points", sa.Integer()),
    sa.column("first_due", UTCDateTime()),
    sa.column("first_session", sa.String()),
)


def upgrade() -> None:
    op.create_table(
        "quality_point_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("schedule", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("point_id", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("first_due", UTCDateTime(), nullable=False),
        sa.Column("first_session", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.PrimaryKeyConstraint("day", "schedule", "point_id", "status"),
    )
    op.create_table(
        "quality_point_span",
        sa.Column("session_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("first_due", UTCDateTime(), nullable=False),
        sa.Column("last_due", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["infusion_session.id"]),
        sa.PrimaryKeyConstraint("session_id"),
    )
    for table, lengths in LIMITS.items():
        limit_lengths(table, lengths)
    bind = op.get_bind()
    _each_day(bind)
    op.execute(
        "INSERT INTO quality_point_span (session_id, first_due, last_due) "
        "SELECT session_id, min(due_at), max(due_at) FROM schedule_point GROUP BY session_id"
    )
    op.create_index("ix_quality_point_span_first_last", "quality_point_span", ["first_due", "last_due"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_quality_point_span_first_last", table_name="quality_point_span")
    for table, lengths in LIMITS.items():
        unlimit_lengths(table, lengths)
    op.drop_table("quality_point_span")
    op.drop_table("quality_point_day")


def _each_day(bind: sa.Connection) -> None:
    """Every point counted by its UTC day, schedule, point and status, each count with its least (moment,
    session): the rule of ``core.records.point_counts.day_rows`` as it is at this revision."""
    found: dict[tuple[date, str, str, str], list[Any]] = {}
    query = sa.select(_POINTS).execution_options(stream_results=True, max_row_buffer=BATCH)
    for session_id, schedule, point_id, due_at, status in bind.execute(query):
        key = (_day(due_at), schedule, point_id, status)
        row = found.get(key)
        if row is None:
            found[key] = [1, due_at, session_id]
        else:
            row[0] += 1
            if (due_at, session_id) < (row[1], row[2]):
                row[1:] = due_at, session_id
    rows = [
        dict(
            zip(
                ("day", "schedule", "point_id", "status", "points", "first_due", "first_session"), (*k, *v), strict=True
            )
        )
        for k, v in found.items()
    ]
    for i in range(0, len(rows), BATCH):
        bind.execute(_DAYS.insert(), rows[i : i + BATCH])


def _day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()
