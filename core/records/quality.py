"""What the clinic's quality report reads (``core.quality.rows``), for a period [start, end) of moments: the
sets of vital signs (``vital_set``, on its ``taken_at`` index) with their sessions, the sessions opened in
the period that had a set (the per-100 denominator, on ``opened_at``), and the entries of the kinds that
answer an alarm or correct a set (``session_event`` on its kind-and-moment index). Each a few queries,
whatever the period's length."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlmodel import Session, col, select

from core.events import EventType
from core.persistence.raw_rows import raw_rows
from core.persistence.tables import InfusionSession, SessionEvent, VitalSet
from core.persistence.types import moment_reader
from core.quality.rows import (
    AROUND,
    VITALS,
    AckRow,
    ActedRow,
    AdverseRow,
    AlarmRows,
    SessionRow,
    SetColumns,
    SetRow,
)

CHUNK = 500
"""Sessions named in one ``IN`` list: well inside every database's limit on bound values."""
_VALUES = tuple(getattr(VitalSet, kind.value) for kind in VITALS)


def alarm_rows(tx: Session, start: datetime, end: datetime) -> AlarmRows:
    """The rows the alarm figures and the threshold replay count, for [start, end): every set read once,
    column by column, and as ``SetRow`` only those of the sessions with a finding in the period."""
    columns, sets = sets_between(tx, start - AROUND, start, end)
    opened = opened_with_sets(tx, start, end)
    sessions = sessions_of(tx, set(columns.session_ids).union(opened), start - AROUND, end)
    alarmed = {row.id for row in sets if row.act}
    since, until = start - AROUND, end + AROUND
    return AlarmRows(
        start=start,
        end=end,
        sets=sets,
        sessions=sessions,
        opened_with_sets=opened,
        acks=[a for a in acknowledgements(tx, since, until) if a.alert_event_id in alarmed],
        acted=pauses_and_stops(tx, since, until),
        adverse=adverse_events(tx, since, until),
        corrected=corrected_entries(tx, since),
        columns=columns,
    )


def sets_between(tx: Session, since: datetime, start: datetime, end: datetime) -> tuple[SetColumns, list[SetRow]]:
    """The sets taken in [since, end), in the order taken: all of them column by column (each held to
    [start, end)), and as ``SetRow`` those of the sessions with a set taken in [start, end) that recorded a
    finding. Read once, as the driver hands the values back (``raw_rows``): a month is some 20,000 sets,
    and the rest are only counted."""
    query = (
        select(
            VitalSet.id,
            VitalSet.session_id,
            VitalSet.seq,
            VitalSet.taken_at,
            VitalSet.recorded_by,
            VitalSet.before_start,
            VitalSet.partial,
            VitalSet.point_id,
            *_VALUES,
            VitalSet.act,
            VitalSet.advise,
            (col(VitalSet.taken_at) >= start).label("in_period"),
        )
        .where(col(VitalSet.taken_at) >= since, col(VitalSet.taken_at) < end)
        .order_by(col(VitalSet.taken_at), col(VitalSet.session_id), col(VitalSet.seq))
    )
    connection = tx.connection()
    found = raw_rows(connection, query)
    width = len(VITALS)
    act, advise, inside = 8 + width, 9 + width, 10 + width
    every = list(zip(*found, strict=True)) if found else [() for _ in range(inside + 1)]
    columns = SetColumns(
        ids=every[0],
        session_ids=every[1],
        seqs=every[2],
        recorded_by=every[4],
        in_period=every[inside],
        before_start=every[5],
        partial=every[6],
        values=every[8:act],
        alarmed=[a != "" for a in every[act]],
        flagged=[a != "" for a in every[advise]],
    )
    noted = {row[1] for row in found if row[inside] and (row[act] or row[advise])}
    moment = moment_reader(connection.dialect)
    sets = [
        SetRow(
            row[0],
            row[1],
            row[2],
            moment(row[3]),  # type: ignore[arg-type]  # a set is always taken at a moment
            row[4],
            bool(row[5]),
            bool(row[6]),
            row[7],
            tuple(row[8:act]),
            row[act],
            row[advise],
        )
        for row in found
        if row[1] in noted
    ]
    return columns, sets


def _session_query():
    """A select of the columns a ``SessionRow`` holds."""
    return select(
        InfusionSession.id,
        InfusionSession.patient_id,
        InfusionSession.chair,
        InfusionSession.protocol_hash,
        InfusionSession.protocol_version,
        InfusionSession.opened_at,
    )


