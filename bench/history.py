"""How quickly a big clinic's made-up history is written, and how long what reads all of it takes.

Builds with ``core.history.build.build_history`` (the generator later issues reuse) a history of
``--years`` years (default 10: about 300,000 sessions in 60,000 courses, the demo's mix, with follow-up
forms and their gaps) into a fresh SQLite file, or with ``--postgresql`` into a database on a throwaway
PostgreSQL server (``pg_server.py``). Then prints:

* the build: seconds, rows and audit lines per second, the database's size;
* ``audit verify`` over all of it (every link, every record against its line, every signature's patient);
* the floor for the clinic's outcome report: one raw SQL aggregate of the counts the report needs (courses,
  sessions by outcome, patients with a first course, adverse events, assessments, days not given), and
  beside it each report timed in ``REPORTS`` (the clinic's outcome report over the whole history) as a
  ratio of that floor.

The build runs as the demo's does, in ``Database.filling`` (on SQLite its commits are not each synced to
disk; the file is checkpointed and synced once at the end), and its CPU time in this process is printed beside
the wall time, which on a shared machine says as much about the neighbours. Nurses are real accounts made first
(argon2's cheapest settings, as the tests use: signing in is not what is measured). Run from the repository root:
``.venv/bin/python bench/history.py [--years 10] [--patients N] [--postgresql] [--dir DIR] [--keep]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from argon2 import PasswordHasher  # noqa: E402
from pg_server import throwaway_server  # noqa: E402
from sqlalchemy import text  # noqa: E402

from core import audit, passwords  # noqa: E402
from core.accounts import Accounts  # noqa: E402
from core.care import Care  # noqa: E402
from core.clock import ManualClock  # noqa: E402
from core.history.build import HistorySummary, build_history  # noqa: E402
from core.history.templates import templates  # noqa: E402
from core.people import Role  # noqa: E402
from core.persistence.db import Database, open_database, sqlite_url  # noqa: E402
from core.protocol import load_protocol  # noqa: E402

PATIENTS_PER_YEAR = 1_700
"""About 6,200 courses and 28,000 sessions a year at the demo's mix of repeat courses (a 10-year run of 1,320 a year
gave 47,856 courses and 216,399 sessions)."""
PASSWORD = "bench history lantern 2026"
END = date(2026, 11, 26)

RAW_COUNTS = """
SELECT
  (SELECT count(*) FROM course) AS courses,
  (SELECT count(DISTINCT patient_id) FROM course) AS patients_with_a_course,
  (SELECT count(*) FROM infusion_session WHERE outcome = 'completed') AS completed,
  (SELECT count(*) FROM infusion_session WHERE outcome = 'stopped early') AS stopped_early,
  (SELECT count(*) FROM infusion_session WHERE outcome = 'not treated') AS not_treated,
  (SELECT count(*) FROM session_event WHERE type = 'adverse_event.recorded') AS adverse_events,
  (SELECT count(*) FROM patient_event WHERE type = 'outcome.assessed') AS assessments,
  (SELECT count(*) FROM patient_event WHERE type IN ('course.day_missed', 'course.day_cancelled')) AS days_not_given
"""


def raw_counts(database: Database) -> dict[str, int]:
    """The floor: the counts the outcome report needs, in one SQL statement, nothing replayed."""
    with database.engine.connect() as connection:
        row = connection.execute(text(RAW_COUNTS)).mappings().one()
    return dict(row)


REPORTS: dict[str, Callable[[Care, date, date], object]] = {
    "Care.outcome_report": lambda care, first, last: care.outcome_report(first, last)
}
"""What is timed against the floor: each a function of the care service and the history's first and last day."""


def timed(run: Callable[[], object], runs: int) -> tuple[list[float], object]:
    samples, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = run()
        samples.append((time.perf_counter() - began) * 1000)
    return samples, result


def make_nurses(database: Database, clock: ManualClock) -> list[str]:
    accounts = Accounts(database, clock, "bench")
    admin = accounts.create_first_administrator("Bench Administrator", "benchadmin", PASSWORD, PASSWORD)
    return [accounts.add(admin.id, f"Bench Nurse {n}", f"benchnurse{n}", Role.NURSE, PASSWORD).id for n in range(8)]


