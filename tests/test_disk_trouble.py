"""A full disk, or a file-size limit, as a real process meets it: words that say so, and nothing half-written."""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIMIT_BYTES = 40_000
"""Smaller than an empty Chairside database (about 150 kB), so its copy cannot be written whole."""


def chairside(home: Path, database: Path, *args: str, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    def limited() -> None:
        if limit is not None:  # as `prlimit --fsize` would: the kernel refuses to grow any file past it
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--database", f"sqlite:///{database}", *args],
        env={**os.environ, "CHAIRSIDE_HOME": str(home)},
        preexec_fn=limited,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_backup_that_cannot_be_written_whole_says_the_disk_is_full_and_leaves_nothing(tmp_path: Path):
    """It left a 0-byte file that a retry refused ("already exists") and that a restore would have used."""
    home, database, copies = tmp_path / "home", tmp_path / "chairside.sqlite", tmp_path / "copies"
    assert chairside(home, database, "db", "create").returncode == 0
    before = database.read_bytes()
    backup = copies / "backup.sqlite"
    failed = chairside(home, database, "db", "backup", str(backup), limit=LIMIT_BYTES)
    assert failed.returncode == 2
    assert "is full (or the file has reached the size this computer allows)" in failed.stderr
    assert "Nothing already recorded has been lost." in failed.stderr
    assert "Traceback" not in failed.stderr
    assert list(copies.iterdir()) == []  # no partial copy, under its name or any other
    assert database.read_bytes() == before
    retried = chairside(home, database, "db", "backup", str(backup))  # room again: the same name is free
    assert retried.returncode == 0, retried.stderr
    assert chairside(home, backup, "db", "check").returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 4 MB disk (tmpfs), as a USB stick or a nearly full partition would be (creating the schema
    logs about two megabytes before it is checkpointed, so the disk must hold that first): mounting needs
    root, as CI runs; elsewhere the test says why it did not run."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(folder)], check=False)
    if mounted.returncode != 0:
        pytest.skip("mounting a small disk needs root (CI runs as root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_on_a_full_disk_every_command_says_the_disk_is_full_and_nothing_is_lost(tmp_path: Path, small_disk: Path):
    """Read commands said "cannot be opened or read from the disk": the disk being full is what to fix."""
    home, database = tmp_path / "home", small_disk / "chairside.sqlite"
    assert chairside(home, database, "db", "create").returncode == 0
    before = database.read_bytes()
    filler = small_disk / "filler"
    with contextlib.suppress(OSError), filler.open("wb", buffering=0) as handle:  # until the disk refuses
        while True:
            handle.write(b"\0" * 4096)
    for command in (
        ("audit", "verify"),
        ("db", "check"),
        ("report", "day", "--date", "2026-11-26", "--csv", str(tmp_path / "day.csv")),
        ("db", "backup", str(small_disk / "copy.sqlite")),
    ):
        said = chairside(home, database, *command)
        assert said.returncode == 2, command
        assert "is full" in said.stderr and "Nothing already recorded has been lost." in said.stderr, command
        assert "Traceback" not in said.stderr
    filler.unlink()
    assert database.read_bytes() == before
    again = chairside(home, database, "audit", "verify")
    assert again.returncode == 0 and "OK" in again.stdout
