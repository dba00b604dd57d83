"""What ``main.py demo --fill-only`` costs: the whole command, run as a user runs it, against the database's own work.

Each run is a child process with a fresh ``CHAIRSIDE_HOME``: imports, the demo database made (its migrations),
the accounts (their passwords hashed with the settings in force, on a second thread), the template sessions
recorded through ``Care``, the two-year made-up history written in bulk (``core.history.build``), and the live
demo day played through ``Care``. Its CPU time (user and system, every thread) and wall time are printed,
median of ``--runs``.

The floor: every row the fill left (sessions, entries, audit lines, patients, courses, forms…) written again
with ``sqlite3`` alone into a new file holding the same schema, its indexes made after the rows as the fill
makes them, with the fill's settings (no syncing, undo in memory): what the database costs for those rows when
making, hashing and checking them costs nothing. The ratio of medians says how much the fill adds to it.
``--phases`` also runs one fill in a child process that times its parts on the main thread (``thread_time``:
the passwords hashed ahead on a second thread are left out): imports, the demo database made, the template
sessions, the history's build (and, within it, the copies of template sessions, the audit lines chained and the
rows handed to SQLite), the live day, and the rest.
Run from the repository root: ``.venv/bin/python bench/demo_fill.py [--runs 3] [--phases]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_FILE = ("data", "chairside-demo.sqlite")
"""Where the demo's database lands under ``CHAIRSIDE_HOME`` (``core.paths.demo_database_path``)."""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def fill(home: Path) -> tuple[float, float]:
    """One ``demo --fill-only`` in a child process: its CPU seconds and wall seconds."""
    cpu, began = _children_cpu(), time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "demo", "--fill-only"],
        cwd=ROOT,
        env={**os.environ, "CHAIRSIDE_HOME": str(home)},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return _children_cpu() - cpu, time.perf_counter() - began


def floor(filled: Path, into: Path) -> tuple[float, int]:
    """The rows of ``filled`` written into a new file of the same schema with ``sqlite3`` alone: CPU seconds
    in this process and rows written (reading them is left out of the time)."""
    source = sqlite3.connect(filled)
    schema = source.execute(
        "SELECT type, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
    ).fetchall()
    tables = [table for kind, table, _sql in schema if kind == "table"]
    rows = {table: source.execute(f"SELECT * FROM {table}").fetchall() for table in tables}
    source.close()
    target = sqlite3.connect(into, isolation_level=None)
    target.execute("PRAGMA journal_mode=MEMORY")
    target.execute("PRAGMA synchronous=OFF")
    target.execute("PRAGMA cache_size=-1000000")
    for kind, _table, sql in schema:
        if kind == "table":
            target.execute(sql)
    began = time.process_time()
    target.execute("BEGIN")
    for table in tables:
        if rows[table]:
            marks = ", ".join("?" * len(rows[table][0]))
            target.executemany(f"INSERT INTO {table} VALUES ({marks})", rows[table])
    for kind, _table, sql in schema:
        if kind != "table":
            target.execute(sql)
    target.execute("COMMIT")
    seconds = time.process_time() - began
    target.close()
    return seconds, sum(len(held) for held in rows.values())


PHASES = """
import contextlib, os, sys, time
began = time.thread_time()
os.umask(0o077)
sys.path.insert(0, os.getcwd())
import cli.commands as commands
import cli.demo as demo
import core.history.templates as templates
import core.history.sessions as sessions
from core import audit, records
imported = time.thread_time() - began
spent = {}
def timed(owner, name, label):
    real = getattr(owner, name)
    def wrapper(*args, **kwargs):
        start = time.thread_time()
        try:
            return real(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.thread_time() - start
    setattr(owner, name, wrapper)
timed(commands, "open_database", "the demo database made (its migrations)")
timed(templates, "_record", "template sessions recorded through Care")
timed(demo, "build_history", "the two-year history built")
timed(demo, "_play", "the live day played through Care")
inner = {}
for owner, name, label in (
    (sessions.Copier, "copy", "template sessions copied"),
    (audit, "chained_rows", "audit lines chained"),
    (records, "insert_history", "rows handed to SQLite"),
):
    timed(owner, name, label)
    inner[label] = "the two-year history built"
sys.argv = ["main.py", "demo", "--fill-only"]
with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
    commands.main(lambda url: 0)
total = time.thread_time() - began
print(f"{imported:6.2f} s  imports")
for label, seconds in spent.items():
    if label not in inner:
        print(f"{seconds:6.2f} s  {label}")
        for part, within in inner.items():
            if within == label:
                print(f"{spent.get(part, 0.0):6.2f} s    of which {part}")
outer = sum(seconds for label, seconds in spent.items() if label not in inner)
print(f"{total - imported - outer:6.2f} s  the rest (accounts, settings, summary)")
print(f"{total:6.2f} s  main thread in all ({time.process_time():.2f} s CPU with the password thread)")
"""
"""A fill in a child process, its main thread's CPU per phase (functions wrapped by name: a bench, not a test)."""


def phases(home: Path) -> None:
    print("main thread's CPU per phase, one fill:")
    subprocess.run(
        [sys.executable, "-c", PHASES],
        cwd=ROOT,
        env={**os.environ, "CHAIRSIDE_HOME": str(home)},
        check=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fills timed (each in a new process)")
    parser.add_argument("--phases", action="store_true", help="also time one fill's phases")
    args = parser.parse_args()
    cpus, walls, floors = [], [], []
    written = 0
    with tempfile.TemporaryDirectory(prefix="demo-fill-") as folder:
        for run in range(args.runs):
            home = Path(folder) / f"home{run}"
            cpu, wall = fill(home)
            cpus.append(cpu)
            walls.append(wall)
            seconds, written = floor(home.joinpath(*DEMO_FILE), Path(folder) / f"floor{run}.sqlite")
            floors.append(seconds)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; median of {args.runs}")
    print(
        f"demo --fill-only: {statistics.median(cpus):.2f} s CPU (min {min(cpus):.2f}), "
        f"{statistics.median(walls):.2f} s wall (min {min(walls):.2f})"
    )
    print(f"floor, its {written:,} rows written again with sqlite3 alone: {statistics.median(floors):.2f} s CPU")
    print(f"ratio of medians (CPU) to the floor: {statistics.median(cpus) / statistics.median(floors):.1f}")
    if args.phases:
        with tempfile.TemporaryDirectory(prefix="demo-phases-") as folder:
            phases(Path(folder))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
