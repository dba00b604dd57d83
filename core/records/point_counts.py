"""The scheduled points counted by day (``quality_point_day``) and each session's first and last
(``quality_point_span``), moved with each signature's points and with a history's written in bulk; what a
review of timeliness over months and years reads in place of every point, and recounted from the points.

A period's bounds are the clinic's local midnights, seldom UTC's: its whole UTC days are summed from the day
rows and the part of a day at each end is read point by point (``schedule_point``, on the index of points as
they fell). The counts come in the order each was first met as the points fell, as ``tally_of`` gives them:
each day row keeps its first point's moment and session, and the first point of a count is the least of
those (moment, session, schedule, point), the index's own order. The sessions with a point in the period are
those whose first or last point fell in it, and those spanning it that have one in it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection, case, exists, func, or_, select, tuple_
from sqlmodel import Session

from core.persistence.raw_rows import raw_rows
from core.persistence.tables import QualityPointDay, QualityPointSpan, ScheduledPointRecord
from core.persistence.types import moment_reader
from core.persistence.upsert import insert_for

_DAY = QualityPointDay.__table__  # type: ignore[attr-defined]
_SPAN = QualityPointSpan.__table__  # type: ignore[attr-defined]
_POINT = ScheduledPointRecord.__table__  # type: ignore[attr-defined]
DAY_KEY = ("day", "schedule", "point_id", "status")
DAY_VALUE = ("points", "first_due", "first_session")
POINT_COLUMNS = ("session_id", "schedule", "point_id", "due_at", "status")
"""A point as these rows are counted from it (``Point``): ``schedule_point``'s columns of those names."""

Point = tuple[str, str, str, datetime, str]
"""A point's session, schedule, point id, moment and status."""

Key = tuple[str, str, str]
"""A count's (schedule, point id, status)."""
First = tuple[datetime, str, str, str]
"""A point's place as they fell: its moment, session, schedule and point id."""


