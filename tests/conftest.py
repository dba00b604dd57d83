"""Shared fixtures. Every test gets its own folders (CHAIRSIDE_HOME) and its own database, a copy of one
created and migrated once per run.

The database is an SQLite file, unless the test is marked ``both_stores`` (a module's ``pytestmark`` will do):
then each test that takes ``database`` runs twice, on SQLite and on the PostgreSQL test server (its second run
marked ``postgresql``; ``-m 'not postgresql'`` runs SQLite only), except one marked ``sqlite_only``, which is
about the SQLite file itself. Without a test server those runs are skipped, and fail in CI (CI=true).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

# Before any QApplication exists: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core import passwords
from core.accounts import Accounts
from core.care import Care
from core.clock import ManualClock
from core.people import Account
from core.persistence.db import Database, open_database, sqlite_url
from core.protocol import Protocol, load_protocol
from core.views import PatientView
from tests.helpers.clinic import PRESCRIBER, T0
from tests.helpers.databases import copy_database, make_template
from tests.helpers.people import make_admin, make_nurses
from tests.helpers.postgres import ENV_URL, ServerControl, TestServer, server_control, server_url_from_env
from tests.helpers.sessions import prepare
from tests.print_system import PrivateCups, missing_tools, private_cups


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


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database created and migrated once per run, which every test's database is a copy of."""
    return make_template(tmp_path_factory.mktemp("template") / "chairside.sqlite")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    both = metafunc.definition.get_closest_marker("both_stores") is not None
    if both and "database" in metafunc.fixturenames and metafunc.definition.get_closest_marker("sqlite_only") is None:
        stores = [pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.postgresql)]
        metafunc.parametrize("store", stores, indirect=True)


@pytest.fixture
def store(request: pytest.FixtureRequest) -> str:
    """Which kind of database the test's ``database`` is: SQLite unless parametrised by ``both_stores``."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[TestServer]:
    """The PostgreSQL test server, with this run's template database on it (dropped at the end)."""
    url = server_url_from_env()
    if url is None:
        words = f"no PostgreSQL test server ({ENV_URL} is not set); bash packaging/bootstrap.sh test starts one"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(words)
        pytest.skip(words)
    server = TestServer(url)
    yield server
    server.close()


@pytest.fixture
def control() -> Iterator[ServerControl]:
    """The test server itself, to stop as a power cut stops it: started again after the test, whatever
    became of it, since the next test needs it."""
    found = server_control()
    assert found is not None, "the test server's data folder is not known (CHAIRSIDE_TEST_PGDATA)"
    yield found
    found.start_if_stopped()


@pytest.fixture
def database(store: str, request: pytest.FixtureRequest) -> Iterator[Database]:
    """The test's own database, a copy of the template opened as Chairside opens one: the file at ``db_path``,
    or a database of its own on the PostgreSQL test server."""
    if store == "postgresql":
        server: TestServer = request.getfixturevalue("postgres_server")
        db = server.fresh()
        yield db
        server.drop(db)
        return
    template: Path = request.getfixturevalue("template_database")
    db = open_database(sqlite_url(copy_database(template, request.getfixturevalue("db_path"))))
    yield db
    db.dispose()


@pytest.fixture
def care(database: Database, protocol: Protocol, clock: ManualClock) -> Care:
    return Care(database, protocol, clock, workstation="test-ws")


@pytest.fixture
def accounts(database: Database, clock: ManualClock) -> Accounts:
    return Accounts(database, clock, workstation="test-ws")


@pytest.fixture
def admin(accounts: Accounts) -> Account:
    """A database has no account until its first administrator (user name admin) is created."""
    return make_admin(accounts)


@pytest.fixture
def nurses(accounts: Accounts, admin: Account) -> tuple[Account, Account]:
    """Ana (user name ana) and Ben (ben): real accounts that can sign in and sign."""
    return make_nurses(accounts, admin)


@pytest.fixture
def patient(care: Care, nurses: tuple[Account, Account]) -> PatientView:
    """Maja, with a five-day course ordered from today (T0's local date)."""
    made = care.register_patient("MRN-1001", "Lindqvist", "Maja", "1971-03-14", by=nurses[0].id)
    care.record_course(made.id, PRESCRIBER, T0.astimezone().date().isoformat(), "5", by=nurses[0].id)
    return made


@pytest.fixture
def care_factory(tmp_path_factory: pytest.TempPathFactory, template_database: Path, protocol: Protocol):
    """A fresh database, clock and session ready to start, once per call (for hypothesis examples)."""
    made: list[Database] = []

    def make() -> tuple[Care, ManualClock, str, str]:
        folder = tmp_path_factory.mktemp("example")
        db = open_database(sqlite_url(copy_database(template_database, folder / "c.sqlite")))
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
