"""How long the clinic's outcome report takes over a big clinic's history, against the least any report of
the same counts must do.

Two measures, each the median of ``--runs`` after one warm-up, CPU seconds of this process (other work on
the machine does not count against it):

* the figures alone (``core.outcomes.report.outcome_report``) over a made-up cohort held in memory:
  ``--patients`` patients (default 30,000: 60,000 courses, ~280,000 sessions, 150,000 sittings of two
  scored forms), each with two courses of the usual patterns and forms at baseline, end and follow-ups. The
  floor: one pass over the same rows counting sessions per course and outcome and sittings per patient;
* with ``--database PATH`` (an SQLite file ``bench/history.py --keep`` left), ``Care.outcome_report`` over
  its whole history, and over its last year (the period the report's window opens on), records read
  included. The floor, for both: one raw SQL aggregate of the whole history's counts (``GROUP BY`` over
  courses, sessions and assessments). The report reads each course's row of ``course_facts`` (schema 0016) in
  place of its sessions, and each settled course's kept part (``course_outcome``, schema 0018, packed since
  0020) where a report kept one: each period is measured the first time (the kept parts removed first: every
  course counted from its records, the settled ones then kept; one run) and made again (the median of
  ``--runs``). The file is
  written to (kept parts, and an older schema upgraded when opened), so give a copy of a shared one.

The ratio of medians is the figure to compare between machines and before and after a change.
Run from the repository root: ``.venv/bin/python bench/outcome_report.py [--patients N] [--runs N]
[--database PATH --first YYYY-MM-DD --last YYYY-MM-DD]``.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cpu_time import cpu, line  # noqa: E402
from sqlalchemy import delete, text  # noqa: E402

from core.care import Care  # noqa: E402
from core.clock import ManualClock  # noqa: E402
from core.outcomes.cohort import AssessmentRow, Cohort, CourseRow, FormScore, SessionRow  # noqa: E402
from core.outcomes.report import outcome_report  # noqa: E402
from core.persistence.db import Database, open_database, sqlite_url  # noqa: E402
from core.persistence.tables import CourseOutcome  # noqa: E402
from core.protocol import load_protocol  # noqa: E402

FIRST = date(2016, 1, 4)
LAST = date(2025, 12, 31)
PATTERNS = ("CCCCC", "CCCCC", "CCCC-", "CSCCC", "CC-CC")
OUTCOME = {"C": "completed", "S": "stopped early"}
SCREEN_PERIOD = timedelta(days=365)
"""The period the report's window opens on (``ui.dialogs.outcome_report.FIRST_SHOWN``): the last year."""
RAW_COUNTS = """
SELECT 'courses', count(*) FROM course
UNION ALL SELECT outcome, count(*) FROM infusion_session GROUP BY outcome
UNION ALL SELECT type, count(*) FROM patient_event GROUP BY type
UNION ALL SELECT type, count(*) FROM session_event WHERE type IN ('infusion.started', 'adverse_event.recorded')
  GROUP BY type
"""


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=hour)


def scored(form_id: str, t: int) -> FormScore:
    return FormScore(form_id, Decimal(t), Decimal("2.1"), f"{form_id} (v)", "abc", False, 4, 4)


def cohort(patients: int, seed: int = 16) -> Cohort:
    """Each patient two courses, the second 2 to 10 months after the first, with forms at baseline, at the
    end and at three months (some missing), in UTC moments as the records hand them back."""
    rng = random.Random(seed)
    courses, sessions, sittings = [], [], []
    for p in range(patients):
        patient = f"p{p}"
        day = FIRST + timedelta(days=rng.randrange(3400))
        for n in range(2):
            course = f"{patient}-{n}"
            courses.append(CourseRow(course, patient, day, 5, at(day - timedelta(days=7 - n), 9)))
            for offset, letter in enumerate(rng.choice(PATTERNS)):
                if letter != "-":
                    on = day + timedelta(days=offset)
                    sessions.append(
                        SessionRow(f"{course}-{offset}", patient, course, at(on, 8), OUTCOME[letter], at(on, 9))
                    )
            for moment in (
                at(day - timedelta(days=2), 12),
                at(day + timedelta(days=4), 12),
                at(day + timedelta(days=95), 12),
            ):
                if rng.random() < 0.85:
                    forms = (scored("PI_4a_v1.0", rng.randrange(50, 70)), scored("PF_4a_v2.0", rng.randrange(35, 50)))
                    sittings.append(AssessmentRow(patient, moment, forms))
            day += timedelta(days=rng.randrange(60, 300))
    return Cohort(courses=tuple(courses), sessions=tuple(sessions), assessments=tuple(sittings))


def counted_once(made: Cohort) -> object:
    """The floor for the figures: each row touched once, counted by course and outcome, sittings by patient."""
    return Counter((s.course_id, s.outcome) for s in made.sessions), Counter(a.patient_id for a in made.assessments)


def forget_kept(database: Database) -> None:
    """Every course's kept part gone, so the next report counts every course from its records."""
    with database.transaction() as tx:
        tx.execute(delete(CourseOutcome))


def cpu_once(care: Care, first: date, last: date) -> list[float]:
    """CPU milliseconds of one report, with no warm-up: the first report after the upgrade."""
    began = time.process_time()
    care.outcome_report(first, last)
    return [(time.process_time() - began) * 1000]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=30_000, help="patients of the made-up cohort")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", type=Path, help="an SQLite file with a history (bench/history.py --keep)")
    parser.add_argument("--first", type=date.fromisoformat, default=date(2016, 11, 26))
    parser.add_argument("--last", type=date.fromisoformat, default=date(2026, 11, 25))
    args = parser.parse_args()
    protocol = load_protocol()
    print(f"python {sys.version.split()[0]}; CPU time of this process")

    made = cohort(args.patients)
    print(
        f"made-up cohort: {len(made.courses):,} courses, {len(made.sessions):,} sessions, "
        f"{len(made.assessments):,} sittings"
    )
    floor = cpu(lambda: counted_once(made), args.runs)
    line("floor, one counting pass over the rows", floor)
    now = at(LAST + timedelta(days=1), 12)
    line(
        "figures, core.outcomes.report.outcome_report",
        cpu(lambda: outcome_report(protocol, made, FIRST, LAST, now), args.runs),
        floor,
    )

    if args.database is not None:
        database = open_database(sqlite_url(args.database))
        try:

            def raw() -> object:
                with database.engine.connect() as connection:
                    return connection.execute(text(RAW_COUNTS)).all()

            print(f"database {args.database}: {dict(raw())}")
            sql_floor = cpu(raw, args.runs)
            line("floor, raw SQL aggregate of the same counts", sql_floor)
            clock = ManualClock(at(args.last + timedelta(days=1), 12))
            care = Care(database, protocol, clock, "bench")
            year = args.last + timedelta(days=1) - SCREEN_PERIOD  # as the window opens on the day after --last
            for first, words in ((args.first, ""), (year, " (the screen's first period)")):
                period = f"Care.outcome_report {first} to {args.last}{words}, records read included"
                forget_kept(database)
                line(
                    f"{period}, the first time (every course counted, the settled kept)",
                    cpu_once(care, first, args.last),
                    sql_floor,
                )
                line(
                    f"{period}, made again (settled courses read as kept)",
                    cpu(lambda first=first: care.outcome_report(first, args.last), args.runs),
                    sql_floor,
                )
        finally:
            database.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
