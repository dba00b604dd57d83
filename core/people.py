"""Who people are to Chairside and what each may do: roles, the account as the rest of the code sees it
(never its hashes), and the one permission rule every act is checked against (``refusal``).

Plain rules with no storage: ``core.accounts`` keeps the accounts, and ``core.unit_of_work`` applies the
rule to the account as stored at the moment of each act.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.errors import NotPermitted

ASK_ADMINISTRATOR = "Ask an administrator."


class Role(StrEnum):
    NURSE = "nurse"
    CHARGE_NURSE = "charge_nurse"
    ADMINISTRATOR = "administrator"


ROLE_WORDS = {Role.NURSE: "Nurse", Role.CHARGE_NURSE: "Charge nurse", Role.ADMINISTRATOR: "Administrator"}


class Permission(StrEnum):
    """What an account may be asked to do. Whether it may is one rule (``refusal``), read from the
    account as stored at the moment of the act, so a person deactivated a minute ago can do none of it."""

    RECORD_CARE = "record care"
    REVIEW_DAY = "review the day"
    READ_AUDIT = "read the audit trail"
    READ_QUALITY = "read the quality report"
    MANAGE_PEOPLE = "manage people"
    CHANGE_SETTINGS = "change the clinic's settings"


ROLES_FOR = {
    Permission.RECORD_CARE: frozenset({Role.NURSE, Role.CHARGE_NURSE}),
    Permission.REVIEW_DAY: frozenset({Role.CHARGE_NURSE}),
    Permission.READ_AUDIT: frozenset({Role.CHARGE_NURSE, Role.ADMINISTRATOR}),
    Permission.READ_QUALITY: frozenset({Role.CHARGE_NURSE, Role.ADMINISTRATOR}),
    Permission.MANAGE_PEOPLE: frozenset({Role.ADMINISTRATOR}),
    Permission.CHANGE_SETTINGS: frozenset({Role.ADMINISTRATOR}),
}
"""Administrators keep the system, not patients: separating the two keeps the record honest. The day
log shows every patient of the day: it is the charge nurse's, who answers for the day. The quality report
counts care over months, for whoever tunes the protocol and the system: an administrator reads it too, its
lists of outliers naming no patient (``core.quality.report``)."""

_REFUSED = {
    Permission.RECORD_CARE: (
        "An administrator account does not record care.",
        "Sign in with a nurse's account to record care.",
    ),
    Permission.REVIEW_DAY: (
        "Only charge nurses may read the day log.",
        "Ask the charge nurse on duty, or sign in as one.",
    ),
    Permission.READ_AUDIT: (
        "Only charge nurses and administrators may read the audit trail.",
        "Ask one of them to look, or sign in with such an account.",
    ),
    Permission.READ_QUALITY: (
        "Only charge nurses and administrators may read the quality report.",
        "Ask one of them for it, or sign in with such an account.",
    ),
    Permission.MANAGE_PEOPLE: ("Only an administrator can manage accounts.", ASK_ADMINISTRATOR),
    Permission.CHANGE_SETTINGS: ("Only an administrator can change the clinic's settings.", ASK_ADMINISTRATOR),
}


@dataclass(frozen=True)
class Account:
    """A person as the rest of Chairside sees them: never the hashes."""

    id: str
    name: str
    username: str | None
    role: Role
    active: bool
    must_change_password: bool
    has_pin: bool
    locked_until: datetime | None
    last_sign_in_at: datetime | None
    created_at: datetime
    deactivated_at: datetime | None

    def may(self, need: Permission) -> bool:
        """What the screens offer this person (the act itself is checked again by ``refusal``)."""
        return self.active and self.role in ROLES_FOR[need]

    @property
    def can_record_care(self) -> bool:
        return self.may(Permission.RECORD_CARE)

    @property
    def can_read_audit(self) -> bool:
        return self.may(Permission.READ_AUDIT)

    @property
    def can_read_quality(self) -> bool:
        return self.may(Permission.READ_QUALITY)

    @property
    def can_review_day(self) -> bool:
        return self.may(Permission.REVIEW_DAY)

    @property
    def can_manage_people(self) -> bool:
        return self.may(Permission.MANAGE_PEOPLE)


@dataclass(frozen=True)
class AccountStanding:
    """What the permission rule reads of an account, and all it reads: read alone by every unit of work
    that writes (``core.unit_of_work``), as it stands at that moment, without the rest of the account."""

    active: bool
    role: Role
    must_change_password: bool


def refusal(account: Account | AccountStanding | None, need: Permission) -> NotPermitted | None:
    """Why ``account`` (as stored now; None when there is no such account) may not do ``need``, or None.

    Care is refused to an account that still has the temporary password an administrator gave: a record
    it made would carry a password someone else knows, so it would not say who made it.
    """
    if account is None or not account.active:
        if need is Permission.RECORD_CARE:
            return NotPermitted("That account is not active on this system.", "Sign in again with your own account.")
        return NotPermitted(*_REFUSED[need])
    if account.role not in ROLES_FOR[need]:
        return NotPermitted(*_REFUSED[need])
    if need is Permission.RECORD_CARE and account.must_change_password:
        return NotPermitted(
            "This account still has the temporary password an administrator gave.",
            "Choose your own password first (sign in again), then record.",
        )
    return None
