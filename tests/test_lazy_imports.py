"""What the app's start path imports: nothing it only needs later (a measure of what is loaded, not a timing)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOT_AT_START = (
    "zxcvbn",  # judging a new password
    "sqlalchemy.dialects.postgresql",  # a PostgreSQL server
    "psycopg",  # its driver
    "numpy",  # the outcome report
    "reportlab",  # printouts
    "ui.dialogs.print_preview",  # the printouts' preview, with Qt's printing
    "PySide6.QtPrintSupport",
    "ui.chair_panel",  # a chair's pages, built when a chair is first opened
    "ui.dialogs.day_log",  # the menus' dialogs, each loaded when first opened
    "ui.dialogs.outcome_report",
    "ui.dialogs.audit_view",
    "core.course_record",  # a patient's courses read back whole, with their charts
    "core.outcomes.report",  # the outcome report's figures
    "core.printing.cups",  # the print system's client, with the first printout
    "core.handoff",  # the handoff sheet
    "argon2",  # the first password checked or hashed
    "multiprocessing",  # a long audit check's second process
    "core.trail_check",  # the whole audit check
    "core.outcomes.importing",  # a clinic's file of outcome forms
    "core.records.quality",  # the quality report's reading of the records
    "core.records.quality_entries",
    "core.quality.rows",
    "core.records.outcomes",  # the outcome report's
    "core.records.follow_ups",  # the follow-ups list's
    "core.records.bulk",  # the history generator's and importer's writing
    "core.outcomes.cohort",  # the outcome and quality reports' periods and cohort
    "core.outcomes.forms",  # an outcome form recorded or shown
    "core.promis",  # the forms' scoring tables (and the protocol's check of them, when its file is parsed)
    "core.anchors",  # the trail's head noted, at the first tick
    "core.complete",  # the chair pages' typing
    "core.outcomes.due",  # the follow-ups list's rules
    "core.outcomes.windows",
    "core.outcomes.contact",
    "core.backups",  # the backups' first look, at the first tick
    "ui.dialogs.password",  # the account dialogs, at the first sign-in or their menu entry
    "ui.dialogs.people",
    "ui.dialogs.first_admin",
)
START = """
import json, sys
from core.clock import SystemClock
from core.startup import open_workplace
from PySide6.QtWidgets import QApplication
from ui import style
from ui.main_window import MainWindow
app = QApplication(sys.argv)
style.apply(app)
workplace = open_workplace(sys.argv[1], SystemClock())
window = MainWindow(workplace)
window.show_on_screen()
app.processEvents()
loaded = sorted(name for name in sys.modules if name.split(".")[0] in {{{roots}}} or name in {names})
window.shutdown()
workplace.close()
print(json.dumps(loaded))
"""


def loaded_at_start(database_url: str, home: Path) -> set[str]:
    """What a start loads, on a day after the first: the protocol already checked and cached (the first
    start parses the file, whose check reads the forms' scoring tables)."""
    roots = ", ".join(repr(name) for name in {name.split(".")[0] for name in NOT_AT_START})
    code = START.format(roots=roots, names=repr(set(NOT_AT_START)))
    env = {"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen", "CHAIRSIDE_HOME": str(home)}
    cached = "from core.protocol_cache import load_protocol_cached; load_protocol_cached()"
    subprocess.run([sys.executable, "-c", cached], cwd=ROOT, env=env, timeout=120, check=True)
    done = subprocess.run(
        [sys.executable, "-c", code, database_url],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.usefixtures("database")
def test_starting_on_sqlite_loads_nothing_only_needed_later(db_path: Path, tmp_path: Path) -> None:
    from core.persistence.db import sqlite_url

    loaded = loaded_at_start(sqlite_url(db_path), tmp_path / "home")
    assert "sqlalchemy" in loaded and "ui.main_window" in loaded  # the check sees what the start loads
    assert sorted(name for name in NOT_AT_START if name in loaded) == []


OPENING = """
import json, sys
from ui.app import main
seen = {}
main(sys.argv[1], quit_when_shown=True, when_painted=lambda: seen.setdefault("loaded", sorted(sys.modules)))
print(json.dumps(seen["loaded"]))
"""


@pytest.mark.usefixtures("database")
def test_the_opening_window_is_on_screen_before_the_storage_stack_is_loaded(db_path: Path, tmp_path: Path) -> None:
    """What a start loads before it paints the board's frame: Qt and the style, not the records' machinery."""
    from core.persistence.db import sqlite_url

    done = subprocess.run(
        [sys.executable, "-c", OPENING, sqlite_url(db_path)],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen", "CHAIRSIDE_HOME": str(tmp_path / "home")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "ui.opening" in loaded and "PySide6.QtWidgets" in loaded
    storage = ("sqlalchemy", "sqlmodel", "alembic", "core.persistence.db", "core.startup", "core.care", "pydantic")
    assert sorted(name for name in storage if name in loaded) == []


def test_every_name_of_core_records_is_there_when_used() -> None:
    """The names ``core.records`` loads on first use are the functions of their modules, as if imported."""
    import importlib

    from core import records

    assert set(records.LATER) <= set(records.__all__)
    for name, module in records.LATER.items():
        assert getattr(records, name) is getattr(importlib.import_module(f"core.records.{module}"), name)
    assert all(callable(getattr(records, name)) or name.isupper() for name in records.__all__)
    assert records.quality_entries.__name__ == "core.records.quality_entries"
    with pytest.raises(AttributeError, match="no_such_name"):
        records.no_such_name  # noqa: B018 (the lookup is what is tested)
