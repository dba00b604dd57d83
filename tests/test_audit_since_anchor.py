"""``audit verify --since-anchor``: the daily check, from a note of the trail's head kept outside the database.

It finds what was changed by hand after the note (an entry, a line, a session's summary row, a record slipped
in), refuses a note the trail no longer holds, says when there is no note to resume from, and, as its words
say, leaves what came before the note to the full check. Also here: the full check read in two parts at
once (as it is for a big trail) says what it says read in one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cli.commands import main
from core import audit, trail_check
from core.anchors import anchor_folder, write_anchor
from core.care import Care
from core.clock import ManualClock
from core.persistence.db import Database, sqlite_url
from core.views import PatientView
from tests.helpers.answers import NORMAL
from tests.helpers.sessions import busy_day
from tests.test_tamper import KINDS, change_outcome, change_vitals, day, rewrite_from, shell

__all__ = ["day"]  # the tamper tests' day, used by the two-part check below


def never_open(url: str | None) -> int:
    raise AssertionError("the audit commands must not open windows")


@pytest.fixture
def noted(
    care: Care, patient: PatientView, nurses, clock: ManualClock, database: Database, chairside_home: Path
) -> dict[str, str]:
    """A busy day, its head noted in the anchor folder, then more care on the running session after it."""
    ids = busy_day(care, patient, nurses, clock)
    note = write_anchor(database, anchor_folder(""), clock.now())
    assert note is not None
    clock.advance(minutes=15)
    care.record_vitals(ids["running"], NORMAL, nurses[0].id)
    return ids | {"note": str(note)}


def since(db_path: Path, clock: ManualClock, *extra: str) -> int:
    return main(never_open, ["--database", sqlite_url(db_path), "audit", "verify", "--since-anchor", *extra], clock)


def change_running_chair(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    raw.execute("UPDATE infusion_session SET chair = 4 WHERE id = ?", (ids["running"],))


def delete_newest_entry(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    raw.execute("DELETE FROM session_event WHERE session_id = ? AND type = 'vitals.recorded'", (ids["running"],))


def forge_running_entry(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    """The running session's newest entry copied under a new id and place, with no line."""
    columns = [c[1] for c in raw.execute("PRAGMA table_info(session_event)")]
    newest = raw.execute("SELECT * FROM session_event WHERE session_id = ? ORDER BY seq DESC", (ids["running"],))
    row = dict(zip(columns, newest.fetchone(), strict=True)) | {"id": "forged-0001"}
    row["seq"] += 100
    marks = ", ".join("?" for _ in columns)
    raw.execute(f"INSERT INTO session_event ({', '.join(columns)}) VALUES ({marks})", [row[c] for c in columns])


def edit_last_line(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    raw.execute("UPDATE audit_entry SET workstation = 'elsewhere' WHERE seq = (SELECT max(seq) FROM audit_entry)")


def test_the_newest_note_is_found_and_only_what_came_after_it_is_checked(
    noted: dict[str, str], db_path: Path, clock: ManualClock, capsys
) -> None:
    assert since(db_path, clock) == 0
    out = capsys.readouterr().out
    assert "Audit trail checked since entry" in out and "entries after it. OK" in out
    assert "Not checked: lines and records from before the anchor" in out  # what it covers, in its words


AFTER_THE_NOTE = {
    "a vital sign changed": (change_vitals, "was changed after it was written"),
    "an entry slipped in without a line": (forge_running_entry, "forged-0001 (saved"),
    "the running session's chair changed in its row": (change_running_chair, "session summary"),
    "the newest entries deleted, their lines kept": (delete_newest_entry, "was removed: audit entry"),
    "the newest line edited": (edit_last_line, "was changed after it was written"),
}


@pytest.mark.parametrize("kind", list(AFTER_THE_NOTE))
def test_a_change_after_the_note_is_found(
    kind: str, noted: dict[str, str], database: Database, db_path: Path, clock: ManualClock, capsys
) -> None:
    change, said = AFTER_THE_NOTE[kind]
    shell(database, db_path, change, noted)
    assert since(db_path, clock, noted["note"]) == 1
    out = capsys.readouterr().out
    assert "BROKEN" in out and said in out, out
    full = audit.verify(database)
    assert not full.ok and said in full.problem  # the full check says the same


def test_a_note_the_trail_no_longer_holds_is_refused_in_words(
    noted: dict[str, str], database: Database, db_path: Path, clock: ManualClock, capsys
) -> None:
    """The trail rewritten from before the note, every hash recomputed: nothing is resumed from it."""

    def rewrite(raw: sqlite3.Connection, _ids: dict[str, str]) -> None:
        raw.execute("UPDATE audit_entry SET workstation = 'elsewhere' WHERE seq = 3")
        rewrite_from(raw, 3)

    shell(database, db_path, rewrite, noted)
    assert audit.verify(database).ok  # the chain alone cannot tell
    assert since(db_path, clock) == 1
    out = capsys.readouterr().out
    assert "BROKEN against the note" in out and "the trail was rewritten at or before it" in out
    assert "entries after it. OK" not in out


def test_no_note_to_resume_from_is_said(
    care: Care, patient: PatientView, nurses, clock: ManualClock, db_path: Path, chairside_home: Path, capsys
) -> None:
    busy_day(care, patient, nurses, clock)
    assert since(db_path, clock) == 2
    assert "nothing to resume from. Run the full check" in capsys.readouterr().out


def test_what_came_before_the_note_is_left_to_the_full_check(
    noted: dict[str, str], database: Database, db_path: Path, clock: ManualClock, capsys
) -> None:
    """The signed session, untouched since the note, changed in its row: the daily check does not read it
    (and says so); the full check does."""
    shell(database, db_path, change_outcome, noted)
    assert since(db_path, clock, noted["note"]) == 0
    assert "Not checked: lines and records from before the anchor" in capsys.readouterr().out
    assert "session summary" in audit.verify(database).problem


TWO_PARTS = [
    "nothing changed",
    "a vital sign changed in an unsigned session",
    "the last care entry deleted, its line kept",
    "the patient's name changed",
    "a session's outcome changed in its summary row",
    "a care entry forged without a line",
    "a sitting's scores changed where the report reads them",
    "an audit line edited",
    "an audit line deleted",
    "audit lines cut from the end, their records kept",
]


@pytest.mark.parametrize("kind", TWO_PARTS)
def test_the_full_check_in_two_parts_says_what_it_says_in_one(
    kind: str, day: dict[str, str], database: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big trail is read in two parts at once, the second in a process of its own: split here at every
    size, the same problem is said, at the same entry."""
    change, said = KINDS.get(kind, (lambda raw, ids: None, ""))
    shell(database, db_path, change, day)
    whole = audit.verify(database)
    assert whole.ok is (kind == "nothing changed")
    monkeypatch.setattr(trail_check, "SPLIT_AT", 0)
    assert len(trail_check.parts_of(database)) == 2
    assert audit.verify(database) == whole
    assert said in whole.problem
