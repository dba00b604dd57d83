"""Knowing, without asking every second, whether another workstation wrote anything: the board's quiet path.

On a PostgreSQL server every unit of work that writes sends a notice on the ``chairside`` channel as it
commits (``core.records.announce``); a listener here, on a connection of its own in a thread of its own,
hears them. While it listens, a board tick that heard nothing since the last read needs no query at all,
and one that did re-reads what moved, so a change on any workstation appears on every other's board on
its next tick. Whenever the listener is not connected (the server restarting, the network gone) it says
that anything may have changed, and the board reads as it does on SQLite, where no notice exists: the
projection's ``last_seq`` tells which sessions moved.
"""

from __future__ import annotations

import logging
import threading

from core.persistence.db import Database
from core.persistence.server import liveness

log = logging.getLogger(__name__)

CHANNEL = "chairside"
RETRY_SECONDS = 2.0
"""How long a lost listener waits before connecting again (the board reads every tick meanwhile)."""
_POLL_SECONDS = 0.25
"""How long the listener waits for a notice before it checks whether it is being closed."""
HEARTBEAT_SECONDS = 10.0
"""How often a quiet listener asks the server something: a connection a firewall dropped without a word
would otherwise look like a quiet clinic for ever."""


class ChangeNotices:
    """Whether anything may have changed since the board last asked (``take``)."""

    def __init__(self, database: Database) -> None:
        self._conninfo = database.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._liveness = liveness(database.url)  # a listener whose server vanished must know it has stopped
        self._where = database.where
        self._lock = threading.Lock()
        self._heard = True  # nothing read yet: everything may have changed
        self._listening = False
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="chairside-notices", daemon=True)
        self._thread.start()

    @classmethod
    def for_database(cls, database: Database) -> ChangeNotices | None:
        """A listener for a server; None for an SQLite file, which has no notices."""
        return cls(database) if database.engine.dialect.name == "postgresql" else None

    @property
    def listening(self) -> bool:
        return self._listening

    def take(self) -> bool:
        """True when something may have changed since the last time this said False: a notice came, or the
        listener is not (or was not, for a while) connected. Taking it clears it."""
        with self._lock:
            heard, self._heard = self._heard or not self._listening, False
            return heard

    def close(self) -> None:
        self._closing.set()
        self._thread.join(timeout=5)

    def _hear(self) -> None:
        with self._lock:
            self._heard = True

    def _listen(self) -> None:
        import psycopg  # in the listener's thread: a workstation on its SQLite file never loads the driver

        while not self._closing.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True, **self._liveness) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._listening = True
                    self._hear()  # whatever was written while it was not listening
                    waits = 0  # counted, not timed: core reads no clock of its own
                    while not self._closing.is_set():
                        for _ in connection.notifies(timeout=_POLL_SECONDS):
                            self._hear()
                        waits += 1
                        if waits * _POLL_SECONDS >= HEARTBEAT_SECONDS:
                            connection.execute("SELECT 1")
                            waits = 0
            except psycopg.Error as error:
                if self._listening:
                    log.warning("stopped hearing changes from %s: %s", self._where, error)
            finally:
                self._listening = False
                self._hear()
            self._closing.wait(RETRY_SECONDS)
