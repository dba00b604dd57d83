"""Screening: the course-start checklist before a course's first infusion, the re-check every session."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.errors import InputError
from core.events import EventType as E
from core.identify import Identified
from core.machine import Outcome, Step
from core.protocol import Asked
from core.screening import questions_for
from tests.helpers.answers import SCREEN_OK
from tests.helpers.people import ANA_PASSWORD
from tests.helpers.sessions import seen, signed

EVERY_SESSION = ["pregnancy", "cardiac", "substance", "no_escort"]
COURSE_START = ["cardiovascular", "psychosis", "liver", "raised_pressure", "substance_misuse", "allergy"]


def next_day(clock, days: int = 1) -> None:
    clock.advance(timedelta(days=days) - timedelta(minutes=70))  # back to 13:00 on a later day


def seat(care, patient, nurses) -> str:
    return care.open_session(patient.id, 1, nurses[0].id, Identified(name=True, mrn=patient.mrn)).session_id


def asked(care, sid: str) -> list[str]:
    return [q.id for q in questions_for(care.protocol, care.state(sid))]


def screenings(care, sid: str) -> list:
    return [e for e in care.state(sid).events if e.type is E.SCREENED]


def test_the_protocol_says_when_each_question_is_asked(protocol):
    when = {q.id: q.asked for q in protocol.screening.questions}
    assert [i for i, a in when.items() if a is Asked.COURSE_START] == COURSE_START
    assert [i for i, a in when.items() if a is Asked.EVERY_SESSION] == EVERY_SESSION


def test_day_one_asks_the_checklist_and_the_recheck_and_records_every_answer(care, patient, nurses):
    sid = seat(care, patient, nurses)
    assert sorted(asked(care, sid)) == sorted(COURSE_START + EVERY_SESSION)
    state = care.screen(sid, SCREEN_OK, nurses[0].id)
    recorded = screenings(care, sid)[0].payload
    assert recorded["course_start"] is True
    assert sorted(recorded["answers"]) == sorted(COURSE_START + EVERY_SESSION)
    assert state.step is Step.WEIGH


def test_a_later_day_asks_only_the_recheck_and_records_only_that(care, patient, nurses, clock):
    signed(care, patient, nurses, clock)
    next_day(clock)
    sid = seat(care, patient, nurses)
    assert care.state(sid).course_day == 2
    assert asked(care, sid) == EVERY_SESSION
    recheck = {key: SCREEN_OK[key] for key in EVERY_SESSION}
    state = care.screen(sid, recheck, nurses[0].id)
    recorded = screenings(care, sid)[0].payload
    assert recorded["course_start"] is False
    assert recorded["answers"] == recheck
    assert state.step is Step.WEIGH


def test_the_checklist_is_not_skipped_when_the_first_day_had_no_infusion(care, patient, nurses, clock):
    first = seat(care, patient, nurses)
    care.screen(first, {**SCREEN_OK, "liver": "unknown"}, nurses[0].id, confirm_stop=True)  # not treated
    assert care.state(first).outcome is Outcome.NOT_TREATED
    care.sign(first, nurses[0].id, ANA_PASSWORD, seen_seq=seen(care, first))
    next_day(clock)
    second = seat(care, patient, nurses)
    assert (care.state(second).course_day, care.state(second).missed_days) == (2, (1,))
    assert sorted(asked(care, second)) == sorted(COURSE_START + EVERY_SESSION)
    with pytest.raises(InputError) as caught:
        care.screen(second, {key: SCREEN_OK[key] for key in EVERY_SESSION}, nurses[0].id)
    assert caught.value.field == "screening.cardiovascular"
    assert screenings(care, second) == []


@pytest.mark.parametrize("left_out", ["allergy", "raised_pressure", "no_escort"])
def test_a_screening_that_leaves_a_question_of_this_session_unanswered_is_refused(care, patient, nurses, left_out):
    sid = seat(care, patient, nurses)
    answers = {key: value for key, value in SCREEN_OK.items() if key != left_out}
    with pytest.raises(InputError) as caught:
        care.screen(sid, answers, nurses[0].id)
    assert caught.value.field == f"screening.{left_out}"
    assert screenings(care, sid) == [] and care.state(sid).step is Step.SCREEN


def test_a_contraindication_on_the_checklist_stops_treatment_with_its_reason(care, patient, nurses):
    sid = seat(care, patient, nurses)
    state = care.screen(sid, {**SCREEN_OK, "allergy": "yes"}, nurses[0].id, confirm_stop=True)
    assert state.outcome is Outcome.NOT_TREATED
    assert state.screening_stop_reasons == ("Allergy or hypersensitivity to ketamine? — Yes",)
    assert screenings(care, sid)[0].payload["stop_reasons"] == ["Allergy or hypersensitivity to ketamine? — Yes"]
