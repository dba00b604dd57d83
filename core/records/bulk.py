"""Many records written at once: a made-up history (``core.history``) inserted in batches of rows per
statement, not one ``INSERT`` and one round trip per record. The rows hold the very values the single-record
functions write (``add_patient``, ``insert_event``, …), stored as SQLAlchemy stores them (a time as UTC, a
JSON column as ``json.dumps`` writes it), so a history reads back exactly as care recorded one at a time
would; the caller gives each audit line already chained (``core.audit`` knows the chain).

The rows go to the database driver as plain tuples (``exec_driver_sql``): SQLAlchemy's per-value bind
processing cost more than SQLite's own work. A JSON column's text comes with its record when the caller has
it already (the history keeps a template's text for each copy), so no payload is encoded twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from enum import Enum
from itertools import repeat
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

from sqlalchemy import JSON, Boolean, Date, Table
from sqlmodel import Session

from core.course import CourseView
from core.events import Event, EventType, PatientEvent
from core.persistence.tables import (
    AuditEntry,
    Course,
    InfusionSession,
    Patient,
    PatientDetails,
    PatientEventRecord,
    QualityFact,
    ScheduledPointRecord,
    SessionEvent,
    SittingScores,
    VitalSet,
)
from core.persistence.types import UTCDateTime
from core.record_values import DetailsRecord, PatientRecord, SessionSummary
from core.records.patients import patient_row
from core.records.point_counts import POINT_COLUMNS, add_point_counts
from core.records.quality_facts import COLUMNS as FACT_COLUMNS
from core.records.quality_facts import fact_rows, fact_rows_of_stored
from core.records.set_days import ROW_COLUMNS as PACKED_SET
from core.records.set_days import add_set_days
from core.records.vital_sets import SET_COLUMNS, vital_set_rows

HISTORY_TABLES = (
    "patient",
    "patient_details",
    "course",
    "infusion_session",
    "session_event",
    "patient_event",
    "sitting_scores",
    "vital_set",
    "quality_set_day",
    "schedule_point",
    "quality_point_day",
    "quality_point_span",
    "quality_fact",
    "audit_entry",
)
"""The tables ``insert_history`` writes: a new database's may have their indexes made after the rows
(``Database.indexed_after``)."""

AUDIT_COLUMNS = (
    "seq",
    "at",
    "actor_id",
    "action",
    "workstation",
    "patient_id",
    "session_id",
    "detail",
    "prev_hash",
    "entry_hash",
)
"""An audit line's columns in the order of ``audit_entry``'s, as ``insert_history``'s ``audit_rows`` give them."""

EVENT_COLUMNS = (
    "id",
    "session_id",
    "seq",
    "type",
    "payload",
    "occurred_at",
    "recorded_at",
    "recorded_by",
    "workstation",
    "corrects",
    "reason",
)
"""A session entry's columns in the order of ``session_event``'s, as ``insert_history``'s ``event_rows`` give
them: the kind and the payload as their stored text, the times as ``datetime`` (converted here)."""

VITAL_COLUMNS = ("id", "session_id", "seq", "taken_at", "recorded_by", *SET_COLUMNS)
"""A set of vitals' columns in the order of ``vital_set``'s, as ``insert_history``'s ``vital_rows`` give them
(the flags as ``bool``, the time as ``datetime``: converted here)."""

BATCH = 5_000
"""Rows per statement: large enough that statements cost little, small enough to stay modest in memory."""

_STORED = json.JSONEncoder()
_C_ENCODER = getattr(json.encoder, "c_make_encoder", None)
_ENCODE = (
    _C_ENCODER(None, _STORED.default, json.encoder.encode_basestring_ascii, None, ": ", ", ", False, False, True)
    if _C_ENCODER is not None
    else None
)


def stored_json(value: Any) -> str:
    """A JSON column's text as SQLAlchemy writes it: ``json.dumps`` with its defaults (keys in their order),
    by the C encoder ``json.dumps`` uses, made once."""
    if _ENCODE is None or isinstance(value, str):
        return _STORED.encode(value)
    return "".join(_ENCODE(value, 0))


def _table(model: type) -> Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


