"""Opening the database safely, one transaction per action, and turning failures into plain words.

A database that is missing, locked, read-only, corrupt or newer than this program is reported with
what to do — never replaced by a fresh empty one. SQLite runs in WAL mode with synchronous=FULL so a
committed record survives a power cut; the SQL used here also runs on PostgreSQL.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlmodel import Session

from core.errors import (
    DatabaseCorrupt,
    DatabaseLocked,
    DatabaseMissing,
    DatabaseReadOnly,
    DatabaseTooNew,
    DiskFull,
    EnvironmentTrouble,
    InputError,
    RecordChanged,
)

log = logging.getLogger(__name__)

# The newest schema this program knows, and every revision it can upgrade from. A test keeps these
# in step with the Alembic scripts, so start-up need not import Alembic when nothing changed.
SCHEMA_HEAD = "0005"
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004", "0005")

BUSY_TIMEOUT_MS = 5000
_SQLITE_MAGIC = b"SQLite format 3\x00"
SAFE = "Nothing already recorded has been lost."


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def classify(exc: BaseException, where: str) -> EnvironmentTrouble | None:
    """Sort a database failure by its cause (error codes, never message text)."""
    orig = getattr(exc, "orig", exc)
    if isinstance(orig, sqlite3.Error):
        code = (getattr(orig, "sqlite_errorcode", 0) or 0) & 0xFF
        if code in {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}:
            return DatabaseLocked(
                f"The database {where} is busy: another program is holding it. {SAFE}",
                "Wait a moment and try again. If it keeps happening, close other copies of Chairside on this computer.",
            )
        if code == sqlite3.SQLITE_READONLY:
            return DatabaseReadOnly(
                f"The database {where} can be read but not written. {SAFE}",
                "Ask whoever looks after this computer to give Chairside write access to that file and its folder.",
            )
        if code in {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}:
            return DatabaseCorrupt(
                f"The database {where} is damaged or is not a Chairside database.",
                "Do not delete it. Stop using this workstation for recording, use the downtime forms, and "
                "ask whoever looks after it to restore the latest backup (python main.py db check tells "
                "more).",
            )
        if code == sqlite3.SQLITE_FULL:
            return DiskFull(
                f"The disk holding {where} is full. {SAFE}",
                "Free some space on this computer, then try again.",
            )
        if code in {sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_PERM}:
            return DatabaseMissing(
                f"The database {where} cannot be opened or read from the disk. {SAFE}",
                "Check that the disk or network folder holding it is available, then try again.",
            )
        return None
    if isinstance(exc, OperationalError):
        return DatabaseMissing(
            f"The database {where} cannot be reached. {SAFE}",
            "Check the network and that the database server is running, then try again.",
        )
    return None


class Database:
    """The engine, the session factory, and the rules for opening and writing."""

    def __init__(self, url: str) -> None:
        try:
            self.url: URL = make_url(url)
            self.where = self.describe()
            connect_args = {"timeout": BUSY_TIMEOUT_MS / 1000} if self.is_sqlite else {}
            self.engine: Engine = create_engine(self.url, connect_args=connect_args, pool_pre_ping=not self.is_sqlite)
        except ArgumentError as exc:  # a mistyped address, or a kind of database this Chairside cannot use
            raise InputError(
                "database",
                "That database address is not one Chairside can use.",
                "Give a file as sqlite:////full/path/to/chairside.sqlite (four slashes), or leave the address "
                "out to use this workstation's own database.",
            ) from exc
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite or not self.url.database or self.url.database == ":memory:":
            return None
        return Path(self.url.database)

    def describe(self) -> str:
        path = self.sqlite_path
        return str(path) if path else self.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read-only look: nothing is committed."""
        try:
            with Session(self.engine) as session:
                yield session
        except DBAPIError as exc:
            trouble = classify(exc, self.where)
            if trouble is None:
                raise
            raise trouble from exc

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One action of care: everything inside commits together, or nothing does."""
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                if self.is_sqlite:
                    # Take the write lock before reading: a read-then-write transaction that another
                    # writer overtook would otherwise fail at once instead of waiting its turn.
                    session.execute(text("BEGIN IMMEDIATE"))
                yield session
        except IntegrityError as exc:
            raise RecordChanged(
                f"Someone else recorded on this at the same moment, so this entry was not saved. {SAFE}",
                "Look at the record again, then re-enter what you were saving.",
            ) from exc
        except DBAPIError as exc:
            trouble = classify(exc, self.where)
            if trouble is None:
                raise
            raise trouble from exc

    def dispose(self) -> None:
        self.engine.dispose()

    def schema_revision(self) -> str | None:
        with self.session() as session:
            tables = inspect(session.connection()).get_table_names()
            if "alembic_version" not in tables:
                if tables:
                    raise DatabaseCorrupt(
                        f"{self.where} holds tables but is not a Chairside database.",
                        "Check the database address. Chairside will not write into another program's data.",
                    )
                return None
            return session.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def backup_to(self, destination: Path) -> Path:
        """A consistent copy made with SQLite's online backup, safe while Chairside is recording."""
        if self.sqlite_path is None:
            raise EnvironmentTrouble(
                "Backups from here are for SQLite databases.",
                "Back up a PostgreSQL server with pg_dump on the server.",
            )
        destination = destination.expanduser().resolve()
        if destination.exists():
            raise EnvironmentTrouble(f"{destination} already exists.", "Choose a new file name for the backup.")
        destination.parent.mkdir(parents=True, exist_ok=True)
        raw = self.engine.raw_connection()
        try:
            target = sqlite3.connect(destination)
            try:
                raw.driver_connection.backup(target)  # type: ignore[union-attr]
            finally:
                target.close()
        except sqlite3.Error as exc:
            trouble = classify(exc, str(destination))
            raise (trouble or EnvironmentTrouble(f"The backup failed: {exc}.", "Try another folder.")) from exc
        finally:
            raw.close()
        return destination


