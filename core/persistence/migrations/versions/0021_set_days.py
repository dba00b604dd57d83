"""Each UTC day's sets of vital signs packed in one row.

Revision ID: 0021
Revises: 0020

A review of alarms over ten years read two million ``vital_set`` rows of nineteen values, and spent most of
its time on the driver making Python objects of them. ``quality_set_day`` keeps each day's sets packed as
machine numbers (ids, moments, seq and coded texts, flags, readings), which the report reads as arrays;
appended to with each set from now on (``core.records.set_days``), and given here from the sets kept
before, read once in the order they were taken.
"""

from __future__ import annotations

import sys
from array import array
from datetime import UTC, date, datetime, timedelta
from itertools import groupby
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.persistence.types import UTCDateTime

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

VITALS = ("systolic", "diastolic", "heart_rate", "respiratory_rate", "spo2", "sedation", "temperature")
"""As ``core.protocol.VitalKind`` is at this revision (a migration keeps its own copy)."""
BATCH = 100
"""Day rows per insert (a busy day's is some 100 kB)."""
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_SETS = sa.table(
    "vital_set",
    sa.column("id", sa.String()),
    sa.column("session_id", sa.String()),
    sa.column("seq", sa.Integer()),
    sa.column("taken_at", UTCDateTime()),
    sa.column("recorded_by", sa.String()),
    sa.column("before_start", sa.Boolean()),
    sa.column("partial", sa.Boolean()),
    sa.column("point_id", sa.String()),
    *(sa.column(vital, sa.Float()) for vital in VITALS),
    sa.column("act", sa.String()),
    sa.column("advise", sa.String()),
)
_DAYS = sa.table(
    "quality_set_day",
    sa.column("day", sa.Date()),
    sa.column("sets", sa.Integer()),
    sa.column("words", sa.String()),
    *(sa.column(name, sa.LargeBinary()) for name in ("ids", "moments", "numbers", "flags", "readings")),
)


def upgrade() -> None:
    op.create_table(
        "quality_set_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sets", sa.Integer(), nullable=False),
        sa.Column("words", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("ids", sa.LargeBinary(), nullable=False),
        sa.Column("moments", sa.LargeBinary(), nullable=False),
        sa.Column("numbers", sa.LargeBinary(), nullable=False),
        sa.Column("flags", sa.LargeBinary(), nullable=False),
        sa.Column("readings", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    bind = op.get_bind()
    query = sa.select(_SETS).order_by(_SETS.c.taken_at).execution_options(stream_results=True, max_row_buffer=5_000)
    rows = []
    for day, sets in groupby(bind.execute(query), key=lambda row: row[3].astimezone(UTC).date()):
        rows.append(_packed(day, sets))
        if len(rows) >= BATCH:
            bind.execute(_DAYS.insert(), rows)
            rows = []
    if rows:
        bind.execute(_DAYS.insert(), rows)


def downgrade() -> None:
    op.drop_table("quality_set_day")


def _packed(day: date, sets: Any) -> dict[str, Any]:
    """One day's sets packed as ``core.records.set_days.Packed`` packs them at this revision."""
    places: dict[str, int] = {}

    def place(word: str) -> int:
        return places.setdefault(word, len(places))

    ids, flags = bytearray(), bytearray()
    moments, numbers, readings = array("q"), array("i"), array("d")
    for set_id, session_id, seq, taken_at, recorded_by, before, partial, point_id, *rest in sets:
        *values, act, advise = rest
        ids += set_id.encode("ascii").ljust(36)
        moments.append((taken_at - EPOCH) // timedelta(microseconds=1))
        numbers.extend(
            (
                seq,
                place(session_id),
                place(recorded_by),
                -1 if point_id is None else place(point_id),
                place(act),
                place(advise),
            )
        )
        flags.append((1 if before else 0) | (2 if partial else 0))
        readings.extend(float("nan") if value is None else float(value) for value in values)
    if sys.byteorder != "little":
        for numbers_of in (moments, numbers, readings):
            numbers_of.byteswap()
    return {
        "day": day,
        "sets": len(flags),
        "words": "\n".join(places),
        "ids": bytes(ids),
        "moments": moments.tobytes(),
        "numbers": numbers.tobytes(),
        "flags": bytes(flags),
        "readings": readings.tobytes(),
    }
