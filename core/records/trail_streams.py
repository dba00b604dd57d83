"""What ``audit verify`` reads: the trail and every record it describes, streamed as plain tuples.

Ten years of a clinic are some seven million audit lines and six million care entries. Read as row objects
they took most of twenty minutes and, held by id, more memory than a workstation has; read here as the
driver's own tuples, a batch at a time, in the order each table was written in (the trail by its number;
the entries, on SQLite, by the row number they were stored under, which follows the trail, since an entry
and its line are written in one transaction and the trail's writers take turns), they take seconds and a
few megabytes. Nothing here writes.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Collection, Iterable, Iterator
from contextlib import closing
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Select, Text, and_, case, cast, func, literal_column, select, type_coerce
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from core.course import CourseView
from core.events import EventType
from core.persistence.tables import (
    AuditEntry,
    Course,
    InfusionSession,
    Patient,
    PatientDetails,
    PatientEventRecord,
    ScheduledPointRecord,
    SessionEvent,
    SittingScores,
    VitalSet,
)
from core.persistence.types import UTCDateTime
from core.record_values import DetailsRecord, PatientRecord, SessionSummary

BATCH = 5_000

LINE_COLUMNS = (
    AuditEntry.seq,
    type_coerce(AuditEntry.at, Text),  # as the driver gives it: text on SQLite, a datetime on PostgreSQL
    AuditEntry.actor_id,
    AuditEntry.action,
    AuditEntry.workstation,
    AuditEntry.patient_id,
    AuditEntry.session_id,
    cast(AuditEntry.detail, Text),
    AuditEntry.prev_hash,
    AuditEntry.entry_hash,
)
"""An audit line: seq, at, actor_id, action, workstation, patient_id, session_id, detail (its stored text),
prev_hash, entry_hash."""

SESSION_ENTRY_COLUMNS = (
    SessionEvent.id,
    SessionEvent.session_id,
    SessionEvent.seq,
    SessionEvent.type,
    cast(SessionEvent.payload, Text),
    type_coerce(SessionEvent.occurred_at, Text),
    type_coerce(SessionEvent.recorded_at, Text),
    SessionEvent.recorded_by,
    SessionEvent.workstation,
    SessionEvent.corrects,
    SessionEvent.reason,
)
"""A session's entry: id, session_id, seq, type, payload (its stored text), occurred_at, recorded_at,
recorded_by, workstation, corrects, reason; the moments as the driver gives them."""

PATIENT_ENTRY_COLUMNS = (
    PatientEventRecord.id,
    PatientEventRecord.patient_id,
    PatientEventRecord.course_id,
    PatientEventRecord.seq,
    PatientEventRecord.type,
    cast(PatientEventRecord.payload, Text),
    type_coerce(PatientEventRecord.occurred_at, Text),
    type_coerce(PatientEventRecord.recorded_at, Text),
    PatientEventRecord.recorded_by,
    PatientEventRecord.workstation,
    PatientEventRecord.corrects,
    PatientEventRecord.reason,
)
"""A record on a patient's stream: id, patient_id, course_id, seq, type, payload text, occurred_at,
recorded_at, recorded_by, workstation, corrects, reason."""


_cursors = itertools.count()


def stream(tx: Session, query: Select[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of ``query`` as the driver's tuples, as the caller asks for them (SQLite's cursor steps
    through them; on PostgreSQL a cursor on the server, a batch at a time), closed when the caller stops
    early."""
    compiled = query.compile(dialect=tx.get_bind().dialect, compile_kwargs={"render_postcompile": True})
    connection = tx.connection().connection.dbapi_connection
    assert connection is not None
    named = tx.get_bind().dialect.name == "postgresql"
    if named:
        cursor = connection.cursor(name=f"chairside_verify_{next(_cursors)}")  # type: ignore[call-arg]
        params: Any = compiled.params
    else:
        cursor = connection.cursor()
        params = tuple(compiled.params[name] for name in compiled.positiontup or ())
    with closing(cursor):
        cursor.execute(str(compiled), params)
        if not named:  # SQLite steps through its rows as they are asked for: batches only cost a list
            yield from cursor
            return
        while batch := cursor.fetchmany(BATCH):
            yield from batch


def on_sqlite(tx: Session) -> bool:
    return tx.get_bind().dialect.name == "sqlite"


