"""Kill -9 at random moments while care is being recorded: is every entry that was said saved still there?

Each round starts ``tests/recording_child.py`` on a fresh database (a session taken to its infusion, then
vital-sign sets recorded as fast as the disk allows, each reported "saved" only once committed), kills it
with SIGKILL at a random moment between 0.1 s and 1.5 s after its session is running, then opens the
database as the next start would and checks: the file is whole (``PRAGMA integrity_check``), every set the
child reported saved is in the record, and the audit chain verifies. Not part of CI (a round takes about a
second and a half); the figures belong in the release notes.

Run from the repository root: ``.venv/bin/python bench/kill_soak.py [--kills N] [--seed S]`` (default 500).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core import audit  # noqa: E402 (after the path is set)
from core.care import Care  # noqa: E402
from core.clock import ManualClock  # noqa: E402
from core.persistence.db import open_database, sqlite_url  # noqa: E402
from core.protocol import load_protocol  # noqa: E402


def one_round(folder: Path, rng: random.Random) -> tuple[int, int, bool]:
    """Saved sets reported, of them found after the kill, and whether the file and the chain are whole."""
    path = folder / "chairside.sqlite"
    child = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "recording_child.py"), str(path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "CHAIRSIDE_HOME": str(folder / "home")},
    )
    assert child.stdout is not None
    session = child.stdout.readline().strip().removeprefix("ready ")
    os.set_blocking(child.stdout.fileno(), False)
    time.sleep(rng.uniform(0.1, 1.5))
    child.send_signal(signal.SIGKILL)
    child.wait()
    os.set_blocking(child.stdout.fileno(), True)
    said = [line.split()[1] for line in child.stdout.read().splitlines() if line.startswith("saved ")]
    child.stdout.close()
    with closing(sqlite3.connect(path)) as raw:
        whole = raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    database = open_database(sqlite_url(path))
    try:
        care = Care(database, load_protocol(), ManualClock(datetime(2026, 11, 26, 14, tzinfo=UTC)), "soak")
        kept = {event.id for event in care.state(session).events}
        chain = audit.verify(database)
    finally:
        database.dispose()
    return len(said), len(set(said) & kept), whole and chain.ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    said = found = broken = 0
    started = time.perf_counter()
    for number in range(1, args.kills + 1):
        with tempfile.TemporaryDirectory() as folder:
            reported, kept, whole = one_round(Path(folder), rng)
        said, found, broken = said + reported, found + kept, broken + (not whole)
        if number % 50 == 0 or number == args.kills:
            print(f"{number} kills: {said} sets said saved, {said - found} lost, {broken} damaged files or chains")
    print(f"{args.kills} kills in {time.perf_counter() - started:.0f} s")
    return 0 if found == said and not broken else 1


if __name__ == "__main__":
    sys.exit(main())
