"""How long a full set of vital signs takes from the nurse's first key to saved on screen.

A set is typed a dozen times a session at every chair, so both the keystrokes it needs and the wait
after the last one matter. Driven through the real window, offscreen, with ``QTest`` key clicks sent
to whichever control has the focus, as a keyboard would:

* the shortest keyboard path: the focus starts in the first field (where it returns after each
  saved set), each reading of the usual set is typed, and each, complete, moves the focus on by
  itself (ui.widgets.advance); Enter in the optional temperature, left blank as it usually is,
  records the set. Its keystrokes are counted from the path itself and reported;
* the time from the first key to the return of the Enter key's handling, which has committed the set
  (``Care.record_vitals``) and redrawn the window from what was saved (the board's refresh).

Two references, measured in the same run: the floor, a bare form of a ``QLineEdit`` per reading receiving the
same keystrokes (what Qt's key delivery costs), and ``Care.record_vitals`` alone on comparable
sessions in the same database (what saving costs without the window). Sets are spread over twelve
infusing chairs, as on a busy board, so each session holds a realistic number of events.

Run from the repository root: ``.venv/bin/python bench/vitals_entry.py [--iterations N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Sibling benchmarks: nurses, readings and timing; seated patients and closing the window (this
# script's folder is on sys.path).
from board_refresh import close, seated  # noqa: E402
from commit_latency import NORMAL, PASSWORD, bench_nurses, percentile  # noqa: E402
from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget  # noqa: E402

from core.care import Care  # noqa: E402
from core.clock import ManualClock  # noqa: E402
from core.events import EventType as E  # noqa: E402
from core.persistence.db import open_database, sqlite_url  # noqa: E402
from core.protocol import VitalKind, load_protocol  # noqa: E402
from core.settings import WorkstationSettings, change_clinic_setting, clinic_settings  # noqa: E402
from core.startup import Workplace  # noqa: E402
from ui import style  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.widgets.feedback import Feedback  # noqa: E402
from ui.widgets.vitals_entry import VitalsEntry  # noqa: E402

CHAIRS = 12
WARM_UP = 10
T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
Key = str | Qt.Key


USUAL = list(NORMAL)
"""The readings of a usual set, in the entry's order; the optional temperature comes after them."""


def shortest_path() -> list[Key]:
    """Every reading typed, each moving on by itself once complete, and one Enter: the fewest keys a set takes."""
    keys: list[Key] = [character for kind in USUAL for character in NORMAL[kind]]
    return [*keys, Qt.Key.Key_Return]


def press(keys: list[Key]) -> None:
    for key in keys:
        focus = QApplication.focusWidget()
        if focus is None:
            raise SystemExit("no control has the keyboard focus")
        QTest.keyClick(focus, key)


def settle(milliseconds: int) -> None:
    """Let the window be shown and activated, on a real turn of the event loop (not a busy loop)."""
    loop = QEventLoop()
    QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


def timed_sets(prepare: Callable[[int], object], action: Callable[[int], object], iterations: int) -> list[float]:
    """Milliseconds for each ``action`` after a warm-up; ``prepare`` (untimed) puts the focus back first."""
    warm_up = min(WARM_UP, iterations)
    samples = []
    for i in range(warm_up + iterations):
        prepare(i)
        began = time.perf_counter_ns()
        action(i)
        if i >= warm_up:
            samples.append((time.perf_counter_ns() - began) / 1e6)
    return samples


def bare_floor(keys: list[Key], iterations: int) -> list[float]:
    """Plain fields and nothing behind them: the cost of delivering the keys."""
    form = QWidget()
    fields = [QLineEdit() for _ in USUAL]
    layout = QVBoxLayout(form)
    for field in fields:
        layout.addWidget(field)
    form.show()
    form.activateWindow()
    settle(100)

    def again(_i: int) -> None:
        for field in fields:
            field.clear()
        fields[0].setFocus()

    try:
        return timed_sets(again, lambda _i: press(keys), iterations)
    finally:
        close(form)


