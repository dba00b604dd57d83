"""Each set of vital signs kept in plain columns beside its entry.

Revision ID: 0013
Revises: 0012

A clinic's review of its alarms counts, over months and years, how often each limit fired and what the
neighbouring limits would have done with the same readings: read from the entries, every set's payload would
be parsed again for each look (some 2.4 million sets over ten years of a busy clinic). ``vital_set`` keeps, per
``vitals.recorded`` entry, its session, place and moment, who recorded it, whether the infusion had begun (a
set before it is part of the baseline), whether it was partial, the point it answered, each value, and the
vitals at each tier as classified when recorded; written with the entry from now on, given here to the sets
recorded before, from their entries (``core.records.vital_sets`` writes the same row).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.persistence.text_lengths import limit_lengths, unlimit_lengths
from core.persistence.types import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

VITALS = ("systolic", "diastolic", "heart_rate", "respiratory_rate", "spo2", "sedation", "temperature")
"""As ``core.protocol.VitalKind`` is at this revision (a migration keeps its own copy)."""
LIMITS = {"vital_set": {"id": 36, "session_id": 36, "recorded_by": 36, "point_id": 60, "act": 120, "advise": 120}}
BATCH = 5_000
COLUMNS = (
    "id",
    "session_id",
    "seq",
    "taken_at",
    "recorded_by",
    "before_start",
    "partial",
    "point_id",
    *VITALS,
    "act",
    "advise",
)


def upgrade() -> None:
    op.create_table(
        "vital_set",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("session_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("taken_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("before_start", sa.Boolean(), nullable=False),
        sa.Column("partial", sa.Boolean(), nullable=False),
        sa.Column("point_id", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
        *(sa.Column(vital, sa.Float(), nullable=True) for vital in VITALS),
        sa.Column("act", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("advise", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.ForeignKeyConstraint(["id"], ["session_event.id"]),
        sa.ForeignKeyConstraint(["session_id"], ["infusion_session.id"]),
        sa.ForeignKeyConstraint(["recorded_by"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_vital_set_taken_at", "vital_set", ["taken_at"], unique=False)
    limit_lengths("vital_set", LIMITS["vital_set"])
    _each_set(op.get_bind())


def downgrade() -> None:
    unlimit_lengths("vital_set", LIMITS["vital_set"])
    op.drop_index("ix_vital_set_taken_at", table_name="vital_set")
    op.drop_table("vital_set")


def _each_set(bind: sa.Connection) -> None:
    """Every set recorded so far, from its entry, a batch at a time; whether the infusion had begun is
    whether an ``infusion.started`` entry came before it in its session."""
    query = sa.text(
        "SELECT e.id, e.session_id, e.seq, e.occurred_at, e.recorded_by, e.payload, s.first_started "
        "FROM session_event e LEFT JOIN ("
        "  SELECT session_id, min(seq) AS first_started FROM session_event WHERE type = 'infusion.started'"
        "  GROUP BY session_id"
        ") s ON s.session_id = e.session_id WHERE e.type = 'vitals.recorded'"
    )
    found = bind.execute(query.execution_options(stream_results=True, max_row_buffer=BATCH))
    insert = sa.text(f"INSERT INTO vital_set ({', '.join(COLUMNS)}) VALUES ({', '.join(':' + c for c in COLUMNS)})")
    while rows := found.fetchmany(BATCH):
        bind.execute(insert, [_row(*row) for row in rows])


def _row(
    event_id: str, session_id: str, seq: int, at: Any, by: str, payload: Any, first_started: int | None
) -> dict[str, Any]:
    data = json.loads(payload) if isinstance(payload, str) else payload
    values: Mapping[str, Any] = data.get("values", {})
    row = {
        "id": event_id,
        "session_id": session_id,
        "seq": seq,
        "taken_at": at,
        "recorded_by": by,
        "before_start": first_started is None or first_started > seq,
        "partial": data.get("partial_reason") is not None,
        "point_id": data.get("point_id"),
        "act": _at_tier(data, "act"),
        "advise": _at_tier(data, "advise"),
    }
    for vital in VITALS:
        value = values.get(vital)
        row[vital] = None if value is None else float(value)
    return row


def _at_tier(data: Mapping[str, Any], tier: str) -> str:
    return ",".join(dict.fromkeys(str(f["vital"]) for f in data.get("findings", ()) if f.get("tier") == tier))
