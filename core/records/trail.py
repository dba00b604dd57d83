"""The audit trail's rows as a unit of work writes them: the chain's head read, and lines inserted, each as a
plain statement on the transaction's connection (``core.audit`` numbers and hashes the lines).

Plain statements, not the ORM: a query through the session first flushes whatever the session holds pending,
so reading the head in the middle of an entry wrote that entry in a flush of its own, and the line in
another. Here nothing is flushed behind the caller's back. Both run on the driver's cursor once compiled
(``core.persistence.prepared``): every entry of care runs them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlmodel import Session

from core.persistence.prepared import Prepared
from core.persistence.tables import AuditEntry

_AUDIT = AuditEntry.__table__  # type: ignore[attr-defined]
_HEAD = Prepared(select(_AUDIT.c.seq, _AUDIT.c.entry_hash).order_by(_AUDIT.c.seq.desc()).limit(1))
_INSERT_LINE = Prepared(insert(_AUDIT), columns=_AUDIT.c.keys())
"""Built once: every entry recorded reads the head and writes a line (each line gives every column)."""


def audit_head(tx: Session) -> tuple[int, str] | None:
    """The audit trail's last line, its seq and hash (the caller takes the chain's lock first)."""
    row = _HEAD.first(tx)
    return (row[0], row[1]) if row is not None else None


def insert_audit_lines(tx: Session, lines: Sequence[Mapping[str, Any]]) -> None:
    """Lines already numbered and chained (``core.audit``), each given by its columns, written in the caller's
    transaction. What the session holds pending is written first: a line may name it (a patient just added)."""
    tx.flush()
    write_audit_lines(tx.connection(), lines)


def write_audit_lines(connection: Connection, lines: Sequence[Mapping[str, Any]]) -> None:
    """``insert_audit_lines`` on the transaction's connection, its session's pending rows already written
    (``core.records.sessions.insert_entry``)."""
    _INSERT_LINE.run_many(connection, lines)
