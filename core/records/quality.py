"""What the clinic's quality report reads (``core.quality.rows``), for a period [start, end) of moments: the
sets of vital signs (``vital_set``, on its ``taken_at`` index) with their sessions, the sessions opened in
the period that had a set (the per-100 denominator, on ``opened_at``), and the entries of the kinds that
answer an alarm or correct a set (``session_event`` on its kind-and-moment index). Each a few queries,
whatever the period's length."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Sequence
from datetime import datetime
from operator import attrgetter, itemgetter

from sqlmodel import Session, col, select

from core.events import EventType
from core.persistence.raw_rows import raw_rows
from core.persistence.tables import InfusionSession, SessionEvent, VitalSet
from core.persistence.types import moments_reader
from core.quality.rows import (
    AROUND,
    AckRow,
    ActedRow,
    AdverseRow,
    AlarmRows,
    SessionRow,
    SetColumns,
    SetRow,
)
from core.records.set_days import id_of, microseconds, moment_of, set_days_between

CHUNK = 500
"""Sessions named in one ``IN`` list: well inside every database's limit on bound values."""
_AS_TAKEN = attrgetter("taken_at", "session_id", "seq")
_ID = itemgetter(0)
_OPENED = attrgetter("opened_at")


def alarm_rows(tx: Session, start: datetime, end: datetime) -> AlarmRows:
    """The rows the alarm figures and the threshold replay count, for [start, end): every set read once,
    column by column, and as ``SetRow`` only those of the sessions with a finding in the period. The
    sessions opened in the period with a set of vital signs are those with a set taken from ``start`` to
    ``end`` plus ``AROUND`` (a session's sets are taken after it opened, within its day): the period's sets
    and one more day's."""
    columns, sets = sets_between(tx, start - AROUND, start, end)
    window = sessions_opened_between(tx, start - AROUND, end)
    with_sets = columns.session_ids(columns.in_period)
    with_sets.update(session_ids_with_sets(tx, end, end + AROUND))
    # The window is in the order opened: those opened from ``start`` on are the rows after a bisection.
    from_start = window[bisect_left(window, start, key=_OPENED) :]
    opened = list(filter(with_sets.__contains__, map(_ID, from_start)))
    sessions = sessions_of(tx, window, columns.session_ids().union(opened))
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
    """The sets taken in [since, end): all of them column by column (each held to [start, end)), read from the
    days' packed rows (``core.records.set_days``) as arrays, and as ``SetRow``, in the order taken, those the
    alarm figures read one by one: the alarms (the sets taken in [start, end) with an act-now finding). A month
    is some 20,000 sets, ten years two million: the rest are only counted."""
    import numpy as np  # late: only a report reads sets

    days = set_days_between(tx.connection(), since, end)
    words = days.words
    says = np.fromiter((word != "" for word in words), dtype=bool, count=len(words))
    alarmed, flagged = says[days.act], says[days.advise]
    in_period = days.moments >= microseconds(start)
    columns = SetColumns(
        words=words,
        ids=days.ids,
        sessions=days.sessions,
        seqs=days.seqs,
        nurses=days.nurses,
        in_period=in_period,
        before_start=days.before_start,
        partial=days.partial,
        values=days.values,
        alarmed=alarmed,
        flagged=flagged,
        act=days.act,
        advise=days.advise,
    )
    wanted = np.flatnonzero(in_period & alarmed)
    readings = days.values[wanted]
    values = readings.astype(object)
    values[np.isnan(readings)] = None  # not measured
    sets = [
        SetRow(
            id_of(set_id),
            words[session],
            seq,
            moment_of(moment),
            words[nurse],
            before,
            partial,
            None if point < 0 else words[point],
            readings,
            words[act],
            words[advise],
        )
        for set_id, session, seq, moment, nurse, before, partial, point, readings, act, advise in zip(
            days.ids[wanted].tolist(),
            days.sessions[wanted].tolist(),
            days.seqs[wanted].tolist(),
            days.moments[wanted].tolist(),
            days.nurses[wanted].tolist(),
            days.before_start[wanted].tolist(),
            days.partial[wanted].tolist(),
            days.points[wanted].tolist(),
            map(tuple, values.tolist()),
            days.act[wanted].tolist(),
            days.advise[wanted].tolist(),
            strict=True,
        )
    ]
    sets.sort(key=_AS_TAKEN)
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


def sessions_opened_between(tx: Session, since: datetime, until: datetime) -> list[SessionRow]:
    """The sessions opened in [since, until), in the order opened (on ``opened_at``)."""
    opened = _session_query().where(col(InfusionSession.opened_at) >= since, col(InfusionSession.opened_at) < until)
    connection = tx.connection()
    rows = raw_rows(connection, opened.order_by(col(InfusionSession.opened_at)))
    if not rows:
        return []
    # Column by column, each row made by the tuple's own constructor: ten years are 290,000 sessions, and a
    # row built a value at a time in Python cost more than the driver's reading of it.
    *columns, opened_at = zip(*rows, strict=True)
    moments = moments_reader(connection.dialect)(opened_at)
    return list(map(SessionRow._make, zip(*columns, moments, strict=True)))


def sessions_of(tx: Session, window: Sequence[SessionRow], session_ids: Collection[str]) -> dict[str, SessionRow]:
    """The rows of ``session_ids``: those among ``window`` (nearly all: a set is taken after its session
    opened, within its day), the few left by id."""
    wanted = set(session_ids)
    # Every row of the window by id, then those not wanted dropped: nearly all are wanted, and a dict made
    # whole from its pairs is a quarter of the time of one filled row by row.
    found = dict(zip(map(_ID, window), window, strict=True))
    for unwanted in found.keys() - wanted:
        del found[unwanted]
    rest = sorted(wanted - found.keys())
    for i in range(0, len(rest), CHUNK):
        for row in tx.exec(_session_query().where(col(InfusionSession.id).in_(rest[i : i + CHUNK]))):
            found[row[0]] = SessionRow(*row)
    return found


def session_ids_with_sets(tx: Session, since: datetime, until: datetime) -> set[str]:
    """The sessions with a set of vital signs taken in [since, until)."""
    query = select(VitalSet.session_id).where(col(VitalSet.taken_at) >= since, col(VitalSet.taken_at) < until)
    return {session_id for (session_id,) in raw_rows(tx.connection(), query)}


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
