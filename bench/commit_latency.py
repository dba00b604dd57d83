"""How long a nurse waits for one care entry to be saved, against what the disk itself costs.

Measured: the time for ``Care.record_vitals`` (the commonest entry) and for ``Care.pause`` /
``Care.resume`` on infusing sessions in a temporary SQLite file opened with ``open_database`` — the
whole action: staff check, replaying the session's events, validation, the append, the projection
update and a durable commit.

The floor, measured in the same run on the same disk: a raw ``sqlite3`` insert of a comparable event
row (same columns, a similar JSON payload, a foreign key and the per-session sequence constraint) and
its commit, with the pragmas Chairside uses (WAL, synchronous=FULL, foreign_keys=ON, busy_timeout).
Most of a commit is the fsync, which depends on the machine, so the figure that carries from one
machine to another is the ratio of medians: what Chairside adds on top of the cheapest durable write.

Entries are spread over several sessions so each holds a realistic number of events (a session
ends with about twenty), rather than one session growing to hundreds.

Run from the repository root: ``.venv/bin/python bench/commit_latency.py [--iterations N]``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.care import Care  # noqa: E402
from core.clock import ManualClock  # noqa: E402
from core.dosing import pump_order  # noqa: E402
from core.identify import Identified  # noqa: E402
from core.persistence.db import BUSY_TIMEOUT_MS, open_database, sqlite_url  # noqa: E402
from core.protocol import VitalKind as V  # noqa: E402
from core.protocol import load_protocol  # noqa: E402

SESSIONS = 20
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


def timed(action: Callable[[int], object], iterations: int) -> list[float]:
    """Milliseconds for each call after a warm-up."""
    for i in range(WARM_UP):
        action(i)
    samples = []
    for i in range(iterations):
        began = time.perf_counter_ns()
        action(WARM_UP + i)
        samples.append((time.perf_counter_ns() - began) / 1e6)
    return samples


# ---- the floor: raw sqlite3 --------------------------------------------------------------------------


def raw_floor(folder: Path, iterations: int) -> list[float]:
    connection = sqlite3.connect(folder / "raw.sqlite", timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.executescript(
        """
        CREATE TABLE infusion_session (id VARCHAR(36) PRIMARY KEY, chair INTEGER NOT NULL);
        CREATE TABLE session_event (
            id VARCHAR(36) PRIMARY KEY,
            session_id VARCHAR(36) NOT NULL REFERENCES infusion_session (id),
            seq INTEGER NOT NULL,
            type VARCHAR(40) NOT NULL,
            payload JSON NOT NULL,
            occurred_at DATETIME NOT NULL,
            recorded_at DATETIME NOT NULL,
            recorded_by VARCHAR(36) NOT NULL,
            workstation VARCHAR(80) NOT NULL,
            corrects VARCHAR(36),
            reason TEXT,
            UNIQUE (session_id, seq)
        );
        CREATE INDEX ix_session_event_session_id ON session_event (session_id);
        """
    )
    sessions = [str(uuid.uuid4()) for _ in range(SESSIONS)]
    connection.executemany("INSERT INTO infusion_session VALUES (?, ?)", [(s, n) for n, s in enumerate(sessions)])
    payload = json.dumps(
        {
            "point_id": None,
            "values": {k.value: v for k, v in NORMAL.items()},
            "partial_reason": None,
            "findings": [{"vital": k.value, "tier": "normal", "text": "Label " + v} for k, v in NORMAL.items()],
        }
    )
    moment = T0.isoformat()

    def insert(i: int) -> None:
        connection.execute("BEGIN")
        connection.execute(
            "INSERT INTO session_event VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
            (str(uuid.uuid4()), sessions[i % SESSIONS], i, "vitals.recorded", payload, moment, moment, "n", "bench"),
        )
        connection.execute("COMMIT")

    try:
        return timed(insert, iterations)
    finally:
        connection.close()


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


def chairside(folder: Path, iterations: int) -> tuple[list[float], list[float]]:
    database = open_database(sqlite_url(folder / "chairside.sqlite"), create=True)
    try:
        clock = ManualClock(T0)
        care = Care(database, load_protocol(), clock, workstation="bench")
        nurse = bench_nurses(care)
        vitals_sessions = infusing_sessions(care, nurse, SESSIONS, 1, "V")
        pause_sessions = infusing_sessions(care, nurse, SESSIONS, 1 + SESSIONS, "P")

        def vitals(i: int) -> None:
            care.record_vitals(vitals_sessions[i % SESSIONS], NORMAL, nurse)

        def pause_or_resume(i: int) -> None:
            sid = pause_sessions[i % SESSIONS]
            if (i // SESSIONS) % 2 == 0:
                care.pause(sid, "line check", nurse)
            else:
                care.resume(sid, nurse)

        return timed(vitals, iterations), timed(pause_or_resume, iterations)
    finally:
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
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="chairside-bench-", dir=args.dir) as name:
        folder = Path(name).resolve()
        floor = raw_floor(folder, args.iterations)
        vitals, pause = chairside(folder, args.iterations)

    base = statistics.median(floor)
    print(
        f"commit latency, {args.iterations} iterations after {WARM_UP} warm-up, {folder.parent} ({filesystem(folder)})"
    )
    print(f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs")
    print()
    print(f"{'':36} {'median ms':>10} {'p95 ms':>10} {'× floor':>8}")
    rows = (
        ("floor: raw sqlite3 insert + commit", floor),
        ("Care.record_vitals", vitals),
        ("Care.pause / Care.resume", pause),
    )
    for label, samples in rows:
        median = statistics.median(samples)
        print(f"{label:36} {median:10.2f} {percentile(samples, 0.95):10.2f} {median / base:8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
