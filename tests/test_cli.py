"""The administrator's commands, run as a person would run them: through main() with arguments."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest

from cli.commands import main
from core.accounts import Accounts
from core.persistence.db import SCHEMA_HEAD, open_database, sqlite_url
from core.settings import clinic_settings, load_workstation, settings_history
from tests.helpers.people import ADMIN_PASSWORD, ANA_PASSWORD, add_nurse, make_admin

ROOT = Path(__file__).resolve().parent.parent


def never_open(url: str | None) -> int:
    raise AssertionError("the admin commands must not open windows")


def run(*argv: str, clock=None) -> int:
    return main(never_open, list(argv), clock)


def test_first_start_creates_the_default_database_and_remembers_it(chairside_home: Path, capsys):
    opened: list[str | None] = []
    assert main(lambda url: opened.append(url) or 0, [], None) == 0
    assert opened == [None]
    assert run("db", "upgrade") == 0  # first start: creates it
    assert (chairside_home / "data" / "chairside.sqlite").exists()
    assert load_workstation().database_url.endswith("chairside.sqlite")


def test_a_lost_default_database_is_reported_not_recreated(chairside_home: Path, capsys):
    run("db", "upgrade")
    (chairside_home / "data" / "chairside.sqlite").unlink()
    assert run("db", "upgrade") == 2
    err = capsys.readouterr().err
    assert "There is no database" in err and "db create" in err
    assert not (chairside_home / "data" / "chairside.sqlite").exists()


def test_check_backup_and_create(tmp_path: Path, capsys):
    url = sqlite_url(tmp_path / "c.sqlite")
    assert run("--database", url, "db", "check") == 2
    assert run("--database", url, "db", "create") == 0
    assert run("--database", url, "db", "create") == 2
    assert run("--database", url, "db", "check") == 0
    assert "OK" in capsys.readouterr().out
    assert run("--database", url, "db", "backup", str(tmp_path / "copy.sqlite")) == 0
    with sqlite3.connect(tmp_path / "copy.sqlite") as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (SCHEMA_HEAD,)
    with sqlite3.connect(tmp_path / "c.sqlite") as conn:
        (detail,) = conn.execute("SELECT detail FROM audit_entry WHERE action = 'export'").fetchone()
    assert str(tmp_path / "copy.sqlite") in detail


def test_check_reports_a_damaged_database(tmp_path: Path, capsys):
    path = tmp_path / "c.sqlite"
    open_database(sqlite_url(path), create=True).dispose()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    path.write_bytes(bytes(data))
    assert run("--database", sqlite_url(path), "db", "check") in {1, 2}


def test_environment_variable_chooses_the_database(tmp_path: Path, monkeypatch, capsys):
    url = sqlite_url(tmp_path / "env.sqlite")
    monkeypatch.setenv("CHAIRSIDE_DATABASE_URL", url)
    assert run("db", "create") == 0
    assert (tmp_path / "env.sqlite").exists()


def test_settings_change_is_kept_with_who_when_and_why(tmp_path: Path, capsys, clock, monkeypatch):
    url = sqlite_url(tmp_path / "s.sqlite")
    run("--database", url, "db", "create")
    db = open_database(url)
    admin = make_admin(Accounts(db, clock, "test-ws"))
    db.dispose()
    change = ("--database", url, "settings", "set", "chairs")
    assert run(*change, "6", "--reason", "new bay opened", clock=clock) == 2  # no administrator named
    assert "--admin" in capsys.readouterr().err
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": "not the password")
    assert run(*change, "6", "--reason", "new bay opened", "--admin", "admin", clock=clock) == 2
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": ADMIN_PASSWORD)
    assert run(*change, "6", "--reason", "new bay opened", "--admin", "admin", clock=clock) == 0
    assert run(*change, "none", "--reason", "typo", "--admin", "admin", clock=clock) == 2
    assert "chairs" in capsys.readouterr().err
    assert run("--database", url, "settings", "show") == 0
    out = capsys.readouterr().out
    assert "chairs = 6" in out and "new bay opened" in out and "2026-11-26 13:00 UTC" in out
    db = open_database(url)
    assert clinic_settings(db).chairs == 6
    assert settings_history(db)[-1].changed_by == admin.id
    db.dispose()


def test_a_nurse_cannot_change_the_clinic_settings_with_her_own_password(tmp_path: Path, capsys, clock, monkeypatch):
    url = sqlite_url(tmp_path / "s.sqlite")
    run("--database", url, "db", "create")
    db = open_database(url)
    accounts = Accounts(db, clock, "test-ws")
    add_nurse(accounts, make_admin(accounts), "Ana Reyes", "ana", ANA_PASSWORD)
    db.dispose()
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": ANA_PASSWORD)
    change = ("--database", url, "settings", "set", "waste_witness_required", "false", "--reason", "busy")
    assert run(*change, "--admin", "ana", clock=clock) == 2
    assert "Only an administrator can change the clinic's settings" in capsys.readouterr().err
    db = open_database(url)
    assert clinic_settings(db).waste_witness_required
    db.dispose()


def test_help_explains_each_command(capsys):
    with pytest.raises(SystemExit):
        run("--help")
    out = capsys.readouterr().out
    for word in ("db", "demo", "settings", "--database", "CHAIRSIDE_DATABASE_URL"):
        assert word in out


def test_demo_fills_a_separate_database_that_ends_now(chairside_home: Path, clock, capsys):
    assert run("demo", "--fill-only", clock=clock) == 0
    demo = chairside_home / "data" / "chairside-demo.sqlite"
    assert demo.exists() and not (chairside_home / "data" / "chairside.sqlite").exists()
    assert "--database" in capsys.readouterr().out
    from core.care import Care
    from core.protocol import load_protocol

    db = open_database(sqlite_url(demo))
    try:
        chairs = Care(db, load_protocol(), clock, "t").chairs()
        assert chairs and not any(c.state.clock_behind for c in chairs)
        assert any(c.state.infusion.running and c.state.infusion.remaining for c in chairs)
    finally:
        db.dispose()


@pytest.mark.parametrize("url", ["nosuchdb://x", "not an address", "postgresql+nosuchdriver://u@host/db"])
def test_an_address_chairside_cannot_use_is_said_in_words(chairside_home: Path, capsys, url: str):
    assert run("--database", url, "db", "check") == 2
    err = capsys.readouterr().err
    assert "not one Chairside can use" in err and "sqlite:////" in err and "Traceback" not in err


def test_a_day_outside_the_years_kept_is_refused_in_words(chairside_home: Path, tmp_path: Path, capsys):
    run("db", "upgrade")
    assert run("report", "day", "--date", "0001-01-01", "--out", str(tmp_path / "day.pdf")) == 2
    assert "outside the years Chairside keeps" in capsys.readouterr().err
    assert not (tmp_path / "day.pdf").exists()


def test_an_unexpected_error_is_one_sentence_with_an_incident_id_and_the_traceback_is_in_the_log(
    chairside_home: Path, capsys
):
    """A bug at the command line: no traceback on the screen, the details where support will look."""

    def broken(url: str | None) -> int:
        raise KeyError("chair")  # the kind of slip a bug makes, where the app starts

    assert main(broken, []) == 70
    said = capsys.readouterr().err
    assert "Traceback" not in said and "KeyError" not in said
    incident = said.split("(incident ")[1].split(")")[0]
    assert "Nothing already recorded was lost." in said
    logged = (chairside_home / "log" / "chairside.log").read_text()
    assert f"incident {incident}" in logged and "KeyError: 'chair'" in logged
    for handler in [h for h in logging.getLogger().handlers if isinstance(h, RotatingFileHandler)]:
        logging.getLogger().removeHandler(handler)  # the next tests log nowhere near this test's folder
        handler.close()


def test_a_password_prompt_with_no_terminal_says_a_terminal_is_needed(tmp_path: Path):
    """`users add` from a script or a pipe met the end of its input in getpass: it says so, in words."""
    database = tmp_path / "c.sqlite"
    environment = {**os.environ, "CHAIRSIDE_HOME": str(tmp_path / "home")}
    argv = [sys.executable, str(ROOT / "main.py"), "--database", sqlite_url(database)]
    subprocess.run([*argv, "db", "create"], env=environment, check=True, capture_output=True, timeout=120)
    added = subprocess.run(
        [*argv, "users", "add", "Ada Mensah", "--username", "admin", "--role", "administrator"],
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,  # no controlling terminal, as under cron or a pipe
        check=False,
    )
    assert added.returncode == 2
    assert "there is no terminal to type it in" in added.stderr
    assert "Traceback" not in added.stderr


@pytest.mark.parametrize(
    ("revision", "said"),
    [
        ("0011", "schema older than this program's: run `python main.py db upgrade` (a backup is written first)"),
        ("9999", "the database was written by a newer version of Chairside (schema 9999): install that version"),
    ],
)
def test_db_check_tells_an_older_schema_from_a_newer_one(tmp_path: Path, capsys, revision: str, said: str):
    """An older database is upgraded; one written by a newer Chairside is left alone: the check says which."""
    path = tmp_path / "c.sqlite"
    open_database(sqlite_url(path), create=True).dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    conn.close()
    assert run("--database", sqlite_url(path), "db", "check") == 1
    out = capsys.readouterr().out
    assert f"PROBLEM: {said}" in out
    assert "Traceback" not in out


NOBODY = "~no-such-user-of-chairside"


@pytest.mark.parametrize(
    "argv",
    [
        ["db", "restore", f"{NOBODY}/backup.sqlite"],
        ["db", "backup", f"{NOBODY}/backup.sqlite"],
        ["report", "day", "--date", "2026-11-20", "--csv", f"{NOBODY}/day.csv"],
        ["report", "quality", "--from", "2026-11-01", "--to", "2026-11-25", "--csv", f"{NOBODY}/q.csv"],
        ["outcomes", "import", "--as", "admin", f"{NOBODY}/forms.csv"],
        ["export", "fhir", "--from", "2026-11-01", "--to", "2026-11-25", "--out", f"{NOBODY}/b.json"],
        ["export", "fhir", "--from", "2026-11-01", "--to", "2026-11-25", "--ndjson", NOBODY],
    ],
)
def test_a_path_in_the_home_of_a_user_this_computer_does_not_know_is_refused_in_words(
    chairside_home: Path, capsys, argv: list[str]
):
    """``~name/…`` names that user's home folder; for a name the computer does not know, Python's own answer
    was an error that reached the person as "an unexpected problem" (found by tests/test_fuzz.py)."""
    assert run("db", "upgrade") == 0
    capsys.readouterr()
    assert run(*argv) in {1, 2}
    err = capsys.readouterr().err
    assert f"“{NOBODY}” is not a user of this computer" in err and "Give the whole path" in err, err
    assert "unexpected" not in err and "Traceback" not in err
