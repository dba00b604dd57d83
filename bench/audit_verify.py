"""How long ``audit verify`` takes over a big history, whole and since an anchor, against reading the same rows.

The floor: one raw sqlite3 connection (read-only) that SELECTs the columns the check reads (every audit line in
order, every session entry and patient's record in the order stored) and iterates them, doing nothing else.
Beside it, in the same run and as CPU time in this process (the machine's cores are shared):

* the whole check read in one process (every link, every record against its line, every signature's patient,
  sittings, starts, and the patient, details, course and summary rows), as a ratio of the floor, and how much
  the process's peak memory grew during it (the check streams the entries: it keeps a few values for each
  patient and course, none for a session or an entry);
* the whole check as ``audit verify`` runs it on a big trail (the trail's two halves at once, the second in a
  process of its own, and the checks beside the trail in a third): its wall time, which on a shared machine
  says as much about the neighbours, and the CPU of this process and of the other two together;
* with ``--parts``, each of those three pieces run one after the other in this process, as CPU each (how
  evenly the work is shared out: the wall time on two free cores is about the larger of half the sum and
  the largest piece), and the scheduled points' check inside the checks beside the trail;
* the check since an anchor noted ``--since-lines`` lines before the head (about a clinic's day), CPU and wall.

The database is only read: its size and modification time are compared before and after, and the run fails
if either changed. Make a history first (``bench/history.py --years 1 --keep --dir DIR``), then run from the
repository root: ``.venv/bin/python bench/audit_verify.py --database DIR/history.sqlite [--runs 3]``.
Goals (issue 18, at 300k sessions): whole < 60 s, since an anchor < 2 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core import trail_check  # noqa: E402
from core.persistence.db import Database, sqlite_url  # noqa: E402

FLOOR_QUERIES = (
    "SELECT seq, at, actor_id, action, workstation, patient_id, session_id, detail, prev_hash, entry_hash "
    "FROM audit_entry ORDER BY seq",
    "SELECT id, session_id, seq, type, payload, occurred_at, recorded_at, recorded_by, workstation, corrects, reason "
    "FROM session_event ORDER BY _rowid_",
    "SELECT id, patient_id, course_id, seq, type, payload, occurred_at, recorded_at, recorded_by, workstation, "
    "corrects, reason FROM patient_event ORDER BY _rowid_",
)


def floor(path: Path) -> tuple[int, float]:
    """Rows read and CPU seconds: the raw reads of the same rows, iterated."""
    rows, start = 0, time.process_time()
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as raw:
        for query in FLOOR_QUERIES:
            for _ in raw.execute(query):
                rows += 1
    return rows, time.process_time() - start


def timed(work: Callable[[], object]) -> tuple[object, float, float]:
    """The result, CPU seconds in this process, and wall seconds."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = work()
    return result, time.process_time() - cpu, time.perf_counter() - wall


def stamp(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_size, info.st_mtime_ns


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True, help="a history's SQLite file (only read)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each figure; the median is printed")
    parser.add_argument("--since-lines", type=int, default=3_000, help="lines after the anchor (about a day)")
    parser.add_argument("--skip-whole", action="store_true", help="only the floor and the check since an anchor")
    parser.add_argument("--parts", action="store_true", help="also the CPU of each piece of the whole check")
    args = parser.parse_args()
    before = stamp(args.database)
    database = Database(sqlite_url(args.database))
    try:
        return report(database, args, before)
    finally:
        database.dispose()


