"""How quickly the FHIR R4 export writes a clinic's records, against serialising as many plain dicts to JSON.

Over the demo's records (the demo day and its made-up history, filled into a temporary database), or with
``--database PATH`` over an SQLite file ``bench/history.py --keep --dir DIR`` left (the 10-year history),
``core.fhir_export.export_fhir`` writes NDJSON (one file per resource type, streamed, as the 10-year export
must be) into a temporary folder; each run is the CPU time of this process, the median of ``--runs``
after one warm-up (with ``--database``, one run and no warm-up unless ``--runs`` says more). It prints:

* the export: resources, CPU seconds, resources per second (records read, each resource built, validated by
  its R4B model and written), and the process's peak memory, which says whether it streamed;
* the floor: the same number of plain dicts (a sample of the export's own resources, read back, cycled)
  each serialised with ``json.dumps`` and written to a file, in the same run;
* the ratio of the medians.

Each run is an audited export, so it adds one line to the database's audit trail. Run from the repository
root: ``.venv/bin/python bench/fhir_export.py [--database PATH] [--runs N] [--bundle]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from argon2 import PasswordHasher  # noqa: E402

from cli.demo import DEMO_NOW_AFTER, fill_demo  # noqa: E402
from core import passwords  # noqa: E402
from core.clock import ManualClock  # noqa: E402
from core.fhir_export import ExportDone, ExportRequest, export_fhir  # noqa: E402
from core.persistence.db import Database, open_database, sqlite_url  # noqa: E402
from core.protocol import load_protocol  # noqa: E402

HISTORY_END = datetime(2026, 11, 26, 12, tzinfo=UTC)
"""``bench/history.py``'s last day, at noon UTC: the clock the kept history's export runs at."""
SAMPLE = 2_000
"""Resources read back from the export for the floor's dicts (cycled up to the export's count)."""


def _demo(folder: Path) -> tuple[Database, ManualClock]:
    passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))  # signing in is not measured
    database = open_database(sqlite_url(folder / "demo.sqlite"), create=True, backup_stamp=HISTORY_END)
    began = time.perf_counter()
    filled = fill_demo(database, load_protocol(), HISTORY_END - DEMO_NOW_AFTER)
    print(
        f"Demo filled in {time.perf_counter() - began:.1f} s: {filled.sessions} sessions on the day, history before it"
    )
    return database, ManualClock(filled.now)


def _export(database: Database, clock: ManualClock, out: Path, bundle: bool) -> tuple[float, ExportDone]:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    request = ExportRequest(
        date(2000, 1, 1), date(2100, 1, 1), ndjson=out, out=out / "bundle.json" if bundle else None, os_account="bench"
    )
    began = time.process_time()
    done = export_fhir(database, load_protocol(), clock, "bench", request)
    return time.process_time() - began, done


def _sample(folder: Path) -> list[dict[str, object]]:
    """Up to ``SAMPLE`` of the export's resources as plain dicts, in proportion to each type's share."""
    files = sorted(folder.glob("*.ndjson"))
    sample: list[dict[str, object]] = []
    for path in files:
        with path.open("rb") as lines:
            sample.extend(json.loads(line) for line in itertools.islice(lines, SAMPLE // len(files) + 1))
    return sample


def _floor(sample: list[dict[str, object]], count: int, out: Path) -> float:
    """CPU seconds to serialise ``count`` plain dicts with ``json.dumps`` into one file, a line each."""
    began = time.process_time()
    with (out / "floor.ndjson").open("wb") as file:
        for value in itertools.islice(itertools.cycle(sample), count):
            file.write(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n")
    return time.process_time() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", type=Path, help="an SQLite file bench/history.py --keep left")
    parser.add_argument("--runs", type=int, help="timed runs (default 3 for the demo, 1 for --database)")
    parser.add_argument("--bundle", action="store_true", help="also write the Bundle file beside the NDJSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fhir-bench-") as scratch:
        folder = Path(scratch)
        if args.database is not None:
            database, clock = open_database(sqlite_url(args.database)), ManualClock(HISTORY_END)
            runs, warm = args.runs or 1, bool(args.runs and args.runs > 1)
        else:
            database, clock = _demo(folder)
            runs, warm = args.runs or 3, True
        out = folder / "out"
        try:
            if warm:
                _export(database, clock, out, args.bundle)
            timed = [_export(database, clock, out, args.bundle) for _ in range(runs)]
            done = timed[-1][1]
            sample = _sample(out)
            floors = [_floor(sample, done.resources, out) for _ in range(runs)]
        finally:
            database.dispose()
    seconds = statistics.median(t for t, _ in timed)
    floor = statistics.median(floors)
    kinds = ", ".join(f"{count:,} {kind}" for kind, count in sorted(done.counts.items()))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Exported {done.patients:,} patients: {done.resources:,} resources ({kinds})")
    print(
        f"FHIR export (NDJSON{' + Bundle' if args.bundle else ''}): {seconds:.2f} s CPU median of {runs}, "
        f"{done.resources / seconds:,.0f} resources/s"
    )
    print(f"Floor, json.dumps of as many plain dicts: {floor:.2f} s CPU median, {done.resources / floor:,.0f} dicts/s")
    print(f"Ratio of medians (export / floor): {seconds / floor:.1f}")
    print(f"Peak memory of this process: {peak:,.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
