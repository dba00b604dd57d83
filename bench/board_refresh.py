"""What one refresh of the board costs with twelve chairs in use, against reading their rows raw.

The window re-reads every open session once a second (``MainWindow.refresh`` asks ``Care.chairs``,
which loads each session's events and replays them into its state), so this cost is paid all day,
and it grows with the number of chairs and with how far each session has gone.

Measured, on a temporary SQLite file opened with ``open_database`` and filled through ``Care`` by
nurses with real accounts (as ``commit_latency.py`` makes them), with twelve open sessions at varied
steps — just seated, screened, weighed, dosed, ready, infusing with none to three sets of vitals,
paused, in observation, and discharged waiting for the signature:

* ``Care.chairs()``: the projection rows, the patients, every event of the twelve sessions, and the
  replay of each into its state;
* ``MainWindow.refresh()`` offscreen (unless ``--no-window``), with a nurse signed in and an infusing
  chair open: ``Care.chairs()`` plus redrawing the chair list, the lock screen and the open chair's
  page with its vitals trend. Qt paints afterwards, on the event loop, which this does not include.

The floor, in the same run on the same file: one raw ``sqlite3`` SELECT of the twelve active
projection rows. A second reference adds the raw SELECT of all their events, which is the least any
replay must read. Absolute milliseconds depend on the machine; the ratios to the floor carry over.

Run from the repository root: ``.venv/bin/python bench/board_refresh.py [--iterations N] [--no-window]``.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The sibling benchmark's nurses, readings and timing (this script's folder is on sys.path).
from commit_latency import (  # noqa: E402
    NORMAL,
    PASSWORD,
    SCREEN_OK,
    bench_nurses,
    percentile,
    pump_as_ordered,
    timed,
)
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from core.care import Care  # noqa: E402
from core.clock import ManualClock  # noqa: E402
from core.identify import Identified  # noqa: E402
from core.machine import Step  # noqa: E402
from core.persistence.db import Database, open_database, sqlite_url  # noqa: E402
from core.protocol import load_protocol  # noqa: E402
from core.settings import change_clinic_setting  # noqa: E402

CHAIRS = 12
T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
PROJECTION = (
    "SELECT id, chair, patient_id, step, outcome, opened_at FROM infusion_session WHERE active = 1 ORDER BY chair"
)


def seated(care: Care, nurse: str, chair: int, stages: int) -> str:
    """A patient with a course ordered from today, on ``chair``, taken through the first ``stages`` steps
    (0: just seated, 5: infusing)."""
    patient = care.register_patient(f"BOARD-{chair:02d}", "Board", f"Chair {chair}", f"1970-01-{chair:02d}", by=nurse)
    care.record_course(patient.id, "Dr Bench", care.clock.now().astimezone().date().isoformat(), "5", nurse)
    sid = care.open_session(patient.id, chair, nurse, Identified(name=True, mrn=patient.mrn)).session_id

    def checked_and_drawn() -> None:
        care.record_vitals(sid, NORMAL, nurse)
        calc = care.state(sid).dose
        assert calc is not None
        care.record_check(sid, "bench-b", PASSWORD, str(calc.weight_kg), str(calc.dose_mg), str(calc.rate_ml_per_h))
        care.record_drawn(sid, f"BOARD-LOT-{chair}", str(calc.drug_volume_ml), nurse)
        pump_as_ordered(care, sid, nurse)

    steps = (
        lambda: care.screen(sid, SCREEN_OK, nurse),
        lambda: care.record_weight(sid, "72.4", "kg", nurse),
        lambda: care.confirm_dose(sid, nurse),
        checked_and_drawn,
        lambda: care.start_infusion(sid, nurse),
    )
    for step in steps[:stages]:
        step()
    return sid


def busy_board(care: Care, clock: ManualClock, nurse: str) -> None:
    """Twelve chairs as at mid-morning: three infusions long done, four under way, five getting ready."""
    done = [seated(care, nurse, chair, 5) for chair in (10, 11, 12)]
    for _ in range(3):
        clock.advance(minutes=10)
        for sid in done:
            care.record_vitals(sid, NORMAL, nurse)
    clock.advance(minutes=11)
    for sid in done:
        care.complete(sid, nurse)
        care.record_vitals(sid, NORMAL, nurse)
    clock.advance(minutes=15)
    for sid in done[1:]:
        care.record_vitals(sid, NORMAL, nurse)
    grades = care.protocol.side_effects.grades
    checklist = {item.id: grades[0].id for item in care.protocol.side_effects.items}
    care.record_side_effects(done[1], checklist, nurse)
    clock.advance(minutes=16)
    care.record_vitals(done[2], NORMAL, nurse)
    care.record_side_effects(done[2], checklist, nurse)  # the check the discharge waits for
    criteria = {criterion.id: True for criterion in care.protocol.discharge.criteria}
    care.discharge(done[2], "10", criteria, nurse, PASSWORD)

    going = [seated(care, nurse, chair, 5) for chair in (6, 7, 8, 9)]
    clock.advance(minutes=10)
    for sid in going[1:3]:
        care.record_vitals(sid, NORMAL, nurse)
    clock.advance(minutes=10)
    care.record_vitals(going[2], NORMAL, nurse)
    care.pause(going[3], "line check", nurse)
    for chair in range(1, 6):
        seated(care, nurse, chair, chair - 1)
    clock.advance(minutes=3)


def floors(path: Path, iterations: int) -> tuple[list[float], list[float]]:
    """The raw projection SELECT, and the same plus every event of the twelve sessions."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        ids = [row[0] for row in connection.execute(PROJECTION)]
        marks = ", ".join("?" * len(ids))
        events = f"SELECT * FROM session_event WHERE session_id IN ({marks}) ORDER BY session_id, seq"

        def projection(_i: int) -> object:
            return connection.execute(PROJECTION).fetchall()

        def with_events(_i: int) -> object:
            return connection.execute(PROJECTION).fetchall(), connection.execute(events, ids).fetchall()

        return timed(projection, iterations), timed(with_events, iterations)
    finally:
        connection.close()


