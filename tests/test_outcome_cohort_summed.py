"""A report's patients' earlier courses may come as what their sessions add up to (``CourseMoments``), not
session by session: the report must count exactly the same either way.

``records.outcome_cohort`` reads the sessions of the courses that can be in the report, and of each
patient's last course, and only the moments of the rest; here the same summing is done by hand on made-up
cohorts, and the two reports compared figure by figure (as their CSV).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest

from core.outcomes.cohort import TREATED, Cohort, CourseMoments, CourseRow, SessionRow, day_bounds
from core.outcomes.report import csv_bytes
from core.protocol import Protocol
from tests.test_outcome_metrics import at, report, sessions, sitting

PATTERNS = ("CCCCC", "CCCCC", "CC-CC", "CSCCC", "NCCCC", "C----", "-----", "[CC]CCC", "CCCS")


def made_up(seed: int) -> Cohort:
    """Forty patients, each with one to four courses over three years and forms around them."""
    rng = random.Random(seed)
    courses, rows, sittings = [], [], []
    for p in range(40):
        pid = f"p{p}"
        first = date(2023, 1, 2) + timedelta(days=rng.randrange(900))
        for n in range(rng.randint(1, 4)):
            cid = f"{pid}-{n}"
            courses.append(CourseRow(cid, pid, first, 5, at(first - timedelta(days=7 - n))))
            rows += sessions(cid, pid, first, rng.choice(PATTERNS))
            for offset in (-2, 4, 95, 185):
                if rng.random() < 0.8:
                    moment = at(first + timedelta(days=offset + rng.randint(-3, 3)), 12)
                    sittings.append(sitting(pid, moment, pi=f"{rng.randint(45, 75)}.0", pf=f"{rng.randint(25, 50)}.0"))
            first += timedelta(days=rng.randrange(20, 400))
    return Cohort(courses=tuple(courses), sessions=tuple(rows), assessments=tuple(sittings))


def summed(cohort: Cohort, before: datetime) -> Cohort:
    """The cohort as ``records.outcome_cohort`` reads it: the courses whose first infusion began before
    ``before`` and that are not their patient's last, as their moments."""
    last = {c.patient_id: c.id for c in sorted(cohort.courses, key=lambda c: (c.recorded_at, c.id))}
    of: dict[str, list[SessionRow]] = {}
    for s in cohort.sessions:
        of.setdefault(s.course_id or "", []).append(s)
    moments = {}
    for course in cohort.courses:
        mine = of.get(course.id, [])
        started = [s.started_at for s in mine if s.started_at is not None]
        treated = [s.started_at or s.opened_at for s in mine if s.outcome in TREATED]
        if started and min(started) < before and course.id != last[course.patient_id]:
            moments[course.id] = CourseMoments(
                course.id, min(started), min(treated, default=None), max(treated, default=None)
            )
    kept = tuple(s for s in cohort.sessions if s.course_id not in moments)
    return Cohort(cohort.courses, kept, (), (), (), cohort.assessments, moments)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    "period",
    [
        (date(2024, 1, 1), date(2024, 12, 31)),
        (date(2025, 4, 1), date(2025, 6, 30)),
        (date(2023, 1, 1), date(2025, 12, 31)),
    ],
)
def test_earlier_courses_summed_count_exactly_as_session_by_session(protocol: Protocol, seed: int, period):
    first, last = period
    whole = made_up(seed)
    start, _ = day_bounds(first, last)
    part = summed(whole, start - timedelta(days=1))
    assert len(part.sessions) < len(whole.sessions) or first == date(2023, 1, 1)
    assert csv_bytes(report(protocol, part, first, last)) == csv_bytes(report(protocol, whole, first, last))
