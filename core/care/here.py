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
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from core import audit, records
from core import event_data as d
from core.audit import AuditAction
from core.care.base import CareBase, entry_ids, required_text
from core.content_hashes import event_content
from core.dates import local_stamp, local_time
from core.errors import STORE_AWAY, NotFound, NotNow, NotPermitted
from core.event_words import EVENT_WORDS, event_line, headline
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
    """An entry saved here that cannot simply be sent (its session moved on meanwhile): a nurse decides."""

    event: Event
    chair: int | None
    words: str
    title: str
    """What and when, to name it on a button or in a message: "Vital signs 13:02"."""


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
        event_id: str | None = None,
    ) -> SessionState:
        """As ``CareBase._append``; while the database is away, an entry of ``HERE_KINDS`` is saved here. A
        session with entries waiting here takes its next ones here too, after them, until they are sent. The
        entry's id is chosen first, so a copy saved here of one the database did take (its answer lost with
        the connection) is known by it and never added twice."""
        event_id = event_id or str(uuid.uuid4())
        if self.known_away():  # what cannot be saved here is refused by _record_here, in words
            return self._record_here(session_id, by, kind, build, (corrects, reason, event_id), then)
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
                    event_id=event_id,
                )
            except STORE_AWAY as away:
                if self.journal is None or kind not in HERE_KINDS or signers or authenticate:
                    raise
                self.away = away
        return self._record_here(session_id, by, kind, build, (corrects, reason, event_id), then)

    # ---- recording here ------------------------------------------------------------------------------

    def _record_here(
        self,
        session_id: str,
        by: str,
        kind: E,
        build: Callable[[SessionState], d.EventData] | None,
        about: tuple[str | None, str | None, str],
        then: Callable[[SessionState], Sequence[tuple[E, d.EventData]]] | None,
    ) -> SessionState:
        """The entry (what it corrects, why, its id) saved here, on the session as last read with what waits."""
        assert self.journal is not None
        corrects, reason, event_id = about
        ids = entry_ids(event_id)
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
            id=next(ids),
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
            event = replace(
                event,
                id=next(ids),
                seq=event.seq + 1,
                type=follow,
                payload=follow_payload.to_payload(),
                corrects=None,
                reason=None,
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
        """What every screen says while the clinic's record cannot be reached (the server away, or its file
        gone) and entries are kept here, or while entries kept here still wait to be sent; None when all is
        in the record (and always without a journal: then nothing is kept here). What the nurse must know
        comes first; what whoever looks after the computer needs (the file, its copy) comes after."""
        if self.journal is None:
            return None
        waiting = sum(len(events) for events in self._here.values())
        gone = gone_notice(self.db, self.clock.now(), journal=True)
        if self.away is None and gone is None and not waiting:
            return None
        kept = f" ({waiting} so far)" if waiting else ""
        first = (
            "The clinic's record cannot be reached. "
            if self.away is not None or gone is not None
            else "The clinic's record is back; what was kept on this computer is being sent. "
        )
        words = (
            f"{first}Vital signs, side effects, pauses and stopping or completing an infusion are kept on this "
            f"computer{kept} and sent when it is back. Record everything else on the downtime forms: "
            "signatures, checks, new patients, course orders, new sessions. The day log waits for it too."
        )
        return f"{words} For whoever looks after this computer: {gone}" if gone is not None else words

    def waiting_for(self, session_id: str) -> int:
        """How many of a session's entries are kept on this computer, not yet in the clinic's record."""
        return len(self._here.get(session_id, []))

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
        protocols = {rules.content_hash: rules.text for _, rules in self._board if rules.text}
        self.journal.keep("board", {"sessions": sessions, "accounts": accounts, "protocols": protocols})

    def go_on_from_journal(self) -> bool:
        """Started while the database cannot be reached: the chairs as this workstation last read them, from
        its journal, so their infusions go on; False when the journal holds none for this database."""
        kept = self.journal.kept("board") if self.journal is not None else None
        if not kept:
            return False
        board, logs = [], {}
        self.shelf.learn(kept.get("protocols", {}))
        try:
            for session in kept["sessions"]:
                summary = from_plain(SessionSummary, session["summary"])
                events = [from_plain(Event, event) for event in session["events"]]
                logs[summary.id] = (summary.last_seq, events, from_plain(PatientView, session["patient"]))
                board.append((summary, self.shelf.for_hash(None, summary.protocol_hash)))
            accounts = {plain["id"]: from_plain(Account, plain) for plain in kept["accounts"]}
        except (KeyError, TypeError, ValueError):  # kept by another version of Chairside: not trusted
            return False
        self._board, self._open_logs, self._accounts_kept = board, logs, accounts
        return True

    def waiting_here(self) -> frozenset[str]:
        """The ids of entries saved on this workstation and not yet in the clinic's record."""
        return frozenset(event.id for events in self._here.values() for event in events)

    # ---- sending what waits ------------------------------------------------------------------------

    def _send_if_back(self) -> None:
        """Send what waits, if the database answers; if not, it goes on waiting."""
        try:
            self.send_waiting()
        except STORE_AWAY as away:
            self.away = away

    def send_waiting(self) -> int:
        """Every entry waiting here sent, in order, each once; returns how many were sent. Entries saved
        together are sent together. An entry whose session moved on meanwhile is held for a nurse, and so
        are those after it on that session."""
        assert self.journal is not None
        lines = waiting_lines(self.journal)
        if lines:  # sign-ins here, for the trail, first: they came before what was recorded after them
            since = min(datetime.fromisoformat(line["detail"]["at"]) for line in lines)
            # written before, by a sending cut off before the journal heard: not twice
            there = {entry.detail.get("line_id") for entry in audit.entries(self.db, start=since, limit=100_000)}
            with self.door.writing() as work:
                for line in lines:
                    if line["detail"].get("line_id") not in there:
                        work.audit_as(line["actor_id"], AuditAction(line["action"]), detail=line["detail"])
            lines_written(self.journal, len(lines))
        sent = 0
        held: dict[str, str] = {}
        for batch in _batches(self.journal.entries(Standing.WAITING)):
            session_id = batch[0].event.session_id
            why = held.get(session_id) or self._send(batch)
            if why:
                held[session_id] = why
                for entry in batch:
                    self.journal.settle(entry.event.id, Standing.CONFLICT, self.clock.now(), why=why)
                self._held_count += len(batch)
            else:
                sent += len(batch)
            ids = {entry.event.id for entry in batch}
            self._here[session_id] = [e for e in self._here.get(session_id, []) if e.id not in ids]
        self._here = {sid: events for sid, events in self._here.items() if events}
        self.journal.forget_settled(self.clock.now())
        self.away = None
        return sent

    def _send(self, batch: list[JournalEntry]) -> str:
        """Entries saved together into the clinic's record, in the places they expected: "" once they are there
        (now, or already, when an earlier sending was cut off before the journal heard they arrived, or when
        the database had them though its answer was lost); else why they are held for a nurse."""
        assert self.journal is not None
        first = batch[0].event
        with self.door.writing() as work:
            if not records.event_exists(work.tx, first.id):
                summary = records.summary(work.tx, first.session_id)
                if summary is None or summary.last_seq != first.seq - 1:
                    return MOVED_ON
                account = records.account(work.tx, first.recorded_by)
                if account is None or (
                    account.deactivated_at is not None and account.deactivated_at <= first.recorded_at
                ):
                    return DEACTIVATED
                events = records.load_events(work.tx, first.session_id)
                noted = {"arrived_at": work.at.isoformat(), "journal": str(self.journal.path)}
                for entry in batch:
                    events, _, summary = self._insert(work, summary, events, entry.event, noted)
        for entry in batch:
            self.journal.settle(entry.event.id, Standing.SENT, self.clock.now())
        self._carried(batch)
        return ""

    def _carried(self, batch: list[JournalEntry]) -> None:
        """What the board last read of the session moves on with what just arrived, so the chair never shows
        the session as it was before it (a pause sent, then the database away again)."""
        kept = self._open_logs.get(batch[0].event.session_id)
        if kept is None:
            return
        events = list(kept[1])
        for entry in batch:
            if entry.event.seq == (events[-1].seq if events else 0) + 1:
                events.append(entry.event)
        self._open_logs[batch[0].event.session_id] = (events[-1].seq, events, kept[2])

    # ---- what a nurse decides for an entry held --------------------------------------------------

    def held_count(self) -> int:
        """How many entries kept here wait for a nurse's decision (no file is read: asked every tick)."""
        return self._held_count

    def held_here(self) -> list[HeldEntry]:
        """Entries kept here that a nurse must decide on, oldest first, in words: whose, what it said, when
        and by whom, what was recorded meanwhile, and why it is held."""
        if self.journal is None:
            return []
        held = self.journal.entries(Standing.CONFLICT)
        if not held:
            return []
        chairs = {summary.id: summary.chair for summary, _ in self._board}
        names = {account.id: account.name for account in self._accounts_kept.values()}

        def name(who: str) -> str:
            return names.get(who, "a nurse")

        found = []
        for entry in held:
            event = entry.event
            kept = self._open_logs.get(event.session_id)
            patient = f"{kept[2].full_name} · " if kept is not None else ""
            line = event_line(self.protocol, event, name, timedelta(minutes=10))
            day = f"{event.occurred_at.astimezone():%Y-%m-%d}"
            meanwhile = (
                [e for e in kept[1] if e.seq >= event.seq and e.workstation != event.workstation] if kept else []
            )
            since = (
                f"\nMeanwhile in the record: {headline(meanwhile[0])} {local_time(meanwhile[0].occurred_at)}, "
                f"{name(meanwhile[0].recorded_by)} ({meanwhile[0].workstation})"
                if meanwhile
                else ""
            )
            words = f"{patient}{day} {line}{since}\nNot yet in the record: {entry.settled_why or MOVED_ON}."
            title = f"{headline(event)} {local_time(event.occurred_at)}"
            found.append(HeldEntry(event, chairs.get(event.session_id), words, title))
        return found

    def add_late(self, event_id: str, by: str) -> SessionState:
        """A held entry added after what was recorded meanwhile, as a late entry with its own time and who took
        it in its reason. Only with the database there: a late entry saved here would lose its time."""
        entry = self._held(event_id)
        event = entry.event
        data = event.data
        late_id = str(uuid.uuid5(uuid.UUID(event.id), "late"))
        with self.door.reading() as tx:
            already = records.event_exists(tx, late_id)  # added before the journal heard: not twice
            names = records.staff_names_of(tx, {event.recorded_by})
        if not already:
            CareBase._append(
                self,
                event.session_id,
                by,
                event.type,
                lambda _state: data,
                corrects=event.corrects,
                reason=f"Recorded by {names.get(event.recorded_by, 'a nurse')} on {event.workstation} at "
                f"{local_stamp(event.occurred_at)} while the clinic's database could not be reached; added late, "
                "after what was recorded meanwhile.",
                occurred_at=event.occurred_at,
                event_id=late_id,
            )
        assert self.journal is not None
        self.journal.settle(event_id, Standing.SENT_LATE, self.clock.now(), by)
        self._held_count -= 1
        return self.state(event.session_id)

    def withdraw(self, event_id: str, why: str, by: str) -> None:
        """A held entry not added, with the reason: its audit line keeps what it said, whole."""
        entry = self._held(event_id)
        reason = required_text(why, "withdraw_reason", "why the entry is withdrawn")
        event = entry.event
        with self.door.writing(by, Permission.RECORD_CARE) as work:
            summary = records.summary(work.tx, event.session_id)
            detail = {
                "event_id": event.id,
                "type": event.type,
                "content_hash": entry.content_hash,
                "payload": event.payload,
                "occurred_at": event.occurred_at.isoformat(),
                "recorded_by": event.recorded_by,
                "workstation": event.workstation,
                "reason": reason,
            }
            patient = summary.patient_id if summary is not None else None
            work.audit(AuditAction.JOURNAL_WITHDRAWN, patient_id=patient, session_id=event.session_id, detail=detail)
        assert self.journal is not None
        self.journal.settle(event_id, Standing.WITHDRAWN, self.clock.now(), by, reason)
        self._held_count -= 1

    def _held(self, event_id: str) -> JournalEntry:
        for entry in self.journal.entries(Standing.CONFLICT) if self.journal is not None else []:
            if entry.event.id == event_id:
                return entry
        raise NotFound("That entry is no longer waiting for a decision.", "Look at the list again.")


MOVED_ON = "someone recorded on this session since, from another computer"
DEACTIVATED = "the account it was recorded under had been deactivated before"


def _batches(entries: list[JournalEntry]) -> list[list[JournalEntry]]:
    """Entries saved together, together, in the order they were saved."""
    found: list[list[JournalEntry]] = []
    for entry in entries:
        if found and found[-1][0].batch == entry.batch:
            found[-1].append(entry)
        else:
            found.append([entry])
    return found
