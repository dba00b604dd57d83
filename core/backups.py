"""Backups nobody has to remember: taken on a schedule while the app runs and when the last nurse signs out,
each checked after writing, named by its time, and thinned to what the clinic keeps.

Only the embedded SQLite database is copied here; a PostgreSQL server is backed up on the server
(``pg_dump``), and the status says so. A backup is written under a temporary name and checked
(``PRAGMA quick_check``) before it gets its name (``Database.backup_to``); then its audit trail is
verified, so a copy of a trail that does not hold is reported rather than trusted.
"""

from __future__ import annotations

import getpass
import logging
import os
import sqlite3
import threading
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from core import audit
from core.about import command
from core.audit import AuditAction
from core.errors import ChairsideError, DatabaseCorrupt, EnvironmentTrouble
from core.paths import data_dir
from core.persistence.db import PRIVATE, Database, check_sqlite_file, file_trouble, open_database, sqlite_url
from core.settings import ClinicSettings
from core.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

PREFIX = "chairside-backup-"
STAMP = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class Backup:
    taken_at: datetime
    path: Path


@dataclass(frozen=True)
class BackupStatus:
    """What the board's status line and the technical notice say about backups."""

    last: Backup | None
    folder: Path
    reachable: bool
    overdue: bool
    server: bool = False

    @property
    def trouble(self) -> bool:
        return not self.server and (self.overdue or not self.reachable)

    def words(self, now: datetime) -> tuple[str, str]:
        """The status line (short: it shares the top bar), and the notice ("" when all is well), in this
        computer's time."""
        if self.server:
            return "Backups: on the database server", ""
        when = None
        if self.last is not None:
            taken = self.last.taken_at.astimezone()
            when = f"{taken:%H:%M}" if taken.date() == now.astimezone().date() else f"{taken:%-d %b %H:%M}"
        line = f"Last backup {when}" if when else "No backup yet"
        if not self.reachable:
            return line, (
                f"Backups cannot be written to {self.folder}: the folder cannot be reached. Nothing recorded is "
                "lost. Ask whoever looks after this computer to connect it, or to choose another folder (the "
                "backup_folder setting)."
            )
        if self.overdue:
            since = f"The last good backup was taken {when}" if when else "No backup has been taken yet"
            return line, (
                f"{since}, longer ago than the clinic's schedule allows. Nothing recorded is lost. Ask whoever "
                f"looks after this computer to look at {self.folder} and Chairside's log."
            )
        return line, ""


def backup_folder(chosen: str) -> Path:
    """The clinic's folder for backups (``backup_folder`` setting), or one in Chairside's data folder."""
    return Path(chosen).expanduser() if chosen else data_dir() / "backups"


def backups_in(folder: Path) -> list[Backup]:
    """The backups in ``folder`` by the time in their names, newest first (other files are left alone)."""
    found = []
    try:
        paths = list(folder.glob(f"{PREFIX}*.sqlite"))
    except OSError:
        return []
    for path in paths:
        try:
            taken = datetime.strptime(path.stem.removeprefix(PREFIX), STAMP).replace(tzinfo=UTC)
        except ValueError:
            continue
        found.append(Backup(taken, path))
    return sorted(found, key=lambda backup: backup.taken_at, reverse=True)


def status(database: Database, settings: ClinicSettings, now: datetime, since: datetime) -> BackupStatus:
    """``since``: when the app started (with no backup yet, the first is not owed before the schedule's
    hours have passed since then)."""
    folder = backup_folder(settings.backup_folder)
    if not database.is_sqlite:
        return BackupStatus(None, folder, reachable=True, overdue=False, server=True)
    reachable = writable(folder)
    found = backups_in(folder)
    last = found[0] if found else None
    allowed = timedelta(hours=settings.backup_every_hours) + timedelta(minutes=15)  # a backup under way
    overdue = now - (last.taken_at if last else since) > allowed
    return BackupStatus(last, folder, reachable, overdue)


def writable(folder: Path) -> bool:
    """Whether a backup can be written there: the folder, or the nearest folder above it that exists (the
    rest is made on the way), is a folder this account may write in."""
    nearest = folder
    try:
        while not nearest.exists() and nearest != nearest.parent:
            nearest = nearest.parent
        return nearest.is_dir() and os.access(nearest, os.W_OK)
    except OSError:  # a name too long for the disk
        return False


