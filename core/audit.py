"""The audit trail: who signed in, looked at a record, wrote, signed, printed or exported, and when.

Each entry carries the hash of the entry before it, so editing or removing one breaks the chain at
that point and ``verify`` names it. An entry is written in the same transaction as what it describes:
a care record and its audit line commit together or not at all, which also lets ``verify`` notice
entries cut from the end (a care record with no audit line). Appends are serialised (an advisory
lock on PostgreSQL, the single writer on SQLite) and ``seq`` is unique, so the chain cannot fork.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from core.hashing import sha256_json, utc_moment
from core.persistence.db import Database
from core.persistence.tables import AuditEntry, SessionEvent

GENESIS = "0" * 64
"""The ``prev_hash`` of the first entry."""

_PG_LOCK_KEY = 0x43484149  # any constant: one advisory lock guards the chain's head
_BATCH = 1000


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
    ACCOUNT_ADDED = "account.added"
    ACCOUNT_DEACTIVATED = "account.deactivated"
    PASSWORD_RESET = "account.password_reset"
    PASSWORD_CHANGED = "account.password_changed"
    PIN_CHANGED = "account.pin_changed"
    SETTING_CHANGED = "setting.changed"
    AUDIT_VIEWED = "audit.viewed"
    ALARM_SILENCED = "alarm.silenced"
    DAY_LOG_VIEWED = "day_log.viewed"
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
    facts = dict(detail or {})
    _plain(facts, action.value)
    if tx.get_bind().dialect.name == "postgresql":
        tx.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    head = tx.exec(select(AuditEntry).order_by(col(AuditEntry.seq).desc()).limit(1)).first()
    seq = head.seq + 1 if head else 1
    prev = head.entry_hash if head else GENESIS
    row = AuditEntry(
        seq=seq,
        at=at,
        actor_id=actor_id,
        action=action.value,
        workstation=workstation,
        patient_id=patient_id,
        session_id=session_id,
        detail=facts,
        prev_hash=prev,
        entry_hash="",
    )
    row.entry_hash = _hash_of(row)
    tx.add(row)
    tx.flush()
    return _to_record(row)


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


def _chain_problem(tx: Session) -> tuple[int, int | None, str, datetime | None, set[str]]:
    """Walk the chain: (entries, first broken seq, problem, first entry's time, event ids written)."""
    count = 0
    expected_seq, expected_prev = 1, GENESIS
    began: datetime | None = None
    written: set[str] = set()
    for row in _rows(tx):
        count += 1
        began = began or row.at
        if row.seq != expected_seq:
            missing = f"{expected_seq}" if row.seq == expected_seq + 1 else f"{expected_seq}–{row.seq - 1}"
            return count, row.seq, f"entry {row.seq} follows a gap: entry {missing} was removed.", began, written
        if row.prev_hash != expected_prev:
            return count, row.seq, f"entry {row.seq} does not follow on from entry {row.seq - 1}.", began, written
        if _hash_of(row) != row.entry_hash:
            return count, row.seq, f"entry {row.seq} was changed after it was written.", began, written
        if row.action == AuditAction.RECORD_WRITTEN and "event_id" in row.detail:
            written.add(row.detail["event_id"])
        expected_seq, expected_prev = row.seq + 1, row.entry_hash
    return count, None, "", began, written


def verify(database: Database) -> ChainCheck:
    """Check every link, then that every care record written since the trail began has its entry."""
    with database.session() as tx:
        count, broken, problem, began, written = _chain_problem(tx)
        if broken is not None:
            return ChainCheck(False, count, broken, problem)
        events = select(SessionEvent.id, SessionEvent.recorded_at).order_by(col(SessionEvent.recorded_at))
        if began is not None:
            events = events.where(SessionEvent.recorded_at >= began)
        for event_id, recorded_at in tx.exec(events):
            if event_id not in written:
                when = recorded_at.isoformat(timespec="seconds")
                return ChainCheck(
                    False,
                    count,
                    None,
                    f"care record {event_id} (saved {when}) has no audit entry: entries were removed "
                    f"after entry {count}."
                    if count
                    else "the audit trail is empty but care records exist.",
                )
    return ChainCheck(True, count, None, "")


def head(database: Database) -> tuple[int, str] | None:
    """The last entry's number and hash. Kept somewhere else (a printout, another machine), it lets a
    later check notice entries cut from the end, which the chain alone cannot show."""
    with database.session() as tx:
        last = tx.exec(select(AuditEntry).order_by(col(AuditEntry.seq).desc()).limit(1)).first()
        return (last.seq, last.entry_hash) if last else None


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
