"""How long the printouts take to build, against a plain ReportLab document of the same pages and rows.

Measured: CPU time of this process (``time.process_time``) for each document's builder to return its
finished PDF as bytes (what the print preview receives), after one warm-up build each (fonts registered,
protocol loaded):

* the blank downtime forms: ``core.reports.downtime.downtime_forms`` for the protocol in force;
* the session summary: ``core.reports.session_summary.session_summary`` of the fullest signed session
  of the demo clinic day (``cli.demo.fill_demo``, in a temporary folder), replay of its entries
  included, as "Print…" waits for it (the 60-session day log has its own bench, ``day_log.py``);
* each one's floor: its plain twin (``plain_twin.py``): the same tables with the same rows, row heights and
  words as plain strings, and the same paragraphs, in a plain ``SimpleDocTemplate`` on the same paper and the
  same number of pages, without the page header and footer, without fitting words into lines and without
  the summary's vitals chart (left blank at its size);
* for reference, one ``SimpleDocTemplate`` page holding one paragraph (what any PDF costs).

Whether ReportLab runs its C accelerator (``rl_accel``) is printed. Builds are interleaved, so drift affects
all alike. ReportLab's speed depends on the machine; the figure that carries between machines is the ratio of
medians: what a printout costs beyond what plain ReportLab spends on the same pages.

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

from plain_twin import plain_twin  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from reportlab.lib import rl_accel  # noqa: E402
from reportlab.lib.styles import getSampleStyleSheet  # noqa: E402
from reportlab.platypus import Paragraph, SimpleDocTemplate  # noqa: E402

from cli.demo import DEMO_NOW_AFTER, fill_demo  # noqa: E402
from core.care import Care  # noqa: E402
from core.clock import SystemClock  # noqa: E402
from core.machine import Step  # noqa: E402
from core.persistence.db import open_database, sqlite_url  # noqa: E402
from core.protocol import load_protocol  # noqa: E402
from core.reports.downtime import downtime_forms, downtime_story  # noqa: E402
from core.reports.session_summary import Printing, session_summary, summary_story  # noqa: E402
from core.reports.styles import PAGE_SIZES, Styles  # noqa: E402
from core.reports.templates import PageFrame, build_pdf  # noqa: E402

BARE = "bare one-page ReportLab"
FLOOR = "plain twin (floor) of "
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
    """Every printout to time, each a call that returns the finished PDF, each after its plain twin."""
    protocol = load_protocol()
    care, session_id = demo_session(folder)
    printing = Printing(CLINIC, page_size, PRINTED_AT, PRINTED_BY)
    frame = PageFrame(CLINIC, "Printout", PRINTED_AT, PRINTED_BY, "Patient", "x" * 64)

    def laid_out(story: list) -> bytes:
        return build_pdf(story, frame, page_size)

    downtime_twin, _ = plain_twin(lambda: downtime_story(protocol, Styles()), laid_out, page_size)
    snapshot = care.session_snapshot(session_id)
    summary_twin, _ = plain_twin(lambda: summary_story(snapshot), laid_out, page_size)
    return {
        f"{FLOOR}downtime forms": downtime_twin,
        "downtime forms": lambda: downtime_forms(protocol, CLINIC, page_size, PRINTED_AT, PRINTED_BY),
        f"{FLOOR}session summary": summary_twin,
        "session summary (signed, demo)": lambda: session_summary(care.session_snapshot(session_id), printing),
    }


def timed(build: Callable[[], bytes]) -> tuple[float, bytes]:
    """CPU milliseconds of this process for one build, and the PDF."""
    began = time.process_time_ns()
    pdf = build()
    return (time.process_time_ns() - began) / 1e6, pdf


def pages(pdf: bytes) -> int:
    return len(PdfReader(BytesIO(pdf)).pages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="measured builds of each, after one warm-up")
    parser.add_argument("--page-size", choices=sorted(PAGE_SIZES), default="A4")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="chairside-bench-", ignore_cleanup_errors=True) as folder:
        os.environ["CHAIRSIDE_HOME"] = folder  # nothing of the bench lands in the real data folder
        return measure(args, {BARE: lambda: bare_page(args.page_size), **documents(args.page_size, Path(folder))})


def measure(args: argparse.Namespace, contenders: dict[str, Callable[[], bytes]]) -> int:
    times: dict[str, list[float]] = {label: [] for label in contenders}
    made: dict[str, bytes] = {label: timed(build)[1] for label, build in contenders.items()}  # warm-up
    for _ in range(args.runs):
        for label, build in contenders.items():
            elapsed, made[label] = timed(build)
            times[label].append(elapsed)

    accelerator = "C accelerator (rl_accel)" if not rl_accel._py_funcs else "pure Python (rl_accel missing)"
    print(f"report build to PDF bytes, {args.page_size} paper, {args.runs} runs after 1 warm-up each; CPU time")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, ReportLab {accelerator}")
    print()
    bare = statistics.median(times[BARE])
    print(f"{'':44} {'pages':>5} {'KB':>6} {'median ms':>10} {'min ms':>8} {'max ms':>8} {'× bare':>7}")
    for label, samples in times.items():
        median, size = statistics.median(samples), len(made[label]) / 1024
        print(
            f"{label:44} {pages(made[label]):5} {size:6.0f} {median:10.1f} {min(samples):8.1f} {max(samples):8.1f}"
            f" {median / bare:7.1f}"
        )
    print()
    for label in contenders:
        if label != BARE and not label.startswith(FLOOR):
            floor = next(twin for twin in contenders if twin.startswith(FLOOR) and label.startswith(twin[len(FLOOR) :]))
            ratio = statistics.median(times[label]) / statistics.median(times[floor])
            print(f"ratio of medians, {label} / floor: {ratio:.1f} (goal ≤ 3; the floor: its plain twin)")
            print(f"ratio of medians, {label} / bare one-page document: {statistics.median(times[label]) / bare:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
