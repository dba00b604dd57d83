"""Care recorded on this workstation while the clinic's database cannot be reached, and sent exactly once
when it can be again.

While a chair's infusion runs, the nurse must go on recording what happens at it: vital signs, side effects,
a pause, a stop, the end of the infusion. When the database is away (the server unreachable, the SQLite file
gone), such an entry is checked against the session as this workstation last read it, with the entries
already waiting here, and saved in the workstation's journal (``core.persistence.journal``); the screen says
it is saved here, not yet in the clinic's record. Entries that need the record itself (a signature, a
check, a new session) wait for it.

When the database answers again, waiting entries are sent in the order they were recorded, each in the place
it expected in its session's log, once (an entry already there is only marked sent), with its own times and
an audit line that says when it arrived and from which journal. If the session moved on meanwhile (another
workstation recorded on it), the entry and those after it on that session are held for a nurse to decide:
add it as a late entry with its own time, or withdraw it with a reason. Both are recorded.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from core import event_data as d
from core import records
from core.audit import AuditAction
from core.care.base import CareBase, required_text
from core.content_hashes import event_content
from core.errors import STORE_AWAY, NotFound, NotNow, NotPermitted
from core.event_words import EVENT_WORDS, headline
from core.events import Event
from core.events import EventType as E
from core.people import Account, Permission, refusal
from core.persistence.db import gone_notice
from core.persistence.journal import JournalEntry, Standing, from_plain, to_plain
from core.record_values import SessionSummary
from core.session_state import SessionState, derive_state
from core.sign_in_here import lines_written, waiting_lines
from core.signatures import Meaning
from core.views import PatientView

AWAY = STORE_AWAY
HERE_KINDS = frozenset(
    {
        E.VITALS,
        E.SIDE_EFFECTS,
        E.ADVERSE_EVENT,
        E.ALERT_ACKNOWLEDGED,
        E.PAUSED,
        E.RESUMED,
        E.PUMP_CONFIRMED,
        E.STOPPED_EARLY,
        E.COMPLETED,
    }
)
"""What a running infusion needs recorded as it happens; everything else waits for the clinic's record."""


@dataclass(frozen=True)
class HeldEntry:
    """An entry saved here that its session moved past on the database meanwhile: a nurse decides."""

    event: Event
    chair: int | None
    words: str


