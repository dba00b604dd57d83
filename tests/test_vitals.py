"""The reasons for a partial set are the protocol's."""

from __future__ import annotations

import pytest

from core.errors import InputError
from core.protocol import VitalKind as V
from core.services import Care
from tests.test_session_flow import NORMAL, prepare


def test_a_partial_set_needs_one_of_the_protocols_reasons(care: Care, patient, nurses):
    sid = prepare(care, patient, nurses)
    some = {V.HEART_RATE: "64", V.SPO2: "96"}
    with pytest.raises(InputError) as caught:
        care.record_vitals(sid, some, nurses[0].id)
    assert caught.value.field == "partial_reason"
    assert "asleep, refused, away from chair, equipment problem" in caught.value.advice
    with pytest.raises(InputError, match="not one of the protocol's reasons"):
        care.record_vitals(sid, some, nurses[0].id, partial_reason="napping")
    with pytest.raises(InputError, match="not partial"):
        care.record_vitals(sid, NORMAL, nurses[0].id, partial_reason="refused")

    state, _ = care.record_vitals(sid, some, nurses[0].id, partial_reason="away from chair")
    assert state.events[-1].payload["partial_reason"] == "away from chair"
    assert state.events[-1].payload["values"] == {"heart_rate": "64", "spo2": "96"}
