"""Each scheduled point of a signed session kept beside it (``schedule_point``), written with the signature.

The rows are ``core.schedule_points``' (which points, and on time, late or missed); this module only
stores and reads them. ``core.trail_check`` holds them to the sessions' entries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, text
from sqlmodel import Session, col

from core.events import EventType
from core.persistence.prepared import Prepared
from core.persistence.raw_rows import raw_rows
from core.persistence.tables import LATE_POINT, InfusionSession, ProtocolCopy, ScheduledPointRecord, SessionEvent
from core.records.point_counts import add_point_counts, point_counts_between
from core.schedule_points import Kept, PointTally, ScheduledPoint, TimedPoint

_TABLE = ScheduledPointRecord.__table__  # type: ignore[attr-defined]
COLUMNS = tuple(_TABLE.c.keys())
"""The table's columns in order: the session, then ``ScheduledPoint``'s fields."""
_INSERT = Prepared(insert(_TABLE), columns=COLUMNS)


def schedule_point_rows(session_id: str, points: Iterable[ScheduledPoint]) -> list[dict[str, Any]]:
    return [{"session_id": session_id, **point._asdict()} for point in points]


def write_schedule_points(connection: Connection, session_id: str, points: Sequence[ScheduledPoint]) -> None:
    """A signed session's points, in the signature's transaction (``records.insert_entry``), and their counts
    by day (``core.records.point_counts``)."""
    for row in schedule_point_rows(session_id, points):
        _INSERT.run(connection, row)
    add_point_counts(connection, ((session_id, p.schedule, p.point_id, p.due_at, p.status) for p in points))


_FELL = (
    col(ScheduledPointRecord.due_at) >= bindparam("start"),
    col(ScheduledPointRecord.due_at) < bindparam("end"),
)
_AS_THEY_FELL = tuple(_TABLE.c[name] for name in ("due_at", *COLUMNS[:3]))


def schedule_points_between(tx: Session, start: datetime, end: datetime, status: str | None = None) -> list[TimedPoint]:
    """The points that fell in ``[start, end)`` (by ``due_at``, on its index), of ``status`` alone when given,
    each with its session's chair and protocol version, in the order they fell: what a review of timeliness
    counts."""
    query = (
        select(
            ScheduledPointRecord.session_id,
            InfusionSession.chair,
            InfusionSession.protocol_version,
            *(_TABLE.c[name] for name in COLUMNS[1:]),
        )
        .join(InfusionSession, col(InfusionSession.id) == col(ScheduledPointRecord.session_id))
        .where(*_FELL)
        .order_by(*_AS_THEY_FELL)
    )
    if status == Kept.LATE:
        query = query.where(text(LATE_POINT[tx.connection().dialect.name]))  # the partial index's own words
    elif status is not None:
        query = query.where(col(ScheduledPointRecord.status) == status)
    # On the connection: the session's ORM layer around plain columns cost more than the reading.
    return [TimedPoint(*row) for row in tx.connection().execute(query, {"start": start, "end": end})]


def schedule_point_tally(
    tx: Session, start: datetime, end: datetime, sessions: Collection[str] | None = None
) -> PointTally:
    """The points that fell in ``[start, end)`` counted (of ``sessions`` alone, when given), as ``tally_of``
    counts them from ``schedule_points_between``, the late points alone in full. Of every session, from the
    counts kept by day (``core.records.point_counts``): ten years are three million points, and reading each
    took three seconds. Of some, the statuses of every point read as the driver hands them back (a month is
    some 30,000 points; a ``TimedPoint`` each, with its session's row, cost ten times the reading)."""
    if sessions is None:
        counts, n_sessions = point_counts_between(tx, start, end)
    else:
        query = (
            select(
                ScheduledPointRecord.session_id,
                ScheduledPointRecord.schedule,
                ScheduledPointRecord.point_id,
                ScheduledPointRecord.status,
            )
            .where(*_FELL)
            .order_by(*_AS_THEY_FELL)
        )
        kept = set(sessions)
        found = [row for row in raw_rows(tx.connection(), query, {"start": start, "end": end}) if row[0] in kept]
        counts = Counter((schedule, point_id, status) for _, schedule, point_id, status in found)
        n_sessions = len({row[0] for row in found})
    late: list[TimedPoint] = []
    if any(status == Kept.LATE for _, _, status in counts):  # else no need to look for them
        late = schedule_points_between(tx, start, end, Kept.LATE.value)
        if sessions is not None:
            late = [point for point in late if point.session_id in sessions]
    return PointTally(counts, late, n_sessions)


def kept_points(tx: Session, session_ids: Iterable[str] | None = None) -> Iterator[tuple[Any, ...]]:
    """Every kept row (of the given sessions only, when given), by session: for ``audit verify``."""
    query = select(_TABLE).order_by(*(_TABLE.c[name] for name in COLUMNS[:3]))
    if session_ids is not None:
        query = query.where(_TABLE.c.session_id.in_(list(session_ids)))
    for row in tx.execute(query):
        yield tuple(row)


def signed_sessions(tx: Session, session_ids: Iterable[str] | None = None) -> list[str]:
    """The sessions with a signature (of the given ones only, when given), in the order they were signed (on
    the index of kinds and moments): sessions signed near one another have their entries stored near one
    another, so reading them a few hundred at a time in this order reads each part of the file about once."""
    query = select(SessionEvent.session_id).where(col(SessionEvent.type) == EventType.SIGNED.value)
    if session_ids is not None:
        query = query.where(col(SessionEvent.session_id).in_(list(session_ids)))
    order = (col(SessionEvent.type), col(SessionEvent.occurred_at), col(SessionEvent.session_id))
    return list(dict.fromkeys(tx.execute(query.order_by(*order)).scalars()))


def sessions_with_points(tx: Session, session_ids: Iterable[str] | None = None) -> set[str]:
    """The sessions that have points kept (of the given ones only, when given), on the table's key."""
    query = select(_TABLE.c.session_id).distinct()
    if session_ids is not None:
        query = query.where(_TABLE.c.session_id.in_(list(session_ids)))
    return set(tx.execute(query).scalars())


def protocol_texts(tx: Session) -> dict[str, str]:
    """Every protocol's text kept in the records, by its SHA-256."""
    return {sha: text for sha, text in tx.execute(select(ProtocolCopy.content_hash, ProtocolCopy.text))}