_ROWID = literal_column("_rowid_")
_UNINDEXED_KIND = literal_column(f"+{SessionEvent.__tablename__}.type")
"""An entry's kind as SQLite's unary plus writes it: the same value, which no index is chosen for, so a
question asked of most of the table reads the table in the order stored."""


def trail_lines(tx: Session, after: int = 0, upto: int | None = None) -> Iterator[tuple[Any, ...]]:
    """The trail's lines numbered above ``after`` (up to ``upto``), in order."""
    query = select(*LINE_COLUMNS).where(col(AuditEntry.seq) > after)
    if upto is not None:
        query = query.where(col(AuditEntry.seq) <= upto)
    return stream(tx, query.order_by(col(AuditEntry.seq)))


def care_lines_back_from(tx: Session, seq: int) -> Iterator[tuple[Any, ...]]:
    """The care entries' lines numbered ``seq`` or lower, newest first: seq and detail text. Read back
    along the trail's own order and picked out here: asked of the database, the index of actions was taken
    and ten years' care lines sorted (some 3 s before the whole check could start its parts)."""
    query = select(AuditEntry.seq, AuditEntry.action, cast(AuditEntry.detail, Text)).where(col(AuditEntry.seq) <= seq)
    return (
        (row[0], row[2]) for row in stream(tx, query.order_by(col(AuditEntry.seq).desc())) if row[1] == "record.written"
    )


def line_at_or_before(tx: Session, seq: int) -> tuple[int, str] | None:
    """The last line numbered ``seq`` or lower, its number and hash (where a later part of the trail joins on)."""
    query = select(AuditEntry.seq, AuditEntry.entry_hash).where(col(AuditEntry.seq) <= seq)
    row = tx.execute(query.order_by(col(AuditEntry.seq).desc()).limit(1)).first()
    return (row[0], row[1]) if row is not None else None


def trail_ends(tx: Session) -> tuple[int, int, datetime] | None:
    """The first and last line's numbers, and when the first was written; None for an empty trail."""
    row = tx.execute(select(func.min(AuditEntry.seq), func.max(AuditEntry.seq))).first()
    if row is None or row[0] is None:
        return None
    began = tx.execute(select(AuditEntry.at).where(col(AuditEntry.seq) == row[0])).scalar_one()
    return row[0], row[1], began


def rows_in_written_order(tx: Session) -> bool:
    """Whether the entries can be read in the order they were stored in and split there (SQLite's row
    numbers); elsewhere they are read in the table's own order, one part."""
    return on_sqlite(tx)


def session_entries(tx: Session, after_row: int = 0, upto_row: int | None = None) -> Iterator[tuple[Any, ...]]:
    """Every session entry, in the order stored (row numbers above ``after_row``, up to ``upto_row``, on
    SQLite; the table's own order elsewhere, where the bounds are not used)."""
    query = select(*SESSION_ENTRY_COLUMNS)
    if on_sqlite(tx):
        query = query.where(after_row < _ROWID)
        if upto_row is not None:
            query = query.where(upto_row >= _ROWID)
        query = query.order_by(_ROWID)
    return stream(tx, query)


def patient_entries(tx: Session, after_row: int = 0, upto_row: int | None = None) -> Iterator[tuple[Any, ...]]:
    """Every record on patients' streams, in the order stored (as ``session_entries``)."""
    query = select(*PATIENT_ENTRY_COLUMNS)
    if on_sqlite(tx):
        query = query.where(after_row < _ROWID)
        if upto_row is not None:
            query = query.where(upto_row >= _ROWID)
        query = query.order_by(_ROWID)
    return stream(tx, query)


def entry_row_numbers(tx: Session, event_id: str) -> tuple[int | None, int | None]:
    """The row number a session entry, or else a patient's record, of this id is stored under (SQLite)."""
    session_row = tx.execute(select(_ROWID).select_from(SessionEvent).where(col(SessionEvent.id) == event_id)).scalar()
    if session_row is not None:
        return session_row, None
    query = select(_ROWID).select_from(PatientEventRecord).where(col(PatientEventRecord.id) == event_id)
    return None, tx.execute(query).scalar()


def last_row_numbers(tx: Session) -> tuple[int, int]:
    """The highest row numbers of the session entries and patients' records (SQLite)."""
    sessions = tx.execute(select(func.max(_ROWID)).select_from(SessionEvent)).scalar() or 0
    patients = tx.execute(select(func.max(_ROWID)).select_from(PatientEventRecord)).scalar() or 0
    return sessions, patients


