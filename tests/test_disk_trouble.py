"""A full disk, or a file-size limit, as a real process meets it: words that say so, and nothing half-written."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

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