def through_care(care: Care, nurse: str, sessions: list[str], iterations: int) -> list[float]:
    """The same set saved by ``Care.record_vitals`` alone, round the chairs the same way."""
    typed = dict(NORMAL)
    return timed_sets(lambda _i: None, lambda i: care.record_vitals(sessions[i % CHAIRS], typed, nurse), iterations)


def through_window(care: Care, keys: list[Key], iterations: int) -> list[float]:
    """The set typed into the infusion page of each chair in turn, signed in as the bench nurse."""
    database = care.db
    workplace = Workplace(database, care.protocol, care, clinic_settings(database), WorkstationSettings(name="bench"))
    window = MainWindow(workplace)
    window.show()
    window.activateWindow()
    settle(100)
    if window.controller.sign_in(Feedback("Bench sign-in"), "bench-a", PASSWORD) is None:
        raise SystemExit("the bench nurse could not sign in")

    entries: list[VitalsEntry] = []

    def first_field(i: int) -> None:
        """Open the next chair and put the focus in its first field, as the nurse arrives at it."""
        chair = 1 + i % CHAIRS
        window.chair_list.choose(chair)
        entry = window.panel(chair).vitals
        entries[:] = [entry]
        entry.fields[VitalKind.SYSTOLIC].setFocus()

    def saved(_i: int) -> None:
        press(keys)
        entry = entries[0]
        if not entry.feedback.text().startswith("Saved") or entry.fields[VitalKind.SYSTOLIC].text():
            raise SystemExit(f"the set was not saved: {entry.feedback.text()!r}")

    try:
        return timed_sets(first_field, saved, iterations)
    finally:
        close(window)


def vitals_count(care: Care, sessions: list[str]) -> int:
    return sum(event.type is E.VITALS for sid in sessions for event in care.state(sid).events)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=40)
    args = parser.parse_args()
    keys = shortest_path()

    app = QApplication.instance() or QApplication([])
    style.apply(app)  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory(prefix="chairside-vitals-") as name:
        folder = Path(name).resolve()
        os.environ["CHAIRSIDE_HOME"] = str(folder / "home")  # the window's caches stay in the temporary folder
        database = open_database(sqlite_url(folder / "chairside.sqlite"), create=True)
        try:
            clock = ManualClock(T0)
            care = Care(database, load_protocol(), clock, workstation="bench")
            nurse = bench_nurses(care)
            change_clinic_setting(database, "chairs", 2 * CHAIRS, None, "vitals benchmark", T0, workstation="bench")
            on_screen = [seated(care, nurse, chair, 5) for chair in range(1, CHAIRS + 1)]
            alone = [seated(care, nurse, chair, 5) for chair in range(CHAIRS + 1, 2 * CHAIRS + 1)]
            clock.advance(minutes=10)
            before = vitals_count(care, on_screen)
            floor = bare_floor(keys, args.iterations)
            care_only = through_care(care, nurse, alone, args.iterations)
            window = through_window(care, keys, args.iterations)
            recorded = vitals_count(care, on_screen) - before
        finally:
            database.dispose()
    if recorded != len(window) + min(WARM_UP, args.iterations):
        raise SystemExit(f"{recorded} sets were recorded through the window, not one per keyboard path")

    typed = sum(isinstance(key, str) for key in keys)
    print(f"vitals entry, first key to saved, {args.iterations} sets after warm-up, over {CHAIRS} infusing chairs")
    print(
        f"shortest keyboard path: {len(keys)} keystrokes ({typed} characters, "
        f"{keys.count(Qt.Key.Key_Tab)} Tab, 1 Enter) for {', '.join(NORMAL[k] for k in USUAL)}"
    )
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, Qt platform {QApplication.platformName()}")
    print()
    base, saving = statistics.median(floor), statistics.median(care_only)
    print(f"{'':40} {'median ms':>10} {'p95 ms':>10} {'× floor':>8} {'× Care':>8}")
    rows = (
        (f"floor: the keys into {len(USUAL)} bare fields", floor),
        ("Care.record_vitals alone", care_only),
        ("typed into the window, Enter to saved", window),
    )
    for label, samples in rows:
        median = statistics.median(samples)
        p95 = percentile(samples, 0.95)
        print(f"{label:40} {median:10.2f} {p95:10.2f} {median / base:8.1f} {median / saving:8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
