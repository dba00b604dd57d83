"""Outcome forms a patient answers (PROMIS, by item id and value only), the route for follow-ups, and the
spans of the patient's courses that say which form counts for which course and time point.

Forms are recorded on the patient's own stream, as a day not given is: inserted once, with an audit line
and the record's hash. They are recorded as given, whichever day and way they were asked: a form outside
every window is still the patient's answer, kept and shown, and simply counts for no time point.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from core import event_data as d
from core import records
from core.care.base import TREATED
from core.care.course_days import CourseDays
from core.course import CourseView, days_left
from core.dates import parse_day
from core.errors import InputError, NotFound
from core.events import EventType, PatientEvent
from core.people import Permission
from core.protocol import Protocol
from core.unit_of_work import Tx, Work

if TYPE_CHECKING:
    from core.outcomes.contact import ContactView
    from core.outcomes.forms import AssessmentView
    from core.outcomes.windows import CourseSpan

# The forms' scoring, windows and routes (``core.outcomes``, the PROMIS tables) are imported where they are
# used: a start, which records and shows no outcome form, does not load them.

AT_ONCE = frozenset({"chair", "visit"})
"""Ways of asking where the form is answered as it is recorded: its moment is the recording's."""


@dataclass(frozen=True)
class Sitting:
    """One sitting's answers, checked and scored, ready to be recorded."""

    taken_on: date
    taken_at: datetime
    mode: str
    language: str
    forms: tuple[d.FormAnswers, ...]
    pain_intensity: int | None


class OutcomeForms(CourseDays):
    """Recording outcome forms and the contact route, and reading them back with the course spans."""

    def record_assessment(
        self,
        patient_id: str,
        answers: Mapping[str, Mapping[str, int | None]],
        *,
        mode: str,
        by: str,
        taken_on: str | None = None,
        pain_intensity: str | int | None = None,
        language: str = "en",
    ) -> AssessmentView:
        """One sitting's forms, each scored from its own table (or kept not scorable), for the course and
        time point the day falls in.

        ``taken_on`` is the day the patient answered (YYYY-MM-DD; today when not given). Answered at the
        chair or a visit today, the moment is now; a form from another day (a phone call noted later, a
        paper form, a file) counts as answered at the end of its day, so it is never taken for a baseline
        on the day the first infusion began.
        """
        sitting = self._sitting(answers, mode, taken_on, pain_intensity, language)
        with self.door.writing(by, Permission.RECORD_CARE) as work:
            event = self._append_sitting(work, patient_id, sitting)
            names = records.staff_names_of(work.tx, {by})
        return assessment_view(event, names)

    def _sitting(
        self,
        answers: Mapping[str, Mapping[str, int | None]],
        mode: str,
        taken_on: str | None,
        pain_intensity: str | int | None,
        language: str,
    ) -> Sitting:
        """One sitting's answers checked and scored, with the day and moment it counts as answered; nothing
        is written (a clinic's file is checked whole this way before any of it is recorded)."""
        from core.outcomes.forms import checked_mode, parse_pain, scored_forms
        from core.promis import shipped

        how = checked_mode(mode)
        now = self.clock.now()
        today = now.astimezone().date()
        on = parse_day(taken_on, "taken_on", "the day the patient answered") if taken_on else today
        if on > today:
            raise InputError("taken_on", f"{on.isoformat()} is still to come.", "Enter the day the patient answered.")
        taken_at = now if how in AT_ONCE and on == today else _end_of(on)
        forms = scored_forms(shipped(), answers)
        pain = parse_pain(pain_intensity)
        if not forms and pain is None:
            raise InputError("responses", "Nothing was answered.", "Enter the patient's answers, item by item.")
        return Sitting(on, taken_at, how, language, forms, pain)

    def _append_sitting(self, work: Work, patient_id: str, sitting: Sitting) -> PatientEvent:
        """The sitting on the patient's stream, for the course and time point its moment falls in."""
        if records.patient(work.tx, patient_id) is None:
            raise NotFound("That patient record was not found.", "Search again.")
        from core.outcomes.windows import place

        spans = self._spans(work.tx, patient_id)
        placed = place(self.protocol.outcomes, spans, sitting.taken_at)
        course_id = placed.course_id if placed is not None else (spans[-1].course_id if spans else None)
        data = d.Assessed(
            placed.point_id if placed is not None else None,
            sitting.taken_on.isoformat(),
            sitting.mode,
            sitting.language,
            sitting.forms,
            sitting.pain_intensity,
        )
        return work.record_for_patient(
            patient_id, EventType.ASSESSED, data, course_id=course_id, occurred_at=sitting.taken_at
        )

    def assessments(self, patient_id: str) -> list[AssessmentView]:
        """The patient's outcome forms, oldest first."""
        with self.door.reading() as tx:
            found = [e for e in records.patient_events(tx, patient_id) if e.type is EventType.ASSESSED]
            names = records.staff_names_of(tx, {e.recorded_by for e in found})
        return sorted((assessment_view(e, names) for e in found), key=lambda a: (a.taken_at, a.recorded_at))

    def record_contact(
        self, patient_id: str, phone: str, preferred: str, by: str, note: str | None = None
    ) -> ContactView:
        """How to reach the patient for follow-ups, as the patient gives it; a later one replaces it on the
        due list and the earlier stays in the record."""
        from core.outcomes.contact import checked_route

        route = checked_route(phone, preferred, note)
        with self.door.writing(by, Permission.RECORD_CARE) as work:
            if records.patient(work.tx, patient_id) is None:
                raise NotFound("That patient record was not found.", "Search again.")
            event = work.record_for_patient(patient_id, EventType.CONTACT, route)
            names = records.staff_names_of(work.tx, {by})
        return contact_view(event, names)

    def contact_route(self, patient_id: str) -> ContactView | None:
        """The route in force: the one recorded last."""
        with self.door.reading() as tx:
            found = [e for e in records.patient_events(tx, patient_id) if e.type is EventType.CONTACT]
            names = records.staff_names_of(tx, {e.recorded_by for e in found[-1:]})
        return contact_view(found[-1], names) if found else None

    def course_spans(self, patient_id: str) -> list[CourseSpan]:
        """The patient's courses in order, with what their outcome windows hang on."""
        with self.door.reading() as tx:
            return self._spans(tx, patient_id)

    def _spans(self, tx: Tx, patient_id: str) -> list[CourseSpan]:
        courses = records.courses_of(tx, patient_id)
        treated = [s for s in records.sessions_of(tx, patient_id) if s.outcome in TREATED and s.course_id]
        today = self._today()
        spans = []
        for number, course in enumerate(courses, start=1):
            moments = sorted(s.began_at or s.opened_at for s in treated if s.course_id == course.id)
            replaced = number < len(courses)
            spans.append(course_span(self.protocol, course, number, moments, today, replaced))
        return spans


