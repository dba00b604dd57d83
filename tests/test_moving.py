"""A clinic moves from the workstation's SQLite file to a new, empty database: every row copied as stored,
the audit trail holding before and after, counts equal, and the move itself on the new trail."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest

from cli.commands import main
from core import audit
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.errors import ChairsideError, EnvironmentTrouble
from core.events import EventType as E
from core.machine import Step
from core.moving import move_clinic
from core.persistence.clinic_copy import row_counts, table_names
from core.persistence.db import Database, open_database, sqlite_url
from core.settings import change_clinic_setting, clinic_settings
from core.views import PatientView
from tests.helpers.postgres import TestServer
from tests.helpers.sessions import busy_day, session_at


@pytest.fixture
def clinic(care: Care, patient: PatientView, nurses, clock: ManualClock, admin) -> dict[str, str]:
    """A day with something in every table: details, a signed session, one infusing (a set of its vital signs
    corrected), a day not given, a sitting of outcome forms, a setting changed; and a one-day course stopped
    early, counted by the next day's outcome report and kept for the next."""
    ids = busy_day(care, patient, nurses, clock)
    vitals = next(e for e in care.state(ids["running"]).events if e.type is E.VITALS)
    care.correct(ids["running"], vitals.id, "Wrong chair's reading", "Systolic 128, not 182", nurses[0].id)
    pain = {"PAININ9": 3, "PAININ22": 4, "PAININ31": 2, "PAININ34": 3}
    care.record_assessment(patient.id, {"PI_4a_v1.0": pain}, mode="chair", by=nurses[0].id)
    change_clinic_setting(care.db, "chairs", 6, admin.id, "a new bay", clock.now(), workstation="test-ws")
    day = clock.now().astimezone().date()
    ana = care.register_patient("MRN-3003", "Silva", "Ana", "1975-03-03", nurses[0].id)
    care.record_course(ana.id, "Dr Amara Patel", day.isoformat(), "1", nurses[0].id)
    care.stop_early(session_at(care, ana, nurses, Step.INFUSING, chair=3), "Nausea", nurses[0].id)
    clock.advance(timedelta(days=1))
    care.outcome_report(day, day)
    return {"signed": ids["signed"], "running": ids["running"]}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The new, empty database the clinic moves into: a file made empty, or a database on the test server."""
    if request.param == "sqlite":
        path = tmp_path / "server.sqlite"
        path.touch()
        yield sqlite_url(path)
        return
    server: TestServer = request.getfixturevalue("postgres_server")
    address = server.empty()
    yield address
    server.forget(address)


def test_every_record_moves_and_reads_the_same(care: Care, clinic, clock, target: str):
    before = row_counts(care.db)
    moved = move_clinic(care.db, target, clock.now, "test-ws")
    assert moved.counts == before and all(before[name] for name in before), before
    assert row_counts(care.db) == before  # the original only read
    server = open_database(target)
    try:
        check = audit.verify(server)
        assert check.ok, check.problem
        assert check.entries == moved.entries == before["audit_entry"] + 1
        line = audit.entries(server, limit=1)[0]
        assert line.action == AuditAction.DATABASE_COPIED and line.detail["rows"] == before
        moved_care = Care(server, care.protocol, clock, workstation="server-ws")
        for session in clinic.values():
            assert moved_care.state(session).events == care.state(session).events
        assert clinic_settings(server).chairs == 6
        change_clinic_setting(server, "chairs", 8, None, "the next bay", clock.now(), workstation="server-ws")
        assert clinic_settings(server).chairs == 8  # the next setting takes a number not yet used
    finally:
        server.dispose()


def test_a_database_that_is_not_empty_is_refused(care: Care, clinic, clock, tmp_path: Path):
    taken = tmp_path / "taken.sqlite"
    open_database(sqlite_url(taken), create=True).dispose()
    with pytest.raises(ChairsideError, match="is not empty") as caught:
        move_clinic(care.db, sqlite_url(taken), clock.now, "test-ws")
    assert "Nothing was changed" in caught.value.message
    again = Database(sqlite_url(taken))
    assert row_counts(again)["patient"] == 0
    again.dispose()


def test_a_trail_that_does_not_hold_is_not_moved(care: Care, clinic, clock, target: str, db_path: Path):
    care.db.dispose()
    with closing(sqlite3.connect(db_path)) as shell:
        shell.execute("DROP TRIGGER audit_entry_no_delete")
        shell.execute("DELETE FROM audit_entry WHERE seq = 3")
        shell.commit()
    with pytest.raises(EnvironmentTrouble, match="does not hold before anything was copied"):
        move_clinic(care.db, target, clock.now, "test-ws")
    empty = Database(target)
    assert table_names(empty) == []
    empty.dispose()


def test_the_same_database_is_not_copied_into_itself(care: Care, clinic, clock):
    with pytest.raises(ChairsideError, match="the one being copied"):
        move_clinic(care.db, str(care.db.url), clock.now, "test-ws")


def never_open(url: str | None) -> int:
    raise AssertionError("copying a clinic opens no window")


def test_the_command_moves_a_clinic_and_counts_what_it_copied(care: Care, clinic, tmp_path: Path, db_path, capsys):
    care.db.dispose()
    target = tmp_path / "server.sqlite"
    target.touch()
    assert main(never_open, ["--database", sqlite_url(db_path), "db", "copy", "--to", sqlite_url(target)]) == 0
    said = capsys.readouterr().out
    assert f"to {target}" in said and "session_event" in said and "The audit trail holds on both" in said
    assert main(never_open, ["--database", sqlite_url(db_path), "db", "copy", "--to", sqlite_url(target)]) == 2
    assert "is not empty" in capsys.readouterr().err
