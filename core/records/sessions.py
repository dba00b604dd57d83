"""Sessions' records: the entries of each session's log, and the session's summary (its projection)."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import datetime
from threading import Lock
from typing import Any

from sqlalchemy import Connection, Row, Select, Text, bindparam, cast, func, insert, type_coerce
from sqlmodel import Session, col, select, update

from core.events import Event, EventType
from core.persistence.prepared import Prepared
from core.persistence.tables import InfusionSession, PatientEventRecord, QualityFact, SessionEvent
from core.persistence.types import UTCDateTime
from core.record_values import SessionSummary
from core.records.quality_facts import fact_row, write_quality_fact
from core.records.schedule_points import write_schedule_points
from core.records.trail import write_audit_lines
from core.records.vital_sets import write_vital_set
from core.schedule_points import ScheduledPoint

SUMMARY_FIELDS = tuple(SessionSummary.__dataclass_fields__)
"""The summary's fields, each a column of the same name: what ``save_summary`` writes back."""


def to_event(row: SessionEvent) -> Event:
    return Event(
        id=row.id,
        session_id=row.session_id,
        seq=row.seq,
        type=EventType(row.type),
        occurred_at=row.occurred_at,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
        workstation=row.workstation,
        payload=dict(row.payload),
        corrects=row.corrects,
        reason=row.reason,
    )


_EVENT_COLUMNS = (
    SessionEvent.id,
    SessionEvent.session_id,
    SessionEvent.seq,
    SessionEvent.type,
    cast(SessionEvent.payload, Text),
    SessionEvent.occurred_at,
    SessionEvent.recorded_at,
    SessionEvent.recorded_by,
    SessionEvent.workstation,
    SessionEvent.corrects,
    SessionEvent.reason,
)
"""A session's events as plain columns, the payload as the text it is stored as: every action and every
board tick reads them, and building a row object for each, then parsing its payload, was most of a read.
An entry read a moment ago is not built again (``_ReadLately``)."""


_EVENTS_IN_ORDER = (col(SessionEvent.session_id), col(SessionEvent.seq))
_EVENTS_OF_ONE = (
    select(*_EVENT_COLUMNS).where(col(SessionEvent.session_id) == bindparam("session_id")).order_by(*_EVENTS_IN_ORDER)
)
_EVENTS_OF_SOME = (
    select(*_EVENT_COLUMNS)
    .where(col(SessionEvent.session_id).in_(bindparam("session_ids", expanding=True)))
    .order_by(*_EVENTS_IN_ORDER)
)
"""Built once: every entry recorded reads its session's log, and building the statement anew each time
cost more than running it."""


class _ReadLately:
    """The entries read lately, by the row each was read from: the board reads every open session's log and
    every entry recorded reads its session's, so most rows read are rows read a moment ago. An entry is
    taken from here only while its row, every column of it as stored, is the very one it was built from
    (a row changed outside Chairside is read as it now stands); entries are frozen, so sharing one is
    safe. Bounded: the oldest are forgotten first."""

    LIMIT = 5_000

    def __init__(self) -> None:
        self._known: OrderedDict[str, tuple[Row[Any], Event]] = OrderedDict()
        self._lock = Lock()  # the board's tick and a printout's thread may read at once

    def event(self, row: Row[Any]) -> Event:
        with self._lock:
            hit = self._known.get(row[0])
            if hit is not None and hit[0] == row:
                self._known.move_to_end(row[0])
                return hit[1]
        event = _event_of(row)
        with self._lock:
            self._known[row[0]] = (row, event)
            if len(self._known) > self.LIMIT:
                self._known.popitem(last=False)
        return event


def _event_of(row: Sequence[Any]) -> Event:
    id_, session_id, seq, kind, stored, occurred_at, recorded_at, by, workstation, corrects, reason = row
    return Event(
        id=id_,
        session_id=session_id,
        seq=seq,
        type=EventType(kind),
        occurred_at=occurred_at,
        recorded_at=recorded_at,
        recorded_by=by,
        workstation=workstation,
        payload=json.loads(stored),
        corrects=corrects,
        reason=reason,
    )


_READ = _ReadLately()


def _read_events(tx: Session, query: Select[Any], params: dict[str, Any]) -> Iterator[Event]:
    for row in tx.execute(query, params):
        yield _READ.event(row)


def load_events(tx: Session, session_id: str) -> list[Event]:
    return list(_read_events(tx, _EVENTS_OF_ONE, {"session_id": session_id}))


def events_where(tx: Session, *conditions: Any) -> list[Event]:
    """The entries meeting every condition given, in each session's order (a report's reads by kind)."""
    return list(_read_events(tx, select(*_EVENT_COLUMNS).where(*conditions).order_by(*_EVENTS_IN_ORDER), {}))


def load_events_of(tx: Session, session_ids: list[str]) -> dict[str, list[Event]]:
    """Several sessions' events in one query (the board reads every open chair each second)."""
    by_session: dict[str, list[Event]] = {sid: [] for sid in session_ids}
    if session_ids:
        for event in _read_events(tx, _EVENTS_OF_SOME, {"session_ids": list(session_ids)}):
            by_session[event.session_id].append(event)
    return by_session