class Here(CareBase):
    """The journal's side of care: recording here while away, and sending what waits."""

    def _append(
        self,
        session_id: str,
        by: str,
        kind: E,
        build: Callable[[SessionState], d.EventData] | None = None,
        *,
        corrects: str | None = None,
        reason: str | None = None,
        signers: Sequence[tuple[str, Meaning]] = (),
        authenticate: Callable[[], Sequence[tuple[str, Meaning]]] | None = None,
        then: Callable[[SessionState], Sequence[tuple[E, d.EventData]]] | None = None,
        occurred_at: datetime | None = None,
    ) -> SessionState:
        """As ``CareBase._append``; while the database is away, an entry of ``HERE_KINDS`` is saved here. A
        session with entries waiting here takes its next ones here too, after them, until they are sent."""
        if self.journal is not None and self._here.get(session_id):
            self._send_if_back()
        if self.journal is None or not self._here.get(session_id):
            try:
                return super()._append(
                    session_id,
                    by,
                    kind,
                    build,
                    corrects=corrects,
                    reason=reason,
                    signers=signers,
                    authenticate=authenticate,
                    then=then,
                    occurred_at=occurred_at,
                )
            except AWAY as away:
                if self.journal is None or kind not in HERE_KINDS or signers or authenticate:
                    raise
                self.away = away
        return self._record_here(session_id, by, kind, build, corrects, reason, then)

    # ---- recording here ------------------------------------------------------------------------------

    def _record_here(
        self,
        session_id: str,
        by: str,
        kind: E,
        build: Callable[[SessionState], d.EventData] | None,
        corrects: str | None,
        reason: str | None,
        then: Callable[[SessionState], Sequence[tuple[E, d.EventData]]] | None,
    ) -> SessionState:
        assert self.journal is not None
        if kind not in HERE_KINDS:
            raise NotNow(
                f"{EVENT_WORDS.get(kind, 'This entry')} waits for the clinic's database, which cannot be reached now.",
                "Record it on the downtime form; enter it when the database is back.",
            )
        self._may_record_here(by)
        kept = self._open_logs.get(session_id)
        rules = self._rules_of(session_id)
        if kept is None or rules is None:
            raise NotFound(
                "This chair's record was not read before the database went away, so nothing can be added to it here.",
                "Record on the downtime form until the database is back.",
            )
        now = self.clock.now()
        events = [*kept[1], *self._here.get(session_id, [])]
        state = derive_state(rules, events, now, self.app_started_at)
        payload = self._payload(state, kind, build)
        event = Event(
            id=str(uuid.uuid4()),
            session_id=session_id,
            seq=events[-1].seq + 1,
            type=kind,
            occurred_at=now,
            recorded_at=now,
            recorded_by=by,
            workstation=self.workstation,
            payload=payload.to_payload(),
            corrects=corrects,
            reason=reason,
        )
        new = [event]
        new_state = derive_state(rules, [*events, event], now, self.app_started_at)
        for follow, follow_payload in then(new_state) if then else ():
            self._payload(new_state, follow, None)
            event = Event(
                id=str(uuid.uuid4()),
                session_id=session_id,
                seq=event.seq + 1,
                type=follow,
                occurred_at=now,
                recorded_at=now,
                recorded_by=by,
                workstation=self.workstation,
                payload=follow_payload.to_payload(),
            )
            new.append(event)
            new_state = derive_state(rules, [*events, *new], now, self.app_started_at)
        self.journal.add([(entry, event_content(entry)) for entry in new])
        self._here.setdefault(session_id, []).extend(new)
        return new_state

    def _may_record_here(self, by: str) -> None:
        """The one permission rule, on the account as this workstation last read it."""
        account = self._accounts_kept.get(by)
        refused = refusal(account, Permission.RECORD_CARE)
        if refused is not None:
            raise NotPermitted(refused.message, refused.advice)

    def away_words(self) -> str | None:
        """What every screen says while the database cannot be reached (or its file has gone) and entries are
        saved here, or while entries saved here still wait to be sent; None when all is in the clinic's
        record (and always without a journal: then nothing is saved here)."""
        if self.journal is None:
            return None
        waiting = sum(len(events) for events in self._here.values())
        count = f" {waiting} {'entry waits' if waiting == 1 else 'entries wait'} here to be sent." if waiting else ""
        gone = gone_notice(self.db, self.clock.now(), journal=True)
        if gone is not None:  # the SQLite file: its own words say where the copy of it is
            return gone + count
        if self.away is None and not waiting:
            return None
        why = "The clinic's database cannot be reached. " if self.away is not None else ""
        return (
            f"{why}What the chairs need recorded now (vital signs, side effects, pauses, stopping or completing "
            f"an infusion) is saved on this workstation and sent when the database is back.{count} Signatures, "
            "checks, new sessions and the day log wait for it: use the downtime forms for those."
        )

    def _keep_board(self) -> None:
        """What the chairs need to go on after a restart while the database is away: the open sessions and
        their logs as last read, their patients, and the accounts (for the permission rule)."""
        if self.journal is None:
            return
        sessions = [
            {
                "summary": to_plain(summary),
                "patient": to_plain(self._open_logs[summary.id][2]),
                "events": [to_plain(event) for event in self._open_logs[summary.id][1]],
            }
            for summary, _ in self._board
        ]
        accounts = [to_plain(account) for account in self._accounts_kept.values()]
        self.journal.keep("board", {"sessions": sessions, "accounts": accounts})

    def go_on_from_journal(self) -> bool:
        """Started while the database cannot be reached: the chairs as this workstation last read them, from
        its journal, so their infusions go on; False when the journal holds none for this database."""
        kept = self.journal.kept("board") if self.journal is not None else None
        if not kept:
            return False
        board = []
        for session in kept["sessions"]:
            summary = from_plain(SessionSummary, session["summary"])
            events = [from_plain(Event, event) for event in session["events"]]
            self._open_logs[summary.id] = (summary.last_seq, events, from_plain(PatientView, session["patient"]))
            board.append((summary, self.shelf.for_hash(None, summary.protocol_hash)))
        self._board = board
        self._accounts_kept = {plain["id"]: from_plain(Account, plain) for plain in kept["accounts"]}
        return True

    def waiting_here(self) -> frozenset[str]:
        """The ids of entries saved on this workstation and not yet in the clinic's record."""
        return frozenset(event.id for events in self._here.values() for event in events)

    # ---- sending what waits ------------------------------------------------------------------------

    def _send_if_back(self) -> None:
        """Send what waits, if the database answers; if not, it goes on waiting."""
        try:
            self.send_waiting()
        except AWAY as away:
            self.away = away

    def send_waiting(self) -> int:
        """Every entry waiting here sent, in order, each once; returns how many were sent. An entry whose
        session moved on meanwhile is held for a nurse, and so are those after it on that session."""
        assert self.journal is not None
        lines = waiting_lines(self.journal)
        if lines:  # sign-ins here, for the trail, first: they came before what was recorded after them
            with self.door.writing() as work:
                for line in lines:
                    work.audit_as(line["actor_id"], AuditAction(line["action"]), detail=line["detail"])
            lines_written(self.journal, len(lines))
        sent = 0
        held: set[str] = set()
        for entry in self.journal.entries(Standing.WAITING):
            event = entry.event
            if event.session_id in held or not self._send(entry):
                held.add(event.session_id)
                self.journal.settle(event.id, Standing.CONFLICT, self.clock.now())
            else:
                sent += 1
            self._here[event.session_id] = [e for e in self._here.get(event.session_id, []) if e.id != event.id]
        self._here = {sid: events for sid, events in self._here.items() if events}
        self.away = None
        return sent

    def _send(self, entry: JournalEntry) -> bool:
        """One entry into the clinic's record, in the place it expected: True once it is there (now, or
        already, when an earlier sending was cut off before the journal heard it arrived); False when the
        session moved on meanwhile."""
        assert self.journal is not None
        event = entry.event
        with self.door.writing() as work:
            if records.event_exists(work.tx, event.id):
                arrived = True
            else:
                summary = records.summary(work.tx, event.session_id)
                if summary is None or summary.last_seq != event.seq - 1:
                    return False
                events = records.load_events(work.tx, event.session_id)
                noted = {"arrived_at": work.at.isoformat(), "journal": str(self.journal.path)}
                self._insert(work, summary, events, event, noted)
                arrived = True
        if arrived:
            self.journal.settle(event.id, Standing.SENT, self.clock.now())
        return arrived

    # ---- what a nurse decides for an entry held --------------------------------------------------

    def held_here(self) -> list[HeldEntry]:
        """Entries saved here whose sessions moved on meanwhile, oldest first, in words."""
        if self.journal is None:
            return []
        chairs = {summary.id: summary.chair for summary, _ in self._board}
        return [
            HeldEntry(entry.event, chairs.get(entry.event.session_id), held_words(entry.event))
            for entry in self.journal.entries(Standing.CONFLICT)
        ]

    def add_late(self, event_id: str, by: str) -> SessionState:
        """A held entry added after what was recorded meanwhile, as a late entry with its own time."""
        entry = self._held(event_id)
        event = entry.event
        data = event.data
        state = self._append(
            event.session_id,
            by,
            event.type,
            lambda _state: data,
            corrects=event.corrects,
            reason=f"Recorded on {event.workstation} while the clinic's database could not be reached; "
            "added late, after what was recorded meanwhile.",
            occurred_at=event.occurred_at,
        )
        assert self.journal is not None
        self.journal.settle(event_id, Standing.SENT_LATE, self.clock.now(), by)
        return state

    def withdraw(self, event_id: str, why: str, by: str) -> None:
        """A held entry not added, with the reason: its audit line keeps what it said."""
        entry = self._held(event_id)
        reason = required_text(why, "withdraw_reason", "why the entry is withdrawn")
        event = entry.event
        with self.door.writing(by, Permission.RECORD_CARE) as work:
            summary = records.summary(work.tx, event.session_id)
            detail = {
                "event_id": event.id,
                "type": event.type,
                "content_hash": entry.content_hash,
                "occurred_at": event.occurred_at.isoformat(),
                "recorded_by": event.recorded_by,
                "workstation": event.workstation,
                "reason": reason,
            }
            patient = summary.patient_id if summary is not None else None
            work.audit(AuditAction.JOURNAL_WITHDRAWN, patient_id=patient, session_id=event.session_id, detail=detail)
        assert self.journal is not None
        self.journal.settle(event_id, Standing.WITHDRAWN, self.clock.now(), by, reason)

    def _held(self, event_id: str) -> JournalEntry:
        for entry in self.journal.entries(Standing.CONFLICT) if self.journal is not None else []:
            if entry.event.id == event_id:
                return entry
        raise NotFound("That entry is no longer waiting for a decision.", "Look at the list again.")


def held_words(event: Event) -> str:
    return f"{headline(event)}, saved on {event.workstation}: the session moved on in the clinic's record meanwhile."
