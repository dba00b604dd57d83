"""Shared fixtures. Every test gets its own folders (CHAIRSIDE_HOME) and its own database file."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

# Before any QApplication exists: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core.clock import ManualClock
from core.persistence.db import Database, open_database, sqlite_url
from core.protocol import Protocol, load_protocol
from core.services import Care, PatientView, StaffView

T0 = datetime(2026, 11, 26, 13, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def chairside_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keeps every test away from the real user folders and database."""
    home = tmp_path / "home"
    monkeypatch.setenv("CHAIRSIDE_HOME", str(home))
    monkeypatch.delenv("CHAIRSIDE_DATABASE_URL", raising=False)
    return home


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
def nurses(care: Care) -> tuple[StaffView, StaffView]:
    return care.add_staff("Ana Reyes", "nurse"), care.add_staff("Ben Okafor", "nurse")


@pytest.fixture
def patient(care: Care, nurses: tuple[StaffView, StaffView]) -> PatientView:
    return care.register_patient("MRN-1001", "Lindqvist", "Maja", "1971-03-14", by=nurses[0].id)


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
        nurses = (care.add_staff("Ana Reyes"), care.add_staff("Ben Okafor"))
        patient = care.register_patient("MRN-1", "Doe", "Jane", "1970-01-01", by=nurses[0].id)
        return care, clock, nurses[0].id, prepare(care, patient, nurses)

    yield make
    for db in made:
        db.dispose()
