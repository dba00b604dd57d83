"""The ground every part of care stands on: one entry checked against the session's state, built, and
committed through the unit of work with its audit lines; the text rule for the fields a nurse types.
"""

from __future__ import annotations

import itertools
import logging
import re
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from core import event_data as d
from core import records
from core.accounts import Accounts
from core.audit import AuditAction
from core.clock import Clock
from core.dates import local_time
from core.errors import ChairsideError, InputError, NotAllowedError, NotFound, NotNow, NotPermitted, RecordChanged
from core.event_words import headline
from core.events import Event
from core.events import EventType as E
from core.machine import Outcome
from core.people import Account, Permission
from core.persistence.db import Database
from core.persistence.journal import Journal, Standing
from core.persistence.notices import ChangeNotices
from core.plain_text import MRN_MAX, NAME_MAX, NOTE_MAX, REASON_MAX, SHORT_MAX, optional_text, plain_text
from core.protocol import Protocol
from core.protocol_shelf import ProtocolShelf
from core.record_values import SessionSummary, began_after
from core.refusals import Refusal, refusal_detail
from core.schedule_points import points_at_signing
from core.session_state import Folded, SessionState, derive_state
from core.signatures import Meaning, signature_entry, signed_content
from core.unit_of_work import UnitOfWork, Work
from core.views import STEP_WORDS, PatientView

log = logging.getLogger(__name__)

TREATED = frozenset({Outcome.COMPLETED.value, Outcome.STOPPED_EARLY.value})
"""Session outcomes in which the infusion ran: a course day, and what makes a second one the same day."""
WHOLE_NUMBER = re.compile(r"-?[0-9]+")
"""Typed scores: ASCII digits only, since int() also takes "1_0", "+9" and other scripts' digits."""
TEXT_LIMITS = {
    "mrn": MRN_MAX,
    "family_name": NAME_MAX,
    "given_name": NAME_MAX,
    "prescriber": NAME_MAX,
    "score": SHORT_MAX,
    "note": NOTE_MAX,
    "addendum": NOTE_MAX,
    "discrepancy_note": NOTE_MAX,
}
"""Each field's longest, by the field's name (any other free text is a reason: ``REASON_MAX``)."""
SEVERAL_LINES = {"note", "addendum", "discrepancy_note"}
LOGS_KEPT = 64
"""Sessions whose logs are kept after an entry (``CareBase._logs``): more than a clinic's chairs."""


def entry_ids(first: str) -> Iterator[str]:
    """The ids of an entry and of those that follow from it (a pause an acknowledgement reports): the same
    whether it is written to the database or saved on the workstation, so a copy of one that did arrive
    is known by its id and never added twice."""
    yield first
    for n in itertools.count(1):
        yield str(uuid.uuid5(uuid.UUID(first), str(n)))


def required_text(text: str | None, field: str, what: str) -> str:
    """The one text rule (``core.plain_text``), with the field's own length."""
    return plain_text(text, field, what, TEXT_LIMITS.get(field, REASON_MAX), lines=field in SEVERAL_LINES)


def optional_field(text: str | None, field: str, what: str) -> str | None:
    return optional_text(text, field, what, TEXT_LIMITS.get(field, REASON_MAX), lines=field in SEVERAL_LINES)


