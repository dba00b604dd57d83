"""When a course's outcome forms are due, and which course and time point a form answered on a day counts for.

The protocol names the time points (``Protocol.outcomes.time_points``): a baseline before the course's
first infusion, and points after its last one. The rules for counting a form (PROMIS.md section 7) are
kept here, once, for the chair, the due list and the clinic's report alike:

- a baseline is answered within its window before the first infusion began, never after: a form answered
  at the chair once the drug is running describes the treatment, not the patient before it;
- a point after the last infusion belongs to the course only when the course has ended, and only until
  the patient's next course begins: a form answered after that is the new course's baseline if it falls in
  that window, and no course's follow-up otherwise;
- of several forms in one window, a baseline is the latest (nearest the infusion), any other the nearest
  its target day.

Days are the clinic's local dates; a form is placed by the moment it was answered (``taken_at``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from core.outcomes.local_days import LocalDays
from core.protocol import Anchor, Outcomes, TimePoint


class CourseSpan(NamedTuple):
    """What the windows of one course hang on: when it was planned to begin, when its first infusion began
    and on which day its last one ran, and whether any day of it is still to come. (A named tuple: the
    clinic's report makes one for each of some 60,000 courses.)"""

    course_id: str
    patient_id: str
    number: int
    """1 for the patient's first course, 2 for the next, …"""
    first_day: date
    days: int
    first_started_at: datetime | None
    """The moment the course's first infusion began; None while none has."""
    last_infusion_day: date | None
    """The local day of the course's last infusion so far; None while none has run."""
    ended: bool
    """No day of the course is still to come (its last day has passed, or every day was treated)."""


class Window(NamedTuple):
    """The days a time point of one course may be answered in: ``opens`` to ``closes``, both included. A
    baseline's also ends at the moment the first infusion began (``before``). (A named tuple: the follow-up
    list works out those of every course of the last months, some twenty thousand.)"""

    course_id: str
    point: TimePoint
    target: date
    opens: date
    closes: date
    before: datetime | None = None

    def holds(self, taken_at: datetime, on: date | None = None) -> bool:
        """``on``: the local day of ``taken_at``, when the caller has it already."""
        on = on if on is not None else taken_at.astimezone().date()
        if self.before is not None and taken_at >= self.before:
            return False
        return self.opens <= on <= self.closes


def window(point: TimePoint, course: CourseSpan, days: LocalDays | None = None) -> Window | None:
    """The window of ``point`` for ``course``, or None while it cannot be known: a point after the last
    infusion has none until the course has ended with at least one infusion. ``days``: as in ``holding``."""
    found = day_bounds(point, course, days)
    if found is None:
        return None
    target, opens, closes = found
    before = course.first_started_at if point.anchor is Anchor.FIRST_INFUSION else None
    return Window(
        course.course_id, point, date.fromordinal(target), date.fromordinal(opens), date.fromordinal(closes), before
    )


def day_bounds(point: TimePoint, course: CourseSpan, days: LocalDays | None = None) -> tuple[int, int, int] | None:
    """The rule of ``window`` as day ordinals, (target, opens, closes): what the report compares a few hundred
    thousand local days with, so no ``Window`` is built for each course and point."""
    if point.anchor is Anchor.FIRST_INFUSION:
        began = course.first_started_at
        if began is None:
            anchor = course.first_day.toordinal()
        else:
            anchor = days.ordinal(began) if days is not None else _ordinal(began)
    elif not course.ended or course.last_infusion_day is None:
        return None
    else:
        anchor = course.last_infusion_day.toordinal()
    target = anchor + point.offset_days
    return target, target - point.days_before, target + point.days_after


def windows_of(outcomes: Outcomes, course: CourseSpan, days: LocalDays | None = None) -> list[Window]:
    """The course's windows known so far, in the protocol's order."""
    found = (window(point, course, days) for point in outcomes.time_points)
    return [w for w in found if w is not None]


@dataclass(frozen=True)
class Placed:
    """Where a form answered at ``taken_at`` counts: a course's time point, or nowhere."""

    course_id: str
    point_id: str
    target: date


def place(outcomes: Outcomes, courses: Sequence[CourseSpan], taken_at: datetime) -> Placed | None:
    """The course and time point a form answered at ``taken_at`` counts for, by the rules above.

    ``courses``: the patient's courses. Where two windows hold the moment (a follow-up window reaching
    into the next course's baseline before that course has begun), the one whose target day is nearest
    counts, the baseline when both are as near.
    """
    return place_all(outcomes, courses, [taken_at])[0]


def place_all(outcomes: Outcomes, courses: Sequence[CourseSpan], moments: Sequence[datetime]) -> list[Placed | None]:
    """``place`` for each of several moments of one patient, the windows worked out once (the clinic's
    report places every form of every patient)."""
    return place_among(windows_in_order(outcomes, courses), moments)


def windows_in_order(outcomes: Outcomes, courses: Sequence[CourseSpan]) -> list[tuple[Window, CourseSpan | None]]:
    """The windows of a patient's courses known so far, course by course (by number) in the protocol's
    order, each with the course after its own (None for the last)."""
    ordered = sorted(courses, key=lambda c: c.number)
    windows: list[tuple[Window, CourseSpan | None]] = []
    for index, course in enumerate(ordered):
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        windows += [(w, following) for w in windows_of(outcomes, course)]
    return windows


def place_among(
    windows: Sequence[tuple[Window, CourseSpan | None]], moments: Sequence[datetime]
) -> list[Placed | None]:
    """``place_all`` over a patient's windows as ``windows_in_order`` gives them, for a caller that needs
    the windows too (the follow-up list)."""
    placed: list[Placed | None] = []
    for taken_at in moments:
        on = taken_at.astimezone().date()
        candidates: list[tuple[int, int, Window]] = []
        for w, following in windows:
            if not w.holds(taken_at, on):
                continue
            if not w.point.is_baseline and _after_next_began(following, taken_at, on):
                continue
            candidates.append((0 if w.point.is_baseline else 1, abs((on - w.target).days), w))
        if not candidates:
            placed.append(None)
            continue
        _, _, best = min(candidates, key=lambda c: (c[1], c[0]))
        placed.append(Placed(best.course_id, best.point.id, best.target))
    return placed


Hit = tuple[str, TimePoint, int, int]
"""Where ``holding`` places a moment: (course id, time point, target day, the moment's local day), days as
ordinals."""


def holding(
    outcomes: Outcomes, courses: Sequence[CourseSpan], moments: Sequence[datetime], days: LocalDays | None = None
) -> list[Hit | None]:
    """``place_all`` for the clinic's report: the same rules (the tests hold the two equal) with each window's
    bounds as day ordinals, so a moment costs a few integer comparisons per window of its patient (the report
    places a few hundred thousand forms), and no object is built per moment."""
    ordinal = days.ordinal if days is not None else _ordinal
    ons = [ordinal(taken_at) for taken_at in moments]
    if not ons:
        return []
    earliest = min(ons)
    ordered = sorted(courses, key=lambda c: c.number)
    bounds = []
    for index, course in enumerate(ordered):
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        next_began = following.first_started_at if following is not None else None
        next_day = following.first_day.toordinal() if following is not None and next_began is None else None
        began = course.first_started_at
        for point in outcomes.time_points:
            found = day_bounds(point, course, days)
            if found is None:
                continue
            target, opens, closes = found
            if closes < earliest:
                continue  # closed before the first of the moments: a patient's long-past courses hold none
            if point.is_baseline:
                bounds.append((opens, closes, began, 0, target, None, None, course.course_id, point))
            else:
                bounds.append((opens, closes, None, 1, target, next_began, next_day, course.course_id, point))
    found_all: list[Hit | None] = []
    for taken_at, on in zip(moments, ons, strict=True):
        best: Hit | None = None
        nearest = (0, 0)
        for opens, closes, before, rank, target, next_began, next_day, course_id, point in bounds:
            if on < opens or on > closes or (before is not None and taken_at >= before):
                continue
            if (next_began is not None and taken_at >= next_began) or (next_day is not None and on >= next_day):
                continue  # the next course has begun: this course's follow-ups are over
            distance = (abs(on - target), rank)
            if best is None or distance < nearest:
                best, nearest = (course_id, point, target, on), distance
        found_all.append(best)
    return found_all


def earliest_counted(outcomes: Outcomes, first_began: datetime) -> datetime:
    """The first moment a form can count for a course whose first infusion began at or after
    ``first_began``: every window opens on or after its anchor less its ``days_before`` (the protocol keeps
    offsets at 0 or more, and every anchor is on or after the first infusion's day), and a day more allows
    for a change of the clocks. A session's adverse events and stops are later still, so the report reads
    none of them, nor any form, from before it."""
    before = max(point.days_before for point in outcomes.time_points)
    return first_began - timedelta(days=before + 1)


def _ordinal(moment: datetime) -> int:
    return moment.astimezone().date().toordinal()


def _after_next_began(following: CourseSpan | None, taken_at: datetime, on: date) -> bool:
    """Answered once the patient's next course has begun (its first infusion, or failing one, its first
    day): from then on the earlier course's follow-ups are over."""
    if following is None:
        return False
    if following.first_started_at is not None:
        return taken_at >= following.first_started_at
    return on >= following.first_day


def best_of(point: TimePoint, target: date, answered: Iterable[datetime]) -> datetime | None:
    """Of the moments forms were answered in one window, the one that counts: a baseline's latest, any
    other point's nearest its target day (the earlier of two as near)."""
    moments = sorted(answered)
    if not moments:
        return None
    if point.is_baseline:
        return moments[-1]
    return min(moments, key=lambda m: abs((m.astimezone().date() - target).days))
