"""Generated input at every door, with many more examples than CI runs: the fuzz suite, timed.

Runs ``tests/test_fuzz.py`` (every service entry point and command, given control characters, lone
surrogates, odd digits, exponents and ten thousand characters) with ``--examples`` per door, and prints
how many inputs were tried, how long they took and whether any met a crash rather than words. Nothing
here is compared with a floor: the figure is the count of inputs tried without a crash.

Run from the repository root: ``.venv/bin/python bench/fuzz.py [--examples N]`` (default 10,000 per door,
about 100,000 inputs; a few minutes).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOORS = 13
"""The generated-input tests in tests/test_fuzz.py (the database-address test runs a fixed list)."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10_000, help="examples per door (CI runs 1,000)")
    args = parser.parse_args()
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(ROOT / "tests" / "test_fuzz.py")],
        cwd=ROOT,
        env={**os.environ, "CHAIRSIDE_FUZZ_EXAMPLES": str(args.examples)},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    print(run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr)
    print(
        f"inputs tried: {args.examples * DOORS:,} in {seconds:.0f} s ({args.examples * DOORS / seconds:,.0f} a second)"
    )
    print("crashes: none" if run.returncode == 0 else "crashes: see above (pytest output)\n" + run.stdout[-4000:])
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
