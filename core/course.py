"""Where a session falls in the patient's course: day n of the order, missed days, a second infusion.

The protocol is a course of sessions (5, on consecutive days). A session runs against the course
order the prescriber gave; it is day n of that course. A session before the first day or after the
last is refused: a new course is always started on purpose, by recording its order, never by
carrying on. A missed day is pointed out. A second infusion on one day needs a prescriber's override.
Days are calendar days where the clinic is (local dates).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.errors import InputError
from core.protocol import Protocol

DAYS_FIELD = "course_days"


@dataclass(frozen=True)
class CourseView:
    id: str
    patient_id: str
    prescriber: str
    protocol_id: str
    protocol_version: str
    first_day: date
    days: int
    recorded_by: str
    recorded_at: datetime

    @property
    def last_day(self) -> date:
        """For consecutive-day courses; others end when their sessions are done."""
        return self.first_day + timedelta(days=self.days - 1)


@dataclass(frozen=True)
class CoursePlace:
    day: int
    of: int
    missed: tuple[int, ...]
    """Earlier days of the course without an infusion (consecutive-day courses)."""


@dataclass(frozen=True)
class UsualOrder:
    first_day: date
    days: int


def usual_order(protocol: Protocol, now: datetime) -> UsualOrder:
    """What an order usually says, offered on the order form for the nurse to check against the order
    itself: a course beginning today (the clinic's local date) for the protocol's number of sessions.
    It is only ever recorded as the nurse transcribes it."""
    return UsualOrder(first_day=now.astimezone().date(), days=protocol.course.sessions)


def parse_course_days(text: str, protocol: Protocol) -> int:
    most = protocol.course.sessions
    value = (text or "").strip()
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= most:  # "²" is a digit to isdigit
        raise InputError(
            DAYS_FIELD, f"The number of days is a whole number from 1 to {most}.", "Copy it from the order."
        )
    return int(value)


def days_left(protocol: Protocol, course: CourseView, today: date, treated_days: list[date]) -> int:
    """Days of the course still to be given, today's included unless its infusion already ran: while
    any are left the course is in force, and a new order would replace it."""
    if not protocol.course.consecutive_days:
        return max(0, course.days - len(set(treated_days)))
    start = max(today, course.first_day)
    if start > course.last_day:
        return 0
    left = (course.last_day - start).days + 1
    return left - 1 if start == today and today in treated_days else left


def place_in_course(protocol: Protocol, course: CourseView, today: date, treated_days: list[date]) -> CoursePlace:
    """``treated_days``: the local dates of this course's earlier sessions in which the infusion ran."""
    if today < course.first_day:
        raise InputError(
            "course",
            f"The course ordered by {course.prescriber} begins on {course.first_day.isoformat()}.",
            "Check the order; if the first day is wrong, record the order again with the right day.",
        )
    if protocol.course.consecutive_days:
        day = (today - course.first_day).days + 1
        over = day > course.days
        done = set(treated_days)
        missed = tuple(
            n for n in range(1, min(day, course.days + 1)) if course.first_day + timedelta(n - 1) not in done
        )
    else:
        day = len(set(treated_days)) + 1
        over = day > course.days
        missed = ()
    if over:
        ended = course.last_day.isoformat() if protocol.course.consecutive_days else "its last session"
        raise InputError(
            "course",
            f"The course of {course.days} days that began on {course.first_day.isoformat()} ended ({ended}).",
            "A new course is started on purpose: record the prescriber's new order first.",
        )
    return CoursePlace(day=day, of=course.days, missed=missed)
