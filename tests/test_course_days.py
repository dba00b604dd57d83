"""A day of the course with no infusion is recorded with its reason, on the patient's own stream: through
the one door, with its audit line, once per day, never for a day to come or a day that was treated."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from core import audit, records
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.errors import InputError, NotFound, NotPermitted, RecordChanged, RecordRefused
from core.events import EventType, PatientEvent
from core.people import Account
from core.persistence.db import Database
from core.unit_of_work import UnitOfWork
from core.views import DayNotGivenView, PatientView, missed_days_note
from tests.helpers.clinic import T0
from tests.helpers.sessions import signed

pytestmark = pytest.mark.both_stores
DAY_ONE = T0.astimezone().date()


def two_days_later(clock: ManualClock) -> None:
    clock.advance(timedelta(days=2))


def course_of(care: Care, patient: PatientView) -> str:
    course = care.current_course(patient.id)
    assert course is not None
    return course.id


def test_a_day_the_patient_missed_is_recorded_with_why(care: Care, patient: PatientView, nurses, clock):
    first, _ = nurses
    signed(care, patient, nurses, clock)
    two_days_later(clock)
    course = course_of(care, patient)
    view = care.record_day_not_given(course, 2, by_clinic=False, reason="Did not come: no transport", by=first.id)
    assert (
        view.words
        == f"Day 2 ({(DAY_ONE + timedelta(days=1)).isoformat()}): missed by the patient: Did not come: no transport"
    )
    assert (view.recorded_by, view.recorded_at, view.by_clinic) == (first.name, clock.now(), False)
    assert care.days_not_given(course) == [view]
    assert audit.verify(care.db).ok


def test_a_day_the_clinic_cancelled_is_told_apart(care: Care, patient: PatientView, nurses, clock):
    first, second = nurses
    two_days_later(clock)
    course = course_of(care, patient)
    care.record_day_not_given(course, 2, by_clinic=True, reason="No second nurse on duty", by=second.id)
    care.record_day_not_given(course, 1, by_clinic=False, reason="Unwell", by=first.id)
    days = care.days_not_given(course)
    assert [(d.day, d.by_clinic, d.recorded_by) for d in days] == [(1, False, first.name), (2, True, second.name)]
    with care.door.reading() as tx:
        stream = records.patient_events(tx, patient.id)
    assert [(e.seq, e.type) for e in stream] == [(1, EventType.DAY_CANCELLED), (2, EventType.DAY_MISSED)]
    assert {e.course_id for e in stream} == {course}


def test_each_record_has_its_audit_line_with_its_hash(care: Care, patient: PatientView, nurses, clock):
    first, _ = nurses
    clock.advance(timedelta(days=1))
    course = course_of(care, patient)
    care.record_day_not_given(course, 1, by_clinic=False, reason="Did not come", by=first.id)
    line = audit.entries(care.db, patient_id=patient.id, limit=1)[0]
    assert (line.action, line.actor_id, line.session_id) == (AuditAction.RECORD_WRITTEN, first.id, None)
    assert line.detail["type"] == EventType.DAY_MISSED and line.detail["course_id"] == course
    assert len(line.detail["content_hash"]) == 64


@pytest.mark.parametrize(
    ("day", "said"),
    [
        (0, "The course has days 1 to 5."),
        (6, "The course has days 1 to 5."),
        (4, "still to come"),
        (1, "had its infusion"),
    ],
)
def test_a_day_to_come_a_treated_day_or_no_such_day_is_refused(care, patient, nurses, clock, day, said):
    first, _ = nurses
    signed(care, patient, nurses, clock)
    two_days_later(clock)  # day 3 today: day 4 is still to come
    with pytest.raises(InputError) as caught:
        care.record_day_not_given(course_of(care, patient), day, by_clinic=False, reason="Unwell", by=first.id)
    assert caught.value.field == "day" and said in caught.value.message
    assert care.days_not_given(course_of(care, patient)) == []


def test_a_day_is_recorded_once_and_the_second_try_names_the_first(care, patient, nurses, clock):
    first, second = nurses
    two_days_later(clock)
    course = course_of(care, patient)
    care.record_day_not_given(course, 2, by_clinic=False, reason="Did not come", by=first.id)
    with pytest.raises(InputError) as caught:
        care.record_day_not_given(course, 2, by_clinic=True, reason="Pump fault", by=second.id)
    assert "already recorded, by Ana" in caught.value.message and "Did not come" in caught.value.message
    assert len(care.days_not_given(course)) == 1


def test_the_reason_is_required_and_follows_the_text_rule(care, patient, nurses, clock):
    first, _ = nurses
    two_days_later(clock)
    for typed in ("", "   ", "Unwell\x07"):
        with pytest.raises(InputError) as caught:
            care.record_day_not_given(course_of(care, patient), 2, by_clinic=False, reason=typed, by=first.id)
        assert caught.value.field == "day_reason"


def test_only_a_clinician_records_it_and_only_on_a_course_there_is(care, patient, nurses, clock, admin: Account):
    first, _ = nurses
    two_days_later(clock)
    with pytest.raises(NotPermitted):
        care.record_day_not_given(course_of(care, patient), 2, by_clinic=False, reason="Unwell", by=admin.id)
    with pytest.raises(NotFound):
        care.record_day_not_given("no-such-course", 2, by_clinic=False, reason="Unwell", by=first.id)


@pytest.mark.sqlite_only
def test_the_stream_is_append_only_in_the_database_itself(care, patient, nurses, clock, db_path: Path):
    first, _ = nurses
    two_days_later(clock)
    care.record_day_not_given(course_of(care, patient), 2, by_clinic=False, reason="Unwell", by=first.id)
    with closing(sqlite3.connect(db_path)) as shell:
        for change in ("UPDATE patient_event SET payload = '{}'", "DELETE FROM patient_event"):
            with pytest.raises(sqlite3.IntegrityError, match="never changed or deleted"):
                shell.execute(change)
        with pytest.raises(sqlite3.IntegrityError, match="longer than"):
            shell.execute(
                "INSERT INTO patient_event SELECT 'x', patient_id, course_id, 9, type, payload, occurred_at,"
                " recorded_at, recorded_by, :long, corrects, reason FROM patient_event",
                {"long": "w" * 81},
            )


def test_two_writers_cannot_take_the_same_place_on_a_stream(care, patient, nurses, clock, database: Database):
    """Both read place 1 as free; the second to commit is told someone else recorded first."""
    first, _ = nurses
    door = UnitOfWork(database, clock.now, "ws-2")

    def entry(event_id: str) -> PatientEvent:
        return PatientEvent(
            event_id,
            patient.id,
            None,
            1,
            EventType.DAY_MISSED,
            clock.now(),
            clock.now(),
            first.id,
            "ws-2",
            {"day": 1, "on": DAY_ONE.isoformat(), "reason": "Unwell"},
        )

    with door.writing() as work:
        work.append_to_patient(entry("e-1"))
    with pytest.raises(RecordChanged), door.writing() as work:
        work.append_to_patient(entry("e-2"))
    with door.reading() as tx:
        assert [e.id for e in records.patient_events(tx, patient.id)] == ["e-1"]
    assert audit.verify(database).ok


def test_the_chairs_note_says_why_where_it_is_recorded():
    recorded = {
        2: DayNotGivenView("c", 2, DAY_ONE + timedelta(days=1), False, "Unwell", "Ana Reyes", T0),
    }
    assert missed_days_note((2, 3, 4), recorded) == (
        "No infusion on day 2 (missed by the patient: Unwell), day 3 (reason not recorded) or day 4 (reason not "
        "recorded). Check with the prescriber that the course goes on."
    )
    assert missed_days_note((3,), {}) == (
        "No infusion on day 3 (reason not recorded). Check with the prescriber that the course goes on."
    )


def test_a_record_on_the_stream_is_refused_change_and_removal_on_either_store(care, patient, nurses, clock):
    first, _ = nurses
    two_days_later(clock)
    care.record_day_not_given(course_of(care, patient), 2, by_clinic=False, reason="Unwell", by=first.id)
    for change in ("UPDATE patient_event SET reason = 'x'", "DELETE FROM patient_event"):
        with pytest.raises(RecordRefused, match="never changed or deleted"), care.db.transaction() as tx:
            tx.execute(text(change))
    assert len(care.days_not_given(course_of(care, patient))) == 1
