"""The clinic's own records: its settings' history, and the text of every protocol a session ran under."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session, col, select

from core.persistence.notices import CHANNEL
from core.persistence.prepared import Prepared
from core.persistence.tables import ClinicSetting, ProtocolCopy
from core.persistence.upsert import insert_for
from core.record_values import SettingChange


def setting_changes(tx: Session) -> list[SettingChange]:
    """Every change of a clinic setting, oldest first (so the newest value of each key comes last)."""
    rows = tx.exec(select(ClinicSetting).order_by(col(ClinicSetting.id)))
    return [SettingChange(row.key, row.value, row.changed_by, row.changed_at, row.reason) for row in rows]


def add_setting_change(tx: Session, change: SettingChange) -> None:
    tx.add(
        ClinicSetting(
            key=change.key,
            value=change.value,
            changed_by=change.changed_by,
            changed_at=change.changed_at,
            reason=change.reason,
        )
    )


def protocol_kept(tx: Session, content_hash: str) -> bool:
    return tx.get(ProtocolCopy, content_hash) is not None


def keep_protocol(tx: Session, content_hash: str, protocol_id: str, version: str, text: str, at: datetime) -> None:
    """A protocol's text, written once (the caller checks ``protocol_kept``) and never changed.

    On a server, two workstations opening the first session under a new protocol at the same moment both
    find it not kept yet: the second waits for the first to commit and then writes nothing, rather than
    having its session refused as if another had taken its chair. (SQLite takes its write lock before
    reading, so there the second finds the copy kept.)"""
    row = {
        "content_hash": content_hash,
        "protocol_id": protocol_id,
        "protocol_version": version,
        "text": text,
        "stored_at": at,
    }
    statement = insert_for(tx.connection(), ProtocolCopy.__table__)  # type: ignore[attr-defined]
    tx.execute(statement.values(row).on_conflict_do_nothing(index_elements=["content_hash"]))


def kept_protocol_hashes(tx: Session) -> list[str]:
    """The SHA-256 of every protocol whose text the records keep."""
    return list(tx.exec(select(ProtocolCopy.content_hash)))


def protocol_text(tx: Session, content_hash: str) -> str | None:
    return tx.exec(select(ProtocolCopy.text).where(ProtocolCopy.content_hash == content_hash)).first()


_NOTIFY = Prepared(text("SELECT pg_notify(:channel, :workstation)"))
"""Run once for every unit of work that writes, on a server."""


def announce(tx: Session, workstation: str) -> None:
    """Tell every workstation listening that this transaction wrote something, as it commits (a server's
    notices are delivered at commit, and never for a transaction rolled back). SQLite has no notices: its
    readers see ``last_seq`` move instead."""
    if tx.get_bind().dialect.name == "postgresql":
        _NOTIFY.first(tx, {"channel": CHANNEL, "workstation": workstation})