def window_refresh(database: Database, care: Care, iterations: int) -> list[float]:
    """``MainWindow.refresh`` with a nurse signed in and an infusing chair's page (and its trend) open."""
    from core.settings import WorkstationSettings, clinic_settings
    from core.startup import Workplace
    from ui import style
    from ui.main_window import MainWindow
    from ui.widgets.feedback import Feedback

    app = QApplication.instance() or QApplication([])
    style.apply(app)  # type: ignore[arg-type]
    workplace = Workplace(database, care.protocol, care, clinic_settings(database), WorkstationSettings(name="bench"))
    window = MainWindow(workplace)
    window.show()
    try:
        if window.controller.sign_in(Feedback("Bench sign-in"), "bench-a", PASSWORD) is None:
            raise SystemExit("the bench nurse could not sign in")
        window.chair_list.choose(8)
        return timed(lambda _i: window.refresh(), iterations)
    finally:
        close(window)


def close(window: QWidget) -> None:
    """Close and delete the window on a last turn of the event loop, as quitting the app would.

    Its sound effects are deleted with it there; left to the interpreter's exit instead, they are
    freed after the application and the process crashes on the way out.
    """
    app = QApplication.instance()
    window.close()
    window.deleteLater()
    QTimer.singleShot(0, app.quit)
    app.exec()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--no-window", action="store_true", help="time Care.chairs() only, without Qt")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="chairside-board-") as name:
        folder = Path(name).resolve()
        os.environ["CHAIRSIDE_HOME"] = str(folder / "home")  # the window's caches stay in the temporary folder
        path = folder / "chairside.sqlite"
        database = open_database(sqlite_url(path), create=True)
        try:
            clock = ManualClock(T0)
            care = Care(database, load_protocol(), clock, workstation="bench")
            nurse = bench_nurses(care)
            change_clinic_setting(database, "chairs", CHAIRS, None, "board benchmark", T0, workstation="bench")
            busy_board(care, clock, nurse)
            views = care.chairs()
            if len(views) != CHAIRS:
                raise SystemExit(f"expected {CHAIRS} open sessions, found {len(views)}")
            steps = sorted({view.state.step for view in views}, key=list(Step).index)
            events = sum(len(view.state.events) for view in views)
            projection, with_events = floors(path, args.iterations)
            chairs = timed(lambda _i: care.chairs(), args.iterations)
            refresh = None if args.no_window else window_refresh(database, care, args.iterations)
        finally:
            database.dispose()

    base = statistics.median(projection)
    print(f"board refresh, {CHAIRS} open sessions ({events} events), {args.iterations} iterations after warm-up")
    print(f"steps on the board: {', '.join(step.value for step in steps)}")
    print(f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs")
    print()
    print(f"{'':44} {'median ms':>10} {'p95 ms':>10} {'× floor':>8}")
    rows = [
        ("floor: raw SELECT of the 12 projection rows", projection),
        ("raw SELECT of the rows and all their events", with_events),
        ("Care.chairs()", chairs),
    ]
    if refresh is not None:
        rows.append(("MainWindow.refresh() offscreen", refresh))
    for label, samples in rows:
        median = statistics.median(samples)
        print(f"{label:44} {median:10.3f} {percentile(samples, 0.95):10.3f} {median / base:8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
