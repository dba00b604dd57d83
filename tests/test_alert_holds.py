"""An open act-now alert holds the session: no start, no discharge, no signature until it is acknowledged."""

from __future__ import annotations

import pytest

from core.errors import NotAllowedError
from core.events import EventType as E
from core.identify import Identified
from core.machine import Step, allowed
from core.protocol import VitalKind as V
from tests.helpers.answers import DISCHARGE_OK, NORMAL, SCREEN_OK, no_symptoms
from tests.helpers.people import ANA_PASSWORD, BEN_PASSWORD
from tests.helpers.sessions import observed, pump_as_ordered, seen

LOW_SPO2 = {**NORMAL, V.SPO2: "85"}
HELD = "Acknowledge the alert for SpO2 85"


def recorded(care, sid: str, kind: E) -> int:
    return sum(1 for event in care.state(sid).events if event.type is kind)


def dosed_with_low_baseline(care, patient, first) -> str:
    """At the dose step, the baseline set has just raised an act-now alert."""
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    care.screen(sid, SCREEN_OK, first.id)
    care.record_weight(sid, "80", "kg", first.id)
    care.record_vitals(sid, LOW_SPO2, first.id)
    return sid


def ready_with_low_baseline(care, patient, first):
    """Checked, drawn up and the pump read, the baseline's act-now alert still open: (session id, state)."""
    sid = dosed_with_low_baseline(care, patient, first)
    care.confirm_dose(sid, first.id, vial_id="ketamine-50")
    care.record_check(sid, "ben", BEN_PASSWORD, "80", "40", "151.2")
    care.record_drawn(sid, "LOT-K2291", "0.8", first.id)
    return sid, pump_as_ordered(care, sid, first.id)


def test_an_alert_can_be_acknowledged_wherever_vitals_can_be_recorded():
    for step in Step:
        if E.VITALS in allowed(step):
            assert E.ALERT_ACKNOWLEDGED in allowed(step), step


def test_an_alert_from_the_baseline_is_acknowledged_before_the_start(care, patient, nurses):
    first, _ = nurses
    sid = dosed_with_low_baseline(care, patient, first)
    (alert,) = care.state(sid).open_alerts
    state = care.acknowledge_alert(sid, alert.event_id, ["notify"], no_symptoms(care), first.id)
    assert state.step is Step.DOSE and state.open_alerts == ()
    assert state.events[-1].type is E.ALERT_ACKNOWLEDGED
    assert state.events[-1].payload["actions"] == ["notify"]


def test_an_open_alert_holds_back_the_start_even_with_a_go_ahead(care, patient, nurses):
    first, _ = nurses
    sid, state = ready_with_low_baseline(care, patient, first)
    assert state.step is Step.READY
    assert state.held_back[E.STARTED].startswith(HELD) and E.STARTED not in state.allowed
    with pytest.raises(NotAllowedError, match=HELD):
        care.start_infusion(sid, first.id, go_ahead="Dr Patel by phone: proceed")
    assert recorded(care, sid, E.STARTED) == 0

    care.acknowledge_alert(sid, state.open_alerts[0].event_id, ["notify"], no_symptoms(care), first.id)
    state = care.start_infusion(sid, first.id, go_ahead="Dr Patel by phone: proceed")
    assert state.step is Step.INFUSING and recorded(care, sid, E.STARTED) == 1


def test_no_discharge_while_an_alert_is_open(care, patient, nurses, clock):
    first, _ = nurses
    sid = observed(care, patient, nurses, clock)
    state, _ = care.record_vitals(sid, LOW_SPO2, first.id)
    assert state.held_back[E.DISCHARGED].startswith(HELD)
    with pytest.raises(NotAllowedError, match=HELD):
        care.discharge(sid, "10", DISCHARGE_OK, first.id, ANA_PASSWORD)
    assert recorded(care, sid, E.DISCHARGED) == 0 and care.state(sid).step is Step.OBSERVE

    care.acknowledge_alert(sid, state.open_alerts[0].event_id, ["notify"], no_symptoms(care), first.id)
    state = care.discharge(sid, "10", DISCHARGE_OK, first.id, ANA_PASSWORD)
    assert state.step is Step.SIGN and recorded(care, sid, E.DISCHARGED) == 1


def test_no_signature_while_an_alert_is_open_and_it_can_be_acknowledged_at_signing(care, patient, nurses):
    first, _ = nurses
    sid = dosed_with_low_baseline(care, patient, first)
    state = care.abandon(sid, "SpO2 low at baseline, rebooked", first.id)
    assert state.step is Step.SIGN and state.held_back[E.SIGNED].startswith(HELD)
    with pytest.raises(NotAllowedError, match=HELD):
        care.sign(sid, first.id, ANA_PASSWORD, seen_seq=seen(care, sid))
    assert recorded(care, sid, E.SIGNED) == 0

    care.acknowledge_alert(sid, state.open_alerts[0].event_id, ["notify"], no_symptoms(care), first.id)
    state = care.sign(sid, first.id, ANA_PASSWORD, seen_seq=seen(care, sid))
    assert state.step is Step.DONE and recorded(care, sid, E.SIGNED) == 1
