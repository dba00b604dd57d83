"""The side-effect checklist at set times: due and overdue on the infusion clock and after the end, answered
by a recording, and asked for before the patient leaves."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.attention import Priority, attention
from core.care import Care
from core.clock import ManualClock
from core.dates import local_time
from core.errors import NotAllowedError
from core.events import EventType as E
from core.machine import Step
from core.session_state import PointStatus, SessionState
from tests.helpers.answers import DISCHARGE_OK, NO_SIDE_EFFECTS, NORMAL
from tests.helpers.people import ANA_PASSWORD
from tests.helpers.sessions import prepare


def statuses(state: SessionState) -> dict[str, PointStatus]:
    return {entry.point.id: entry.status for entry in state.side_effect_checks}


def started(care: Care, patient, nurses) -> str:
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, nurses[0].id)
    return sid


def test_the_schedule_comes_from_the_protocol(protocol):
    schedule = protocol.side_effects_schedule
    assert [(p.phase.value, p.minutes) for p in schedule.points] == [
        ("infusion", 20),
        ("observation", 0),
        ("observation", protocol.observation.minimum_minutes),
    ]


def test_a_check_falls_due_on_the_infusion_clock_then_overdue(care, patient, nurses, clock: ManualClock):
    first, _ = nurses
    sid = started(care, patient, nurses)
    clock.advance(minutes=10)
    care.record_vitals(sid, NORMAL, first.id)  # the vitals kept on time, so only the checklist is owed
    clock.advance(minutes=7)
    state = care.state(sid)
    assert statuses(state)["infusion-20"] is PointStatus.UPCOMING
    assert state.next_side_effects.due_at == clock.now() + timedelta(minutes=3)
    assert state.side_effects_attention is None

    clock.advance(minutes=1)  # two minutes early: due
    care.record_vitals(sid, NORMAL, first.id)
    state = care.state(sid)
    assert state.side_effects_attention is PointStatus.DUE
    need = attention(state)
    assert (
        need.text.startswith(
            f"Side effects check due now: {local_time(state.next_side_effects.due_at)} — 20 min into infusion"
        )
        and need.priority is Priority.LOW
    )

    clock.advance(minutes=7)  # five minutes after it fell
    state = care.state(sid)
    assert state.side_effects_attention is PointStatus.OVERDUE
    need = attention(state)
    assert need.text.startswith(
        f"Side effects check OVERDUE: {local_time(state.next_side_effects.due_at)} — 20 min into infusion"
    )
    assert need.priority is Priority.MEDIUM


def test_an_overdue_check_sounds_before_vitals_merely_due(care, patient, nurses, clock: ManualClock):
    first, _ = nurses
    sid = started(care, patient, nurses)
    for _ in range(2):
        clock.advance(minutes=10)
        care.record_vitals(sid, NORMAL, first.id)
    clock.advance(minutes=8)  # the 30-minute vitals are due, the 20-minute checklist is overdue
    state = care.state(sid)
    assert state.vitals_attention is PointStatus.DUE
    assert attention(state).priority is Priority.MEDIUM


def test_a_pause_shifts_the_check_with_the_infusion_clock(care, patient, nurses, clock: ManualClock):
    first, _ = nurses
    sid = started(care, patient, nurses)
    clock.advance(minutes=15)
    care.pause(sid, "line problem", first.id)
    clock.advance(minutes=10)
    state = care.state(sid)
    assert statuses(state)["infusion-20"] is PointStatus.UPCOMING  # the drug is not running: not reached
    care.resume(sid, first.id)
    resumed = clock.now()
    assert care.state(sid).next_side_effects.due_at == resumed + timedelta(minutes=5)
    clock.advance(minutes=3)
    assert care.state(sid).side_effects_attention is PointStatus.DUE
    clock.advance(minutes=7)
    assert care.state(sid).side_effects_attention is PointStatus.OVERDUE


def test_a_recording_answers_the_check_owed_and_one_between_checks_answers_none(
    care, patient, nurses, clock: ManualClock
):
    first, _ = nurses
    sid = started(care, patient, nurses)
    clock.advance(minutes=10)
    state = care.record_side_effects(sid, {"dizziness": "mild"}, first.id)  # something happened
    assert state.events[-1].payload["point_id"] is None
    assert statuses(state)["infusion-20"] is PointStatus.UPCOMING

    clock.advance(minutes=10)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    state = care.state(sid)  # read back from the database
    recorded = state.events[-1]
    assert (recorded.type, recorded.payload["point_id"]) == (E.SIDE_EFFECTS, "infusion-20")
    assert statuses(state)["infusion-20"] is PointStatus.DONE
    assert state.side_effects_attention is None
    assert state.next_side_effects.point.id == "end"


def test_a_missed_check_gives_way_to_the_next_one(care, patient, nurses, clock: ManualClock):
    first, _ = nurses
    sid = started(care, patient, nurses)
    clock.advance(minutes=40)
    state = care.complete(sid, first.id)
    assert statuses(state) == {
        "infusion-20": PointStatus.SKIPPED,  # missed: what matters now is how the patient is at the end
        "end": PointStatus.DUE,
        "before-discharge": PointStatus.UPCOMING,
    }
    state = care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    assert state.events[-1].payload["point_id"] == "end"
    assert statuses(state)["infusion-20"] is PointStatus.SKIPPED


def test_an_infusion_stopped_before_the_point_skips_it(care, patient, nurses, clock: ManualClock):
    first, _ = nurses
    sid = started(care, patient, nurses)
    clock.advance(minutes=12)
    state = care.stop_early(sid, "patient asked to stop", first.id)
    assert statuses(state)["infusion-20"] is PointStatus.SKIPPED
    assert state.next_side_effects.point.id == "end"
    assert state.next_side_effects.due_at == clock.now()


def test_discharge_waits_for_the_check_before_it(care, patient, nurses, clock: ManualClock):
    first, _ = nurses
    sid = started(care, patient, nurses)
    clock.advance(minutes=40)
    care.complete(sid, first.id)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    clock.advance(minutes=30)
    state = care.state(sid)
    assert E.DISCHARGED in state.held_back and E.DISCHARGED not in state.allowed
    with pytest.raises(NotAllowedError, match="side-effect check: 30 min after end"):
        care.discharge(sid, "10", DISCHARGE_OK, first.id, ANA_PASSWORD)
    assert care.state(sid).step is Step.OBSERVE

    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    care.record_vitals(sid, NORMAL, first.id)  # the set before discharge
    state = care.discharge(sid, "10", DISCHARGE_OK, first.id, ANA_PASSWORD)
    assert state.step is Step.SIGN
    answered = [e.payload["point_id"] for e in state.events if e.type is E.SIDE_EFFECTS]
    assert answered == ["end", "before-discharge"]


def test_nothing_is_owed_once_the_session_is_discharged(care, patient, nurses, clock: ManualClock):
    first, _ = nurses
    sid = started(care, patient, nurses)
    clock.advance(minutes=40)
    care.complete(sid, first.id)
    clock.advance(minutes=30)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    care.record_vitals(sid, NORMAL, first.id)  # the set before discharge
    state = care.discharge(sid, "10", DISCHARGE_OK, first.id, ANA_PASSWORD)
    assert state.side_effects_attention is None
    assert attention(state) is None


def test_no_side_effects_records_every_item_at_the_protocols_none_grade(care, patient, nurses, clock: ManualClock):
    first, _ = nurses
    sid = started(care, patient, nurses)
    for _ in range(2):
        clock.advance(minutes=10)
        care.record_vitals(sid, NORMAL, first.id)
    care.record_no_side_effects(sid, first.id)
    recorded = care.state(sid).events[-1]
    assert recorded.type is E.SIDE_EFFECTS
    assert recorded.payload["grades"] == {item.id: "none" for item in care.protocol.side_effects.items}
    assert recorded.payload["act_now"] == []
    assert recorded.payload["point_id"] == "infusion-20"
    assert care.state(sid).side_effects_attention is None


def test_the_grades_that_need_action_are_the_protocols(protocol):
    rules = protocol.side_effects
    assert rules.none_grade == "none"
    assert rules.act_grades == {"severe", "life-threatening"}