def session_entries_by_id(tx: Session, event_ids: Collection[str]) -> Iterator[tuple[Any, ...]]:
    query = select(*SESSION_ENTRY_COLUMNS).where(col(SessionEvent.id).in_(list(event_ids)))
    return stream(tx, query)


def patient_entries_by_id(tx: Session, event_ids: Collection[str]) -> Iterator[tuple[Any, ...]]:
    query = select(*PATIENT_ENTRY_COLUMNS).where(col(PatientEventRecord.id).in_(list(event_ids)))
    return stream(tx, query)


def session_entries_of(tx: Session, session_ids: Collection[str]) -> Iterator[tuple[Any, ...]]:
    """Every entry of these sessions (the session's index)."""
    query = select(*SESSION_ENTRY_COLUMNS).where(col(SessionEvent.session_id).in_(list(session_ids)))
    return stream(tx, query)


def patient_entries_of(tx: Session, patient_ids: Collection[str]) -> Iterator[tuple[Any, ...]]:
    query = select(*PATIENT_ENTRY_COLUMNS).where(col(PatientEventRecord.patient_id).in_(list(patient_ids)))
    return stream(tx, query)


def signings(tx: Session, session_ids: Collection[str] | None = None) -> Iterator[tuple[Any, ...]]:
    """Each session's signing entry (by the index on kinds of entry) with the patient its session is of as
    on record now: the entry's columns as ``SESSION_ENTRY_COLUMNS``, then mrn, family_name, given_name and
    birth_date (None when the session's summary or its patient is gone)."""
    query = (
        select(
            *SESSION_ENTRY_COLUMNS,
            Patient.mrn,
            Patient.family_name,
            Patient.given_name,
            Patient.birth_date,
        )
        .select_from(SessionEvent)
        .outerjoin(InfusionSession, col(InfusionSession.id) == col(SessionEvent.session_id))
        .outerjoin(Patient, col(Patient.id) == col(InfusionSession.patient_id))
        .where(col(SessionEvent.type) == EventType.SIGNED.value)
    )
    if session_ids is not None:
        query = query.where(col(SessionEvent.session_id).in_(list(session_ids)))
    return stream(tx, query)


def sitting_scores_with_records(tx: Session, sitting_ids: Collection[str] | None = None) -> Iterator[tuple[Any, ...]]:
    """Each sitting's scores as kept in short, in the table's order, beside the type and the stored text of
    the record of the same id (None, None when there is none): id, scores, type, payload."""
    query = (
        select(SittingScores.id, SittingScores.scores, PatientEventRecord.type, cast(PatientEventRecord.payload, Text))
        .select_from(SittingScores)
        .outerjoin(PatientEventRecord, col(PatientEventRecord.id) == col(SittingScores.id))
    )
    if sitting_ids is not None:
        query = query.where(col(SittingScores.id).in_(list(sitting_ids)))
    return stream(tx, query)


VITAL_SET_COLUMNS = tuple(VitalSet.__table__.c)  # type: ignore[attr-defined]
"""A set's row as kept, in the table's order (``core.records.vital_sets`` names them)."""


def vital_sets_with_entries(tx: Session, session_ids: Collection[str] | None = None) -> Iterator[tuple[Any, ...]]:
    """Each set of vital signs' row as kept (``VITAL_SET_COLUMNS``), in the table's order, beside its entry's
    type, session, place, moment, author and stored text (None when there is no entry of its id), and the
    place of its session's first ``infusion.started`` entry (None: the infusion never began)."""
    started = select(SessionEvent.session_id, func.min(SessionEvent.seq).label("first")).where(
        col(SessionEvent.type) == EventType.STARTED.value
    )
    if session_ids is not None:
        started = started.where(col(SessionEvent.session_id).in_(list(session_ids)))
    first = started.group_by(col(SessionEvent.session_id)).subquery()
    query = (
        select(
            *VITAL_SET_COLUMNS,
            SessionEvent.type,
            SessionEvent.session_id,
            SessionEvent.seq,
            type_coerce(SessionEvent.occurred_at, Text),  # as the driver gives it, as the set's own moment is
            SessionEvent.recorded_by,
            cast(SessionEvent.payload, Text),
            first.c.first,
        )
        .select_from(VitalSet)
        .outerjoin(SessionEvent, col(SessionEvent.id) == col(VitalSet.id))
        .outerjoin(first, first.c.session_id == col(VitalSet.session_id))
    )
    if session_ids is not None:
        query = query.where(
            col(VitalSet.session_id).in_(list(session_ids)), col(VitalSet.taken_at) >= _opened(session_ids)
        )
    return stream(tx, query)


