"""Backups nobody has to remember, and a restore that keeps what it replaces and says so in the trail."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cli.commands import main
from core import audit
from core.anchors import check_anchor, read_anchor, write_anchor
from core.audit import AuditAction
from core.backups import Backup, BackupJob, backups_in, due, status, take, to_remove
from core.care import Care
from core.clock import ManualClock
from core.errors import EnvironmentTrouble
from core.identify import Identified
from core.persistence.db import Database, open_database, sqlite_url
from core.settings import ClinicSettings
from core.views import PatientView


def settings(folder: Path, **more: object) -> ClinicSettings:
    return ClinicSettings(backup_folder=str(folder), **more)


def never_open(url: str | None) -> int:
    raise AssertionError("the db commands must not open windows")


def test_a_backup_is_taken_when_due_checked_private_and_in_the_trail(
    care: Care, patient: PatientView, database: Database, tmp_path: Path, clock: ManualClock
):
    chosen = settings(tmp_path / "share" / "backups", backup_every_hours=4)
    started = clock.now()  # the app started now, with no backup yet: the first is owed in four hours
    assert (
        not due(database, chosen, clock.now(), started) and not status(database, chosen, clock.now(), started).overdue
    )
    later = clock.now() + timedelta(hours=4, minutes=16)
    assert due(database, chosen, later, started)
    assert status(database, chosen, later, started).overdue  # none yet, and it is owed: the board says so
    assert due(database, chosen, clock.now(), started, every=timedelta(0))  # a sign-out after a long shift
    made = take(database, chosen, clock.now(), "ws-1")
    assert made.path.name == "chairside-backup-20261126T130000Z.sqlite"
    assert stat.S_IMODE(made.path.stat().st_mode) & 0o077 == 0
    assert backups_in(made.path.parent) == [made]
    copy = open_database(sqlite_url(made.path))
    try:
        assert audit.verify(copy).ok
        assert Care(copy, care.protocol, clock, "check").find_patients(patient.mrn)
    finally:
        copy.dispose()
    (line,) = [e for e in audit.entries(database) if e.action == AuditAction.BACKUP_TAKEN]
    assert line.detail["to"] == str(made.path)

    found = status(database, chosen, clock.now() + timedelta(hours=1), started)
    assert found.last == made and not found.overdue and found.reachable
    assert found.words(clock.now()) == (f"Last backup {made.taken_at.astimezone():%H:%M}", "")
    next_day = status(database, chosen, clock.now() + timedelta(days=1), started).words(clock.now() + timedelta(days=1))
    assert next_day[0] == f"Last backup {made.taken_at.astimezone():%-d %b %H:%M}"
    assert not due(database, chosen, clock.now() + timedelta(hours=3, minutes=59), started)
    assert due(database, chosen, clock.now() + timedelta(hours=4), started)
    overdue = status(database, chosen, clock.now() + timedelta(hours=5), started)
    assert overdue.overdue and "longer ago than the clinic's schedule allows" in overdue.words(clock.now())[1]


def test_the_folder_keeps_the_newest_and_one_a_day_for_the_days_the_clinic_keeps():
    now = datetime(2026, 11, 26, 13, 0, tzinfo=UTC)
    found = [Backup(now - timedelta(hours=4 * n), Path(f"b{n}")) for n in range(60)]  # ten days, six a day
    removed = {backup.path.name for backup in to_remove(found, now, keep_last=3, keep_days=5)}
    kept = [backup for backup in found if backup.path.name not in removed]
    assert kept[:3] == found[:3]
    days = [backup.taken_at.date() for backup in kept[3:]]
    assert len(days) == len(set(days))  # past the newest, one a day
    assert min(days) >= (now - timedelta(days=5)).date()
    assert to_remove(found[:2], now, keep_last=3, keep_days=0) == []


def test_a_folder_that_cannot_be_reached_is_said(database: Database, tmp_path: Path, clock: ManualClock):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    chosen = settings(blocked / "backups")
    assert not status(database, chosen, clock.now(), clock.now()).reachable
    assert "cannot be reached" in status(database, chosen, clock.now(), clock.now()).words(clock.now())[1]
    with pytest.raises(EnvironmentTrouble):
        take(database, chosen, clock.now(), "ws-1")
    job = BackupJob(database, chosen, clock.now(), "ws-1")  # away from the screen's thread, said all the same
    job.wait()
    assert job.done() and job.result is None and job.error is not None


def test_a_backup_taken_away_from_the_screen_thread(database: Database, tmp_path: Path, clock: ManualClock):
    job = BackupJob(database, settings(tmp_path / "backups"), clock.now(), "ws-1")
    job.wait()
    assert job.error is None and job.result is not None and job.result.path.exists()


def test_restore_keeps_the_database_it_replaces_and_an_older_note_is_explained(
    care: Care,
    patient: PatientView,
    nurses,
    database: Database,
    db_path: Path,
    tmp_path: Path,
    clock: ManualClock,
    capsys,
):
    made = take(database, settings(tmp_path / "backups"), clock.now(), "ws-1")
    clock.advance(minutes=30)
    care.open_session(patient.id, 1, nurses[0].id, Identified(name=True, mrn=patient.mrn))  # after the backup
    note = write_anchor(database, tmp_path / "anchors", clock.now())
    assert note is not None
    database.dispose()
    url = sqlite_url(db_path)

    assert main(never_open, ["--database", url, "db", "restore", str(made.path)], clock) == 0
    said = capsys.readouterr().out
    (aside,) = db_path.parent.glob("chairside.replaced-*.sqlite")
    assert str(aside) in said
    assert stat.S_IMODE(db_path.stat().st_mode) & 0o077 == 0  # the restored database is private (any umask)
    kept = open_database(sqlite_url(aside))
    try:
        assert Care(kept, care.protocol, clock, "check").chairs()  # the session after the backup is kept there
    finally:
        kept.dispose()
    restored = open_database(url)
    try:
        assert audit.verify(restored).ok
        assert not Care(restored, care.protocol, clock, "check").chairs()
        (line,) = [e for e in audit.entries(restored) if e.action == AuditAction.DATABASE_RESTORED]
        assert line.detail["from"] == str(made.path) and line.detail["kept_aside"] == str(aside)
        found = check_anchor(restored, read_anchor(note))
        assert found.ok and "a restore from a backup replaced" in found.words
    finally:
        restored.dispose()


def test_a_backup_that_is_not_whole_is_refused_and_nothing_is_moved(
    database: Database, db_path: Path, tmp_path: Path, clock: ManualClock, capsys
):
    database.dispose()
    before = db_path.read_bytes()
    (tmp_path / "usb").mkdir()
    broken = tmp_path / "usb" / "chairside-backup-20261126T120000Z.sqlite"
    broken.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    assert main(never_open, ["--database", sqlite_url(db_path), "db", "restore", str(broken)], clock) == 2
    assert "was not restored" in capsys.readouterr().err
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith(("chairside", ".chairside"))) == [
        "chairside.sqlite"
    ]


@pytest.mark.parametrize("key", ["backup_folder", "anchor_folder", "promis_wording_file"])
def test_a_folder_in_the_home_of_a_user_this_computer_does_not_know_is_refused_when_set(database: Database, key: str):
    """ "~name/…" is that user's home: one that does not exist could not be found when the folder is used (the
    top bar reads the backup folder every minute), so it is said by the field when it is set."""
    from core.errors import InputError
    from core.settings import change_clinic_setting, clinic_settings

    at = datetime(2026, 11, 26, 13, tzinfo=UTC)
    with pytest.raises(InputError) as refused:
        change_clinic_setting(database, key, "~no-such-user-here´/chairside", None, "second disk", at, workstation="ws")
    assert refused.value.field == key and "not a user of this computer" in refused.value.message
    assert refused.value.message.endswith("Give the whole path.") and "Value error" not in refused.value.message
    assert getattr(clinic_settings(database), key) == ""  # nothing changed
