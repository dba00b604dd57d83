"""Which database to use and opening everything a workstation needs, for the app and the CLI alike.

The database is chosen by ``--database``, then ``CHAIRSIDE_DATABASE_URL``, then this workstation's
settings file, then the default file in the user data folder. Only the very first start (no settings
file, no default database) creates a database without being asked; after that a missing database is
reported, never silently replaced.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from core.care import Care
from core.clock import Clock
from core.errors import DatabaseMissing
from core.paths import default_database_path
from core.persistence.db import Database, open_database, sqlite_url
from core.persistence.journal import Journal
from core.persistence.notices import ChangeNotices
from core.persistence.server import refuse_password
from core.protocol import Protocol
from core.protocol_cache import load_protocol_cached
from core.settings import (
    CLINIC_KEPT,
    ClinicSettings,
    WorkstationSettings,
    clinic_settings,
    journal_file,
    load_workstation,
    save_workstation,
    workstation_file,
)

ENV_DATABASE = "CHAIRSIDE_DATABASE_URL"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Choice:
    url: str
    first_start: bool


def choose_database(explicit: str | None, workstation: WorkstationSettings) -> Choice:
    """``explicit`` is the address given on the command line, which must not hold a password."""
    if explicit:
        refuse_password(explicit)
        return Choice(explicit, first_start=False)
    if os.environ.get(ENV_DATABASE):
        return Choice(os.environ[ENV_DATABASE], first_start=False)
    if workstation.database_url:
        return Choice(workstation.database_url, first_start=False)
    path = default_database_path()
    return Choice(sqlite_url(path), first_start=not path.exists() and not workstation_file().exists())


def open_store(explicit: str | None, clock: Clock, *, create: bool = False) -> tuple[Database, WorkstationSettings]:
    """Open and migrate the chosen database; on the first start create it and remember it."""
    workstation = load_workstation()
    choice = choose_database(explicit, workstation)
    database = open_database(choice.url, create=create or choice.first_start, backup_stamp=clock.now())
    if choice.first_start:
        workstation.database_url = choice.url
        save_workstation(workstation)
        log.info("first start: created %s", database.where)
    return database, workstation


@dataclass
class Workplace:
    """Everything the app's windows need, built once at start."""

    database: Database
    protocol: Protocol
    care: Care
    clinic: ClinicSettings
    workstation: WorkstationSettings

    def close(self) -> None:
        """At exit: stop listening for other workstations' changes, then close the database's connections."""
        if self.care.notices is not None:
            self.care.notices.close()
        self.database.dispose()

    @property
    def chairs(self) -> list[int]:
        every = list(range(1, self.clinic.chairs + 1))
        shown = self.workstation.chairs_shown
        return [c for c in every if c in shown] if shown else every


def open_workplace(explicit: str | None, clock: Clock) -> Workplace:
    """Raises ProtocolError before touching the database if the protocol cannot be trusted. A server that
    cannot be reached at start is gone on without, from this workstation's journal, when it holds the
    chairs as last read (``away_workplace``)."""
    protocol = load_protocol_cached()
    try:
        database, workstation = open_store(explicit, clock)
    except DatabaseMissing as away:
        return away_workplace(explicit, clock, protocol, away)
    journal = Journal(journal_file(), database.where)
    notices = ChangeNotices.for_database(database)
    care = Care(database, protocol, clock, workstation=workstation.name, notices=notices, journal=journal)
    clinic = clinic_settings(database)
    journal.keep(CLINIC_KEPT, clinic.model_dump())
    return Workplace(database, protocol, care, clinic, workstation)


def away_workplace(explicit: str | None, clock: Clock, protocol: Protocol, away: DatabaseMissing) -> Workplace:
    """Started while the clinic's server cannot be reached: the chairs this workstation had open go on from
    its journal, their entries saved there until the server is back; ``away`` is raised again when there is
    nothing to go on from (an SQLite file that is missing is never gone on without: it must be put back)."""
    workstation = load_workstation()
    database = Database(choose_database(explicit, workstation).url)
    if database.sqlite_path is not None:
        raise away
    journal = Journal(journal_file(), database.where)
    kept = journal.kept(CLINIC_KEPT)
    care = Care(
        database,
        protocol,
        clock,
        workstation=workstation.name,
        notices=ChangeNotices.for_database(database),
        journal=journal,
    )
    if kept is None or not care.go_on_from_journal():
        if care.notices is not None:
            care.notices.close()
        database.dispose()
        raise away
    care.away = away
    log.warning("started while %s cannot be reached: going on from the journal %s", database.where, journal.path)
    return Workplace(database, protocol, care, ClinicSettings.model_validate(kept), workstation)
