"""CPU time of repeated runs, and the line a bench prints for them: the median, its spread, and its ratio
to a floor measured in the same run (CPU time of this process, so other work on a shared machine does not
count against it)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def cpu(run: Callable[[], object], runs: int) -> list[float]:
    """CPU milliseconds of each of ``runs`` runs, after one warm-up."""
    run()
    samples = []
    for _ in range(runs):
        began = time.process_time()
        run()
        samples.append((time.process_time() - began) * 1000)
    return samples


def line(label: str, samples: list[float], floor: list[float] | None = None) -> None:
    median = statistics.median(samples)
    ratio = f"; ratio of medians to the floor {median / statistics.median(floor):.1f}" if floor else ""
    print(f"{label}: {median:.1f} ms median (min {min(samples):.1f}, max {max(samples):.1f}){ratio}")