def day_of(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def counted(points: Iterable[Point]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The day rows and the spans of ``points``, in any order, in one pass: each count with the least
    (moment, session) among its points, each session's first and last."""
    days, spans = _tallied(points)
    return (
        [dict(zip((*DAY_KEY, *DAY_VALUE), (*key, *row), strict=True)) for key, row in days.items()],
        [{"session_id": sid, "first_due": first, "last_due": last} for sid, (first, last) in spans.items()],
    )


def _tallied(points: Iterable[Point]) -> tuple[dict[tuple[date, str, str, str], list[Any]], dict[str, list[datetime]]]:
    """``counted``'s rows as they are made: each day key's [points, first moment, first session], and each
    session's [first, last]."""
    days: dict[tuple[date, str, str, str], list[Any]] = {}
    spans: dict[str, list[datetime]] = {}
    for session_id, schedule, point_id, due_at, status in points:
        key = (day_of(due_at), schedule, point_id, status)
        row = days.get(key)
        if row is None:
            days[key] = [1, due_at, session_id]
        else:
            row[0] += 1
            if (due_at, session_id) < (row[1], row[2]):
                row[1:] = due_at, session_id
        span = spans.get(session_id)
        if span is None:
            spans[session_id] = [due_at, due_at]
        else:
            span[:] = min(span[0], due_at), max(span[1], due_at)
    return days, spans


def add_point_counts(connection: Connection, points: Iterable[Point]) -> None:
    """``points`` added to the day rows and spans, in the transaction that writes them: a count already kept
    grows, and keeps the earlier of its first point and theirs; a session's span widens. One statement a row
    on either store, so two signatures at once never lose one."""
    days, spans = counted(points)
    if not spans:
        return
    upsert = insert_for(connection, _DAY)
    new = upsert.excluded
    earlier = tuple_(new.first_due, new.first_session) < tuple_(_DAY.c.first_due, _DAY.c.first_session)
    upsert = upsert.on_conflict_do_update(
        index_elements=list(DAY_KEY),
        set_={
            "points": _DAY.c.points + new.points,
            "first_due": case((earlier, new.first_due), else_=_DAY.c.first_due),
            "first_session": case((earlier, new.first_session), else_=_DAY.c.first_session),
        },
    )
    connection.execute(upsert, days)
    widen = insert_for(connection, _SPAN)
    widen = widen.on_conflict_do_update(
        index_elements=["session_id"],
        set_={
            "first_due": case(
                (widen.excluded.first_due < _SPAN.c.first_due, widen.excluded.first_due), else_=_SPAN.c.first_due
            ),
            "last_due": case(
                (widen.excluded.last_due > _SPAN.c.last_due, widen.excluded.last_due), else_=_SPAN.c.last_due
            ),
        },
    )
    connection.execute(widen, spans)


def _raw(since: datetime, until: datetime):
    return (
        select(*(_POINT.c[name] for name in ("due_at", "session_id", "schedule", "point_id", "status")))
        .where(_POINT.c.due_at >= since, _POINT.c.due_at < until)
        .order_by(*(_POINT.c[name] for name in ("due_at", "session_id", "schedule", "point_id", "status")))
    )


def point_counts_between(tx: Session, start: datetime, end: datetime) -> tuple[dict[Key, int], int]:
    """Every point that fell in ``[start, end)`` counted by (schedule, point id, status), in the order each was
    first met as they fell, and the sessions with a point: the whole UTC days from the day rows, the part of
    a day at each end point by point."""
    connection = tx.connection()
    moment = moment_reader(connection.dialect)
    counts: dict[Key, int] = {}
    first: dict[Key, First] = {}

    def met(key: Key, n: int, place: First) -> None:
        counts[key] = counts.get(key, 0) + n
        if key not in first or place < first[key]:
            first[key] = place

    days_from = day_of(start) + timedelta(days=0 if _midnight(day_of(start)) == start else 1)
    days_to = day_of(end)
    parts = [(start, end)]
    if days_from < days_to:
        parts = [(start, _midnight(days_from)), (_midnight(days_to), end)]
        whole = select(*(_DAY.c[name] for name in (*DAY_KEY[1:], *DAY_VALUE))).where(
            _DAY.c.day >= days_from, _DAY.c.day < days_to
        )
        for schedule, point_id, status, n, due, session_id in raw_rows(connection, whole):
            met((schedule, point_id, status), n, (moment(due), session_id, schedule, point_id))  # type: ignore[arg-type]
    for since, until in parts:
        if since < until:
            for due, session_id, schedule, point_id, status in raw_rows(connection, _raw(since, until)):
                met((schedule, point_id, status), 1, (moment(due), session_id, schedule, point_id))  # type: ignore[arg-type]
    ordered = sorted(counts, key=first.__getitem__)
    return {key: counts[key] for key in ordered}, _sessions_between(connection, start, end)


def _sessions_between(connection: Connection, start: datetime, end: datetime) -> int:
    """The sessions with a point in ``[start, end)``: those whose first or last point fell in it, and of those
    whose points span it, the ones with a point in it."""
    inside = exists().where(_POINT.c.session_id == _SPAN.c.session_id, _POINT.c.due_at >= start, _POINT.c.due_at < end)
    query = select(func.count()).where(
        _SPAN.c.first_due < end,
        _SPAN.c.last_due >= start,
        or_(_SPAN.c.first_due >= start, _SPAN.c.last_due < end, inside),
    )
    return int(connection.execute(query).scalar_one())


class PointRecount(NamedTuple):
    """The day rows and spans held to the points: each key that differs, as kept and as recounted (None
    where there is no row)."""

    days: list[tuple[tuple[Any, ...], tuple[Any, ...] | None, tuple[Any, ...] | None]]
    spans: list[tuple[str, tuple[Any, ...] | None, tuple[Any, ...] | None]]

    @property
    def agrees(self) -> bool:
        return not self.days and not self.spans


def point_counts_recounted(tx: Session) -> PointRecount:
    """Every point counted again by day and by session, against the rows kept (for ``audit verify``)."""
    connection = tx.connection()
    every = select(*(_POINT.c[name] for name in POINT_COLUMNS))
    days, spans = _tallied(tuple(row) for row in connection.execute(every))  # type: ignore[misc]
    recounted_days = {key: tuple(row) for key, row in days.items()}
    kept_days = {
        tuple(row[:4]): tuple(row[4:])
        for row in connection.execute(select(*(_DAY.c[k] for k in (*DAY_KEY, *DAY_VALUE))))
    }
    differ: list[tuple[str, tuple[Any, ...] | None, tuple[Any, ...] | None]] = []
    for session_id, *kept in connection.execute(select(_SPAN)):  # a session's row at a time, each met once
        recounted = spans.pop(session_id, None)
        if recounted != kept:
            differ.append((session_id, tuple(kept), None if recounted is None else tuple(recounted)))
    differ.extend((session_id, None, tuple(recounted)) for session_id, recounted in spans.items())
    return PointRecount(
        [
            (key, kept_days.get(key), recounted_days.get(key))
            for key in sorted(kept_days.keys() | recounted_days.keys())
            if kept_days.get(key) != recounted_days.get(key)
        ],
        sorted(differ, key=lambda row: row[0]),
    )
