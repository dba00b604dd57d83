"""How long a nurse waits for one care entry to be saved, against what the disk itself costs.

Measured: ``Care.record_vitals`` (the commonest entry) and ``Care.pause`` / ``Care.resume`` on infusing
sessions in a temporary SQLite file opened with ``open_database`` — the whole action: the account's
permission read, the session's log and state, validation, the entry, its audit line (hash-chained to the
trail's head), the session's projection moved, and a durable commit. A set of vital signs writes four rows:
one ``session_event`` and its ``vital_set`` inserted, one ``audit_entry`` inserted, one ``infusion_session``
updated, and appends itself to its day's row of packed sets (``quality_set_day``, which the day's first set
made: here the sessions' baseline sets); a pause or a resume the same less the ``vital_set`` and the day's
row. Neither keeps a row in ``quality_fact`` nor reworks its course's ``course_facts`` (they move no outcome
and no start).

The floors, measured in the same run: each action's rows written by hand with ``sqlite3`` in one transaction
(``BEGIN IMMEDIATE`` … ``COMMIT``) into a copy of the very database Chairside writes to (the same tables,
indexes, triggers and sessions), a stored payload and audit detail as the text, with the pragmas Chairside
uses (WAL, synchronous=FULL, foreign_keys=ON, busy_timeout): a set's four rows against ``record_vitals``, a
pause's or a resume's three against ``pause``/``resume``; the floor appends a set to its day's row in SQL, as
Chairside does (the bytes joined by the store; the floor neither reads nor rewrites the day's words). They
read nothing, check nothing and hash nothing: what the disk and SQLite alone cost for those rows. What each
side wrote is counted from the tables (rows added to each table an entry may add to, sessions' rows moved,
``course_facts`` rows changed) and printed, so a floor that no longer writes what its action writes shows.

Both CPU time (of this process: other work on a shared machine does not count against it) and wall time
(most of which is the fsync, which depends on the machine) are printed with their medians; the figure
that carries from one machine to another is the ratio of medians to the floor.

Entries are spread over several sessions so each holds a realistic number of events (a session
ends with about twenty), rather than one session growing to hundreds.

With ``--phases``, ``record_vitals`` is then run again with its parts timed (CPU, each part's median per
entry, parts nested in others included in them): where an entry's time goes beyond the floor's. The parts
are wrapped for the count, which adds about a microsecond to each, so these runs are not the figures above.

Run from the repository root: ``.venv/bin/python bench/commit_latency.py [--iterations N] [--phases]``.
"""

from __future__ import annotations

import argparse
import functools
import math
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.care import Care  # noqa: E402
from core.clock import ManualClock  # noqa: E402
from core.dosing import pump_order  # noqa: E402
from core.event_data import Paused  # noqa: E402
from core.events import EventType  # noqa: E402
from core.identify import Identified  # noqa: E402
from core.persistence.db import BUSY_TIMEOUT_MS, open_database, sqlite_url  # noqa: E402
from core.protocol import VitalKind as V  # noqa: E402
from core.protocol import load_protocol  # noqa: E402
from core.records.bulk import stored_json  # noqa: E402

SESSIONS = 20
VITALS, PAUSED, RESUMED = EventType.VITALS.value, EventType.PAUSED.value, EventType.RESUMED.value
PASSWORD = "bench orchard lantern 27"
TEMPORARY_PASSWORD = "bench granite voyage 64"
WARM_UP = 30
T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
SCREEN_OK = {
    **dict.fromkeys(
        ("cardiovascular", "psychosis", "liver", "raised_pressure", "substance_misuse", "allergy"), "no"
    ),  # the course-start checklist
    **dict.fromkeys(("pregnancy", "cardiac", "substance"), "no"),
    "no_escort": "no",
}
NORMAL = {
    V.SYSTOLIC: "124",
    V.DIASTOLIC: "78",
    V.HEART_RATE: "72",
    V.RESPIRATORY_RATE: "14",
    V.SPO2: "98",
    V.SEDATION: "0",
}


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


@dataclass
class Samples:
    """Milliseconds of each call: CPU time of this process, and wall time."""

    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)


def timed(action: Callable[[int], object], iterations: int) -> list[float]:
    """Wall milliseconds for each call after a warm-up (other benches time their actions with it)."""
    return measured(action, iterations).wall


