"""The entries and audit lines the clinic's quality report counts (``core.quality``), read by kind and moment.

Over ten years a busy clinic records some 300,000 sessions, each with a weighing, a dose, a second check, a
pump reading, a start, a discharge and a signature. Few of them are of interest to the report: an override,
a mismatch, a controlled-substance problem. So every kind is counted in the database (on the index of kind
and moment), and of the kinds where only some entries matter only those are read, picked out by the stored
payload's own fields (``NOTABLE``); each entry read is then judged again in Python by its typed payload, so a
filter that lets too much through costs time, never a wrong count.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

from sqlalchemy import ColumnElement, Text, cast, func, or_
from sqlmodel import Session, col, select

from core.events import Event, EventType
from core.persistence.tables import AuditEntry, InfusionSession, SessionEvent
from core.quality.rows import AuditLine
from core.records.sessions import events_where, load_events_of

_PAYLOAD = col(SessionEvent.payload)  # a JSON column: ``[...]`` reads a field of it the same way on either store

NOTABLE: Mapping[EventType, ColumnElement[bool]] = {
    EventType.OPENED: _PAYLOAD["same_day_override"].as_string().is_not(None),
    EventType.WEIGHED: _PAYLOAD["change_confirmed"].as_boolean() == True,  # noqa: E712 (SQL, not Python)
    EventType.DOSE_CALCULATED: _PAYLOAD[("calculation", "soft_limit_exceeded")].as_boolean() == True,  # noqa: E712
    EventType.STARTED: _PAYLOAD["go_ahead"].as_string().is_not(None),
    EventType.DISCHARGED: _PAYLOAD["override_reason"].as_string().is_not(None),
    EventType.CHECKED: _PAYLOAD[("mismatches", 0)].as_string().is_not(None),
    EventType.PUMP_PROGRAMMED: or_(
        _PAYLOAD[("mismatches", 0)].as_string().is_not(None),
        _PAYLOAD[("second", "mismatches", 0)].as_string().is_not(None),
    ),
    EventType.SIGNED: _PAYLOAD["controlled_problem"].as_string().is_not(None),
    # A waste's witness is a signature, named by its meaning; one without the word has none (v1 named a
    # ``witness_id`` instead: read every v1 waste, whose witness the typed payload gives).
    EventType.WASTED: or_(
        cast(_PAYLOAD, Text).not_like('%"witnessed waste"%'), _PAYLOAD["witness_id"].as_string().is_not(None)
    ),
}
"""Of each kind where few entries matter, the ones that may: an override given, a mismatch found, a problem
signed for, a waste with no witness's signature. The report judges each again by its typed payload."""


def entries_counted(tx: Session, kinds: Collection[EventType], start: datetime, end: datetime) -> dict[EventType, int]:
    """How many entries of each kind occurred in [start, end): the denominators (every check, every pump
    reading), counted on the index of kind and moment without reading a row."""
    query = (
        select(SessionEvent.type, func.count())
        .where(
            col(SessionEvent.type).in_([kind.value for kind in kinds]),
            col(SessionEvent.occurred_at) >= start,
            col(SessionEvent.occurred_at) < end,
        )
        .group_by(col(SessionEvent.type))
    )
    found = dict(tx.connection().execute(query).all())
    return {kind: int(found.get(kind.value, 0)) for kind in kinds}


def sessions_opened(tx: Session, start: datetime, end: datetime) -> int:
    """How many sessions were opened in [start, end): the report's "per 100 sessions"."""
    query = select(func.count()).where(col(InfusionSession.opened_at) >= start, col(InfusionSession.opened_at) < end)
    return int(tx.connection().execute(query).scalar_one())


def second_pump_readings(tx: Session, start: datetime, end: datetime) -> int:
    """How many pump readings of [start, end) have a second nurse's reading."""
    query = select(func.count()).where(
        SessionEvent.type == EventType.PUMP_PROGRAMMED.value,
        col(SessionEvent.occurred_at) >= start,
        col(SessionEvent.occurred_at) < end,
        _PAYLOAD["second"].as_string().is_not(None),
    )
    return int(tx.connection().execute(query).scalar_one())


def notable_entries(tx: Session, kind: EventType, start: datetime, end: datetime) -> list[Event]:
    """The entries of ``kind`` in [start, end) that may matter to the report (``NOTABLE``; every entry of a
    kind it does not name), oldest first."""
    conditions = [
        SessionEvent.type == kind.value,
        col(SessionEvent.occurred_at) >= start,
        col(SessionEvent.occurred_at) < end,
    ]
    if kind in NOTABLE:
        conditions.append(NOTABLE[kind])
    return events_where(tx, *conditions)


def entries_of_sessions(tx: Session, session_ids: Collection[str]) -> dict[str, list[Event]]:
    """The whole log of each session named (few: those a silence or a problem names), in order."""
    return load_events_of(tx, sorted(set(session_ids)))


def late_entries(tx: Session, start: datetime, end: datetime) -> list[tuple[str, datetime, datetime]]:
    """Every entry in [start, end) saved at another moment than the one it records: (kind, occurred, recorded).
    Live entries are saved at the moment they record; these are the journal's and the late ones."""
    query = select(SessionEvent.type, SessionEvent.occurred_at, SessionEvent.recorded_at).where(
        col(SessionEvent.occurred_at) >= start,
        col(SessionEvent.occurred_at) < end,
        col(SessionEvent.recorded_at) != col(SessionEvent.occurred_at),
    )
    return [(kind, occurred, recorded) for kind, occurred, recorded in tx.connection().execute(query)]


def audit_lines_between(tx: Session, actions: Collection[str], start: datetime, end: datetime) -> list[AuditLine]:
    """The audit lines of the actions named written in [start, end), in the trail's order."""
    query = (
        select(
            AuditEntry.seq,
            AuditEntry.at,
            AuditEntry.actor_id,
            AuditEntry.action,
            AuditEntry.patient_id,
            AuditEntry.session_id,
            AuditEntry.detail,
        )
        .where(col(AuditEntry.action).in_(list(actions)), col(AuditEntry.at) >= start, col(AuditEntry.at) < end)
        .order_by(col(AuditEntry.seq))
    )
    return [AuditLine(*row) for row in tx.connection().execute(query)]
