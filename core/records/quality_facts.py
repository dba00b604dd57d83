"""The care entries that may matter to the quality report kept apart (``quality_fact``), written with each entry
and with a history written in bulk, by the one rule ``core.quality.notable``; read by kind and period, and
recounted from the entries.

A row is a function of its entry alone (its id, session, kind, moment and payload): whatever writes entries
writes their rows in the same transaction, and ``quality_facts_recounted`` holds the table to the entries.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection, Text, cast, insert, literal_column, select
from sqlmodel import Session, col

from core.events import Event
from core.persistence.prepared import Prepared
from core.persistence.raw_rows import BATCH, raw_rows
from core.persistence.tables import QualityFact, SessionEvent
from core.quality.notable import KINDS, may_be_notable, notable

_TABLE = QualityFact.__table__  # type: ignore[attr-defined]
COLUMNS = tuple(_TABLE.c.keys())
"""The table's columns in order: the entry's id, its session, kind and moment."""
_INSERT = Prepared(insert(_TABLE), columns=COLUMNS)


def fact_row(event: Event) -> dict[str, Any] | None:
    """The row an entry keeps, or None for an entry the report need not read."""
    if not notable(event.type.value, event.payload):
        return None
    return {"id": event.id, "session_id": event.session_id, "type": event.type.value, "occurred_at": event.occurred_at}


def write_quality_fact(connection: Connection, event: Event) -> None:
    """The entry's row, when it keeps one (in the entry's transaction: ``records.insert_entry``)."""
    row = fact_row(event)
    if row is not None:
        _INSERT.run(connection, row)


def fact_rows(events: Iterable[Event]) -> list[dict[str, Any]]:
    """The rows of the entries among ``events`` that keep one, as a bulk history writes them."""
    return [row for event in events if (row := fact_row(event)) is not None]


class _Stored(dict[tuple[str, str], bool]):
    """Whether an entry of a kind with a payload's stored text keeps a row, judged once per text: a history's
    copies share most texts (the template's payload as it was). Bounded: forgotten when full."""

    def __missing__(self, key: tuple[str, str]) -> bool:
        if len(self) >= 4_096:
            self.clear()
        kind, text = key
        found = self[key] = notable(kind, json.loads(text))
        return found


_STORED = _Stored()


def fact_rows_of_stored(rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """The rows kept by entries given as stored rows (``records.EVENT_COLUMNS``: id, session, seq, kind,
    payload's text, moment, ...), in ``COLUMNS``' order."""
    return [(row[0], row[1], row[3], row[5]) for row in rows if row[3] in KINDS and _STORED[(row[3], row[4])]]


class Recount(NamedTuple):
    """The projection held to the entries: ids an entry keeps that have no row, and rows no entry keeps."""

    missing: frozenset[str]
    extra: frozenset[str]

    @property
    def agrees(self) -> bool:
        return not self.missing and not self.extra


def quality_facts_recounted(tx: Session) -> Recount:
    """Every entry of the kinds the rule names judged again from its stored payload, against the table: the
    payloads whose text shows the rule cannot keep them (``may_be_notable``) are not parsed."""
    connection = tx.connection()
    kind = col(SessionEvent.type)
    if connection.dialect.name == "sqlite":
        # Straight through the table: on the index of kinds SQLite looked up each of ten years' 2.3 million
        # entries of these kinds in the table apart (half again the CPU of the one pass).
        kind = literal_column(f"+{SessionEvent.__tablename__}.type")
    entries = select(SessionEvent.id, SessionEvent.type, cast(SessionEvent.payload, Text)).where(
        kind.in_(sorted(KINDS))
    )
    kept: set[str] = set()
    result = connection.execute(entries)
    try:  # a batch at a time as the driver hands them: ten years' payloads held at once were gigabytes
        while batch := result.cursor.fetchmany(BATCH):
            for id_, kind_, stored in batch:
                if may_be_notable(kind_, stored) and notable(kind_, json.loads(stored)):
                    kept.add(id_)
    finally:
        result.close()
    rows = set(raw_rows(connection, select(QualityFact.id)))
    found = {id_ for (id_,) in rows}
    return Recount(frozenset(kept - found), frozenset(found - kept))
