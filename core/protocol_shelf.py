"""Which protocol a session is replayed under: the one it was recorded under, never simply today's.

A session's first event names its protocol's SHA-256. The text of that protocol is kept in the
database (``protocol_copy``, written when a session opens under a protocol not kept yet), and the
versions Chairside has shipped are in ``resources/protocols/earlier`` for sessions recorded before
copies were kept. So a new version — a changed schedule, threshold or discharge rule — never changes
what an earlier session's record says was due, late or done.

A rule a past version did not have at all (a section added later) is taken from today's protocol, as
the only rule there is for it. A session whose protocol cannot be found anywhere (a copy never kept)
replays under today's, and the log says so; its printouts still name the protocol it recorded.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime

from core import records
from core.errors import ProtocolError
from core.event_data import Opened
from core.events import Event
from core.events import EventType as E
from core.paths import resource_path
from core.protocol import Protocol, parse_protocol
from core.unit_of_work import Tx

EARLIER = "protocols/earlier"

log = logging.getLogger(__name__)


def protocol_hash_of(events: Sequence[Event]) -> str | None:
    """The SHA-256 the session's opening entry recorded, if it has one."""
    for event in events:
        if event.type is E.OPENED:
            return event.data_as(Opened).protocol.sha256
    return None


class ProtocolShelf:
    """Today's protocol and every earlier one a session may name, parsed once each."""

    def __init__(self, current: Protocol) -> None:
        self.current = current
        self._known: dict[str, Protocol] = {current.content_hash: current}
        self._shipped: dict[str, str] | None = None

    def keep(self, tx: Tx, at: datetime) -> None:
        """Store today's protocol's text in the records, once; inside the caller's transaction, so a
        session is never committed without the rules it runs under."""
        current = self.current
        if not current.text or records.protocol_kept(tx, current.content_hash):
            return
        records.keep_protocol(tx, current.content_hash, current.id, current.version, current.text, at)

    def for_events(self, tx: Tx | None, events: Sequence[Event]) -> Protocol:
        """The protocol the session of ``events`` was recorded under (today's when it cannot be found)."""
        sha = protocol_hash_of(events)
        if sha is None:
            return self.current
        return self.for_hash(tx, sha)

    def learn(self, texts: dict[str, str]) -> None:
        """Protocol texts by their hash, as kept elsewhere (a workstation's journal, for a start while the
        database is away): a session's rules are then its own, not today's."""
        for sha, text in texts.items():
            if sha not in self._known and hashlib.sha256(text.encode("utf-8")).hexdigest() == sha:
                self._parse(sha, text)

    def for_hash(self, tx: Tx | None, sha: str) -> Protocol:
        found = self._known.get(sha)
        if found is not None:
            return found
        text = self._stored_text(tx, sha) or self._shipped_text(sha)
        if text is None:
            log.warning("protocol %s is not kept in the records: replaying under %s", sha[:12], self.current.reference)
            return self.current
        return self._parse(sha, text)

    def _parse(self, sha: str, text: str) -> Protocol:
        try:
            found = parse_protocol(text.encode("utf-8"), f"the copy of protocol {sha[:12]}", missing_from=self.current)
        except ProtocolError:
            log.warning("protocol %s no longer reads under this version: replaying under today's", sha[:12])
            return self.current
        self._known[sha] = found
        return found

    @staticmethod
    def _stored_text(tx: Tx | None, sha: str) -> str | None:
        if tx is None:
            return None
        return records.protocol_text(tx, sha)

    def shipped_hashes(self) -> set[str]:
        """The SHA-256 of every earlier protocol Chairside ships for replay."""
        self._shipped_text("")
        return set(self._shipped or {})

    def _shipped_text(self, sha: str) -> str | None:
        if self._shipped is None:
            self._shipped = {}
            folder = resource_path(EARLIER)
            for path in sorted(folder.glob("*.toml")) if folder.is_dir() else ():
                data = path.read_bytes()
                self._shipped[hashlib.sha256(data).hexdigest()] = data.decode("utf-8")
        return self._shipped.get(sha)
