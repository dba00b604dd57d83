"""Each outcome-form sitting's scores kept in short beside its record.

Revision ID: 0011
Revises: 0010

The outcome report reads the scores of a year's sittings; each sitting's record holds every answer of seven
forms as well, and parsing them was a fifth of a report over ten years of records. ``sitting_scores`` keeps,
per ``outcome.assessed`` record, its moment, its patient and each form's score values only (form, T-score,
SE, table, the tables file's hash, whether the table is still to be verified, items answered of how many),
written with the record from now on; the sittings recorded before are given theirs here, from their records.
``core.audit.verify`` checks each against its record.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.persistence.text_lengths import limit_lengths, unlimit_lengths
from core.persistence.types import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

LIMITS = {"sitting_scores": {"id": 36, "patient_id": 36}}
SCORED = ("form_id", "t_score", "se", "table", "tables_sha256", "to_verify", "answered", "of")
"""As ``core.outcomes.cohort.SCORED`` is at this revision (a migration keeps its own copy)."""
BATCH = 5_000


def upgrade() -> None:
    op.create_table(
        "sitting_scores",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("patient_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("taken_at", UTCDateTime(), nullable=False),
        sa.Column("scores", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["id"], ["patient_event.id"]),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sitting_scores_taken_at_patient_id", "sitting_scores", ["taken_at", "patient_id"], unique=False)
    limit_lengths("sitting_scores", LIMITS["sitting_scores"])
    _score_each_sitting(op.get_bind())


def downgrade() -> None:
    unlimit_lengths("sitting_scores", LIMITS["sitting_scores"])
    op.drop_index("ix_sitting_scores_taken_at_patient_id", table_name="sitting_scores")
    op.drop_table("sitting_scores")


def _score_each_sitting(bind: sa.Connection) -> None:
    """Every sitting recorded so far, its scores copied from its record, a batch at a time."""
    query = sa.text("SELECT id, patient_id, occurred_at, payload FROM patient_event WHERE type = 'outcome.assessed'")
    found = bind.execute(query.execution_options(stream_results=True, max_row_buffer=BATCH))
    insert = sa.text(
        "INSERT INTO sitting_scores (id, patient_id, taken_at, scores) VALUES (:id, :patient_id, :taken_at, :scores)"
    )
    while rows := found.fetchmany(BATCH):
        bind.execute(
            insert,
            [{"id": row[0], "patient_id": row[1], "taken_at": row[2], "scores": _scores(row[3])} for row in rows],
        )


def _scores(payload: Any) -> str:
    data = json.loads(payload) if isinstance(payload, str) else payload
    forms = (data or {}).get("forms", ())
    return json.dumps([[form.get(key) for key in SCORED] for form in forms], separators=(",", ":"))
