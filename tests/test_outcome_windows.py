"""Which course and time point a form counts for (PROMIS.md section 7's conventions), worked out by hand:
a baseline before the first infusion began and never after, follow-ups only once the course has ended and
only until the next course begins, and then the new course's baseline instead."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core.outcomes.windows import CourseSpan, Placed, best_of, place, windows_of
from core.protocol import Protocol

FIRST = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
"""Course 1's first infusion began (a Monday); its last ran on the Friday."""


def course_one(ended: bool = True) -> CourseSpan:
    return CourseSpan("c1", "p1", 1, FIRST.astimezone().date(), 5, FIRST, date(2026, 3, 6) if ended else None, ended)


def course_two(first_day: date, began: datetime | None) -> CourseSpan:
    return CourseSpan("c2", "p1", 2, first_day, 5, began, None, False)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC).astimezone()


def test_a_baseline_is_answered_within_its_window_before_the_first_infusion_and_never_after(protocol: Protocol):
    outcomes = protocol.outcomes
    spans = [course_one()]
    first_day = FIRST.astimezone().date()
    assert place(outcomes, spans, FIRST - timedelta(minutes=5)) == Placed("c1", "baseline", first_day)
    assert place(outcomes, spans, at(first_day - timedelta(days=14))) == Placed("c1", "baseline", first_day)
    assert place(outcomes, spans, at(first_day - timedelta(days=15))) is None  # too long before
    assert place(outcomes, spans, FIRST + timedelta(minutes=1)) is None  # the drug is running: not a baseline


def test_before_the_first_infusion_a_baseline_window_hangs_on_the_ordered_first_day(protocol: Protocol):
    planned = CourseSpan("c1", "p1", 1, date(2026, 3, 2), 5, None, None, False)
    (baseline,) = windows_of(protocol.outcomes, planned)  # nothing after the last infusion is known yet
    assert (baseline.opens, baseline.closes, baseline.before) == (date(2026, 2, 16), date(2026, 3, 2), None)


def test_follow_ups_count_from_the_last_infusion_once_the_course_has_ended(protocol: Protocol):
    outcomes = protocol.outcomes
    last = date(2026, 3, 6)
    assert place(outcomes, [course_one()], at(last)) == Placed("c1", "end", last)
    assert place(outcomes, [course_one()], at(last + timedelta(days=3))) == Placed("c1", "end", last)
    assert place(outcomes, [course_one()], at(last + timedelta(days=4))) is None  # between end and 3 months
    three = last + timedelta(days=91)
    assert place(outcomes, [course_one()], at(three - timedelta(days=30))) == Placed("c1", "3m", three)
    assert place(outcomes, [course_one()], at(three + timedelta(days=30))) == Placed("c1", "3m", three)
    six = last + timedelta(days=182)
    assert place(outcomes, [course_one()], at(six + timedelta(days=30))) == Placed("c1", "6m", six)
    assert place(outcomes, [course_one()], at(six + timedelta(days=31))) is None
    running = CourseSpan("c1", "p1", 1, date(2026, 3, 2), 5, FIRST, date(2026, 3, 4), False)
    assert [w.point.id for w in windows_of(outcomes, running)] == ["baseline"]  # days still to come


def test_a_follow_up_after_the_next_course_began_is_that_course_s_baseline_not_the_old_one_s_outcome(
    protocol: Protocol,
):
    """Course 2 begins 100 days after course 1 ended, inside course 1's 3-month window (61-121 days)."""
    outcomes = protocol.outcomes
    second_day = date(2026, 3, 6) + timedelta(days=100)
    began = at(second_day, 14)
    spans = [course_one(), course_two(second_day, began)]
    assert place(outcomes, spans, began - timedelta(hours=2)) == Placed("c2", "baseline", second_day)
    after = began + timedelta(days=2)  # still within course 1's 3-month window, but course 2 is running
    assert place(outcomes, spans, after) is None
    before_window = at(second_day - timedelta(days=20))  # course 1's 3 months; too early for course 2's baseline
    assert place(outcomes, spans, before_window) == Placed("c1", "3m", date(2026, 3, 6) + timedelta(days=91))


def test_where_two_windows_hold_a_day_the_nearer_target_counts(protocol: Protocol):
    """Course 2 ordered (not begun) for 14 June, 100 days after course 1 ended on 6 March: course 1's
    3-month target is 5 June (window 6 May - 5 July), course 2's baseline window 31 May - 14 June."""
    second_day = date(2026, 6, 14)
    spans = [course_one(), course_two(second_day, None)]
    three = Placed("c1", "3m", date(2026, 6, 5))
    assert place(protocol.outcomes, spans, at(date(2026, 6, 12))) == Placed("c2", "baseline", second_day)  # 2 v 7
    assert place(protocol.outcomes, spans, at(date(2026, 6, 1))) == three  # 4 days from 5 June, 13 from 14 June
    assert place(protocol.outcomes, spans, at(date(2026, 5, 20))) == three  # before course 2's window opens


@pytest.mark.parametrize(
    ("point_id", "expected"),
    [("baseline", 2), ("3m", 1)],
    ids=["a baseline takes the latest", "a follow-up takes the nearest its target"],
)
def test_of_several_forms_in_one_window_one_counts(protocol: Protocol, point_id: str, expected: int):
    point = protocol.outcomes.time_point(point_id)
    target = date(2026, 6, 5)
    moments = [at(target - timedelta(days=9)), at(target + timedelta(days=2)), at(target + timedelta(days=5))]
    assert best_of(point, target, moments) == moments[expected]
    assert best_of(point, target, []) is None
