"""The baseline that lets the infusion start: complete for the start thresholds, and taken just before."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.errors import InputError, NotAllowedError
from core.events import EventType as E
from core.identify import Identified
from core.machine import Step
from core.protocol import VitalKind as V
from core.vitals import start_problems
from tests.helpers.answers import NORMAL, SCREEN_OK
from tests.helpers.people import BEN_PASSWORD
from tests.helpers.sessions import pump_as_ordered

GO_AHEAD = "Dr Patel by phone: proceed without blood pressure, cuff broken"


def ready_with_baseline(care, patient, first, vitals: dict[V, str], partial_reason: str | None = None) -> str:
    """Checked and drawn up, with ``vitals`` as the baseline set."""
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    care.screen(sid, SCREEN_OK, first.id)
    care.record_weight(sid, "80", "kg", first.id)
    care.confirm_dose(sid, first.id, vial_id="ketamine-50")
    care.record_vitals(sid, vitals, first.id, partial_reason=partial_reason)
    care.record_check(sid, "ben", BEN_PASSWORD, "80", "40", "151.2")
    care.record_drawn(sid, "LOT-K2291", "0.8", first.id)
    state = pump_as_ordered(care, sid, first.id)
    assert state.step is Step.READY
    return sid


def started(care, sid: str) -> list[dict]:
    return [event.payload for event in care.state(sid).events if event.type is E.STARTED]


def test_every_vital_with_a_start_threshold_missing_from_the_baseline_is_a_start_problem(protocol):
    problems = start_problems(protocol, {V.HEART_RATE: Decimal(72), V.SEDATION: Decimal(0)})
    thresholded = [
        limits.label
        for kind, limits in protocol.vitals.items()
        if kind is not V.HEART_RATE and (limits.start_above is not None or limits.start_below is not None)
    ]
    assert problems == [f"{name} not measured" for name in thresholded]
    assert {"Systolic blood pressure not measured", "SpO2 not measured"} <= set(problems)
    assert start_problems(protocol, {kind: Decimal(value) for kind, value in NORMAL.items()}) == []


def test_a_partial_baseline_needs_the_prescribers_go_ahead_to_start(care, patient, nurses):
    first, _ = nurses
    sid = ready_with_baseline(care, patient, first, {V.HEART_RATE: "72"}, partial_reason="refused")
    with pytest.raises(InputError) as caught:
        care.start_infusion(sid, first.id)
    assert caught.value.field == "go_ahead"
    assert "Systolic blood pressure not measured" in caught.value.message
    assert "SpO2 not measured" in caught.value.message
    assert started(care, sid) == []

    state = care.start_infusion(sid, first.id, go_ahead=GO_AHEAD)
    assert state.step is Step.INFUSING
    (payload,) = started(care, sid)
    assert payload["go_ahead"] == GO_AHEAD
    assert "SpO2 not measured" in payload["start_problems"]


def test_a_full_set_taken_again_before_the_start_is_the_baseline(care, patient, nurses):
    first, _ = nurses
    sid = ready_with_baseline(care, patient, first, {V.HEART_RATE: "72"}, partial_reason="refused")
    state, _ = care.record_vitals(sid, NORMAL, first.id)
    assert state.baseline == {kind: Decimal(value) for kind, value in NORMAL.items()}
    state = care.start_infusion(sid, first.id)
    assert state.step is Step.INFUSING and started(care, sid)[0]["start_problems"] == []


def test_a_baseline_older_than_the_protocol_allows_is_held_until_a_fresh_set(care, patient, nurses, clock, protocol):
    first, _ = nurses
    sid = ready_with_baseline(care, patient, first, NORMAL)
    window = protocol.vitals_schedule.baseline_within_minutes
    clock.advance(minutes=window)
    assert E.STARTED in care.state(sid).allowed  # exactly the window old: still the baseline

    clock.advance(minutes=1)
    state = care.state(sid)
    assert "take a fresh set" in state.held_back[E.STARTED] and E.STARTED not in state.allowed
    with pytest.raises(NotAllowedError, match="take a fresh set"):
        care.start_infusion(sid, first.id, go_ahead="Dr Patel: proceed")
    assert started(care, sid) == []

    clock.advance(minutes=180)
    care.record_vitals(sid, NORMAL, first.id)
    state = care.start_infusion(sid, first.id)
    assert state.step is Step.INFUSING and len(started(care, sid)) == 1
