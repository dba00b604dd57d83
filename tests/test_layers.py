"""The architecture holds: core/ is plain Python with no Qt and no wall clock; ui/ has no SQL."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
CLOCK_MODULE = ROOT / "core" / "clock.py"
WALL_CLOCK_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "localtime"),
    ("time", "gmtime"),
}


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_never_imports_qt_or_ui():
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in python_files("core")
        for name in imported_modules(path)
        if name.split(".")[0] in {"PySide6", "PyQt5", "PyQt6", "shiboken6", "ui"}
    ]
    assert offenders == []


def test_core_reads_the_wall_clock_only_in_the_clock_module():
    offenders = []
    for path in python_files("core"):
        if path == CLOCK_MODULE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                owner_name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
                if (owner_name, node.func.attr) in WALL_CLOCK_CALLS:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_the_front_ends_never_talk_sql():
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for front_end in ("ui", "cli")
        for path in python_files(front_end)
        for name in imported_modules(path)
        if name.split(".")[0] in {"sqlalchemy", "sqlmodel", "sqlite3", "psycopg", "alembic"}
    ]
    assert offenders == []


def test_the_command_line_never_loads_qt():
    """Administration runs on a server with no display: the command line opens the window only through
    the callback ``main.py`` gives it."""
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in python_files("cli")
        for name in imported_modules(path)
        if name.split(".")[0] in {"PySide6", "shiboken6", "ui"}
    ]
    assert offenders == []


def test_core_never_imports_a_front_end():
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in python_files("core")
        for name in imported_modules(path)
        if name.split(".")[0] in {"cli", "ui"}
    ]
    assert offenders == []


def test_the_checker_itself_catches_a_wall_clock_read(tmp_path: Path):
    """Guards against a checker that can never fail."""
    sample = "from datetime import datetime\nx = datetime.now()\n"
    calls = [
        n
        for n in ast.walk(ast.parse(sample))
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and (n.func.value.id, n.func.attr) in WALL_CLOCK_CALLS  # type: ignore[attr-defined]
    ]
    assert len(calls) == 1


def test_the_window_starts_without_loading_the_pdf_library():
    """ReportLab loads with the first printout: start-up stays quick, and most shifts print little."""
    probe = "import sys, ui.main_window; print('reportlab' in sys.modules)"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_starting_does_not_load_the_fhir_models():
    """The FHIR R4B models load with the first export: ``main.py`` builds every command's parser at start."""
    probe = "import sys, cli.commands; print(any(m.startswith('fhir') for m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def runtime_imports(path: Path) -> set[str]:
    """The modules ``path`` imports when it runs (at the top or inside a function), not those named only
    for the type checker (under ``if TYPE_CHECKING:``)."""
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            return
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return names


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or round a loop (Tarjan's strongly connected
    components of more than one module)."""
    order: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def connect(module: str) -> None:
        order[module] = lowest[module] = len(order)
        stack.append(module)
        for imported in graph[module]:
            if imported not in order:
                connect(imported)
                lowest[module] = min(lowest[module], lowest[imported])
            elif imported in stack:
                lowest[module] = min(lowest[module], order[imported])
        if lowest[module] == order[module]:
            group = stack[stack.index(module) :]
            del stack[stack.index(module) :]
            if len(group) > 1:
                found.append(sorted(group))

    for module in graph:
        if module not in order:
            connect(module)
    return found


def test_no_two_core_modules_import_each_other():
    """A module that needs another's caller is a layer upside down (the database and its migrations did)."""
    modules = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): path
        for path in python_files("core")
    }
    graph = {name: {m for m in runtime_imports(path) if m in modules and m != name} for name, path in modules.items()}
    assert import_cycles(graph) == []
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]  # it can fail


DOOR = {"core/unit_of_work.py"}
"""The one module that opens a write transaction and writes audit lines (``core.persistence`` below it aside)."""


def writes_outside_the_door(paths: list[Path]) -> list[str]:
    """Calls that open a write transaction (``.transaction()``) or write an audit line (``audit.record``,
    or ``record`` taken from ``core.audit``) anywhere but the unit of work."""
    found = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        record_imported = any(
            isinstance(node, ast.ImportFrom)
            and node.module == "core.audit"
            and any(a.name == "record" for a in node.names)
            for node in ast.walk(tree)
        )
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            opens = isinstance(func, ast.Attribute) and func.attr == "transaction"
            audits = (
                isinstance(func, ast.Attribute)
                and func.attr == "record"
                and isinstance(func.value, ast.Name)
                and func.value.id == "audit"
            ) or (record_imported and isinstance(func, ast.Name) and func.id == "record")
            if opens or audits:
                found.append(f"{path}:{node.lineno}")
    return found


def test_every_write_goes_through_the_unit_of_work():
    paths = [
        path
        for folder in ("core", "cli", "ui")
        for path in python_files(folder)
        if path.relative_to(ROOT).as_posix() not in DOOR
        and not path.relative_to(ROOT).as_posix().startswith("core/persistence/")
    ]
    assert writes_outside_the_door(paths) == []


def test_the_door_check_catches_a_write_beside_it(tmp_path: Path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from core.audit import record\n"
        "with database.transaction() as tx:\n"
        "    record(tx, action)\n"
        "    audit.record(tx, action)\n"
    )
    assert writes_outside_the_door([sample]) == [f"{sample}:2", f"{sample}:3", f"{sample}:4"]


STORAGE = ("core.persistence", "core.records", "core.audit", "core.unit_of_work", "sqlalchemy", "sqlmodel")
OUTPUT = ("core.reports", "core.printing")
"""Printouts and the print system stand above the services (the layers contract), not in the domain."""


def domain_contract() -> set[str]:
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    return next(set(c["source_modules"]) for c in contracts["contracts"] if c["name"].startswith("the domain"))


def test_every_core_module_that_reads_no_storage_is_walled_in_as_domain():
    """A new module of plain rules must join the domain contract, or the wall would not cover it."""
    graph = grimp.build_graph("core", include_external_packages=True, cache_dir=None)
    plain = {
        module
        for module in graph.modules
        if module.startswith("core.")
        and not module.startswith(STORAGE + OUTPUT)
        and not any(m.startswith(STORAGE) for m in graph.find_upstream_modules(module))
    }
    assert plain - domain_contract() == set()
