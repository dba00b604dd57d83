"""Patient details: sex and allergies as a nurse confirmed them, with who and when.

Revision ID: 0004
Revises: 0003

A separate table rather than new patient columns: each confirmation is written once and never
changed, so a later one (a new allergy) is a new row and the earlier answers stay readable. Patients
registered before this revision simply have no row yet: their banner says "not recorded".
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.persistence.append_only import allow_changes, forbid_changes
from core.persistence.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "patient_details",
        sa.Column("id", _TEXT(length=36), nullable=False),
        sa.Column("patient_id", _TEXT(length=36), nullable=False),
        sa.Column("sex", _TEXT(length=16), nullable=False),
        sa.Column("allergies", _TEXT(length=500), nullable=False),
        sa.Column("no_known_allergies", sa.Boolean(), nullable=False),
        sa.Column("confirmed_by", _TEXT(length=36), nullable=False),
        sa.Column("confirmed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.ForeignKeyConstraint(["confirmed_by"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("patient_details", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patient_details_patient_id"), ["patient_id"], unique=False)
    forbid_changes("patient_details")


def downgrade() -> None:
    allow_changes("patient_details")
    op.drop_table("patient_details")
