"""ui/ shows core's state and sends intent: no database access and no reading of the wall clock."""

from __future__ import annotations

import ast
from pathlib import Path

import ui

UI = Path(ui.__file__).parent
FORBIDDEN_MODULES = {"sqlalchemy", "sqlmodel", "sqlite3", "alembic", "time"}
# The injected clock core also uses (a day's sessions, an account's lock-out are judged on core's time).
CORE_CLOCK = {"self.care.clock.now", "self.controller.now"}
FORBIDDEN_CALLS = {"now", "utcnow", "today", "time", "monotonic", "currentDateTime", "currentTime"}


def sources() -> list[Path]:
    return sorted(UI.rglob("*.py"))


def test_ui_imports_no_database_library_and_no_time_module() -> None:
    found = []
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN_MODULES]
    assert found == []


def test_ui_never_reads_the_clock_itself() -> None:
    """The only clock the UI may consult is core's, through the controller."""
    found = []
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            where = ast.unparse(node.func)
            if node.func.attr in FORBIDDEN_CALLS and where not in CORE_CLOCK:
                found.append(f"{path.name}:{node.lineno}: {where}")
    assert found == []
