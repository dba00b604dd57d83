"""Each scheduled point of a signed session kept as it stood at signing; the audit trail indexed by action.

Revision ID: 0014
Revises: 0013

A clinic's review of timeliness counts, over months and years, the sets of vital signs, side-effect checks
and alarms' rechecks taken on time, late (by how much) or missed, point by point. Worked out from the
entries, every session would be replayed (``derive_state``) for each look: some 300,000 over ten years.
``schedule_point`` keeps, per point of a signed session, when it fell, when it was answered, and whether on
time, late or missed; written with the signature from now on (``core.records.schedule_points``), given
here to the sessions signed before, each replayed under the protocol it was recorded under.

Unlike the other projections' upgrades, this one runs the care rules themselves (``core.schedule_points``,
``core.session_state``): which points a session owed follows from the whole of its log, and those rules are
the only statement of it. They are the same rules that write the row at signing.

``ix_audit_entry_action_at``: the review also counts silenced alarms and refusals by period, audit lines
found by action; only the moment was indexed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.persistence.append_only import allow_changes, forbid_changes
from core.persistence.text_lengths import limit_lengths, unlimit_lengths
from core.persistence.types import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

LIMITS = {"schedule_point": {"session_id": 36, "schedule": 20, "point_id": 60, "status": 10}}
BATCH = 5_000
"""Rows per insert, and about the entries read at a time."""

_POINTS = sa.table(
    "schedule_point",
    sa.column("session_id", sa.String()),
    sa.column("schedule", sa.String()),
    sa.column("point_id", sa.String()),
    sa.column("due_at", UTCDateTime()),
    sa.column("taken_at", UTCDateTime()),
    sa.column("status", sa.String()),
    sa.column("late_seconds", sa.Integer()),
)


def upgrade() -> None:
    op.create_table(
        "schedule_point",
        sa.Column("session_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("schedule", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("point_id", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("taken_at", UTCDateTime(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("late_seconds", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["session_id"], ["infusion_session.id"]),
        sa.PrimaryKeyConstraint("session_id", "schedule", "point_id"),
    )
    op.create_index("ix_schedule_point_due_at", "schedule_point", ["due_at"], unique=False)
    op.create_index("ix_audit_entry_action_at", "audit_entry", ["action", "at"], unique=False)
    limit_lengths("schedule_point", LIMITS["schedule_point"])
    forbid_changes("schedule_point")
    _each_signed_session(op.get_bind())


def downgrade() -> None:
    allow_changes("schedule_point")
    unlimit_lengths("schedule_point", LIMITS["schedule_point"])
    op.drop_index("ix_audit_entry_action_at", table_name="audit_entry")
    op.drop_index("ix_schedule_point_due_at", table_name="schedule_point")
    op.drop_table("schedule_point")


def _each_signed_session(bind: sa.Connection) -> None:
    """Every signed session's points, from its entries replayed under its own protocol, a batch at a time
    (the entries streamed in session order, one session held at once)."""
    from core.schedule_points import Rules, replayed  # the care rules, loaded only when there is this to do

    rules = Rules(dict(bind.execute(sa.text("SELECT content_hash, text FROM protocol_copy")).all()))
    rows: list[dict[str, Any]] = []
    for events in _signed_logs(bind):
        points = replayed(rules.of(events), events)
        for point in points or ():
            rows.append({"session_id": events[0].session_id, **point._asdict()})
        if len(rows) >= BATCH:
            bind.execute(_POINTS.insert(), rows)
            rows = []
    if rows:
        bind.execute(_POINTS.insert(), rows)


def _signed_logs(bind: sa.Connection) -> Iterator[list[Any]]:
    from core.events import Event, EventType

    query = sa.text(
        "SELECT id, session_id, seq, type, payload, occurred_at, recorded_at, recorded_by, workstation, corrects,"
        " reason FROM session_event WHERE session_id IN"
        " (SELECT session_id FROM session_event WHERE type = 'session.signed') ORDER BY session_id, seq"
    ).columns(occurred_at=UTCDateTime(), recorded_at=UTCDateTime())
    found = bind.execute(query.execution_options(stream_results=True, max_row_buffer=BATCH))
    log_: list[Event] = []
    while chunk := found.fetchmany(BATCH):
        for id_, session_id, seq, kind, payload, occurred, recorded, by, workstation, corrects, reason in chunk:
            if log_ and log_[0].session_id != session_id:
                yield log_
                log_ = []
            log_.append(
                Event(
                    id=id_,
                    session_id=session_id,
                    seq=seq,
                    type=EventType(kind),
                    occurred_at=occurred,
                    recorded_at=recorded,
                    recorded_by=by,
                    workstation=workstation,
                    payload=json.loads(payload) if isinstance(payload, str) else dict(payload),
                    corrects=corrects,
                    reason=reason,
                )
            )
    if log_:
        yield log_
