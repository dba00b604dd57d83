"""Where nurses wait, at 1,000, 30,000 and 300,000 sessions: each figure against a raw indexed query that
returns the same rows, in the same run on the same file.

For each size a made-up history is built with ``core.history.build.build_history`` (as ``history.py`` builds
one: the demo's mix, about 29,000 sessions a year), or read from an SQLite file ``history.py --keep`` left
(``--database PATH``, which is opened as Chairside opens it: migrated if it is older; building 300,000 sessions
takes a quarter of an hour). Then, median of ``--runs`` after one warm-up, milliseconds of CPU in this process:

* **patient by record number**: ``Care.find_patients`` given a record number as a wristband scan gives it
  (letter case changed), against ``SELECT * FROM patient WHERE mrn = ?`` on its unique index;
* **patient by name**: ``Care.find_patients`` given a family name's first four letters, against the raw
  indexed prefix query returning the same patients;
* **board tick**: ``Care.chairs()`` with twelve chairs in use (seated on the history's next morning, infusing,
  vitals recorded), against the twelve projection rows and their entries read raw;
* **day log**: ``core.day_log.day_log`` for the history's busiest of its last 30 days, against that day's
  session rows and their entries read raw;
* **audit verify**: the whole check (``core.audit.verify``, which reads half of a big trail in a second process:
  CPU of both), once, against every row of the tables it reads fetched raw; and the check since an anchor
  noted 3,000 lines before the head (``core.trail_check.since_anchor``), against those lines read raw.

The twelve chairs stay seated in a ``--database`` file (a second run finds them and seats none). Run from the
repository root: ``.venv/bin/python bench/scale.py [--sizes 1000,30000] [--database PATH] [--runs N]``.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from argon2 import PasswordHasher  # noqa: E402
from commit_latency import NORMAL, SCREEN_OK, pump_as_ordered  # noqa: E402
from cpu_time import cpu  # noqa: E402
from history import END, PASSWORD, PATIENTS_PER_YEAR, make_nurses  # noqa: E402
from sqlalchemy import text  # noqa: E402

from core import audit, passwords, trail_check  # noqa: E402
from core.care import Care  # noqa: E402
from core.clock import ManualClock  # noqa: E402
from core.day_log import day_log  # noqa: E402
from core.history.build import build_history  # noqa: E402
from core.history.templates import templates  # noqa: E402
from core.identify import Identified  # noqa: E402
from core.persistence.db import Database, open_database, sqlite_url  # noqa: E402
from core.protocol import Protocol, load_protocol  # noqa: E402

SESSIONS_PER_YEAR = 28_900
"""``history.py``'s mix at its default patients a year: sizes are asked for in sessions, built in years."""
MIN_YEARS = 0.15
FIRST_COURSE_SESSIONS = 5
"""A small history is a few weeks of mostly first courses: about five sessions a patient."""
CHAIRS = 12
SINCE_LINES = 3_000
"""How far back the anchor of the check since one is noted: about a busy clinic's day of audit lines."""
OWN_PASSWORD = "bench scale kettle 2026"


@dataclass(frozen=True)
class Figure:
    label: str
    ms: float
    floor_ms: float
    rows: int

    def line(self) -> str:
        ratio = self.ms / self.floor_ms if self.floor_ms else float("nan")
        figures = f"{self.ms:9.2f} ms  floor {self.floor_ms:8.2f} ms  ratio {ratio:6.1f}"
        return f"  {self.label:<42} {figures}  ({self.rows:,} rows)"


def cpu_ms(run: Callable[[], object], runs: int) -> float:
    """The median CPU milliseconds of ``runs`` calls after one warm-up."""
    return statistics.median(cpu(run, runs))


def raw(database: Database, sql: str, **values: Any) -> list[Any]:
    with database.engine.connect() as connection:
        return list(connection.execute(text(sql), values).all())


@contextmanager
def history_of(sessions: int, protocol: Protocol) -> Iterator[Database]:
    """A fresh history of about ``sessions`` sessions in a temporary file."""
    years = max(MIN_YEARS, sessions / SESSIONS_PER_YEAR)
    start = END - timedelta(days=round(years * 365.25))
    with tempfile.TemporaryDirectory(prefix="scale-") as folder:
        database = open_database(sqlite_url(Path(folder) / "history.sqlite"), create=True)
        try:
            clock = ManualClock(datetime.combine(start - timedelta(days=1), day_time(0), tzinfo=UTC))
            nurses = make_nurses(database, clock)
            templates(protocol)
            with database.filling():
                build_history(
                    database,
                    protocol,
                    nurses=nurses,
                    start=start,
                    end=END,
                    patients=round(
                        PATIENTS_PER_YEAR * years if years > MIN_YEARS else sessions / FIRST_COURSE_SESSIONS
                    ),
                    seed=18,
                )
            yield database
        finally:
            database.dispose()


