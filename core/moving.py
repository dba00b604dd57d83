"""Moving a clinic: every record of this database copied into a new, empty one (a PostgreSQL server that
several workstations will share), checked before and after.

The old database is only read: the copy is made from a consistent snapshot of it (SQLite's online
backup, taken into a private folder), so entries recorded meanwhile cannot half-appear. The audit trail
must hold on the old database before anything is written, and on the new one after; every table must
have as many rows on both; then the new trail records where its records came from. A target that holds
any table is refused: a copy never mixes two clinics' records.
"""

from __future__ import annotations

import getpass
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core import audit
from core.audit import AuditAction
from core.errors import ChairsideError, EnvironmentTrouble
from core.persistence.clinic_copy import copy_rows, row_counts, table_names
from core.persistence.db import Database, open_database, sqlite_url
from core.unit_of_work import UnitOfWork

NOTHING_CHANGED = "Nothing was changed on either database."
AFTER = "This workstation's database was not changed; do not use the new one."


@dataclass(frozen=True)
class Moved:
    target: str
    """Where the records went, as shown (never with a password)."""
    counts: dict[str, int]
    """Rows copied per table."""
    entries: int
    """Lines of the audit trail on the new database, the line recording the copy included."""


def move_clinic(source: Database, target_url: str, now: Callable[[], datetime], workstation: str) -> Moved:
    """Copy every record of ``source`` into the empty database at ``target_url``."""
    target = Database(target_url)
    try:
        if target.where == source.where:
            raise ChairsideError(
                "The database to copy into is the one being copied.", "Give the new database's address."
            )
        held = table_names(target)
        if held:
            raise ChairsideError(
                f"{target.where} is not empty (it holds {len(held)} tables): a clinic is copied only into a new, "
                f"empty database. {NOTHING_CHANGED}",
                "Create an empty database for Chairside on the server, then copy again.",
            )
        with _snapshot(source) as snapshot:
            _trail_holds(snapshot, "this workstation's database", "before anything was copied", NOTHING_CHANGED)
            counts = row_counts(snapshot)
            target.dispose()
            target = open_database(target_url, create=True)
            copied = copy_rows(snapshot, target)
            head = audit.head(snapshot)
        if copied != counts or row_counts(target) != counts:
            raise EnvironmentTrouble(
                f"The copy on {target.where} does not hold every row of the original. {AFTER}",
                "Drop the new database on the server, create it empty again, and copy again.",
            )
        _trail_holds(target, target.where, "after the copy", AFTER)
        detail = {
            "from": source.where,
            "copied_head": list(head) if head else None,
            "rows": counts,
            "os_account": getpass.getuser(),
        }
        with UnitOfWork(target, now, workstation).writing() as work:
            work.audit(AuditAction.DATABASE_COPIED, detail=detail)
        check = _trail_holds(target, target.where, "after the copy was recorded", AFTER)
        return Moved(target.where, counts, check.entries)
    finally:
        target.dispose()


@contextmanager
def _snapshot(source: Database) -> Iterator[Database]:
    """A consistent copy of a SQLite database in a private folder, removed afterwards; a server database is
    read as it stands (a PostgreSQL server is moved with pg_dump, not here)."""
    if source.sqlite_path is None:
        yield source
        return
    with tempfile.TemporaryDirectory(prefix="chairside-move-") as folder:
        copy = open_database(sqlite_url(source.backup_to(Path(folder) / "snapshot.sqlite")))
        try:
            yield copy
        finally:
            copy.dispose()


def _trail_holds(database: Database, what: str, when: str, then: str) -> audit.ChainCheck:
    """The trail's check, or why the move stops; ``then``: what that leaves, and what to do."""
    check = audit.verify(database)
    if not check.ok:
        raise EnvironmentTrouble(
            f"The audit trail of {what} does not hold {when}: {check.problem} {then}",
            "Run 'main.py audit verify' on it, and ask whoever looks after Chairside.",
        )
    return check