def measured(action: Callable[[int], object], iterations: int) -> Samples:
    """Each call's CPU and wall time, after a warm-up."""
    for i in range(WARM_UP):
        action(i)
    samples = Samples()
    for i in range(iterations):
        cpu, wall = time.process_time_ns(), time.perf_counter_ns()
        action(WARM_UP + i)
        samples.wall.append((time.perf_counter_ns() - wall) / 1e6)
        samples.cpu.append((time.process_time_ns() - cpu) / 1e6)
    return samples


# ---- the floor: the same rows, by hand -----------------------------------------------------------------


FloorEntry = Callable[[int], tuple[str, str, str, str]]
"""The ``i``-th entry the floor writes, as the action it stands for writes it: its session, kind, payload's stored
text and the step the session's row moves to."""


def raw_floor(path: Path, iterations: int, entry: FloorEntry) -> Samples:
    """Each entry (a set of vital signs with its row of columns; a pause or a resume without), its audit line and
    its session's row moved, written with ``sqlite3`` into ``path`` (a copy of Chairside's database after the
    set-up) in one transaction per entry, with Chairside's pragmas."""
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA foreign_keys=ON")
    (by,) = connection.execute(
        "SELECT recorded_by FROM session_event WHERE type = 'vitals.recorded' LIMIT 1"
    ).fetchone()
    (detail,) = connection.execute(
        "SELECT detail FROM audit_entry WHERE action = 'record.written' ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    (audit_seq,) = connection.execute("SELECT max(seq) FROM audit_entry").fetchone()
    last = dict(connection.execute("SELECT id, last_seq FROM infusion_session").fetchall())
    moment = T0.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")  # as SQLAlchemy stores it
    day = T0.astimezone(UTC).date().isoformat()
    hashed = "0" * 64

    def write(i: int) -> None:
        sid, kind, payload, step = entry(i)
        last[sid] += 1
        row = str(uuid.uuid4())
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "INSERT INTO session_event (id, session_id, seq, type, payload, occurred_at, recorded_at, recorded_by,"
            " workstation, corrects, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'bench', NULL, NULL)",
            (row, sid, last[sid], kind, payload, moment, moment, by),
        )
        if kind == VITALS:
            connection.execute(
                "INSERT INTO vital_set (id, session_id, seq, taken_at, recorded_by, before_start, partial, point_id,"
                " systolic, diastolic, heart_rate, respiratory_rate, spo2, sedation, temperature, act, advise)"
                " VALUES (?, ?, ?, ?, ?, 0, 0, NULL, 120, 80, 72, 14, 98, 0, NULL, '', '')",
                (row, sid, last[sid], moment, by),
            )
            connection.execute(
                "UPDATE quality_set_day SET sets = sets + 1, ids = CAST(ids || ? AS BLOB),"
                " moments = CAST(moments || ? AS BLOB), numbers = CAST(numbers || ? AS BLOB),"
                " flags = CAST(flags || ? AS BLOB), readings = CAST(readings || ? AS BLOB) WHERE day = ?",
                (row.encode().ljust(36), bytes(8), bytes(24), bytes(1), bytes(56), day),
            )
        connection.execute(
            "INSERT INTO audit_entry (seq, at, actor_id, action, workstation, patient_id, session_id, detail,"
            " prev_hash, entry_hash) VALUES (?, ?, ?, 'record.written', 'bench', NULL, ?, ?, ?, ?)",
            (audit_seq + 1 + i, moment, by, sid, detail, hashed, hashed),
        )
        connection.execute(
            "UPDATE infusion_session SET last_seq = ?, step = ?, outcome = 'in_progress', active = 1,"
            " updated_at = ?, began_at = began_at WHERE id = ?",
            (last[sid], step, moment, sid),
        )
        connection.execute("COMMIT")

    try:
        return measured(write, iterations)
    finally:
        connection.close()


