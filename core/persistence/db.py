"""Opening the database safely, one transaction per action, and turning failures into plain words.

A database that is missing, locked, read-only, corrupt or newer than this program is reported with
what to do — never replaced by a fresh empty one. SQLite runs in WAL mode with synchronous=FULL so a
committed record survives a power cut; the same SQL and migrations run on a PostgreSQL server
(``server.py`` sorts its failures into the same kinds).
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager, suppress
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError
from sqlmodel import Session

from core.about import command
from core.errors import (
    ChairsideError,
    DatabaseCorrupt,
    DatabaseGone,
    DatabaseLocked,
    DatabaseMissing,
    DatabaseReadOnly,
    DatabaseTooNew,
    DiskFull,
    EnvironmentTrouble,
    InputError,
    NotFound,
    RecordChanged,
    RecordRefused,
)
from core.paths import default_database_path, expanded
from core.persistence.prepared import Prepared
from core.persistence.server import is_server, liveness, server_trouble, with_driver

log = logging.getLogger(__name__)

# The newest schema this program knows, and every revision it can upgrade from. A test keeps these
# in step with the Alembic scripts, so start-up need not import Alembic when nothing changed.
SCHEMA_HEAD = "0022"
KNOWN_REVISIONS = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
    "0012",
    "0013",
    "0014",
    "0015",
    "0016",
    "0017",
    "0018",
    "0019",
    "0020",
    "0021",
    "0022",
)

BUSY_TIMEOUT_MS = 5000
FILLING_CACHE_KB = 1_000_000
"""The page cache of a connection filling a new database (``Database.filling``): about a gigabyte, taken only
as pages are read, so a demo's hundred megabytes use a hundred."""

INDEXED_AFTER_BELOW = 10_000
"""A table written in bulk has its indexes made after the rows (``Database.indexed_after``) only while it holds
fewer rows than this: the rows already there would be sorted again for nothing."""
_SET_ASIDE = (
    "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL"
    " AND (type = 'index' OR (type = 'trigger' AND sql LIKE '% BEFORE INSERT ON % WHEN % BEGIN %'))"
)
"""A table's indexes (not those its constraints made, which have no SQL) and its INSERT triggers with a condition."""

_SQLITE_MAGIC = b"SQLite format 3\x00"
CHAIRSIDE_TABLES = {"alembic_version", "staff", "patient", "infusion_session", "session_event"}
"""Tables every Chairside schema has had since the first: a file without them is another program's."""
SAFE = "Nothing already recorded has been lost."
PRIVATE = 0o600
"""A database or a copy of one holds patient data: readable by this account only, whatever the umask."""
NO_ROOM_BYTES = 1 << 20
"""Less free space than this on the database's disk, and a failure to open or write is the disk's."""


_WRITE_LOCK = Prepared(text("BEGIN IMMEDIATE"))
"""SQLite's write lock, taken as a writing transaction begins (every entry of care takes it)."""


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
                f"ask whoever looks after it to restore the latest backup ({command()} db check tells "
                "more).",
            )
        if code == sqlite3.SQLITE_FULL or orig.sqlite_errorcode == sqlite3.SQLITE_IOERR_WRITE:
            return disk_full(where)  # no room, or a file-size limit: the write was refused either way
        if code in {sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_PERM} and no_room(where):
            return disk_full(where)  # WAL's shared-memory file could not be made: the disk, not the file
        if code in {sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_PERM}:
            return DatabaseMissing(
                f"The database {where} cannot be opened or read from the disk. {SAFE}",
                "Check that the disk or network folder holding it is available, then try again.",
            )
        return None
    return None


