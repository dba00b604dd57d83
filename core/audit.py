"""The audit trail: who signed in, looked at a record, wrote, signed, printed or exported, and when.

Each entry carries the hash of the entry before it, so editing or removing one breaks the chain at
that point and ``verify`` names it. An entry is written in the same transaction as what it describes:
a care record and its audit line commit together or not at all, which also lets ``verify`` notice
entries cut from the end (a care record with no audit line). Appends are serialised (an advisory
lock on PostgreSQL, the single writer on SQLite) and ``seq`` is unique, so the chain cannot fork.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import partial
from json.encoder import encode_basestring
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from core import records
from core.content_hashes import (
    course_content,
    details_content,
    event_content,
    patient_content,
    patient_event_content,
    summary_content,
)
from core.event_data import PatientAtSigning, SessionSigned
from core.events import EventType
from core.hashing import canonical_json, sha256_json, utc_moment
from core.persistence.db import Database
from core.persistence.tables import AuditEntry, SessionEvent
from core.signatures import identifiers
from core.stored_form import UnreadableEntry

GENESIS = "0" * 64
"""The ``prev_hash`` of the first entry."""

_PG_LOCK_KEY = 0x43484149  # any constant: one advisory lock guards the chain's head
_BATCH = 1000
_KEPT_HEAD = "chairside.audit_head"
"""Where a transaction keeps the chain's head it has moved (its ``Session.info``), with the transaction."""


class AuditAction(StrEnum):
    SIGNED_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in.failed"
    LOCKED_OUT = "account.locked_out"
    SIGNED_OUT = "sign_out"
    SCREEN_LOCKED = "screen.locked"
    SCREEN_UNLOCKED = "screen.unlocked"
    PATIENT_VIEWED = "patient.viewed"
    PATIENT_REGISTERED = "patient.registered"
    PATIENT_DETAILS_CONFIRMED = "patient.details_confirmed"
    COURSE_ORDERED = "course.ordered"
    RECORD_WRITTEN = "record.written"
    SIGNATURE = "signature"
    EXPORTED = "export"
    PRINT_OUTCOME = "print.outcome"
    """What became of a copy sent to a printer (its export line says it was sent, as which job): printed,
    or why not, as the print system told it."""
    ACCOUNT_ADDED = "account.added"
    ACCOUNT_DEACTIVATED = "account.deactivated"
    PASSWORD_RESET = "account.password_reset"
    PASSWORD_CHANGED = "account.password_changed"
    PIN_CHANGED = "account.pin_changed"
    SETTING_CHANGED = "setting.changed"
    AUDIT_VIEWED = "audit.viewed"
    ALARM_SILENCED = "alarm.silenced"
    DAY_LOG_VIEWED = "day_log.viewed"
    FOLLOW_UPS_VIEWED = "follow_ups.viewed"
    """The charge nurse's follow-up list read: its day and periods, and how many follow-ups it showed."""
    BACKUP_TAKEN = "backup.taken"
    """A scheduled backup written and checked (a copy someone makes by hand is an export)."""
    DATABASE_RESTORED = "database.restored"
    JOURNAL_WITHDRAWN = "journal.withdrawn"
    """An entry saved on a workstation while the database was away, not added to the record because its
    session moved on meanwhile: what it said (its hash), whose, and why a nurse withdrew it."""
    DATABASE_COPIED = "database.copied"
    """Every record copied in from another database (a clinic moving to a server): where from, the head of
    the trail copied, and the rows of each table."""
    """A backup put in place of the database: the head of the trail it replaced, and where that file was kept."""
    REFUSED = "care.refused"
    """An entry refused by a limit or a rule (a weight, a discharge, a vial's return), or held until
    confirmed: a near miss the quality report counts. The detail says which refusal and why."""


@dataclass(frozen=True)
class AuditRecord:
    seq: int
    at: datetime
    actor_id: str | None
    action: str
    workstation: str
    patient_id: str | None
    session_id: str | None
    detail: dict[str, Any]
    prev_hash: str
    entry_hash: str


@dataclass(frozen=True)
class ChainCheck:
    """The result of ``verify``: ``first_broken`` is the seq of the first entry that fails, if any."""

    ok: bool
    entries: int
    first_broken: int | None
    problem: str