def due(
    database: Database, settings: ClinicSettings, now: datetime, since: datetime, *, every: timedelta | None = None
) -> bool:
    """Whether a backup is owed now: ``every`` (the clinic's hours unless given) since the last one, or
    since ``since`` when there is none yet. Never for a server's database."""
    if not database.is_sqlite:
        return False
    found = backups_in(backup_folder(settings.backup_folder))
    after = every if every is not None else timedelta(hours=settings.backup_every_hours)
    return now - (found[0].taken_at if found else since) >= after


def take(database: Database, settings: ClinicSettings, now: datetime, workstation: str) -> Backup:
    """Write one backup named by ``now``, check it (whole, and its audit trail holding), record it in the
    trail, and thin the folder to what the clinic keeps. Raises with words when it cannot."""
    folder = backup_folder(settings.backup_folder)
    path = database.backup_to(folder / f"{PREFIX}{now.astimezone(UTC).strftime(STAMP)}.sqlite")
    problem = trail_problem(path, now)
    if problem:
        raise EnvironmentTrouble(
            f"The backup {path} was written, but its audit trail does not hold: {problem}",
            f"Keep it, and the database: ask whoever looks after Chairside to run `{command()} audit verify`.",
        )
    detail = {"to": str(path), "os_account": getpass.getuser()}
    with UnitOfWork(database, lambda: now, workstation).writing() as work:
        work.audit(AuditAction.BACKUP_TAKEN, detail=detail)
    for old in to_remove(backups_in(folder), now, settings.backup_keep_last, settings.backup_keep_days):
        old.path.unlink(missing_ok=True)
        log.info("backup %s removed: older than the clinic keeps", old.path)
    log.info("backup written and checked: %s", path)
    return Backup(now, path)


def trail_problem(path: Path, now: datetime) -> str:
    """What is wrong with the audit trail of the copy at ``path`` ("" when it holds); an older copy is brought
    up to this schema first (a backup of it is kept beside it, named by ``now``)."""
    copy = open_database(sqlite_url(path), backup_stamp=now)
    try:
        return audit.verify(copy).problem
    finally:
        copy.dispose()


def to_remove(found: list[Backup], now: datetime, keep_last: int, keep_days: int) -> list[Backup]:
    """Past the newest ``keep_last``, one a day (the day's last) is kept for ``keep_days`` days."""
    kept_days: set[date] = set()
    remove = []
    for number, backup in enumerate(found):  # newest first
        day = backup.taken_at.date()
        if number < keep_last:
            kept_days.add(day)
            continue
        if day not in kept_days and now - backup.taken_at <= timedelta(days=keep_days):
            kept_days.add(day)
            continue
        remove.append(backup)
    return remove


class BackupLook:
    """The backup folder looked at away from the screen's thread (a share that hangs would otherwise freeze
    the window, its countdowns and its alarms): how the backups stand, and whether one is owed."""

    def __init__(
        self,
        database: Database,
        settings: ClinicSettings,
        now: datetime,
        since: datetime,
        every: timedelta | None,
        *,
        may_start: bool = True,
    ) -> None:
        """``may_start``: whether a backup owed is to be said (not just after one was tried)."""
        self.status: BackupStatus | None = None
        self.owed = False
        args = (database, settings, now, since, every, may_start)
        self._thread = threading.Thread(target=self._run, args=args, name="backup look", daemon=True)
        self._thread.start()

    def _run(
        self,
        database: Database,
        settings: ClinicSettings,
        now: datetime,
        since: datetime,
        every: timedelta | None,
        may_start: bool,
    ) -> None:
        try:
            self.status = status(database, settings, now, since)
            self.owed = may_start and due(database, settings, now, since, every=every)
        except Exception:  # a bug, in a thread of its own: logged; the next look tries again
            log.exception("the backups could not be looked at")

    def done(self) -> bool:
        return not self._thread.is_alive()

    def wait(self) -> None:
        self._thread.join()


