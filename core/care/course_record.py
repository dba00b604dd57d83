"""Reading a patient's courses back whole: the orders, every day of each, every session, the outcome forms.

Read in one transaction, so the days, the sessions and the forms shown together were in the record
together; each session is replayed under its own rules (``derive_state``), as its chair showed it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core import records
from core.care.course_days import not_given, not_given_view
from core.care.outcome_forms import OutcomeForms, assessment_view
from core.errors import NotFound
from core.events import EventType
from core.session_state import derive_state
from core.views import PatientView

if TYPE_CHECKING:
    from core.course_record import PatientCourses


class CourseRecords(OutcomeForms):
    """The course view's and the course summary's one reading."""

    def course_record(self, patient_id: str) -> PatientCourses:
        """Every course of the patient in order, with its days, sessions, peaks and outcome chart."""
        from core.course_record import course_record  # the charts and trends: with the first course opened
        from core.promis import shipped

        now = self.clock.now()
        with self.door.reading() as tx:
            row = records.patient(tx, patient_id)
            if row is None:
                raise NotFound("That patient record was not found.", "Search again.")
            patient = records.patient_view(tx, row)
            courses = records.courses_of(tx, patient_id)
            spans = self._spans(tx, patient_id)
            summaries = records.sessions_of(tx, patient_id)
            logs = records.load_events_of(tx, [s.id for s in summaries])
            rules = {s.id: self.shelf.for_events(tx, logs[s.id]) for s in summaries if logs.get(s.id)}
            stream = records.patient_events(tx, patient_id)
            assessed = [e for e in stream if e.type is EventType.ASSESSED]
            skipped = {course.id: not_given(stream, course.id) for course in courses}
            people = {e.recorded_by for e in stream} | {c.recorded_by for c in courses}
            names = records.staff_names_of(tx, people)
        started = self.app_started_at
        sessions = [(s, derive_state(rules[s.id], logs[s.id], now, started)) for s in summaries if s.id in rules]
        days_without = [not_given_view(event, names) for found in skipped.values() for event in found]
        assessments = sorted((assessment_view(e, names) for e in assessed), key=lambda a: (a.taken_at, a.recorded_at))
        return course_record(
            self.protocol, shipped(), patient, courses, spans, sessions, days_without, assessments, names, now
        )

    def patient_by_mrn(self, mrn: str) -> PatientView | None:
        """The patient with this record number exactly, if any (the command line names a patient so)."""
        with self.door.reading() as tx:
            row = records.patient_by_mrn(tx, mrn.strip())
            return records.patient_view(tx, row) if row is not None else None
