"""The state machine's table, and the countdown under any pattern of pauses (property-based)."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.events import EventType as E
from core.machine import TRANSITIONS, Step, allowed, next_step


def test_every_step_has_a_row_and_a_signed_session_takes_only_addenda():
    assert set(TRANSITIONS) == set(Step)
    assert allowed(Step.DONE) == frozenset({E.ADDENDUM})


def test_nothing_before_the_check_can_start_the_infusion():
    for step in (Step.SCREEN, Step.WEIGH, Step.DOSE, Step.CHECK):
        assert E.STARTED not in allowed(step)
    assert E.STARTED in allowed(Step.READY)


def test_a_failed_check_stays_at_the_check_and_a_new_weight_needs_a_new_dose_and_check():
    assert next_step(Step.CHECK, E.CHECKED, check_passed=False) is Step.CHECK
    assert next_step(Step.CHECK, E.CHECKED, check_passed=True) is Step.READY
    assert next_step(Step.READY, E.WEIGHED) is Step.DOSE


def test_signing_is_the_only_way_out_and_only_from_sign():
    reach_done = [step for step in Step if E.SIGNED in allowed(step)]
    assert reach_done == [Step.SIGN]


def test_paths_through_the_table_never_skip_the_check():
    """Walk every sequence of allowed events from SCREEN; INFUSING is only reached via READY."""
    seen, frontier = set(), [(Step.SCREEN, False)]
    while frontier:
        step, checked = frontier.pop()
        if (step, checked) in seen:
            continue
        seen.add((step, checked))
        for event in allowed(step):
            for passed in (False, True):
                after = next_step(step, event, check_passed=passed)
                if after is Step.INFUSING and step not in {Step.PAUSED, Step.INFUSING}:
                    assert step is Step.READY
                frontier.append((after, checked or after is Step.READY))
    assert (Step.DONE, True) in seen


actions = st.lists(
    st.tuples(st.sampled_from(["pause", "resume", "wait"]), st.integers(min_value=0, max_value=15 * 60)),
    max_size=25,
)


# care_factory makes a new database and session on every call, so sharing the fixture is safe.
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=actions)
def test_time_left_is_forty_minutes_less_time_running_never_negative(plan, care_factory):
    care, clock, nurse, sid = care_factory()
    care.start_infusion(sid, nurse)
    running, infused, last_left = True, timedelta(), timedelta(minutes=40)
    for action, seconds in plan:
        step = care.state(sid).step
        if step is Step.OBSERVE:
            break
        if action == "pause" and step is Step.INFUSING:
            care.pause(sid, "patient away", nurse)
            running = False
        elif action == "resume" and step is Step.PAUSED:
            care.resume(sid, nurse)
            running = True
        clock.advance(seconds=seconds)
        if running:
            infused += timedelta(seconds=seconds)
        left = care.state(sid).infusion.remaining
        assert left == max(timedelta(), timedelta(minutes=40) - infused)
        assert timedelta() <= left <= last_left
        last_left = left
