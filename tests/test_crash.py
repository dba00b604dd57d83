"""Kill a real process mid-infusion, reopen its database, and find everything it had committed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.care import Care
from core.clock import ManualClock, SystemClock
from core.machine import Step
from core.persistence.db import open_database, sqlite_url
from core.protocol import Protocol

ROOT = Path(__file__).resolve().parent.parent
CHILD = Path(__file__).resolve().parent / "crash_child.py"


def run_and_kill(db_path: Path, mode: str) -> tuple[list[str], str, float]:
    """Start the child, wait until it says ready, kill -9 it; return committed ids, session id, kill time."""
    with subprocess.Popen(
        [sys.executable, str(CHILD), str(db_path), mode],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as child:
        try:
            committed, session_id = read_until_ready(child)
        finally:
            child.send_signal(signal.SIGKILL)
            killed_at = SystemClock().now().timestamp()
            child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    return committed, session_id, killed_at


def read_until_ready(child: subprocess.Popen[str]) -> tuple[list[str], str]:
    committed, session_id = [], ""
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("committed "):
            committed.append(line.split()[1])
        elif line.startswith("session "):
            session_id = line.split()[1]
        elif line.strip() == "ready":
            return committed, session_id
    pytest.fail(f"the child ended early: {child.stderr.read() if child.stderr else ''}")


@pytest.mark.slow
def test_kill_mid_infusion_keeps_every_commit_and_the_time_left(tmp_path: Path, protocol: Protocol):
    db_path = tmp_path / "crash.sqlite"
    committed, session_id, _ = run_and_kill(db_path, "manual")
    assert len(committed) >= 9

    # The app restarts ten minutes after the last thing it recorded; the pump kept running.
    clock = ManualClock(datetime(2026, 11, 26, 13, 30, tzinfo=UTC))
    database = open_database(sqlite_url(db_path))
    care = Care(database, protocol, clock, workstation="after-crash")
    state = care.state(session_id)
    assert [event.id for event in state.events] == committed
    assert state.step is Step.INFUSING
    # 5 min, a 3-minute pause, 12 min (17 infused at the kill at 13:20), then 10 more minutes running.
    assert state.infusion.infused == timedelta(minutes=27)
    assert state.infusion.remaining == timedelta(minutes=13)
    database.dispose()
    assert state.needs_pump_check
    nurse = state.events[-1].recorded_by
    state = care.confirm_pump(session_id, running=True, by=nurse)
    assert not state.needs_pump_check
    assert state.infusion.remaining == timedelta(minutes=13)


@pytest.mark.slow
def test_kill_on_the_real_clock_counts_down_as_if_nothing_happened(tmp_path: Path, protocol: Protocol):
    db_path = tmp_path / "crash-real.sqlite"
    committed, session_id, killed_at = run_and_kill(db_path, "system")
    database = open_database(sqlite_url(db_path))
    care = Care(database, protocol, SystemClock(), workstation="after-crash")
    state = care.state(session_id)
    assert [event.id for event in state.events] == committed
    started = state.infusion.started_at
    assert started is not None
    expected = timedelta(minutes=40) - (SystemClock().now() - started)
    assert abs(state.infusion.remaining - expected) < timedelta(seconds=2)
    assert started.timestamp() <= killed_at
    assert state.needs_pump_check
    database.dispose()