def floor_entries(path: Path, vitals: list[str], pauses: list[str]) -> tuple[FloorEntry, FloorEntry]:
    """The floor's entries, one for each action's: a set of vital signs with a stored set's payload on
    ``vitals``' sessions, and a pause (its reason) or a resume (nothing) in turn on ``pauses``', as the
    actions are spread over them."""
    with closing(sqlite3.connect(path)) as connection:
        (vitals_payload,) = connection.execute(
            "SELECT payload FROM session_event WHERE type = ? LIMIT 1", (VITALS,)
        ).fetchone()
    paused = stored_json(Paused("line check").to_payload())
    resumed = stored_json({})

    def vitals_entry(i: int) -> tuple[str, str, str, str]:
        return vitals[i % SESSIONS], VITALS, vitals_payload, "infusing"

    def pause_entry(i: int) -> tuple[str, str, str, str]:
        if (i // SESSIONS) % 2 == 0:
            return pauses[i % SESSIONS], PAUSED, paused, "paused"
        return pauses[i % SESSIONS], RESUMED, resumed, "infusing"

    return vitals_entry, pause_entry


# ---- what each side wrote --------------------------------------------------------------------------------

ADDED_TO = ("session_event", "vital_set", "audit_entry", "quality_fact")
"""The tables an entry may add rows to (a set of vital signs: the first three)."""
PACKED = "quality_set_day"
"""Where a set of vital signs is appended to its day's packed sets (a row a day: counted by the sets it holds)."""
CHANGED_IN = ("course_facts",)
"""The projection an entry may rework (an entry that moves a session's outcome or start: neither action does)."""


@dataclass(frozen=True)
class Tables:
    """What the tables an entry may write held at one moment: the added-to tables' counts, the reworked
    projection's rows, and the sum of the sessions' ``last_seq`` (each entry moves its session's by one)."""

    counts: dict[str, int]
    rows: dict[str, set[tuple[object, ...]]]
    moved: int
    packed: int

    @classmethod
    def read(cls, path: Path) -> Tables:
        with closing(sqlite3.connect(path)) as connection:
            counts = {name: connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in ADDED_TO}
            rows = {name: set(connection.execute(f"SELECT * FROM {name}").fetchall()) for name in CHANGED_IN}
            (moved,) = connection.execute("SELECT coalesce(sum(last_seq), 0) FROM infusion_session").fetchone()
            (packed,) = connection.execute(f"SELECT coalesce(sum(sets), 0) FROM {PACKED}").fetchone()
        return cls(counts, rows, moved, packed)

    def written_since(self, before: Tables, entries: int) -> str:
        """Rows written per entry since ``before``, in words."""
        added = ", ".join(f"{name} {(self.counts[name] - before.counts[name]) / entries:g}" for name in ADDED_TO)
        changed = ", ".join(f"{name} {len(self.rows[name] ^ before.rows[name])}" for name in CHANGED_IN)
        return (
            f"added per entry: {added}; infusion_session moved {(self.moved - before.moved) / entries:g};"
            f" sets packed in {PACKED} {(self.packed - before.packed) / entries:g}; rows changed in all: {changed}"
        )


# ---- Chairside ---------------------------------------------------------------------------------------


def pump_as_ordered(care: Care, sid: str, by: str) -> None:
    """After drawing up: the rest of the multi-dose vial back to stock, the pump read as ordered."""
    state = care.state(sid)
    for vial in state.controlled.vials:
        if vial.may_return:
            care.return_to_stock(sid, vial.drawn.event_id, by)
    assert state.dose is not None
    order = pump_order(care.protocol, state.dose)
    care.record_pump(sid, str(order.rate_ml_per_h), str(order.vtbi_ml), by)


def bench_nurses(care: Care) -> str:
    """An administrator and two nurses (the second checks as "bench-b"); returns the first nurse's id."""
    accounts = care.accounts
    admin = accounts.create_first_administrator("Bench Admin", "bench-admin", PASSWORD, PASSWORD)
    ids = []
    for name, username in (("Bench Nurse A", "bench-a"), ("Bench Nurse B", "bench-b")):
        added = accounts.add(admin.id, name, username, "nurse", TEMPORARY_PASSWORD)
        ids.append(accounts.change_password(added.id, TEMPORARY_PASSWORD, PASSWORD, PASSWORD).id)
    return ids[0]


def infusing_sessions(care: Care, first: str, count: int, first_chair: int, label: str) -> list[str]:
    """``count`` patients with a started infusion, recorded as nurses would record them."""
    ids = []
    for n in range(count):
        made_up = (f"BENCH-{label}-{n:04d}", "Bench", f"{label} {n}", "1970-01-01")
        patient = care.register_patient(*made_up, by=first, confirm_new=True)  # distinct made-up people
        care.record_course(patient.id, "Dr Bench", T0.astimezone().date().isoformat(), "5", by=first)
        sid = care.open_session(patient.id, first_chair + n, first, Identified(name=True, mrn=patient.mrn)).session_id
        care.screen(sid, SCREEN_OK, first)
        care.record_weight(sid, "72.4", "kg", first)
        care.confirm_dose(sid, first)
        care.record_vitals(sid, NORMAL, first)
        calc = care.state(sid).dose
        assert calc is not None
        care.record_check(sid, "bench-b", PASSWORD, str(calc.weight_kg), str(calc.dose_mg), str(calc.rate_ml_per_h))
        care.record_drawn(sid, f"BENCH-LOT-{n}", str(calc.drug_volume_ml), first)
        pump_as_ordered(care, sid, first)
        care.start_infusion(sid, first)
        ids.append(sid)
    return ids


@dataclass
class Run:
    """Each side's samples, by what it stands for, and what each wrote, in words (``Tables.written_since``)."""

    samples: dict[str, Samples] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)

    def measure(self, label: str, path: Path, action: Callable[[int], object], iterations: int) -> None:
        """``action`` measured (``measured``), and what its entries wrote to ``path``."""
        before = Tables.read(path)
        self.samples[label] = measured(action, iterations)
        self.written[label] = Tables.read(path).written_since(before, WARM_UP + iterations)

    def floor(self, label: str, path: Path, entry: FloorEntry, iterations: int) -> None:
        before = Tables.read(path)
        self.samples[label] = raw_floor(path, iterations, entry)
        self.written[label] = Tables.read(path).written_since(before, WARM_UP + iterations)


