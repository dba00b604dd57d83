"""Acknowledging an act-now alarm: the actions taken from the protocol's list, every symptom question
answered, the pause or stop it reports recorded with it, and a recheck made due."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.alerts import alert_actions, symptom_questions
from core.care import Care
from core.clock import ManualClock
from core.errors import InputError, NotAllowedError
from core.events import EventType as E
from core.machine import Outcome, Step
from core.protocol import VitalKind as V
from core.session_state import PointStatus, SessionState
from tests.helpers.answers import DISCHARGE_OK, NORMAL, no_symptoms
from tests.helpers.people import ANA_PASSWORD
from tests.helpers.sessions import observed, prepare

HIGH_BP = {**NORMAL, V.SYSTOLIC: "190", V.DIASTOLIC: "105"}
LOW_SPO2 = {**NORMAL, V.SPO2: "88"}


def alarmed(care: Care, patient, nurses, clock: ManualClock, readings=HIGH_BP) -> tuple[str, SessionState]:
    """An infusion 10 minutes in, with an act-now set just recorded."""
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=10)
    state, _findings = care.record_vitals(sid, readings, first.id)
    assert len(state.open_alerts) == 1
    return sid, state


def test_the_questions_follow_the_vitals_that_alarmed(care, patient, nurses, clock):
    _sid, state = alarmed(care, patient, nurses, clock)
    (alert,) = state.open_alerts
    assert set(alert.vitals) == {V.SYSTOLIC}  # diastolic 105 is advisory only
    asked = [q.id for q in symptom_questions(care.protocol, alert)]
    assert {"headache", "chest_pain", "visual", "neurological"} <= set(asked)
    assert "hard_to_rouse" not in asked
    offered = [a.id for a in alert_actions(care.protocol, alert, state.step)]
    assert {"pause", "stop", "notify", "recheck", "other"} <= set(offered) and "oxygen" not in offered


def test_an_acknowledgement_without_an_action_or_an_answer_is_refused_and_nothing_recorded(
    care, patient, nurses, clock
):
    first, _ = nurses
    sid, state = alarmed(care, patient, nurses, clock)
    alert_id = state.open_alerts[0].event_id
    before = len(care.state(sid).events)
    answers = no_symptoms(care)
    refusals = [
        (dict(actions=[], symptoms=answers), "actions"),
        (dict(actions=["oxygen"], symptoms=answers), "actions"),  # not offered for a blood pressure alarm
        (dict(actions=["notify"], symptoms={**answers, "headache": ""}), "symptoms.headache"),
        (dict(actions=["notify"], symptoms={k: v for k, v in answers.items() if k != "visual"}), "symptoms.visual"),
        (dict(actions=["other"], symptoms=answers, note="  "), "note"),
    ]
    for arguments, field in refusals:
        with pytest.raises(InputError) as caught:
            care.acknowledge_alert(sid, alert_id, by=first.id, **arguments)
        assert caught.value.field == field
    state = care.state(sid)
    assert len(state.events) == before
    assert len(state.open_alerts) == 1 and state.step is Step.INFUSING


def test_pause_and_notify_record_the_pause_with_the_acknowledgement(care, patient, nurses, clock):
    first, _ = nurses
    sid, state = alarmed(care, patient, nurses, clock)
    alert_id = state.open_alerts[0].event_id
    clock.advance(minutes=1)
    answers = {**no_symptoms(care), "headache": "yes"}
    state = care.acknowledge_alert(sid, alert_id, ["notify", "pause"], answers, first.id, note="Dr Patel by phone")

    ack, pause = state.events[-2:]
    assert ack.type is E.ALERT_ACKNOWLEDGED and pause.type is E.PAUSED
    assert (ack.recorded_by, ack.occurred_at) == (first.id, clock.now())
    assert ack.payload["alert_event_id"] == alert_id
    assert ack.payload["actions"] == ["pause", "notify"]  # in the protocol's order
    assert ack.payload["symptoms_present"] == ["headache"]
    assert ack.payload["symptoms"]["chest_pain"] == "no" and ack.payload["note"] == "Dr Patel by phone"
    assert pause.payload["alert_event_id"] == alert_id
    assert state.step is Step.PAUSED and state.open_alerts == ()
    assert state.infusion.pause_reason == "Act-now alert: Systolic blood pressure 190 at or above 180 mmHg"
    assert state.infusion.infused == timedelta(minutes=11)
    clock.advance(minutes=20)
    assert care.state(sid).infusion.infused == timedelta(minutes=11)  # the countdown stopped with it
    reread = care.state(sid)
    assert [e.type for e in reread.events[-2:]] == [E.ALERT_ACKNOWLEDGED, E.PAUSED]  # committed, both


def test_pause_when_already_paused_records_no_second_pause(care, patient, nurses, clock):
    first, _ = nurses
    sid, state = alarmed(care, patient, nurses, clock)
    care.pause(sid, "blood pressure", first.id)
    state = care.acknowledge_alert(sid, state.open_alerts[0].event_id, ["pause"], no_symptoms(care), first.id)
    assert state.events[-1].type is E.ALERT_ACKNOWLEDGED
    assert sum(e.type is E.PAUSED for e in state.events) == 1
    assert state.infusion.pause_reason == "blood pressure"


def test_stop_records_the_early_stop_with_the_dose_given(care, patient, nurses, clock):
    first, _ = nurses
    sid, state = alarmed(care, patient, nurses, clock, LOW_SPO2)
    state = care.acknowledge_alert(
        sid, state.open_alerts[0].event_id, ["stop", "pause", "oxygen"], no_symptoms(care), first.id
    )
    assert [e.type for e in state.events[-2:]] == [E.ALERT_ACKNOWLEDGED, E.STOPPED_EARLY]
    stop = state.events[-1].payload
    assert stop["reason"].startswith("Act-now alert: SpO2 88") and stop["minutes_infused"] == "10.0"
    assert state.outcome is Outcome.STOPPED_EARLY and state.step is Step.OBSERVE


def test_after_the_infusion_there_is_nothing_to_pause_or_stop(care, patient, nurses, clock):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=40)
    care.complete(sid, first.id)
    state, _ = care.record_vitals(sid, LOW_SPO2, first.id)
    alert = state.open_alerts[0]
    assert "pause" not in [a.id for a in alert_actions(care.protocol, alert, state.step)]
    with pytest.raises(InputError) as caught:
        care.acknowledge_alert(sid, alert.event_id, ["pause"], no_symptoms(care), first.id)
    assert caught.value.field == "actions"
    state = care.acknowledge_alert(sid, alert.event_id, ["oxygen", "notify"], no_symptoms(care), first.id)
    assert state.events[-1].type is E.ALERT_ACKNOWLEDGED and state.step is Step.OBSERVE


def test_recheck_makes_a_set_due_at_the_protocols_interval(care, patient, nurses, clock):
    first, _ = nurses
    sid, state = alarmed(care, patient, nurses, clock)
    state = care.acknowledge_alert(sid, state.open_alerts[0].event_id, ["recheck"], no_symptoms(care), first.id)
    minutes = care.protocol.alert_response.recheck_minutes
    recheck = state.vitals[-1]
    assert recheck.point.id == f"recheck-{state.events[-1].id}" and recheck.point.label == "Recheck vitals"
    assert recheck.due_at == clock.now() + timedelta(minutes=minutes)
    assert recheck.status is PointStatus.UPCOMING
    assert state.next_vitals == recheck  # sooner than the 20-minute set

    clock.advance(minutes=minutes)
    state = care.state(sid)
    assert state.vitals[-1].status is PointStatus.DUE and state.next_vitals.point.id.startswith("recheck-")
    clock.advance(minutes=care.protocol.vitals_schedule.overdue_after_minutes)
    assert care.state(sid).vitals_attention is PointStatus.OVERDUE
    state, _ = care.record_vitals(sid, NORMAL, first.id)
    assert state.vitals[-1].status is PointStatus.DONE
    assert state.vitals_attention is None


def test_a_set_taken_too_soon_is_not_the_recheck(care, patient, nurses, clock):
    first, _ = nurses
    sid, state = alarmed(care, patient, nurses, clock)
    care.acknowledge_alert(sid, state.open_alerts[0].event_id, ["recheck"], no_symptoms(care), first.id)
    clock.advance(minutes=1)
    state, _ = care.record_vitals(sid, NORMAL, first.id)
    assert state.vitals[-1].status is PointStatus.UPCOMING


def test_only_an_open_alert_can_be_acknowledged(care, patient, nurses, clock):
    first, _ = nurses
    sid, state = alarmed(care, patient, nurses, clock)
    alert_id = state.open_alerts[0].event_id
    care.acknowledge_alert(sid, alert_id, ["notify"], no_symptoms(care), first.id)
    with pytest.raises(NotAllowedError, match="not open"):
        care.acknowledge_alert(sid, alert_id, ["notify"], no_symptoms(care), first.id)


def test_a_recheck_owed_holds_the_discharge_until_the_set_is_taken(care, patient, nurses, clock):
    first, _ = nurses
    sid = observed(care, patient, nurses, clock)
    state, _ = care.record_vitals(sid, {**NORMAL, V.SYSTOLIC: "190", V.DIASTOLIC: "105"}, first.id)
    care.acknowledge_alert(sid, state.open_alerts[0].event_id, ["recheck"], no_symptoms(care), first.id)
    clock.advance(minutes=care.protocol.alert_response.recheck_minutes)
    held = care.state(sid).held_back[E.DISCHARGED]
    assert "recheck" in held
    with pytest.raises(NotAllowedError, match="recheck"):
        care.discharge(sid, "10", DISCHARGE_OK, first.id, ANA_PASSWORD)
    care.record_vitals(sid, NORMAL, first.id)
    assert care.discharge(sid, "10", DISCHARGE_OK, first.id, ANA_PASSWORD).step is Step.SIGN


def test_a_partial_set_before_the_start_keeps_what_the_full_baseline_measured(care, patient, nurses):
    first, _ = nurses
    sid = prepare(care, patient, nurses)  # a full baseline is recorded
    reason = care.protocol.vitals_schedule.partial_reasons[0]
    state, _ = care.record_vitals(sid, {V.HEART_RATE: "80"}, first.id, partial_reason=reason)
    assert state.baseline[V.HEART_RATE] == 80
    assert state.baseline[V.SYSTOLIC] == int(NORMAL[V.SYSTOLIC])  # still there: the rise rule can fire