def _plain(value: Any, where: str) -> None:
    """Only values that survive a JSON round trip unchanged may be hashed (no floats, no dates)."""
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, list | tuple):
        for item in value:
            _plain(item, where)
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"audit detail {where}: keys must be text")
            _plain(item, where)
        return
    raise TypeError(f"audit detail {where}: {type(value).__name__} is not stored exactly; pass text")


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor_id: str | None,
    action: str,
    workstation: str,
    patient_id: str | None,
    session_id: str | None,
    detail: Mapping[str, Any],
    prev_hash: str,
) -> str:
    body = {
        "seq": seq,
        "at": utc_moment(at),
        "actor_id": actor_id,
        "action": action,
        "workstation": workstation,
        "patient_id": patient_id,
        "session_id": session_id,
        "detail": detail,
        "prev_hash": prev_hash,
    }
    return sha256_json(body)


def _hash_of(row: AuditEntry) -> str:
    return entry_hash(
        seq=row.seq,
        at=row.at,
        actor_id=row.actor_id,
        action=row.action,
        workstation=row.workstation,
        patient_id=row.patient_id,
        session_id=row.session_id,
        detail=row.detail,
        prev_hash=row.prev_hash,
    )


def _to_record(row: AuditEntry) -> AuditRecord:
    return AuditRecord(
        row.seq,
        row.at,
        row.actor_id,
        row.action,
        row.workstation,
        row.patient_id,
        row.session_id,
        dict(row.detail),
        row.prev_hash,
        row.entry_hash,
    )


def _head(tx: Session) -> tuple[int, str]:
    """The chain's head (its seq and hash; ``(0, GENESIS)`` before the first line) for the next line written
    in this transaction. The first line of a transaction takes the chain's lock (an advisory lock held to
    the transaction's end on PostgreSQL; on SQLite the transaction holds the one write lock from its start)
    and reads the head with a plain query; the lines after it follow on from the head kept for this very
    transaction (a savepoint is a transaction of its own, so a line in one rolled back is never followed
    on from). Nothing else writes lines in a transaction but ``line`` and ``chained``, which move it."""
    now = tx.get_nested_transaction() or tx.get_transaction()
    kept = tx.info.get(_KEPT_HEAD)
    if kept is not None and kept[0] is now:
        return kept[1], kept[2]
    if tx.get_bind().dialect.name == "postgresql":
        tx.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    head = records.audit_head(tx)
    return head if head is not None else (0, GENESIS)


def _keep_head(tx: Session, seq: int, hashed: str) -> None:
    tx.info[_KEPT_HEAD] = (tx.get_nested_transaction() or tx.get_transaction(), seq, hashed)


