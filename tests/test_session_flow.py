"""A whole session on the fake clock: every step, a pause, and the countdown computed from events."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.care import Care
from core.clock import ManualClock
from core.errors import InputError, NotAllowedError
from core.events import EventType as E
from core.identify import Identified
from core.machine import Outcome, Step
from core.protocol import VitalKind as V
from core.session_state import PointStatus
from tests.helpers.answers import NO_SIDE_EFFECTS, NORMAL, SCREEN_OK, no_symptoms
from tests.helpers.people import ANA_PASSWORD, BEN_PASSWORD
from tests.helpers.sessions import prepare, pump_as_ordered, seen, session_at

pytestmark = pytest.mark.both_stores


def test_whole_session_with_a_pause_runs_in_milliseconds(care, patient, nurses, clock: ManualClock):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    state = care.start_infusion(sid, first.id)
    assert state.infusion.remaining == timedelta(minutes=40)

    clock.advance(minutes=10)
    state = care.state(sid)
    assert state.infusion.remaining == timedelta(minutes=30)
    assert state.vitals_attention is PointStatus.DUE
    care.record_vitals(sid, NORMAL, first.id)

    clock.advance(minutes=5)
    care.pause(sid, "line problem", first.id)
    clock.advance(minutes=7)  # paused: the infusion clock stands still
    state = care.state(sid)
    assert state.step is Step.PAUSED
    assert state.infusion.remaining == timedelta(minutes=25)
    assert state.infusion.pause_reason == "line problem"
    care.resume(sid, first.id)

    clock.advance(minutes=5)  # 20 infused minutes
    care.record_vitals(sid, NORMAL, first.id)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    clock.advance(minutes=10)
    care.record_vitals(sid, NORMAL, first.id)
    with pytest.raises(NotAllowedError):
        care.complete(sid, first.id)
    clock.advance(minutes=10)
    state = care.state(sid)
    assert state.infusion.remaining == timedelta()
    state = care.complete(sid, first.id)
    assert state.step is Step.OBSERVE
    assert state.infusion.ended_at == clock.now()
    care.record_vitals(sid, NORMAL, first.id)  # end-of-infusion set
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)

    criteria = {"escort": True, "instructions": True, "effects_resolved": True}
    with pytest.raises(InputError, match="minimum observation"):
        care.discharge(sid, "10", criteria, first.id, ANA_PASSWORD)
    assert care.state(sid).observation_left == timedelta(minutes=30)
    clock.advance(minutes=15)
    care.record_vitals(sid, NORMAL, first.id)
    clock.advance(minutes=15)
    care.record_vitals(sid, NORMAL, first.id)
    # Mild nausea does not contradict a criterion; dissociation, once gone, no longer does (core.discharge).
    care.record_side_effects(sid, {"nausea": "mild", "dissociation": "none"}, first.id)
    state = care.discharge(sid, "10", criteria, first.id, ANA_PASSWORD)
    assert state.step is Step.SIGN
    state = care.sign(sid, first.id, ANA_PASSWORD, seen_seq=seen(care, sid))
    assert state.step is Step.DONE
    assert state.outcome is Outcome.COMPLETED
    assert all(p.status is PointStatus.DONE for p in state.vitals)
    assert all(p.status is PointStatus.DONE for p in state.side_effect_checks)
    assert care.chairs() == []


def test_infusion_cannot_start_before_the_check(care, patient, nurses):
    first, _ = nurses
    sid = session_at(care, patient, nurses, Step.CHECK)
    assert E.STARTED not in care.state(sid).allowed
    with pytest.raises(NotAllowedError):
        care.start_infusion(sid, first.id)


def test_the_nurse_who_dosed_cannot_check(care, patient, nurses):
    first, _ = nurses
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    care.screen(sid, SCREEN_OK, first.id)
    care.record_weight(sid, "80", "kg", first.id)
    care.confirm_dose(sid, first.id)
    with pytest.raises(NotAllowedError, match="second nurse"):
        care.record_check(sid, "ana", ANA_PASSWORD, "80", "40", "151.5")


def test_a_check_mismatch_keeps_the_session_at_the_check(care, patient, nurses):
    first, second = nurses
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    care.screen(sid, SCREEN_OK, first.id)
    care.record_weight(sid, "80", "kg", first.id)
    care.confirm_dose(sid, first.id, vial_id="ketamine-50")
    state = care.record_check(sid, "ben", BEN_PASSWORD, "80", "4", "151.2")
    assert state.step is Step.CHECK
    assert state.last_check_mismatches == ("dose_mg",)
    state = care.record_check(sid, "ben", BEN_PASSWORD, "80", "40", "151.2")
    assert state.step is Step.READY
    assert state.checked_by == second.id


def test_a_screening_stop_ends_the_session_untreated(care, patient, nurses):
    first, _ = nurses
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    state = care.screen(sid, {**SCREEN_OK, "pregnancy": "unknown"}, first.id, confirm_stop=True)
    assert state.step is Step.SIGN
    assert state.outcome is Outcome.NOT_TREATED
    assert "pregnant" in state.screening_stop_reasons[0]


def test_stop_early_records_minutes_and_estimated_amount(care, patient, nurses, clock):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=20)
    state = care.stop_early(sid, "patient distressed", first.id)
    assert state.outcome is Outcome.STOPPED_EARLY
    stop = state.events[-1].payload
    assert stop["minutes_infused"] == "20.0"
    assert stop["estimated_mg_given"] == "18.1"  # 36.2 mg × 20/40


def test_one_open_session_per_chair(care, patient, nurses, clock):
    first, _ = nurses
    other = care.register_patient("MRN-2002", "Osei", "Kwame", "1980-01-02", by=first.id)
    care.record_course(other.id, "Dr Patel", clock.now().astimezone().date().isoformat(), "5", by=first.id)
    care.open_session(patient.id, 3, first.id, Identified(name=True, mrn=patient.mrn))
    with pytest.raises(NotAllowedError, match="Chair 3"):
        care.open_session(other.id, 3, first.id, Identified(name=True, mrn=other.mrn))


def test_vitals_become_due_then_overdue_on_the_infusion_clock(care, patient, nurses, clock):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=7)
    assert care.state(sid).vitals_attention is None
    clock.advance(minutes=1)  # two minutes early counts as due
    assert care.state(sid).vitals_attention is PointStatus.DUE
    care.pause(sid, "blood pressure", first.id)
    clock.advance(minutes=30)  # paused: the 10-minute point has not come yet
    state = care.state(sid)
    assert state.next_vitals.point.id == "infusion-10" and state.next_vitals.due_at is None
    care.resume(sid, first.id)
    clock.advance(minutes=7)  # 15 infused minutes: 5 past the point
    assert care.state(sid).vitals_attention is PointStatus.OVERDUE
    _, findings = care.record_vitals(sid, {**NORMAL, V.SYSTOLIC: "184"}, first.id)
    state = care.state(sid)
    assert [f.tier.value for f in findings if f.kind is V.SYSTOLIC] == ["act"]
    assert state.vitals[1].status is PointStatus.DONE
    assert len(state.open_alerts) == 1
    state = care.acknowledge_alert(sid, state.open_alerts[0].event_id, ["notify"], no_symptoms(care), first.id)
    assert state.open_alerts == ()


def test_an_alarm_carries_the_protocols_action_for_each_vital_that_alarmed(care, patient, nurses):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    care.record_vitals(sid, {**NORMAL, V.SEDATION: "-3", V.SPO2: "91", V.HEART_RATE: "121"}, first.id)
    recorded = care.state(sid).events[-1]
    assert sorted(f["vital"] for f in recorded.payload["findings"] if f["tier"] == "act") == [
        "heart_rate",
        "sedation",
        "spo2",
    ]
    (alert,) = care.state(sid).open_alerts
    vitals = care.protocol.vitals
    assert alert.event_id == recorded.id
    assert set(alert.instructions) == {vitals[v].act_instruction for v in (V.SEDATION, V.SPO2, V.HEART_RATE)}
    assert any("stop the infusion, stimulate the patient and escalate" in words for words in alert.instructions)


def test_a_correction_points_at_the_entry_and_keeps_it(care, patient, nurses):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    wrong = next(e for e in care.state(sid).events if e.type is E.VITALS)
    state = care.correct(sid, wrong.id, "entered on the wrong patient", "baseline retaken at 13:05", first.id)
    correction = state.events[-1]
    assert correction.corrects == wrong.id and correction.reason == "entered on the wrong patient"
    assert wrong in state.events


def test_impossible_vitals_are_refused_and_nothing_is_recorded(care, patient, nurses):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    before = len(care.state(sid).events)
    for bad, field in (
        ({V.SPO2: "101"}, "spo2"),
        ({V.SYSTOLIC: "70", V.DIASTOLIC: "90"}, "diastolic"),  # not below systolic: said by diastolic
        ({V.HEART_RATE: "abc"}, "heart_rate"),
    ):
        with pytest.raises(InputError) as caught:
            care.record_vitals(sid, {**NORMAL, **bad}, first.id)
        assert caught.value.field == field
    with pytest.raises(InputError, match="partial"):
        care.record_vitals(sid, {V.HEART_RATE: "80"}, first.id)
    care.record_vitals(sid, {V.HEART_RATE: "80"}, first.id, partial_reason="asleep")
    assert len(care.state(sid).events) == before + 1


def test_a_clock_set_back_is_noticed_and_time_left_does_not_grow(care, patient, nurses, clock):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=10)
    care.record_vitals(sid, NORMAL, first.id)
    clock.jump(timedelta(hours=-1))
    state = care.state(sid)
    assert state.clock_behind
    assert state.infusion.remaining == timedelta(minutes=30)


def test_baseline_outside_start_thresholds_needs_a_go_ahead(care, patient, nurses):
    first, _ = nurses
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    care.screen(sid, SCREEN_OK, first.id)
    care.record_weight(sid, "80", "kg", first.id)
    care.confirm_dose(sid, first.id, vial_id="ketamine-50")
    care.record_vitals(sid, {**NORMAL, V.SYSTOLIC: "168"}, first.id)
    care.record_check(sid, "ben", BEN_PASSWORD, "80", "40", "151.2")
    care.record_drawn(sid, "LOT-K2291", "0.8", first.id)
    pump_as_ordered(care, sid, first.id)
    with pytest.raises(InputError) as caught:
        care.start_infusion(sid, first.id)
    assert caught.value.field == "go_ahead"
    state = care.start_infusion(sid, first.id, go_ahead="Dr Patel by phone: usual for her, proceed")
    assert state.events[-1].payload["go_ahead"].startswith("Dr Patel")


def test_start_without_baseline_vitals_says_why(care, patient, nurses):
    first, _ = nurses
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    care.screen(sid, SCREEN_OK, first.id)
    care.record_weight(sid, "80", "kg", first.id)
    care.confirm_dose(sid, first.id, vial_id="ketamine-50")
    state = care.record_check(sid, "ben", BEN_PASSWORD, "80", "40", "151.2")
    assert state.step is Step.READY and E.STARTED in state.held_back
    with pytest.raises(NotAllowedError, match="baseline vital signs"):
        care.start_infusion(sid, first.id)


def test_a_pump_found_stopped_is_held_until_paused_or_stopped(care, patient, nurses, clock):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=5)
    state = care.confirm_pump(sid, running=False, by=first.id)
    assert state.pump_found_stopped_at == clock.now()
    clock.advance(minutes=1)
    state = care.pause(sid, "line problem", first.id)
    assert state.pump_found_stopped_at is None


def test_the_board_sees_entries_made_on_another_workstation(care, patient, nurses, clock, database, protocol):
    """The board keeps the logs it has read; an entry saved elsewhere must still reach it at once."""
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    (before,) = care.chairs()
    other = Care(database, protocol, clock, workstation="ws-2")
    other.start_infusion(sid, first.id)
    (after,) = care.chairs()
    assert before.state.step is Step.READY and after.state.step is Step.INFUSING


def test_a_late_set_answers_the_latest_point_owed_and_the_earlier_ones_are_missed(care, patient, nurses, clock):
    """No set for 31 minutes: the set then taken is the 30-minute set; the 10- and 20-minute sets were
    missed, and nothing is left overdue that can no longer be taken."""
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=31)
    care.record_vitals(sid, NORMAL, first.id)
    statuses = {entry.point.id: entry.status for entry in care.state(sid).vitals}
    assert statuses["infusion-10"] is PointStatus.SKIPPED
    assert statuses["infusion-20"] is PointStatus.SKIPPED
    assert statuses["infusion-30"] is PointStatus.DONE
    assert care.state(sid).vitals_attention is None
