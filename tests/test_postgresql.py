"""A PostgreSQL server as the clinic's database: its address and password, and each way it can fail, told in
the same words as the SQLite file's, against the real test server (stopped, refused, refusing)."""

from __future__ import annotations

import socket

import psycopg
import pytest
from sqlalchemy import text

from cli.commands import main
from core import audit
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.errors import (
    DatabaseAccessDenied,
    DatabaseCorrupt,
    DatabaseLocked,
    DatabaseMissing,
    InputError,
    RecordRefused,
    ServerGone,
)
from core.identify import Identified
from core.people import Account
from core.persistence.db import SCHEMA_HEAD, Database, open_database
from core.views import PatientView
from tests.helpers.postgres import TestServer, on_server, server_control

SAFE = "Nothing already recorded has been lost"


def never_open(url: str | None) -> int:
    raise AssertionError("the admin commands must not open windows")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ---- the address -------------------------------------------------------------------------------


def test_a_password_in_an_address_on_the_command_line_is_refused_and_never_shown(capsys):
    address = "postgresql+psycopg://chairside:Sekr3t-word@db.clinic.lan/chairside"
    assert main(never_open, ["--database", address, "db", "check"]) == 2
    err = capsys.readouterr().err
    assert "Sekr3t-word" not in err
    assert "password on the command line" in err and "~/.pgpass" in err and "PGPASSWORD" in err


def test_an_address_is_shown_with_its_password_masked_and_plain_postgresql_means_psycopg():
    database = Database("postgresql://chairside:Sekr3t-word@db.clinic.lan/chairside")
    assert database.where == "postgresql+psycopg://chairside:***@db.clinic.lan/chairside"
    assert "Sekr3t-word" not in str(database.url)
    database.dispose()


def test_a_database_chairside_does_not_keep_records_in_is_refused():
    with pytest.raises(InputError, match="not one Chairside can use"):
        Database("mysql://chairside@db.clinic.lan/chairside")


def test_a_server_that_is_not_there_cannot_be_reached():
    database = Database(f"postgresql+psycopg://chairside@127.0.0.1:{free_port()}/chairside")
    with pytest.raises(DatabaseMissing, match=f"cannot be reached.*{SAFE}") as refused:
        database.schema_revision()
    assert "Check the network and that the database server is running" in refused.value.advice
    database.dispose()


# ---- the real server ---------------------------------------------------------------------------

pg = pytest.mark.postgresql


@pg
def test_the_address_comes_from_the_environment_and_the_password_from_the_password_file(
    postgres_server: TestServer, monkeypatch, capsys
):
    address = postgres_server.empty()
    try:
        monkeypatch.setenv("CHAIRSIDE_DATABASE_URL", address)
        assert main(never_open, ["db", "upgrade"]) == 2  # empty: not quietly given a schema
        assert "is empty: it holds no Chairside records" in capsys.readouterr().err
        assert main(never_open, ["db", "create"]) == 0
        assert main(never_open, ["db", "create"]) == 2
        assert "already holds a Chairside database" in capsys.readouterr().err
        assert main(never_open, ["db", "check"]) == 0
        out = capsys.readouterr().out
        assert f"database: {address}" in out and f"schema: {SCHEMA_HEAD}" in out and "OK" in out
    finally:
        postgres_server.forget(address)


@pg
def test_an_empty_database_on_the_server_is_refused_unless_creating_one(postgres_server: TestServer):
    address = postgres_server.empty()
    try:
        with pytest.raises(DatabaseCorrupt, match="db create"):
            open_database(address)
        open_database(address, create=True).dispose()
        reopened = open_database(address)
        assert reopened.schema_revision() == SCHEMA_HEAD
        reopened.dispose()
    finally:
        postgres_server.forget(address)


@pg
def test_a_wrong_password_is_told_as_the_server_refusing_chairside(postgres_server: TestServer, monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "not-the-password")  # before the password file, as libpq reads them
    database = Database(postgres_server.address(postgres_server.template))
    with pytest.raises(DatabaseAccessDenied, match=f"did not let Chairside in.*{SAFE}") as refused:
        database.schema_revision()
    assert "not-the-password" not in str(refused.value)
    assert "password file (~/.pgpass)" in refused.value.advice
    database.dispose()


"""The test's ``database`` (and so its ``care``, ``admin``, ...) is on the test server."""


@on_server
def test_a_record_of_care_cannot_be_changed_or_deleted_on_the_server(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], postgres_server: TestServer
):
    care.open_session(patient.id, 1, nurses[0].id, Identified(name=True, mrn=patient.mrn))
    for statement in ("UPDATE session_event SET type = 'x'", "DELETE FROM audit_entry"):
        with pytest.raises(RecordRefused, match=f"never changed or deleted.*{SAFE}"), care.db.transaction() as tx:
            tx.execute(text(statement))
    shell = psycopg.connect(postgres_server.conninfo(str(care.db.url.database)))
    with shell, pytest.raises(psycopg.errors.RaiseException, match="never changed or deleted"):
        shell.execute("UPDATE course SET prescriber = 'Dr B'")
    with care.db.session() as tx:
        assert tx.execute(text("SELECT count(*) FROM session_event")).scalar() == 1


@on_server
def test_a_write_that_lost_a_race_under_serializable_rules_is_told_to_try_again(
    database: Database, admin: Account, postgres_server: TestServer
):
    other = psycopg.connect(postgres_server.conninfo(str(database.url.database)), autocommit=True)
    with (
        other,
        pytest.raises(DatabaseLocked, match=f"another workstation was saving.*{SAFE}"),
        database.transaction() as tx,
    ):
        tx.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        tx.execute(text("SELECT failed_sign_ins FROM staff WHERE id = :id"), {"id": admin.id})
        other.execute("UPDATE staff SET failed_sign_ins = 1 WHERE id = %s", (admin.id,))
        tx.execute(text("UPDATE staff SET failed_sign_ins = 2 WHERE id = :id"), {"id": admin.id})
    with database.session() as tx:
        assert tx.execute(text("SELECT failed_sign_ins FROM staff")).scalar() == 1


@on_server
def test_the_server_stopped_mid_work_then_refusing_then_back_loses_nothing(database: Database, clock: ManualClock):
    control = server_control()
    if control is None:
        pytest.skip("the test server's data folder is unknown (CHAIRSIDE_TEST_PGDATA), so it cannot be stopped")
    with database.transaction() as tx:
        audit.record(tx, AuditAction.SIGNED_IN, at=clock.now(), workstation="ws-1", detail={"n": 1})
    try:
        with pytest.raises(ServerGone, match=f"was lost.*{SAFE}") as gone, database.transaction() as tx:
            audit.record(tx, AuditAction.SIGNED_IN, at=clock.now(), workstation="ws-1", detail={"n": 2})
            control.stop_at_once()
            tx.execute(text("SELECT 1"))
        assert "it may be there already" in gone.value.advice
        with pytest.raises(DatabaseMissing, match="cannot be reached"), database.transaction() as tx:
            audit.record(tx, AuditAction.SIGNED_IN, at=clock.now(), workstation="ws-1", detail={"n": 3})
    finally:
        control.start()
    with database.transaction() as tx:
        audit.record(tx, AuditAction.SIGNED_IN, at=clock.now(), workstation="ws-1", detail={"n": 4})
    check = audit.verify(database)
    assert check.ok and check.entries == 2
    assert [line.detail["n"] for line in audit.entries(database, limit=10)] == [4, 1]