class CareBase:
    """What every part of care shares: the database's door, the protocol, the clock, the workstation,
    and the one way a session's entry is checked, built and committed (``_append``)."""

    def __init__(
        self,
        database: Database,
        protocol: Protocol,
        clock: Clock,
        workstation: str,
        app_started_at: datetime | None = None,
        accounts: Accounts | None = None,
        notices: ChangeNotices | None = None,
        journal: Journal | None = None,
    ) -> None:
        """``notices``: told when another workstation writes to a server, so a quiet board asks nothing.
        ``journal``: where care recorded while the database is away waits (``core.care.here``)."""
        self.db = database
        self.protocol = protocol
        self.shelf = ProtocolShelf(protocol)
        self.clock = clock
        self.workstation = workstation
        self.app_started_at = app_started_at or clock.now()
        self.accounts = accounts or Accounts(database, clock, workstation, journal)
        self.door = UnitOfWork(database, clock.now, workstation, committed=self._forget_board)
        self.notices = notices
        self._open_logs: dict[str, tuple[int, list[Event], PatientView]] = {}
        """Open sessions' logs as last read (last_seq, events, patient): the board re-reads only changes."""
        self._logs: OrderedDict[str, tuple[int, list[Event], Folded | None]] = OrderedDict()
        """The logs of the sessions this workstation wrote to lately, as they stood after its entry (last_seq,
        events, the events folded): the next entry on one takes its log from here, and goes on from its fold,
        while the stored ``last_seq`` is the same."""
        self._board: list[tuple[SessionSummary, Protocol]] = []
        """The open sessions and the rules each runs under, as last read."""
        self._board_fresh = False
        """Whether ``_board`` is still what the database holds (False: read it again on the next tick)."""
        self.journal = journal
        self.away: ChairsideError | None = None
        """Why the database could not be reached, while it cannot (entries are then saved here)."""
        self._here: dict[str, list[Event]] = {}
        """Entries saved on this workstation and not yet in the clinic's record, by session, in order."""
        self._accounts_kept: dict[str, Account] = {}
        """The accounts as last read, for the permission rule while the database is away."""
        self._accounts_read_at: datetime | None = None
        self._held_count = 0
        """How many entries kept here wait for a nurse's decision: asked every tick, so kept in memory."""
        if journal is not None:
            for entry in journal.entries(Standing.WAITING):
                self._here.setdefault(entry.event.session_id, []).append(entry.event)
            self._held_count = len(journal.entries(Standing.CONFLICT))

    def _forget_board(self) -> None:
        """This workstation wrote: the board reads again on its next tick, without waiting for the notice."""
        self._board_fresh = False

    def _rules_of(self, session_id: str) -> Protocol | None:
        """The rules an open session runs under, as last read."""
        return next((rules for summary, rules in self._board if summary.id == session_id), None)

    def state(self, session_id: str) -> SessionState:
        with self.door.reading() as tx:
            events = records.load_events(tx, session_id)
            protocol = self.shelf.for_events(tx, events)
        if not events:  # a typed or pasted id (the command line): say so rather than fail
            raise InputError("session_id", f"No session has the id “{session_id}”.", "Copy the id from the day's list.")
        return derive_state(protocol, events, self.clock.now(), self.app_started_at)

    def _payload(
        self, state: SessionState, kind: E, build: Callable[[SessionState], d.EventData] | None
    ) -> d.EventData:
        """The entry's content if the session allows it now; otherwise why not."""
        if kind in state.held_back:
            raise NotNow(state.held_back[kind])
        if kind not in state.allowed:
            raise NotNow(
                f"This cannot be recorded now: the session is at “{STEP_WORDS[state.step]}”.",
                "Follow the step shown on screen.",
            )
        return build(state) if build else d.EventData()

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
        """Check the action is allowed now, build its payload from the current state, and commit it with
        its audit lines. ``signers`` (already authenticated) sign the entry, or for ``session.signed``
        everything before it. ``authenticate`` asks for passwords only once everything the nurse can fix
        has been checked, so nobody retypes a password because a note was missing. ``then`` names entries
        that follow from this one (a pause an acknowledgement reports), each checked against the state
        before it and committed in the same transaction: all are recorded, or none. ``occurred_at``: when it
        happened, for a late entry (else now). ``event_id``: the entry's id, chosen by the caller (the ids of
        those that follow from it come from it: ``entry_ids``).
        """
        if authenticate is not None:
            self._payload(self.state(session_id), kind, build)
            signers = [*signers, *authenticate()]
        read: list[int] = []
        try:
            events, new_state = self._commit_entry(
                session_id, by, kind, build, (corrects, reason, occurred_at, event_id), signers, then, read
            )
        except RecordChanged as raced:
            raise self._overtaken(session_id, read[0] if read else None, raced) from raced
        kept = self._open_logs.get(session_id)
        if kept is not None:  # committed: the board's copy of the log moves on with it
            self._open_logs[session_id] = (events[-1].seq, events, kept[2])
        self._logs[session_id] = (events[-1].seq, events, new_state.folded)
        self._logs.move_to_end(session_id)
        if len(self._logs) > LOGS_KEPT:
            self._logs.popitem(last=False)
        return new_state

    def _commit_entry(
        self,
        session_id: str,
        by: str,
        kind: E,
        build: Callable[[SessionState], d.EventData] | None,
        about: tuple[str | None, str | None, datetime | None, str | None],
        signers: Sequence[tuple[str, Meaning]],
        then: Callable[[SessionState], Sequence[tuple[E, d.EventData]]] | None,
        read: list[int],
    ) -> tuple[list[Event], SessionState]:
        """The entry (and those that follow from it) built on the session as read in this transaction, and
        committed: the session's entries and state after them. ``about``: what it corrects, why, when it
        happened (None: now) and its id (None: a new one). ``read`` is given the last entry's number as read,
        so a write refused at commit can tell what overtook it."""
        corrects, reason, occurred_at, event_id = about
        ids = entry_ids(event_id or str(uuid.uuid4()))
        with self.door.writing(by, Permission.RECORD_CARE) as work:
            now = work.at
            summary = records.summary(work.tx, session_id)
            if summary is None:
                raise NotFound("That session was not found.", "Return to the board and open the chair again.")
            read.append(summary.last_seq)
            events, folded = self._log_of(work, summary)
            state = derive_state(self.shelf.for_events(work.tx, events), events, now, self.app_started_at, folded)
            payload = self._payload(state, kind, build)
            event = Event(
                id=next(ids),
                session_id=session_id,
                seq=summary.last_seq + 1,
                type=kind,
                occurred_at=occurred_at or now,
                recorded_at=now,
                recorded_by=by,
                workstation=self.workstation,
                payload=payload.to_payload(),
                corrects=corrects,
                reason=reason,
            )
            if signers:
                signed = signed_content(event, events)
                entries = [signature_entry(signer, meaning, now, signed) for signer, meaning in signers]
                event = replace(event, payload={**event.payload, "signatures": entries})
            else:
                event = event.knowing(payload)
            events, new_state, summary = self._insert(work, summary, events, event, after=state.folded)
            for follow, follow_payload in then(new_state) if then else ():
                self._payload(new_state, follow, None)
                event = replace(
                    event,
                    id=next(ids),
                    seq=summary.last_seq + 1,
                    type=follow,
                    payload=follow_payload.to_payload(),
                    corrects=None,
                    reason=None,
                ).knowing(follow_payload)
                events, new_state, summary = self._insert(work, summary, events, event, after=new_state.folded)
        return events, new_state

    def _overtaken(self, session_id: str, read_seq: int | None, raced: RecordChanged) -> RecordChanged:
        """Another workstation's entry was committed on this session between this one's read and its write:
        which, by whom, where and when, so the nurse knows what she is looking at when she looks again.
        ``raced`` as it was when nothing was written meanwhile (a refusal that was no race)."""
        with self.door.reading() as tx:
            newer = [
                event for event in records.load_events(tx, session_id) if read_seq is not None and event.seq > read_seq
            ]
            names = records.staff_names_of(tx, {event.recorded_by for event in newer})
        if not newer:
            return raced
        first = newer[0]
        return RecordChanged(
            f"While this was being saved, {names.get(first.recorded_by, 'someone')} recorded “{headline(first)}” "
            f"on this session from {first.workstation} at {local_time(first.recorded_at)}, so this entry was not "
            "saved. Nothing already recorded has been lost.",
            "Look at the chair again, then re-enter what you were saving if it is still needed.",
        )

    def _log_of(self, work: Work, summary: SessionSummary) -> tuple[list[Event], Folded | None]:
        """The session's entries (and, when this workstation's last entry on it left them, their fold): as
        kept here when nothing was written since (on any workstation: the projection's ``last_seq``, read in
        this transaction, moves with every entry), else read again. A log only grows, so an equal
        ``last_seq`` means the very same entries."""
        written = self._logs.get(summary.id)
        if written is not None and written[0] == summary.last_seq:
            return written[1], written[2]
        shown = self._open_logs.get(summary.id)
        if shown is not None and shown[0] == summary.last_seq:
            return shown[1], None
        return records.load_events(work.tx, summary.id), None

    def _insert(
        self,
        work: Work,
        summary: SessionSummary,
        events: list[Event],
        event: Event,
        noted: Mapping[str, Any] | None = None,
        after: Folded | None = None,
    ) -> tuple[list[Event], SessionState, SessionSummary]:
        """Write one entry with its audit lines and move the session's projection along with it: the
        entries, the state and the summary as they stand after it (a signature with its session's scheduled
        points as they stand at signing, ``core.schedule_points``). ``noted``: more for its audit line.
        ``after``: the fold of ``events`` (the state before it), so the entry alone is folded."""
        events = [*events, event]
        rules = self.shelf.for_events(work.tx, events)
        new_state = derive_state(rules, events, work.at, self.app_started_at, after)
        moved = replace(
            summary,
            last_seq=event.seq,
            step=new_state.step.value,
            outcome=new_state.outcome.value,
            active=new_state.step.active,
            updated_at=work.at,
            began_at=began_after(summary.began_at, event),
        )
        points = points_at_signing(rules, new_state) if event.type is E.SIGNED else ()
        work.append(event, moved, noted, points, before=summary)
        return events, new_state, moved

    def known_away(self) -> bool:
        """The server is known to be away: it could not be reached, and the listener (which tries again on its
        own thread) has not reached it since. Nothing then waits on the screen's thread for a server that
        may not answer at all (a connection is given up on only after seconds)."""
        return self.away is not None and self.notices is not None and not self.notices.listening

    def _refused(
        self, session_id: str | None, by: str, kind: Refusal, said: str, patient_id: str | None = None, **values: Any
    ) -> None:
        """One audit line for an entry refused by a limit or a rule, written apart from the refused entry
        (which records nothing) once its transaction has ended: the near misses ``core.refusals`` names. A
        session refused its opening has none yet: the line names the patient.

        The line is written by someone who may record care (an account without that right learns it from
        the entry itself), and never stands between the nurse and what she must fix: with the database away
        it is not waited for, and a line that cannot be written is logged, so the refusal she sees is her
        own input's, not the trail's trouble."""
        detail = refusal_detail(kind, said, **values)
        if self.known_away():
            log.warning("Refusal not in the audit trail (the database is away): %s", detail)
            return
        try:
            with self.door.writing(by, Permission.RECORD_CARE) as work:
                summary = records.summary(work.tx, session_id) if session_id is not None else None
                whose = summary.patient_id if summary else patient_id
                work.audit(AuditAction.REFUSED, patient_id=whose, session_id=session_id, detail=detail)
        except ChairsideError as trouble:
            log.warning("Refusal not in the audit trail (%s): %s", trouble, detail)

    def _ended_period(self, first_day: date, last_day: date) -> None:
        """A report's period, refused by its last day's field unless it runs forwards and has ended: a report
        counts the records as they stood at the end of its last day, and today has not ended (a course whose
        last day is today, its infusion still running, would be counted as ended with that day not given)."""
        if last_day < first_day:
            raise InputError(
                "last_day",
                f"The report would end ({last_day.isoformat()}) before it begins ({first_day.isoformat()}).",
                "Give the first day, then the last day.",
            )
        today = self._today()
        if last_day >= today:
            said = "is today" if last_day == today else "is still to come"
            raise InputError(
                "last_day",
                f"{last_day.isoformat()} {said}: a report counts days that have ended.",
                f"End the report yesterday ({(today - timedelta(days=1)).isoformat()}) or earlier.",
            )

    def _today(self) -> date:
        """Course days are calendar days where the clinic is."""
        return self.clock.now().astimezone().date()

    def _signing(self, by: str, password: str, meaning: Meaning) -> Callable[[], list[tuple[str, Meaning]]]:
        def confirmed() -> list[tuple[str, Meaning]]:
            self._confirm_signer(by, password)
            return [(by, meaning)]

        return confirmed

    def _confirm_signer(self, by: str, password: str) -> None:
        """The person signing types her own password again, there and then."""
        try:
            self.accounts.confirm_identity(by, password, "signature")
        except NotAllowedError as refused:
            raise NotPermitted(f"Your password: {refused.message}", refused.advice) from refused

    def _witness(self, by: str, username: str, password: str) -> str:
        """The waste witness signs in with her own account; she must be another nurse."""
        if not username.strip():
            raise InputError("witness_username", "Enter the witness's user name.", "The witness signs in here.")
        if not password:
            raise InputError("witness_password", "Enter the witness's password.", "The witness types it herself.")
        try:
            witness = self.accounts.authenticate(username, password, "waste witness")
        except NotAllowedError as refused:
            raise NotPermitted(f"Witness: {refused.message}", refused.advice) from refused
        if witness.id == by:
            raise NotPermitted(
                "The nurse wasting the drug cannot also witness it.", "Ask another nurse to watch and sign in."
            )
        if not witness.can_record_care:
            raise NotPermitted("A waste witness must be a nurse.", "Ask a nurse to witness the waste.")
        return witness.id
