"""The one door to storage. Every write (a care record, an account, a setting, a printout sent, a day log
or trail read) is a unit of work opened here, and every read goes through here too.

A unit of work is one transaction: it reads the acting account as stored at that moment and applies the
one permission rule (``core.people.refusal``), appends records with their audit lines (each with the
content hash of what it describes), moves the projection a record changes, and commits; all of it or
none. Keeping the door single is what lets a store other than one SQLite file (a server shared by several
workstations, a local journal while that server is away) change this module and ``core.persistence``
alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from core import audit, records
from core import event_data as d
from core.audit import AuditAction
from core.content_hashes import event_content, patient_event_content, summary_content
from core.events import Event, EventType, PatientEvent
from core.people import Account, AccountStanding, Permission, refusal
from core.persistence.db import Database
from core.record_values import SessionSummary
from core.schedule_points import ScheduledPoint

Tx = Session
"""The transaction a unit of work reads and writes in; ``core.records`` holds the queries run in it."""


@dataclass(frozen=True)
class Work:
    """One open transaction: who acts, at which moment, from which workstation."""

    tx: Session
    at: datetime
    workstation: str
    actor_id: str | None
    """Who acts; None for the system's own work (a backup) or before anyone is known (a failed sign-in)."""

    def audit(
        self,
        action: AuditAction,
        *,
        patient_id: str | None = None,
        session_id: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        """An audit line in the acting account's name."""
        self.audit_as(self.actor_id, action, patient_id=patient_id, session_id=session_id, detail=detail)

    def audit_as(
        self,
        actor_id: str | None,
        action: AuditAction,
        *,
        patient_id: str | None = None,
        session_id: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        """An audit line in someone else's name: the second nurse's signature, the owner of an account
        whose sign-in failed."""
        audit.record(
            self.tx,
            action,
            at=self.at,
            workstation=self.workstation,
            actor_id=actor_id,
            patient_id=patient_id,
            session_id=session_id,
            detail=detail,
        )

    def append(
        self,
        event: Event,
        summary: SessionSummary,
        noted: Mapping[str, Any] | None = None,
        points: Sequence[ScheduledPoint] = (),
        before: SessionSummary | None = None,
    ) -> None:
        """A care record on its session's stream, with ``summary`` (the session's projection as it stands
        after the record) and the audit lines: the record written, with the hash of the record and of the
        projection (so ``verify`` sees either changed later), and each signature on it. ``noted``: more
        for the record's line (when and from which journal a record saved on a workstation arrived).
        ``points``: a signature's, its session's scheduled points as they stood at signing. All
        of it written as one batch of plain statements (``records.insert_entry``): no ORM flush.

        ``before``: the session's summary before the record. When the record moved its outcome or the
        moment its infusion began, its course's row of ``course_facts`` is worked out again here and the
        patient's basis for kept outcome rows moves; any other record (a set of vital signs) leaves both
        alone. (A session's opening counts in its course's row as it is added, ``records.add_summary``.)"""
        ids = {"patient_id": summary.patient_id, "session_id": event.session_id}
        detail = {
            "event_id": event.id,
            "type": event.type,
            "content_hash": event_content(event),
            "summary_hash": summary_content(summary),
            **(noted or {}),
        }
        lines = [self._line(event.recorded_by, AuditAction.RECORD_WRITTEN, ids, detail)]
        for entry in event.data.signatures if isinstance(event.data, d.Signed) else ():
            detail = {"event_id": event.id, "meaning": entry.meaning, "signed_hash": entry.signed_hash}
            lines.append(self._line(entry.signer_id, AuditAction.SIGNATURE, ids, detail))
        records.insert_entry(self.tx, event, summary, lines, points)
        moved = before is not None and (before.outcome, before.began_at) != (summary.outcome, summary.began_at)
        if moved and summary.course_id is not None:
            records.refresh_course_facts(self.tx, [summary.course_id])
            records.move_outcome_basis(self.tx, summary.patient_id)

    def _line(
        self, actor_id: str, action: AuditAction, ids: Mapping[str, str], detail: Mapping[str, Any]
    ) -> dict[str, Any]:
        """A line of the entry's, chained in this transaction, to be written with it in one batch."""
        at, workstation = self.at, self.workstation
        return audit.line(self.tx, action, at=at, workstation=workstation, actor_id=actor_id, **ids, detail=detail)

    def record_for_patient(
        self,
        patient_id: str,
        kind: EventType,
        data: d.EventData,
        *,
        course_id: str | None = None,
        occurred_at: datetime | None = None,
    ) -> PatientEvent:
        """A new record on the patient's own stream in this unit's name, at the stream's next place (taken in
        this transaction, so a writer that raced in first makes this one fail), appended with its line.
        ``occurred_at``: when it happened, if not as it is recorded (a form answered on an earlier day)."""
        assert self.actor_id is not None  # a record of care is always a person's: ``writing(by, …)``
        event = PatientEvent(
            id=str(uuid.uuid4()),
            patient_id=patient_id,
            course_id=course_id,
            seq=records.next_patient_seq(self.tx, patient_id),
            type=kind,
            occurred_at=occurred_at or self.at,
            recorded_at=self.at,
            recorded_by=self.actor_id,
            workstation=self.workstation,
            payload=data.to_payload(),
        )
        self.append_to_patient(event)
        return event

    def append_to_patient(self, event: PatientEvent) -> None:
        """A record on the patient's own stream (a course day not given, outcome forms, a contact route), with
        its audit line and the record's hash, as a care record on a session's stream has."""
        records.insert_patient_event(self.tx, event)
        detail: dict[str, Any] = {
            "event_id": event.id,
            "type": event.type,
            "content_hash": patient_event_content(event),
        }
        if event.course_id is not None:
            detail["course_id"] = event.course_id
        self.audit_as(event.recorded_by, AuditAction.RECORD_WRITTEN, patient_id=event.patient_id, detail=detail)


class UnitOfWork:
    """Opens units of work on one database, with the clock and the workstation they are stamped with."""

    def __init__(
        self,
        database: Database,
        now: Callable[[], datetime],
        workstation: str,
        committed: Callable[[], None] | None = None,
    ) -> None:
        """``now`` is the injected clock's (``Clock.now``), or the one moment a caller already holds.
        ``committed`` is called after each unit of work that wrote has committed (what this workstation
        shows from its last read is then out of date)."""
        self.database = database
        self.now = now
        self.workstation = workstation
        self.committed = committed

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read of what is committed; nothing written through it is kept."""
        with self.database.session() as tx:
            yield tx

    def permit(self, by: str | None, may: Permission) -> Account:
        """The account, if it may do ``may`` now; refused before anything is read on its behalf. A write
        that follows checks again, in its own transaction."""
        with self.database.session() as tx:
            return self._permitted(tx, by, may)

    @contextmanager
    def writing(self, by: str | None = None, may: Permission | None = None) -> Iterator[Work]:
        """One transaction, committed when the block ends and rolled back when it raises; on a server, the
        other workstations are told as it commits that something was written (``core.records.announce``).

        With ``may``, the account ``by`` must be allowed to do that now, read inside this transaction, so
        an account deactivated a moment ago (on any workstation) cannot record.
        """
        with self.database.transaction() as tx:
            if may is not None:
                refused = refusal(self._standing(tx, by) if by is not None else None, may)
                if refused is not None:
                    raise refused
            yield Work(tx, self.now(), self.workstation, by)
            records.announce(tx, self.workstation)
        if self.committed is not None:
            self.committed()

    def _standing(self, tx: Session, by: str) -> AccountStanding | None:
        """The account's standing, read in the writing transaction; on SQLite, whose transaction holds the write
        lock from its start, with the audit chain's head in the same statement, for the lines it will write."""
        if not self.database.is_sqlite:
            return records.standing(tx, by)
        standing, head = records.standing_and_head(tx, by)
        audit.head_read_with_the_lock(tx, head)
        return standing

    @contextmanager
    def keeping(self) -> Iterator[Session]:
        """One transaction for rows made from the records alone (what a report counted, kept for the next one):
        nothing a workstation shows changes, so none is told, and no record is written, so nothing is audited."""
        with self.database.transaction() as tx:
            yield tx

    @staticmethod
    def _permitted(tx: Session, by: str | None, may: Permission) -> Account:
        account = records.account(tx, by) if by is not None else None
        refused = refusal(account, may)
        if refused is not None:
            raise refused
        assert account is not None  # refusal() refuses a missing account
        return account
