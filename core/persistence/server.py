"""A PostgreSQL server as the clinic's database: its address, where its password may come from, and its
failures sorted into the same kinds, and said in the same words, as the SQLite file's.

The password is never part of an address given on the command line (any account on the computer can read
a process's arguments): libpq finds it in the password file (~/.pgpass, or PGPASSFILE), a service file
(~/.pg_service.conf, or PGSERVICEFILE) or PGPASSWORD. Addresses are shown and logged with it masked.

A server that does not answer at all (a cable out, a firewall dropping packets) must not freeze a workstation:
libpq is told to give up connecting after a few seconds, and to probe a quiet connection so one whose server
vanished, even in the middle of a statement, fails within seconds instead of when the kernel gives up (minutes
to hours). An address may set these itself (``?connect_timeout=20``); what it sets is kept.

Failures are sorted by the server's SQLSTATE. A connection that could not be made has none (libpq reports
it before any exchange with a result), so it is sorted by what libpq says it tried: a password sent, or
asked for, means the server itself answered and refused; otherwise the server was not reached.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from sqlalchemy import make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError

if TYPE_CHECKING:
    import psycopg

from core.errors import (
    ChairsideError,
    DatabaseAccessDenied,
    DatabaseLocked,
    DatabaseMissing,
    DatabaseReadOnly,
    DiskFull,
    InputError,
    NotFound,
    RecordChanged,
    RecordRefused,
    ServerGone,
)

log = logging.getLogger(__name__)

DRIVER = "postgresql+psycopg"
SAFE = "Nothing already recorded has been lost."
PASSWORD_PLACES = (
    "Put the password in the PostgreSQL password file (~/.pgpass, readable by this account only), in a "
    "service file, or in the PGPASSWORD environment variable, and give the address without it."
)

BUSY = {"40001", "40P01", "55P03", "53300", "57014"}
"""Serialization failure, deadlock, a lock not granted, no connection slot free, a statement cancelled
after waiting: another workstation was writing at the same moment, and trying again will do."""
GONE = {"57P01", "57P02", "57P03"}
"""The server shutting down, crashed, or still starting: the connection was lost, or not yet to be had."""
CONNECT_SECONDS = 5
"""How long to wait for a server to answer a new connection: a local network answers in milliseconds."""
LIVENESS = {
    "connect_timeout": str(CONNECT_SECONDS),
    "keepalives": "1",
    "keepalives_idle": "5",  # seconds of silence before the first probe
    "keepalives_interval": "2",
    "keepalives_count": "3",
    "tcp_user_timeout": "11000",  # ms: the same ~11 s when what was sent is never acknowledged
}
"""libpq settings under which a server that stopped answering is given up on within about 11 seconds."""


def is_server(url: URL) -> bool:
    return url.get_backend_name() == "postgresql"


def with_driver(url: URL) -> URL:
    """``postgresql://`` means psycopg 3, the one driver Chairside ships; any other driver named is refused
    by the caller as an address it cannot use."""
    return url.set(drivername=DRIVER) if url.drivername == "postgresql" else url


def liveness(url: URL) -> dict[str, str]:
    """The connection settings of ``LIVENESS`` that the address does not set itself."""
    return {name: value for name, value in LIVENESS.items() if name not in url.query}


def refuse_password(address: str) -> None:
    """A password written into an address given on the command line is refused: whoever can list the
    computer's processes could read it. An address that is not one at all is left to ``Database`` to refuse."""
    try:
        url = make_url(address)
    except ArgumentError:
        return
    if url.password:
        raise InputError(
            "database",
            f"The database address {url.render_as_string(hide_password=True)} holds a password, and a "
            "password on the command line can be read by anyone on this computer. Nothing was opened.",
            PASSWORD_PLACES,
        )


def server_trouble(exc: DBAPIError, where: str) -> ChairsideError | None:
    """A PostgreSQL failure sorted by its cause, or None when it is not the server's (a bug)."""
    orig = exc.orig
    # The driver is loaded by the engine that raised, if it is a server's: a workstation on its SQLite file
    # never imports it (~0.1 s of every start), and an error from SQLite cannot be one of its errors.
    psycopg = sys.modules.get("psycopg")
    if psycopg is None or not isinstance(orig, psycopg.Error):
        return None
    code = orig.sqlstate
    if code is None:
        if isinstance(orig, psycopg.errors.ConnectionTimeout):  # nothing answered: no address, no server
            return _unreachable(where, "no answer in time")
        return _no_connection(orig, where) if orig.pgconn is not None else _gone(where)
    if code == "P0001" or code in {"23514", "23502"} or code.startswith("22"):  # a trigger, a CHECK, bad data
        log.error("the database refused a row: %s", orig.diag.message_primary)
        return RecordRefused(
            f"The database refused this entry ({orig.diag.message_primary}), so it was not saved. {SAFE}",
            "Check what was typed and try again; if it is refused again, use the downtime forms and tell whoever "
            "looks after Chairside.",
        )
    if code == "23503":
        return NotFound(
            f"The record this entry belongs to was not found, so it was not saved. {SAFE}",
            "Choose the patient or session again from the list.",
        )
    if code.startswith("23"):
        return RecordChanged(
            f"Someone else recorded on this at the same moment, so this entry was not saved. {SAFE}",
            "Look at the record again, then re-enter what you were saving.",
        )
    if code in BUSY:
        return DatabaseLocked(
            f"The database {where} is busy: another workstation was saving at the same moment, so this was "
            f"not saved. {SAFE}",
            "Try again. If it keeps happening, tell whoever looks after the database server.",
        )
    if code.startswith("08") or code in GONE:
        return _gone(where)
    if code.startswith("28") or code == "42501":
        return _denied(where, orig.diag.message_primary or code)
    if code == "3D000":
        return DatabaseMissing(
            f"There is no database {where} on that server. {SAFE}",
            "Check the database name in the address; whoever looks after the server creates it (the README says how).",
        )
    if code == "53100":
        return DiskFull(
            f"The disk holding the database server's data ({where}) is full, so this was not saved. {SAFE}",
            "Tell whoever looks after the database server: it needs more space before anything can be saved.",
        )
    if code == "25006":
        return DatabaseReadOnly(
            f"The database {where} can be read but not written (a standby server, or one set read-only). {SAFE}",
            "Point Chairside at the clinic's main server, or ask whoever looks after it.",
        )
    return None


def _no_connection(orig: psycopg.Error, where: str) -> ChairsideError:
    pgconn = orig.pgconn
    said = (pgconn.error_message.decode(errors="replace").strip().splitlines() or ["no reason given"])[0]
    if pgconn.used_password or pgconn.needs_password:
        return _denied(where, said)
    return _unreachable(where, said)


def _unreachable(where: str, said: str) -> DatabaseMissing:
    return DatabaseMissing(
        f"The database server {where} cannot be reached ({said}). {SAFE}",
        "Check the network and that the database server is running, then try again.",
    )


def _denied(where: str, said: str) -> DatabaseAccessDenied:
    return DatabaseAccessDenied(
        f"The database server {where} did not let Chairside in ({said}). {SAFE}",
        "Check the user and database names in the address, and the password in the PostgreSQL password "
        "file (~/.pgpass), the service file or PGPASSWORD; whoever looks after the server can reset it.",
    )


def _gone(where: str) -> ServerGone:
    return ServerGone(
        f"The connection to the database server {where} was lost, so what was being saved may not have been. {SAFE}",
        "Check the network and that the server is running. Then look at the record before entering it again: "
        "if the connection went while it was being saved, it may be there already.",
    )
