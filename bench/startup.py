"""How long Chairside takes to show its window, against the cost of starting any PySide6 window.

Measured: wall time from starting a child Python process to its exit, for

* Chairside: ``ui.app.main(URL, quit_when_shown=True)``, which opens the workplace (protocol,
  database, settings) and quits on the first event-loop turn after the main window is shown;
* the floor: a bare ``QMainWindow`` shown by a ``python -c`` child that quits on its first event-loop
  turn the same way.

Both run offscreen (``QT_QPA_PLATFORM=offscreen``) with the same interpreter, working folder and
environment, interleaved, after one warm-up each (so both read a warm file cache). Interpreter start,
the PySide6 import and process teardown cost the same in both and depend on the machine, so the
figure that carries between machines is the ratio of medians: what Chairside adds to starting Qt.

The database is created beforehand in a temporary ``CHAIRSIDE_HOME``, so this is a normal start,
not a first start (which would also create and migrate the database). ``--demo`` fills it with the
demo clinic day first, to time a start with a busy board.

Run from the repository root: ``.venv/bin/python bench/startup.py [--runs N] [--demo]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BARE = """\
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.setWindowTitle("bare")
window.show()
QTimer.singleShot(0, app.quit)
sys.exit(app.exec())
"""
CHAIRSIDE = "import sys; from ui.app import main; sys.exit(main({url!r}, quit_when_shown=True))"


def prepare_database(home: Path, demo: bool) -> str:
    """A database created (and migrated) once, as on any day after the first."""
    os.environ["CHAIRSIDE_HOME"] = str(home)
    from core.persistence.db import open_database, sqlite_url

    url = sqlite_url(home / "data" / "chairside.sqlite")
    database = open_database(url, create=True)
    try:
        if demo:
            from cli.demo import DEMO_NOW_AFTER, fill_demo
            from core.protocol import load_protocol

            # The child runs on the wall clock: end the demo day now so its open sessions are current.
            fill_demo(database, load_protocol(), datetime.now(UTC) - DEMO_NOW_AFTER, workstation="bench")
    finally:
        database.dispose()
    return url


def run_once(code: str, env: dict[str, str]) -> float:
    """Seconds from starting the child to its exit; a failing child stops the benchmark."""
    began = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
    except subprocess.TimeoutExpired:
        # A start-up problem is shown in a modal message box, which nobody can close offscreen.
        raise SystemExit("the child did not quit within 120 s (a start-up problem waiting on a message box?)") from None
    elapsed = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"child failed with exit code {done.returncode}:\n{done.stderr.strip()}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="measured runs of each, after one warm-up")
    parser.add_argument("--demo", action="store_true", help="fill the database with the demo day first")
    args = parser.parse_args()

    have_app = (ROOT / "ui" / "app.py").exists()
    with tempfile.TemporaryDirectory(prefix="chairside-startup-") as name:
        home = Path(name) / "home"
        env = {k: v for k, v in os.environ.items() if k != "CHAIRSIDE_DATABASE_URL"}
        env.update({"QT_QPA_PLATFORM": "offscreen", "CHAIRSIDE_HOME": str(home)})
        url = prepare_database(home, args.demo)
        contenders = {"bare QMainWindow (floor)": BARE}
        if have_app:
            contenders["Chairside ui.app.main"] = CHAIRSIDE.format(url=url)
        times: dict[str, list[float]] = {label: [] for label in contenders}
        for code in contenders.values():
            run_once(code, env)  # warm-up
        for _ in range(args.runs):
            for label, code in contenders.items():  # interleaved, so drift affects both alike
                times[label].append(run_once(code, env))

    print(f"start-up to first window shown (offscreen), {args.runs} runs after 1 warm-up each")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, database: {'demo day' if args.demo else 'empty'}")
    print()
    print(f"{'':28} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
    for label, samples in times.items():
        ms = [s * 1000 for s in samples]
        print(f"{label:28} {statistics.median(ms):10.0f} {min(ms):8.0f} {max(ms):8.0f}")
    if not have_app:
        print("\nui/app.py does not exist yet: only the floor was measured.")
        return 1
    ratio = statistics.median(times["Chairside ui.app.main"]) / statistics.median(times["bare QMainWindow (floor)"])
    print(f"\nratio of medians, Chairside / floor: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