def nurses_ready(care: Care) -> tuple[str, str]:
    """``history.py``'s first two nurses, with passwords of their own (theirs are temporary): the first
    records, the second checks as ``benchnurse1``."""
    rows = raw(care.db, "SELECT id, must_change_password FROM staff WHERE username IN ('benchnurse0', 'benchnurse1')")
    if len(rows) < 2:
        raise SystemExit("this database was not made by bench/history.py (its nurses benchnurse0… are missing)")
    for nurse_id, temporary in rows:
        if temporary:
            care.accounts.change_password(nurse_id, PASSWORD, OWN_PASSWORD, OWN_PASSWORD)
    return rows[0][0], "benchnurse1"


def seat_chairs(care: Care, clock: ManualClock) -> None:
    """Twelve patients infusing on the history's next morning, each with two sets of vitals, unless a
    previous run seated them."""
    if raw(care.db, "SELECT count(*) FROM infusion_session WHERE active = :yes", yes=True)[0][0] >= CHAIRS:
        return
    nurse, checker = nurses_ready(care)
    for chair in range(1, CHAIRS + 1):
        patient = care.register_patient(
            f"SCALE-{chair:02d}", "Scale", f"Chair {chair}", f"1970-02-{chair:02d}", by=nurse, confirm_new=True
        )
        care.record_course(patient.id, "Dr Bench", clock.now().astimezone().date().isoformat(), "5", by=nurse)
        sid = care.open_session(patient.id, chair, nurse, Identified(name=True, mrn=patient.mrn)).session_id
        care.screen(sid, SCREEN_OK, nurse)
        care.record_weight(sid, "72.4", "kg", nurse)
        care.confirm_dose(sid, nurse)
        care.record_vitals(sid, NORMAL, nurse)
        calc = care.state(sid).dose
        assert calc is not None
        care.record_check(sid, checker, OWN_PASSWORD, str(calc.weight_kg), str(calc.dose_mg), str(calc.rate_ml_per_h))
        care.record_drawn(sid, f"SCALE-LOT-{chair}", str(calc.drug_volume_ml), nurse)
        pump_as_ordered(care, sid, nurse)
        care.start_infusion(sid, nurse)
        clock.advance(minutes=1)
    clock.advance(minutes=10)
    for sid in [row[0] for row in raw(care.db, "SELECT id FROM infusion_session WHERE active = :yes", yes=True)]:
        care.record_vitals(sid, NORMAL, nurse)


