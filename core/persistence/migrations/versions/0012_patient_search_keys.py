"""Patients found by index: the record number and names as searched for, kept beside them.

Revision ID: 0012
Revises: 0011

Finding a patient compared every record's number in lower case and looked for the typed text anywhere in
every family and given name: a full scan and a sort of all patients at each search and each wristband scan,
some tens of milliseconds at ten years of records and growing with every new patient. Each row now keeps its
record number as compared (``mrn_key``: without surrounding spaces or letter case) and its names as searched
for (``family_key``, ``given_key``: without case, accents or punctuation), written with the row from now on
and given here to the patients registered before; an index on each, and one on the date of birth, which the
check for a second record of the same person reads.
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.persistence.text_lengths import limit_lengths, unlimit_lengths

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

KEYS = ("mrn_key", "family_key", "given_key")
KEY_LENGTH = 120
LIMITS = {"patient": dict.fromkeys(KEYS, KEY_LENGTH)}
BATCH = 5_000


def upgrade() -> None:
    for key in KEYS:
        op.add_column(
            "patient",
            sa.Column(key, sqlmodel.sql.sqltypes.AutoString(length=KEY_LENGTH), nullable=False, server_default=""),
        )
    _key_each_patient(op.get_bind())
    if op.get_context().dialect.name == "postgresql":
        for key in KEYS:  # SQLite cannot drop a default without rebuilding the table; Chairside writes every key
            op.alter_column("patient", key, server_default=None)
    op.create_index("ix_patient_mrn_key", "patient", ["mrn_key"], unique=False)
    op.create_index(
        "ix_patient_family_key", "patient", ["family_key"], postgresql_ops={"family_key": "text_pattern_ops"}
    )
    op.create_index("ix_patient_given_key", "patient", ["given_key"], postgresql_ops={"given_key": "text_pattern_ops"})
    op.create_index("ix_patient_birth_date", "patient", ["birth_date"], unique=False)
    limit_lengths("patient", LIMITS["patient"], triggers="key_lengths")


def downgrade() -> None:
    unlimit_lengths("patient", KEYS, triggers="key_lengths")
    for index in ("ix_patient_birth_date", "ix_patient_given_key", "ix_patient_family_key", "ix_patient_mrn_key"):
        op.drop_index(index, table_name="patient")
    for key in KEYS:
        op.drop_column("patient", key)


def _key_each_patient(bind: sa.Connection) -> None:
    rows = bind.execute(sa.text("SELECT id, mrn, family_name, given_name FROM patient")).all()
    update = sa.text("UPDATE patient SET mrn_key = :mrn, family_key = :family, given_key = :given WHERE id = :id")
    for start in range(0, len(rows), BATCH):
        bind.execute(
            update,
            [
                {
                    "id": row[0],
                    "mrn": row[1].strip().casefold(),
                    "family": _name_key(row[2]),
                    "given": _name_key(row[3]),
                }
                for row in rows[start : start + BATCH]
            ],
        )


def _name_key(text: str) -> str:
    """As ``core.matching.name_key`` is at this revision (a migration keeps its own copy)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = (c for c in decomposed if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in letters).split())[:KEY_LENGTH]
