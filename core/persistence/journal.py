"""The workstation's own journal: care recorded while the clinic's database cannot be reached waits here,
in a small SQLite file beside the workstation's configuration (0600), until it is sent exactly once.

Each entry is the care record itself (its id, the session and the place in the session's log it expects,
its content and the hash of it) with where it belongs (the database's address, so it is never sent to
another clinic's), and what became of it: waiting, sent, in conflict (the session moved on the server
meanwhile), sent late with its own time, or withdrawn with a reason. An entry settled (sent, or decided)
is in the clinic's record with its audit line; its copy here is forgotten a week later (``KEEP_SETTLED``),
so patient data does not gather on a workstation.

Beside the entries the journal keeps what the workstation last read of its open sessions (their logs, their
patients, the rules they run under, the names of who recorded), so the chairs go on after a restart while
the database is still away.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum, StrEnum
from pathlib import Path
from types import UnionType
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from core.errors import EnvironmentTrouble
from core.events import Event, EventType
from core.hashing import utc_moment
from core.private_files import PRIVATE

T = TypeVar("T")
KEEP_SETTLED = timedelta(days=7)
"""How long an entry's copy stays here once it is in the clinic's record (for whoever looks into a problem)."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS entry (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    batch TEXT NOT NULL,
    database TEXT NOT NULL,
    session_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    payload TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    workstation TEXT NOT NULL,
    corrects TEXT,
    reason TEXT,
    content_hash TEXT NOT NULL,
    state TEXT NOT NULL,
    settled_at TEXT,
    settled_by TEXT,
    settled_why TEXT
);
CREATE TABLE IF NOT EXISTS kept (
    database TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (database, name)
);
"""


class Standing(StrEnum):
    WAITING = "waiting"
    """Saved on this workstation, not yet in the clinic's database."""
    SENT = "sent"
    """In the clinic's database, in the place it was recorded in."""
    CONFLICT = "conflict"
    """The session moved on in the clinic's database meanwhile: a nurse decides."""
    SENT_LATE = "sent late"
    """Added after what was recorded meanwhile, as a late entry with its own time."""
    WITHDRAWN = "withdrawn"
    """Not added, with the reason: its audit line keeps what it said."""


@dataclass(frozen=True)
class JournalEntry:
    position: int
    event: Event
    content_hash: str
    standing: Standing
    batch: str
    """The first entry's id of those saved together (an acknowledgement and the pause it reports): they
    are sent together, or held together."""
    settled_why: str | None = None


