"""The records as plain values: what ``core.records`` reads out of the tables and writes back.

The rest of core works with these and never with a table's row, so how the records are stored (the
tables, the columns, the engine) is known to ``core.records`` and ``core.persistence`` alone. Each value
holds what care and the audit trail read of its record, no more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from core.events import Event, EventType
from core.people import Account, Role


@dataclass(frozen=True)
class PatientRecord:
    """A patient as registered: the identifying fields every banner and wristband check compares."""

    id: str
    mrn: str
    family_name: str
    given_name: str
    birth_date: date
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class DetailsRecord:
    """Sex and allergies as a nurse confirmed them with the patient; a later confirmation is another one."""

    id: str
    patient_id: str
    sex: str
    allergies: str
    no_known_allergies: bool
    confirmed_by: str
    confirmed_at: datetime


@dataclass(frozen=True)
class SessionSummary:
    """A session's projection: whose, which chair, and where its record has got to, moved with every entry
    so the board and the day log need not replay every log (the entries stay the truth)."""

    id: str
    patient_id: str
    chair: int
    protocol_id: str
    protocol_version: str
    protocol_hash: str
    step: str
    outcome: str
    active: bool
    opened_at: datetime
    opened_by: str
    last_seq: int
    updated_at: datetime
    course_id: str | None = None
    """The course the session is a day of (none for sessions recorded before courses were ordered)."""
    began_at: datetime | None = None
    """When its infusion first began (its earliest "infusion.started" entry); None while it has not. Moved
    with the entries, as the step is, so reports over years of sessions read it from the row instead of
    finding every start among the entries. Not part of ``summary_content``: audit lines written before it
    existed hash the summary without it, and ``core.audit.verify`` checks it against the entries instead."""


def began_after(began_at: datetime | None, event: Event) -> datetime | None:
    """When a session's infusion first began, with ``event`` recorded: the earliest moment of its
    "infusion.started" entries (a late entry may say an earlier moment than one recorded before it)."""
    if event.type is not EventType.STARTED or (began_at is not None and began_at <= event.occurred_at):
        return began_at
    return event.occurred_at


@dataclass
class StaffRecord:
    """A person's account with the hashes of its secrets and its sign-in counters: what checking a
    password and managing people change (in place, then written back whole by ``core.records``)."""

    id: str
    display_name: str
    role: str
    active: bool
    created_at: datetime
    username: str | None = None
    password_hash: str | None = None
    pin_hash: str | None = None
    must_change_password: bool = False
    failed_sign_ins: int = 0
    locked_until: datetime | None = None
    last_sign_in_at: datetime | None = None
    password_changed_at: datetime | None = None
    deactivated_at: datetime | None = None

    def account(self) -> Account:
        """The account as screens and permission checks see it: no secret, only whether a PIN is set."""
        return Account(
            id=self.id,
            name=self.display_name,
            username=self.username,
            role=Role(self.role),
            active=self.active,
            must_change_password=self.must_change_password,
            has_pin=self.pin_hash is not None,
            locked_until=self.locked_until,
            last_sign_in_at=self.last_sign_in_at,
            created_at=self.created_at,
            deactivated_at=self.deactivated_at,
        )


@dataclass(frozen=True)
class SettingChange:
    """One change of a clinic-wide setting: the newest per key is in force."""

    key: str
    value: Any
    changed_by: str | None
    changed_at: datetime
    reason: str | None
