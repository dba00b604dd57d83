"""Python's cycle collector held off while the outcome report builds its many small values.

A report over ten years of a clinic holds about a million small objects (rows, tuples, course facts) alive
at once, and makes hundreds of thousands more. The cycle collector runs after every few hundred new
objects, and each of its full passes walks every object still alive: over such a report those passes are
about 40 % of the time, and find nothing (the report's values are trees, not cycles). Holding the
collector off for the report leaves what is computed unchanged; whatever garbage there is goes in the
first collection after, when the report's temporary values are gone.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector off for the block, and back as it was after (on, unless it was off before)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
