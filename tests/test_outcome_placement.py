"""The report's fast paths give what the simple rules give: ``holding`` (day ordinals, one pass over a
patient's windows) places every moment where ``place_all`` does, and ``LocalDays`` finds the local day
``astimezone()`` finds, in zones with summer time, half-hour changes and a change at midnight."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.outcomes.local_days import LocalDays
from core.outcomes.windows import CourseSpan, Placed, holding, place_all
from core.protocol import Protocol, load_protocol

START = datetime(2024, 1, 1, tzinfo=UTC)
OUTCOMES = load_protocol().outcomes


@st.composite
def courses(draw: st.DrawFn) -> list[CourseSpan]:
    """One patient's courses, each beginning a few days to months after the one before, some without an
    infusion yet, the last sometimes still running."""
    made = []
    day = START.date() + timedelta(days=draw(st.integers(0, 30)))
    count = draw(st.integers(1, 4))
    for number in range(1, count + 1):
        began = draw(st.none() | st.integers(0, 3 * 24 * 60).map(lambda m: timedelta(minutes=m)))
        first = datetime.combine(day, datetime.min.time(), UTC) + began if began is not None else None
        last = day + timedelta(days=draw(st.integers(0, 6))) if first is not None else None
        ended = number < count or draw(st.booleans())
        made.append(CourseSpan(f"c{number}", "p1", number, day, 5, first, last, ended))
        day += timedelta(days=draw(st.integers(3, 200)))
    return made


moments = st.lists(
    st.integers(-40 * 24 * 60, 900 * 24 * 60).map(lambda m: START + timedelta(minutes=m)), min_size=1, max_size=12
)


@settings(max_examples=300, deadline=None)
@given(spans=courses(), answered=moments)
def test_the_reports_placement_is_place_all(spans: list[CourseSpan], answered: list[datetime]):
    days = LocalDays(date(2023, 11, 1), date(2026, 12, 31))
    simple = place_all(OUTCOMES, spans, answered)
    fast = [
        Placed(hit[0], hit[1].id, date.fromordinal(hit[2])) if hit is not None else None
        for hit in holding(OUTCOMES, spans, answered, days)
    ]
    assert fast == simple
    assert [hit[3] if hit else None for hit in holding(OUTCOMES, spans, answered)] == [
        m.astimezone().date().toordinal() if p else None for m, p in zip(answered, simple, strict=True)
    ]


@pytest.fixture(params=["UTC", "Europe/Berlin", "America/Santiago", "Australia/Lord_Howe", "Asia/Kathmandu"])
def zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """The process's local zone for one test (``astimezone()`` reads it), put back afterwards."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_local_days_are_astimezones_days_around_every_change(zone: str):
    days = LocalDays(date(2015, 1, 1), date(2025, 12, 31))
    probes = [START - timedelta(days=4000) + timedelta(hours=7 * n, seconds=n % 61) for n in range(13_000)]
    for change in days._changes[1:]:
        probes += [change + timedelta(microseconds=d) for d in (-1_000_001, -1, 0, 1, 999_999)]
    probes += [datetime(2010, 3, 1, 12, tzinfo=UTC), datetime(2030, 7, 1, 23, 30, tzinfo=UTC)]  # outside: one by one
    assert [days.ordinal(m) for m in probes] == [m.astimezone().date().toordinal() for m in probes]
    assert days.day(probes[5]) == probes[5].astimezone().date()
    # A course kept in short holds its moments cut down to the second: each still on the moment's own day.
    seconds = [(m - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(seconds=1) for m in probes]
    assert [days.ordinal_of_second(s) for s in seconds] == [m.astimezone().date().toordinal() for m in probes]


def test_the_protocol_fixture_is_the_shipped_one(protocol: Protocol):
    """The placement above is checked against the shipped protocol's time points."""
    assert protocol.outcomes.time_points == OUTCOMES.time_points