def _opened(session_ids: Collection[str]) -> Any:
    """When the first of the sessions opened: none of their sets or entries is older, and a check of a few
    sessions then reads the index of moments from there on, not every set or entry of ten years."""
    first = select(func.min(InfusionSession.opened_at)).where(col(InfusionSession.id).in_(list(session_ids)))
    return first.scalar_subquery()


def vital_sets_stored(tx: Session, after_row: int = 0, upto_row: int | None = None) -> Iterator[tuple[Any, ...]]:
    """Every set's row as kept (``VITAL_SET_COLUMNS``), in the order stored (SQLite's row numbers, above
    ``after_row`` up to ``upto_row``)."""
    query = select(*VITAL_SET_COLUMNS).where(after_row < _ROWID)
    if upto_row is not None:
        query = query.where(upto_row >= _ROWID)
    return stream(tx, query.order_by(_ROWID))


def set_row_number_upto(tx: Session, entry_row: int, tries: int = 100) -> int:
    """The row number of the set kept for the last set of vital signs' entry stored under ``entry_row`` or
    lower (SQLite; of the last of the ``tries`` last such entries that has a row): where a part of the whole
    check that reads the entries up to that row reads the sets up to (0: none)."""
    query = (
        select(SessionEvent.id)
        .where(col(SessionEvent.type) == EventType.VITALS.value, entry_row >= _ROWID)
        .order_by(_ROWID.desc())
        .limit(tries)
    )
    for set_id in tx.execute(query).scalars().all():
        row = tx.execute(select(_ROWID).select_from(VitalSet).where(col(VitalSet.id) == set_id)).scalar()
        if row is not None:
            return int(row)
    return 0


def first_starts(tx: Session) -> Iterator[tuple[str, int]]:
    """Each session whose infusion began, with the place of its first ``infusion.started`` entry."""
    query = select(SessionEvent.session_id, func.min(SessionEvent.seq)).where(
        col(SessionEvent.type) == EventType.STARTED.value
    )
    return stream(tx, query.group_by(col(SessionEvent.session_id)))


_POINT_ID = {
    "sqlite": "json_extract(session_event.payload, '$.point_id')",
    "postgresql": "session_event.payload ->> 'point_id'",
}
"""The point a set of vital signs or a side-effect check answered, read out of its payload by the database."""
_ANSWERING = (EventType.VITALS.value, EventType.SIDE_EFFECTS.value)
"""The entries that answer a point: only their payloads are read for it (the JSON read costs per row)."""


def schedule_entries(
    tx: Session, session_ids: Collection[str] | None, kinds: Collection[EventType], reads: Collection[EventType]
) -> Iterator[tuple[Any, ...]]:
    """The entries of the ``kinds`` named, as ``audit verify`` replays signed sessions' schedules: session,
    id, place, kind, moments (as the driver gives them; when it was saved only for a signature, the one
    entry whose saving the schedules read, None for the rest), the stored text of the payload of the
    ``reads`` only (None for the rest, read for their kind and moments) and the ``point_id`` the payload of
    a set or a check names (the point it answered: the database reads it out, no payload of theirs is
    parsed here; None for the other kinds). Of
    the given sessions, in each session's order; of every session (None), in the order stored on SQLite
    (each session's entries come in its order, sessions interleaved as they were recorded), else by
    session."""
    wanted = [kind.value for kind in reads]
    payload = case((col(SessionEvent.type).in_(wanted), cast(SessionEvent.payload, Text)), else_=None)
    saved = type_coerce(SessionEvent.recorded_at, Text)
    point = literal_column(_POINT_ID[tx.get_bind().dialect.name])
    query = select(
        SessionEvent.session_id,
        SessionEvent.id,
        SessionEvent.seq,
        SessionEvent.type,
        type_coerce(SessionEvent.occurred_at, Text),
        case((col(SessionEvent.type) == EventType.SIGNED.value, saved), else_=None),
        payload,
        case((col(SessionEvent.type).in_(_ANSWERING), point), else_=None),
    )
    named = [kind.value for kind in kinds]
    if session_ids is not None:
        # On the sessions' index, the kinds picked out here: asked of the database too, SQLite took the index
        # of kinds and read every session's entries of them (seconds at ten years, for a day's sessions).
        query = query.where(col(SessionEvent.session_id).in_(list(session_ids)))
        rows = stream(tx, query.order_by(col(SessionEvent.session_id), col(SessionEvent.seq)))
        return (row for row in rows if row[3] in named)
    if on_sqlite(tx):
        # Read straight through the table: on the index of kinds SQLite looked up each of ten years' 4.6
        # million entries of these kinds in the table apart and then sorted them back into the order stored
        # (about twice the CPU of the one pass, which skips the other kinds as it goes).
        return stream(tx, query.where(_UNINDEXED_KIND.in_(named)).order_by(_ROWID))
    query = query.where(col(SessionEvent.type).in_(named))
    return stream(tx, query.order_by(col(SessionEvent.session_id), col(SessionEvent.seq)))


