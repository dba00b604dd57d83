"""How long the clinic's quality report takes, over the demo and over a big clinic's history, against the least
any report of its alarm counts must do.

The report (``Care.made_quality_report``: everything ``quality_report`` does but ask who reads and write the
audit lines, so a kept history is only read) over a month (the screen's first period: the last whole month)
and over ten years, each with the three periods before it as the report makes them. The floor: one raw SQL
aggregate of the same alarm counts, the sets recorded with an act-now finding in the period and the three
before, straight from the ``vital_set`` table on its index of moments.

CPU seconds of this process, the median of ``--runs`` after one warm-up, and the process's peak memory after
each span (the ten years follow the month, so theirs is the larger). With no ``--database``, a demo is
filled into a temporary folder first (``main.py demo --fill-only``). Run from the repository root:
``.venv/bin/python bench/quality_report.py [--database PATH] [--last YYYY-MM-DD] [--runs N]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cpu_time import cpu, line  # noqa: E402
from sqlalchemy import text  # noqa: E402

from core.care import Care  # noqa: E402
from core.clock import ManualClock  # noqa: E402
from core.figures import Period, periods_before  # noqa: E402
from core.outcomes.cohort import day_bounds  # noqa: E402
from core.persistence.db import open_database, sqlite_url  # noqa: E402
from core.protocol import load_protocol  # noqa: E402
from core.quality.report import PatientShown  # noqa: E402

STORED = "%Y-%m-%d %H:%M:%S.%f"
"""A moment as SQLite keeps it (UTC, naive, to the microsecond: ``core.persistence.types``)."""
RAW_ALARMS = "SELECT count(*) FROM vital_set WHERE act <> '' AND taken_at >= :start AND taken_at < :end"


def raw_counts(database, periods: list[Period]) -> list[int]:
    """The floor: each period's act-now sets counted by SQLite alone."""
    found = []
    with database.engine.connect() as connection:
        for period in periods:
            start, end = day_bounds(period.first_day, period.last_day)
            stored = {key: moment.astimezone(UTC).strftime(STORED) for key, moment in (("start", start), ("end", end))}
            found.append(connection.execute(text(RAW_ALARMS), stored).scalar_one())
    return found


def demo_database(folder: Path) -> Path:
    env = {**os.environ, "CHAIRSIDE_HOME": str(folder)}
    subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "demo", "--fill-only"], env=env, check=True, capture_output=True
    )
    return folder / "data" / "chairside-demo.sqlite"


def measure(path: Path, last: date, runs: int) -> None:
    database = open_database(sqlite_url(path))
    try:
        care = Care(
            database,
            load_protocol(),
            ManualClock(datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC) + timedelta(hours=12)),
            "bench",
        )
        month_last = last.replace(day=1) - timedelta(days=1)
        spans = {
            "a month": Period(month_last.replace(day=1), month_last),
            "ten years": Period(last.replace(year=last.year - 10) + timedelta(days=1), last),
        }
        for words, period in spans.items():
            periods = [*periods_before(period, 3), period]
            print(f"{words} ({period.words()}): act-now sets per period {raw_counts(database, periods)}")
            floor = cpu(lambda periods=periods: raw_counts(database, periods), runs)
            line("  floor, raw SQL count of the alarms of the four periods", floor)
            made = cpu(
                lambda period=period: care.made_quality_report(period.first_day, period.last_day, PatientShown.NAMES),
                runs,
            )
            line("  Care.made_quality_report, the four periods, replay and listings", made, floor)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
            print(f"  peak memory of this process so far: {peak:.0f} MB")
    finally:
        database.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, help="an SQLite file with a history (bench/history.py --keep)")
    parser.add_argument("--last", type=date.fromisoformat, help="the report's last day (default: yesterday for a demo)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}; CPU time of this process")
    if args.database is not None:
        measure(args.database, args.last or date(2026, 11, 25), args.runs)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        path = demo_database(Path(folder))
        print(f"demo filled in {folder}")
        measure(path, args.last or datetime.now(UTC).astimezone().date() - timedelta(days=1), args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