class BackupJob:
    """One backup taken away from the screen's thread (a large database takes seconds to copy): the
    window asks each second whether it has finished, and how."""

    def __init__(self, database: Database, settings: ClinicSettings, now: datetime, workstation: str) -> None:
        self.result: Backup | None = None
        self.error: ChairsideError | None = None
        self._thread = threading.Thread(
            target=self._run, args=(database, settings, now, workstation), name="backup", daemon=True
        )
        self._thread.start()

    def _run(self, database: Database, settings: ClinicSettings, now: datetime, workstation: str) -> None:
        try:
            self.result = take(database, settings, now, workstation)
        except ChairsideError as error:
            self.error = error
            log.error("backup failed: %s", error.message)
        except Exception:  # a bug, in a thread of its own: logged, and said like any failed backup
            log.exception("backup failed unexpectedly")
            self.error = EnvironmentTrouble(
                "The scheduled backup failed unexpectedly. Nothing already recorded has been lost.",
                "The details are in Chairside's log; the next backup is tried at its time.",
            )

    def done(self) -> bool:
        return not self._thread.is_alive()

    def wait(self) -> None:
        self._thread.join()


@dataclass(frozen=True)
class Restored:
    path: Path
    kept_aside: Path | None
    replaced_head: tuple[int, str] | None


def restore(target: Path, backup: Path, now: datetime, workstation: str) -> Restored:
    """Put ``backup`` in place of the database at ``target``: the backup is copied beside it and checked
    (a Chairside database, whole, its audit trail holding) before anything is moved; the database it
    replaces is kept aside, never deleted, and the head of its trail is recorded in the restored trail, so a
    later check against an older note of the head can say a restore happened rather than a rewrite."""
    partial = target.with_name(f".{target.name}.restoring")
    partial.unlink(missing_ok=True)
    _copy_read_only(backup, partial)
    try:
        check_sqlite_file(partial, create=False)
        problem = trail_problem(partial, now)
        if problem:
            raise EnvironmentTrouble(
                f"The backup {backup} was not restored: its audit trail does not hold ({problem}). "
                "The database was not changed.",
                "Choose another backup (they are named by the time they were taken).",
            )
        head, aside = _set_aside(target, now) if target.exists() else (None, None)
        partial.replace(target)
    finally:
        for leftover in (partial, *_journals(partial)):
            leftover.unlink(missing_ok=True)
    restored = open_database(sqlite_url(target))
    try:
        detail = {
            "from": str(backup),
            "replaced_head": list(head) if head else None,
            "kept_aside": str(aside) if aside else None,
            "os_account": getpass.getuser(),
        }
        with UnitOfWork(restored, lambda: now, workstation).writing() as work:
            work.audit(AuditAction.DATABASE_RESTORED, detail=detail)
    finally:
        restored.dispose()
    log.warning("database %s restored from %s; the one it replaced is kept at %s", target, backup, aside)
    return Restored(target, aside, head)


def _copy_read_only(backup: Path, partial: Path) -> None:
    """The backup copied without a byte written to it (it may be on a read-only share)."""
    try:
        there = backup.is_file()
    except OSError:  # a name too long for the disk, a folder that is a file
        there = False
    if not there:
        raise EnvironmentTrouble(f"There is no backup at {backup}.", "Check the name: backups are named by time.")
    try:  # made private before a byte of patient data goes in, whatever the umask
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    except OSError as exc:  # the database's folder cannot be written: said as that, not as a bad backup
        raise file_trouble(exc, partial) from exc
    try:
        with (
            closing(sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)) as source,
            closing(sqlite3.connect(partial)) as copy,
        ):
            source.backup(copy)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise DatabaseCorrupt(
            f"{backup} cannot be read as a database, so it was not restored. The database was not changed.",
            "Choose another backup.",
        ) from exc


def _set_aside(target: Path, now: datetime) -> tuple[tuple[int, str] | None, Path]:
    """The database being replaced: its trail's head read, its journal folded in, and the file renamed."""
    head = None
    try:
        current = open_database(sqlite_url(target))
        try:
            head = audit.head(current)
            with current.session() as tx:
                tx.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        finally:
            current.dispose()
    except EnvironmentTrouble as trouble:  # damaged: why a restore is wanted; kept aside all the same
        log.warning("the database being replaced could not be read: %s", trouble.message)
    if any(journal.exists() and journal.stat().st_size for journal in _journals(target)):
        raise EnvironmentTrouble(
            f"Chairside still has {target} open (its journal is in use), so it was not replaced.",
            "Close Chairside on this computer (and any other using that file), then restore again.",
        )
    aside = target.with_name(f"{target.stem}.replaced-{now.astimezone(UTC).strftime(STAMP)}.sqlite")
    target.replace(aside)
    for journal in _journals(target):
        journal.unlink(missing_ok=True)
    return head, aside


def _journals(path: Path) -> tuple[Path, Path]:
    return path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")
