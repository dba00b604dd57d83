"""Two partial indexes for the quality report: the pump readings a second nurse also read, and the late points.

Revision ID: 0022
Revises: 0021

Over ten years the report counted the pump readings with a second nurse's reading by reading each of the
290,000 readings' rows for its payload, and found the 11,000 late points among three million scheduled points
by reading each point's row for its status: well over a second between them, for rows of which few matter.
Each index holds those few alone, by moment; the database keeps it with every entry and every signature, in
their transaction, and builds it here from the rows kept before. The reads say the same condition in the
same words, so each store knows the index answers them (``core.persistence.tables``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

SECOND_PUMP = "ix_session_event_second_pump"
SECOND_PUMP_WHERE = {
    "sqlite": "type = 'pump.programmed' AND json_extract(payload, '$.second') IS NOT NULL",
    "postgresql": "type = 'pump.programmed' AND (payload ->> 'second') IS NOT NULL",
}
"""As ``core.persistence.tables.SECOND_PUMP_READING`` is at this revision (a migration keeps its own copy)."""
LATE = "ix_schedule_point_late"
LATE_WHERE = "status = 'late'"


def upgrade() -> None:
    op.create_index(
        SECOND_PUMP,
        "session_event",
        ["type", "occurred_at", "session_id"],
        sqlite_where=sa.text(SECOND_PUMP_WHERE["sqlite"]),
        postgresql_where=sa.text(SECOND_PUMP_WHERE["postgresql"]),
    )
    op.create_index(
        LATE,
        "schedule_point",
        ["due_at", "session_id", "schedule", "point_id"],
        sqlite_where=sa.text(LATE_WHERE),
        postgresql_where=sa.text(LATE_WHERE),
    )


def downgrade() -> None:
    op.drop_index(LATE, table_name="schedule_point")
    op.drop_index(SECOND_PUMP, table_name="session_event")
