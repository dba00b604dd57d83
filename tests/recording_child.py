"""A nurse recording vital signs as fast as she can, in a process of her own, while tests/test_database_gone.py
deletes the database file under it, or bench/kill_soak.py kills the process at a random moment.

Usage: recording_child.py DB_PATH. After the session is running it prints "ready SESSION_ID", then for each
set "saved ID" once it was committed or "refused" when it was not; after three refusals it asks what every
screen would say, prints "rescued PATH" with the rescue copy, and ends.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.care import Care
from core.clock import ManualClock
from core.errors import DatabaseGone
from core.persistence.db import open_database, sqlite_url
from core.protocol import load_protocol
from tests.crash_child import VITALS, started_session

REFUSALS = 3


def main() -> None:
    path = Path(sys.argv[1])
    clock = ManualClock(datetime(2026, 11, 26, 13, 0, tzinfo=UTC))
    care = Care(open_database(sqlite_url(path), create=True), load_protocol(), clock, workstation="recording-test")
    sid, nurse = started_session(care, clock)
    print(f"ready {sid}", flush=True)
    refused = 0
    while refused < REFUSALS:
        clock.advance(seconds=5)
        try:
            care.record_vitals(sid, VITALS, nurse.id)
        except DatabaseGone:
            refused += 1
            print("refused", flush=True)
            continue
        print(f"saved {care.state(sid).events[-1].id}", flush=True)
    notice = care.storage_gone() or ""
    rescued = next(p for p in path.parent.glob(f"{path.stem}.rescued-*.sqlite") if str(p) in notice)
    print(f"rescued {rescued}", flush=True)


if __name__ == "__main__":
    main()