class Journal:
    """One workstation's journal file, for one database (``where``: its address as shown)."""

    def __init__(self, path: Path, where: str) -> None:
        self.path = path
        self.where = where
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE))  # 0600 before SQLite writes a byte
            os.chmod(path, PRIVATE)
            with self._connection() as connection:
                for statement in SCHEMA.split(";"):
                    connection.execute(statement)
        except (OSError, sqlite3.Error) as exc:
            raise _trouble(path, exc) from exc

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """One transaction: committed when the block ends, durable (FULL) before anything says it is saved."""
        with closing(sqlite3.connect(self.path, timeout=5, isolation_level=None)) as connection:
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    # ---- entries ------------------------------------------------------------------------------------

    def add(self, entries: Sequence[tuple[Event, str]]) -> None:
        """Entries (each with its content hash) saved together, or none of them; sent together too."""
        batch = entries[0][0].id
        rows = [
            (
                event.id,
                batch,
                self.where,
                event.session_id,
                event.seq,
                event.type.value,
                json.dumps(event.payload),
                utc_moment(event.occurred_at),
                utc_moment(event.recorded_at),
                event.recorded_by,
                event.workstation,
                event.corrects,
                event.reason,
                hashed,
                Standing.WAITING.value,
            )
            for event, hashed in entries
        ]
        try:
            with self._connection() as connection:
                connection.executemany(
                    "INSERT INTO entry (event_id, batch, database, session_id, seq, type, payload, occurred_at,"
                    " recorded_at, recorded_by, workstation, corrects, reason, content_hash, state)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
        except (OSError, sqlite3.Error) as exc:
            raise _trouble(self.path, exc) from exc

    def entries(self, *standings: Standing) -> list[JournalEntry]:
        """This database's entries in the order they were recorded, those of ``standings`` (all when none)."""
        query = "SELECT * FROM entry WHERE database = ?"
        wanted = [standing.value for standing in standings]
        if wanted:
            query += f" AND state IN ({', '.join('?' for _ in wanted)})"
        try:
            with self._connection() as connection:
                connection.row_factory = sqlite3.Row
                rows = connection.execute(query + " ORDER BY position", [self.where, *wanted]).fetchall()
        except (OSError, sqlite3.Error) as exc:
            raise _trouble(self.path, exc) from exc
        return [_entry_of(row) for row in rows]

    def settle(
        self, event_id: str, standing: Standing, at: datetime, by: str | None = None, why: str | None = None
    ) -> None:
        try:
            with self._connection() as connection:
                connection.execute(
                    "UPDATE entry SET state = ?, settled_at = ?, settled_by = ?, settled_why = ? WHERE event_id = ?",
                    (standing.value, utc_moment(at), by, why, event_id),
                )
        except (OSError, sqlite3.Error) as exc:
            raise _trouble(self.path, exc) from exc

    def forget_settled(self, now: datetime) -> None:
        """Entries sent or decided more than ``KEEP_SETTLED`` ago: their copies here go."""
        settled = [Standing.SENT.value, Standing.SENT_LATE.value, Standing.WITHDRAWN.value]
        try:
            with self._connection() as connection:
                connection.execute(
                    f"DELETE FROM entry WHERE state IN ({', '.join('?' for _ in settled)}) AND settled_at < ?",
                    [*settled, utc_moment(now - KEEP_SETTLED)],
                )
        except (OSError, sqlite3.Error) as exc:
            raise _trouble(self.path, exc) from exc

    # ---- what the workstation last read ----------------------------------------------------------------

    def keep(self, name: str, value: Any) -> None:
        """``value`` (plain JSON) kept under ``name`` for this database, replacing what was kept before."""
        try:
            with self._connection() as connection:
                connection.execute(
                    "INSERT OR REPLACE INTO kept (database, name, value) VALUES (?, ?, ?)",
                    (self.where, name, json.dumps(value)),
                )
        except (OSError, sqlite3.Error) as exc:
            raise _trouble(self.path, exc) from exc

    def kept(self, name: str) -> Any:
        try:
            with self._connection() as connection:
                found = connection.execute(
                    "SELECT value FROM kept WHERE database = ? AND name = ?", (self.where, name)
                ).fetchone()
        except (OSError, sqlite3.Error) as exc:
            raise _trouble(self.path, exc) from exc
        return json.loads(found[0]) if found else None


def to_plain(value: Any) -> Any:
    """A frozen value (a dataclass of text, numbers, times, dates and enums, or lists and dicts of them) as
    plain JSON, for what the journal keeps; ``from_plain`` reads it back as its type."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return utc_moment(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): to_plain(item) for key, item in value.items()}
    return value


def from_plain(kind: type[T], plain: Mapping[str, Any]) -> T:
    """A dataclass ``kind`` from what ``to_plain`` made of one: times, dates and enums by its field types."""
    hints = get_type_hints(kind)
    return kind(**{name: _typed(hints[name], value) for name, value in plain.items()})


def _typed(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    options = (
        [option for option in get_args(hint) if option is not type(None)]
        if get_origin(hint)
        in {
            Union,
            UnionType,
        }
        else [hint]
    )
    for option in options:
        if option is datetime:
            return datetime.fromisoformat(value)
        if option is date:
            return date.fromisoformat(value)
        if isinstance(option, type) and issubclass(option, Enum):
            return option(value)
    return value


def _entry_of(row: Mapping[str, Any]) -> JournalEntry:
    event = Event(
        id=row["event_id"],
        session_id=row["session_id"],
        seq=row["seq"],
        type=EventType(row["type"]),
        occurred_at=datetime.fromisoformat(row["occurred_at"]),
        recorded_at=datetime.fromisoformat(row["recorded_at"]),
        recorded_by=row["recorded_by"],
        workstation=row["workstation"],
        payload=json.loads(row["payload"]),
        corrects=row["corrects"],
        reason=row["reason"],
    )
    standing = Standing(row["state"])
    return JournalEntry(row["position"], event, row["content_hash"], standing, row["batch"], row["settled_why"])


def _trouble(path: Path, exc: BaseException) -> EnvironmentTrouble:
    return EnvironmentTrouble(
        f"This workstation's journal ({path}) cannot be written ({exc}), so what was just entered is not saved "
        "anywhere. What was saved before is safe.",
        "Write it on the downtime forms, and ask whoever looks after this computer to free space on its disk.",
    )
