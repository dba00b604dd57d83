"""The whole check holds each session's summary row to the last care line of its session, as the database
finds it (grouped by session, so nothing is held in memory for each of ten years' sessions).

A row put back as an earlier line said it was (every field as honestly written, but not the last state)
must still be found, read in one part or in two, and the line named must be the session's last.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from core import audit, trail_check
from core.care import Care
from core.clock import ManualClock
from core.persistence.db import Database
from core.views import PatientView
from tests.helpers.answers import NORMAL
from tests.helpers.sessions import busy_day
from tests.test_tamper import shell

COLUMNS = "step, outcome, active, last_seq, updated_at, chair"


def last_line_of(path: Path, session_id: str) -> int:
    with closing(sqlite3.connect(path)) as raw:
        lines = raw.execute(
            "SELECT seq, detail FROM audit_entry WHERE session_id = ? AND action = 'record.written' ORDER BY seq",
            (session_id,),
        ).fetchall()
    assert all("summary_hash" in json.loads(detail) for _, detail in lines)
    return lines[-1][0]


@pytest.mark.parametrize("split", [False, True])
def test_a_summary_row_put_back_as_an_earlier_line_said_is_found(
    split: bool,
    care: Care,
    patient: PatientView,
    nurses,
    clock: ManualClock,
    database: Database,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = busy_day(care, patient, nurses, clock)
    running = ids["running"]
    with closing(sqlite3.connect(db_path)) as raw:
        earlier = raw.execute(f"SELECT {COLUMNS} FROM infusion_session WHERE id = ?", (running,)).fetchone()
    clock.advance(minutes=15)
    care.record_vitals(running, NORMAL, nurses[0].id)
    if split:
        monkeypatch.setattr(trail_check, "SPLIT_AT", 0)
        assert len(trail_check.parts_of(database)) == 2
    assert audit.verify(database).ok
    last = last_line_of(db_path, running)

    def put_back(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
        raw.execute(
            "UPDATE infusion_session SET step = ?, outcome = ?, active = ?, last_seq = ?, updated_at = ?, chair = ? "
            "WHERE id = ?",
            (*earlier, running),
        )

    shell(database, db_path, put_back, ids)
    check = audit.verify(database)
    assert not check.ok
    assert check.problem == (
        f"the session summary {running} was changed after it was written (audit entry {last} says otherwise)."
    )


def test_a_summary_row_removed_is_named_with_its_sessions_last_line(
    care: Care, patient: PatientView, nurses, clock: ManualClock, database: Database, db_path: Path
) -> None:
    ids = busy_day(care, patient, nurses, clock)
    last = last_line_of(db_path, ids["signed"])

    def remove(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
        raw.execute("PRAGMA foreign_keys=OFF")
        raw.execute("DELETE FROM infusion_session WHERE id = ?", (ids["signed"],))

    shell(database, db_path, remove, ids)
    assert not audit.verify(database).ok  # said first: the signature's patient, whose session row is gone
    found = trail_check.Findings()
    with database.session() as tx:
        trail_check._summaries_against_trail(tx, found)
    assert found.problems["summary"][1] == (
        f"the session summary {ids['signed']} was removed: audit entry {last} says it was written."
    )