def _sqlite_moment(value: datetime) -> str:
    """As ``UTCDateTime`` and SQLAlchemy's SQLite ``DATETIME`` store it: UTC, naive, microseconds always."""
    if value.tzinfo is None:
        raise ValueError("refusing to store a time without a time zone")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _server_moment(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("refusing to store a time without a time zone")
    return value.astimezone(UTC)


def _kind(value: object) -> object:
    """A kind (``EventType``) stored as its text."""
    return value.value if isinstance(value, Enum) else value


def _converter(column: Any, sqlite: bool, moments: dict[tuple[datetime, int], Any]) -> Callable[[Any], Any] | None:
    """How one column's value is handed to the driver, as SQLAlchemy's type for it would hand it. A moment
    is converted once for all the rows of one call (an entry's times are its audit line's too): kept by the
    moment and its ``fold``, since two equal times in one zone may still be an hour apart in UTC."""
    kind = column.type
    if isinstance(kind, UTCDateTime):
        convert = _sqlite_moment if sqlite else _server_moment

        def moment(value: datetime | None) -> Any:
            if value is None:
                return None
            key = (value, value.fold)
            found = moments.get(key)
            if found is None:
                found = moments[key] = convert(value)
            return found

        return moment
    if isinstance(kind, Date) and sqlite:
        return lambda value: None if value is None else date.isoformat(value)
    if isinstance(kind, Boolean):
        return lambda value: None if value is None else (int(value) if sqlite else bool(value))
    return None


class _Writer:
    """The insert statement of one table and how to make its rows: the columns are the table's own, read by
    name from each value (one rule for every table, so a column added later is not missed), each converted
    as SQLAlchemy's type for it would convert it, and the JSON column, if any, taken from the text given."""

    def __init__(
        self,
        tx: Session,
        model: type,
        moments: dict[tuple[datetime, int], Any],
        read: Callable[..., Any] = attrgetter,
    ) -> None:
        table = _table(model)
        self.connection = tx.connection()
        sqlite = self.connection.dialect.name == "sqlite"
        names = self.names = [column.name for column in table.columns]
        self.read = read(*names)
        self.json = next((n for n, c in enumerate(table.columns) if isinstance(c.type, JSON)), None)
        self.converters = [
            (n, f) for n, c in enumerate(table.columns) if (f := _converter(c, sqlite, moments)) is not None
        ]
        mark = "?" if sqlite else "%s"
        marks = [f"CAST({mark} AS JSON)" if n == self.json and not sqlite else mark for n in range(len(names))]
        self.sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join(marks)})"

    def rows(self, values: Iterable[Any], texts: Iterable[str | None] | None = None) -> list[tuple[Any, ...]]:
        """A column holding a kind (an ``Enum``) in the first row holds one in every row: stored as its text."""
        values = list(values)
        if values:
            first = self.read(values[0])
            self.converters += [(n, _kind) for n, cell in enumerate(first) if isinstance(cell, Enum)]
        return [
            self.row(value, text) for value, text in zip(values, repeat(None) if texts is None else texts, strict=False)
        ]

    def row(self, value: object, text: str | None = None) -> tuple[Any, ...]:
        row = list(self.read(value))
        for n, convert in self.converters:
            row[n] = convert(row[n])
        if self.json is not None:
            row[self.json] = text if text is not None else stored_json(row[self.json])
        return tuple(row)

    def ready(self, rows: Sequence[tuple[Any, ...]], columns: Sequence[str]) -> list[tuple[Any, ...]]:
        """Rows the caller made in ``columns``' order (which must be the table's own, so a column added later
        is not missed), each value already as stored but for the ones converted here (times, flags)."""
        if tuple(self.names) != tuple(columns):
            raise RuntimeError(f"rows made for the columns {columns}, the table has {self.names}")
        converters = self.converters
        if len(converters) == 1:  # the commonest case by far (the audit trail's one time): no inner loop
            (n, convert), m = converters[0], converters[0][0] + 1
            return [(*row[:n], convert(row[n]), *row[m:]) for row in rows]
        made = []
        for given in rows:
            row = list(given)
            for n, convert in converters:
                row[n] = convert(row[n])
            made.append(tuple(row))
        return made

    def insert(self, rows: Sequence[tuple[Any, ...]]) -> None:
        for start in range(0, len(rows), BATCH):
            self.connection.exec_driver_sql(self.sql, list(rows[start : start + BATCH]))


class _Scores(NamedTuple):
    """A ``sitting_scores`` row, as ``core.records.streams.sitting_scores`` makes one for a single record."""

    id: str
    patient_id: str
    taken_at: datetime
    scores: str