def event_exists(tx: Session, event_id: str) -> bool:
    return tx.get(SessionEvent, event_id) is not None


def insert_event(tx: Session, event: Event) -> None:
    """One entry through the ORM, with its row in ``quality_fact`` when it keeps one."""
    tx.add(SessionEvent(**_event_row(event)))
    fact = fact_row(event)
    if fact is not None:
        tx.flush()  # the entry first: the fact names it
        tx.add(QualityFact(**fact))


def _event_row(event: Event) -> dict[str, Any]:
    """An entry's columns, as ``insert_event`` and ``insert_entry`` store them."""
    return {
        "id": event.id,
        "session_id": event.session_id,
        "seq": event.seq,
        "type": event.type.value,
        "payload": event.payload,
        "occurred_at": event.occurred_at,
        "recorded_at": event.recorded_at,
        "recorded_by": event.recorded_by,
        "workstation": event.workstation,
        "corrects": event.corrects,
        "reason": event.reason,
    }


_EVENTS_TABLE = SessionEvent.__table__  # type: ignore[attr-defined]
_INSERT_EVENT = Prepared(insert(_EVENTS_TABLE), columns=_EVENTS_TABLE.c.keys())
"""Every column given (``_event_row``), run on the driver's cursor (``core.persistence.prepared``)."""


def insert_entry(
    tx: Session,
    event: Event,
    summary: SessionSummary,
    lines: Sequence[Mapping[str, Any]],
    points: Sequence[ScheduledPoint] = (),
) -> None:
    """One care entry as a batch of plain statements in the caller's transaction: the entry (a set of vital
    signs with its row in ``vital_set``; a signature with its session's scheduled ``points`` in
    ``schedule_point``; one that may matter to the quality report with its row in ``quality_fact``), its
    audit lines (numbered and chained by ``core.audit``) and its session's summary as it stands after it. The same
    rows, column for column, as ``insert_event``, ``core.audit.record`` and ``save_summary`` wrote one by one
    through the ORM, whose flushes (one set off by the next statement's query) were a third of an entry's
    cost."""
    tx.flush()  # anything the session holds pending is written first: these rows may name it
    connection = tx.connection()  # asked for once: the three statements run on it
    _INSERT_EVENT.run(connection, _event_row(event))
    write_vital_set(connection, event, summary)
    if points:
        write_schedule_points(connection, event.session_id, points)
    write_quality_fact(connection, event)
    write_audit_lines(connection, lines)
    _save_summary(tx, connection, summary)


def last_weight_elsewhere(tx: Session, patient_id: str, session_id: str) -> Event | None:
    """The patient's most recent weighing in any other session (the one a new weight is compared with)."""
    query = (
        select(SessionEvent)
        .join(InfusionSession, col(InfusionSession.id) == col(SessionEvent.session_id))
        .where(
            InfusionSession.patient_id == patient_id,
            InfusionSession.id != session_id,
            SessionEvent.type == EventType.WEIGHED.value,
        )
        .order_by(col(SessionEvent.occurred_at).desc())
        .limit(1)
    )
    row = tx.exec(query).first()
    return to_event(row) if row else None


def event_types_by_id(tx: Session, event_ids: Collection[str]) -> dict[str, str]:
    """The kind of each record named, on a session's stream or a patient's."""
    found = {row.id: row.type for row in tx.exec(select(SessionEvent).where(col(SessionEvent.id).in_(event_ids)))}
    query = select(PatientEventRecord).where(col(PatientEventRecord.id).in_(event_ids))
    return found | {row.id: row.type for row in tx.exec(query)}


def summary_of(row: InfusionSession) -> SessionSummary:
    return SessionSummary(
        id=row.id,
        patient_id=row.patient_id,
        chair=row.chair,
        protocol_id=row.protocol_id,
        protocol_version=row.protocol_version,
        protocol_hash=row.protocol_hash,
        step=row.step,
        outcome=row.outcome,
        active=row.active,
        opened_at=row.opened_at,
        opened_by=row.opened_by,
        last_seq=row.last_seq,
        updated_at=row.updated_at,
        course_id=row.course_id,
        began_at=row.began_at,
    )


_SESSIONS = InfusionSession.__table__  # type: ignore[attr-defined]
_SUMMARY = Prepared(
    select(*(_SESSIONS.c[name] for name in SUMMARY_FIELDS)).where(_SESSIONS.c.id == bindparam("session_id"))
)
"""Built once, on the table: every entry recorded reads its session's summary (its columns in the order of
the summary's fields)."""


def summary(tx: Session, session_id: str) -> SessionSummary | None:
    """The session's summary as stored now, read with a plain query (every entry reads it), after anything
    this transaction holds pending is written."""
    tx.flush()
    row = _SUMMARY.first(tx, {"session_id": session_id})
    return SessionSummary(*row) if row is not None else None