FLOOR_VITALS = "floor: a set's 4 rows by sqlite3"
FLOOR_PAUSE = "floor: a pause's 3 rows by sqlite3"
VITALS_ACTION = "Care.record_vitals"
PAUSE_ACTION = "Care.pause / Care.resume"


def chairside(folder: Path, iterations: int) -> Run:
    """The floors (on a copy of the database as set up) and then the two actions through ``Care``."""
    path = folder / "chairside.sqlite"
    database = open_database(sqlite_url(path), create=True)
    run = Run()
    try:
        clock = ManualClock(T0)
        care = Care(database, load_protocol(), clock, workstation="bench")
        nurse = bench_nurses(care)
        vitals_sessions = infusing_sessions(care, nurse, SESSIONS, 1, "V")
        pause_sessions = infusing_sessions(care, nurse, SESSIONS, 1 + SESSIONS, "P")
        copy = folder / "raw.sqlite"
        with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(copy)) as target:
            source.backup(target)
        vitals_entry, pause_entry = floor_entries(copy, vitals_sessions, pause_sessions)
        run.floor(FLOOR_VITALS, copy, vitals_entry, iterations)
        run.floor(FLOOR_PAUSE, copy, pause_entry, iterations)

        def vitals(i: int) -> None:
            care.record_vitals(vitals_sessions[i % SESSIONS], NORMAL, nurse)

        def pause_or_resume(i: int) -> None:
            sid = pause_sessions[i % SESSIONS]
            if (i // SESSIONS) % 2 == 0:
                care.pause(sid, "line check", nurse)
            else:
                care.resume(sid, nurse)

        run.measure(VITALS_ACTION, path, vitals, iterations)
        run.measure(PAUSE_ACTION, path, pause_or_resume, iterations)
        return run
    finally:
        database.dispose()


def phases() -> list[tuple[str, object, str]]:
    """The parts of an entry timed by ``--phases``: (what, where it is looked up, its name there)."""
    from sqlalchemy.engine.default import DefaultDialect
    from sqlalchemy.orm.session import Session, SessionTransaction

    from core import records, session_state, unit_of_work
    from core.care import base as care_base
    from core.care import infusing
    from core.unit_of_work import Work

    return [
        ("the readings parsed (before the transaction)", infusing, "parse_vitals"),
        ("the whole entry, in its transaction", care_base.CareBase, "_commit_entry"),
        ("  the account's standing read, with the chain's head", records, "standing_and_head"),
        ("  the session's summary read", records, "summary"),
        ("  the session's state, before and after the entry", care_base, "derive_state"),
        ("    of which folding the entries", session_state, "fold"),
        ("  the entry checked and built", care_base.CareBase, "_payload"),
        ("  written (the state after, hashes, 4 rows)", care_base.CareBase, "_insert"),
        ("    the entry's content hash", unit_of_work, "event_content"),
        ("    the audit line (on the head read with the account, hashed)", Work, "_line"),
        ("    the 4 rows inserted/updated", records, "insert_entry"),
        ("  commit (SQLAlchemy and SQLite)", SessionTransaction, "commit"),
        ("    of which SQLite's commit (the fsync)", DefaultDialect, "do_commit"),
        ("  the session closed, its connection back", Session, "close"),
    ]


def phase_medians(folder: Path, iterations: int) -> list[tuple[str, float, float]]:
    """Each part's median CPU time per entry (ms) and how many times an entry runs it, over ``iterations``
    entries of ``record_vitals`` on sessions of their own."""
    database = open_database(sqlite_url(folder / "phases.sqlite"), create=True)
    spent: dict[str, int] = {}
    runs: dict[str, int] = {}
    wrapped: list[tuple[object, str, object]] = []

    def timing(label: str, function: Callable[..., object]) -> Callable[..., object]:
        @functools.wraps(function)
        def timed_part(*args: object, **kwargs: object) -> object:
            began = time.process_time_ns()
            try:
                return function(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0) + time.process_time_ns() - began
                runs[label] = runs.get(label, 0) + 1

        return timed_part

    try:
        care = Care(database, load_protocol(), ManualClock(T0), workstation="bench")
        nurse = bench_nurses(care)
        sessions = infusing_sessions(care, nurse, SESSIONS, 1, "Q")
        for i in range(WARM_UP):
            care.record_vitals(sessions[i % SESSIONS], NORMAL, nurse)
        for label, owner, name in phases():
            original = vars(owner)[name] if isinstance(owner, type) else getattr(owner, name)
            wrapped.append((owner, name, original))
            function = original.__func__ if isinstance(original, staticmethod) else original
            part = timing(label, function)
            setattr(owner, name, staticmethod(part) if isinstance(original, staticmethod) else part)
        per_entry: dict[str, list[int]] = {label: [] for label, _, _ in phases()}
        for i in range(iterations):
            before = dict(spent)
            care.record_vitals(sessions[i % SESSIONS], NORMAL, nurse)
            for label, samples in per_entry.items():
                samples.append(spent.get(label, 0) - before.get(label, 0))
        return [
            (label, statistics.median(samples) / 1e6, runs.get(label, 0) / iterations)
            for label, samples in per_entry.items()
        ]
    finally:
        for owner, name, original in reversed(wrapped):
            setattr(owner, name, original)
        database.dispose()


def filesystem(folder: Path) -> str:
    """The file system type holding ``folder`` (Linux), since fsync cost depends on it."""
    try:
        mounts = [line.split() for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return "unknown"
    best = max((m for m in mounts if str(folder).startswith(m[1])), key=lambda m: len(m[1]), default=None)
    return best[2] if best else "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--dir", type=Path, default=None, help="folder for the temporary databases")
    parser.add_argument("--phases", action="store_true", help="then time the parts of record_vitals")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="chairside-bench-", dir=args.dir) as name:
        folder = Path(name).resolve()
        run = chairside(folder, args.iterations)
        parts = phase_medians(folder, args.iterations) if args.phases else []

    print(
        f"commit latency, {args.iterations} iterations after {WARM_UP} warm-up, {folder.parent} ({filesystem(folder)})"
    )
    print(f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs")
    print("each floor writes its action's rows with sqlite3 into a copy of the same database, same pragmas (WAL,")
    print("synchronous=FULL, foreign_keys=ON), reading and hashing nothing; what each side wrote, counted:")
    for label, written in run.written.items():
        print(f"  {label}: {written}")
    print()
    cpu_head = f"{'CPU median':>10} {'CPU p95':>8} {'× floor':>8}"
    print(f"{'(ms)':36} {cpu_head} {'wall median':>12} {'wall p95':>9} {'× floor':>8}")
    floor_of = {FLOOR_VITALS: FLOOR_VITALS, FLOOR_PAUSE: FLOOR_PAUSE, VITALS_ACTION: FLOOR_VITALS}
    for label, samples in run.samples.items():
        floor = run.samples[floor_of.get(label, FLOOR_PAUSE)]
        cpu_floor, wall_floor = statistics.median(floor.cpu), statistics.median(floor.wall)
        cpu, wall = statistics.median(samples.cpu), statistics.median(samples.wall)
        print(
            f"{label:36} {cpu:10.2f} {percentile(samples.cpu, 0.95):8.2f} {cpu / cpu_floor:8.1f}"
            f" {wall:12.2f} {percentile(samples.wall, 0.95):9.2f} {wall / wall_floor:8.1f}"
        )
    if parts:
        print()
        print(f"record_vitals by part, CPU median per entry (timed again, each part wrapped) {'(ms)':>9} {'runs':>5}")
        for label, median, runs in parts:
            print(f"{label:80} {median:9.3f} {runs:5.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
