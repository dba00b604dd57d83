"""A disk of its own for the test server: a small tmpfs mounted under /tmp, given to the server's account,
with a tablespace on it, so a database made there meets a full disk as a clinic's server would, and the
server itself refuses with SQLSTATE 53100 (disk full) rather than a test making the error up.

Mounting needs root (CI runs the suite as root); CREATE TABLESPACE needs the server's superuser, whose
password the test server's password file holds (packaging/test_postgres.sh). Whatever happens in the test,
the tablespace is dropped and the disk unmounted: the databases made in it must be dropped first.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from tests.helpers.postgres import TestServer

SUPERUSER = "postgres"
SIZE = "16m"
"""A copy of the migrated template takes about 8 MB (most of it the server's own catalogues): half is left."""


@dataclass(frozen=True)
class ServerDisk:
    folder: Path
    tablespace: str

    @property
    def filler(self) -> Path:
        return self.folder / "filler"

    def fill(self) -> None:
        """Another program's file grown until the disk refuses it: not one byte is left for the server."""
        with contextlib.suppress(OSError), self.filler.open("ab", buffering=0) as handle:
            while True:
                handle.write(b"\0" * 65536)

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)


@contextlib.contextmanager
def server_disk(server: TestServer) -> Iterator[ServerDisk]:
    """A small disk for the server (on its computer: the test server is this one), with a tablespace on it
    in which the test server's role may create databases."""
    folder = Path(tempfile.mkdtemp(prefix="chairside-space-", dir="/tmp"))  # /tmp: the server's account reaches it
    try:
        with psycopg.connect(server.conninfo("postgres", user=SUPERUSER), autocommit=True) as superuser:
            data = superuser.execute("SHOW data_directory").fetchone()
            assert data is not None
            owner = os.stat(data[0])
            options = f"size={SIZE},mode=0700,uid={owner.st_uid},gid={owner.st_gid}"
            subprocess.run(
                ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], check=True, capture_output=True
            )
            try:
                yield from _tablespace(server, superuser, folder)
            finally:
                subprocess.run(["umount", str(folder)], check=True)
    finally:
        folder.rmdir()


def _tablespace(server: TestServer, superuser: psycopg.Connection, folder: Path) -> Iterator[ServerDisk]:
    name = sql.Identifier(f"{server.prefix}_space")
    superuser.execute(sql.SQL("CREATE TABLESPACE {} LOCATION {}").format(name, sql.Literal(str(folder))))
    try:
        role = sql.Identifier(server.url.username or "")
        superuser.execute(sql.SQL("GRANT CREATE ON TABLESPACE {} TO {}").format(name, role))
        disk = ServerDisk(folder, f"{server.prefix}_space")
        try:
            yield disk
        finally:
            disk.free()
    finally:
        superuser.execute(sql.SQL("DROP TABLESPACE {}").format(name))