def insert_history(
    tx: Session,
    *,
    patients: Iterable[PatientRecord] = (),
    details: Iterable[DetailsRecord] = (),
    courses: Iterable[CourseView] = (),
    sessions: Iterable[SessionSummary] = (),
    events: Iterable[tuple[Event, str]] = (),
    patient_events: Iterable[tuple[PatientEvent, str]] = (),
    audit_lines: Sequence[Mapping[str, Any]] = (),
    audit_rows: Sequence[tuple[Any, ...]] = (),
    utc_texts: Mapping[tuple[datetime, int], str] | None = None,
    event_rows: Sequence[tuple[Any, ...]] = (),
    vital_rows: Sequence[tuple[Any, ...]] = (),
    schedule_points: Sequence[Mapping[str, Any]] = (),
) -> None:
    """Insert every record given, in the order their references need (a patient before her course, a session
    before its entries, everything before the audit lines that name it). Each entry comes with its payload's
    text in ``stored_json``'s form; each audit line is a mapping of its columns, ``detail`` as a dict (and its
    text in that form as ``stored_detail``, when the caller has it), or a row of them in the columns' order
    (``AUDIT_COLUMNS``), ``detail`` as its stored text, as ``core.audit.chained_rows`` makes them.

    ``utc_texts``: times the caller has written out already as ``core.hashing.utc_moment`` writes them (an
    entry's, hashed), by the moment and its ``fold``: SQLite's text of each is cut from it rather than worked
    out again (the same digits, a space for the ``T``, without the ``+00:00``).

    ``event_rows`` and ``vital_rows``: entries and their sets of vitals as rows made by the caller
    (``EVENT_COLUMNS``, ``VITAL_COLUMNS``; a history copies them from templates), written after those given as
    ``events`` and theirs. The entries' rows in ``quality_fact`` are made here, from either."""
    moments: dict[tuple[datetime, int], Any] = {}
    if utc_texts and tx.connection().dialect.name == "sqlite":
        moments = {key: f"{text[:10]} {text[11:26]}" for key, text in utc_texts.items() if text[26:] == "+00:00"}
    for model, values in (
        (Patient, map(patient_row, patients)),
        (PatientDetails, details),
        (Course, courses),
        (InfusionSession, sessions),
    ):
        writer = _Writer(tx, model, moments)
        writer.insert(writer.rows(values))
    sittings: list[_Scores] = []
    sets: list[dict[str, Any]] = []
    facts: list[dict[str, Any]] = []
    for model, written in ((SessionEvent, events), (PatientEventRecord, patient_events)):
        writer = _Writer(tx, model, moments)
        pairs = list(written)
        writer.insert(writer.rows([value for value, _ in pairs], [text for _, text in pairs]))
        if model is SessionEvent:
            sets = vital_set_rows(e for e, _ in pairs)
            facts = fact_rows(e for e, _ in pairs)
            if event_rows:
                writer = _Writer(tx, model, moments)
                writer.insert(writer.ready(event_rows, EVENT_COLUMNS))
        if model is PatientEventRecord:
            from core.outcomes.cohort import scores_text  # the outcome report's: not loaded by every start

            sittings = [
                _Scores(e.id, e.patient_id, e.occurred_at, scores_text(e.payload["forms"]))
                for e, _ in pairs
                if e.type is EventType.ASSESSED
            ]
    writer = _Writer(tx, SittingScores, moments)
    writer.insert(writer.rows(sittings))
    writer = _Writer(tx, VitalSet, moments, itemgetter)
    writer.insert(writer.rows(sets))
    if vital_rows:
        writer = _Writer(tx, VitalSet, moments)
        writer.insert(writer.ready(vital_rows, VITAL_COLUMNS))
    add_set_days(tx.connection(), [*map(itemgetter(*PACKED_SET), sets), *vital_rows])
    writer = _Writer(tx, ScheduledPointRecord, moments, itemgetter)
    writer.insert(writer.rows(schedule_points))
    add_point_counts(tx.connection(), (itemgetter(*POINT_COLUMNS)(point) for point in schedule_points))
    writer = _Writer(tx, QualityFact, moments, itemgetter)
    writer.insert(writer.rows(facts))
    if event_rows:
        writer = _Writer(tx, QualityFact, moments)
        writer.insert(writer.ready(fact_rows_of_stored(event_rows), FACT_COLUMNS))
    writer = _Writer(tx, AuditEntry, moments, itemgetter)
    writer.insert(writer.rows(audit_lines, [line.get("stored_detail") for line in audit_lines]))
    if audit_rows:
        writer.insert(writer.ready(audit_rows, AUDIT_COLUMNS))
