"""Discharge: the score and each criterion are enforced, and an override is signed with its reason."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.care import Care
from core.discharge import missed_words
from core.errors import InputError, NotAllowedError
from core.events import EventType as E
from core.machine import Step
from core.protocol import load_protocol
from core.session_state import PointStatus
from core.signatures import Meaning
from tests.helpers.answers import DISCHARGE_OK, NO_SIDE_EFFECTS, NORMAL
from tests.helpers.people import ANA_PASSWORD
from tests.helpers.sessions import observed, prepare

OVERRIDE = "Dr Patel at the chair: patient's own baseline, may go home with her sister"
PRESCRIBER_NAME = "Dr Priya Patel"


@pytest.fixture(name="observed")
def observed_session(care: Care, patient, nurses, clock) -> str:
    """Infused and observed for the protocol's minimum, side effects checked: ready to be discharged."""
    return observed(care, patient, nurses, clock)


def discharges(care: Care, sid: str) -> list:
    return [event for event in care.state(sid).events if event.type is E.DISCHARGED]


def refused(care: Care, sid: str, by: str, score: str, criteria: dict[str, bool], password: str = ANA_PASSWORD):
    with pytest.raises(InputError) as caught:
        care.discharge(sid, score, criteria, by, password)
    assert discharges(care, sid) == [] and care.state(sid).step is Step.OBSERVE
    return caught.value


def test_a_score_below_the_threshold_is_refused_and_the_threshold_itself_is_enough(care, observed, nurses, protocol):
    first, _ = nurses
    rules = protocol.discharge
    below = rules.score_threshold - 1
    error = refused(care, observed, first.id, str(below), DISCHARGE_OK)
    assert error.field == "override_reason"
    assert f"{rules.score_name} {below} is below {rules.score_threshold}" in error.message

    state = care.discharge(observed, str(rules.score_threshold), DISCHARGE_OK, first.id, ANA_PASSWORD)
    (event,) = discharges(care, observed)
    assert state.step is Step.SIGN
    assert event.payload["score"] == rules.score_threshold and event.payload["unmet"] == []


@pytest.mark.parametrize("missing", [criterion.id for criterion in load_protocol().discharge.criteria])
@pytest.mark.parametrize("left_out", [False, True], ids=["unticked", "left out"])
def test_each_unmet_criterion_is_refused_by_name(care, observed, nurses, protocol, missing, left_out):
    first, _ = nurses
    criterion = next(c for c in protocol.discharge.criteria if c.id == missing)
    ticked = {key: key != missing for key in DISCHARGE_OK if not (left_out and key == missing)}
    error = refused(care, observed, first.id, "10", ticked)
    assert error.field == "override_reason" and criterion.text in error.message


def test_criteria_are_judged_before_the_password_is_asked(care, observed, nurses):
    first, _ = nurses
    error = refused(care, observed, first.id, "10", {**DISCHARGE_OK, "escort": False}, password="")
    assert error.field == "override_reason"


@pytest.mark.parametrize("typed", ["", "nine", "11", "-1", "--5", "²", "1_0", "9.5", "+9"])
def test_a_score_that_is_not_a_whole_number_in_the_scale_is_refused_by_its_field(care, observed, nurses, typed):
    first, _ = nurses
    assert refused(care, observed, first.id, typed, DISCHARGE_OK).field == "score"


def test_an_override_is_signed_with_its_reason_and_what_it_overrode_saved_in_the_record(
    care, observed, nurses, protocol
):
    first, _ = nurses
    rules = protocol.discharge
    escort = next(c for c in rules.criteria if c.id == "escort")
    criteria = {**DISCHARGE_OK, "escort": False}
    state = care.discharge(
        observed, "8", criteria, first.id, ANA_PASSWORD, override_reason=f"  {OVERRIDE} ", prescriber=PRESCRIBER_NAME
    )
    assert state.step is Step.SIGN

    (event,) = discharges(care, observed)
    assert event.recorded_by == first.id
    assert event.payload["override_reason"] == OVERRIDE
    assert event.payload["prescriber"] == PRESCRIBER_NAME
    assert event.payload["score"] == 8
    assert event.payload["criteria"] == {c.id: c.id != "escort" for c in rules.criteria}
    assert event.payload["unmet"] == [f"{rules.score_name} 8 is below {rules.score_threshold}", escort.text]
    (signature,) = [s for s in state.signatures if s.event_id == event.id]
    assert (signature.signer_id, signature.meaning, signature.subject) == (first.id, Meaning.VERIFIED, "the discharge")
    assert state.altered_signatures == ()


def test_an_override_before_the_minimum_observation_names_it(care, patient, nurses, clock, protocol):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=protocol.dose.infusion_minutes)
    care.complete(sid, first.id)
    clock.advance(minutes=protocol.observation.minimum_minutes - 1)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)  # the check before discharge, due from now
    care.record_vitals(sid, NORMAL, first.id)  # the set before discharge
    care.discharge(
        sid, "10", DISCHARGE_OK, first.id, ANA_PASSWORD, override_reason=OVERRIDE, prescriber=PRESCRIBER_NAME
    )
    (event,) = discharges(care, sid)
    assert event.payload["unmet"] == [f"minimum observation of {protocol.observation.minimum_minutes} min not over"]
    assert event.payload["override_reason"] == OVERRIDE


def test_discharge_waits_for_the_set_before_it_and_says_each_set_missed_on_the_way(care, patient, nurses, clock):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=40)
    care.complete(sid, first.id)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    clock.advance(minutes=30)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    state = care.state(sid)
    assert (
        state.held_back[E.DISCHARGED]
        == "Before discharge, take the set of vital signs: 30 min after end (before discharge)."
    )
    with pytest.raises(NotAllowedError, match="take the set of vital signs"):
        care.discharge(sid, "10", DISCHARGE_OK, first.id, ANA_PASSWORD)
    assert missed_words(state) == ""  # nothing is missed until a later set is taken
    state = care.record_vitals(sid, NORMAL, first.id)[0]
    assert missed_words(state) == "Vital signs missed (5): the sets due 13:10, 13:20, 13:30, 13:40 and 13:55."
    assert care.discharge(sid, "10", DISCHARGE_OK, first.id, ANA_PASSWORD).step is Step.SIGN


def test_a_set_taken_just_before_infusion_complete_is_the_end_of_infusion_set(care, patient, nurses, clock):
    """The nurse takes the end-of-infusion set, then presses "Infusion complete": the set answers the end
    point (it fell a minute later), so nothing is said missed and discharge asks for nothing more of it."""
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    for _ in range(3):
        clock.advance(minutes=10)
        care.record_vitals(sid, NORMAL, first.id)
    clock.advance(minutes=10)
    care.record_vitals(sid, NORMAL, first.id)  # nothing owed yet: the end has not been recorded
    clock.advance(minutes=1)
    state = care.complete(sid, first.id)
    end = next(p for p in state.vitals if p.point.id == "end")
    assert end.status is PointStatus.DONE and end.taken_at == clock.now() - timedelta(minutes=1)
    clock.advance(minutes=15)
    state, _ = care.record_vitals(sid, NORMAL, first.id)
    assert missed_words(state) == ""


def test_points_an_early_stop_never_reached_are_not_said_missed(care, patient, nurses, clock):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=10)
    care.record_vitals(sid, NORMAL, first.id)
    clock.advance(minutes=5)
    state = care.stop_early(sid, "patient asked to stop", first.id)
    assert any(p.status is PointStatus.SKIPPED and p.due_at is None for p in state.vitals)  # never reached
    assert missed_words(state) == ""
