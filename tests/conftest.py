"""Shared fixtures. Every test gets its own folders (CHAIRSIDE_HOME) and its own database file."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher

# Before any QApplication exists: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core import passwords
from core.accounts import Accounts
from core.care import Care
from core.clock import ManualClock
from core.people import Account, Role
from core.persistence.db import Database, open_database, sqlite_url
from core.protocol import Protocol, load_protocol
from core.views import PatientView
from tests.print_system import PrivateCups, missing_tools, private_cups

T0 = datetime(2026, 11, 26, 13, 0, tzinfo=UTC)

# Passwords that pass the clinic's rules; tests sign in with them.
ADMIN_PASSWORD = "quartz lantern meadow 41"
ANA_PASSWORD = "violet harbour kettle 72"
BEN_PASSWORD = "copper orchard puzzle 58"
TEMPORARY_PASSWORD = "granite tulip voyage 90"


@pytest.fixture(autouse=True)
def cheap_hashing() -> Iterator[None]:
    """Real argon2 settings take tens of milliseconds a hash; tests hash hundreds of times."""
    previous = passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    yield
    passwords.use_hasher(previous)


@pytest.fixture(autouse=True)
def chairside_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keeps every test away from the real user folders and database."""
    home = tmp_path / "home"
    monkeypatch.setenv("CHAIRSIDE_HOME", str(home))
    monkeypatch.delenv("CHAIRSIDE_DATABASE_URL", raising=False)
    # No test prints to this computer's own printers: only to the private print system of ``cups``.
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "no-print-system.sock"))
    return home


@pytest.fixture
def cups(monkeypatch: pytest.MonkeyPatch) -> Iterator[PrivateCups]:
    """A private CUPS scheduler with the queue "Ward" (its output read back), stopped after the test, also
    when it fails. Missing CUPS skips the test, except where the README's test command asked for it."""
    missing = missing_tools()
    if missing:
        words = f"no CUPS to print to ({', '.join(missing)}); bash packaging/bootstrap.sh test installs it"
        if os.environ.get("CHAIRSIDE_NEED_CUPS"):
            pytest.fail(words)
        pytest.skip(words)
    folder = Path(tempfile.mkdtemp(prefix="cups-", dir="/tmp"))  # short: a socket path has a length limit
    try:
        with private_cups(folder) as server:
            monkeypatch.setenv("CUPS_SERVER", str(server.socket))
            yield server
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def protocol() -> Protocol:
    return load_protocol()


@pytest.fixture
def clock() -> ManualClock:
    """A clock the test moves: a 40-minute infusion runs in microseconds."""
    return ManualClock(T0)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "chairside.sqlite"


@pytest.fixture
def database(db_path: Path):
    db = open_database(sqlite_url(db_path), create=True)
    yield db
    db.dispose()


@pytest.fixture
def care(database: Database, protocol: Protocol, clock: ManualClock) -> Care:
    return Care(database, protocol, clock, workstation="test-ws")


@pytest.fixture
def accounts(database: Database, clock: ManualClock) -> Accounts:
    return Accounts(database, clock, workstation="test-ws")


def make_admin(accounts: Accounts) -> Account:
    return accounts.create_first_administrator("Ada Mensah", "admin", ADMIN_PASSWORD, ADMIN_PASSWORD)


def add_nurse(accounts: Accounts, by: Account, name: str, username: str, password: str) -> Account:
    """A nurse who has already signed in once and replaced the temporary password."""
    added = accounts.add(by.id, name, username, Role.NURSE, TEMPORARY_PASSWORD)
    return accounts.change_password(added.id, TEMPORARY_PASSWORD, password, password)


def make_nurses(accounts: Accounts, admin: Account) -> tuple[Account, Account]:
    return (
        add_nurse(accounts, admin, "Ana Reyes", "ana", ANA_PASSWORD),
        add_nurse(accounts, admin, "Ben Okafor", "ben", BEN_PASSWORD),
    )


@pytest.fixture
def admin(accounts: Accounts) -> Account:
    """A database has no account until its first administrator (user name admin) is created."""
    return make_admin(accounts)


@pytest.fixture
def nurses(accounts: Accounts, admin: Account) -> tuple[Account, Account]:
    """Ana (user name ana) and Ben (ben): real accounts that can sign in and sign."""
    return make_nurses(accounts, admin)


PRESCRIBER = "Dr Amara Patel"


@pytest.fixture
def patient(care: Care, nurses: tuple[Account, Account]) -> PatientView:
    """Maja, with a five-day course ordered from today (T0's local date)."""
    made = care.register_patient("MRN-1001", "Lindqvist", "Maja", "1971-03-14", by=nurses[0].id)
    care.record_course(made.id, PRESCRIBER, T0.astimezone().date().isoformat(), "5", by=nurses[0].id)
    return made


@pytest.fixture
def care_factory(tmp_path_factory: pytest.TempPathFactory, protocol: Protocol):
    """A fresh database, clock and session ready to start, once per call (for hypothesis examples)."""
    from tests.test_session_flow import prepare

    made: list[Database] = []

    def make() -> tuple[Care, ManualClock, str, str]:
        folder = tmp_path_factory.mktemp("example")
        db = open_database(sqlite_url(folder / "c.sqlite"), create=True)
        made.append(db)
        clock = ManualClock(T0)
        care = Care(db, protocol, clock, workstation="prop")
        accounts = Accounts(db, clock, workstation="prop")
        nurses = make_nurses(accounts, make_admin(accounts))
        patient = care.register_patient("MRN-1", "Doe", "Jane", "1970-01-01", by=nurses[0].id)
        care.record_course(patient.id, PRESCRIBER, T0.astimezone().date().isoformat(), "5", by=nurses[0].id)
        return care, clock, nurses[0].id, prepare(care, patient, nurses)

    yield make
    for db in made:
        db.dispose()
