"""An index of the entries saved at another moment than the one they record.

Revision ID: 0015
Revises: 0014

A live entry is saved at the moment it records; an entry kept in a workstation's journal while the database
was away, or added late, is not. The quality report counts them (late entries) by period. Found among every
entry of the period, a month's report read every entry of ten years (the moment of an entry is indexed only
behind its kind); this index holds those few alone, by the moment they record.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

NAME = "ix_session_event_saved_apart"
WHERE = "recorded_at <> occurred_at"


def upgrade() -> None:
    op.create_index(
        NAME, "session_event", ["occurred_at"], sqlite_where=sa.text(WHERE), postgresql_where=sa.text(WHERE)
    )


def downgrade() -> None:
    op.drop_index(NAME, table_name="session_event")