def schedule_points_stored(tx: Session) -> Iterator[tuple[Any, ...]]:
    """Every scheduled point's row as kept (the table's columns, the session first; moments as the driver
    gives them), in the order stored (SQLite's row numbers): a session's points are written together with
    its signature, so they come a session at a time in the order the sessions were signed."""
    return stream(tx, select(*ScheduledPointRecord.__table__.c).order_by(_ROWID))  # type: ignore[attr-defined]


def vital_set_entries(tx: Session) -> int:
    """How many sets of vital signs were recorded (their entries, on the index of kinds)."""
    query = select(func.count()).where(col(SessionEvent.type) == EventType.VITALS.value)
    return int(tx.execute(query).scalar_one())


def sets_without_rows(tx: Session, session_ids: Collection[str] | None = None) -> list[str]:
    """The sets of vital signs with no row kept beside them, earliest recorded first."""
    kept = select(VitalSet.id).where(col(VitalSet.id) == col(SessionEvent.id)).exists()
    query = select(SessionEvent.id).where(col(SessionEvent.type) == EventType.VITALS.value, ~kept)
    if session_ids is not None:
        query = query.where(
            col(SessionEvent.session_id).in_(list(session_ids)), col(SessionEvent.occurred_at) >= _opened(session_ids)
        )
    order = (col(SessionEvent.recorded_at), col(SessionEvent.seq))
    return list(tx.execute(query.order_by(*order)).scalars())


def sittings_without_scores(tx: Session, sitting_ids: Collection[str] | None = None) -> list[str]:
    """The outcome-form sittings that have no scores kept beside them, earliest recorded first."""
    kept = select(SittingScores.id).where(col(SittingScores.id) == col(PatientEventRecord.id)).exists()
    order = (col(PatientEventRecord.recorded_at), col(PatientEventRecord.seq))
    if sitting_ids is not None:  # by the ids given (the records' key), not every sitting of the kind's index
        query = select(PatientEventRecord.id, PatientEventRecord.type).where(
            col(PatientEventRecord.id).in_(list(sitting_ids)), ~kept
        )
        return [found for found, kind in tx.execute(query.order_by(*order)) if kind == EventType.ASSESSED.value]
    query = select(PatientEventRecord.id).where(col(PatientEventRecord.type) == EventType.ASSESSED.value, ~kept)
    return list(tx.execute(query.order_by(*order)).scalars())


def _values(tx: Session, table: Any, kind: type, ids: Collection[str] | None) -> Iterator[Any]:
    """The rows of ``table`` as ``kind`` (a dataclass whose fields are columns of the same names)."""
    names = [field.name for field in dataclasses.fields(kind)]
    query = select(*(getattr(table, name) for name in names))
    if ids is not None:
        query = query.where(col(table.id).in_(list(ids)))
    result = tx.connection().execution_options(yield_per=BATCH).execute(query)
    with closing(result):
        for row in result:
            yield kind(*row)


def patient_records(tx: Session, ids: Collection[str] | None = None) -> Iterator[PatientRecord]:
    return _values(tx, Patient, PatientRecord, ids)


def details_records(tx: Session, ids: Collection[str] | None = None) -> Iterator[DetailsRecord]:
    return _values(tx, PatientDetails, DetailsRecord, ids)


def course_records(tx: Session, ids: Collection[str] | None = None) -> Iterator[CourseView]:
    return _values(tx, Course, CourseView, ids)


def session_summaries(tx: Session, ids: Collection[str] | None = None) -> Iterator[SessionSummary]:
    return _values(tx, InfusionSession, SessionSummary, ids)


