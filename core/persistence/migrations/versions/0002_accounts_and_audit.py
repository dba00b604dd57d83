"""Accounts that sign in (user name, argon2 hashes, lock-out) and the hash-chained audit trail.

Revision ID: 0002
Revises: 0001

Staff recorded before this revision keep their records but have no user name or password: an
administrator gives them credentials (a reset) before they can sign in.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.persistence.append_only import allow_changes, forbid_changes
from core.persistence.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_STAFF_COLUMNS = (
    sa.Column("username", _TEXT(length=40), nullable=True),
    sa.Column("password_hash", _TEXT(length=200), nullable=True),
    sa.Column("pin_hash", _TEXT(length=200), nullable=True),
    sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("failed_sign_ins", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("locked_until", UTCDateTime(), nullable=True),
    sa.Column("last_sign_in_at", UTCDateTime(), nullable=True),
    sa.Column("password_changed_at", UTCDateTime(), nullable=True),
    sa.Column("deactivated_at", UTCDateTime(), nullable=True),
)


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        for column in _STAFF_COLUMNS:
            batch_op.add_column(column)
        batch_op.create_unique_constraint("uq_staff_username", ["username"])

    op.create_table(
        "audit_entry",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor_id", _TEXT(length=36), nullable=True),
        sa.Column("action", _TEXT(length=40), nullable=False),
        sa.Column("workstation", _TEXT(length=80), nullable=False),
        sa.Column("patient_id", _TEXT(length=36), nullable=True),
        sa.Column("session_id", _TEXT(length=36), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("prev_hash", _TEXT(length=64), nullable=False),
        sa.Column("entry_hash", _TEXT(length=64), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.ForeignKeyConstraint(["session_id"], ["infusion_session.id"]),
        sa.PrimaryKeyConstraint("seq"),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entry_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entry_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entry_patient_id"), ["patient_id"], unique=False)
    forbid_changes("audit_entry")


def downgrade() -> None:
    allow_changes("audit_entry")
    op.drop_table("audit_entry")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_constraint("uq_staff_username", type_="unique")
        for column in reversed(_STAFF_COLUMNS):
            batch_op.drop_column(column.name)
