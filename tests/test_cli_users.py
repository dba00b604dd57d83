"""`main.py users ...` run as an administrator would, with passwords typed at getpass prompts."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.commands import main
from core.accounts import Accounts
from core.audit import AuditAction, entries
from core.clock import ManualClock
from core.errors import NotAllowedError
from core.people import Account
from core.persistence.db import Database, sqlite_url
from core.settings import change_clinic_setting
from tests.helpers.people import ADMIN_PASSWORD, ANA_PASSWORD, TEMPORARY_PASSWORD
from tests.test_people import legacy_staff

OTHER_TEMPORARY = "linen falcon sorbet 23"


class Typist:
    """Answers getpass prompts in order, and remembers what was asked."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.answers: list[str] = []
        self.prompts: list[str] = []
        monkeypatch.setattr("getpass.getpass", self.getpass)

    def getpass(self, prompt: str = "Password: ") -> str:
        self.prompts.append(prompt)
        return self.answers.pop(0)


@pytest.fixture
def typist(monkeypatch: pytest.MonkeyPatch) -> Typist:
    return Typist(monkeypatch)


@pytest.fixture
def users(database: Database, db_path: Path, clock: ManualClock, typist: Typist):
    """Runs `main.py --database <the test database> users ...` with the answers to type."""

    def run(*argv: str, typed: tuple[str, ...] = ()) -> int:
        typist.answers = list(typed)
        code = main(never_open, ["--database", sqlite_url(db_path), "users", *argv], clock)
        assert typist.answers == [], "every prompt expected was asked"
        return code

    return run


def lock_out(accounts: Accounts, username: str) -> None:
    """Three wrong passwords: the clinic limit the tests set."""
    for _ in range(3):
        with pytest.raises(NotAllowedError):
            accounts.sign_in(username, "wrong")


def never_open(url: str | None) -> int:
    raise AssertionError("the users commands must not open windows")


def test_on_a_new_database_the_first_administrator_is_created_with_their_own_password(
    users, accounts: Accounts, typist: Typist, capsys
):
    assert (
        users("add", "Ada Mensah", "--username", "admin", "--role", "administrator", typed=(ADMIN_PASSWORD,) * 2) == 0
    )
    assert "Created the first administrator, Ada Mensah (admin)." in capsys.readouterr().out
    assert len(typist.prompts) == 2
    assert not accounts.sign_in("admin", ADMIN_PASSWORD).must_change_password


def test_on_a_new_database_only_an_administrator_can_be_added_first(users, accounts: Accounts, capsys):
    assert users("add", "Ana Reyes", "--username", "ana", "--role", "nurse") == 2
    assert "no administrator yet" in capsys.readouterr().err
    assert accounts.everyone() == []


def test_a_weak_first_password_is_refused_and_nothing_is_created(users, accounts: Accounts, capsys):
    assert users("add", "Ada", "--username", "admin", "--role", "administrator", typed=("password123",) * 2) == 2
    err = capsys.readouterr().err
    assert "password" in err.lower() and "password123" not in err
    assert accounts.needs_first_administrator()


def test_an_administrator_adds_a_person_after_typing_their_own_password(
    users, accounts: Accounts, admin: Account, database: Database, typist: Typist, capsys
):
    typed = (ADMIN_PASSWORD, TEMPORARY_PASSWORD, TEMPORARY_PASSWORD)
    assert (
        users("add", "Chidi Obi", "--username", "chidi", "--role", "charge_nurse", "--admin", "admin", typed=typed) == 0
    )
    out = capsys.readouterr().out
    assert "Added Chidi Obi (chidi, Charge nurse)" in out and "must change" in out
    assert typist.prompts[0] == "Password of admin: "
    assert accounts.sign_in("chidi", TEMPORARY_PASSWORD).must_change_password
    added = next(e for e in entries(database) if e.action == AuditAction.ACCOUNT_ADDED.value)
    assert added.actor_id == admin.id
    assert added.workstation  # this workstation's name


def test_changes_need_an_administrator_who_proves_it(
    users, accounts: Accounts, admin: Account, nurses, database: Database, capsys
):
    args = ("add", "Chidi Obi", "--username", "chidi", "--role", "nurse")
    assert users(*args) == 2
    assert "--admin" in capsys.readouterr().err
    assert users(*args, "--admin", "admin", typed=("not the password",)) == 2
    assert "not right" in capsys.readouterr().err
    assert users(*args, "--admin", "ana", typed=(ANA_PASSWORD, TEMPORARY_PASSWORD, TEMPORARY_PASSWORD)) == 2
    assert "Only an administrator" in capsys.readouterr().err
    assert "chidi" not in [a.username for a in accounts.everyone()]
    failed = [e for e in entries(database) if e.action == AuditAction.SIGN_IN_FAILED.value]
    assert [e.detail["purpose"] for e in failed] == ["command line"]