def add_summary(tx: Session, summary: SessionSummary) -> None:
    """A new session's summary, written at once so its first entry (which names it) can follow; its course's
    row of ``course_facts`` counts it from now on, and the patient's kept outcome rows no longer hold."""
    tx.add(InfusionSession(**{name: getattr(summary, name) for name in SUMMARY_FIELDS}))
    tx.flush()
    if summary.course_id is not None:
        from core.records.course_facts import refresh_course_facts  # loaded with the first session opened
        from core.records.outcome_basis import move_outcome_basis

        refresh_course_facts(tx, [summary.course_id])
        move_outcome_basis(tx, summary.patient_id)


MOVED_BY_ENTRIES = ("last_seq", "step", "outcome", "active", "updated_at", "began_at")
"""The summary's columns an entry moves; the rest are fixed when the session opens (``add_summary``)."""
_SAVE_SUMMARY = Prepared(
    update(InfusionSession.__table__)  # type: ignore[attr-defined]
    .where(InfusionSession.__table__.c.id == bindparam("summary_id"))  # type: ignore[attr-defined]
    .values({name: bindparam(name) for name in MOVED_BY_ENTRIES})
)


def save_summary(tx: Session, summary: SessionSummary) -> None:
    """The summary as it stands after an entry, in one plain statement built once, on the table: the row
    read at the start of the transaction is not kept (the session holds rows weakly), and reading it again
    cost a round trip to a server on every entry; the ORM's form of the statement first flushed the session
    and looked for the row among the objects it holds. Only the columns entries move are written, so the
    chair's and the patient's indexes are left alone."""
    _save_summary(tx, tx.connection(), summary)


def _save_summary(tx: Session, connection: Connection, summary: SessionSummary) -> None:
    _SAVE_SUMMARY.run(
        connection, {"summary_id": summary.id, **{name: getattr(summary, name) for name in MOVED_BY_ENTRIES}}
    )
    held = tx.identity_map.get(tx.identity_key(InfusionSession, summary.id)) if tx.identity_map else None
    if held is not None:  # the row as read earlier in this transaction is read again when next asked for
        tx.expire(held)


def active_sessions(tx: Session) -> list[SessionSummary]:
    query = select(InfusionSession).where(col(InfusionSession.active)).order_by(col(InfusionSession.chair))
    return [summary_of(row) for row in tx.exec(query)]


def sessions_opened_between(tx: Session, start: datetime, end: datetime) -> list[SessionSummary]:
    query = select(InfusionSession).where(col(InfusionSession.opened_at) >= start, col(InfusionSession.opened_at) < end)
    return [summary_of(row) for row in tx.exec(query.order_by(col(InfusionSession.opened_at)))]


def active_on_chair(tx: Session, chair: int) -> SessionSummary | None:
    query = select(InfusionSession).where(col(InfusionSession.active), InfusionSession.chair == chair)
    row = tx.exec(query).first()
    return summary_of(row) if row is not None else None


def active_for_patient(tx: Session, patient_id: str) -> SessionSummary | None:
    query = select(InfusionSession).where(col(InfusionSession.active), InfusionSession.patient_id == patient_id)
    row = tx.exec(query).first()
    return summary_of(row) if row is not None else None


def sessions_of(tx: Session, patient_id: str) -> list[SessionSummary]:
    return [summary_of(row) for row in tx.exec(select(InfusionSession).where(InfusionSession.patient_id == patient_id))]


def sessions_by_id(tx: Session, session_ids: Collection[str]) -> dict[str, SessionSummary]:
    query = select(InfusionSession).where(col(InfusionSession.id).in_(session_ids))
    return {row.id: summary_of(row) for row in tx.exec(query)}


def starts_out_of_step(
    tx: Session, session_ids: Collection[str] | None = None
) -> list[tuple[str, datetime | None, datetime | None]]:
    """The sessions whose row says their infusion began at another moment than their entries do: (session,
    the row's moment, the earliest "infusion.started" entry's), worked out in the database (the row's moment
    is a projection the summary's audit hash does not cover, so ``core.audit.verify`` checks it this way).
    Of the given sessions only, when given (the check since an anchor)."""
    started_query = select(SessionEvent.session_id, func.min(SessionEvent.occurred_at).label("began")).where(
        col(SessionEvent.type) == EventType.STARTED.value
    )
    if session_ids is not None:
        started_query = started_query.where(col(SessionEvent.session_id).in_(list(session_ids)))
    started = started_query.group_by(col(SessionEvent.session_id)).subquery()
    query = (
        select(InfusionSession.id, InfusionSession.began_at, type_coerce(started.c.began, UTCDateTime))
        .outerjoin(started, started.c.session_id == InfusionSession.id)
        .where(col(InfusionSession.began_at).is_distinct_from(started.c.began))
    )
    if session_ids is not None:
        query = query.where(col(InfusionSession.id).in_(list(session_ids)))
    return [(session_id, on_row, in_entries) for session_id, on_row, in_entries in tx.execute(query)]
