"""Files Chairside makes are readable by its own account only, whatever the account's umask."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "CHAIRSIDE_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=lambda: os.umask(0o022),  # the usual default, which leaves files readable by everyone
    )


def test_the_database_its_backup_and_their_folders_are_private(tmp_path: Path):
    home = tmp_path / "home"
    database = tmp_path / "clinic" / "chairside.sqlite"
    backup = tmp_path / "copies" / "backup.sqlite"
    created = run(home, "--database", f"sqlite:///{database}", "db", "create")
    assert created.returncode == 0, created.stderr
    copied = run(home, "--database", f"sqlite:///{database}", "db", "backup", str(backup))
    assert copied.returncode == 0, copied.stderr
    made = [path for path in (*home.rglob("*"), *database.parent.rglob("*"), backup) if path.exists()]
    assert database in made and backup in made
    for path in made:
        others = stat.S_IMODE(path.stat().st_mode) & 0o077
        assert others == 0, f"{path} can be read by others: {oct(stat.S_IMODE(path.stat().st_mode))}"
