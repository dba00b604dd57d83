"""Days of a course with no infusion, and why: the first records kept on a patient's own stream.

A day passes without an infusion for the patient's reasons (did not come, unwell, declined) or the
clinic's (no second nurse, no drug, a fault). The course's record says which for each day, and the
adherence the clinic reports counts them apart, so each is recorded once, by day, with its reason.
"""

from __future__ import annotations

from datetime import date, timedelta

from core import event_data as d
from core import records
from core.care.base import required_text
from core.care.courses import CourseOrders
from core.course import CourseView
from core.errors import InputError, NotFound
from core.events import EventType, PatientEvent
from core.people import Permission
from core.unit_of_work import Tx
from core.views import DayNotGivenView


class CourseDays(CourseOrders):
    """Recording a day of the course as not given, and reading back the days so recorded."""

    def record_day_not_given(
        self, course_id: str, day: int, *, by_clinic: bool, reason: str, by: str
    ) -> DayNotGivenView:
        """Day ``day`` of the course had no infusion, because of the clinic (``by_clinic``) or the patient.

        Refused for a day still to come, a day whose infusion ran, and a day already recorded: a day has
        one account of why it was not given.
        """
        why = required_text(reason, "day_reason", "why the day had no infusion")
        with self.door.writing(by, Permission.RECORD_CARE) as work:
            course = records.course(work.tx, course_id)
            if course is None:
                raise NotFound("That course order was not found.", "Open the patient's record again.")
            on = self._day_of(course, day)
            self._refuse_recorded(work.tx, course, day, on)
            kind = EventType.DAY_CANCELLED if by_clinic else EventType.DAY_MISSED
            data = d.DayNotGiven(day, on.isoformat(), why)
            event = work.record_for_patient(course.patient_id, kind, data, course_id=course.id)
            names = records.staff_names_of(work.tx, {by})
        return not_given_view(event, names)

    def days_not_given(self, course_id: str) -> list[DayNotGivenView]:
        """The course's days recorded as not given, in day order."""
        with self.door.reading() as tx:
            course = records.course(tx, course_id)
            if course is None:
                return []
            found = not_given(records.patient_events(tx, course.patient_id), course_id)
            names = records.staff_names_of(tx, {event.recorded_by for event in found})
        return sorted((not_given_view(event, names) for event in found), key=lambda view: view.day)

    def course_dates(self, course_id: str) -> dict[int, date]:
        """Each day of a consecutive-day course by its date (none for a course whose days are not dated)."""
        with self.door.reading() as tx:
            course = records.course(tx, course_id)
        if course is None or not self.protocol.course.consecutive_days:
            return {}
        return {n: course.first_day + timedelta(days=n - 1) for n in range(1, course.days + 1)}

    def _day_of(self, course: CourseView, day: int) -> date:
        """The date of day ``day``: on a consecutive-day course its place in the course, else today."""
        if not 1 <= day <= course.days:
            raise InputError("day", f"The course has days 1 to {course.days}.", "Choose one of them.")
        if not self.protocol.course.consecutive_days:
            return self._today()
        on = course.first_day + timedelta(days=day - 1)
        if on > self._today():
            raise InputError(
                "day",
                f"Day {day} is on {on.isoformat()}, still to come.",
                "Record a day as not given on that day or after it.",
            )
        return on

    def _refuse_recorded(self, tx: Tx, course: CourseView, day: int, on: date) -> None:
        """A day with its infusion, or already recorded as not given, is not recorded again."""
        if on in self._treated_days(tx, course.patient_id, course):
            raise InputError("day", f"Day {day} ({on.isoformat()}) had its infusion.", "Choose the day that had none.")
        for event in not_given(records.patient_events(tx, course.patient_id), course.id):
            if event.data_as(d.DayNotGiven).day == day:
                names = records.staff_names_of(tx, {event.recorded_by})
                raise InputError(
                    "day",
                    f"{not_given_view(event, names).words} is already recorded, by {names.get(event.recorded_by, '')}.",
                    "Nothing more is needed for that day.",
                )


def not_given(events: list[PatientEvent], course_id: str) -> list[PatientEvent]:
    kinds = {EventType.DAY_MISSED, EventType.DAY_CANCELLED}
    return [event for event in events if event.course_id == course_id and event.type in kinds]


def not_given_view(event: PatientEvent, names: dict[str, str]) -> DayNotGivenView:
    data = event.data_as(d.DayNotGiven)
    assert event.course_id is not None  # a day not given is always a course's
    return DayNotGivenView(
        course_id=event.course_id,
        day=data.day,
        on=date.fromisoformat(data.on),
        by_clinic=event.type == EventType.DAY_CANCELLED,
        reason=data.reason,
        recorded_by=names.get(event.recorded_by, ""),
        recorded_at=event.recorded_at,
    )
