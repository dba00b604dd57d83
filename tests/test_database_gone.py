"""The database file deleted, moved or replaced while Chairside has it open: entries are refused, not shown
saved and then lost; a rescue copy keeps what it held; no empty file is quietly made in its place."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest

from core.care import Care
from core.clock import ManualClock
from core.errors import DatabaseGone
from core.identify import Identified
from core.persistence.db import open_database, sqlite_url
from tests.helpers.answers import SCREEN_OK

ROOT = Path(__file__).resolve().parent.parent


def seated(care: Care, patient, nurse_id: str) -> str:
    return care.open_session(patient.id, 1, nurse_id, Identified(name=True, mrn=patient.mrn)).session_id


def remove(path: Path) -> None:
    """As a person (or a clean-up script) deleting it would: the file and SQLite's files beside it."""
    for part in (path, path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")):
        part.unlink(missing_ok=True)


def test_a_deleted_database_refuses_the_next_entry_and_its_rescue_copy_holds_every_saved_one(
    care: Care, patient, nurses, db_path: Path, clock: ManualClock
):
    first, _ = nurses
    sid = seated(care, patient, first.id)
    assert care.storage_gone() is None
    remove(db_path)

    clock.advance(minutes=1)
    with pytest.raises(DatabaseGone, match="was deleted while Chairside was using it"):
        care.screen(sid, SCREEN_OK, first.id)
    assert not db_path.exists()  # no new, empty database quietly made in its place

    notice = care.storage_gone()
    assert notice is not None and "was deleted" in notice and "downtime forms" in notice
    rescued = next(db_path.parent.glob("chairside.rescued-*.sqlite"))
    assert str(rescued) in notice
    assert stat.S_IMODE(rescued.stat().st_mode) & 0o077 == 0  # patient data: this account only
    assert care.storage_gone() == notice  # written once, not every second
    assert len(list(db_path.parent.glob("chairside.rescued-*"))) == 1

    copy = open_database(sqlite_url(rescued))
    try:
        kept = Care(copy, care.protocol, clock, workstation="test-ws").state(sid)
        assert [event.id for event in kept.events] == [event.id for event in care.state(sid).events]
    finally:
        copy.dispose()


def test_a_database_replaced_by_another_file_is_not_written_into(
    care: Care, patient, nurses, db_path: Path, tmp_path: Path, protocol, clock: ManualClock
):
    """Someone copies another workstation's file over it: this workstation's entries must not land there."""
    first, _ = nurses
    sid = seated(care, patient, first.id)
    other_path = tmp_path / "other" / "chairside.sqlite"
    open_database(sqlite_url(other_path), create=True).dispose()
    remove(db_path)
    other_path.rename(db_path)
    before = db_path.read_bytes()

    with pytest.raises(DatabaseGone, match="was replaced by another file"):
        care.screen(sid, SCREEN_OK, first.id)
    assert db_path.read_bytes() == before
    assert "was replaced by another file" in (care.storage_gone() or "")


def test_a_database_moved_away_is_said_moved(care: Care, patient, nurses, db_path: Path):
    first, _ = nurses
    sid = seated(care, patient, first.id)
    db_path.rename(db_path.with_name("moved.sqlite"))
    with pytest.raises(DatabaseGone, match="was moved elsewhere"):
        care.screen(sid, SCREEN_OK, first.id)
    assert not db_path.exists()


def test_a_database_deleted_under_a_process_that_is_recording_loses_no_entry_it_said_was_saved(
    tmp_path: Path, protocol, clock: ManualClock
):
    """A real deletion, at a moment the test does not choose, of the file a separate process is writing to:
    every set that process reported saved is in its rescue copy, and after it, only refusals."""
    path = tmp_path / "chairside.sqlite"
    lines: list[str] = []
    with subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "recording_child.py"), str(path)], stdout=subprocess.PIPE, text=True
    ) as child:
        assert child.stdout is not None
        for line in child.stdout:
            lines.append(line.strip())
            if sum(entry.startswith("saved") for entry in lines) == 5:
                remove(path)  # while it goes on recording
                break
        lines += [line.strip() for line in child.stdout]
        assert child.wait(timeout=120) == 0
    saved = [line.split()[1] for line in lines if line.startswith("saved")]
    first_refusal = lines.index("refused")
    assert all(not line.startswith("saved") for line in lines[first_refusal:-1])  # refused ever after
    assert not path.exists()
    rescued = Path(lines[-1].removeprefix("rescued "))
    sid = lines[0].removeprefix("ready ")
    copy = open_database(sqlite_url(rescued))
    try:
        kept = {event.id for event in Care(copy, protocol, clock, workstation="test-ws").state(sid).events}
    finally:
        copy.dispose()
    assert saved and set(saved) <= kept
