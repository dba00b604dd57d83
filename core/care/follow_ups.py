"""The follow-up list, read for every patient at once: the charge nurse's list of forms coming, due,
overdue, missed and done, with each patient's contact route (``core.outcomes.due`` holds the rules).

Only what can still be on the list is read (``core.records.follow_ups``, a few queries of plain columns on
indexes of kind and moment), so the list grows with the clinic's recent activity, never with its years:
the courses with a session in the months a window can still reach the list (the longest window after the
last infusion, and the look-back); the forms answered in windows still listed, whose and when only; then
what the form that counts for each window holds (``standing`` decides which, before ``listed`` reads it).
A list asked for a past day is built from what was recorded by the end of that day.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from core import records
from core.audit import AuditAction
from core.care.base import TREATED, CareBase
from core.care.outcome_forms import course_span
from core.errors import InputError
from core.people import Permission
from core.unit_of_work import Tx

if TYPE_CHECKING:
    from core.outcomes.contact import ContactView
    from core.outcomes.due import FollowUpList
    from core.outcomes.windows import CourseSpan

# The list's rules (``core.outcomes.due``) are imported where the list is made: a start does not load them.

MOST_DAYS = 3660
"""The longest look-back or look-ahead a list is asked for: ten years."""


class FollowUps(CareBase):
    """The follow-up list, plain and as a charge nurse reads it (permitted and audited)."""

    def follow_ups_due(
        self,
        on: date | None = None,
        look_back_days: int | None = None,
        ahead_days: int | None = None,
    ) -> FollowUpList:
        """The list on ``on`` (today, by the clinic's clock, when not given), looking back and ahead as far
        as asked, or as ``core.outcomes.due`` does by default (``DEFAULT_LOOK_BACK_DAYS``, ``DEFAULT_AHEAD_DAYS``)."""
        from core.outcomes.due import DEFAULT_AHEAD_DAYS, DEFAULT_LOOK_BACK_DAYS, Person, listed, standing

        look_back_days = DEFAULT_LOOK_BACK_DAYS if look_back_days is None else look_back_days
        ahead_days = DEFAULT_AHEAD_DAYS if ahead_days is None else ahead_days
        day = on if on is not None else self._today()
        for field, value in (("look_back_days", look_back_days), ("ahead_days", ahead_days)):
            if not 0 <= value <= MOST_DAYS:
                raise InputError(field, f"{value} days is not a period the list can use.", "Give 0 to 3660 days.")
        outcomes = self.protocol.outcomes
        reach = max((p.offset_days + p.days_after for p in outcomes.time_points if not p.is_baseline), default=0)
        widest = max((p.days_before + p.days_after for p in outcomes.time_points if not p.is_baseline), default=0)
        since_day = day - timedelta(days=reach + look_back_days + 1)
        since, until = _start_of(since_day), _start_of(day + timedelta(days=1))
        with self.door.reading() as tx:
            spans = self._all_spans(tx, day, since, until)
            # A form counts for the one window it is placed in, on its own: only those answered in a window
            # still listed (closed at most look_back_days ago, so opened at most `widest` days before that)
            # can change the list.
            answered_from = _start_of(day - timedelta(days=look_back_days + widest))
            answered = records.sittings_between(tx, answered_from, until)
            found = standing(outcomes, spans, answered, day, ahead_days=ahead_days, look_back_days=look_back_days)
            counts = records.sitting_counts(tx, [one.answer.id for one in found if one.answer is not None])
            patients = records.patients_named(tx, list(spans))
            routes = records.contact_routes(tx, list(spans), until)
            names = records.staff_names_of(tx, {row.recorded_by for row in routes.values()})
        people = {pid: Person(pid, p.mrn, p.family_name, p.given_name, p.birth_date) for pid, p in patients.items()}
        contacts = {pid: _contact(row, names.get(row.recorded_by, "")) for pid, row in routes.items()}
        return listed(
            outcomes,
            found,
            people,
            contacts,
            lambda row: counts[row.id],
            day,
            ahead_days=ahead_days,
            look_back_days=look_back_days,
        )

    def view_follow_ups(
        self,
        by: str,
        on: date | None = None,
        look_back_days: int | None = None,
        ahead_days: int | None = None,
    ) -> FollowUpList:
        """The list for a charge nurse signed in to the app: it shows many patients' names and telephone
        numbers, so only an account that reviews the clinic's day may read it, and each reading is audited."""
        self.door.permit(by, Permission.REVIEW_DAY)
        found = self.follow_ups_due(on, look_back_days, ahead_days)
        detail = {
            "date": found.on.isoformat(),
            "ahead_days": found.ahead_days,
            "look_back_days": found.look_back_days,
            "follow_ups_shown": len(found.items),
        }
        with self.door.writing(by, Permission.REVIEW_DAY) as work:
            work.audit(AuditAction.FOLLOW_UPS_VIEWED, detail=detail)
        return found

    def _all_spans(self, tx: Tx, day: date, since: datetime, until: datetime) -> dict[str, list[CourseSpan]]:
        """The spans of the courses that may have a window on the list (``records.recent_courses``), as they
        stood at the end of ``day``, by patient.

        A course's span hangs on its first and last infusions, and on its days of treatment only while days
        of it are still to be given (``days_left``): so the database gives each course's first and last
        infusion, and every session only of the courses whose days may still be running (on or after
        ``day``, or any not yet replaced when the protocol's days need not be consecutive)."""
        courses = records.recent_courses(tx, since, until)
        ends = {row.course_id: [row.first, row.last] for row in records.course_moments_since(tx, since, until, TREATED)}
        consecutive = self.protocol.course.consecutive_days
        running = [c.id for c, number, of in courses if number == of and (c.last_day >= day or not consecutive)]
        moments: dict[str, list[datetime]] = defaultdict(list)
        for session in records.treated_sessions_of(tx, running, until, TREATED):
            moments[session.course_id].append(session.began)
        spans: dict[str, list[CourseSpan]] = defaultdict(list)
        for course, number, of in courses:
            began = sorted(moments[course.id]) if course.id in moments else ends.get(course.id, [])
            spans[course.patient_id].append(course_span(self.protocol, course, number, began, day, number < of))
        return dict(spans)


def _start_of(day: date) -> datetime:
    """The first moment of a local day."""
    return datetime.combine(day, time(0)).astimezone()


def _contact(row: records.follow_ups.ContactRow, recorded_by: str) -> ContactView:
    from core.outcomes.contact import ContactView

    return ContactView(row.patient_id, row.phone, row.preferred, row.note, recorded_by, row.recorded_at)
