"""Pump programmed and checked before the start, and the rest of every vial accounted for before signing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.audit import AuditAction, entries
from core.care import Care
from core.controlled import controlled_words
from core.dosing import pump_order
from core.errors import InputError, NotAllowedError
from core.events import EventType as E
from core.identify import Identified
from core.machine import Step
from core.refusals import Refusal
from core.reports.session_summary import session_summary
from core.signatures import Meaning
from tests.helpers.answers import NO_SIDE_EFFECTS, NORMAL, SCREEN_OK
from tests.helpers.people import ANA_PASSWORD, BEN_PASSWORD
from tests.helpers.sessions import prepare, seen
from tests.test_controlled import CRITERIA, WASTE_BIN
from tests.test_session_summary import PRINTING, pages


def drawn_up(care: Care, patient, nurses) -> str:
    """72.4 kg: 36.2 mg, 3.62 mL from the 10 mg/mL 20 mL vial; checked, baseline taken, nothing read off the pump."""
    first, _ = nurses
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    care.screen(sid, SCREEN_OK, first.id)
    care.record_weight(sid, "72.4", "kg", first.id)
    care.confirm_dose(sid, first.id, vial_id="ketamine-10")
    care.record_vitals(sid, NORMAL, first.id)
    care.record_check(sid, "ben", BEN_PASSWORD, "72.4", "36.2", "155.4")
    care.record_drawn(sid, "LOT-K2291", "3.62", first.id)
    return sid


def test_the_order_names_the_carrier_the_bag_the_rate_the_vtbi_and_the_time(care, patient, nurses):
    sid = drawn_up(care, patient, nurses)
    dose = care.state(sid).dose
    order = pump_order(care.protocol, dose)
    assert (order.rate_ml_per_h, order.vtbi_ml, order.minutes) == (Decimal("155.4"), Decimal("103.6"), 40)
    assert order.contents == "Ketamine 36.2 mg in 0.9% sodium chloride, 100 mL bag (0.349 mg/mL)"
    assert order.settings == "Rate 155.4 mL/h · VTBI 103.6 mL · 40 min"


def test_a_pump_that_disagrees_is_recorded_and_holds_the_start_until_a_reading_agrees(care, patient, nurses, clock):
    first, _ = nurses
    sid = drawn_up(care, patient, nurses)
    state = care.state(sid)
    assert state.start_waits_for_pump and E.STARTED not in state.allowed
    with pytest.raises(NotAllowedError, match="Program the pump"):
        care.start_infusion(sid, first.id)

    clock.advance(minutes=1)
    state = care.record_pump(sid, "15.5", "103.6", first.id)  # the rate typed into the pump a digit short
    check = state.pump_check
    assert check is not None and check.mismatches == ("rate_ml_per_h",) and not check.agrees
    assert state.start_waits_for_pump and "does not show what was ordered" in state.held_back[E.STARTED]
    with pytest.raises(NotAllowedError, match="does not show what was ordered"):
        care.start_infusion(sid, first.id)
    mismatch = state.events[-1]
    assert mismatch.type is E.PUMP_PROGRAMMED and mismatch.payload["mismatches"] == ["rate_ml_per_h"]
    words = controlled_words(mismatch, lambda _id: "Ana Reyes")
    assert "rate 15.5 mL/h on the pump, 155.4 mL/h ordered" in words and "_" not in words

    state = care.record_pump(sid, "155.4", "103.6", first.id)
    assert state.pump_check.agrees and not state.start_waits_for_pump
    assert care.start_infusion(sid, first.id).step is Step.INFUSING
    kinds = [e.type for e in care.state(sid).events]
    assert kinds.count(E.PUMP_PROGRAMMED) == 2  # the mismatch stays in the record for the quality report


def test_a_new_dose_needs_the_pump_read_again(care, patient, nurses):
    first, _ = nurses
    sid = drawn_up(care, patient, nurses)
    care.record_pump(sid, "155.4", "103.6", first.id)
    state = care.confirm_dose(sid, first.id, vial_id="ketamine-10")
    assert state.pump_check is None


@pytest.mark.parametrize(
    ("rate", "vtbi", "field"), [("", "103.6", "pump_rate"), ("155.4", "lots", "pump_vtbi"), ("0", "1", "pump_rate")]
)
def test_a_reading_that_is_not_a_number_is_refused_by_its_field_and_not_recorded(
    care, patient, nurses, rate, vtbi, field
):
    first, _ = nurses
    sid = drawn_up(care, patient, nurses)
    with pytest.raises(InputError) as caught:
        care.record_pump(sid, rate, vtbi, first.id)
    assert caught.value.field == field
    assert E.PUMP_PROGRAMMED not in {e.type for e in care.state(sid).events}


def test_a_second_nurse_signs_her_own_reading_and_only_an_agreeing_one_is_verified(care, patient, nurses):
    first, second = nurses
    sid = drawn_up(care, patient, nurses)
    with pytest.raises(NotAllowedError, match="cannot also be the second reader"):
        care.record_pump(sid, "155.4", "103.6", first.id, ("ana", ANA_PASSWORD, "155.4", "103.6"))
    state = care.record_pump(sid, "155.4", "103.6", first.id, ("ben", BEN_PASSWORD, "155.4", "10.36"))
    check = state.pump_check
    assert check.second_by == second.id and check.second_mismatches == ("vtbi_ml",) and not check.agrees
    assert [s for s in state.signatures if s.event_id == check.event_id] == []  # a disagreement is not "verified"
    state = care.record_pump(sid, "155.4", "103.6", first.id, ("ben", BEN_PASSWORD, "155.4", "103.6"))
    signed = [(s.signer_id, s.meaning) for s in state.signatures if s.event_id == state.pump_check.event_id]
    assert signed == [(second.id, Meaning.VERIFIED)] and not state.start_waits_for_pump


def test_the_rest_of_a_vial_holds_the_signature_until_it_is_returned(care, patient, nurses, clock):
    first, _ = nurses
    sid = drawn_up(care, patient, nurses)
    (vial,) = care.state(sid).controlled.vials
    assert (vial.rest_mg, vial.left_mg, vial.drawn.multi_dose) == (Decimal("163.8"), Decimal("163.8"), True)
    care.record_pump(sid, "155.4", "103.6", first.id)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=40)
    care.complete(sid, first.id)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    clock.advance(minutes=31)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    care.record_vitals(sid, NORMAL, first.id)  # the set before discharge
    state = care.discharge(sid, "10", CRITERIA, first.id, ANA_PASSWORD)
    assert state.controlled.problem is None  # what was drawn up adds up: given in full
    assert "163.8 mg is left in the vial of lot LOT-K2291" in state.held_back[E.SIGNED]
    with pytest.raises(NotAllowedError, match="rest of each vial"):
        care.sign(sid, first.id, ANA_PASSWORD, seen_seq=seen(care, sid))

    state = care.return_to_stock(sid, vial.drawn.event_id, first.id)
    (back,) = state.controlled.returned
    assert (back.mg, back.ml, back.by) == (Decimal("163.8"), Decimal("16.38"), first.id)
    assert state.controlled.vial_problem is None and E.SIGNED in state.allowed
    assert care.sign(sid, first.id, ANA_PASSWORD, seen_seq=seen(care, sid)).step is Step.DONE
    summary = " ".join(" ".join(page.split()) for page in pages(session_summary(care.session_snapshot(sid), PRINTING)))
    assert "Vial's rest returned to stock" in summary and "16.38 mL = 163.8 mg" in summary
    assert "163.8 mg left after drawing up; wasted 0.0 mg, returned 163.8 mg, still to account for 0.0 mg" in summary


def test_the_rest_wasted_before_a_witness_accounts_for_the_vial_too(care, patient, nurses):
    first, second = nurses
    sid = drawn_up(care, patient, nurses)
    (vial,) = care.state(sid).controlled.vials
    with pytest.raises(InputError) as caught:
        care.record_waste(sid, "170", WASTE_BIN, first.id, ANA_PASSWORD, "ben", BEN_PASSWORD, vial.drawn.event_id)
    assert caught.value.field == "waste_mg"  # more than is left in the vial
    state = care.record_waste(sid, "100", WASTE_BIN, first.id, ANA_PASSWORD, "ben", BEN_PASSWORD, vial.drawn.event_id)
    assert state.controlled.vial(vial.drawn.event_id).left_mg == Decimal("63.8")
    assert state.controlled.wasted == ()  # not a waste of the drug drawn up
    state = care.record_waste(sid, "63.8", WASTE_BIN, first.id, ANA_PASSWORD, "ben", BEN_PASSWORD, vial.drawn.event_id)
    assert state.controlled.vial_problem is None
    assert all(w.witness_id == second.id for w in state.controlled.vial_wastes)
    with pytest.raises(NotAllowedError):
        care.return_to_stock(sid, vial.drawn.event_id, first.id)  # nothing left to return


def test_a_single_dose_vial_is_never_returned_and_the_refusal_is_audited(care, patient, nurses, protocol, database):
    first, _ = nurses
    single = protocol.model_copy(update={"vials": [v.model_copy(update={"multi_dose": False}) for v in protocol.vials]})
    care.protocol = single
    sid = drawn_up(care, patient, nurses)
    state = care.state(sid)
    (vial,) = state.controlled.vials
    assert not vial.drawn.multi_dose and E.RETURNED not in state.allowed
    assert "a single-dose vial: waste it before a witness" in (state.controlled.vial_problem or "")
    with pytest.raises(NotAllowedError, match="single-dose vial"):
        care.return_to_stock(sid, vial.drawn.event_id, first.id)
    assert E.RETURNED not in {e.type for e in care.state(sid).events}
    refused = [r for r in entries(database) if r.action == AuditAction.REFUSED]
    assert refused and refused[0].detail["kind"] == Refusal.RETURN_SINGLE_DOSE and refused[0].session_id == sid
    state = care.record_waste(sid, "163.8", WASTE_BIN, first.id, ANA_PASSWORD, "ben", BEN_PASSWORD, vial.drawn.event_id)
    assert state.controlled.vial_problem is None


def test_a_whole_vial_drawn_up_leaves_nothing_to_account_for(care, patient, nurses):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    state = care.record_drawn(sid, "LOT-2", "20", first.id)  # a second vial, drawn up to the last mL
    assert [v.left_mg for v in state.controlled.vials] == [Decimal(0), Decimal(0)]
