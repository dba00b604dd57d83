"""The server going away mid-infusion, again and again: every entry saved on the workstation meanwhile
must reach the server exactly once, in order, and the audit trail must hold. Not run in CI (it takes
minutes); its figures go in the closing notes.

Each round, on a throwaway server (``bench/pg_server.py``): a workstation with its journal reads the
board, the server is stopped as a power cut stops it, the nurse records a few entries (vital signs, side
effects, a pause and its resume), the server is started again, and the workstation's next tick sends what
waits. Every fifth round the sending is done by a separate process killed part-way, and the workstation
started again sends the rest. After every round: the session's log on the server holds each entry once,
in its place, and ``audit verify`` passes.

Run from the repository root: ``.venv/bin/python bench/soak_journal.py [--rounds 100]``.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from commit_latency import NORMAL, T0, bench_nurses, infusing_sessions  # noqa: E402
from pg_server import throwaway_server  # noqa: E402

from core import audit, records  # noqa: E402
from core.care import Care  # noqa: E402
from core.clock import ManualClock  # noqa: E402
from core.persistence.db import Database, open_database  # noqa: E402
from core.persistence.journal import Journal, Standing  # noqa: E402
from core.protocol import load_protocol  # noqa: E402

NO_SIDE_EFFECTS = {"nausea": "none", "dissociation": "none"}
SENDER = """
import sys
from datetime import datetime
from pathlib import Path
from core.care import Care
from core.clock import ManualClock
from core.persistence.db import open_database
from core.persistence.journal import Journal
from core.protocol import load_protocol
url, path, at = sys.argv[1:4]
database = open_database(url)
care = Care(database, load_protocol(), ManualClock(datetime.fromisoformat(at)), workstation="soak",
            journal=Journal(Path(path), database.where))
print("sending", flush=True)
care.send_waiting()
"""


def log_of(database: Database, session_id: str) -> list:
    with database.session() as tx:
        return records.load_events(tx, session_id)


def kill_part_way(url: str, journal: Journal, clock: ManualClock, database: Database, session_id: str) -> None:
    """A separate workstation process sends what waits and is killed once some, not all, has arrived."""
    began = len(log_of(database, session_id))
    child = subprocess.Popen(
        [sys.executable, "-c", SENDER, url, str(journal.path), clock.now().isoformat()],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None
    child.stdout.readline()
    deadline = time.monotonic() + 20
    while len(log_of(database, session_id)) == began and time.monotonic() < deadline:
        time.sleep(0.002)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    child.stdout.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--entries", type=int, default=8, help="entries recorded while the server is away, per round")
    args = parser.parse_args()
    rounds, sends, killed, recorded = [], [], 0, 0
    with throwaway_server() as server, tempfile.TemporaryDirectory(prefix="chairside-soak-") as folder:
        server.create("soak")
        url = server.tcp("soak")
        database = open_database(url, create=True)
        clock, protocol = ManualClock(T0), load_protocol()
        setup = Care(database, protocol, clock, workstation="setup")
        nurse = bench_nurses(setup)
        sessions = infusing_sessions(setup, nurse, 4, 1, "S")
        journal = Journal(Path(folder) / "journal.sqlite", database.where)
        cart = Care(database, protocol, clock, workstation="soak", journal=journal)
        for n in range(args.rounds):
            began = time.perf_counter()
            session = sessions[n % len(sessions)]
            cart.chairs()
            before = len(log_of(database, session))
            server.stop_at_once()
            for i in range(args.entries):
                clock.advance(timedelta(seconds=30))
                if i % 4 == 3:
                    cart.pause(session, "soak", nurse)
                    cart.resume(session, nurse)
                elif i % 2:
                    cart.record_side_effects(session, NO_SIDE_EFFECTS, nurse)
                else:
                    cart.record_vitals(session, NORMAL, nurse)
            waiting = len(cart.waiting_here())
            recorded += waiting
            server.start()
            if n % 5 == 4:
                kill_part_way(url, journal, clock, database, session)
                cart = Care(database, protocol, clock, workstation="soak", journal=journal)  # started again
                killed += 1
            sent_at = time.perf_counter()
            cart.chairs()
            sends.append((time.perf_counter() - sent_at) * 1000)
            log = log_of(database, session)
            assert len(log) == before + waiting, f"round {n}: {len(log) - before} of {waiting} arrived"
            assert len({e.id for e in log}) == len(log) and [e.seq for e in log] == list(range(1, len(log) + 1))
            assert not journal.entries(Standing.WAITING, Standing.CONFLICT), f"round {n}: entries left waiting"
            check = audit.verify(database)
            assert check.ok, f"round {n}: {check.problem}"
            rounds.append(time.perf_counter() - began)
        database.dispose()
    print(f"{args.rounds} rounds of the server stopped mid-infusion and started again ({killed} with the sender killed")
    print(f"part-way); {recorded} entries saved on the workstation, every one on the server exactly once, in order;")
    print("audit verify passed after every round.")
    print(
        f"a round: median {statistics.median(rounds):.2f} s; sending what waited on the next tick: median "
        f"{statistics.median(sends):.0f} ms, worst {max(sends):.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