def stored(moment: datetime) -> str:
    """A moment as the SQLite file holds it (UTC text), for the raw queries."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def busiest_day(database: Database) -> date:
    rows = raw(
        database,
        "SELECT substr(opened_at, 1, 10) AS day, count(*) AS n FROM infusion_session "
        "WHERE opened_at >= :since GROUP BY day ORDER BY n DESC LIMIT 1",
        since=(END - timedelta(days=30)).isoformat(),
    )
    return date.fromisoformat(rows[0][0])


def measure(database: Database, protocol: Protocol, runs: int, verify: bool) -> list[Figure]:
    clock = ManualClock(datetime.combine(END, day_time(8, 0)).astimezone())
    care = Care(database, protocol, clock, workstation="scale")
    figures: list[Figure] = []

    some = raw(database, "SELECT mrn, family_name FROM patient WHERE mrn NOT LIKE 'SCALE-%' ORDER BY id LIMIT 1")
    mrn, family = some[0]
    scanned = mrn.lower() if mrn != mrn.lower() else mrn.upper()
    assert [p.mrn for p in care.find_patients(scanned)] == [mrn]
    floor_sql = "SELECT * FROM patient WHERE mrn = :mrn"
    figures.append(
        Figure(
            "patient by record number",
            cpu_ms(lambda: care.find_patients(scanned), runs),
            cpu_ms(lambda: raw(database, floor_sql, mrn=mrn), runs),
            1,
        )
    )

    prefix = family[:4]
    found = care.find_patients(prefix)
    by_name = (
        "SELECT * FROM patient WHERE (family_key >= :p AND family_key < :q) OR (given_key >= :p AND given_key < :q) "
        "ORDER BY family_key, given_key, id LIMIT 20"
    )
    key = prefix.casefold()
    figures.append(
        Figure(
            f"patient by name ({prefix}…)",
            cpu_ms(lambda: care.find_patients(prefix), runs),
            cpu_ms(lambda: raw(database, by_name, p=key, q=key + "\U0010ffff"), runs),
            len(found),
        )
    )

    seat_chairs(care, clock)
    board = care.chairs()
    active = "SELECT * FROM infusion_session WHERE active = :yes ORDER BY chair"
    entries = (
        "SELECT * FROM session_event WHERE session_id IN "
        "(SELECT id FROM infusion_session WHERE active = :yes) ORDER BY session_id, seq"
    )
    figures.append(
        Figure(
            f"board tick ({len(board)} chairs)",
            cpu_ms(care.chairs, runs),
            cpu_ms(lambda: (raw(database, active, yes=True), raw(database, entries, yes=True)), runs),
            len(board),
        )
    )

    day = busiest_day(database)
    start = datetime.combine(day, day_time(0)).astimezone()
    bounds = {"start": stored(start), "end": stored(start + timedelta(days=1))}
    now = clock.now()
    log = day_log(database, protocol, day, now)
    day_rows = "SELECT * FROM infusion_session WHERE opened_at >= :start AND opened_at < :end"
    day_entries = (
        "SELECT * FROM session_event WHERE session_id IN "
        "(SELECT id FROM infusion_session WHERE opened_at >= :start AND opened_at < :end) ORDER BY session_id, seq"
    )
    figures.append(
        Figure(
            f"day log ({len(log.entries)} sessions)",
            cpu_ms(lambda: day_log(database, protocol, day, now), runs),
            cpu_ms(lambda: (raw(database, day_rows, **bounds), raw(database, day_entries, **bounds)), runs),
            len(log.entries),
        )
    )

    if not verify:
        return figures
    began = cpu_with_children()
    check = audit.verify(database)
    verify_ms = cpu_with_children() - began
    if not check.ok:
        raise SystemExit(f"audit verify failed: {check.problem}")
    began = cpu_with_children()
    rows = every_row(database)
    figures.append(Figure("audit verify (full)", verify_ms, cpu_with_children() - began, rows))
    head = raw(database, "SELECT max(seq) FROM audit_entry")[0][0]
    seq = max(1, head - SINCE_LINES)
    noted = raw(database, "SELECT entry_hash FROM audit_entry WHERE seq = :seq", seq=seq)[0][0]
    since = "SELECT * FROM audit_entry WHERE seq > :seq"
    figures.append(
        Figure(
            f"audit verify since anchor ({head - seq:,} lines)",
            cpu_ms(lambda: trail_check.since_anchor(database, seq, noted), 1),
            cpu_ms(lambda: raw(database, since, seq=seq), 1),
            head - seq,
        )
    )
    return figures


def cpu_with_children() -> float:
    """CPU milliseconds of this process and of the processes it has waited for (the whole check reads half
    of a big trail in a second process)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return (own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime) * 1000


def every_row(database: Database) -> int:
    """The rows the check reads, each fetched whole and dropped: the least any check of them costs."""
    counted = 0
    with database.engine.connect() as connection:
        for table in ("audit_entry", "session_event", "patient_event", "infusion_session", "patient", "course"):
            result = connection.execute(text(f"SELECT * FROM {table}")).yield_per(10_000)
            for partition in result.partitions():
                counted += len(partition)
    return counted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,30000", help="sessions in each history built here (comma between)")
    parser.add_argument("--database", type=Path, action="append", default=[], help="a kept history (SQLite file)")
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each figure after one warm-up")
    parser.add_argument("--without-verify", action="store_true", help="leave out the whole audit check")
    args = parser.parse_args()
    passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    protocol = load_protocol()
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    for size in sizes:
        with ExitStack() as stack:
            database = stack.enter_context(history_of(size, protocol))
            report(database, protocol, args.runs, not args.without_verify, f"built here, about {size:,} sessions asked")
    for path in args.database:
        database = open_database(sqlite_url(path), backup_stamp=datetime.now(UTC))
        try:
            report(database, protocol, args.runs, not args.without_verify, str(path))
        finally:
            database.dispose()
    return 0


def report(database: Database, protocol: Protocol, runs: int, verify: bool, where: str) -> None:
    sessions = raw(database, "SELECT count(*) FROM infusion_session")[0][0]
    patients = raw(database, "SELECT count(*) FROM patient")[0][0]
    print(f"{sessions:,} sessions, {patients:,} patients ({where}):", flush=True)
    for figure in measure(database, protocol, runs, verify):
        print(figure.line(), flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
