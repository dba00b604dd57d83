"""How long the charge nurse's follow-up list takes over a big clinic's history, against the least any list
of the same rows must read.

Over an SQLite file ``bench/history.py --keep`` left (``--database PATH``), on the history's last day
(``--on``, default 2026-11-26, the clinic's clock at noon UTC), each the median of ``--runs`` after one
warm-up, CPU milliseconds of this process (other work on the machine does not count against it):

* ``Care.follow_ups_due``: the list, records read included (courses, treated sessions and when each
  infusion began, the forms answered, patients, contact routes) and its rules applied;
* the floor: one raw indexed SQL query returning the rows the list is made of: the courses with a session
  in the months a window can still reach the list (the longest reach of a follow-up window after the last
  infusion, and the 30 days' look-back), each with its patient's identity, and the moments forms were
  answered in the windows still listed.

The ratio of medians is the figure to compare between machines and before and after a change; the list
should not grow with the years of history, only with the clinic's recent activity.
Run from the repository root: ``.venv/bin/python bench/follow_ups.py --database PATH [--on YYYY-MM-DD]
[--runs N]``.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cpu_time import cpu, line  # noqa: E402
from sqlalchemy import text  # noqa: E402

from core.care import Care  # noqa: E402
from core.clock import ManualClock  # noqa: E402
from core.outcomes.due import DEFAULT_LOOK_BACK_DAYS  # noqa: E402
from core.persistence.db import open_database, sqlite_url  # noqa: E402
from core.protocol import load_protocol  # noqa: E402

RAW_ROWS = """
SELECT c.id, c.patient_id, c.first_day, c.days, p.mrn, p.family_name, p.given_name, p.birth_date, NULL
  FROM course c JOIN patient p ON p.id = c.patient_id
  WHERE c.id IN (SELECT course_id FROM infusion_session WHERE opened_at >= :since)
UNION ALL
SELECT NULL, patient_id, NULL, NULL, NULL, NULL, NULL, NULL, occurred_at
  FROM patient_event WHERE type = 'outcome.assessed' AND occurred_at >= :answered_from
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True, help="an SQLite file from bench/history.py --keep")
    parser.add_argument("--on", type=date.fromisoformat, default=date(2026, 11, 26), help="the list's day")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}; CPU time of this process")
    protocol = load_protocol()
    database = open_database(sqlite_url(args.database))
    try:
        points = [p for p in protocol.outcomes.time_points if not p.is_baseline]
        reach = max(p.offset_days + p.days_after for p in points) + DEFAULT_LOOK_BACK_DAYS
        widest = max(p.days_before + p.days_after for p in points) + DEFAULT_LOOK_BACK_DAYS
        since, answered_from = (
            datetime.combine(args.on - timedelta(days=days), clock_time(0), UTC).replace(tzinfo=None)
            for days in (reach, widest)
        )

        def raw() -> list[object]:
            with database.engine.connect() as connection:
                bounds = {"since": since, "answered_from": answered_from}
                return list(connection.execute(text(RAW_ROWS), bounds).all())

        rows = raw()
        courses = sum(1 for row in rows if row[0] is not None)
        print(f"database {args.database}: {courses:,} recent courses, {len(rows) - courses:,} recent forms")
        floor = cpu(raw, args.runs)
        line("floor, raw indexed SQL of the rows the list is made of", floor)
        care = Care(database, protocol, ManualClock(datetime.combine(args.on, clock_time(12), UTC)), "bench")
        found = care.follow_ups_due()
        print(f"the list on {found.on}: {len(found.items):,} items ({found.counts_words})")
        line("Care.follow_ups_due, records read included", cpu(care.follow_ups_due, args.runs), floor)
    finally:
        database.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
