"""A server that does not answer must not freeze a workstation: a new connection is given up on within a few
seconds, a connection whose server vanished is noticed within seconds, and the nurse is told which it was.

Measured without them: psycopg waits 130 s (its own default) for a server that took the call and never
answered, and was still waiting after 20 s; a statement whose cable was pulled had noticed nothing after
30 s, and would wait as long as the kernel does (hours: nothing is sent on a line waiting for an answer).
With them: 5.0 s, and 11.2 s with the default probes (3.2 s with the quicker ones the test below uses)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from core.errors import DatabaseMissing, ServerGone
from core.people import Account
from core.persistence.db import Database
from core.persistence.server import CONNECT_SECONDS, LIVENESS
from tests.helpers.cable import Cable, cable_to
from tests.helpers.postgres import TestServer, on_server, server_control

SAFE = "Nothing already recorded has been lost"
CHILD = Path(__file__).resolve().parent / "waiting_child.py"


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port where the kernel takes every call (a backlog) and nothing ever answers: a server hung, or a
    firewall that lets the handshake through and drops the rest."""
    with socket.create_server(("127.0.0.1", 0), backlog=8) as listening:
        yield listening.getsockname()[1]


def time_to_refuse(address: str) -> tuple[DatabaseMissing, float]:
    database = Database(address)
    began = time.monotonic()
    with pytest.raises(DatabaseMissing) as refused:
        database.schema_revision()
    database.dispose()
    return refused.value, time.monotonic() - began


def test_a_server_that_takes_the_call_but_never_answers_is_given_up_on_within_seconds(silent_port: int):
    refused, took = time_to_refuse(f"postgresql+psycopg://chairside@127.0.0.1:{silent_port}/chairside")
    assert CONNECT_SECONDS - 0.5 < took < CONNECT_SECONDS + 2
    assert f"cannot be reached (no answer in time). {SAFE}" in refused.message
    assert "Check the network and that the database server is running" in refused.advice


def test_an_address_that_sets_its_own_wait_keeps_it(silent_port: int):
    _, took = time_to_refuse(f"postgresql+psycopg://chairside@127.0.0.1:{silent_port}/chairside?connect_timeout=2")
    assert 1.5 < took < CONNECT_SECONDS - 1


def seen(watcher: psycopg.Connection, condition: str) -> bool:
    """Whether a statement on the watcher's database is as ``condition`` says (the server's own view)."""
    query = f"SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND {condition}"
    return watcher.execute(query).fetchone() is not None


@on_server
def test_every_connection_to_the_server_probes_a_quiet_line(database: Database):
    with database.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert isinstance(raw, psycopg.Connection)
        with socket.socket(fileno=os.dup(raw.pgconn.socket)) as line:
            assert line.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
            tcp = socket.IPPROTO_TCP
            seen = {
                "keepalives_idle": line.getsockopt(tcp, socket.TCP_KEEPIDLE),
                "keepalives_interval": line.getsockopt(tcp, socket.TCP_KEEPINTVL),
                "keepalives_count": line.getsockopt(tcp, socket.TCP_KEEPCNT),
                "tcp_user_timeout": line.getsockopt(tcp, socket.TCP_USER_TIMEOUT),
            }
    assert seen == {name: int(LIVENESS[name]) for name in seen}


@on_server
def test_a_server_stopped_while_a_transaction_waits_for_a_lock_is_noticed_at_once(
    database: Database, admin: Account, postgres_server: TestServer
):
    control = server_control()
    if control is None:
        pytest.skip("the test server's data folder is unknown (CHAIRSIDE_TEST_PGDATA), so it cannot be stopped")
    holder = psycopg.connect(postgres_server.conninfo(str(database.url.database)))
    holder.execute("SELECT id FROM staff WHERE id = %s FOR UPDATE", (admin.id,))
    watcher = psycopg.connect(postgres_server.conninfo(str(database.url.database)), autocommit=True)
    stopped: list[float] = []

    def stop_once_it_waits() -> None:
        while not seen(watcher, "wait_event_type = 'Lock'"):
            time.sleep(0.02)
        stopped.append(time.monotonic())
        control.stop_at_once()

    stopper = threading.Thread(target=stop_once_it_waits)
    try:
        stopper.start()
        with pytest.raises(ServerGone, match=f"was lost.*{SAFE}"), database.transaction() as tx:
            tx.execute(text("UPDATE staff SET failed_sign_ins = 1 WHERE id = :id"), {"id": admin.id})
        noticed = time.monotonic() - stopped[0]
        stopper.join()
    finally:
        stopper.join()
        holder.close()
        watcher.close()
        control.start()
    assert noticed < 2
    with database.transaction() as tx:  # the server back: a new connection, and on with the work
        tx.execute(text("UPDATE staff SET failed_sign_ins = 0 WHERE id = :id"), {"id": admin.id})


@pytest.fixture
def cable(postgres_server: TestServer) -> Iterator[Cable]:
    if os.geteuid() != 0:
        words = "a network namespace with a cable to pull out needs root (CI runs the suite as root)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(words)
        pytest.skip(words)
    try:
        made = cable_to(postgres_server.url.port or 5432)
        pulled = made.__enter__()
    except subprocess.CalledProcessError as refused:  # a container without the right to make namespaces
        pytest.skip(f"this computer does not let a test make a network namespace: {refused.stderr!r}")
    try:
        yield pulled
    finally:
        made.__exit__(None, None, None)


@on_server
def test_a_server_whose_cable_is_pulled_mid_statement_is_noticed_within_seconds(
    database: Database, cable: Cable, postgres_server: TestServer
):
    """The probes as an address may set them, quicker than the defaults (about 11 s, which the test above
    shows every connection gets), so the test takes 3 s; what is exercised is the same."""
    quick = {"keepalives_idle": "1", "keepalives_interval": "1", "keepalives_count": "2", "tcp_user_timeout": "3000"}
    address = database.url.update_query_dict({"hostaddr": cable.far_address, **quick})
    command = cable.command(sys.executable, str(CHILD), address.render_as_string(hide_password=False))
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as child:
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "waiting"
            with psycopg.connect(postgres_server.conninfo(str(database.url.database)), autocommit=True) as watcher:
                while not seen(watcher, "query LIKE 'SELECT pg_sleep%'"):
                    time.sleep(0.02)
            cable.pull()
            pulled = time.monotonic()
            kind, _, words = child.stdout.readline().strip().split("\t")
            noticed = time.monotonic() - pulled
        finally:
            child.kill()
    assert kind == "ServerGone" and f"was lost, so what was being saved may not have been. {SAFE}" in words
    assert noticed < 5