def report(database: Database, args: argparse.Namespace, before: tuple[int, int]) -> int:
    runs = max(1, args.runs)
    floors = [floor(args.database) for _ in range(runs)]
    rows, floor_cpu = floors[0][0], statistics.median(cpu for _, cpu in floors)
    print(f"{args.database}: {rows:,} rows (audit lines, session entries, patients' records)")
    print(f"floor, raw SELECT of the same rows iterated: {floor_cpu:.2f} s CPU ({floor_cpu / rows * 1e6:.2f} µs a row)")
    failed = False
    if not args.skip_whole:
        split = trail_check.SPLIT_AT
        trail_check.SPLIT_AT = 1 << 62  # one process: all of the check's CPU is this process's
        grown_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        ones = [timed(lambda: trail_check.verify(database)) for _ in range(runs)]
        grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - grown_before) / 1024
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        trail_check.SPLIT_AT = split
        check = ones[0][0]
        one_cpu = statistics.median(cpu for _, cpu, _ in ones)
        print(
            f"whole check, one process: {check} in {one_cpu:.1f} s CPU ({one_cpu / rows * 1e6:.2f} µs a row), "
            f"{one_cpu / floor_cpu:.1f}x the floor; peak memory grew {grown:.0f} MB during it, to {peak:.0f} MB"
        )
        parts = len(trail_check.parts_of(database))
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        twos = [timed(lambda: trail_check.verify(database)) for _ in range(runs)]
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        apart = (after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime) / runs
        two_wall = statistics.median(wall for _, _, wall in twos)
        two_cpu = statistics.median(cpu for _, cpu, _ in twos)
        print(
            f"whole check as audit verify runs it ({parts} part(s) at once): {two_wall:.1f} s wall "
            f"(goal < 60 s at 300k sessions), {two_cpu:.1f} s CPU in this process and {apart:.1f} s in the others "
            f"together (a mean), whose peak memory was {after.ru_maxrss / 1024:.0f} MB at most each; load "
            f"{os.getloadavg()[0]:.1f}"
        )
        if args.parts:
            print(pieces(database))
        failed |= not check.ok  # type: ignore[attr-defined]
    head = trail_check_head(database)
    if head is not None:
        anchor = max(1, head - args.since_lines)
        noted = noted_hash(database, anchor)
        sinces = [timed(lambda: trail_check.since_anchor(database, anchor, noted)) for _ in range(runs)]
        result = sinces[0][0]
        since_cpu = statistics.median(cpu for _, cpu, _ in sinces)
        since_wall = statistics.median(wall for _, _, wall in sinces)
        print(
            f"since an anchor {head - anchor:,} lines back: {result} in {since_cpu:.2f} s CPU, {since_wall:.2f} s "
            "wall (goal < 2 s at 300k sessions)"
        )
        failed |= not result.ok  # type: ignore[attr-defined]
    after = stamp(args.database)
    print(f"database file {'unchanged' if after == before else 'CHANGED'} (size and modification time)")
    return 1 if failed or after != before else 0


def pieces(database: Database) -> str:
    """The CPU of each piece the whole check runs at once, run one after the other here, and of the
    scheduled points' check inside the checks beside the trail (timed as they call it)."""
    cpu: dict[str, float] = {"of which scheduled points": 0.0}
    check_points = trail_check._schedule_points

    def timed_points(*args: object) -> None:
        start = time.process_time()
        check_points(*args)  # type: ignore[arg-type]
        cpu["of which scheduled points"] += time.process_time() - start

    with database.session() as tx:
        ends = trail_check.trail_streams.trail_ends(tx)
        assert ends is not None
        start = time.process_time()
        parts = trail_check._parts(tx, ends[0], ends[1])
        cpu["split"] = time.process_time() - start
        for name, work in (
            ("first half", lambda: trail_check._check_part(tx, parts[0])),
            ("second half", lambda: trail_check._check_part(tx, parts[-1])),
            ("beside the trail", lambda: trail_check._beside_the_trail(tx, trail_check.Findings())),
        ):
            trail_check._schedule_points = timed_points  # type: ignore[assignment]
            start = time.process_time()
            try:
                work()
            finally:
                trail_check._schedule_points = check_points
            cpu[name] = time.process_time() - start
        cpu["beside the trail"] = cpu.pop("beside the trail")
        cpu["of which scheduled points"] = cpu.pop("of which scheduled points")
    return "pieces, one after the other: " + ", ".join(f"{name} {seconds:.1f} s CPU" for name, seconds in cpu.items())


def trail_check_head(database: Database) -> int | None:
    from core import audit

    head = audit.head(database)
    return head[0] if head else None


def noted_hash(database: Database, seq: int) -> str:
    from core import audit

    row, _ = audit.noted(database, seq)
    assert row is not None
    return row.entry_hash


if __name__ == "__main__":
    sys.exit(main())
