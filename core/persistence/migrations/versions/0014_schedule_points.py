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

import hashlib
import json
import logging
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

log = logging.getLogger(__name__)

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
    from core.schedule_points import replayed  # the care rules, loaded only when there is this to do

    rules = _Rules(bind)
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


class _Rules:
    """Which protocol a session is replayed under, as ``core.protocol_shelf`` finds it (its copy kept in the
    records, else one Chairside shipped, else today's), without the records layer above this one."""

    def __init__(self, bind: sa.Connection) -> None:
        from core.paths import resource_path
        from core.protocol import load_protocol

        self.current = load_protocol()
        self.texts: dict[str, str] = dict(bind.execute(sa.text("SELECT content_hash, text FROM protocol_copy")).all())
        folder = resource_path("protocols/earlier")
        for path in sorted(folder.glob("*.toml")) if folder.is_dir() else ():
            data = path.read_bytes()
            self.texts.setdefault(hashlib.sha256(data).hexdigest(), data.decode("utf-8"))
        self.known: dict[str, Any] = {self.current.content_hash: self.current}

    def of(self, events: list[Any]) -> Any:
        from core.errors import ProtocolError
        from core.event_data import Opened
        from core.protocol import parse_protocol

        sha = events[0].data_as(Opened).protocol.sha256
        found = self.known.get(sha)
        if found is None:
            text = self.texts.get(sha)
            found = self.current
            if text is None:
                log.warning("protocol %s is not kept in the records: replaying under today's", sha[:12])
            else:
                try:
                    found = parse_protocol(text.encode("utf-8"), f"the copy of protocol {sha[:12]}", self.current)
                except ProtocolError:  # a copy that no longer reads: today's, as the shelf does
                    log.warning("protocol %s no longer reads: replaying under today's", sha[:12])
            self.known[sha] = found
        return found
