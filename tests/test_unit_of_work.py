"""The one door to storage: who may act is one rule, read as stored at the moment of the act, and a unit
of work commits everything it wrote or nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from core import audit
from core.accounts import Accounts
from core.audit import AuditAction
from core.clock import ManualClock
from core.errors import NotPermitted
from core.people import ROLES_FOR, Account, Permission, Role, refusal
from core.persistence.db import Database
from core.persistence.tables import ClinicSetting
from core.unit_of_work import UnitOfWork

SOMEONE = Account(
    id="a-1",
    name="Ana Reyes",
    username="ana",
    role=Role.NURSE,
    active=True,
    must_change_password=False,
    has_pin=False,
    locked_until=None,
    last_sign_in_at=None,
    created_at=datetime(2026, 1, 5, tzinfo=UTC),
    deactivated_at=None,
)

pytestmark = pytest.mark.both_stores


@pytest.mark.parametrize("need", list(Permission))
@pytest.mark.parametrize("role", list(Role))
def test_one_rule_says_which_role_may_do_what(role: Role, need: Permission):
    account = replace(SOMEONE, role=role)
    assert (refusal(account, need) is None) is (role in ROLES_FOR[need])
    assert account.may(need) is (role in ROLES_FOR[need])  # what the screens offer agrees with the act


@pytest.mark.parametrize("need", list(Permission))
def test_an_inactive_or_missing_account_may_do_nothing(need: Permission):
    allowed_role = sorted(ROLES_FOR[need])[0]
    assert refusal(replace(SOMEONE, role=allowed_role, active=False), need) is not None
    assert refusal(None, need) is not None
    assert refusal(replace(SOMEONE, role=allowed_role), need) is None


def test_a_temporary_password_records_no_care_but_may_still_review():
    temporary = replace(SOMEONE, role=Role.CHARGE_NURSE, must_change_password=True)
    refused = refusal(temporary, Permission.RECORD_CARE)
    assert refused is not None and "temporary password" in refused.message
    assert refusal(temporary, Permission.REVIEW_DAY) is None


def lines(database: Database) -> int:
    return len(audit.entries(database, limit=10_000))


def test_a_unit_of_work_commits_all_it_wrote_or_nothing(database: Database, clock: ManualClock):
    door = UnitOfWork(database, clock.now, "ws-1")
    before = lines(database)
    with pytest.raises(RuntimeError), door.writing() as work:
        work.tx.add(ClinicSetting(key="chairs", value=9, changed_at=work.at, reason="test"))
        work.audit(AuditAction.SETTING_CHANGED, detail={"key": "chairs"})
        raise RuntimeError("the screen's bug, after the writes")
    assert lines(database) == before
    with door.reading() as tx:
        assert tx.get(ClinicSetting, 1) is None

    with door.writing() as work:
        work.audit(AuditAction.SETTING_CHANGED, detail={"key": "chairs"})
    written = audit.entries(database, limit=1)[0]
    assert (written.action, written.workstation, written.at) == ("setting.changed", "ws-1", clock.now())


def test_permission_is_read_as_stored_when_the_work_begins(
    database: Database, clock: ManualClock, accounts: Accounts, admin: Account, nurses: tuple[Account, Account]
):
    """The screen's copy of Ana's account still says active; the door reads the account again."""
    ana = nurses[0]
    door = UnitOfWork(database, clock.now, "ws-1")
    with door.writing(ana.id, Permission.RECORD_CARE) as work:
        assert work.actor_id == ana.id
    accounts.deactivate(admin.id, ana.id, "left the clinic")
    before = lines(database)
    with pytest.raises(NotPermitted, match="not active"), door.writing(ana.id, Permission.RECORD_CARE):
        pytest.fail("the block of a refused unit of work never runs")
    with pytest.raises(NotPermitted, match="not active"):
        door.permit(ana.id, Permission.RECORD_CARE)
    assert lines(database) == before


def test_an_administrator_records_no_care_and_a_nurse_manages_no_one(
    database: Database, clock: ManualClock, admin: Account, nurses: tuple[Account, Account]
):
    door = UnitOfWork(database, clock.now, "ws-1")
    with pytest.raises(NotPermitted, match="administrator account does not record care"):
        door.permit(admin.id, Permission.RECORD_CARE)
    with pytest.raises(NotPermitted, match="Only an administrator"):
        door.permit(nurses[0].id, Permission.MANAGE_PEOPLE)
    assert door.permit(admin.id, Permission.MANAGE_PEOPLE).id == admin.id


def test_an_audit_line_in_another_name(database: Database, clock: ManualClock, nurses: tuple[Account, Account]):
    """The second nurse's signature is written in her name within the first nurse's unit of work."""
    ana, ben = nurses
    with UnitOfWork(database, clock.now, "ws-1").writing(ana.id, Permission.RECORD_CARE) as work:
        work.audit(AuditAction.PATIENT_VIEWED)
        work.audit_as(ben.id, AuditAction.SIGNATURE, detail={"meaning": "verified"})
    newest = audit.entries(database, limit=2)
    assert [(e.action, e.actor_id) for e in newest] == [("signature", ben.id), ("patient.viewed", ana.id)]
