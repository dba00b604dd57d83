"""A change of the computer's clock is noticed against the monotonic clock, and stays told until read."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from core.clock import ManualClock, SystemClock
from core.clock_watch import TOLERANCE, ClockWatch, Jump

START = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


def watched() -> tuple[ManualClock, ClockWatch]:
    clock = ManualClock(START)
    return clock, ClockWatch(clock)


def tick(clock: ManualClock, watch: ClockWatch, seconds: float = 1) -> Jump | None:
    """One second of real time, as the window's timer does it."""
    clock.advance(seconds=seconds)
    return watch.check()


def test_normal_ticks_are_not_jumps_however_long_they_run() -> None:
    clock, watch = watched()
    assert all(tick(clock, watch) is None for _ in range(2400))  # a whole 40-minute infusion
    assert tick(clock, watch, seconds=600) is None  # a tick held up for ten minutes is still real time


def test_a_clock_put_forward_is_a_forward_jump_of_that_size() -> None:
    clock, watch = watched()
    tick(clock, watch)
    clock.jump(timedelta(minutes=10))
    jump = tick(clock, watch)
    assert jump == Jump(size=timedelta(minutes=10), forward=True, noticed_at=clock.now())


def test_a_clock_put_back_is_a_backward_jump_of_that_size() -> None:
    clock, watch = watched()
    clock.jump(timedelta(hours=-1))
    jump = tick(clock, watch)
    assert jump is not None
    assert not jump.forward
    assert jump.size == timedelta(hours=1)
    assert jump.noticed_at == START - timedelta(hours=1) + timedelta(seconds=1)  # back an hour, on a second


def test_a_sleep_is_reported_like_a_clock_put_forward() -> None:
    """While the computer sleeps the monotonic clock stops and the wall clock does not: the pump ran on."""
    clock, watch = watched()
    tick(clock, watch)
    clock.jump(timedelta(minutes=25))  # the lid closed for 25 minutes: only the wall clock moved
    jump = tick(clock, watch)
    assert jump is not None and jump.forward
    assert jump.size == timedelta(minutes=25)


def test_slow_drift_and_time_server_corrections_stay_under_the_tolerance() -> None:
    clock, watch = watched()
    for _ in range(3600):
        clock.jump(timedelta(milliseconds=5))  # a badly kept clock, an hour long
        assert tick(clock, watch) is None
    clock.jump(TOLERANCE)
    assert tick(clock, watch) is None  # a step of exactly the tolerance is still a correction
    clock.jump(-TOLERANCE - timedelta(seconds=1))
    assert tick(clock, watch) is not None


def test_a_jump_stays_reported_until_acknowledged() -> None:
    clock, watch = watched()
    clock.jump(timedelta(minutes=5))
    jump = tick(clock, watch)
    assert jump is not None
    assert all(tick(clock, watch) == jump for _ in range(60))  # not just the tick it happened on
    watch.acknowledge(jump)
    assert tick(clock, watch) is None
    assert watch.pending is None


def test_a_newer_jump_replaces_the_old_and_survives_acknowledging_the_old() -> None:
    clock, watch = watched()
    clock.jump(timedelta(minutes=5))
    first = tick(clock, watch)
    clock.jump(timedelta(minutes=-7))
    second = tick(clock, watch)
    assert first is not None and second is not None
    assert (second.size, second.forward) == (timedelta(minutes=7), False)
    watch.acknowledge(first)  # the nurse read the old words just as the new ones arrived
    assert tick(clock, watch) == second


def test_a_change_of_time_zone_on_the_real_clock_is_not_a_jump(monkeypatch: pytest.MonkeyPatch) -> None:
    """Times are UTC throughout: the computer moved to the other side of the world reads the same instant."""
    watch = ClockWatch(SystemClock())
    try:
        for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Paris"):  # +14 h, -11 h, +1 h
            monkeypatch.setenv("TZ", zone)
            time.tzset()
            assert watch.check() is None
    finally:
        monkeypatch.undo()
        time.tzset()
