"""The PostgreSQL server the tests run against, and a clean database on it for each test.

``bash packaging/bootstrap.sh test`` starts a throwaway server and names it in CHAIRSIDE_TEST_POSTGRESQL (an
address without a password: libpq reads it from the PGPASSFILE the script wrote), with its data folder in
CHAIRSIDE_TEST_PGDATA so a test may stop and start it. The role in the address may create databases.

A database created and migrated once per run is the template each test's database is copied from by the
server (CREATE DATABASE … TEMPLATE), which costs a few milliseconds where the migrations cost a second.
"""

from __future__ import annotations

import itertools
import os
import pwd
import subprocess
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import make_url
from sqlalchemy.engine import URL

from core.persistence.db import Database, open_database

ENV_URL = "CHAIRSIDE_TEST_POSTGRESQL"
ENV_DATA = "CHAIRSIDE_TEST_PGDATA"


def server_url_from_env() -> URL | None:
    address = os.environ.get(ENV_URL)
    return make_url(address) if address else None


class TestServer:
    """Databases made from one template on the test server, each dropped when its test is done."""

    __test__ = False  # not a test class, whatever its name

    def __init__(self, url: URL) -> None:
        self.url = url
        self.prefix = f"chairside_t{os.getpid()}"
        self.template = f"{self.prefix}_template"
        self.names = itertools.count(1)
        self.admin = self.connect_admin()
        self.run(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.template)))
        open_database(self.address(self.template), create=True).dispose()

    def connect_admin(self) -> psycopg.Connection:
        return psycopg.connect(self.conninfo(self.url.database or "postgres"), autocommit=True)

    def run(self, statement: sql.Composable) -> None:
        """One statement on the server, on a new connection when a test stopped the server under the last."""
        try:
            self.admin.execute(statement)
        except psycopg.OperationalError:
            if not self.admin.broken:
                raise
            self.admin = self.connect_admin()
            self.admin.execute(statement)

    def conninfo(self, database: str, user: str | None = None) -> str:
        return psycopg.conninfo.make_conninfo(
            host=self.url.host or "", port=self.url.port or "", user=user or self.url.username or "", dbname=database
        )

    def address(self, database: str) -> str:
        return self.url.set(database=database).render_as_string(hide_password=False)

    def empty(self) -> str:
        """The address of a new database with nothing in it, as a clinic's administrator creates one."""
        name = f"{self.prefix}_{next(self.names)}"
        self.run(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.address(name)

    def forget(self, address: str) -> None:
        """A database made by ``empty`` dropped, connections and all."""
        name = make_url(address).database
        assert name is not None and name.startswith(self.prefix)
        self.run(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def fresh(self, tablespace: str | None = None) -> Database:
        """A new database, a copy of the migrated template, opened as Chairside opens one; its files in
        ``tablespace`` when one is named (on a disk of its own: tests.helpers.server_disk)."""
        name = f"{self.prefix}_{next(self.names)}"
        where = sql.SQL(" TABLESPACE {}").format(sql.Identifier(tablespace)) if tablespace else sql.SQL("")
        # FILE_COPY: a copy of the template's few files, three times quicker here than logging every page.
        self.run(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}{} STRATEGY FILE_COPY").format(
                sql.Identifier(name), sql.Identifier(self.template), where
            )
        )
        return open_database(self.address(name))

    def drop(self, database: Database) -> None:
        database.dispose()
        self.forget(database.url.render_as_string(hide_password=False))

    def close(self) -> None:
        self.run(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.template)))
        self.admin.close()


class ServerControl:
    """Stopping and starting the test server itself, as the account that owns its data folder."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.pg_ctl = Path(os.environ.get("CHAIRSIDE_TEST_PGBIN", "")) / "pg_ctl"

    def run(self, *args: str) -> None:
        owner = self.data.stat().st_uid
        command = [str(self.pg_ctl), "-D", str(self.data), "-w", *args]
        if owner != os.geteuid():  # root, running the server as its own account
            command = ["runuser", "-u", pwd.getpwuid(owner).pw_name, "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd="/", timeout=60)

    def stop_at_once(self) -> None:
        """As when the server's computer loses power: no goodbye to the connections."""
        self.run("-m", "immediate", "stop")

    def start(self) -> None:
        self.run("-l", str(self.data.parent / "server.log"), "start")

    def start_if_stopped(self) -> None:
        """After a test that stopped it, whatever became of the test: the next test needs it."""
        if not (self.data / "postmaster.pid").exists():
            self.start()


def server_control() -> ServerControl | None:
    data = os.environ.get(ENV_DATA)
    return ServerControl(Path(data)) if data else None


on_server = pytest.mark.parametrize("store", [pytest.param("postgresql", marks=pytest.mark.postgresql)], indirect=True)
"""A test about the server itself: its ``database`` (and all built on it) on the PostgreSQL test server only."""
