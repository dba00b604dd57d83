"""Sessions run against the patient's course order: day n of 5, a missed day, a second infusion, a new course."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import audit
from core.audit import AuditAction
from core.course import UsualOrder, usual_order
from core.errors import InputError
from core.identify import Identified
from tests.helpers.clinic import PRESCRIBER, T0
from tests.helpers.people import ANA_PASSWORD
from tests.helpers.sessions import seen, signed

TODAY = T0.astimezone().date()


def next_day(clock, days: int = 1) -> None:
    clock.advance(timedelta(days=days) - timedelta(minutes=70))  # back to 13:00 on a later day


def test_a_patient_without_a_course_order_is_not_seated(care, nurses):
    first, _ = nurses
    new = care.register_patient("MRN-3003", "Doe", "Jane", "1975-07-30", by=first.id)
    with pytest.raises(InputError) as caught:
        care.open_session(new.id, 1, first.id, Identified(name=True, mrn=new.mrn))
    assert caught.value.field == "course"
    assert care.chairs() == []


def test_each_day_is_numbered_and_a_missed_day_is_pointed_out(care, patient, nurses, clock):
    first_state = care.state(signed(care, patient, nurses, clock))
    assert (first_state.course_day, first_state.course_days, first_state.missed_days) == (1, 5, ())
    next_day(clock)
    second = care.state(signed(care, patient, nurses, clock))
    assert (second.course_day, second.missed_days) == (2, ())
    next_day(clock, 2)  # day 3 passed without an infusion
    fourth = care.open_session(patient.id, 1, nurses[0].id, Identified(name=True, mrn=patient.mrn))
    assert (fourth.course_day, fourth.missed_days) == (4, (3,))


def test_after_the_last_day_a_new_course_is_started_on_purpose(care, patient, nurses, clock):
    first, _ = nurses
    next_day(clock, 5)  # day 6 of a five-day course
    with pytest.raises(InputError) as caught:
        care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn))
    assert caught.value.field == "course" and "ended" in caught.value.message
    later = clock.now().astimezone().date().isoformat()
    course = care.record_course(patient.id, PRESCRIBER, later, "5", first.id)
    assert care.current_course(patient.id) == course
    state = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn))
    assert state.course_day == 1 and state.events[0].payload["course"]["id"] == course.id


def test_a_course_that_has_not_begun_is_refused(care, nurses):
    first, _ = nurses
    new = care.register_patient("MRN-3004", "Roe", "Sam", "1980-02-02", by=first.id)
    care.record_course(new.id, PRESCRIBER, (TODAY + timedelta(days=2)).isoformat(), "5", first.id)
    with pytest.raises(InputError, match="begins on"):
        care.open_session(new.id, 1, first.id, Identified(name=True, mrn=new.mrn))


def test_a_second_infusion_the_same_day_needs_the_prescribers_override(care, patient, nurses, clock):
    first, _ = nurses
    signed(care, patient, nurses, clock)
    with pytest.raises(InputError) as caught:
        care.open_session(patient.id, 2, first.id, Identified(name=True, mrn=patient.mrn))
    assert caught.value.field == "same_day_override"
    override = "Dr Patel by phone: first bag leaked, repeat today"
    state = care.open_session(
        patient.id, 2, first.id, Identified(name=True, mrn=patient.mrn), same_day_override=override
    )
    assert state.events[0].payload["same_day_override"] == override and state.course_day == 1


def test_a_session_ended_before_the_infusion_does_not_use_up_the_day(care, patient, nurses):
    first, _ = nurses
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    care.abandon(sid, "IV access failed", first.id)
    care.sign(sid, first.id, ANA_PASSWORD, seen_seq=seen(care, sid))
    assert care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).course_day == 1


@pytest.mark.parametrize(
    ("prescriber", "first_day", "days", "field"),
    [
        ("", "2026-11-26", "5", "prescriber"),
        (PRESCRIBER, "26/11/2026", "5", "first_day"),
        (PRESCRIBER, "2026-11-26", "6", "course_days"),
        (PRESCRIBER, "2026-11-26", "0", "course_days"),
        (PRESCRIBER, "2026-11-26", "five", "course_days"),
    ],
)
def test_a_course_order_with_a_mistake_is_refused_by_its_field(
    care, patient, nurses, prescriber, first_day, days, field
):
    with pytest.raises(InputError) as caught:
        care.record_course(patient.id, prescriber, first_day, days, nurses[0].id)
    assert caught.value.field == field


@pytest.mark.parametrize("typed", ["20261126", "2026-W48-4", "26/11/2026"])
def test_only_the_written_out_form_of_a_date_is_taken(care, patient, nurses, typed):
    with pytest.raises(InputError, match="is not a date"):
        care.record_course(patient.id, PRESCRIBER, typed, "5", nurses[0].id)
    with pytest.raises(InputError, match="is not a date"):
        care.register_patient("MRN-9", "Roe", "Kim", typed, nurses[0].id)


def test_the_usual_order_begins_today_for_the_protocols_number_of_sessions(protocol):
    assert usual_order(protocol, T0) == UsualOrder(TODAY, 5)
    three = protocol.model_copy(update={"course": protocol.course.model_copy(update={"sessions": 3})})
    later = T0 + timedelta(days=2)
    assert usual_order(three, later) == UsualOrder(later.astimezone().date(), 3)


def course_orders(care, patient_id: str) -> list[dict]:
    """What the audit trail kept of each course order for the patient, oldest first (the hash verify
    compares the order with is left out: it is tested with the tamper tests)."""
    entries = audit.entries(care.db, patient_id=patient_id)
    orders = [entry.detail for entry in reversed(entries) if entry.action == AuditAction.COURSE_ORDERED]
    return [{key: value for key, value in order.items() if key != "content_hash"} for order in orders]


def test_a_new_order_while_the_course_has_days_left_is_refused_unless_it_replaces_it_on_purpose(
    care, patient, nurses, clock
):
    first, _ = nurses
    running = care.current_course(patient.id)
    signed(care, patient, nurses, clock)
    next_day(clock)  # day 2 of 5
    today = clock.now().astimezone().date().isoformat()
    with pytest.raises(InputError) as caught:
        care.record_course(patient.id, "Dr Lee", today, "5", first.id)
    assert caught.value.field == "replace_running" and "4 days left" in caught.value.message
    with pytest.raises(InputError) as caught:
        care.record_course(patient.id, "Dr Lee", today, "5", first.id, replace_running=True, replace_reason=" ")
    assert caught.value.field == "replace_reason"
    assert care.current_course(patient.id) == running
    assert len(course_orders(care, patient.id)) == 1

    reason = "Dr Lee restarted the course after the patient's admission"
    new = care.record_course(patient.id, "Dr Lee", today, "5", first.id, replace_running=True, replace_reason=reason)
    assert care.current_course(patient.id) == new
    assert course_orders(care, patient.id)[-1] == {
        "course_id": new.id,
        "replaces_course_id": running.id,
        "replace_reason": reason,
    }
    assert care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).course_day == 1


def test_on_the_last_day_the_course_is_in_force_until_its_infusion_has_run(care, patient, nurses, clock):
    first, _ = nurses
    next_day(clock, 4)  # day 5 of 5, not yet given
    tomorrow = (clock.now().astimezone().date() + timedelta(days=1)).isoformat()
    with pytest.raises(InputError, match="1 day left"):
        care.record_course(patient.id, PRESCRIBER, tomorrow, "5", first.id)
    signed(care, patient, nurses, clock)
    course = care.record_course(patient.id, PRESCRIBER, tomorrow, "5", first.id)
    assert course_orders(care, patient.id)[-1] == {"course_id": course.id}


def test_an_order_that_has_not_begun_is_replaced_only_on_purpose(care, nurses, clock):
    first, _ = nurses
    new = care.register_patient("MRN-3005", "Poe", "Ada", "1982-03-03", by=first.id)
    wrong = care.record_course(new.id, PRESCRIBER, (TODAY + timedelta(days=2)).isoformat(), "5", first.id)
    clock.advance(minutes=1)
    with pytest.raises(InputError, match="5 days left"):
        care.record_course(new.id, PRESCRIBER, TODAY.isoformat(), "5", first.id)
    right = care.record_course(
        new.id, PRESCRIBER, TODAY.isoformat(), "5", first.id, replace_running=True, replace_reason="first day mistyped"
    )
    assert course_orders(care, new.id)[-1]["replaces_course_id"] == wrong.id
    assert (
        care.open_session(new.id, 1, first.id, Identified(name=True, mrn=new.mrn)).events[0].payload["course"]["id"]
        == right.id
    )