def size_of(database: Database, path: Path | None) -> int:
    if path is not None:
        return sum(p.stat().st_size for p in path.parent.glob(f"{path.name}*"))
    with database.engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one())


def report(summary: HistorySummary, seconds: float, cpu: float, size: int) -> None:
    rows = summary.patients * 2 + summary.courses + summary.sessions + summary.events + summary.patient_events
    outcomes = ", ".join(f"{n} {outcome}" for outcome, n in sorted(summary.by_outcome.items()))
    print(
        f"history {summary.first_day} to {summary.last_day}: {summary.patients:,} patients, {summary.courses:,} courses"
    )
    print(f"  {summary.sessions:,} sessions ({outcomes}); {summary.adverse_events:,} adverse events")
    days = f"{summary.days_missed:,} days missed, {summary.days_cancelled:,} cancelled"
    print(f"  {days}; {summary.assessments:,} assessments")
    entries = f"{summary.events:,} session entries, {summary.patient_events:,} patient entries"
    print(f"  {entries}, {summary.audit_lines:,} audit lines")
    print(
        f"build: {seconds:.1f} s ({cpu:.1f} s CPU in this process), {rows / seconds:,.0f} records/s, "
        f"{summary.audit_lines / seconds:,.0f} audit lines/s"
    )
    print(f"database size: {size / 1e6:,.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=float, default=10.0, help="years of history before 2026-11-26")
    parser.add_argument("--patients", type=int, help=f"patients (default {PATIENTS_PER_YEAR} a year)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of the floor and of each report")
    parser.add_argument("--postgresql", action="store_true", help="on a throwaway PostgreSQL server instead")
    parser.add_argument("--dir", type=Path, help="where the SQLite file goes (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file (with --dir)")
    args = parser.parse_args()
    passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    days = round(args.years * 365.25)
    start = END - timedelta(days=days)
    patients = args.patients or max(1, round(PATIENTS_PER_YEAR * args.years))
    protocol = load_protocol()
    with ExitStack() as stack:
        path: Path | None = None
        if args.postgresql:
            server = stack.enter_context(throwaway_server())
            server.create("history")
            database = open_database(server.tcp("history"), create=True)
        else:
            folder = args.dir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="history-")))
            path = folder / "history.sqlite"
            for leftover in folder.glob("history.sqlite*"):
                leftover.unlink()
            database = open_database(sqlite_url(path), create=True)
        stack.callback(database.dispose)
        clock = ManualClock(datetime.combine(start - timedelta(days=1), datetime.min.time(), tzinfo=UTC))
        nurses = make_nurses(database, clock)
        began = time.perf_counter()
        templates(protocol)  # once a process: timed apart from the build
        recorded = time.perf_counter() - began
        began, cpu = time.perf_counter(), time.process_time()
        with database.filling():
            summary = build_history(database, protocol, nurses=nurses, start=start, end=END, patients=patients, seed=16)
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        print(
            f"{'PostgreSQL' if args.postgresql else 'SQLite'}; python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
        )
        print(f"template sessions recorded through Care first: {recorded:.1f} s")
        report(summary, seconds, cpu, size_of(database, path))

        began = time.perf_counter()
        check = audit.verify(database)
        print(
            f"audit verify: {'OK' if check.ok else 'FAILED: ' + check.problem} ({check.entries:,} entries) in "
            f"{time.perf_counter() - began:.1f} s"
        )

        floor, counts = timed(lambda: raw_counts(database), args.runs)
        print(f"floor, raw SQL aggregate: {statistics.median(floor):.1f} ms median of {args.runs}: {counts}")
        care = Care(database, protocol, ManualClock(datetime.combine(END, datetime.min.time(), tzinfo=UTC)), "bench")
        for label, run in REPORTS.items():
            # The history ends the day before END, the day the clock is on: a report counts days that have ended.
            samples, _ = timed(lambda run=run: run(care, start, END - timedelta(days=1)), args.runs)
            median = statistics.median(samples)
            ratio = median / statistics.median(floor)
            print(f"{label}: {median:.1f} ms median; ratio of medians to the floor {ratio:.1f}")
        if args.keep and path is not None:
            stack.pop_all()
            print(f"kept: {path}")
        return 0 if check.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
