"""How long the charge nurse's day log takes with 60 sessions, against a plain ReportLab document of its pages.

Measured, on a temporary SQLite file filled through ``Care`` by nurses with real accounts (as
``commit_latency.py`` makes them): 60 sessions on 12 chairs, five rounds of the day, each patient with a
40-character name; in each round some sessions signed after a whole infusion, some stopped early and
waiting for the signature, one screened out, one with a dose over the soft limit. Then, interleaved so
that drift affects all alike, after one warm-up each:

* ``day_log()``: the day's projection rows, patients and every event, replayed into each session's state,
  its exceptions and totals (what the screen shows, and what "Print…" reads first);
* ``day_log_pdf()``: the printable day log built from that snapshot into PDF bytes;
* the floor: the day log's plain twin (``plain_twin.py``): the same tables with the same rows, row heights
  and words as plain strings, and the same paragraphs, in a plain ``SimpleDocTemplate`` on the same paper
  and the same number of pages, without the page header and footer and without fitting words into lines;
* for reference, one ``SimpleDocTemplate`` page holding one paragraph (what any PDF costs).

Times are CPU time of this process (``time.process_time``), so other work on a shared machine counts
less. Absolute milliseconds depend on the machine; the ratio of medians to the floor is the figure that
carries between machines. Whether ReportLab runs its C accelerator (``rl_accel``) is printed too.
Passwords are hashed with argon2's cheapest settings while filling (as the
tests do): signing in is not what is measured here, and real settings would make filling take minutes.

Run from the repository root: ``.venv/bin/python bench/day_log.py [--runs N] [--page-size Letter]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The sibling benchmark's nurses and readings (this script's folder is on sys.path).
from argon2 import PasswordHasher  # noqa: E402
from commit_latency import NORMAL, PASSWORD, SCREEN_OK, bench_nurses, pump_as_ordered  # noqa: E402
from plain_twin import plain_twin  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from reportlab.lib import rl_accel  # noqa: E402
from reportlab.lib.styles import getSampleStyleSheet  # noqa: E402
from reportlab.platypus import Paragraph, SimpleDocTemplate  # noqa: E402

from core import passwords  # noqa: E402
from core.care import Care  # noqa: E402
from core.clock import ManualClock  # noqa: E402
from core.day_log import DayLog, day_log  # noqa: E402
from core.identify import Identified  # noqa: E402
from core.persistence.db import Database, open_database, sqlite_url  # noqa: E402
from core.protocol import load_protocol  # noqa: E402
from core.reports.day_log_pdf import day_log_pdf, day_log_story  # noqa: E402
from core.reports.styles import PAGE_SIZES, Styles  # noqa: E402
from core.reports.templates import PageFrame, build_pdf  # noqa: E402
from core.settings import change_clinic_setting  # noqa: E402

CHAIRS = 12
ROUNDS = 5
DAY_START = datetime(2026, 11, 26, 7, 0).astimezone()
"""Seven in the morning where the benchmark runs, so the whole day falls on one local date."""
FLOOR = "floor: plain ReportLab, same pages and rows"
BARE = "bare one-page ReportLab"


def seat(care: Care, nurse: str, chair: int, round_: int) -> str:
    """A made-up patient with a 40-character name and a course from today, seated on ``chair``."""
    family, given = f"Featherstonehaugh-{round_}{chair:02d}", "Arabella Victoria"  # "FAMILY, Given": 40
    mrn = f"DAYLOG-{round_}-{chair:02d}"
    patient = care.register_patient(mrn, family, given, "1970-01-01", by=nurse, confirm_new=True)
    care.record_course(patient.id, "Dr Bench", DAY_START.date().isoformat(), "5", by=nurse)
    return care.open_session(patient.id, chair, nurse, Identified(name=True, mrn=patient.mrn)).session_id


def ready(care: Care, nurse: str, sid: str, weight: str = "72.4", override: str | None = None) -> None:
    care.screen(sid, SCREEN_OK, nurse)
    care.record_weight(sid, weight, "kg", nurse)
    care.confirm_dose(sid, nurse, override_reason=override)
    care.record_vitals(sid, NORMAL, nurse)
    calc = care.state(sid).dose
    assert calc is not None
    care.record_check(sid, "bench-b", PASSWORD, str(calc.weight_kg), str(calc.dose_mg), str(calc.rate_ml_per_h))
    care.record_drawn(sid, "BENCH-LOT", str(calc.drug_volume_ml), nurse)
    pump_as_ordered(care, sid, nurse)
    care.start_infusion(sid, nurse)


def one_round(care: Care, clock: ManualClock, nurse: str, round_: int) -> None:
    """Twelve chairs through one round: infusions run side by side, then each ends its own way."""
    sessions = {chair: seat(care, nurse, chair, round_) for chair in range(1, CHAIRS + 1)}
    screened_out = sessions.pop(12)
    care.screen(screened_out, {**SCREEN_OK, "no_escort": "yes"}, nurse, confirm_stop=True)
    for chair, sid in sessions.items():
        ready(care, nurse, sid, *(("130", "prescriber's order") if chair == 11 else ()))
    stop_early = {chair for chair in sessions if chair % 4 == 0}
    for minute in (10, 20, 30, 40):
        clock.advance(minutes=10)
        for chair, sid in sessions.items():
            if chair in stop_early and minute == 20:
                care.stop_early(sid, "patient asked to stop", nurse)
            elif chair not in stop_early or minute < 20:
                care.record_vitals(sid, NORMAL, nurse)
    grades = {item.id: care.protocol.side_effects.grades[0].id for item in care.protocol.side_effects.items}
    for chair, sid in sessions.items():
        if chair not in stop_early:
            care.complete(sid, nurse)
        care.record_side_effects(sid, grades, nurse)
    clock.advance(minutes=30)
    criteria = {criterion.id: True for criterion in care.protocol.discharge.criteria}
    for chair, sid in sessions.items():
        care.record_vitals(sid, NORMAL, nurse)
        care.record_side_effects(sid, grades, nurse)
        care.discharge(sid, "10", criteria, nurse, PASSWORD)
        if chair not in stop_early:
            care.sign(sid, nurse, PASSWORD, seen_seq=care.state(sid).events[-1].seq)
    for sid in [*(sessions[chair] for chair in sorted(stop_early)), screened_out]:
        state = care.state(sid)
        note = "bench: the rest went to the waste container" if state.controlled.left_to_account_mg else None
        care.sign(sid, nurse, PASSWORD, note, seen_seq=state.events[-1].seq)
    clock.advance(minutes=5)


def filled(database: Database, clock: ManualClock) -> Care:
    care = Care(database, load_protocol(), clock, workstation="bench")
    nurse = bench_nurses(care)
    change_clinic_setting(database, "chairs", CHAIRS, None, "day log benchmark", clock.now(), workstation="bench")
    for round_ in range(ROUNDS):
        one_round(care, clock, nurse, round_)
        clock.advance(minutes=10)
    return care


def bare_page(page_size: str) -> bytes:
    """The least ReportLab does for any PDF: one frame, one paragraph, one page, written to memory."""
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=PAGE_SIZES[page_size], invariant=1)
    doc.build([Paragraph("Chairside", getSampleStyleSheet()["Normal"])])
    return out.getvalue()


def timed(build: Callable[[], object]) -> float:
    """CPU milliseconds of this process for one call."""
    began = time.process_time_ns()
    build()
    return (time.process_time_ns() - began) / 1e6


def accelerated() -> str:
    """Whether ReportLab's C accelerator is in use: its pure-Python fallbacks are several times slower."""
    return "C accelerator (rl_accel)" if not rl_accel._py_funcs else "pure Python (rl_accel missing)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="measured runs of each, after one warm-up")
    parser.add_argument("--page-size", choices=sorted(PAGE_SIZES), default="A4")
    args = parser.parse_args()

    previous = passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    with tempfile.TemporaryDirectory(prefix="chairside-day-log-") as name:
        os.environ["CHAIRSIDE_HOME"] = str(Path(name) / "home")
        database = open_database(sqlite_url(Path(name) / "chairside.sqlite"), create=True)
        try:
            clock = ManualClock(DAY_START)
            began = time.perf_counter()
            care = filled(database, clock)
            fill_seconds = time.perf_counter() - began
            passwords.use_hasher(previous)
            now = clock.now() + timedelta(minutes=1)
            log: DayLog = day_log(database, care.protocol, DAY_START.date(), now)
            if len(log.entries) != CHAIRS * ROUNDS:
                raise SystemExit(f"expected {CHAIRS * ROUNDS} sessions, found {len(log.entries)}")
            events = sum(entry.last_seq for entry in log.entries)

            def read() -> DayLog:
                return day_log(database, care.protocol, DAY_START.date(), now)

            def build() -> bytes:
                return day_log_pdf(log, "Bench clinic", args.page_size, "2026-11-26 18:00", "Bench Charge Nurse")

            frame = PageFrame("Bench clinic", "Day log", "2026-11-26 18:00", "Bench Charge Nurse", None, "x" * 64)
            floor, rows = plain_twin(
                lambda: day_log_story(log, Styles()),
                lambda story: build_pdf(story, frame, args.page_size),
                args.page_size,
            )
            contenders: dict[str, Callable[[], object]] = {
                FLOOR: floor,
                BARE: lambda: bare_page(args.page_size),
                "day_log(): read and replay 60 sessions": read,
                "day_log_pdf(): 60-session PDF": build,
            }
            for action in contenders.values():
                action()  # warm-up: fonts registered, caches filled
            times: dict[str, list[float]] = {label: [] for label in contenders}
            for _ in range(args.runs):
                for label, action in contenders.items():
                    times[label].append(timed(action))
            pdf, twin = build(), floor()
        finally:
            database.dispose()

    pages = len(PdfReader(BytesIO(pdf)).pages)
    twin_pages = len(PdfReader(BytesIO(twin)).pages)
    sessions = f"{len(log.entries)} sessions ({events} events, {len(log.exceptions)} exceptions)"
    print(f"day log, {sessions}, filled in {fill_seconds:.1f} s")
    print(f"PDF: {pages} pages, {len(pdf) / 1024:.0f} KB, {args.page_size}; {args.runs} runs after 1 warm-up each")
    print(f"floor: its plain twin, {twin_pages} pages, {rows} table rows, {len(twin) / 1024:.0f} KB (plain_twin.py)")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, ReportLab {accelerated()}; CPU time")
    print()
    floor_ms = statistics.median(times[FLOOR])
    print(f"{'':42} {'median ms':>10} {'min ms':>8} {'max ms':>8} {'× floor':>8}")
    for label, samples in times.items():
        median = statistics.median(samples)
        print(f"{label:42} {median:10.1f} {min(samples):8.1f} {max(samples):8.1f} {median / floor_ms:8.1f}")
    print()
    read_ms, pdf_ms = (statistics.median(times[label]) for label in list(contenders)[2:])
    bare_ms = statistics.median(times[BARE])
    print(f"ratio of medians, 60-session day log PDF / floor: {pdf_ms / floor_ms:.1f} (goal ≤ 3; {pdf_ms:.0f} ms CPU)")
    print(f"ratio of medians, 60-session day log PDF / bare one-page document: {pdf_ms / bare_ms:.1f}")
    print(f"read and PDF together (what Print… waits for) / floor: {(read_ms + pdf_ms) / floor_ms:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
