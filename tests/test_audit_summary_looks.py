"""The whole check holds each session's summary row to the last care line it met of the session, looking at
the rows of the sessions met a few thousand at a time as it walks the trail (``trail_check._Walk``).

A look may come before a session's last line (the session is met again later, or in the next part): the row
then does not match the line seen so far, and must not be said to be changed. A row changed by hand must be
found whenever the looks come, in the words and with the line the check always named.
"""

from __future__ import annotations

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
from tests.test_audit_summary_claims import last_line_of
from tests.test_tamper import shell


@pytest.fixture
def day(care: Care, patient: PatientView, nurses, clock: ManualClock) -> dict[str, str]:
    """A busy day whose running session is met again after lines of other records (a look between them)."""
    ids = busy_day(care, patient, nurses, clock)
    clock.advance(minutes=15)
    care.record_vitals(ids["running"], NORMAL, nurses[0].id)
    return ids


def look_after_every_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trail_check, "SUMMARIES_EVERY", 1)
    monkeypatch.setattr(trail_check, "_LINES_AT_ONCE", 1)


def first_line_of(path: Path, session_id: str) -> int:
    with closing(sqlite3.connect(path)) as raw:
        row = raw.execute(
            "SELECT min(seq) FROM audit_entry WHERE session_id = ? AND action = 'record.written'", (session_id,)
        ).fetchone()
    return row[0]


def test_rows_looked_at_before_their_sessions_last_line_are_not_said_to_be_changed(
    day: dict[str, str], database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    look_after_every_line(monkeypatch)
    found = trail_check.Findings()
    with database.session() as tx:
        walk = trail_check._Walk(tx, found, (1, trail_check.GENESIS), summaries=False)
        looked: list[int | None] = []
        look = walk._look_at_rows
        monkeypatch.setattr(walk, "_look_at_rows", lambda upto: (looked.append(upto), look(upto)))
        walk.lines(trail_check.trail_streams.trail_lines(tx), {})
    assert len(looked) > 10  # a look after each line, so the running session was looked at before its last
    assert found.chain is None and not found.suspects
    assert audit.verify(database).ok


def test_a_session_looked_at_early_is_a_suspect_until_its_later_line_is_met(
    day: dict[str, str], database: Database, db_path: Path
) -> None:
    running, last = day["running"], last_line_of(db_path, day["running"])
    with database.session() as tx:
        found = trail_check.Findings()
        walk = trail_check._Walk(tx, found, (1, trail_check.GENESIS), summaries=False)
        walk.lines(trail_check.trail_streams.trail_lines(tx, 0, last - 1), {})
        assert running in found.suspects  # its row already says what its last line says
        walk.lines(trail_check.trail_streams.trail_lines(tx, last - 1), {})
        assert running not in found.suspects


@pytest.mark.parametrize("often", [False, True])
@pytest.mark.parametrize("split", [False, True])
def test_a_summary_row_changed_by_hand_is_found_whenever_the_rows_are_looked_at(
    often: bool,
    split: bool,
    day: dict[str, str],
    database: Database,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if often:
        look_after_every_line(monkeypatch)
    if split:
        monkeypatch.setattr(trail_check, "SPLIT_AT", 0)
        assert len(trail_check.parts_of(database)) == 2
    assert audit.verify(database).ok
    signed, running = day["signed"], day["running"]

    def move_chairs(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
        raw.execute("UPDATE infusion_session SET chair = chair + 7 WHERE id IN (?, ?)", (signed, running))

    shell(database, db_path, move_chairs, day)
    check = audit.verify(database)
    assert not check.ok  # the earlier session's row is named: its first care line comes first
    assert check.problem == (
        f"the session summary {signed} was changed after it was written "
        f"(audit entry {last_line_of(db_path, signed)} says otherwise)."
    )


def test_a_session_read_in_both_parts_is_held_to_its_line_in_the_second(
    day: dict[str, str], database: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = day["running"]
    middle = first_line_of(db_path, running)  # the first part ends in the running session
    with database.session() as tx:
        first, second = trail_check._parts_at(tx, middle)
        found = trail_check._check_part(tx, first)
        assert running in found.suspects  # its row says what a line of the second part says
        later = trail_check._check_part(tx, second)
        assert running in later.early and not later.suspects
    found.absorb(later)
    assert not found.suspects

    def asked_of_every_line(*args: object) -> None:
        raise AssertionError("no session is a suspect: the lines need not be grouped by session")

    monkeypatch.setattr(trail_check, "_parts", lambda tx, first, last: trail_check._parts_at(tx, middle))
    monkeypatch.setattr(trail_check, "_summaries_against_trail", asked_of_every_line)
    assert audit.verify(database).ok  # two processes, split in the running session


def test_a_changed_row_of_a_session_read_in_both_parts_is_found(
    day: dict[str, str], database: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = day["running"]
    middle = first_line_of(db_path, running)
    monkeypatch.setattr(trail_check, "_parts", lambda tx, first, last: trail_check._parts_at(tx, middle))

    def move_chair(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
        raw.execute("UPDATE infusion_session SET chair = chair + 7 WHERE id = ?", (running,))

    shell(database, db_path, move_chair, day)
    check = audit.verify(database)
    assert not check.ok
    assert check.problem == (
        f"the session summary {running} was changed after it was written "
        f"(audit entry {last_line_of(db_path, running)} says otherwise)."
    )
