"""The care entries that may matter to the clinic's quality report, kept apart by kind and moment; the scheduled
points indexed as a count of them reads them.

Revision ID: 0017
Revises: 0016

The quality report lists and counts the overrides given, the mismatches found, the controlled-substance
problems, the pumps found after a restart and the corrections of a period. Found among every entry of their
kinds (on the index of kind and moment, each payload then read for the field that says so), a report over ten
years read millions of entries for a few thousand. ``quality_fact`` keeps, per such entry, its id, session,
kind and moment; written with the entry from now on (``core.records.quality_facts``), given here to the
entries recorded before, read a batch at a time and judged by this revision's copy of the rule
(``core.quality.notable``).

``ix_schedule_point_as_they_fell`` (moment, session, schedule, point, status) takes the place of the index of
moments alone: a review of timeliness counts every point of a period by its status, in the order they fell
(each point's first meeting orders the report's rows); read through the index of moments, each point was
looked up in the table and the period's points sorted again by session and point.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.persistence.append_only import allow_changes, forbid_changes
from core.persistence.text_lengths import limit_lengths, unlimit_lengths
from core.persistence.types import UTCDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

LIMITS = {"quality_fact": {"id": 36, "session_id": 36, "type": 40}}
BATCH = 5_000
AS_THEY_FELL = ("due_at", "session_id", "schedule", "point_id", "status")
"""Entries read at a time, and about the rows per insert."""


def _first_mismatch(payload: Mapping[str, Any]) -> bool:
    mismatches = payload.get("mismatches")
    return isinstance(mismatches, list) and bool(mismatches) and mismatches[0] is not None


def _pump_mismatch(payload: Mapping[str, Any]) -> bool:
    second = payload.get("second")
    return _first_mismatch(payload) or (isinstance(second, dict) and _first_mismatch(second))


def _soft_limit_exceeded(payload: Mapping[str, Any]) -> bool:
    calculation = payload.get("calculation")
    return isinstance(calculation, dict) and calculation.get("soft_limit_exceeded") is True


def _without_a_witness(payload: Mapping[str, Any]) -> bool:
    signatures = payload.get("signatures") or ()
    witnessed = any(isinstance(s, dict) and s.get("meaning") == "witnessed waste" for s in signatures)
    return not witnessed or payload.get("witness_id") is not None


def _given(field: str) -> Callable[[Mapping[str, Any]], bool]:
    return lambda payload: payload.get(field) is not None


RULES: Mapping[str, Callable[[Mapping[str, Any]], bool]] = {
    "session.opened": _given("same_day_override"),
    "weight.recorded": lambda payload: payload.get("change_confirmed") is True,
    "dose.calculated": _soft_limit_exceeded,
    "infusion.started": _given("go_ahead"),
    "discharge.recorded": _given("override_reason"),
    "check.recorded": _first_mismatch,
    "pump.programmed": _pump_mismatch,
    "pump.confirmed": lambda _: True,
    "session.signed": _given("controlled_problem"),
    "drug.wasted": _without_a_witness,
    "entry.corrected": lambda _: True,
    "session.addendum": lambda _: True,
}
"""``core.quality.notable.RULES`` as it is at this revision (a migration keeps its own copy)."""

_FACTS = sa.table(
    "quality_fact",
    sa.column("id", sa.String()),
    sa.column("session_id", sa.String()),
    sa.column("type", sa.String()),
    sa.column("occurred_at", UTCDateTime()),
)


def upgrade() -> None:
    op.create_table(
        "quality_fact",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("session_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("type", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["id"], ["session_event.id"]),
        sa.ForeignKeyConstraint(["session_id"], ["infusion_session.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    limit_lengths("quality_fact", LIMITS["quality_fact"])
    forbid_changes("quality_fact")
    _each_notable_entry(op.get_bind())
    op.create_index("ix_quality_fact_type_occurred_at", "quality_fact", ["type", "occurred_at"], unique=False)
    op.create_index("ix_schedule_point_as_they_fell", "schedule_point", list(AS_THEY_FELL), unique=False)
    op.drop_index("ix_schedule_point_due_at", table_name="schedule_point")


def downgrade() -> None:
    op.create_index("ix_schedule_point_due_at", "schedule_point", ["due_at"], unique=False)
    op.drop_index("ix_schedule_point_as_they_fell", table_name="schedule_point")
    op.drop_index("ix_quality_fact_type_occurred_at", table_name="quality_fact")
    allow_changes("quality_fact")
    unlimit_lengths("quality_fact", LIMITS["quality_fact"])
    op.drop_table("quality_fact")


def _each_notable_entry(bind: sa.Connection) -> None:
    """Every entry of the kinds the rule names that it keeps, a batch at a time (on the index of kinds)."""
    query = sa.text(
        "SELECT id, session_id, type, occurred_at, payload FROM session_event WHERE type IN :kinds"
    ).bindparams(sa.bindparam("kinds", expanding=True))
    query = query.columns(occurred_at=UTCDateTime())
    found = bind.execute(query.execution_options(stream_results=True, max_row_buffer=BATCH), {"kinds": list(RULES)})
    while chunk := found.fetchmany(BATCH):
        rows = [
            {"id": id_, "session_id": session_id, "type": kind, "occurred_at": occurred}
            for id_, session_id, kind, occurred, payload in chunk
            if RULES[kind](json.loads(payload) if isinstance(payload, str) else payload)
        ]
        if rows:
            bind.execute(_FACTS.insert(), rows)
