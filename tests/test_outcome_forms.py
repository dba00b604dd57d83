"""Outcome forms recorded through the one door: scored from the shipped table by item id and value, kept
not scorable when an item is missing, refused by name when no table is shipped, placed in the course's
time point by the day and moment they were answered; and the patient's route for follow-ups."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import audit
from core.care import Care
from core.clock import ManualClock
from core.errors import InputError
from core.promis import shipped
from core.views import PatientView
from tests.helpers.clinic import PRESCRIBER, T0
from tests.helpers.sessions import signed

pytestmark = pytest.mark.both_stores

PI = {"PAININ9": 4, "PAININ22": 3, "PAININ31": 4, "PAININ34": 3}
"""Pain interference 4a, raw 14."""
ANX_THREE = {"EDANX01": 2, "EDANX40": 2, "EDANX41": None, "EDANX53": 1}


def test_a_form_answered_at_the_chair_before_the_first_infusion_is_the_course_s_baseline(
    care: Care, patient: PatientView, nurses, clock: ManualClock
):
    first, _ = nurses
    taken = care.record_assessment(
        patient.id, {"PI_4a_v1.0": PI, "ANX_4a_v1.0": ANX_THREE}, mode="chair", by=first.id, pain_intensity="7"
    )
    course = care.current_course(patient.id)
    assert course is not None
    assert (taken.course_id, taken.time_point, taken.taken_at, taken.mode_words) == (
        course.id,
        "baseline",
        clock.now(),
        "At the chair",
    )
    pain, anxiety = taken.forms
    form = shipped().form("PI_4a_v1.0")
    t_score, se = form.table[14]
    assert (pain.domain, pain.raw, pain.t_score, pain.se, pain.table) == (
        "Pain Interference",
        14,
        t_score,
        se,
        f"PI_4a_v1.0 ({form.version})",
    )
    assert pain.to_verify and pain.words.endswith("table still to be verified")
    assert (anxiety.t_score, anxiety.words) == (None, "not scorable (3 of 4 answered)")  # never pro-rated
    assert taken.pain_intensity == 7
    assert care.assessments(patient.id) == [taken]
    assert audit.verify(care.db).ok


def test_a_form_answered_once_the_infusion_began_is_no_baseline(
    care: Care, patient: PatientView, nurses, clock: ManualClock
):
    first, _ = nurses
    signed(care, patient, nurses, clock)
    after = care.record_assessment(patient.id, {"PI_4a_v1.0": PI}, mode="chair", by=first.id)
    assert after.time_point is None  # recorded as given, counted for no time point
    assert after.course_id == care.current_course(patient.id).id  # type: ignore[union-attr]


def test_a_phone_follow_up_counts_for_its_window_after_the_course_ended(care: Care, nurses, clock: ManualClock):
    first, _ = nurses
    one_day = care.register_patient("MRN-2001", "Osei", "Ama", "1980-05-02", by=first.id)
    care.record_course(one_day.id, PRESCRIBER, T0.astimezone().date().isoformat(), "1", by=first.id)
    signed(care, one_day, nurses, clock)
    clock.advance(timedelta(days=95))
    called_on = (clock.now() - timedelta(days=2)).astimezone().date().isoformat()  # noted two days late
    taken = care.record_assessment(one_day.id, {"PI_4a_v1.0": PI}, mode="phone", by=first.id, taken_on=called_on)
    assert (taken.time_point, taken.taken_on.isoformat(), taken.mode_words) == ("3m", called_on, "By phone")


@pytest.mark.parametrize(
    ("answers", "extra", "field", "says"),
    [
        ({"PI_6a_v1.0": {"PAININ9": 3}}, {}, "form_id", "no scoring table for the PROMIS form PI_6a_v1.0"),
        ({"PI_4a_v1.0": {"PAININ9": 6}}, {}, "responses", "PAININ9 takes one of 1, 2, 3, 4, 5; 6 was given"),
        ({"PI_4a_v1.0": {"EDANX01": 3}}, {}, "responses", "EDANX01 is not an item of PI_4a_v1.0"),
        ({"PI_4a_v1.0": {"PAININ9": None}}, {}, "responses", "Nothing was answered"),
        ({"PI_4a_v1.0": PI}, {"pain_intensity": "11"}, "pain_intensity", "not a score from 0 to 10"),
        ({"PI_4a_v1.0": PI}, {"mode": "email"}, "mode", "Say how the patient answered"),
        ({"PI_4a_v1.0": PI}, {"taken_on": "2026-13-01"}, "taken_on", "is not a date"),
        ({"PI_4a_v1.0": PI}, {"taken_on": "2099-01-01"}, "taken_on", "still to come"),
    ],
    ids=["no table", "value", "item", "nothing", "pain", "mode", "bad day", "future day"],
)
def test_answers_that_cannot_be_kept_are_refused_by_their_field(
    care: Care, patient: PatientView, nurses, answers, extra, field, says
):
    with pytest.raises(InputError, match=says) as refused:
        care.record_assessment(patient.id, answers, by=nurses[0].id, **{"mode": "chair", **extra})
    assert refused.value.field == field
    assert care.assessments(patient.id) == []


def test_the_contact_route_is_kept_and_the_newest_is_in_force(care: Care, patient: PatientView, nurses):
    first, second = nurses
    assert care.contact_route(patient.id) is None
    care.record_contact(patient.id, "+1 216 555 0142", "call", first.id)
    newer = care.record_contact(patient.id, "(216) 555-0199", "text", second.id, note="Evenings after 6")
    assert care.contact_route(patient.id) == newer
    assert newer.words == "(216) 555-0199 (text message) — Evenings after 6"
    assert newer.recorded_by == second.name
    assert audit.verify(care.db).ok


@pytest.mark.parametrize(
    ("phone", "way", "field"),
    [
        ("call me", "call", "phone"),
        ("12", "call", "phone"),
        ("555\x070142", "call", "phone"),
        ("5550142", "fax", "preferred"),
    ],
    ids=["words", "too few digits", "control character", "unknown way"],
)
def test_a_contact_route_that_could_not_reach_anyone_is_refused(
    care: Care, patient: PatientView, nurses, phone, way, field
):
    with pytest.raises(InputError) as refused:
        care.record_contact(patient.id, phone, way, nurses[0].id)
    assert refused.value.field == field
    assert care.contact_route(patient.id) is None
