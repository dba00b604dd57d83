"""A weight far from the patient's last session is confirmed before a dose is worked out from it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from core.errors import InputError
from core.events import EventType as E
from core.identify import Identified
from core.machine import Step
from tests.helpers.answers import SCREEN_OK
from tests.helpers.sessions import signed


def yesterday_at(care, patient, nurses, clock) -> None:
    """Yesterday's full session at 72.4 kg, signed; then the clock moves to today."""
    signed(care, patient, nurses, clock)
    clock.advance(timedelta(hours=22))


def today(care, patient, nurses) -> str:
    first, _ = nurses
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    care.screen(sid, SCREEN_OK, first.id)
    return sid


def test_the_first_session_has_nothing_to_compare_with(care, patient, nurses):
    sid = today(care, patient, nurses)
    payload = care.record_weight(sid, "95", "kg", nurses[0].id).events[-1].payload
    assert "previous" not in payload


def test_a_small_change_is_recorded_with_the_comparison(care, patient, nurses, clock):
    yesterday_at(care, patient, nurses, clock)
    sid = today(care, patient, nurses)
    payload = care.record_weight(sid, "73.9", "kg", nurses[0].id).events[-1].payload
    assert payload["previous"]["kg"] == "72.4" and payload["change_percent"] == "2.1"
    assert "change_confirmed" not in payload


def test_a_change_beyond_the_protocol_needs_confirming(care, patient, nurses, clock):
    yesterday_at(care, patient, nurses, clock)
    sid = today(care, patient, nurses)
    with pytest.raises(InputError) as caught:
        care.record_weight(sid, "80", "kg", nurses[0].id)
    assert caught.value.field == "confirm_change" and "10.5 % more than the 72.4 kg" in caught.value.message
    assert E.WEIGHED not in {e.type for e in care.state(sid).events}
    state = care.record_weight(sid, "80", "kg", nurses[0].id, confirm_change=True)
    assert state.events[-1].payload["change_confirmed"] is True
    assert state.dose is None and state.step is Step.DOSE


def test_the_same_weight_read_in_pounds_is_no_change(care, patient, nurses, clock):
    yesterday_at(care, patient, nurses, clock)
    sid = today(care, patient, nurses)
    payload = care.record_weight(sid, "160", "lb", nurses[0].id).events[-1].payload  # 72.57 kg
    assert payload["change_percent"] == "0.2"


def test_the_comparison_is_with_the_latest_earlier_weighing(care, patient, nurses, clock):
    yesterday_at(care, patient, nurses, clock)
    sid = today(care, patient, nurses)
    care.record_weight(sid, "80", "kg", nurses[0].id, confirm_change=True)
    care.record_weight(sid, "72.9", "kg", nurses[0].id)  # weighed again in the same session: still vs yesterday
    payload = care.state(sid).events[-1].payload
    assert Decimal(payload["previous"]["kg"]) == Decimal("72.4")
