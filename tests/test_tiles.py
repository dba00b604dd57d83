"""What a chair's tile says at each step: the clock that matters (paused, or run over), the next vitals, a
side-effect check owed, what is unsigned, the nurse looking after the chair and the course day."""

from __future__ import annotations

from datetime import timedelta

from core.attention import Priority
from core.board import tile
from core.care import Care
from core.clock import ManualClock
from core.identify import Identified
from core.session_state import PointStatus
from tests.helpers.answers import DISCHARGE_OK, NO_SIDE_EFFECTS, NORMAL, SCREEN_OK
from tests.helpers.people import ANA_PASSWORD
from tests.helpers.sessions import prepare


def only_tile(care: Care):
    (view,) = care.chairs()
    return tile(view, care.clock.now(), lambda staff_id: f"name of {staff_id}")


def test_a_chair_being_dosed_waits_for_the_second_nurse(care, patient, nurses):
    first, _ = nurses
    sid = care.open_session(
        patient.id, 1, first.id, Identified(name=True, birth_date=patient.birth_date.isoformat())
    ).session_id
    care.screen(sid, SCREEN_OK, first.id)
    care.record_weight(sid, "72.4", "kg", first.id)
    care.confirm_dose(sid, first.id, vial_id="ketamine-10")
    facts = only_tile(care)
    assert facts.step == "Second-nurse check"
    assert facts.countdown is None
    assert facts.unsigned == ("second-nurse check",)


def test_an_infusion_counts_down_to_its_end_and_a_pause_names_its_reason(care, patient, nurses, clock: ManualClock):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=10)
    facts = only_tile(care)
    assert facts.countdown is not None
    assert facts.countdown.left == timedelta(minutes=30)
    assert facts.countdown.until == clock.now() + timedelta(minutes=30)
    assert facts.vitals is not None and facts.vitals.status is PointStatus.DUE
    care.pause(sid, "line problem", first.id)
    facts = only_tile(care)
    assert facts.step == "Paused — line problem"
    assert facts.countdown is not None and facts.countdown.until is None  # no end while the pump is stopped
    clock.advance(minutes=10)
    assert only_tile(care).vitals.status is PointStatus.OVERDUE
    assert only_tile(care).need.priority is Priority.MEDIUM


def test_observation_counts_to_the_earliest_discharge_then_waits_for_it(care, patient, nurses, clock: ManualClock):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=40)
    care.complete(sid, first.id)
    facts = only_tile(care)
    assert facts.countdown is not None and facts.countdown.what == "left"
    assert facts.unsigned == ()
    assert facts.side_effects is not None and facts.side_effects.point.id == "end"
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    assert only_tile(care).side_effects is None
    clock.advance(minutes=30)
    facts = only_tile(care)
    assert facts.unsigned == ("discharge",)
    assert facts.side_effects is not None and facts.side_effects.status is PointStatus.DUE
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    care.record_vitals(sid, NORMAL, first.id)  # the set before discharge
    care.discharge(sid, "10", DISCHARGE_OK, first.id, ANA_PASSWORD)
    facts = only_tile(care)
    assert facts.countdown is None
    assert facts.unsigned == ("session signature",)


def test_a_pause_says_when_it_began_and_how_long_it_has_lasted(care, patient, nurses, clock: ManualClock):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=10)
    running = only_tile(care).countdown
    assert running is not None and not running.paused and running.paused_for is None
    paused_at = clock.now()
    care.pause(sid, "line problem", first.id)
    clock.advance(minutes=6, seconds=30)
    facts = only_tile(care).countdown
    assert facts is not None and facts.paused
    assert facts.paused_since == paused_at
    assert facts.paused_for == timedelta(minutes=6, seconds=30)
    assert facts.left == timedelta(minutes=30)  # the infusion's clock stood still meanwhile
    care.resume(sid, first.id)
    clock.advance(minutes=1)
    facts = only_tile(care).countdown
    assert facts is not None and not facts.paused and facts.left == timedelta(minutes=29)


def test_a_countdown_past_its_end_counts_on_as_overrun(care, patient, nurses, clock: ManualClock):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=10)
    care.pause(sid, "line problem", first.id)
    clock.advance(minutes=5)  # a pause does not count towards the infusion time
    care.resume(sid, first.id)
    clock.advance(minutes=30)
    facts = only_tile(care).countdown
    assert facts is not None and facts.left == timedelta() and facts.over == timedelta()
    clock.advance(minutes=3, seconds=12)
    facts = only_tile(care).countdown
    assert facts is not None and facts.left == timedelta()
    assert facts.over == timedelta(minutes=3, seconds=12)
    assert facts.what == "over"
    assert facts.until == clock.now() - timedelta(minutes=3, seconds=12)  # when the time was up
    care.complete(sid, first.id)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    minimum = timedelta(minutes=care.protocol.observation.minimum_minutes)
    clock.advance(minimum + timedelta(minutes=2))
    facts = only_tile(care).countdown
    assert facts is not None and facts.over == timedelta(minutes=2) and facts.what == "since done"
    assert facts.done_words == "observation time done; discharge not yet recorded"  # not an infusion run over


def test_the_tile_names_the_nurse_at_the_chair_and_the_course_day(care, patient, nurses, clock: ManualClock):
    first, second = nurses
    sid = prepare(care, patient, nurses)
    facts = only_tile(care)
    assert facts.day == "day 1 of 5"
    assert facts.nurses == (f"name of {first.id}",)  # the second nurse's check is a visit, not the care
    care.start_infusion(sid, first.id)
    clock.advance(minutes=10)
    care.record_vitals(sid, NORMAL, second.id)  # a colleague takes the set: the chair is both theirs
    assert only_tile(care).nurses == (f"name of {second.id}", f"name of {first.id}")