def refusal(exc: IntegrityError) -> ChairsideError:
    """A row the database's own rules refused, sorted by which rule: two writers racing for the same place
    (the one case a nurse can fix, by looking again), a record that is not there, or a rule (append-only, a
    text length) that Chairside's checks should have met first, which is a bug, said calmly."""
    code = getattr(exc.orig, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
        return NotFound(
            f"The record this entry belongs to was not found, so it was not saved. {SAFE}",
            "Choose the patient or session again from the list.",
        )
    if code in {sqlite3.SQLITE_CONSTRAINT_TRIGGER, sqlite3.SQLITE_CONSTRAINT_CHECK}:
        log.error("the database refused a row: %s", exc.orig)
        return RecordRefused(
            f"The database refused this entry ({exc.orig}), so it was not saved. {SAFE}",
            "Check what was typed and try again; if it is refused again, use the downtime forms and tell whoever "
            "looks after Chairside.",
        )
    return RecordChanged(
        f"Someone else recorded on this at the same moment, so this entry was not saved. {SAFE}",
        "Look at the record again, then re-enter what you were saving.",
    )


def disk_full(where: str) -> DiskFull:
    return DiskFull(
        f"The disk holding {where} is full (or the file has reached the size this computer allows). {SAFE}",
        "Free some space on that disk, or ask whoever looks after this computer, then try again.",
    )


def no_room(where: str) -> bool:
    """Whether the disk holding ``where`` (a path) has no room left to write even a small file."""
    folder = Path(where).parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free < NO_ROOM_BYTES
    except OSError:
        return False


def file_trouble(error: OSError, where: Path) -> EnvironmentTrouble:
    """A failed file write sorted by its cause, with what to do."""
    if error.errno in {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}:
        return disk_full(str(where))
    if error.errno in {errno.EACCES, errno.EPERM, errno.EROFS}:
        return DatabaseReadOnly(
            f"Chairside may not write to {where.parent}. {SAFE}",
            "Choose another folder, or ask whoever looks after this computer for write access to that one.",
        )
    return EnvironmentTrouble(
        f"{where} could not be written ({error.strerror or error}). {SAFE}",
        "Check that the disk or network folder is available, or choose another folder, then try again.",
    )


class FileWatch:
    """The database file as it was opened, held by a handle of its own: the path is still that file, and
    the file is still linked, or the database has gone (deleted, moved, replaced, or its disk unplugged).

    The handle is closed only with the engine: closing any handle on the file would drop SQLite's locks."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle = os.open(path, os.O_RDONLY)
        opened = os.fstat(self.handle)
        self.identity = (opened.st_dev, opened.st_ino)

    def gone(self) -> str | None:
        """What happened to the file, in a few words, or None while it is still the one opened."""
        try:
            now = os.stat(self.path)
        except FileNotFoundError:
            return "was deleted" if os.fstat(self.handle).st_nlink == 0 else "was moved elsewhere"
        except OSError:
            return "cannot be reached (its disk or network folder is gone)"
        return None if (now.st_dev, now.st_ino) == self.identity else "was replaced by another file"

    def close(self) -> None:
        os.close(self.handle)


class Database:
    """The engine, the session factory, and the rules for opening and writing."""

    def __init__(self, url: str) -> None:
        try:
            self.url: URL = with_driver(make_url(url))
            if self.is_sqlite and self.sqlite_path is None:
                raise ArgumentError("an SQLite database in memory keeps nothing once Chairside closes")
            if not self.is_sqlite and not is_server(self.url):
                raise ArgumentError(f"{self.url.get_backend_name()} is not a database Chairside keeps records in")
            self.where = self.describe()
            if self.sqlite_path is not None:
                # Never made by connecting: a file that has gone is not quietly replaced by an empty one.
                self.engine: Engine = create_engine(self.url, creator=self._connect_sqlite)
            else:
                # A connection the server dropped (a restart, a network blip) is replaced before it is used,
                # and a server that stopped answering is given up on in seconds (``server.LIVENESS``).
                self.engine = create_engine(self.url, pool_pre_ping=True, connect_args=liveness(self.url))
        except (ArgumentError, ImportError) as exc:  # a mistyped address, or a database without its driver
            raise InputError(
                "database",
                "That database address is not one Chairside can use.",
                "Give a file as sqlite:////full/path/to/chairside.sqlite (four slashes), a server as "
                "postgresql+psycopg://user@host:5432/database (the password kept in ~/.pgpass), or leave the "
                "address out to use this workstation's own database.",
            ) from exc
        self.watch: FileWatch | None = None
        self.rescued: Path | None = None
        self._unsynced = False
        self._alone = False
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "connect", self._while_filling)

    def _while_filling(self, dbapi_connection: sqlite3.Connection, _record: object) -> None:
        if self._unsynced:
            if self._alone:
                dbapi_connection.execute("PRAGMA journal_mode=MEMORY")
            dbapi_connection.execute("PRAGMA synchronous=OFF")
            dbapi_connection.execute(f"PRAGMA cache_size=-{FILLING_CACHE_KB}")

    @contextmanager
    def filling(self) -> Iterator[None]:
        """A new SQLite database filled in one go by the one program using it (the demo, a benchmark's
        history): its commits are not each synced to disk, which took most of the time of hundreds of small
        ones, and its connections keep up to ``FILLING_CACHE_KB`` of pages in memory (SQLite's 2 MB spilled
        and read back the pages of indexes a big history's rows land all over). On leaving, the connections
        so opened are closed, so every later one syncs each commit again (synchronous=FULL) with the usual
        cache, and the whole fill is checkpointed into the file and synced once. Never for a database in
        use: a power cut while filling may lose the fill (made again by filling it again)."""
        if not self.is_sqlite:
            yield
            return
        self.engine.dispose()
        self._unsynced = True
        try:
            yield
        finally:
            self._unsynced = False
            self.engine.dispose()
        with self.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    @contextmanager
    def writing_alone(self) -> Iterator[None]:
        """Inside ``filling``, many rows written by one connection at a time (a made-up history's batches):
        its changes go straight into the file, each transaction's undo kept in memory (journal_mode=MEMORY),
        not first into the write-ahead log and then copied again from it, which took a third of the
        inserts' time. A write still rolls back whole on an error; only a crash in the midst of a commit
        could leave the file damaged, and a fill is made again by filling it again. On leaving, the
        connection is closed and the next one puts the file back in WAL mode (``_sqlite_pragmas``). While
        inside, a second connection at once would wait on the first (no reading beside a write), so only
        code that holds one connection at a time belongs here. Outside ``filling``, or on a server, it
        changes nothing."""
        if not (self.is_sqlite and self._unsynced):
            yield
            return
        self.engine.dispose()
        self._alone = True
        try:
            yield
        finally:
            self._alone = False
            self.engine.dispose()

    @contextmanager
    def indexed_after(self, tables: Sequence[str]) -> Iterator[None]:
        """Inside ``writing_alone``, many rows written into ``tables`` of a new database (a made-up history):
        each of them holding fewer than ``INDEXED_AFTER_BELOW`` rows has its secondary indexes and its INSERT
        triggers (the text lengths of ``text_lengths``) set aside; on leaving, its rows are checked at once
        against each trigger's own condition (one scan), then the indexes (a unique one refusing a duplicate
        as it would have refused the row) and the triggers are made again from their own SQL, in one
        transaction. Keeping a dozen indexes up row by row and running a trigger for each row took more than
        half of the inserts' time; one sort per index and one scan per table cost a fraction of it. A row the
        trigger would have refused is refused here too, only later: at the end of the fill rather than at its
        insert (the indexes and triggers are made again all the same, and the fill is to be made again).
        Outside ``writing_alone``, or on a server, it changes nothing."""
        if not (self.is_sqlite and self._alone):
            yield
            return
        with self.transaction() as tx:
            sql = tx.connection().exec_driver_sql
            kept: list[tuple[str, str, str, str]] = []
            for table in tables:
                held = sql(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT {INDEXED_AFTER_BELOW})").scalar_one()
                if held < INDEXED_AFTER_BELOW:
                    kept += sql(_SET_ASIDE, (table,)).all()
            for kind, name, _table, _sql in kept:
                sql(f"DROP {kind.upper()} {name}")
        try:
            yield
        except BaseException:
            with suppress(DBAPIError, ChairsideError), self.transaction() as tx:  # the failure that came is the news
                for _kind, _name, _table, made in kept:
                    tx.connection().exec_driver_sql(made)
            raise
        refused = []
        with self.transaction() as tx:
            sql = tx.connection().exec_driver_sql
            for kind, _name, table, made in kept:
                if kind == "trigger":
                    condition = made[made.index(" WHEN ") + len(" WHEN ") : made.rindex(" BEGIN ")]
                    if sql(f"SELECT 1 FROM {table} AS NEW WHERE {condition} LIMIT 1").first() is not None:
                        refused.append(table)
            for _kind, _name, _table, made in kept:
                sql(made)
        if refused:
            raise RecordRefused(
                f"The database refused rows written in bulk into {', '.join(refused)}: text longer than its column "
                "allows. Only made-up records were being written.",
                "Tell whoever looks after Chairside; fill the made-up records again once it is mended.",
            )

    def _connect_sqlite(self) -> sqlite3.Connection:
        """A connection to the file opened first, never to one that took its place: once the file has gone,
        no new connection is made (the ones open still read what it held, for the countdowns)."""
        path = self.sqlite_path
        assert path is not None
        if self.watch is not None:
            self._refuse_if_gone()
        connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )
        if self.watch is None:
            self.watch = FileWatch(path)
        return connection

    def gone(self) -> str | None:
        """What happened to the database file since it was opened, or None while it is still there."""
        return self.watch.gone() if self.watch is not None else None

    def _refuse_if_gone(self) -> None:
        what = self.gone()
        if what is not None:
            raise DatabaseGone(
                f"The database {self.where} {what} while Chairside was using it, so nothing can be saved now. "
                "What was saved before is safe; what is on the screen is not saved.",
                "Keep recording on the downtime forms. Ask whoever looks after this computer to put the file "
                "back, or to restore the rescue copy (the notice at the top says where it is), then start "
                "Chairside again.",
            )

    def rescue(self, stamp: datetime) -> Path | None:
        """A copy of what the gone file held, through a connection still open on it, beside its old path (or,
        if that folder is gone too, in the data folder): written once; None while the file is still there."""
        path = self.sqlite_path
        if path is None or self.gone() is None:
            return None
        if self.rescued is None:
            name = f"{path.stem}.rescued-{stamp.strftime('%Y%m%dT%H%M%SZ')}.sqlite"
            for folder in (path.parent, default_database_path().parent):
                try:
                    self.rescued = self._copy_from_open(folder / name)
                    log.error("the database %s %s: rescue copy written to %s", path, self.gone(), self.rescued)
                    break
                except EnvironmentTrouble as trouble:
                    log.error("rescue copy to %s failed: %s", folder, trouble.message)
        return self.rescued

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
            trouble = self.trouble(exc)
            if trouble is None:
                raise
            raise trouble from exc

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One action of care: everything inside commits together, or nothing does."""
        try:
            self._refuse_if_gone()  # a write to a file that has gone would be shown saved, and then lost
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                if self.is_sqlite:
                    # Take the write lock before reading: a read-then-write transaction that another
                    # writer overtook would otherwise fail at once instead of waiting its turn.
                    _WRITE_LOCK.execute(session)
                yield session
        except DBAPIError as exc:
            trouble = self.trouble(exc)
            if trouble is None:
                raise
            raise trouble from exc

    def trouble(self, exc: DBAPIError) -> ChairsideError | None:
        """A failure of this database sorted by its cause, or None for a bug."""
        if not self.is_sqlite:
            return server_trouble(exc, self.where)
        if isinstance(exc, IntegrityError):
            return refusal(exc)
        return classify(exc, self.where)

    def dispose(self) -> None:
        self.engine.dispose()
        if self.watch is not None:  # after the engine: closing it earlier would drop SQLite's locks
            self.watch.close()
            self.watch = None

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

    def sqlite_checks(self) -> tuple[list[str], str]:
        """SQLite's own checks of the file (its integrity, its foreign keys) as problems in words, and its
        journal mode: what ``db check`` reports."""
        with self.session() as tx:
            integrity = [row[0] for row in tx.execute(text("PRAGMA integrity_check")).all()]
            problems = [f"integrity: {line}" for line in integrity] if integrity != ["ok"] else []
            problems += [f"foreign key: {row}" for row in tx.execute(text("PRAGMA foreign_key_check")).all()]
            journal = str(tx.execute(text("PRAGMA journal_mode")).scalar())
        return problems, journal

    def backup_to(self, destination: Path) -> Path:
        """A consistent copy made with SQLite's online backup, safe while Chairside is recording. It is
        written under a temporary name, checked, and only then given its name: a backup that failed (a full
        disk, a file-size limit) leaves nothing behind that could later be restored as if it were whole."""
        if self.sqlite_path is None:
            raise EnvironmentTrouble(
                "Backups from here are for SQLite databases.",
                "Back up a PostgreSQL server with pg_dump on the server.",
            )
        self._refuse_if_gone()
        return self._copy_from_open(destination)

    def _copy_from_open(self, destination: Path) -> Path:
        destination = expanded(destination, "destination").resolve()
        if destination.exists():
            raise EnvironmentTrouble(f"{destination} already exists.", "Choose a new file name for the backup.")
        partial = destination.with_name(f".{destination.name}.partial")
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            partial.unlink(missing_ok=True)  # left by a computer that stopped in the middle of one
            os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
            raw = self.engine.raw_connection()
            try:
                with closing(sqlite3.connect(partial)) as target:
                    raw.driver_connection.backup(target)  # type: ignore[union-attr]
                    verdict = target.execute("PRAGMA quick_check").fetchall()
            finally:
                raw.close()
            if verdict != [("ok",)]:
                raise EnvironmentTrouble(
                    f"The backup written to {destination.parent} did not read back whole, so it was removed. {SAFE}",
                    "Try another folder or disk; if it happens again, ask whoever looks after this computer.",
                )
            _sync(partial)
            partial.rename(destination)
            _sync(destination.parent)
        except sqlite3.Error as exc:
            _discard(partial)
            trouble = classify(exc, str(destination))
            raise (trouble or EnvironmentTrouble(f"The backup failed: {exc}.", "Try another folder.")) from exc
        except OSError as exc:
            _discard(partial)
            raise file_trouble(exc, destination) from exc
        except EnvironmentTrouble:
            _discard(partial)
            raise
        return destination


def _discard(path: Path) -> None:
    """A half-written copy removed, if it can be (its folder may be what failed)."""
    with suppress(OSError):
        path.unlink(missing_ok=True)


def _sync(path: Path) -> None:
    """On the disk itself, not in the computer's memory: a backup must survive a power cut after it."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def gone_notice(database: Database, now: datetime, *, journal: bool = False) -> str | None:
    """What the nurse is told, on every screen, once the database file has gone while open: what happened,
    where the rescue copy of what it held is, and what to do; None while the file is still there. With a
    ``journal``, what is kept on the workstation meanwhile is said before these words, not in them."""
    what = database.gone()
    if what is None:
        return None
    rescued = database.rescue(now)
    copy = (
        f"Everything it held up to now was copied to {rescued}."
        if rescued is not None
        else "No copy of it could be written (its folder and the data folder cannot be written to)."
    )
    meanwhile = (
        ""  # what is kept on the workstation meanwhile is said by the words this follows (core.care.here)
        if journal
        else " Nothing can be saved until it is back: keep recording on the downtime forms; what is typed on "
        "screen stays there."
    )
    return (
        f"The database {database.where} {what} while Chairside was using it.{meanwhile} {copy} Ask whoever "
        "looks after this computer to put the file back or restore that copy, then start Chairside again."
    )


def check_sqlite_file(path: Path, *, create: bool) -> None:
    """Refuse a missing, unreadable, empty or foreign file before SQLite would quietly make a new one or
    change it: the file is identified read-only, so a file that is refused is left byte for byte as it was.
    Only ``create`` (``db create``, the very first start) may begin a new database, in a new or empty file."""
    try:
        there = path.exists()
    except OSError as exc:  # a name too long for the disk, a folder that is a file
        raise InputError(
            "database",
            f"The database address is not a place this computer can use ({exc.strerror}).",
            "Check the address: a full path to a file, e.g. sqlite:////home/clinic/chairside.sqlite.",
        ) from exc
    if not there:
        if create:  # made here, on purpose: Chairside's connections never make a file that is missing
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=PRIVATE, exist_ok=False)
            return
        raise DatabaseMissing(
            f"There is no database at {path}.",
            "If it was moved or the disk is not connected, put it back and start again. To restore a "
            "backup, copy it to that path. To start a new, empty database there on purpose, run "
            f"`{command()} db create`.",
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
    tables = _tables(path) if header else set()
    if not tables and not create:  # emptied by a failed copy or restore: records are missing, not new
        raise DatabaseCorrupt(
            f"{path} is empty: it holds no Chairside records.",
            "Do not start again over it. Restore the latest backup to that path, or check the database "
            "address. To begin a new, empty database there on purpose, move the empty file away and run "
            f"`{command()} db create`.",
        )
    if tables and not tables.issuperset(CHAIRSIDE_TABLES):
        raise DatabaseCorrupt(
            f"{path} holds tables but is not a Chairside database.",
            "Check the database address. Chairside will not write into another program's data.",
        )


def _tables(path: Path) -> set[str]:
    """The file's table names, read without writing a byte to it (no pragma that changes the file)."""
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as connection:
            return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error as exc:
        trouble = classify(exc, str(path))
        raise (trouble or DatabaseCorrupt(f"{path} cannot be read as a database.", "Check the address.")) from exc


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
    if revision is None and path is None and not create:  # a server's database: as an emptied file is
        database.dispose()
        raise DatabaseCorrupt(
            f"The database {database.where} is empty: it holds no Chairside records.",
            "Check the database address. To begin a new, empty Chairside database there on purpose, run "
            f"`{command()} db create` with that address; to bring records back, restore them with pg_restore.",
        )
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

    upgrade(database.engine)
    return database
