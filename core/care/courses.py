"""Courses: the prescriber's order, transcribed once per course, and the day of it a session falls on."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from core import event_data as d
from core import records
from core.audit import AuditAction
from core.care.base import TREATED, CareBase, required_text
from core.content_hashes import course_content
from core.course import CourseView, days_left, parse_course_days, place_in_course
from core.dates import parse_day
from core.errors import InputError, NotFound
from core.people import Permission
from core.unit_of_work import Tx


class CourseOrders(CareBase):
    """The prescriber's order for a course, and which day of it a session is."""

    def record_course(
        self,
        patient_id: str,
        prescriber: str,
        first_day: str,
        days: str,
        by: str,
        *,
        replace_running: bool = False,
        replace_reason: str | None = None,
    ) -> CourseView:
        """The prescriber's order, transcribed once per course; recording one is how a new course begins.

        While the patient's course still has days left, a new order would silently start again at day
        1, so it is taken only when the nurse says it replaces that course (``replace_running``) and
        why; the reason and the course replaced are kept in the audit trail with the new order.
        """
        who = required_text(prescriber, "prescriber", "the prescriber who ordered the course")
        first = parse_day(first_day, "first_day")
        count = parse_course_days(days, self.protocol)
        course = CourseView(
            id=str(uuid.uuid4()),
            patient_id=patient_id,
            protocol_id=self.protocol.id,
            protocol_version=self.protocol.version,
            prescriber=who,
            first_day=first,
            days=count,
            recorded_by=by,
            recorded_at=self.clock.now(),
        )
        with self.door.writing(by, Permission.RECORD_CARE) as work:
            if records.patient(work.tx, patient_id) is None:
                raise NotFound("That patient record was not found.", "Search again.")
            detail: dict[str, Any] = {"course_id": course.id, "content_hash": course_content(course)}
            running = self._course_in_force(work.tx, patient_id)
            if running is not None:
                detail |= self._replacing(running, replace_running, replace_reason)
            records.add_course(work.tx, course)
            work.audit(AuditAction.COURSE_ORDERED, patient_id=patient_id, detail=detail)
        return course

    def _course_in_force(self, tx: Tx, patient_id: str) -> tuple[CourseView, int] | None:
        """The patient's course and its days left, if it has any left (begun or not)."""
        course = records.latest_course(tx, patient_id)
        if course is None:
            return None
        left = days_left(self.protocol, course, self._today(), self._treated_days(tx, patient_id, course))
        return (course, left) if left else None

    @staticmethod
    def _replacing(running: tuple[CourseView, int], confirmed: bool, reason: str | None) -> dict[str, Any]:
        """A new order over a course in force only on purpose, with the reason (for the audit trail)."""
        course, left = running
        if not confirmed:
            raise InputError(
                "replace_running",
                f"The course of {course.days} days ordered by {course.prescriber} from "
                f"{course.first_day.isoformat()} is still in force: {left} {'day' if left == 1 else 'days'} left.",
                "Keep that course; if the prescriber's new order replaces it, confirm that and say why.",
            )
        why = required_text(reason, "replace_reason", "why the new order replaces the course in force")
        return {"replaces_course_id": course.id, "replace_reason": why}

    @staticmethod
    def _treated_days(tx: Tx, patient_id: str, course: CourseView) -> list[date]:
        """The local dates of the course's sessions in which the infusion ran."""
        return [
            s.opened_at.astimezone().date()
            for s in records.sessions_of(tx, patient_id)
            if s.outcome in TREATED and s.opened_at.astimezone().date() >= course.first_day
        ]

    def current_course(self, patient_id: str) -> CourseView | None:
        with self.door.reading() as tx:
            return records.latest_course(tx, patient_id)

    def _course_place(self, tx: Tx, patient_id: str, override: str | None) -> d.CoursePlace:
        """Day n of the course in force, or why the session cannot open; a second infusion today needs
        the prescriber's override."""
        course = records.latest_course(tx, patient_id)
        if course is None:
            raise InputError(
                "course",
                "There is no course order for this patient yet.",
                "Record the prescriber's order (prescriber, first day, number of days) first.",
            )
        today = self._today()
        treated = self._treated_days(tx, patient_id, course)
        place = place_in_course(self.protocol, course, today, treated)
        if today in treated and override is None:
            raise InputError(
                "same_day_override",
                "This patient has already had an infusion today.",
                "A second infusion the same day needs the prescriber's override: record who and why.",
            )
        return d.CoursePlace(course.id, place.day, place.of, tuple(place.missed))
