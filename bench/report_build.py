"""How long the printouts take to build, against a bare one-page ReportLab document.

Measured: wall time for each document's builder to return its finished PDF as bytes (what the print
preview receives), in one process, after one warm-up build each (fonts registered, protocol loaded):

* the blank downtime forms: ``core.reports.downtime.downtime_forms`` for the protocol in force;
* the session summary: ``core.reports.session_summary.session_summary`` of the fullest signed session
  of the demo clinic day (``cli.demo.fill_demo``, in a temporary folder), replay of its entries
  included, as "Print…" waits for it (the 60-session day log has its own bench, ``day_log.py``);
* the floor: one ``SimpleDocTemplate`` page holding one paragraph, on the same paper, in the same run.

Builds are interleaved, so drift affects all alike. ReportLab's speed depends on the machine; the
figure that carries between machines is the ratio of medians: what a printout costs beyond the least
ReportLab does to make any PDF.

Run from the repository root: ``.venv/bin/python bench/report_build.py [--runs N] [--page-size Letter]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402
from reportlab.lib.styles import getSampleStyleSheet  # noqa: E402
from reportlab.platypus import Paragraph, SimpleDocTemplate  # noqa: E402

from cli.demo import DEMO_NOW_AFTER, fill_demo  # noqa: E402
from core.care import Care  # noqa: E402
from core.clock import SystemClock  # noqa: E402
from core.machine import Step  # noqa: E402
from core.persistence.db import open_database, sqlite_url  # noqa: E402
from core.protocol import load_protocol  # noqa: E402
from core.reports.downtime import downtime_forms  # noqa: E402
from core.reports.session_summary import Printing, session_summary  # noqa: E402
from core.reports.styles import PAGE_SIZES  # noqa: E402

FLOOR = "bare one-page ReportLab (floor)"
CLINIC = "Pain Management Infusion Clinic"
PRINTED_AT = "2026-11-26 10:42"
PRINTED_BY = "Ana Reyes"


def bare_page(page_size: str) -> bytes:
    """The least ReportLab does for any PDF: one frame, one paragraph, one page, written to memory."""
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=PAGE_SIZES[page_size], invariant=1)
    doc.build([Paragraph("Chairside", getSampleStyleSheet()["Normal"])])
    return out.getvalue()


def demo_session(folder: Path) -> tuple[Care, str]:
    """The demo clinic day in ``folder``, and its signed session with the most entries."""
    clock, protocol = SystemClock(), load_protocol()
    database = open_database(sqlite_url(folder / "bench.sqlite"), create=True)
    fill_demo(database, protocol, clock.now() - DEMO_NOW_AFTER)
    care = Care(database, protocol, clock, "bench")
    signed = [
        row.id for row in care.day_sessions(clock.now() - DEMO_NOW_AFTER * 2, clock.now()) if row.step is Step.DONE
    ]
    return care, max(signed, key=lambda sid: len(care.state(sid).events))


def documents(page_size: str, folder: Path) -> dict[str, Callable[[], bytes]]:
    """Every printout to time, each a call that returns the finished PDF."""
    protocol = load_protocol()
    care, session_id = demo_session(folder)
    printing = Printing(CLINIC, page_size, PRINTED_AT, PRINTED_BY)
    return {
        "downtime forms": lambda: downtime_forms(protocol, CLINIC, page_size, PRINTED_AT, PRINTED_BY),
        "session summary (signed, demo)": lambda: session_summary(care.session_snapshot(session_id), printing),
    }


def timed(build: Callable[[], bytes]) -> tuple[float, bytes]:
    began = time.perf_counter_ns()
    pdf = build()
    return (time.perf_counter_ns() - began) / 1e6, pdf


def pages(pdf: bytes) -> int:
    return len(PdfReader(BytesIO(pdf)).pages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="measured builds of each, after one warm-up")
    parser.add_argument("--page-size", choices=sorted(PAGE_SIZES), default="A4")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="chairside-bench-", ignore_cleanup_errors=True) as folder:
        os.environ["CHAIRSIDE_HOME"] = folder  # nothing of the bench lands in the real data folder
        return measure(args, {FLOOR: lambda: bare_page(args.page_size), **documents(args.page_size, Path(folder))})


def measure(args: argparse.Namespace, contenders: dict[str, Callable[[], bytes]]) -> int:
    times: dict[str, list[float]] = {label: [] for label in contenders}
    made: dict[str, bytes] = {label: timed(build)[1] for label, build in contenders.items()}  # warm-up
    for _ in range(args.runs):
        for label, build in contenders.items():
            elapsed, made[label] = timed(build)
            times[label].append(elapsed)

    print(f"report build to PDF bytes, {args.page_size} paper, {args.runs} runs after 1 warm-up each")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print()
    print(f"{'':34} {'pages':>5} {'KB':>6} {'median ms':>10} {'min ms':>8} {'max ms':>8} {'× floor':>8}")
    floor = statistics.median(times[FLOOR])
    for label, samples in times.items():
        median, size = statistics.median(samples), len(made[label]) / 1024
        print(
            f"{label:34} {pages(made[label]):5} {size:6.0f} {median:10.1f} {min(samples):8.1f} {max(samples):8.1f}"
            f" {median / floor:8.1f}"
        )
    print()
    for label in contenders:
        if label != FLOOR:
            print(f"ratio of medians, {label} / floor: {statistics.median(times[label]) / floor:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
