"""Time as an input. ``SystemClock`` is the only code in Chairside that reads the wall clock.

Everything else receives a ``Clock``, so a 40-minute infusion can be run in a test in milliseconds
and the countdown is always computed from recorded event times, never from timer ticks.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never jumps; used only to notice the wall clock jumping."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()


class ManualClock:
    """A clock that moves only when told to: for tests, demo data and benchmarks."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start time")
        self._now = start.astimezone(UTC)
        self._mono = 0.0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, delta: timedelta | None = None, *, minutes: float = 0, seconds: float = 0) -> None:
        step = (delta or timedelta()) + timedelta(minutes=minutes, seconds=seconds)
        if step < timedelta():
            raise ValueError("use jump() to move the wall clock backwards")
        self._now += step
        self._mono += step.total_seconds()

    def jump(self, delta: timedelta) -> None:
        """Move the wall clock only, as when someone changes the computer's clock."""
        self._now += delta


def ensure_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("times in Chairside are timezone-aware")
    return moment.astimezone(UTC)
