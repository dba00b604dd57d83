"""Protocol copies: the text of each protocol version a session ran under, kept with the records.

Revision ID: 0005
Revises: 0004

Sessions have always stored their protocol's id, version and SHA-256; with the text itself in the
database, a session replays under the rules it was recorded under even after the clinic installs a
new version. Sessions recorded before this revision find their protocol among the versions shipped
with Chairside (``resources/protocols/earlier``).
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.persistence.append_only import allow_changes, forbid_changes
from core.persistence.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "protocol_copy",
        sa.Column("content_hash", _TEXT(length=64), nullable=False),
        sa.Column("protocol_id", _TEXT(length=80), nullable=False),
        sa.Column("protocol_version", _TEXT(length=20), nullable=False),
        sa.Column("text", _TEXT(), nullable=False),
        sa.Column("stored_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("content_hash"),
    )
    forbid_changes("protocol_copy")


def downgrade() -> None:
    allow_changes("protocol_copy")
    op.drop_table("protocol_copy")