def check_sqlite_file(path: Path, *, create: bool) -> None:
    """Refuse a missing, unreadable or foreign file before SQLite would quietly make a new one."""
    if not path.exists():
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
            return
        raise DatabaseMissing(
            f"There is no database at {path}.",
            "If it was moved or the disk is not connected, put it back and start again. To restore a "
            "backup, copy it to that path. To start a new, empty database there on purpose, run "
            "`python main.py db create`.",
        )
    if not os.access(path, os.R_OK):
        raise DatabaseReadOnly(
            f"Chairside is not allowed to read {path}.",
            "Ask whoever looks after this computer to give your account access to that file.",
        )
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise DatabaseReadOnly(
            f"The database {path} (or its folder) is read-only. {SAFE}",
            "Ask whoever looks after this computer to make the file and its folder writable.",
        )
    with path.open("rb") as handle:
        header = handle.read(len(_SQLITE_MAGIC))
    if header and header != _SQLITE_MAGIC:
        raise DatabaseCorrupt(
            f"{path} is not a database file (it may be damaged or be some other file).",
            "Do not delete it. Restore the latest backup to that path, or check the database address.",
        )


def open_database(url: str, *, create: bool = False, backup_stamp: datetime | None = None) -> Database:
    """Open (and if needed migrate) a database. ``create`` allows a new file; otherwise it must exist.

    Before a migration of an existing SQLite file, a backup is written beside it, named with
    ``backup_stamp`` (the caller's clock).
    """
    database = Database(url)
    path = database.sqlite_path
    if path is not None:
        check_sqlite_file(path, create=create)
    revision = database.schema_revision()
    if revision == SCHEMA_HEAD:
        return database
    if revision is not None and revision not in KNOWN_REVISIONS:
        database.dispose()
        raise DatabaseTooNew(
            f"The database {database.where} was written by a newer version of Chairside (schema {revision}).",
            "Install the newer version of Chairside on this workstation; this one will not change that database.",
        )
    if revision is not None and path is not None:
        stamp = backup_stamp.strftime("%Y%m%dT%H%M%SZ") if backup_stamp else "before-upgrade"
        copy = database.backup_to(path.with_name(f"{path.stem}.{revision}-{stamp}.backup.sqlite"))
        log.info("backed up %s to %s before upgrading from schema %s", path, copy, revision)
    from core.persistence.migrate import upgrade  # Alembic is slow to import: only when needed

    upgrade(database)
    return database
