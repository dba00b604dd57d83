"""The disk under the clinic's database server full, for real: the test database lives in a tablespace on a
16 MB tmpfs, another file fills that disk, and care is recorded until the server itself refuses (SQLSTATE
53100). The nurse is told in words that nothing recorded was lost and what to do; everything saved before is
there; once space is freed, recording goes on."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import psycopg
import pytest

from core import audit
from core.care import Care
from core.clock import ManualClock
from core.errors import DiskFull
from core.machine import Step
from core.people import Account
from core.persistence.db import Database
from core.views import PatientView
from tests.helpers.answers import NORMAL
from tests.helpers.postgres import TestServer
from tests.helpers.server_disk import ServerDisk, server_disk
from tests.helpers.sessions import session_at

pytestmark = pytest.mark.postgresql

ENOUGH = 2000
"""More entries than a 16 MB disk's last free pages can take: one that never fills it is a failure."""


@pytest.fixture
def disk(postgres_server: TestServer) -> Iterator[ServerDisk]:
    if os.geteuid() != 0:
        words = "mounting a small disk for the server needs root (CI runs the suite as root)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(words)
        pytest.skip(words)
    try:
        making = server_disk(postgres_server)
        made = making.__enter__()
    except subprocess.CalledProcessError as refused:  # a container without the right to mount a disk
        pytest.skip(f"this computer does not let a test mount a small disk: {refused.stderr!r}")
    try:
        yield made
    finally:
        making.__exit__(None, None, None)


@pytest.fixture
def database(postgres_server: TestServer, disk: ServerDisk) -> Iterator[Database]:
    """The test's database, every file of it on the small disk (dropped before the disk goes)."""
    db = postgres_server.fresh(tablespace=disk.tablespace)
    yield db
    postgres_server.drop(db)


def saved_events(postgres_server: TestServer, database: Database, session_id: str) -> list[str]:
    """The session's entries as the server holds them, read on a connection of its own."""
    with psycopg.connect(postgres_server.conninfo(str(database.url.database))) as shell:
        rows = shell.execute("SELECT id FROM session_event WHERE session_id = %s ORDER BY seq", (session_id,))
        return [row[0] for row in rows]


def test_a_full_disk_on_the_server_refuses_an_entry_in_words_loses_nothing_and_recording_resumes_once_freed(
    care: Care,
    patient: PatientView,
    nurses: tuple[Account, Account],
    clock: ManualClock,
    disk: ServerDisk,
    database: Database,
    postgres_server: TestServer,
):
    nurse = nurses[0]
    sid = session_at(care, patient, nurses, Step.INFUSING)
    disk.fill()
    saved = saved_events(postgres_server, database, sid)
    refused: DiskFull | None = None
    for _ in range(ENOUGH):
        clock.advance(seconds=20)
        try:
            state, _ = care.record_vitals(sid, NORMAL, nurse.id)
        except DiskFull as full:
            refused = full
            break
        saved.append(state.events[-1].id)
    assert refused is not None, f"{ENOUGH} entries and the server never said its disk was full"

    assert getattr(refused.__cause__, "orig", None).sqlstate == "53100"  # the server's own refusal
    assert "is full, so this was not saved. Nothing already recorded has been lost." in refused.message
    assert "Tell whoever looks after the database server: it needs more space" in refused.advice
    assert saved_events(postgres_server, database, sid) == saved  # all of it, and nothing half-written

    disk.free()
    clock.advance(seconds=20)
    state, _ = care.record_vitals(sid, NORMAL, nurse.id)
    assert saved_events(postgres_server, database, sid) == [*saved, state.events[-1].id]
    check = audit.verify(database)
    assert check.ok, check.problem