def line(
    tx: Session,
    action: AuditAction,
    *,
    at: datetime,
    workstation: str,
    actor_id: str | None = None,
    patient_id: str | None = None,
    session_id: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The next line of the chain, numbered and hashed after the head, by its columns: the caller writes it
    in this transaction (``records.insert_entry``, ``records.insert_audit_lines``), as the next line of
    this transaction will follow on from it. Never pass a secret in ``detail``."""
    facts = dict(detail or {})
    _plain(facts, action.value)
    seq, prev = _head(tx)
    row: dict[str, Any] = {
        "seq": seq + 1,
        "at": at,
        "actor_id": actor_id,
        "action": action.value,
        "workstation": workstation,
        "patient_id": patient_id,
        "session_id": session_id,
        "detail": facts,
        "prev_hash": prev,
    }
    row["entry_hash"] = entry_hash(**row)
    _keep_head(tx, row["seq"], row["entry_hash"])
    return row


def record(
    tx: Session,
    action: AuditAction,
    *,
    at: datetime,
    workstation: str,
    actor_id: str | None = None,
    patient_id: str | None = None,
    session_id: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> AuditRecord:
    """Append one entry inside the caller's transaction. Never pass a secret in ``detail``."""
    row = line(
        tx,
        action,
        at=at,
        workstation=workstation,
        actor_id=actor_id,
        patient_id=patient_id,
        session_id=session_id,
        detail=detail,
    )
    records.insert_audit_lines(tx, [row])
    return AuditRecord(**row)


def chained(tx: Session, lines: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Many lines appended at once (a made-up history written in bulk): each given as ``at``, ``actor_id``,
    ``action``, ``workstation``, ``patient_id``, ``session_id`` and ``detail``, returned numbered and
    chained after the trail's head, as ``record`` would have chained them one by one. Inside the caller's
    transaction, under the same lock, so no other line can come between; the caller inserts them.

    Each line's hash is ``entry_hash``'s, its canonical text written out field by field in the canonical
    order (keys sorted: ``action``, ``actor_id``, ``at``, ``detail``, ``patient_id``, ``prev_hash``, ``seq``,
    ``session_id``, ``workstation``) rather than built as a dict and sorted again for each of a history's
    millions of lines; a test holds the two to the same text."""
    tx.flush()  # what the session holds pending is written before the lines that may name it
    seq, prev = _head(tx)
    out = []
    moments: dict[tuple[datetime, int], str] = {}
    for line in lines:
        detail = line["detail"]
        for key, value in detail.items():
            if type(key) is not str or not isinstance(value, str):  # plain text passes without the walk
                _plain(detail, line["action"])
                break
        at = line["at"]
        moment = moments.get((at, at.fold))
        if moment is None:
            moment = moments[(at, at.fold)] = utc_moment(at)
        seq += 1
        before = (
            f'{{"action":{_text(line["action"])},"actor_id":{_text(line["actor_id"])},"at":{_text(moment)},'
            f'"detail":{canonical_json(detail)},"patient_id":{_text(line["patient_id"])},"prev_hash":'
        )
        after = f',"seq":{seq},"session_id":{_text(line["session_id"])},"workstation":{_text(line["workstation"])}}}'
        hashed = hashlib.sha256(f"{before}{_text(prev)}{after}".encode()).hexdigest()
        out.append({**line, "seq": seq, "prev_hash": prev, "entry_hash": hashed})
        prev = hashed
    _keep_head(tx, seq, prev)
    return out


def _text(value: str | None) -> str:
    """A text field of an audit line as ``canonical_json`` writes it (``None`` is ``null``)."""
    return "null" if value is None else encode_basestring(value)


def _rows(tx: Session) -> Iterator[AuditEntry]:
    after = 0
    while True:
        batch = list(
            tx.exec(select(AuditEntry).where(AuditEntry.seq > after).order_by(col(AuditEntry.seq)).limit(_BATCH))
        )
        if not batch:
            return
        yield from batch
        after = batch[-1].seq


@dataclass
class Recorded:
    """What the chain's lines say was written, by the record each line is about, to compare with the
    records as they are now. Lines written before records carried their hash give presence only (None)."""

    events: dict[str, str | None] = field(default_factory=dict)
    summaries: dict[str, tuple[int, str]] = field(default_factory=dict)
    """Per session, the last line's seq and the hash of the session's summary row after it."""
    patients: dict[str, tuple[int, str]] = field(default_factory=dict)
    details: dict[str, tuple[int, str]] = field(default_factory=dict)
    courses: dict[str, tuple[int, str]] = field(default_factory=dict)
    lines_of_events: dict[str, int] = field(default_factory=dict)

    def note(self, row: AuditEntry) -> None:
        detail, hashed = row.detail, row.detail.get("content_hash")
        if row.action == AuditAction.RECORD_WRITTEN and "event_id" in detail:
            self.events[detail["event_id"]] = hashed
            self.lines_of_events[detail["event_id"]] = row.seq
            if "summary_hash" in detail and row.session_id is not None:
                self.summaries[row.session_id] = (row.seq, detail["summary_hash"])
        elif hashed is None:
            return
        elif row.action == AuditAction.PATIENT_REGISTERED and row.patient_id is not None:
            self.patients[row.patient_id] = (row.seq, hashed)
        elif row.action == AuditAction.PATIENT_DETAILS_CONFIRMED and "details_id" in detail:
            self.details[detail["details_id"]] = (row.seq, hashed)
        elif row.action == AuditAction.COURSE_ORDERED and "course_id" in detail:
            self.courses[detail["course_id"]] = (row.seq, hashed)


def _chain_problem(tx: Session, recorded: Recorded) -> tuple[int, int | None, str, datetime | None]:
    """Walk the chain: (entries, first broken seq, problem, first entry's time), noting what each line
    says was written in ``recorded``."""
    count = 0
    expected_seq, expected_prev = 1, GENESIS
    began: datetime | None = None
    for row in _rows(tx):
        count += 1
        began = began or row.at
        if row.seq != expected_seq:
            missing = f"{expected_seq}" if row.seq == expected_seq + 1 else f"{expected_seq}–{row.seq - 1}"
            return count, row.seq, f"entry {row.seq} follows a gap: entry {missing} was removed.", began
        if row.prev_hash != expected_prev:
            return count, row.seq, f"entry {row.seq} does not follow on from entry {row.seq - 1}.", began
        if _hash_of(row) != row.entry_hash:
            return count, row.seq, f"entry {row.seq} was changed after it was written.", began
        recorded.note(row)
        expected_seq, expected_prev = row.seq + 1, row.entry_hash
    return count, None, "", began


def verify(database: Database) -> ChainCheck:
    """Check every link; then both ways between the lines and the records they describe: every care record
    written since the trail began has its line, every line's record is there, and each record, patient,
    course and session summary row is as its line's hash says it was written."""
    recorded = Recorded()
    with database.session() as tx:
        count, broken, problem, began = _chain_problem(tx, recorded)
        if broken is not None:
            return ChainCheck(False, count, broken, problem)
        problem = _records_problem(tx, recorded, began, count)
    return ChainCheck(not problem, count, None, problem)


def _records_problem(tx: Session, recorded: Recorded, began: datetime | None, count: int) -> str:
    """The first record that differs from what its line says, or that has no line, or whose line has no
    record; "" when every one agrees."""
    signed: list[Signing] = []
    trail = (began, count)
    # Streamed, each entry let go once checked: ten years of a clinic is some six million entries, which
    # held at once took more memory than a workstation has.
    query = (
        select(SessionEvent)
        .order_by(col(SessionEvent.recorded_at), col(SessionEvent.seq))
        .execution_options(yield_per=_BATCH)
    )
    with closing(tx.exec(query)) as rows:  # on PostgreSQL a cursor on the server, closed when a problem ends it
        for row in rows:
            problem = _record_problem(
                recorded, trail, row.id, row.recorded_at, lambda row=row: event_content(records.to_event(row))
            )
            if problem:
                return problem
            if row.type == EventType.SIGNED:
                signed.append(_signing(row))
    sittings: dict[str, bytes] = {}
    for event in records.all_patient_events(tx):
        problem = _record_problem(recorded, trail, event.id, event.recorded_at, partial(patient_event_content, event))
        if problem:
            return problem
        if event.type is EventType.ASSESSED:
            sittings[event.id] = _digest(records.sitting_scores(event).scores)
    problem = _sitting_scores_problem(tx, sittings)
    if problem:
        return problem
    for event_id, line in recorded.lines_of_events.items():  # each record found took its own away
        return f"care record {event_id} was removed: audit entry {line} says it was written."
    for signing in signed:
        problem = _signed_patient_problem(tx, signing)
        if problem:
            return problem
    for session_id, on_row, in_entries in records.starts_out_of_step(tx):
        said = "no start" if on_row is None else f"a start at {on_row.isoformat(timespec='seconds')}"
        entries = "none" if in_entries is None else f"one at {in_entries.isoformat(timespec='seconds')}"
        return f"the session summary {session_id} was changed: it says {said}, its entries say {entries}."
    for read, lines, content, what in (
        (records.patient, recorded.patients, patient_content, "patient record"),
        (records.details, recorded.details, details_content, "sex and allergies record"),
        (records.course, recorded.courses, course_content, "course order"),
        (records.summary, recorded.summaries, summary_content, "session summary"),
    ):
        for key, (line, hashed) in lines.items():
            found = read(tx, key)
            if found is None:
                return f"the {what} {key} was removed: audit entry {line} says it was written."
            if content(found) != hashed:
                return f"the {what} {key} was changed after it was written (audit entry {line} says otherwise)."
    return ""


def _digest(text: str) -> bytes:
    """A text's SHA-256, kept instead of the text: ten years of sittings' scores are some 200 MB as text."""
    return hashlib.sha256(text.encode()).digest()


def _sitting_scores_problem(tx: Session, sittings: dict[str, bytes]) -> str:
    """What is wrong with the scores kept in short beside the sittings (``sitting_scores``, which the outcome
    report reads): each must say what its sitting's record says, and no sitting may be without its own.
    ``sittings``: the digest of each sitting record's scores, as its record says them (taken away as found)."""
    for sitting_id, stored in records.stored_sitting_scores(tx):
        said = sittings.pop(sitting_id, None)
        if said is None:
            return f"the scores kept for sitting {sitting_id} have no outcome-form record: they were added by hand."
        if _digest(stored) != said:
            return f"the scores kept for sitting {sitting_id} were changed: they no longer say what its record says."
    for sitting_id in sittings:
        return f"the scores kept for sitting {sitting_id} were removed: its outcome-form record is still there."
    return ""


def _record_problem(
    recorded: Recorded, trail: tuple[datetime | None, int], record_id: str, saved: datetime, content: Callable[[], str]
) -> str:
    """What is wrong with one care record (of a session's stream or a patient's) against its audit line:
    "" when it agrees, or was written before the trail (its first line's time, its length) began."""
    began, count = trail
    if record_id not in recorded.events:
        if not count:
            return "the audit trail is empty but care records exist."
        if began is not None and saved < began:
            return ""  # a database from before audit lines
        when = saved.isoformat(timespec="seconds")
        return f"care record {record_id} (saved {when}) has no audit entry: entries were removed after entry {count}."
    hashed = recorded.events.pop(record_id)
    line = recorded.lines_of_events.pop(record_id)
    if hashed is not None and content() != hashed:
        return f"care record {record_id} was changed after it was written (audit entry {line} says otherwise)."
    return ""


@dataclass(frozen=True)
class Signing:
    """Of a session's signature, what checking its patient needs: the entry, its session, and who it covered
    (None: a signature from before it named her), or that the entry cannot be read. Kept instead of the
    entry, so the signatures of ten years are a few small values each."""

    event_id: str
    session_id: str
    who: PatientAtSigning | None
    readable: bool = True


def _signing(row: SessionEvent) -> Signing:
    try:
        return Signing(row.id, row.session_id, records.to_event(row).data_as(SessionSigned).patient)
    except UnreadableEntry:
        return Signing(row.id, row.session_id, None, readable=False)


def _signed_patient_problem(tx: Session, signing: Signing) -> str:
    """What is wrong with the patient a session's signature covered: "" while she is still the patient on
    record, or when the signature is from before it named her (v1, v2). Said once every record has been
    checked against its line, so a signature changed by hand is said to be changed, not unreadable."""
    if not signing.readable:
        return f"care record {signing.event_id} cannot be read, so who its signature covered cannot be checked."
    who = signing.who
    if who is None:
        return ""
    session = records.summary(tx, signing.session_id)
    person = records.patient(tx, session.patient_id) if session is not None else None
    if person is not None:
        on_record = identifiers(person.mrn, person.family_name, person.given_name, person.birth_date.isoformat())
        if PatientAtSigning(**on_record) == who:
            return ""
    return f"the patient record of session {signing.session_id} no longer matches who its signature covered."


def head(database: Database) -> tuple[int, str] | None:
    """The last entry's number and hash. Kept somewhere else (a printout, another machine), it lets a
    later check notice entries cut from the end, which the chain alone cannot show."""
    with database.session() as tx:
        last = tx.exec(select(AuditEntry).order_by(col(AuditEntry.seq).desc()).limit(1)).first()
        return (last.seq, last.entry_hash) if last else None


def noted(database: Database, seq: int) -> tuple[AuditRecord | None, list[AuditRecord]]:
    """The entry a note of the head names (None when the trail no longer reaches it), and every restore
    line, which may explain a note that no longer matches (``core.anchors``)."""
    with database.session() as tx:
        row = tx.exec(select(AuditEntry).where(AuditEntry.seq == seq)).first()
        restores = tx.exec(select(AuditEntry).where(AuditEntry.action == AuditAction.DATABASE_RESTORED))
        return (_to_record(row) if row is not None else None), [_to_record(line) for line in restores]


def entries(
    database: Database,
    *,
    patient_id: str | None = None,
    actor_id: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 1000,
) -> list[AuditRecord]:
    """Entries matching every filter given, newest first; ``start``/``end`` bound ``at`` as [start, end)."""
    query = select(AuditEntry)
    if patient_id is not None:
        query = query.where(AuditEntry.patient_id == patient_id)
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    if start is not None:
        query = query.where(AuditEntry.at >= start)
    if end is not None:
        query = query.where(AuditEntry.at < end)
    with database.session() as tx:
        rows = tx.exec(query.order_by(col(AuditEntry.seq).desc()).limit(limit))
        return [_to_record(row) for row in rows]
