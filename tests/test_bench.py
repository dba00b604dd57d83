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


def test_commit_latency_runs(tmp_path: Path):
    assert "Care.record_vitals" in run("commit_latency.py", "--iterations", "3", "--dir", str(tmp_path))


@pytest.mark.slow
def test_startup_runs_on_the_demo_day():
    assert "ratio of medians" in run("startup.py", "--runs", "1", "--demo")
