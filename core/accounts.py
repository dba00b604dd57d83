"""People's accounts: who may sign in, with what; adding, deactivating and resetting them.

There is no default account and no default password: a new database asks for its first
administrator, who then adds everyone else with a temporary password to change at first sign-in.
Accounts are deactivated, never deleted, because records name whoever made them.

Every change to an account commits together with its audit entry. A wrong password is committed too
(the count of failures and an audit entry) before the refusal is raised, so lock-out cannot be
dodged by a caller that discards the error. No secret, nor anything typed into the sign-in user-name
box (often a password typed in the wrong box), is ever written to the audit trail, a message or the
log.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from core import passwords, records
from core.audit import AuditAction
from core.clock import Clock
from core.dates import local_time
from core.errors import (
    STORE_AWAY,
    ChairsideError,
    InputError,
    NotAllowedError,
    NotFound,
    NotNow,
    NotPermitted,
    TemporaryPasswordError,
)
from core.people import ASK_ADMINISTRATOR, Account, Permission, Role
from core.persistence.db import Database
from core.persistence.journal import Journal
from core.plain_text import plain_text
from core.record_values import StaffRecord
from core.settings import ClinicSettings, clinic_settings
from core.sign_in_here import remember, sign_in_here
from core.unit_of_work import Tx, UnitOfWork, Work


def _role(value: Role | str) -> Role:
    try:
        return Role(value)
    except ValueError:
        choices = ", ".join(role.value for role in Role)
        raise InputError("role", "That is not a role.", f"Choose one of: {choices}.") from None


def _typed(secret: str | None, field: str, what: str) -> str:
    if not secret:
        raise InputError(field, f"Enter {what}.")
    return secret


class Accounts:
    """Accounts on one database, with the clinic's rules read fresh on each call (they can change)."""

    def __init__(self, database: Database, clock: Clock, workstation: str, journal: Journal | None = None) -> None:
        """``journal``: where a sign-in's hashes are kept, for signing in here while the database is away."""
        self.db = database
        self.clock = clock
        self.door = UnitOfWork(database, clock.now, workstation)
        self.journal = journal

    # ---- reading ----------------------------------------------------------------------------------

    def everyone(self) -> list[Account]:
        with self.door.reading() as tx:
            return records.everyone(tx)

    def get(self, account_id: str) -> Account:
        with self.door.reading() as tx:
            return self._person(tx, account_id).account()

    def needs_first_administrator(self) -> bool:
        with self.door.reading() as tx:
            return not self._administrators(tx)

    # ---- managing people ------------------------------------------------------------------------

    def create_first_administrator(self, name: str, username: str, password: str, repeat: str) -> Account:
        """The one way into a new database: allowed only while no administrator can sign in."""
        with self.door.writing() as work:
            if records.administrators(work.tx, deciding=True):
                raise NotPermitted(
                    "This clinic already has an administrator.", "Ask an administrator to add your account."
                )
            person = self._new_person(work.tx, name, username, Role.ADMINISTRATOR)
            person.password_hash = passwords.hash_secret(
                self._checked_password(password, repeat, person, field="new_password")
            )
            records.add_staff(work.tx, person)
            work.audit_as(
                person.id,
                AuditAction.ACCOUNT_ADDED,
                detail={"account_id": person.id, "role": person.role, "first_administrator": True},
            )
            return person.account()

    def add(
        self, by: str, name: str, username: str, role: Role | str, temporary_password: str, repeat: str | None = None
    ) -> Account:
        """The new person chooses their own password at first sign-in: the administrator never knows it.

        ``repeat``: the password typed a second time where a person types it, so that one typo does not
        lock the new person out; None from a caller that holds it already (a script, the demo).
        """
        with self.door.writing(by, Permission.MANAGE_PEOPLE) as work:
            person = self._new_person(work.tx, name, username, _role(role))
            person.password_hash = passwords.hash_secret(
                self._checked_password(temporary_password, repeat, person, field="temporary_password")
            )
            person.must_change_password = True
            records.add_staff(work.tx, person)
            work.audit(AuditAction.ACCOUNT_ADDED, detail={"account_id": person.id, "role": person.role})
            return person.account()

    def deactivate(self, by: str, account_id: str, reason: str) -> Account:
        with self.door.writing(by, Permission.MANAGE_PEOPLE) as work:
            why = plain_text(reason, "reason", "the reason", 500)
            person = self._person(work.tx, account_id)
            if not person.active:
                raise NotNow(f"{person.display_name}'s account is already deactivated.", "Nothing was changed.")
            if person.id == by:
                raise NotPermitted("You cannot deactivate your own account.", "Ask another administrator to do it.")
            if [admin.id for admin in self._administrators(work.tx)] == [person.id]:
                raise NotNow(
                    f"{person.display_name} is the last administrator who can sign in.",
                    "Add another administrator first, so someone can still manage people and settings.",
                )
            person.active = False
            person.deactivated_at = work.at
            records.save_staff(work.tx, person)
            work.audit(AuditAction.ACCOUNT_DEACTIVATED, detail={"account_id": person.id, "reason": why})
            return person.account()

    def reset_password(
        self,
        by: str,
        account_id: str,
        temporary_password: str,
        username: str | None = None,
        repeat: str | None = None,
    ) -> Account:
        """For a forgotten password or a lock-out. The PIN goes too: whoever reset may not be its owner.
        ``repeat`` as for ``add``."""
        with self.door.writing(by, Permission.MANAGE_PEOPLE) as work:
            person = self._person(work.tx, account_id)
            if not person.active:
                raise NotNow(
                    f"{person.display_name}'s account is deactivated, so its password cannot be reset.",
                    "Add a new account if this person works here again.",
                )
            given_username = person.username is None
            if given_username:
                if not username:
                    raise InputError(
                        "username",
                        f"{person.display_name} has no user name yet.",
                        "Enter one to give them with the new password.",
                    )
                person.username = self._free_username(work.tx, username)
            elif username and passwords.check_username(username) != person.username:
                raise InputError(
                    "username",
                    f"{person.display_name} already has the user name {person.username}; user names do not change.",
                    "Leave the user name as it is.",
                )
            person.password_hash = passwords.hash_secret(
                self._checked_password(temporary_password, repeat, person, field="temporary_password")
            )
            pin_cleared = person.pin_hash is not None
            person.pin_hash = None
            person.must_change_password = True
            person.failed_sign_ins = 0
            person.locked_until = None
            person.password_changed_at = work.at
            records.save_staff(work.tx, person)
            work.audit(
                AuditAction.PASSWORD_RESET,
                detail={"account_id": person.id, "username_given": given_username, "pin_cleared": pin_cleared},
            )
            return person.account()

    # ---- one's own credentials ------------------------------------------------------------------

    def change_password(self, account_id: str, current: str, new: str, repeat: str) -> Account:
        _typed(current, "current_password", "your current password")
        if passwords.normalise(new or "") == passwords.normalise(current):
            raise InputError(
                "new_password", "The new password is the same as the current one.", "Choose a different one."
            )
        refusal: ChairsideError
        with self.door.writing() as work:
            person = self._person(work.tx, account_id)
            refused = self._unusable(work, person, "change_password", None)
            if refused is None and passwords.matches(person.password_hash or "", current):
                # Nothing is written yet, so refusing the new password here loses nothing.
                chosen = self._checked_password(new, repeat, person, field="new_password")
                person.password_hash = passwords.hash_secret(chosen)
                person.must_change_password = False
                person.failed_sign_ins = 0
                person.password_changed_at = work.at
                records.save_staff(work.tx, person)
                work.audit_as(person.id, AuditAction.PASSWORD_CHANGED)
                return person.account()
            refusal = (
                refused
                or self._failed(work, person, "change_password")
                or InputError(
                    "current_password", "The current password is not right.", "Type your current password again."
                )
            )
        raise refusal

    def set_pin(self, account_id: str, password: str, pin: str, repeat: str) -> Account:
        self._pin_allowed()
        _typed(password, "password", "your password")
        chosen = passwords.check_new_pin(pin, repeat)
        refusal: ChairsideError
        with self.door.writing() as work:
            person = self._person(work.tx, account_id)
            refused = self._unusable(work, person, "set_pin", None)
            if refused is None and passwords.matches(person.password_hash or "", password):
                person.pin_hash = passwords.hash_secret(chosen)
                person.failed_sign_ins = 0
                records.save_staff(work.tx, person)
                work.audit_as(person.id, AuditAction.PIN_CHANGED, detail={"pin": "set"})
                return person.account()
            refusal = (
                refused
                or self._failed(work, person, "set_pin")
                or InputError("password", "The password is not right.", "Type your password again.")
            )
        raise refusal

    def clear_pin(self, account_id: str) -> Account:
        """Allowed even when the clinic has turned PINs off: removing a way in is always safe."""
        with self.door.writing() as work:
            person = self._person(work.tx, account_id)
            if person.pin_hash is not None:
                person.pin_hash = None
                records.save_staff(work.tx, person)
                work.audit_as(person.id, AuditAction.PIN_CHANGED, detail={"pin": "cleared"})
            return person.account()

    # ---- proving who one is ---------------------------------------------------------------------

    def sign_in(self, username: str, password: str) -> Account:
        """The returned account may say ``must_change_password``: the caller then insists on a change. While
        the database cannot be reached, checked against what this workstation kept (``core.sign_in_here``)."""
        try:
            return self._by_username(username, password, "sign_in", AuditAction.SIGNED_IN)
        except STORE_AWAY:
            if self.journal is None:
                raise
            _typed((username or "").strip(), "username", "your user name")
            return sign_in_here(self.journal, username, password, self.clock.now(), by_id=False)

    def authenticate(self, username: str, password: str, purpose: str) -> Account:
        """A second person proving who they are there and then (a dose check, a witnessed waste).
        Writes no audit entry on success: the caller records what they did, in its own transaction."""
        return self._by_username(username, password, purpose, None)

    def confirm_identity(self, account_id: str, password: str, purpose: str) -> Account:
        """The signed-in person typing their password again to sign something. Never a PIN: a
        signature must take the full password. No audit entry on success (the caller records it)."""
        _typed(password, "password", "your password")
        return self._check(account_id, password, purpose, None, pin=False, by_username=False)

    def unlock(self, account_id: str, secret: str) -> Account:
        """The owner of a locked screen, with the password or, where the clinic allows it, the PIN."""
        _typed(secret, "password", "your password or PIN")
        try:
            pin = self._policy().pin_unlock
            return self._check(account_id, secret, "unlock", AuditAction.SCREEN_UNLOCKED, pin=pin, by_username=False)
        except STORE_AWAY:
            if self.journal is None:
                raise
            return sign_in_here(self.journal, account_id, secret, self.clock.now(), by_id=True)

    def record_lock(self, account_id: str) -> None:
        self._event(account_id, AuditAction.SCREEN_LOCKED)

    def record_sign_out(self, account_id: str) -> None:
        self._event(account_id, AuditAction.SIGNED_OUT)

    # ---- the checks behind them -----------------------------------------------------------------

    def _by_username(self, username: str, password: str, purpose: str, success: AuditAction | None) -> Account:
        typed = _typed((username or "").strip(), "username", "your user name")
        _typed(password, "password", "your password")
        try:
            wanted: str | None = passwords.check_username(typed)
        except InputError:
            wanted = None  # cannot be anyone's: refused like any unknown user name
        person = None
        if wanted is not None:
            with self.door.reading() as tx:
                person = records.staff_named(tx, wanted)
        if person is None:
            passwords.spend_hashing_time(password)
            with self.door.writing() as work:
                work.audit_as(
                    None, AuditAction.SIGN_IN_FAILED, detail={"purpose": purpose, "reason": "unknown user name"}
                )
            raise self._not_right(by_username=True, pin=False)
        return self._check(person.id, password, purpose, success, pin=False, by_username=True)

    def _check(
        self, account_id: str, secret: str, purpose: str, success: AuditAction | None, *, pin: bool, by_username: bool
    ) -> Account:
        """``success`` is the audit entry for a sign-in or unlock; other callers audit what they do."""
        refusal: NotAllowedError
        with self.door.writing() as work:
            person = self._person(work.tx, account_id, for_update=True)
            refused = self._unusable(work, person, purpose, secret if by_username else None)
            if refused is None:
                pin = pin and person.pin_hash is not None
                by_pin = pin and passwords.matches(person.pin_hash or "", secret.strip())  # as set_pin keeps it
                if by_pin or passwords.matches(person.password_hash or "", secret):
                    person.failed_sign_ins = 0
                    if not by_pin and passwords.needs_rehash(person.password_hash or ""):
                        person.password_hash = passwords.hash_secret(secret)
                    refused = self._still_temporary(work, person, purpose)
                    if refused is None and success is AuditAction.SIGNED_IN:
                        person.last_sign_in_at = work.at
                    records.save_staff(work.tx, person)
                    if refused is None:
                        if success is not None:
                            work.audit_as(person.id, success, detail=({"with_pin": by_pin} if pin else {}))
                            if self.journal is not None:
                                remember(self.journal, person, work.at)
                        return person.account()
            refusal = (
                refused or self._failed(work, person, purpose) or self._not_right(by_username=by_username, pin=pin)
            )
        raise refusal

    def _still_temporary(self, work: Work, person: StaffRecord, purpose: str) -> TemporaryPasswordError | None:
        """A password an administrator typed proves only that someone was told it: until its owner has
        chosen her own, it opens the way to choosing one and nothing else (no check, witness or signature)."""
        if not person.must_change_password or purpose in {"sign_in", "unlock"}:
            return None
        work.audit_as(
            person.id, AuditAction.SIGN_IN_FAILED, detail={"purpose": purpose, "reason": "temporary password"}
        )
        return TemporaryPasswordError(
            f"{person.display_name} still has the temporary password an administrator gave.",
            "Sign in once to choose your own password, then try again.",
            person.id,
        )

    def _unusable(self, work: Work, person: StaffRecord, purpose: str, typed: str | None) -> NotAllowedError | None:
        """Why the account cannot be used at all (the attempt is recorded), before its secret counts.

        ``typed`` is the password typed with a user name: a deactivated account is only named to
        someone who knows its password, so the sign-in box does not confirm who has an account.
        """
        if not person.active:
            reason = "deactivated"
            refusal = NotPermitted(
                f"{person.display_name}'s account is deactivated.",
                f"{ASK_ADMINISTRATOR} A deactivated account cannot sign in or sign.",
            )
            if typed is not None and not passwords.matches(person.password_hash or "", typed):
                refusal = self._not_right(by_username=True, pin=False)
        elif person.username is None or person.password_hash is None:
            reason, refusal = (
                "no password yet",
                NotPermitted(
                    f"{person.display_name} has no user name and password yet.",
                    "An administrator must give them a user name and password (a password reset).",
                ),
            )
        elif person.locked_until is not None and person.locked_until > work.at:
            reason, refusal = "locked out", self._locked(person.locked_until)
        else:
            return None
        work.audit_as(person.id, AuditAction.SIGN_IN_FAILED, detail={"purpose": purpose, "reason": reason})
        return refusal

    def _failed(self, work: Work, person: StaffRecord, purpose: str) -> NotAllowedError | None:
        """Count a wrong secret; at the clinic's limit, lock the account. Returns the lock-out refusal."""
        policy = self._policy()
        person.failed_sign_ins += 1
        work.audit_as(
            person.id,
            AuditAction.SIGN_IN_FAILED,
            detail={"purpose": purpose, "reason": "wrong secret", "failures": person.failed_sign_ins},
        )
        locked: NotAllowedError | None = None
        if person.failed_sign_ins >= policy.max_failed_sign_ins:
            person.locked_until = work.at + timedelta(minutes=policy.account_lockout_minutes)
            work.audit_as(
                person.id,
                AuditAction.LOCKED_OUT,
                detail={"failures": person.failed_sign_ins, "minutes": policy.account_lockout_minutes},
            )
            person.failed_sign_ins = 0
            locked = self._locked(person.locked_until)
        records.save_staff(work.tx, person)
        return locked

    @staticmethod
    def _locked(until: datetime) -> NotAllowedError:
        return NotPermitted(
            f"This account is locked after too many wrong attempts, until {local_time(until)}.",
            "Try again after that time, or ask an administrator to reset the password.",
        )

    @staticmethod
    def _not_right(*, by_username: bool, pin: bool) -> NotAllowedError:
        """One message whether the user name or the password was wrong, so neither is confirmed."""
        what = "user name or password" if by_username else "password or PIN" if pin else "password"
        return NotPermitted(
            f"The {what} is not right.",
            "Check what you typed (and Caps Lock) and try again. Too many wrong tries lock the account.",
        )

    # ---- helpers ----------------------------------------------------------------------------------

    def _policy(self) -> ClinicSettings:
        return clinic_settings(self.db)

    def _pin_allowed(self) -> None:
        if not self._policy().pin_unlock:
            raise NotPermitted(
                "This clinic has not turned on unlocking with a PIN.",
                "Unlock with your password, or ask an administrator to turn on PIN unlock in the clinic settings.",
            )

    def _checked_password(self, password: str, repeat: str | None, person: StaffRecord, *, field: str) -> str:
        """``repeat`` None: the password was typed once, by a caller that holds it (nothing to compare)."""
        policy = self._policy()
        return passwords.check_new_password(
            password,
            password if repeat is None else repeat,
            min_length=policy.password_min_length,
            user_inputs=passwords.guessable_words(person.display_name, person.username or "", policy.clinic_name),
            username=person.username,
            field=field,
        )

    def _new_person(self, tx: Tx, name: str, username: str, role: Role) -> StaffRecord:
        return StaffRecord(
            id=str(uuid.uuid4()),
            display_name=plain_text(name, "name", "the person's name", 120),
            role=role.value,
            active=True,
            created_at=self.clock.now(),
            username=self._free_username(tx, username),
            password_changed_at=self.clock.now(),
        )

    @staticmethod
    def _free_username(tx: Tx, username: str) -> str:
        value = passwords.check_username(username)
        if records.username_taken(tx, value):
            raise InputError(
                "username", f"The user name {value} is taken.", "Choose another, e.g. with an initial or a digit."
            )
        return value

    @staticmethod
    def _person(tx: Tx, account_id: str, *, for_update: bool = False) -> StaffRecord:
        """``for_update`` locks its row (PostgreSQL) so two workstations cannot lose a failure count."""
        person = records.staff_record(tx, account_id, for_update=for_update)
        if person is None:
            raise NotFound("That account does not exist.", "Choose the person again from the list.")
        return person

    @staticmethod
    def _administrators(tx: Tx) -> list[Account]:
        """Active administrators who can sign in: while there are none, the first may be created."""
        return records.administrators(tx)

    def _event(self, account_id: str, action: AuditAction) -> None:
        with self.door.writing() as work:
            self._person(work.tx, account_id)
            work.audit_as(account_id, action)
