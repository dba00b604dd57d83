"""A severe side effect prompts the protocol's action and an adverse-event record before signing."""

from __future__ import annotations

import pytest

from core.errors import InputError, NotAllowedError
from core.events import EventType as E
from tests.helpers.people import ANA_PASSWORD
from tests.helpers.sessions import discharged, prepare, seen


def test_a_severe_side_effect_waits_for_its_adverse_event_record(care, patient, nurses, clock):
    first, _ = nurses
    sid = discharged(care, patient, nurses, clock)
    state = care.record_side_effects(sid, {"hallucinations": "severe", "nausea": "mild"}, first.id)
    (pending,) = state.pending_adverse_events
    assert (pending.item, pending.grade) == ("hallucinations", "severe")
    assert E.SIGNED in state.held_back
    with pytest.raises(NotAllowedError, match="adverse event"):
        care.sign(sid, first.id, ANA_PASSWORD, seen_seq=seen(care, sid))

    with pytest.raises(InputError) as caught:
        care.record_adverse_event(sid, pending.source_event_id, "hallucinations", "paused", "", first.id)
    assert caught.value.field == "adverse_told"
    state = care.record_adverse_event(
        sid, pending.source_event_id, "hallucinations", "Infusion paused; stayed with her", "Dr Patel, 14:10", first.id
    )
    recorded = state.events[-1].payload
    assert recorded["what"] == "Hallucinations" and recorded["severity"] == "severe"
    assert recorded["told"] == "Dr Patel, 14:10"
    assert state.pending_adverse_events == () and E.SIGNED not in state.held_back
    with pytest.raises(NotAllowedError, match="no adverse event waiting"):
        care.record_adverse_event(sid, pending.source_event_id, "hallucinations", "again", "again", first.id)


def test_moderate_effects_need_no_adverse_event(care, patient, nurses, clock):
    first, _ = nurses
    sid = discharged(care, patient, nurses, clock)
    state = care.record_side_effects(sid, {"dissociation": "moderate"}, first.id)
    assert state.pending_adverse_events == ()


def test_the_severe_side_effect_instruction_fits_the_phase(care, patient, nurses, clock):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    words = care.protocol.side_effects.act_instruction
    assert words[care.state(sid).phase].startswith("Do not start")
    care.start_infusion(sid, first.id)
    assert words[care.state(sid).phase].startswith("Pause the infusion")
    state = care.pause(sid, "distress", first.id)
    assert words[state.phase].startswith("Pause the infusion")
    care.resume(sid, first.id)
    clock.advance(minutes=40)
    state = care.complete(sid, first.id)
    assert "Pause" not in words[state.phase] and "has ended" in words[state.phase]
