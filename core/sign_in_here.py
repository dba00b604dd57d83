"""Signing in while the clinic's database cannot be reached: only staff who signed in on this workstation
within the clinic's set hours, from the password hashes it kept when they did (in its journal, 0600), with
the same lock-out rules. What happened is kept too, and written to the audit trail when the database is back.

A sign-in here opens only what works while the database is away (the chairs' running infusions); an
account whose password must still be changed cannot sign in here, since changing it needs the database.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from core import passwords
from core.audit import AuditAction
from core.dates import local_time
from core.errors import NotAllowedError, NotPermitted
from core.hashing import utc_moment
from core.people import Account, Role
from core.persistence.journal import Journal
from core.record_values import StaffRecord
from core.settings import CLINIC_KEPT, ClinicSettings

SIGN_INS = "sign-ins"
"""Who signed in on this workstation, with their hashes, when, and their failures here."""
AUDIT_WAITING = "audit lines waiting"
"""Sign-ins and refusals here, for the audit trail when the database is back."""


def remember(journal: Journal, person: StaffRecord, at: datetime) -> None:
    """After a sign-in or unlock checked by the database: what a sign-in here will need."""
    kept: dict[str, Any] = journal.kept(SIGN_INS) or {}
    kept[person.id] = {
        "username": person.username,
        "name": person.display_name,
        "role": person.role,
        "active": person.active,
        "must_change_password": person.must_change_password,
        "password_hash": person.password_hash,
        "pin_hash": person.pin_hash,
        "signed_in_at": utc_moment(at),
        "failed": 0,
        "locked_until": None,
    }
    journal.keep(SIGN_INS, kept)


def sign_in_here(journal: Journal, who: str, secret: str, at: datetime, *, by_id: bool) -> Account:
    """``who``: the user name typed (or the account id, unlocking a screen); refused as the database would
    refuse it, and refused for anyone who has not signed in on this workstation within the set hours."""
    policy = ClinicSettings.model_validate(journal.kept(CLINIC_KEPT) or {})
    kept: dict[str, Any] = journal.kept(SIGN_INS) or {}
    found = (
        kept.get(who)
        if by_id
        else next(((key, value) for key, value in kept.items() if value["username"] == who.strip().lower()), None)
    )
    account_id, person = (who, found) if by_id else (found if found is not None else (None, None))
    hours = policy.offline_sign_in_hours
    recent = person is not None and datetime.fromisoformat(person["signed_in_at"]) + timedelta(hours=hours) > at
    if account_id is None or person is None or not person["active"] or not recent:
        passwords.spend_hashing_time(secret)
        raise NotPermitted(
            "The clinic's database cannot be reached, so only staff who signed in on this workstation in the "
            f"last {hours} hours can sign in here now.",
            "Ask one of them to sign in, or record on the downtime forms until the database is back.",
        )
    locked = person["locked_until"]
    if locked is not None and datetime.fromisoformat(locked) > at:
        raise _locked(datetime.fromisoformat(locked))
    pin = by_id and policy.pin_unlock and person["pin_hash"] is not None
    right = passwords.matches(person["password_hash"] or "", secret) or (
        pin and passwords.matches(person["pin_hash"], secret.strip())
    )
    if not right:
        raise _wrong(journal, kept, account_id, policy, at)
    if person["must_change_password"]:
        raise NotPermitted(
            f"{person['name']} still has a temporary password, and choosing one needs the clinic's database.",
            "Ask someone who has signed in here before, or use the downtime forms until the database is back.",
        )
    person["failed"] = 0
    journal.keep(SIGN_INS, kept)
    _note(journal, account_id, AuditAction.SCREEN_UNLOCKED if by_id else AuditAction.SIGNED_IN, at, {})
    return Account(
        id=account_id,
        name=person["name"],
        username=person["username"],
        role=Role(person["role"]),
        active=True,
        must_change_password=False,
        has_pin=person["pin_hash"] is not None,
        locked_until=None,
        last_sign_in_at=at,
        created_at=datetime.fromisoformat(person["signed_in_at"]),
        deactivated_at=None,
    )


def follow_accounts(journal: Journal, accounts: Mapping[str, Account], now: datetime) -> None:
    """The accounts as the database has them now: anyone deactivated, given a temporary password, or gone is
    no longer signed in here, nor anyone whose hashes are older than the set hours allow (they would only
    wait here); a change of role or a lock-out is followed."""
    kept: dict[str, Any] = journal.kept(SIGN_INS) or {}
    hours = ClinicSettings.model_validate(journal.kept(CLINIC_KEPT) or {}).offline_sign_in_hours
    followed = {}
    for account_id, person in kept.items():
        account = accounts.get(account_id)
        if account is None or not account.active or account.must_change_password:
            continue
        if datetime.fromisoformat(person["signed_in_at"]) + timedelta(hours=hours) < now:
            continue
        locked = utc_moment(account.locked_until) if account.locked_until is not None else person["locked_until"]
        followed[account_id] = {**person, "role": account.role.value, "name": account.name, "locked_until": locked}
    if followed != kept:
        journal.keep(SIGN_INS, followed)


def waiting_lines(journal: Journal) -> list[dict[str, Any]]:
    return list(journal.kept(AUDIT_WAITING) or [])


def lines_written(journal: Journal, count: int) -> None:
    """The first ``count`` waiting lines are in the audit trail now."""
    journal.keep(AUDIT_WAITING, waiting_lines(journal)[count:])


def _wrong(
    journal: Journal, kept: dict[str, Any], account_id: str, policy: ClinicSettings, at: datetime
) -> NotAllowedError:
    person = kept[account_id]
    person["failed"] += 1
    refusal: NotAllowedError = NotPermitted(
        "The user name or password is not right.",
        "Check what you typed (and Caps Lock) and try again. Too many wrong tries lock the account.",
    )
    _note(journal, account_id, AuditAction.SIGN_IN_FAILED, at, {"reason": "wrong secret"})
    if person["failed"] >= policy.max_failed_sign_ins:
        until = at + timedelta(minutes=policy.account_lockout_minutes)
        person["failed"], person["locked_until"] = 0, utc_moment(until)
        _note(journal, account_id, AuditAction.LOCKED_OUT, at, {"minutes": policy.account_lockout_minutes})
        refusal = _locked(until)
    journal.keep(SIGN_INS, kept)
    return refusal


def _locked(until: datetime) -> NotAllowedError:
    return NotPermitted(
        f"This account is locked after too many wrong attempts, until {local_time(until)}.",
        "Try again after that time, or ask someone else who signed in on this workstation.",
    )


def _note(journal: Journal, actor: str, action: AuditAction, at: datetime, detail: dict[str, Any]) -> None:
    lines = waiting_lines(journal)
    facts = {**detail, "while_away": True, "at": utc_moment(at), "line_id": str(uuid.uuid4())}
    lines.append({"actor_id": actor, "action": action.value, "detail": facts})
    journal.keep(AUDIT_WAITING, lines)
