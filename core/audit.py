"""The audit trail: who signed in, looked at a record, wrote, signed, printed or exported, and when.

Each entry carries the hash of the entry before it, so editing or removing one breaks the chain at
that point and ``verify`` names it. An entry is written in the same transaction as what it describes:
a care record and its audit line commit together or not at all, which also lets ``verify`` notice
entries cut from the end (a care record with no audit line). Appends are serialised (an advisory
lock on PostgreSQL, the single writer on SQLite) and ``seq`` is unique, so the chain cannot fork.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from json.encoder import encode_basestring
from typing import Any, NamedTuple

from sqlalchemy import text
from sqlmodel import Session, col, select

from core import records
from core.audit_terms import GENESIS, AuditAction, ChainCheck
from core.hashing import canonical_json, sha256_json, utc_moment
from core.persistence.db import Database
from core.persistence.prepared import Prepared
from core.persistence.tables import AuditEntry

_PG_LOCK_KEY = 0x43484149  # any constant: one advisory lock guards the chain's head
_PG_LOCK = Prepared(text("SELECT pg_advisory_xact_lock(:key)"))
_KEPT_HEAD = "chairside.audit_head"
"""Where a transaction keeps the chain's head it has moved (its ``Session.info``), with the transaction."""


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
        _PG_LOCK.first(tx, {"key": _PG_LOCK_KEY})
    head = records.audit_head(tx)
    return head if head is not None else (0, GENESIS)


def head_read_with_the_lock(tx: Session, head: tuple[int, str] | None) -> None:
    """The chain's head as read in this transaction on a store whose transaction holds the one write lock from
    its start (SQLite: ``BEGIN IMMEDIATE``), alongside another read (``records.standing_and_head``): the first
    line the transaction writes follows on from it without a read of its own. None (no line yet): read then."""
    if head is not None:
        _keep_head(tx, *head)


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
    """Many lines appended at once: each given as ``at``, ``actor_id``, ``action``, ``workstation``,
    ``patient_id``, ``session_id`` and ``detail`` (and, if the caller has it, the detail's canonical text as
    ``canonical_detail``), returned numbered and chained after the trail's head, as ``record`` would have
    chained them one by one. Inside the caller's transaction, under the same lock, so no other line can come
    between; the caller inserts them. ``chained_rows`` does the work (a made-up history calls it directly)."""
    rows = chained_rows(
        tx,
        [
            BulkLine(
                line["at"],
                line["actor_id"],
                line["action"],
                line["workstation"],
                line["patient_id"],
                line["session_id"],
                line["detail"],
                line.get("canonical_detail"),
                line.get("stored_detail"),
            )
            for line in lines
        ],
    )
    return [
        {**line, "seq": seq, "prev_hash": prev, "entry_hash": hashed}
        for line, (seq, *_columns, prev, hashed) in zip(lines, rows, strict=True)
    ]


class BulkLine(NamedTuple):
    """A line of a bulk write (``chained_rows``), before it is numbered: its columns, its detail, and the
    detail's canonical and stored texts when the caller has them already (else ``None``: worked out here)."""

    at: datetime
    actor_id: str | None
    action: str
    workstation: str
    patient_id: str | None
    session_id: str | None
    detail: Mapping[str, Any]
    canonical_detail: str | None = None
    stored_detail: str | None = None
    at_text: str | None = None
    """``at`` as ``core.hashing.utc_moment`` writes it, when the caller has it (an entry's time, hashed)."""


def chained_rows(tx: Session, lines: Sequence[BulkLine]) -> list[tuple[Any, ...]]:
    """``chained`` for a made-up history's many lines, in one pass from prepared tuples to the rows the bulk
    writer hands the driver (``records.insert_history``'s ``audit_rows``): each line's ``seq``, ``at``,
    ``actor_id``, ``action``, ``workstation``, ``patient_id``, ``session_id``, the detail's stored text,
    ``prev_hash`` and ``entry_hash``, in the columns' order. The same hash as ``entry_hash`` (a test holds
    the three ways to one chain), without a dict made, sorted or copied for each of millions of lines.

    Each line's canonical text is written out field by field in the canonical order (keys sorted:
    ``action``, ``actor_id``, ``at``, ``detail``, ``patient_id``, ``prev_hash``, ``seq``, ``session_id``,
    ``workstation``). A detail's canonical text given by the caller (the history writes a few shapes of ids,
    kinds and hashes by hand) is not encoded again; every detail is still checked to hold only values stored
    exactly (``_plain``; plain text passes without the walk)."""
    tx.flush()  # what the session holds pending is written before the lines that may name it
    seq, prev = _head(tx)
    out = []
    moments: dict[tuple[datetime, int], str] = {}
    # Text fields' canonical texts by value: a history's lines share a few actions, nurses and workstations,
    # and a session's patient and id stand on a score of lines.
    texts: dict[str | None, str] = {None: "null"}
    sha256 = hashlib.sha256
    for at, actor, action, workstation, patient, session, detail, given, kept, at_text in lines:
        for key, value in detail.items():
            if type(key) is not str or not isinstance(value, str):
                _plain(detail, action)
                break
        canonical = canonical_json(detail) if given is None else given
        stored = records.stored_json(detail) if kept is None else kept
        if at_text is not None:
            moment = f'"{at_text}"'  # a time's text holds digits, signs and letters only
        else:
            moment = moments.get((at, at.fold))
            if moment is None:
                moment = moments[(at, at.fold)] = _text(utc_moment(at))
        seq += 1
        hashed = sha256(
            (
                f'{{"action":{texts.get(action) or texts.setdefault(action, _text(action))},'
                f'"actor_id":{texts.get(actor) or texts.setdefault(actor, _text(actor))},"at":{moment},'
                f'"detail":{canonical},'
                f'"patient_id":{texts.get(patient) or texts.setdefault(patient, _text(patient))},'
                f'"prev_hash":{_text(prev)},"seq":{seq},'
                f'"session_id":{texts.get(session) or texts.setdefault(session, _text(session))},'
                f'"workstation":{texts.get(workstation) or texts.setdefault(workstation, _text(workstation))}}}'
            ).encode()
        ).hexdigest()
        out.append((seq, at, actor, action, workstation, patient, session, stored, prev, hashed))
        prev = hashed
    _keep_head(tx, seq, prev)
    return out


def _text(value: str | None) -> str:
    """A text field of an audit line as ``canonical_json`` writes it (``None`` is ``null``)."""
    return "null" if value is None else encode_basestring(value)


def verify(database: Database) -> ChainCheck:
    """Check every link; then both ways between the lines and the records they describe: every care record
    written since the trail began has its line, every line's record is there, and each record, patient,
    course and session summary row is as its line's hash says it was written (``core.trail_check``, which
    reads ten years of them as plain rows, in three processes, holding a few values a patient, none a session
    or an entry). Loaded here, with the first check: a start does not check the trail."""
    from core import trail_check

    return trail_check.verify(database)


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