def course_span(
    protocol: Protocol, course: CourseView, number: int, moments: list[datetime], today: date, replaced: bool
) -> CourseSpan:
    from core.outcomes.windows import CourseSpan

    days = [m.astimezone().date() for m in moments]
    ended = replaced or days_left(protocol, course, today, days) == 0
    return CourseSpan(
        course_id=course.id,
        patient_id=course.patient_id,
        number=number,
        first_day=course.first_day,
        days=course.days,
        first_started_at=moments[0] if moments else None,
        last_infusion_day=days[-1] if days else None,
        ended=ended,
    )


def _end_of(day: date) -> datetime:
    """The last moment of a local day, for a form whose hour is not known."""
    return datetime.combine(day + timedelta(days=1), time(0)).astimezone() - timedelta(microseconds=1)


def assessment_view(event: PatientEvent, names: Mapping[str, str]) -> AssessmentView:
    from core.outcomes.forms import AssessmentView, form_view
    from core.promis import shipped

    data = event.data_as(d.Assessed)
    tables = shipped()
    return AssessmentView(
        id=event.id,
        patient_id=event.patient_id,
        course_id=event.course_id,
        time_point=data.time_point,
        taken_on=date.fromisoformat(data.taken_on),
        taken_at=event.occurred_at,
        mode=data.mode,
        language=data.language,
        forms=tuple(form_view(tables, form) for form in data.forms),
        pain_intensity=data.pain_intensity,
        recorded_by=names.get(event.recorded_by, ""),
        recorded_at=event.recorded_at,
    )


def contact_view(event: PatientEvent, names: Mapping[str, str]) -> ContactView:
    from core.outcomes.contact import ContactView

    data = event.data_as(d.ContactRoute)
    return ContactView(
        patient_id=event.patient_id,
        phone=data.phone,
        preferred=data.preferred,
        note=data.note,
        recorded_by=names.get(event.recorded_by, ""),
        recorded_at=event.recorded_at,
    )
