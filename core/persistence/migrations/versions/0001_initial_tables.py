"""Initial tables: staff, patients, sessions with their append-only event log, clinic settings.

Revision ID: 0001
Revises: (none)
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.persistence.append_only import allow_changes, forbid_changes
from core.persistence.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Records of care and settings history are only ever inserted.
APPEND_ONLY = ("session_event", "clinic_setting")


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "clinic_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("changed_by", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["changed_by"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("clinic_setting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clinic_setting_key"), ["key"], unique=False)

    op.create_table(
        "patient",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("mrn", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("family_name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("given_name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("mrn"),
    )
    op.create_table(
        "infusion_session",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("patient_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("chair", sa.Integer(), nullable=False),
        sa.Column("protocol_id", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("protocol_version", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("protocol_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("step", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("opened_by", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["opened_by"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("infusion_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_infusion_session_opened_at"), ["opened_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_infusion_session_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index(
            "uq_session_active_chair",
            ["chair"],
            unique=True,
            sqlite_where=sa.text("active = 1"),
            postgresql_where=sa.text("active"),
        )
        batch_op.create_index(
            "uq_session_active_patient",
            ["patient_id"],
            unique=True,
            sqlite_where=sa.text("active = 1"),
            postgresql_where=sa.text("active"),
        )

    op.create_table(
        "session_event",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("session_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("type", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("workstation", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("corrects", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(
            ["corrects"],
            ["session_event.id"],
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["infusion_session.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "seq", name="uq_event_session_seq"),
    )
    with op.batch_alter_table("session_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_session_event_session_id"), ["session_id"], unique=False)

    for table in APPEND_ONLY:
        forbid_changes(table)


def downgrade() -> None:
    for table in APPEND_ONLY:
        allow_changes(table)
    with op.batch_alter_table("session_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_event_session_id"))

    op.drop_table("session_event")
    with op.batch_alter_table("infusion_session", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_session_active_patient", sqlite_where=sa.text("active = 1"), postgresql_where=sa.text("active")
        )
        batch_op.drop_index(
            "uq_session_active_chair", sqlite_where=sa.text("active = 1"), postgresql_where=sa.text("active")
        )
        batch_op.drop_index(batch_op.f("ix_infusion_session_patient_id"))
        batch_op.drop_index(batch_op.f("ix_infusion_session_opened_at"))

    op.drop_table("infusion_session")
    op.drop_table("patient")
    with op.batch_alter_table("clinic_setting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clinic_setting_key"))

    op.drop_table("clinic_setting")
    op.drop_table("staff")
