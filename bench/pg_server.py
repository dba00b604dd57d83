"""A throwaway PostgreSQL server for the benchmarks: its own data folder under /tmp, 127.0.0.1 and a
Unix socket in that folder only, trust authentication (nothing but this computer's own processes can
reach it), durable commits as a clinic's server makes them; stopped and removed afterwards.

Run by the ``postgres`` account when the benchmark runs as root (PostgreSQL refuses root). Needs Debian's
``postgresql`` package (``bash packaging/bootstrap.sh test`` installs it).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Server:
    port: int
    socket_dir: Path

    def tcp(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def local(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}&port={self.port}"

    def conninfo(self, database: str, *, tcp: bool = True) -> str:
        host = "127.0.0.1" if tcp else str(self.socket_dir)
        return f"host={host} port={self.port} user=postgres dbname={database}"

    def create(self, database: str) -> None:
        run_psql(self, f"CREATE DATABASE {database}")

    def stop_at_once(self) -> None:
        """As a power cut stops it: no goodbye to the connections."""
        _pg_ctl(self, "-m", "immediate", "stop")

    def start(self) -> None:
        _pg_ctl(self, "-l", str(self.socket_dir / "server.log"), "-o", _options(self.port, self.socket_dir), "start")

    def postmaster_pid(self) -> int:
        """The server's first process, the parent of every connection's (for its processor time)."""
        return int((self.socket_dir / "data" / "postmaster.pid").read_text().split()[0])


def newest_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not found:
        raise SystemExit(
            "PostgreSQL is not installed: run 'bash packaging/bootstrap.sh test' once, or apt-get install postgresql"
        )
    return found[-1].parent


def _options(port: int, folder: Path, max_connections: int = 100) -> str:
    return (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c max_connections={max_connections} "
        "-c shared_buffers=128MB"
    )


def _pg_ctl(server: Server, *args: str) -> None:
    command = [str(newest_bin() / "pg_ctl"), "-D", str(server.socket_dir / "data"), "-w", *args]
    subprocess.run(_as_owner(command), check=True, capture_output=True, cwd="/")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def run_psql(server: Server, statement: str) -> None:
    psql = newest_bin() / "psql"
    command = [str(psql), "-X", "-q", "-h", str(server.socket_dir), "-p", str(server.port), "-U", "postgres"]
    subprocess.run([*command, "-d", "postgres", "-c", statement], check=True, capture_output=True, cwd="/")


@contextmanager
def throwaway_server(max_connections: int = 100) -> Iterator[Server]:
    bin_dir = newest_bin()
    folder = Path(tempfile.mkdtemp(prefix="chairside-bench-pg-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    data, port = folder / "data", free_port()
    server = Server(port, folder)
    try:
        subprocess.run(
            _as_owner(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            capture_output=True,
            cwd="/",
        )
        options = _options(port, folder, max_connections)
        subprocess.run(
            _as_owner(
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-w",
                    "-l",
                    str(folder / "server.log"),
                    "-o",
                    options,
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
            cwd="/",
        )
        yield server
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-m", "fast", "stop"]),
                check=False,
                capture_output=True,
                cwd="/",
            )
        shutil.rmtree(folder, ignore_errors=True)
