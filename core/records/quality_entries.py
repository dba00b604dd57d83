"""The entries and audit lines the clinic's quality report counts (``core.quality``), read by kind and moment.

Over ten years a busy clinic records some 300,000 sessions, each with a weighing, a dose, a second check, a
pump reading, a start, a discharge and a signature. Few of them are of interest to the report: an override,
a mismatch, a controlled-substance problem. So every kind is counted in the database (on the index of kind
and moment), and of the kinds where only some entries matter only those are read: the ones kept apart as they
were written (``quality_fact``, by ``core.quality.notable``); each entry read is then judged again in Python by
its typed payload, so a rule that lets too much through costs time, never a wrong count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import bindparam, case, func, text
from sqlmodel import Session, col, select

from core.events import Event, EventType
from core.persistence.raw_rows import raw_rows
from core.persistence.tables import SECOND_PUMP_READING, AuditEntry, InfusionSession, QualityFact, SessionEvent
from core.persistence.types import moment_reader
from core.quality.rows import AnswerRow, AuditLine
from core.records.sessions import events_where

_PAYLOAD = col(SessionEvent.payload)  # a JSON column: ``[...]`` reads a field of it the same way on either store


def entries_counted(
    tx: Session, kinds: Collection[EventType], start: datetime, end: datetime, sessions: Collection[str] | None = None
) -> dict[EventType, int]:
    """How many entries of each kind occurred in [start, end): the denominators (every check, every pump
    reading), counted on the index of kind and moment without reading a row; with ``sessions``, only theirs
    (the index holds each entry's session: still no row read)."""
    where = (
        col(SessionEvent.type).in_([kind.value for kind in kinds]),
        col(SessionEvent.occurred_at) >= start,
        col(SessionEvent.occurred_at) < end,
    )
    if sessions is None:
        query = select(SessionEvent.type, func.count()).where(*where).group_by(col(SessionEvent.type))
        found = dict(tx.connection().execute(query).all())
    else:
        kept = set(sessions)
        rows = tx.connection().execute(select(SessionEvent.type, SessionEvent.session_id).where(*where))
        found = Counter(kind for kind, session_id in rows if session_id in kept)
    return {kind: int(found.get(kind.value, 0)) for kind in kinds}


def sessions_opened(tx: Session, start: datetime, end: datetime) -> int:
    """How many sessions were opened in [start, end): the report's "per 100 sessions"."""
    query = select(func.count()).where(col(InfusionSession.opened_at) >= start, col(InfusionSession.opened_at) < end)
    return int(tx.connection().execute(query).scalar_one())


def sessions_in_scope(
    tx: Session,
    since: datetime,
    until: datetime,
    chair: int | None,
    protocol_version: str | None,
    opened_by: str | None,
) -> dict[str, datetime]:
    """The sessions opened in [since, until) on ``chair``, under ``protocol_version`` and by ``opened_by`` (each
    when given), with the moment each was opened."""
    query = select(InfusionSession.id, InfusionSession.opened_at).where(
        col(InfusionSession.opened_at) >= since, col(InfusionSession.opened_at) < until
    )
    if chair is not None:
        query = query.where(InfusionSession.chair == chair)
    if protocol_version is not None:
        query = query.where(InfusionSession.protocol_version == protocol_version)
    if opened_by is not None:
        query = query.where(InfusionSession.opened_by == opened_by)
    return dict(tx.connection().execute(query).all())


def protocol_versions(tx: Session) -> list[str]:
    """Every protocol version a session was recorded under, for the report's choice of one."""
    query = select(InfusionSession.protocol_version).distinct()
    return sorted(version for (version,) in tx.connection().execute(query))


def second_pump_readings(tx: Session, start: datetime, end: datetime, sessions: Collection[str] | None = None) -> int:
    """How many pump readings of [start, end) have a second nurse's reading (of ``sessions`` alone, if given):
    from the partial index that holds those readings alone, the condition said in its own words."""
    connection = tx.connection()
    query = select(SessionEvent.session_id).where(
        text(SECOND_PUMP_READING[connection.dialect.name]),
        col(SessionEvent.occurred_at) >= start,
        col(SessionEvent.occurred_at) < end,
    )
    if sessions is None:
        return int(connection.execute(select(func.count()).select_from(query.subquery())).scalar_one())
    kept = set(sessions)
    return sum(session_id in kept for (session_id,) in connection.execute(query))


def notable_entries(tx: Session, kind: EventType, start: datetime, end: datetime) -> list[Event]:
    """The entries of ``kind`` in [start, end) that may matter to the report (those ``quality_fact`` keeps, on
    its index of kind and moment), in each session's order."""
    kept = select(QualityFact.id).where(
        QualityFact.type == kind.value, col(QualityFact.occurred_at) >= start, col(QualityFact.occurred_at) < end
    )
    return events_where(tx, col(SessionEvent.id).in_(kept.scalar_subquery()))


KINDS_CHUNK = 500
"""Sessions named in one ``IN`` list by ``answers_of_sessions``: ten years' silenced sessions are thousands,
and each store limits the values one statement binds."""
_ANSWERS = (
    select(
        SessionEvent.session_id,
        SessionEvent.id,
        SessionEvent.type,
        SessionEvent.occurred_at,
        case(
            (col(SessionEvent.type) == EventType.ALERT_ACKNOWLEDGED.value, _PAYLOAD["alert_event_id"].as_string()),
            else_=None,
        ),
    )
    .where(col(SessionEvent.session_id).in_(bindparam("session_ids", expanding=True)))
    .order_by(col(SessionEvent.session_id), col(SessionEvent.seq))
)


def answers_of_sessions(
    tx: Session, session_ids: Collection[str], kinds: Collection[EventType]
) -> dict[str, list[AnswerRow]]:
    """The entries of ``kinds`` of each session named (those a silence names), in order, each as a silence is
    judged by it: its id, kind and moment, and an acknowledgement's alert (a field the database reads from the
    payload). Read by session (asked for the kinds too, the database would pick the index of kinds and read
    every entry of them); no payload is parsed: ten years' silenced sessions hold some 160,000 such entries,
    and each parsed whole as an ``Event`` cost more than four seconds."""
    wanted = {kind.value: kind for kind in kinds}
    ordered = sorted(set(session_ids))
    by_session: dict[str, list[AnswerRow]] = {sid: [] for sid in ordered}
    connection = tx.connection()
    moment = moment_reader(connection.dialect)  # the rows as the driver hands them back: most are passed over
    for i in range(0, len(ordered), KINDS_CHUNK):
        chunk = {"session_ids": ordered[i : i + KINDS_CHUNK]}
        for session_id, id_, kind, occurred_at, alert in raw_rows(connection, _ANSWERS, chunk):
            if kind in wanted:
                at = moment(occurred_at)  # never None: an entry always occurred at a moment
                by_session[session_id].append(AnswerRow(id_, wanted[kind], at, alert))  # type: ignore[arg-type]
    return by_session


_BY_ID = select(
    SessionEvent.session_id, SessionEvent.seq, SessionEvent.id, SessionEvent.type, SessionEvent.occurred_at
).where(col(SessionEvent.id).in_(bindparam("ids", expanding=True)))
"""Entries by id alone: asked for their kind too, a store may read every entry of the kind instead."""
_ACKS_OF = select(
    SessionEvent.session_id,
    SessionEvent.seq,
    SessionEvent.id,
    SessionEvent.occurred_at,
    _PAYLOAD["alert_event_id"].as_string(),
).where(
    SessionEvent.type == EventType.ALERT_ACKNOWLEDGED.value,
    col(SessionEvent.session_id).in_(bindparam("session_ids", expanding=True)),
)


def alert_answers_of_sessions(
    tx: Session, session_ids: Collection[str], alert_ids: Collection[str]
) -> dict[str, list[AnswerRow]]:
    """Of each session named, what judges a silence of an act-now alert (``core.quality.silences.alert_named``):
    the vital signs entries among ``alert_ids`` that are the session's own, and its acknowledgements, in
    order, each as ``answers_of_sessions`` gives it. Sets by id, acknowledgements on the index of kinds: ten
    years' silenced sessions hold some 290,000 entries, and reading each of their rows took a second for the
    few of these two kinds."""
    ordered = sorted(set(session_ids))
    by_session: dict[str, list[AnswerRow]] = {sid: [] for sid in ordered}
    connection = tx.connection()
    moment = moment_reader(connection.dialect)
    found: list[tuple[str, int, AnswerRow]] = []
    ids = sorted(set(alert_ids))
    for i in range(0, len(ids), KINDS_CHUNK):
        for session_id, seq, id_, kind, occurred_at in raw_rows(connection, _BY_ID, {"ids": ids[i : i + KINDS_CHUNK]}):
            if kind == EventType.VITALS.value:
                found.append((session_id, seq, AnswerRow(id_, EventType.VITALS, moment(occurred_at), None)))  # type: ignore[arg-type]
    for i in range(0, len(ordered), KINDS_CHUNK):
        chunk = {"session_ids": ordered[i : i + KINDS_CHUNK]}
        for session_id, seq, id_, occurred_at, alert in raw_rows(connection, _ACKS_OF, chunk):
            ack = AnswerRow(id_, EventType.ALERT_ACKNOWLEDGED, moment(occurred_at), alert)  # type: ignore[arg-type]
            found.append((session_id, seq, ack))
    found.sort(key=lambda each: each[:2])
    for session_id, _, row in found:
        if session_id in by_session:  # an alert named in another session's silence is not this one's
            by_session[session_id].append(row)
    return by_session


def late_entries(
    tx: Session, start: datetime, end: datetime, sessions: Collection[str] | None = None
) -> list[tuple[str, datetime, datetime]]:
    """Every entry in [start, end) saved at another moment than the one it records: (kind, occurred, recorded),
    of ``sessions`` alone if given. Live entries are saved at the moment they record; these are the journal's
    and the late ones, few: an index holds them alone (``ix_session_event_saved_apart``)."""
    query = select(
        SessionEvent.type, SessionEvent.session_id, SessionEvent.occurred_at, SessionEvent.recorded_at
    ).where(
        col(SessionEvent.occurred_at) >= start,
        col(SessionEvent.occurred_at) < end,
        col(SessionEvent.recorded_at) != col(SessionEvent.occurred_at),
    )
    kept = set(sessions) if sessions is not None else None
    return [
        (kind, occurred, recorded)
        for kind, session_id, occurred, recorded in tx.connection().execute(query)
        if kept is None or session_id in kept
    ]


def audit_lines_between(tx: Session, actions: Collection[str], start: datetime, end: datetime) -> list[AuditLine]:
    """The audit lines of the actions named written in [start, end), in the trail's order."""
    query = (
        select(
            AuditEntry.seq,
            AuditEntry.at,
            AuditEntry.actor_id,
            AuditEntry.action,
            AuditEntry.patient_id,
            AuditEntry.session_id,
            AuditEntry.detail,
        )
        .where(col(AuditEntry.action).in_(list(actions)), col(AuditEntry.at) >= start, col(AuditEntry.at) < end)
        .order_by(col(AuditEntry.seq))
    )
    return [AuditLine(*row) for row in tx.connection().execute(query)]
