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


def test_the_first_start_its_settings_file_and_every_export_are_private(tmp_path: Path):
    """The very first start makes the database, its folders and the workstation file; the day log goes out
    as a PDF and a CSV: none of them readable by another account."""
    home = tmp_path / "home"
    exports = tmp_path / "exports"
    exports.mkdir()
    first = run(home, "db", "upgrade")  # no database chosen yet: the first start makes the default one
    assert first.returncode == 0, first.stderr
    day = run(
        home,
        "report",
        "day",
        "--date",
        "2026-11-26",
        "--csv",
        str(exports / "day.csv"),
        "--out",
        str(exports / "day.pdf"),
    )
    assert day.returncode == 0, day.stderr
    made = [*home.rglob("*"), *exports.rglob("*")]
    names = {path.name for path in made}
    assert {"workstation.json", "chairside.sqlite", "day.csv", "day.pdf"} <= names, names
    for path in made:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, f"{path}: {oct(stat.S_IMODE(path.stat().st_mode))}"


def test_the_log_is_private_from_the_start(tmp_path: Path):
    """What the app does first (main.py), then its log as the app opens it: the log names patients' sessions."""
    home = tmp_path / "home"
    start = "import main; main.keep_files_private(); from core.logs import configure_logging; import logging; "
    start += "configure_logging(); logging.getLogger('chairside').info('started')"
    started = subprocess.run(
        [sys.executable, "-c", start],
        cwd=ROOT,
        env={**os.environ, "CHAIRSIDE_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=lambda: os.umask(0o022),
    )
    assert started.returncode == 0, started.stderr
    log = next(home.rglob("chairside.log"))
    for path in (log, log.parent):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, f"{path}: {oct(stat.S_IMODE(path.stat().st_mode))}"