def _carries(tx: Session, *keys: str) -> Any:
    """The condition that an audit line's detail is an object holding each of ``keys`` (as any value)."""
    if on_sqlite(tx):
        return and_(*(func.json_type(AuditEntry.detail, f"$.{key}").is_not(None) for key in keys))
    from sqlalchemy.dialects.postgresql import JSONB  # only here: not imported where no server is used

    detail = cast(AuditEntry.detail, JSONB)
    return and_(func.jsonb_typeof(detail) == "object", *(func.jsonb_exists(detail, key) for key in keys))


SUMMARY_COLUMNS = (
    InfusionSession.id,
    InfusionSession.patient_id,
    InfusionSession.chair,
    InfusionSession.protocol_id,
    InfusionSession.protocol_version,
    InfusionSession.protocol_hash,
    type_coerce(InfusionSession.opened_at, Text),
    InfusionSession.opened_by,
    InfusionSession.step,
    InfusionSession.outcome,
    InfusionSession.active,
    InfusionSession.last_seq,
)
"""The columns of a session's summary row its hash covers (``content_hashes.summary_content``): id,
patient_id, chair, protocol_id, protocol_version, protocol_hash, opened_at (as the driver gives it),
opened_by, step, outcome, active, last_seq."""


def summary_rows(tx: Session, session_ids: Collection[str]) -> Iterator[tuple[Any, ...]]:
    """These sessions' summary rows as they are now, as ``SUMMARY_COLUMNS`` (a session whose row is gone has
    none), by the table's key."""
    return stream(tx, select(*SUMMARY_COLUMNS).where(col(InfusionSession.id).in_(list(session_ids))))


def summary_claims(tx: Session, session_ids: Collection[str] | None = None) -> Iterator[tuple[Any, ...]]:
    """What the trail says each session's summary row holds, for every session a care entry's line names
    (or only these sessions): its id, the first and the last such line (their numbers), the last one's
    detail as stored (its ``summary_hash`` is what the row must hash to), then the row as it is now, as
    ``SUMMARY_COLUMNS`` (all None when it is gone).

    Worked out by the database (grouped by session) and streamed as the driver's tuples, so the check holds
    nothing for each of a decade's sessions; the lines are the ones the walk along the trail has checked.
    It reads every line (the trail has no index by session), so the whole check asks it only of the sessions
    whose row did not match what the walk saw last (``core.trail_check``)."""
    conditions = [
        col(AuditEntry.action) == "record.written",
        col(AuditEntry.session_id).is_not(None),
    ]
    if session_ids is not None:
        conditions.append(col(AuditEntry.session_id).in_(list(session_ids)))
    claimed = (
        select(
            AuditEntry.session_id,
            func.min(AuditEntry.seq).label("first"),
            func.max(AuditEntry.seq).label("last"),
        )
        .where(*conditions, _carries(tx, "event_id", "summary_hash"))
        .group_by(AuditEntry.session_id)
        .subquery()
    )
    last = aliased(AuditEntry)
    query = (
        select(claimed.c.session_id, claimed.c.first, claimed.c.last, cast(last.detail, Text), *SUMMARY_COLUMNS)
        .select_from(claimed)
        .join(last, col(last.seq) == claimed.c.last)
        .outerjoin(InfusionSession, col(InfusionSession.id) == claimed.c.session_id)
    )
    return stream(tx, query)


BATCH_SESSIONS = 500
"""Sessions looked at together (their ids in one ``IN`` list)."""


def chunks(ids: Iterable[str], size: int = 500) -> Iterator[list[str]]:
    """Ids a few hundred at a time, for ``IN`` lists every database takes."""
    chunk: list[str] = []
    for item in ids:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def stored_moment(tx: Session) -> Any:
    """How a moment read as the driver gives it becomes an aware UTC datetime: ``UTCDateTime``'s own reading
    on this database (its text in one step on SQLite, the driver's datetime elsewhere)."""
    dialect = tx.get_bind().dialect
    return UTCDateTime().dialect_impl(dialect).result_processor(dialect, None)


def stored_date(tx: Session) -> Any:
    """How a date read as the driver gives it becomes a date (text on SQLite, parsed as SQLAlchemy does)."""
    dialect = tx.get_bind().dialect
    parse = Date().dialect_impl(dialect).result_processor(dialect, None)

    def day(value: Any) -> date | None:
        return parse(value) if isinstance(value, str) and parse is not None else value

    return day