def sessions_of(tx: Session, session_ids: Collection[str], since: datetime, until: datetime) -> dict[str, SessionRow]:
    """The rows of ``session_ids``: those opened in [since, until) in one query on ``opened_at`` (nearly
    all: a set is taken after its session opened), the few left by id."""
    wanted = set(session_ids)
    found: dict[str, SessionRow] = {}
    opened = _session_query().where(col(InfusionSession.opened_at) >= since, col(InfusionSession.opened_at) < until)
    for row in tx.connection().execute(opened):
        if row[0] in wanted:
            found[row[0]] = SessionRow(*row)
    rest = sorted(wanted - found.keys())
    for i in range(0, len(rest), CHUNK):
        for row in tx.exec(_session_query().where(col(InfusionSession.id).in_(rest[i : i + CHUNK]))):
            found[row[0]] = SessionRow(*row)
    return found


def opened_with_sets(tx: Session, start: datetime, end: datetime) -> list[str]:
    """The sessions opened in [start, end) with at least one set of vital signs taken before ``end`` plus
    ``AROUND`` (on both indexes: a session's sets are taken after it opened, and within its day)."""
    with_sets = select(VitalSet.session_id).where(
        col(VitalSet.taken_at) >= start, col(VitalSet.taken_at) < end + AROUND
    )
    query = select(InfusionSession.id).where(
        col(InfusionSession.opened_at) >= start,
        col(InfusionSession.opened_at) < end,
        col(InfusionSession.id).in_(with_sets),
    )
    return list(tx.connection().execute(query.order_by(col(InfusionSession.opened_at))).scalars())


def _entries(tx: Session, kinds: Collection[EventType], since: datetime, until: datetime | None = None):
    query = select(
        SessionEvent.id,
        SessionEvent.session_id,
        SessionEvent.type,
        SessionEvent.occurred_at,
        SessionEvent.recorded_at,
        SessionEvent.recorded_by,
        SessionEvent.payload,
        SessionEvent.corrects,
    ).where(col(SessionEvent.type).in_([k.value for k in kinds]), col(SessionEvent.occurred_at) >= since)
    if until is not None:
        query = query.where(col(SessionEvent.occurred_at) < until)
    return tx.connection().execute(query.order_by(col(SessionEvent.occurred_at), col(SessionEvent.id)))


def acknowledgements(tx: Session, since: datetime, until: datetime) -> list[AckRow]:
    """The ``alert.acknowledged`` entries that occurred in [since, until)."""
    return [
        AckRow(
            id,
            session_id,
            str(payload["alert_event_id"]),
            occurred_at,
            recorded_at,
            recorded_by,
            tuple(payload.get("actions", ())),
            tuple(payload.get("action_labels", ())),
        )
        for id, session_id, _, occurred_at, recorded_at, recorded_by, payload, _ in _entries(
            tx, (EventType.ALERT_ACKNOWLEDGED,), since, until
        )
    ]


def pauses_and_stops(tx: Session, since: datetime, until: datetime) -> list[ActedRow]:
    """The pauses and early stops that occurred in [since, until), each with the alarm it answered, if any."""
    kinds = {EventType.PAUSED.value: "pause", EventType.STOPPED_EARLY.value: "stop"}
    return [
        ActedRow(id, session_id, kinds[kind], payload.get("alert_event_id"), occurred_at)
        for id, session_id, kind, occurred_at, _, _, payload, _ in _entries(
            tx, (EventType.PAUSED, EventType.STOPPED_EARLY), since, until
        )
    ]


def adverse_events(tx: Session, since: datetime, until: datetime) -> list[AdverseRow]:
    return [
        AdverseRow(id, session_id, occurred_at)
        for id, session_id, _, occurred_at, *_ in _entries(tx, (EventType.ADVERSE_EVENT,), since, until)
    ]


def corrected_entries(tx: Session, since: datetime) -> frozenset[str]:
    """The entries corrected (or named by an addendum) by an entry that occurred from ``since`` on: a
    correction comes after what it corrects, up to the records as they stand."""
    return frozenset(
        corrects
        for *_, corrects in _entries(tx, (EventType.CORRECTED, EventType.ADDENDUM), since)
        if corrects is not None
    )
