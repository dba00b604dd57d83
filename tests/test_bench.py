"""The benchmarks still run against today's code (their figures are read by people, not asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_commit_latency_runs_with_its_parts(tmp_path: Path):
    out = run("commit_latency.py", "--iterations", "3", "--dir", str(tmp_path), "--phases")
    assert "Care.record_vitals" in out and "of which SQLite's commit" in out
    written = dict(line.strip().split(": added per entry: ") for line in out.splitlines() if "added per entry" in line)
    assert written["floor: a set's 4 rows by sqlite3"] == written["Care.record_vitals"]  # each floor writes its
    assert written["floor: a pause's 3 rows by sqlite3"] == written["Care.pause / Care.resume"]  # action's rows
    assert "vital_set 1" in written["Care.record_vitals"] and "vital_set 0" in written["Care.pause / Care.resume"]


def test_board_refresh_runs_with_twelve_chairs():
    out = run("board_refresh.py", "--iterations", "3")
    assert "12 open sessions" in out and "MainWindow.refresh() offscreen" in out


def test_vitals_entry_runs_through_the_window():
    out = run("vitals_entry.py", "--iterations", "3")
    assert "shortest keyboard path: 13 keystrokes" in out and "Enter to saved" in out


def test_report_build_runs_against_a_bare_page():
    out = run("report_build.py", "--runs", "2", "--page-size", "Letter")
    assert "ratio of medians, downtime forms / floor" in out
    assert "ratio of medians, session summary (signed, demo) / floor" in out


@pytest.mark.slow
def test_startup_runs_on_the_demo_day():
    out = run("startup.py", "--runs", "1", "--demo")
    assert "(a) window painted / bare window: ratio of medians" in out and "(b) usable board / floor (b)" in out


def test_day_log_runs_with_sixty_sessions():
    out = run("day_log.py", "--runs", "2")
    assert "day log, 60 sessions" in out and "ratio of medians, 60-session day log PDF / floor" in out


def test_scale_runs_on_a_small_history():
    out = run("scale.py", "--sizes", "300", "--runs", "1")
    for figure in ("patient by record number", "patient by name", "board tick (12 chairs)", "day log", "audit verify"):
        assert figure in out, out


def test_outcome_report_runs_on_a_small_made_up_cohort():
    out = run("outcome_report.py", "--patients", "100", "--runs", "1")
    assert "made-up cohort: 200 courses" in out and "outcome_report: " in out and "ratio of medians" in out


def test_demo_fill_runs_with_its_phases():
    out = run("demo_fill.py", "--runs", "1", "--phases")
    assert "demo --fill-only:" in out and "floor" in out
    assert "the two-year history built" in out and "the live day played through Care" in out
    assert "of which template sessions copied" in out and "of which rows handed to SQLite" in out


def test_history_builds_and_verifies(tmp_path: Path):
    out = run("history.py", "--years", "0.3", "--patients", "12", "--runs", "1", "--dir", str(tmp_path))
    assert "audit verify: OK" in out and "floor, raw SQL aggregate" in out and "records/s" in out


@pytest.mark.postgresql
def test_server_latency_runs_on_a_throwaway_server():
    out = run("server_latency.py", "--iterations", "3")
    assert "Care.record_vitals, socket" in out and "a cart's entry on the desk's board" in out


@pytest.mark.postgresql
def test_the_journal_soak_runs_two_rounds():
    out = run("soak_journal.py", "--rounds", "2", "--entries", "3")
    assert "every one on the server exactly once" in out and "audit verify passed after every round" in out


@pytest.mark.postgresql
def test_load_runs_two_workstations_on_a_throwaway_server():
    out = run("load.py", "--workstations", "2", "--chairs", "2", "--desk-tick", "0.2")
    assert "2 workstations × 2 chairs: 4 sessions" in out
    assert "nothing lost or saved twice" in out and "audit verify: OK" in out
