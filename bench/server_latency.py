"""How long a nurse waits for one care entry on a PostgreSQL server, and how long the change takes to
reach another workstation's board.

Measured on a throwaway server (``bench/pg_server.py``: durable commits, as a clinic's server makes them):

- ``Care.record_vitals`` on infusing sessions, the whole action (staff check, the session's log, the
  append, the projection, the audit line and the notice, a durable commit), over TCP on 127.0.0.1 and
  over the server's Unix socket; against a floor measured in the same run the same way: a raw psycopg
  insert of a comparable event row and its commit. The ratio of medians is the figure that carries from
  one machine to another.
- The time from one workstation's commit returning to the change showing in another's ``Care.chairs()``
  (the board), which hears of it by LISTEN/NOTIFY instead of polling.

Run from the repository root: ``.venv/bin/python bench/server_latency.py [--iterations N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from commit_latency import NORMAL, SESSIONS, T0, bench_nurses, infusing_sessions, percentile, timed  # noqa: E402
from pg_server import Server, throwaway_server  # noqa: E402

from core.care import Care  # noqa: E402
from core.clock import ManualClock  # noqa: E402
from core.persistence.db import open_database  # noqa: E402
from core.persistence.notices import ChangeNotices  # noqa: E402
from core.protocol import load_protocol  # noqa: E402

RAW_TABLE = """
CREATE TABLE session_event (
    id VARCHAR(36) PRIMARY KEY,
    session_id VARCHAR(36) NOT NULL,
    seq INTEGER NOT NULL,
    type VARCHAR(40) NOT NULL,
    payload JSON NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by VARCHAR(36) NOT NULL,
    workstation VARCHAR(80) NOT NULL,
    UNIQUE (session_id, seq)
)"""


def raw_floor(server: Server, database: str, iterations: int, *, tcp: bool) -> list[float]:
    payload = json.dumps({"values": {k.value: v for k, v in NORMAL.items()}, "point_id": None})
    moment = T0.replace(tzinfo=None)
    with psycopg.connect(server.conninfo(database, tcp=tcp)) as connection:
        connection.execute(RAW_TABLE)
        connection.commit()

        def insert(i: int) -> None:
            connection.execute(
                "INSERT INTO session_event VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (str(uuid.uuid4()), f"s{i % SESSIONS}", i, "vitals.recorded", payload, moment, moment, "n", "bench"),
            )
            connection.commit()

        return timed(insert, iterations)


def chairside(url: str, iterations: int) -> list[float]:
    database = open_database(url, create=True)
    try:
        care = Care(database, load_protocol(), ManualClock(T0), workstation="bench")
        nurse = bench_nurses(care)
        sessions = infusing_sessions(care, nurse, SESSIONS, 1, "V")
        return timed(lambda i: care.record_vitals(sessions[i % SESSIONS], NORMAL, nurse), iterations)
    finally:
        database.dispose()


def to_the_board(url: str, iterations: int) -> list[float]:
    """Milliseconds from a cart's commit returning to the entry on the desk's board."""
    cart_db, desk_db = open_database(url, create=True), open_database(url)
    notices = ChangeNotices.for_database(desk_db)
    assert notices is not None
    try:
        clock, protocol = ManualClock(T0), load_protocol()
        cart = Care(cart_db, protocol, clock, workstation="cart")
        desk = Care(desk_db, protocol, clock, workstation="desk", notices=notices)
        nurse = bench_nurses(cart)
        (session,) = infusing_sessions(cart, nurse, 1, 1, "B")
        while not notices.listening:
            time.sleep(0.01)
        samples = []
        for _ in range(iterations):
            desk.chairs()
            cart.record_vitals(session, NORMAL, nurse)
            began = time.perf_counter_ns()
            expected = cart.state(session).events[-1].id
            while desk.chairs()[0].state.events[-1].id != expected:
                time.sleep(0.001)
            samples.append((time.perf_counter_ns() - began) / 1e6)
        return samples
    finally:
        notices.close()
        cart_db.dispose()
        desk_db.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=300)
    args = parser.parse_args()
    rows: list[tuple[str, list[float]]] = []
    with throwaway_server() as server:
        for name in ("raw_tcp", "raw_local", "care_tcp", "care_local", "board"):
            server.create(name)
        floor_tcp = raw_floor(server, "raw_tcp", args.iterations, tcp=True)
        floor_local = raw_floor(server, "raw_local", args.iterations, tcp=False)
        rows += [
            ("floor: raw psycopg insert + commit, TCP", floor_tcp),
            ("Care.record_vitals, TCP", chairside(server.tcp("care_tcp"), args.iterations)),
            ("floor: raw psycopg insert + commit, socket", floor_local),
            ("Care.record_vitals, socket", chairside(server.local("care_local"), args.iterations)),
        ]
        board = to_the_board(server.tcp("board"), max(3, args.iterations // 10))
    print(
        f"PostgreSQL commit latency, {args.iterations} iterations after warm-up; python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, {datetime.now(UTC):%Y-%m-%d}"
    )
    print()
    print(f"{'':44} {'median ms':>10} {'p95 ms':>10} {'× floor':>8}")
    for label, samples in rows:
        base = statistics.median(floor_tcp if "TCP" in label else floor_local)
        median = statistics.median(samples)
        print(f"{label:44} {median:10.2f} {percentile(samples, 0.95):10.2f} {median / base:8.1f}")
    print()
    print(
        f"a cart's entry on the desk's board (LISTEN/NOTIFY), {len(board)} entries: median "
        f"{statistics.median(board):.1f} ms, p95 {percentile(board, 0.95):.1f} ms, worst {max(board):.1f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