def test_the_temporary_password_must_be_typed_the_same_twice(users, accounts: Accounts, admin: Account, capsys):
    typed = (ADMIN_PASSWORD, TEMPORARY_PASSWORD, TEMPORARY_PASSWORD + "x")
    assert users("add", "Chidi Obi", "--username", "chidi", "--role", "nurse", "--admin", "admin", typed=typed) == 2
    assert "not the same" in capsys.readouterr().err
    assert "chidi" not in [a.username for a in accounts.everyone()]


def test_the_list_shows_role_state_lock_out_and_last_sign_in(
    users, accounts: Accounts, admin: Account, nurses, database: Database, clock: ManualClock, capsys
):
    change_clinic_setting(database, "max_failed_sign_ins", 3, None, "test", clock.now(), workstation="test-ws")
    accounts.sign_in("ana", ANA_PASSWORD)
    lock_out(accounts, "ben")
    legacy_staff(database, clock, "Dora Lee")
    assert users("list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["NAME", "USER", "NAME", "ROLE", "STATE", "LAST", "SIGN-IN"]
    rows = {line.split("  ")[0]: line for line in lines[1:]}
    assert list(rows) == ["Ada Mensah", "Ana Reyes", "Ben Okafor", "Dora Lee"]
    assert "Administrator" in rows["Ada Mensah"] and "never" in rows["Ada Mensah"]
    assert f"{clock.now().astimezone():%Y-%m-%d %H:%M}" in rows["Ana Reyes"]
    until = accounts.get(nurses[1].id).locked_until
    assert until is not None and f"locked until {until.astimezone():%H:%M}" in rows["Ben Okafor"]
    assert "—" in rows["Dora Lee"]


def test_an_empty_list_says_how_to_begin(users, capsys):
    assert users("list") == 0
    assert "--role administrator" in capsys.readouterr().out


def test_deactivating_keeps_the_account_and_the_reason(
    users, accounts: Accounts, admin: Account, nurses, database: Database, capsys
):
    assert users("deactivate", "Ana", "--reason", "left the clinic", "--admin", "admin", typed=(ADMIN_PASSWORD,)) == 0
    assert "Deactivated Ana Reyes (ana)." in capsys.readouterr().out
    assert not accounts.get(nurses[0].id).active
    assert entries(database)[0].detail == {"account_id": nurses[0].id, "reason": "left the clinic"}
    assert users("deactivate", "nobody", "--reason", "x", "--admin", "admin", typed=(ADMIN_PASSWORD,)) == 2
    assert "Nobody has" in capsys.readouterr().err


def test_a_reset_gives_a_temporary_password_and_ends_a_lock_out(
    users, accounts: Accounts, admin: Account, nurses, database: Database, clock: ManualClock, capsys
):
    change_clinic_setting(database, "max_failed_sign_ins", 3, None, "test", clock.now(), workstation="test-ws")
    lock_out(accounts, "ana")
    typed = (ADMIN_PASSWORD, OTHER_TEMPORARY, OTHER_TEMPORARY)
    assert users("reset", "ana", "--admin", "admin", typed=typed) == 0
    out = capsys.readouterr().out
    assert "Reset the password of Ana Reyes (ana)" in out
    assert OTHER_TEMPORARY not in out and ADMIN_PASSWORD not in out
    assert accounts.sign_in("ana", OTHER_TEMPORARY).must_change_password


def test_staff_from_before_accounts_are_reset_by_name_and_given_a_user_name(
    users, accounts: Accounts, admin: Account, database: Database, clock: ManualClock, capsys
):
    old = legacy_staff(database, clock, "Dora Lee")
    typed = (ADMIN_PASSWORD, OTHER_TEMPORARY, OTHER_TEMPORARY)
    assert users("reset", "Dora Lee", "--admin", "admin", typed=typed) == 2
    assert "no user name yet" in capsys.readouterr().err
    assert users("reset", "dora lee", "--username-new", "dora", "--admin", "admin", typed=typed) == 0
    assert accounts.sign_in("dora", OTHER_TEMPORARY).id == old


@pytest.mark.parametrize(
    "argv",
    [
        ["add", "Ana", "--username", "ana", "--role", "nurse", "--password", ANA_PASSWORD],
        ["reset", "ana", "--admin", "admin", "--temporary-password", ANA_PASSWORD],
    ],
)
def test_a_password_cannot_be_given_as_an_argument(argv: list[str], capsys):
    """It would stay in the shell's history and show in the process list."""
    with pytest.raises(SystemExit):
        main(never_open, ["users", *argv])
    assert "unrecognized arguments" in capsys.readouterr().err
