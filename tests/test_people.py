"""Accounts: the first administrator, adding and deactivating people, passwords, PINs and lock-out."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core import audit, passwords
from core.accounts import Accounts
from core.audit import AuditAction, AuditRecord
from core.clock import ManualClock
from core.errors import ChairsideError, InputError, NotAllowedError, TemporaryPasswordError
from core.logs import configure_logging
from core.people import Account, Role
from core.persistence.db import Database
from core.persistence.tables import Staff
from core.settings import change_clinic_setting
from tests.helpers.clinic import T0
from tests.helpers.people import ADMIN_PASSWORD, ANA_PASSWORD, BEN_PASSWORD, TEMPORARY_PASSWORD

NEW_PASSWORD = "amber walrus trombone 64"
OTHER_TEMPORARY = "linen falcon sorbet 23"


def trail(database: Database, action: AuditAction | None = None) -> list[AuditRecord]:
    """The audit entries oldest first, optionally of one kind."""
    return [e for e in reversed(audit.entries(database)) if action is None or e.action == action.value]


def set_clinic(database: Database, clock: ManualClock, key: str, value: object) -> None:
    change_clinic_setting(database, key, value, None, "test", clock.now(), workstation="test-ws")


def legacy_staff(database: Database, clock: ManualClock, name: str, role: str = "nurse") -> str:
    """Someone recorded before accounts existed: no user name, no password."""
    staff_id = str(uuid.uuid4())
    with database.transaction() as tx:
        tx.add(Staff(id=staff_id, display_name=name, role=role, created_at=clock.now()))
    return staff_id


def stored(database: Database, account_id: str) -> Staff:
    with database.session() as tx:
        row = tx.get(Staff, account_id)
        assert row is not None
        return row


def fail(action, *args: object) -> NotAllowedError:
    with pytest.raises(NotAllowedError) as error:
        action(*args)
    return error.value


def wrong_input(action, *args: object) -> InputError:
    with pytest.raises(InputError) as error:
        action(*args)
    return error.value


# ---- the first administrator ------------------------------------------------------------------


def test_a_new_database_has_no_account_and_no_default_password(accounts: Accounts):
    assert accounts.everyone() == []
    assert accounts.needs_first_administrator()
    for username, password in [("admin", "admin"), ("admin", "password"), ("administrator", "chairside")]:
        assert "not right" in fail(accounts.sign_in, username, password).message


def test_the_first_administrator_chooses_their_own_password_and_only_once(accounts: Accounts, database: Database):
    first = accounts.create_first_administrator("Ada Mensah", " Admin ", ADMIN_PASSWORD, ADMIN_PASSWORD)
    assert (first.role, first.username, first.must_change_password) == (Role.ADMINISTRATOR, "admin", False)
    assert not accounts.needs_first_administrator()
    refused = fail(accounts.create_first_administrator, "Eve Intruder", "eve", NEW_PASSWORD, NEW_PASSWORD)
    assert "already has an administrator" in refused.message
    assert [a.username for a in accounts.everyone()] == ["admin"]
    [added] = trail(database, AuditAction.ACCOUNT_ADDED)
    assert added.actor_id == first.id
    assert added.detail == {"account_id": first.id, "role": "administrator", "first_administrator": True}
    assert accounts.sign_in("admin", ADMIN_PASSWORD).id == first.id


def test_a_weak_first_administrator_password_creates_nothing(accounts: Accounts):
    assert wrong_input(accounts.create_first_administrator, "Ada", "admin", "password123", "password123").field == (
        "new_password"
    )
    assert wrong_input(accounts.create_first_administrator, "Ada", "admin", ADMIN_PASSWORD, "x").field == "repeat"
    assert accounts.everyone() == []
    assert accounts.needs_first_administrator()


def test_a_deactivated_or_passwordless_administrator_does_not_count(
    accounts: Accounts, database: Database, clock: ManualClock
):
    legacy_staff(database, clock, "Old Admin", "administrator")
    assert accounts.needs_first_administrator()


# ---- adding people ------------------------------------------------------------------------------


def test_an_administrator_adds_a_person_who_must_change_the_password(
    accounts: Accounts, admin: Account, database: Database
):
    added = accounts.add(admin.id, "Chidi Obi", "Chidi", Role.CHARGE_NURSE, TEMPORARY_PASSWORD)
    assert (added.username, added.role, added.must_change_password, added.active) == (
        "chidi",
        Role.CHARGE_NURSE,
        True,
        True,
    )
    entry = trail(database, AuditAction.ACCOUNT_ADDED)[-1]
    assert entry.actor_id == admin.id
    assert entry.detail == {"account_id": added.id, "role": "charge_nurse"}


def test_only_an_active_administrator_adds_people(accounts: Accounts, nurses: tuple[Account, Account]):
    refused = fail(accounts.add, nurses[0].id, "Chidi Obi", "chidi", "nurse", TEMPORARY_PASSWORD)
    assert "Only an administrator" in refused.message
    assert "chidi" not in [a.username for a in accounts.everyone()]


def test_the_same_user_name_twice_is_refused_whatever_its_case(accounts: Accounts, admin: Account, nurses):
    error = wrong_input(accounts.add, admin.id, "Ana Other", "ANA", "nurse", TEMPORARY_PASSWORD)
    assert (error.field, error.message) == ("username", "The user name ana is taken.")
    assert error.advice


def test_a_role_that_does_not_exist_is_refused(accounts: Accounts, admin: Account):
    assert wrong_input(accounts.add, admin.id, "Chidi Obi", "chidi", "surgeon", TEMPORARY_PASSWORD).field == "role"


def test_a_name_is_required(accounts: Accounts, admin: Account):
    assert wrong_input(accounts.add, admin.id, "   ", "chidi", "nurse", TEMPORARY_PASSWORD).field == "name"
    error = wrong_input(accounts.add, admin.id, "Chi\x00di", "chidi", "nurse", TEMPORARY_PASSWORD)
    assert error.field == "name"
    assert error.message == "What was typed for the person's name holds characters that cannot be shown."


def test_a_guessable_temporary_password_is_refused_on_its_own_field(accounts: Accounts, admin: Account):
    error = wrong_input(accounts.add, admin.id, "Chidi Obi", "chidi", "nurse", "chidi12345")
    assert error.field == "temporary_password"


def test_a_temporary_password_typed_twice_differently_is_refused_and_nothing_changes(
    accounts: Accounts, admin: Account, nurses, database: Database
):
    typo = TEMPORARY_PASSWORD.replace("90", "09")
    error = wrong_input(accounts.add, admin.id, "Chidi Obi", "chidi", "nurse", TEMPORARY_PASSWORD, typo)
    assert (error.field, error.message) == ("repeat", "The two passwords are not the same.")
    assert "chidi" not in [person.username for person in accounts.everyone()]
    before = stored(database, nurses[0].id).password_hash
    error = wrong_input(accounts.reset_password, admin.id, nurses[0].id, OTHER_TEMPORARY, None, typo)
    assert error.field == "repeat"
    assert stored(database, nurses[0].id).password_hash == before
    assert not accounts.get(nurses[0].id).must_change_password
    assert trail(database, AuditAction.PASSWORD_RESET) == []
    added = accounts.add(admin.id, "Chidi Obi", "chidi", "nurse", TEMPORARY_PASSWORD, TEMPORARY_PASSWORD)
    assert accounts.sign_in("chidi", TEMPORARY_PASSWORD).id == added.id


def test_what_each_role_may_do(accounts: Accounts, admin: Account, nurses):
    charge = accounts.add(admin.id, "Chidi Obi", "chidi", Role.CHARGE_NURSE, TEMPORARY_PASSWORD)
    nurse = nurses[0]
    assert (nurse.can_record_care, nurse.can_read_audit, nurse.can_manage_people) == (True, False, False)
    assert (charge.can_record_care, charge.can_read_audit, charge.can_manage_people) == (True, True, False)
    assert (admin.can_record_care, admin.can_read_audit, admin.can_manage_people) == (False, True, True)
    gone = accounts.deactivate(admin.id, charge.id, "left the clinic")
    assert (gone.can_record_care, gone.can_read_audit) == (False, False)


def test_everyone_is_listed_by_name_and_each_can_be_read_back(accounts: Accounts, admin: Account, nurses):
    assert [a.name for a in accounts.everyone()] == ["Ada Mensah", "Ana Reyes", "Ben Okafor"]
    assert accounts.get(nurses[1].id) == nurses[1]
    assert "does not exist" in fail(accounts.get, "no-such-id").message


# ---- signing in ---------------------------------------------------------------------------------


def test_signing_in_records_when_and_clears_earlier_failures(
    accounts: Accounts, nurses, database: Database, clock: ManualClock
):
    fail(accounts.sign_in, "ana", "not the password")
    clock.advance(minutes=1)
    signed = accounts.sign_in("  ANA ", ANA_PASSWORD)
    assert signed.last_sign_in_at == clock.now()
    assert stored(database, signed.id).failed_sign_ins == 0
    entry = trail(database)[-1]
    assert (entry.action, entry.actor_id, entry.workstation) == (AuditAction.SIGNED_IN.value, signed.id, "test-ws")


def test_a_wrong_password_and_an_unknown_user_name_get_the_same_answer(accounts: Accounts, nurses, database: Database):
    wrong_password = fail(accounts.sign_in, "ana", "violet harbour kettle 73")
    unknown = fail(accounts.sign_in, "anna", ANA_PASSWORD)
    assert str(wrong_password) == str(unknown)
    assert wrong_password.message == "The user name or password is not right."
    assert wrong_password.advice
    failed = trail(database, AuditAction.SIGN_IN_FAILED)
    assert failed[0].actor_id == nurses[0].id
    assert failed[0].detail == {"purpose": "sign_in", "reason": "wrong secret", "failures": 1}
    assert failed[1].actor_id is None
    assert failed[1].detail == {"purpose": "sign_in", "reason": "unknown user name"}


def test_a_user_name_that_cannot_exist_is_refused_like_an_unknown_one(accounts: Accounts, nurses):
    for typed in ["a", "ana reyes", "\ud800", "ana\x00"]:
        assert fail(accounts.sign_in, typed, ANA_PASSWORD).message == "The user name or password is not right."


def test_an_empty_user_name_or_password_is_asked_for_on_its_field(accounts: Accounts, nurses):
    assert wrong_input(accounts.sign_in, "  ", ANA_PASSWORD).field == "username"
    assert wrong_input(accounts.sign_in, "ana", "").field == "password"


def test_a_new_person_signs_in_with_the_temporary_password_then_must_change_it(accounts: Accounts, admin: Account):
    added = accounts.add(admin.id, "Chidi Obi", "chidi", "nurse", TEMPORARY_PASSWORD)
    assert accounts.sign_in("chidi", TEMPORARY_PASSWORD).must_change_password
    changed = accounts.change_password(added.id, TEMPORARY_PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    assert not changed.must_change_password
    assert not accounts.sign_in("chidi", NEW_PASSWORD).must_change_password
    fail(accounts.sign_in, "chidi", TEMPORARY_PASSWORD)


def test_a_stronger_hashing_setting_is_applied_at_the_next_sign_in(accounts: Accounts, nurses, database: Database):
    before = stored(database, nurses[0].id).password_hash
    passwords.use_hasher(PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))  # the fixture restores it
    accounts.sign_in("ana", ANA_PASSWORD)
    after = stored(database, nurses[0].id).password_hash
    assert after != before
    assert after is not None and not passwords.needs_rehash(after)
    assert accounts.sign_in("ana", ANA_PASSWORD).id == nurses[0].id


# ---- changing one's own password ----------------------------------------------------------------


def test_changing_a_password_needs_the_current_one_and_counts_a_wrong_one(
    accounts: Accounts, nurses, database: Database
):
    ana = nurses[0]
    error = wrong_input(accounts.change_password, ana.id, "violet harbour", NEW_PASSWORD, NEW_PASSWORD)
    assert error.field == "current_password"
    assert stored(database, ana.id).failed_sign_ins == 1
    assert trail(database, AuditAction.SIGN_IN_FAILED)[-1].detail["purpose"] == "change_password"
    accounts.change_password(ana.id, ANA_PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    assert trail(database)[-1].action == AuditAction.PASSWORD_CHANGED.value
    assert accounts.sign_in("ana", NEW_PASSWORD).id == ana.id


def test_the_new_password_must_differ_follow_the_rules_and_be_repeated(accounts: Accounts, nurses):
    ana = nurses[0]
    assert wrong_input(accounts.change_password, ana.id, ANA_PASSWORD, ANA_PASSWORD, ANA_PASSWORD).field == (
        "new_password"
    )
    assert wrong_input(accounts.change_password, ana.id, ANA_PASSWORD, "ketamine2026", "ketamine2026").field == (
        "new_password"
    )
    assert wrong_input(accounts.change_password, ana.id, ANA_PASSWORD, NEW_PASSWORD, "x").field == "repeat"
    assert wrong_input(accounts.change_password, ana.id, "", NEW_PASSWORD, NEW_PASSWORD).field == "current_password"
    assert accounts.sign_in("ana", ANA_PASSWORD).id == ana.id


def test_the_clinic_minimum_length_applies_as_it_stands(accounts: Accounts, nurses, database, clock):
    set_clinic(database, clock, "password_min_length", 30)
    error = wrong_input(accounts.change_password, nurses[0].id, ANA_PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    assert "at least 30" in error.message


# ---- lock-out -----------------------------------------------------------------------------------


def test_wrong_passwords_up_to_the_clinic_limit_lock_the_account_until_the_time_it_says(
    accounts: Accounts, nurses, database: Database, clock: ManualClock
):
    set_clinic(database, clock, "max_failed_sign_ins", 3)
    set_clinic(database, clock, "account_lockout_minutes", 30)
    for _ in range(2):
        assert "not right" in fail(accounts.sign_in, "ana", "wrong guess 1").message
    locked = fail(accounts.sign_in, "ana", "wrong guess 1")
    until = clock.now() + timedelta(minutes=30)
    assert f"until {until.astimezone():%H:%M}" in locked.message
    assert "administrator" in locked.advice
    assert accounts.get(nurses[0].id).locked_until == until
    assert "locked" in fail(accounts.sign_in, "ana", ANA_PASSWORD).message
    [lock] = trail(database, AuditAction.LOCKED_OUT)
    assert (lock.actor_id, lock.detail) == (nurses[0].id, {"failures": 3, "minutes": 30})
    clock.advance(minutes=29)
    assert "locked" in fail(accounts.sign_in, "ana", ANA_PASSWORD).message
    clock.advance(minutes=1)
    assert accounts.sign_in("ana", ANA_PASSWORD).id == nurses[0].id


def test_the_lock_out_counts_failures_in_a_row_across_every_way_of_proving_who_one_is(
    accounts: Accounts, nurses, database: Database, clock: ManualClock
):
    set_clinic(database, clock, "max_failed_sign_ins", 5)
    set_clinic(database, clock, "pin_unlock", True)
    ana = nurses[0]
    fail(accounts.confirm_identity, ana.id, "wrong one", "signature")
    fail(accounts.authenticate, "ana", "wrong one", "second-nurse check")
    fail(accounts.unlock, ana.id, "wrong one")
    wrong_input(accounts.change_password, ana.id, "wrong one", NEW_PASSWORD, NEW_PASSWORD)
    assert "locked" in fail(accounts.set_pin, ana.id, "wrong one", "4096", "4096").message
    assert "locked" in fail(accounts.unlock, ana.id, ANA_PASSWORD).message
    failed = trail(database, AuditAction.SIGN_IN_FAILED)
    assert [e.detail["purpose"] for e in failed] == [
        "signature",
        "second-nurse check",
        "unlock",
        "change_password",
        "set_pin",
        "unlock",
    ]
    assert failed[-1].detail["reason"] == "locked out"


def test_a_right_password_in_between_starts_the_count_again(
    accounts: Accounts, nurses, database: Database, clock: ManualClock
):
    set_clinic(database, clock, "max_failed_sign_ins", 3)
    for _ in range(5):
        fail(accounts.sign_in, "ana", "wrong")
        fail(accounts.sign_in, "ana", "wrong")
        accounts.sign_in("ana", ANA_PASSWORD)
    assert trail(database, AuditAction.LOCKED_OUT) == []


def test_an_administrators_reset_ends_a_lock_out(accounts: Accounts, admin: Account, nurses, database, clock):
    set_clinic(database, clock, "max_failed_sign_ins", 3)
    for _ in range(3):
        fail(accounts.sign_in, "ben", "wrong")
    reset = accounts.reset_password(admin.id, nurses[1].id, OTHER_TEMPORARY)
    assert (reset.locked_until, reset.must_change_password) == (None, True)
    assert stored(database, reset.id).failed_sign_ins == 0
    assert accounts.sign_in("ben", OTHER_TEMPORARY).must_change_password
    fail(accounts.sign_in, "ben", BEN_PASSWORD)
    entry = trail(database, AuditAction.PASSWORD_RESET)[-1]
    assert (entry.actor_id, entry.detail["account_id"]) == (admin.id, reset.id)


# ---- resets and people from before accounts -----------------------------------------------------


def test_staff_from_before_accounts_cannot_sign_in_until_given_a_user_name_and_password(
    accounts: Accounts, admin: Account, database: Database, clock: ManualClock
):
    old = legacy_staff(database, clock, "Dora Lee")
    assert accounts.get(old).username is None
    for refused in [fail(accounts.unlock, old, "anything"), fail(accounts.confirm_identity, old, "x", "signature")]:
        assert "no user name and password" in refused.message
        assert "administrator" in refused.advice
    assert wrong_input(accounts.reset_password, admin.id, old, OTHER_TEMPORARY).field == "username"
    assert wrong_input(accounts.reset_password, admin.id, old, OTHER_TEMPORARY, "admin").field == "username"
    given = accounts.reset_password(admin.id, old, OTHER_TEMPORARY, "Dora.Lee")
    assert (given.username, given.must_change_password) == ("dora.lee", True)
    assert accounts.sign_in("dora.lee", OTHER_TEMPORARY).id == old
    assert trail(database, AuditAction.PASSWORD_RESET)[-1].detail["username_given"] is True


def test_a_reset_cannot_rename_and_needs_an_administrator(accounts: Accounts, admin: Account, nurses):
    assert wrong_input(accounts.reset_password, admin.id, nurses[0].id, OTHER_TEMPORARY, "anna").field == "username"
    assert accounts.reset_password(admin.id, nurses[0].id, OTHER_TEMPORARY, "ANA").username == "ana"
    assert "administrator" in fail(accounts.reset_password, nurses[1].id, nurses[0].id, OTHER_TEMPORARY).message


def test_a_deactivated_account_cannot_be_reset(accounts: Accounts, admin: Account, nurses):
    accounts.deactivate(admin.id, nurses[0].id, "left the clinic")
    refused = fail(accounts.reset_password, admin.id, nurses[0].id, OTHER_TEMPORARY)
    assert "deactivated" in refused.message
    assert refused.advice


# ---- deactivating -------------------------------------------------------------------------------


def test_a_deactivated_account_is_kept_but_cannot_sign_in_sign_or_witness(
    accounts: Accounts, admin: Account, nurses, database: Database, clock: ManualClock
):
    ana = nurses[0]
    gone = accounts.deactivate(admin.id, ana.id, "  left the clinic ")
    assert (gone.active, gone.deactivated_at) == (False, clock.now())
    assert ana.id in [a.id for a in accounts.everyone()]
    for refused in [
        fail(accounts.sign_in, "ana", ANA_PASSWORD),
        fail(accounts.confirm_identity, ana.id, ANA_PASSWORD, "signature"),
        fail(accounts.authenticate, "ana", ANA_PASSWORD, "waste witness"),
        fail(accounts.unlock, ana.id, ANA_PASSWORD),
    ]:
        assert "deactivated" in refused.message
        assert "administrator" in refused.advice
    entry = trail(database, AuditAction.ACCOUNT_DEACTIVATED)[0]
    assert (entry.actor_id, entry.detail) == (admin.id, {"account_id": ana.id, "reason": "left the clinic"})
    assert {e.detail["reason"] for e in trail(database, AuditAction.SIGN_IN_FAILED)} == {"deactivated"}
    assert "already" in fail(accounts.deactivate, admin.id, ana.id, "again").message


def test_the_sign_in_box_names_a_deactivated_account_only_to_whoever_knows_its_password(
    accounts: Accounts, admin: Account, nurses
):
    accounts.deactivate(admin.id, nurses[0].id, "left the clinic")
    guess = fail(accounts.sign_in, "ana", "someone guessing at names")
    assert guess.message == "The user name or password is not right."
    assert "Ana" not in guess.message + guess.advice


def test_a_temporary_password_proves_nothing_but_the_way_to_choose_ones_own(
    accounts: Accounts, admin: Account, nurses, care, patient, database: Database
):
    newbie = accounts.add(admin.id, "Nia Okoro", "nia", Role.NURSE, TEMPORARY_PASSWORD)
    for refused in [
        fail(accounts.authenticate, "nia", TEMPORARY_PASSWORD, "waste witness"),
        fail(accounts.authenticate, "nia", TEMPORARY_PASSWORD, "second-nurse check"),
        fail(accounts.confirm_identity, newbie.id, TEMPORARY_PASSWORD, "signature"),
    ]:
        assert "temporary password" in refused.message
        assert isinstance(refused, TemporaryPasswordError) and refused.account_id == newbie.id
    with pytest.raises(NotAllowedError, match="temporary password"):
        care.register_patient("MRN-77", "Doe", "Jo", "1980-01-01", by=newbie.id)
    assert accounts.sign_in("nia", TEMPORARY_PASSWORD).must_change_password
    reasons = {e.detail["reason"] for e in trail(database, AuditAction.SIGN_IN_FAILED)}
    assert reasons == {"temporary password"}


def test_deactivating_needs_a_reason_and_an_administrator(accounts: Accounts, admin: Account, nurses):
    assert wrong_input(accounts.deactivate, admin.id, nurses[0].id, "  ").field == "reason"
    assert "administrator" in fail(accounts.deactivate, nurses[1].id, nurses[0].id, "because").message
    assert accounts.get(nurses[0].id).active


def test_nobody_deactivates_themselves_nor_the_last_administrator(
    accounts: Accounts, admin: Account, database: Database, clock: ManualClock
):
    assert "your own" in fail(accounts.deactivate, admin.id, admin.id, "leaving").message
    # An administrator from before accounts can be named as acting, but cannot sign in afterwards.
    old_admin = legacy_staff(database, clock, "Old Admin", "administrator")
    refused = fail(accounts.deactivate, old_admin, admin.id, "leaving")
    assert "last administrator" in refused.message
    second = accounts.add(admin.id, "Sam Park", "sam", Role.ADMINISTRATOR, TEMPORARY_PASSWORD)
    assert not accounts.deactivate(second.id, admin.id, "retired").active


# ---- confirming and authenticating --------------------------------------------------------------


def test_confirming_identity_writes_nothing_on_success(
    accounts: Accounts, nurses, database: Database, clock: ManualClock
):
    ana = accounts.sign_in("ana", ANA_PASSWORD)
    before = trail(database)
    clock.advance(minutes=5)
    confirmed = accounts.confirm_identity(ana.id, ANA_PASSWORD, "signature")
    assert confirmed.last_sign_in_at == ana.last_sign_in_at
    assert trail(database) == before
    wrong = fail(accounts.confirm_identity, ana.id, BEN_PASSWORD, "signature")
    assert wrong.message == "The password is not right."
    assert trail(database)[-1].detail == {"purpose": "signature", "reason": "wrong secret", "failures": 1}


def test_a_second_person_authenticates_by_user_name_with_nothing_written_on_success(
    accounts: Accounts, nurses, database: Database
):
    before = trail(database)
    assert accounts.authenticate("ben", BEN_PASSWORD, "second-nurse check").id == nurses[1].id
    assert trail(database) == before
    assert accounts.get(nurses[1].id).last_sign_in_at is None
    unknown = fail(accounts.authenticate, "bob", BEN_PASSWORD, "waste witness")
    wrong = fail(accounts.authenticate, "ben", ANA_PASSWORD, "waste witness")
    assert unknown.message == wrong.message == "The user name or password is not right."
    assert trail(database)[-2].detail == {"purpose": "waste witness", "reason": "unknown user name"}


def test_locking_unlocking_and_signing_out_are_in_the_audit(accounts: Accounts, nurses, database: Database):
    ana = nurses[0]
    accounts.record_lock(ana.id)
    accounts.unlock(ana.id, ANA_PASSWORD)
    accounts.record_sign_out(ana.id)
    actions = [(e.action, e.actor_id) for e in trail(database)[-3:]]
    assert actions == [
        (AuditAction.SCREEN_LOCKED.value, ana.id),
        (AuditAction.SCREEN_UNLOCKED.value, ana.id),
        (AuditAction.SIGNED_OUT.value, ana.id),
    ]


# ---- PINs ---------------------------------------------------------------------------------------


def test_a_pin_is_refused_while_the_clinic_has_not_turned_it_on(accounts: Accounts, nurses):
    refused = fail(accounts.set_pin, nurses[0].id, ANA_PASSWORD, "4096", "4096")
    assert "PIN" in refused.message
    assert "administrator" in refused.advice
    assert not accounts.get(nurses[0].id).has_pin


def test_a_pin_unlocks_the_screen_but_never_signs_in_or_signs(
    accounts: Accounts, nurses, database: Database, clock: ManualClock
):
    set_clinic(database, clock, "pin_unlock", True)
    ana = nurses[0]
    assert wrong_input(accounts.set_pin, ana.id, ANA_PASSWORD, "1234", "1234").field == "pin"
    assert wrong_input(accounts.set_pin, ana.id, "wrong", "4096", "4096").field == "password"
    assert accounts.set_pin(ana.id, ANA_PASSWORD, "4096", "4096").has_pin
    assert trail(database)[-1].detail == {"pin": "set"}
    assert accounts.unlock(ana.id, "4096").id == ana.id
    assert trail(database)[-1].detail == {"with_pin": True}
    assert accounts.unlock(ana.id, ANA_PASSWORD).id == ana.id
    assert trail(database)[-1].detail == {"with_pin": False}
    fail(accounts.sign_in, "ana", "4096")
    fail(accounts.confirm_identity, ana.id, "4096", "signature")
    fail(accounts.authenticate, "ana", "4096", "second-nurse check")
    assert fail(accounts.unlock, ana.id, "4097").message == "The password or PIN is not right."


def test_a_pin_stops_working_when_the_clinic_turns_pins_off_and_can_always_be_cleared(
    accounts: Accounts, nurses, database: Database, clock: ManualClock
):
    set_clinic(database, clock, "pin_unlock", True)
    ana = nurses[0]
    accounts.set_pin(ana.id, ANA_PASSWORD, "4096", "4096")
    set_clinic(database, clock, "pin_unlock", False)
    assert fail(accounts.unlock, ana.id, "4096").message == "The password is not right."
    cleared = accounts.clear_pin(ana.id)
    assert not cleared.has_pin
    assert trail(database)[-1].detail == {"pin": "cleared"}
    before = trail(database)
    accounts.clear_pin(ana.id)
    assert trail(database) == before


def test_a_reset_clears_the_pin(accounts: Accounts, admin: Account, nurses, database, clock):
    set_clinic(database, clock, "pin_unlock", True)
    accounts.set_pin(nurses[0].id, ANA_PASSWORD, "4096", "4096")
    assert not accounts.reset_password(admin.id, nurses[0].id, OTHER_TEMPORARY).has_pin
    assert trail(database)[-1].detail["pin_cleared"] is True
    fail(accounts.unlock, nurses[0].id, "4096")


# ---- no secret is kept anywhere -----------------------------------------------------------------


def test_no_secret_reaches_the_database_file_the_log_the_audit_or_a_message(
    accounts: Accounts, admin: Account, database: Database, db_path, clock: ManualClock, caplog
):
    secret, wrong, temporary, second_temporary, pin = (
        "Zanzibar-quokka-plinth-9137",
        "Xylophone-marmot-ledger-5521",
        "Obsidian-nectar-fjord-7730",
        "Tangerine-walrus-cobalt-4418",
        "8316",
    )
    log_path = configure_logging(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # every statement with its values
    messages: list[str] = []
    try:
        set_clinic(database, clock, "pin_unlock", True)
        quinn = accounts.add(admin.id, "Quinn Test", "quinn", "nurse", temporary)
        accounts.sign_in("quinn", temporary)
        accounts.change_password(quinn.id, temporary, secret, secret)
        accounts.sign_in("quinn", secret)
        accounts.set_pin(quinn.id, secret, pin, pin)
        accounts.unlock(quinn.id, pin)
        accounts.confirm_identity(quinn.id, secret, "signature")
        accounts.authenticate("quinn", secret, "waste witness")
        attempts = [
            lambda: accounts.sign_in("quinn", wrong),
            lambda: accounts.sign_in(wrong, secret),  # a password typed in the user-name box
            lambda: accounts.sign_in(secret, wrong),
            lambda: accounts.confirm_identity(quinn.id, wrong, "signature"),
            lambda: accounts.authenticate("quinn", wrong, "second-nurse check"),
            lambda: accounts.change_password(quinn.id, wrong, secret + "!", secret + "!"),
            lambda: accounts.set_pin(quinn.id, wrong, "9027", "9027"),
            lambda: accounts.change_password(quinn.id, secret, wrong, wrong + "x"),
            lambda: accounts.add(admin.id, "Rae Test", "rae", "nurse", "password123"),
        ]
        for attempt in attempts:
            with pytest.raises(ChairsideError) as error:
                attempt()
            messages.append(str(error.value))
        accounts.reset_password(admin.id, quinn.id, second_temporary)
        accounts.sign_in("quinn", second_temporary)
        files = b"".join(path.read_bytes() for path in db_path.parent.glob(f"{db_path.name}*"))
        logged = log_path.read_text(encoding="utf-8") + "\n".join(r.getMessage() for r in caplog.records)
    finally:
        for handler in [h for h in logging.getLogger().handlers if getattr(h, "baseFilename", "") == str(log_path)]:
            logging.getLogger().removeHandler(handler)
            handler.close()
    details = repr([entry.detail for entry in trail(database)])
    assert b"Quinn Test" in files and "INSERT INTO audit_entry" in logged  # both were really read
    for typed in (secret, wrong, temporary, second_temporary, "password123"):
        assert typed.encode() not in files
        assert typed.encode("utf-16-le") not in files
        assert typed not in logged
        assert typed not in details
        assert not any(typed in message for message in messages)
    assert f"'{pin}'" not in details


# ---- any text in any credential field -----------------------------------------------------------

# Examples share one database (a fresh one each would take seconds); each starts after any lock-out.
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TYPED = st.text(max_size=50) | st.sampled_from(["ana", " Ben ", "chidi", "dora.lee", "", "  ", "a\x00b", "\ud800"])
USERNAMES = st.from_regex(r"[a-zA-Z0-9._-]{3,12}", fullmatch=True) | TYPED
STRONG = st.text(st.characters(codec="utf-8", exclude_categories=["Cc"]), min_size=12, max_size=40)
SECRETS = (
    STRONG
    | st.text(max_size=140)
    | st.sampled_from([ANA_PASSWORD, TEMPORARY_PASSWORD, NEW_PASSWORD, "password123", "ketamine2026", "4096", ""])
)
PINS = st.text(alphabet="0123456789０１ x", max_size=10) | st.text(max_size=10)
REFUSED = (InputError, NotAllowedError)


@PROPERTY
@given(name=TYPED, username=USERNAMES, temporary=SECRETS, role=st.sampled_from([*Role, "surgeon", ""]))
def test_any_text_when_adding_a_person_is_refused_or_makes_an_account_within_the_rules(
    accounts: Accounts, admin: Account, name: str, username: str, temporary: str, role: str
):
    try:
        added = accounts.add(admin.id, name, username, role, temporary)
    except REFUSED:
        return
    assert added.username is not None and passwords.USERNAME_PATTERN.fullmatch(added.username)
    assert added.name == name.strip() != ""
    assert added.must_change_password and added.role in set(Role)
    assert 10 <= len(passwords.normalise(temporary)) <= passwords.MAX_PASSWORD_LENGTH
    assert accounts.sign_in(added.username, temporary).id == added.id


@PROPERTY
@given(name=TYPED, username=USERNAMES, password=SECRETS, repeat=st.none() | SECRETS)
def test_any_text_for_the_first_administrator_is_refused_or_kept_within_the_rules(
    accounts: Accounts, name: str, username: str, password: str, repeat: str | None
):
    try:
        first = accounts.create_first_administrator(name, username, password, password if repeat is None else repeat)
    except REFUSED:
        return
    assert first.username is not None and passwords.USERNAME_PATTERN.fullmatch(first.username)
    assert repeat is None or passwords.normalise(repeat) == passwords.normalise(password)
    assert [a.id for a in accounts.everyone()] == [first.id]


@PROPERTY
@given(username=USERNAMES, password=SECRETS)
def test_any_text_when_proving_who_one_is_lets_in_only_the_right_person(
    accounts: Accounts, nurses, clock: ManualClock, username: str, password: str
):
    clock.advance(minutes=15)
    ana = nurses[0]
    attempts = [
        lambda: accounts.sign_in(username, password),
        lambda: accounts.authenticate(username, password, "waste witness"),
        lambda: accounts.confirm_identity(ana.id, password, "signature"),
        lambda: accounts.unlock(ana.id, password),
    ]
    for attempt in attempts:
        try:
            who = attempt()
        except REFUSED:
            continue
        assert passwords.normalise(password) == {ana.id: ANA_PASSWORD}.get(who.id, BEN_PASSWORD)


@PROPERTY
@given(right=st.booleans(), current=SECRETS, new=SECRETS, repeat=st.none() | SECRETS)
def test_any_text_when_changing_a_password_is_refused_or_kept_within_the_rules(
    accounts: Accounts, admin: Account, nurses, clock: ManualClock, right, current, new, repeat
):
    clock.advance(minutes=15)
    ana = accounts.reset_password(admin.id, nurses[0].id, TEMPORARY_PASSWORD)
    typed = TEMPORARY_PASSWORD if right else current
    try:
        changed = accounts.change_password(ana.id, typed, new, new if repeat is None else repeat)
    except REFUSED:
        assert accounts.get(ana.id).must_change_password
        return
    chosen = passwords.normalise(new)
    assert passwords.normalise(typed) == TEMPORARY_PASSWORD != chosen
    assert 10 <= len(chosen) <= passwords.MAX_PASSWORD_LENGTH and "ana" not in chosen.lower()
    assert not changed.must_change_password
    assert accounts.sign_in("ana", new).id == ana.id


@PROPERTY
@given(password=st.just(ANA_PASSWORD) | SECRETS, pin=PINS, repeat=st.none() | PINS)
@example(password=ANA_PASSWORD, pin="0001 ", repeat=None)  # a PIN typed with a space is the same PIN
def test_any_text_when_setting_a_pin_is_refused_or_kept_within_the_rules(
    accounts: Accounts, nurses, database: Database, clock: ManualClock, password, pin, repeat
):
    if clock.now() == T0:
        set_clinic(database, clock, "pin_unlock", True)
    clock.advance(minutes=15)
    ana = nurses[0]
    try:
        accounts.set_pin(ana.id, password, pin, pin if repeat is None else repeat)
    except REFUSED:
        return
    digits = passwords.normalise(pin).strip()
    assert passwords.normalise(password) == ANA_PASSWORD
    assert digits.isascii() and digits.isdigit() and 4 <= len(digits) <= 8 and len(set(digits)) > 1
    assert accounts.unlock(ana.id, pin).id == ana.id


@PROPERTY
@given(temporary=SECRETS, username=st.none() | USERNAMES, reason=TYPED)
def test_any_text_when_resetting_or_deactivating_is_refused_or_kept_within_the_rules(
    accounts: Accounts, admin: Account, database: Database, clock: ManualClock, temporary, username, reason
):
    old = legacy_staff(database, clock, "Dora Lee")
    try:
        given_to = accounts.reset_password(admin.id, old, temporary, username)
    except REFUSED:
        assert accounts.get(old).username is None
    else:
        assert username is not None and given_to.username == passwords.check_username(username)
        assert given_to.must_change_password
        assert accounts.sign_in(username, temporary).id == old
    try:
        gone = accounts.deactivate(admin.id, old, reason)
    except REFUSED:
        assert accounts.get(old).active
    else:
        assert reason.strip() and not gone.active
