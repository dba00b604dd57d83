"""The controlled-substance record: lot and amount drawn up, given, wasted before a witness, reconciled."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.errors import InputError, NotAllowedError
from core.events import EventType as E
from core.identify import Identified
from core.machine import Step
from core.settings import change_clinic_setting
from core.signatures import Meaning
from tests.helpers.answers import NO_SIDE_EFFECTS, NORMAL, SCREEN_OK
from tests.helpers.clinic import T0
from tests.helpers.people import ANA_PASSWORD, BEN_PASSWORD
from tests.helpers.sessions import prepare, pump_as_ordered, seen

CRITERIA = {"escort": True, "instructions": True, "effects_resolved": True}
WASTE_BIN = "into the controlled-drug waste container"


def checked(care, patient, nurses) -> str:
    """Checked and baseline recorded, nothing drawn up yet (80 kg: 40 mg from the 10 mg/mL vial)."""
    first, _ = nurses
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    care.screen(sid, SCREEN_OK, first.id)
    care.record_weight(sid, "80", "kg", first.id)
    care.confirm_dose(sid, first.id, vial_id="ketamine-10")
    care.record_vitals(sid, NORMAL, first.id)
    assert care.record_check(sid, "ben", BEN_PASSWORD, "80", "40", "156").step is Step.READY
    return sid


def test_the_infusion_waits_for_the_lot_and_amount_drawn_up(care, patient, nurses):
    first, _ = nurses
    sid = checked(care, patient, nurses)
    with pytest.raises(NotAllowedError, match="lot"):
        care.start_infusion(sid, first.id)
    state = care.record_drawn(sid, "  LOT-K2291 ", "4.0", first.id)
    (drawn,) = state.controlled.drawn
    assert (drawn.lot, drawn.ml, drawn.mg, drawn.mg_per_ml) == ("LOT-K2291", Decimal("4.0"), Decimal("40.0"), 10)
    pump_as_ordered(care, sid, first.id)
    assert care.start_infusion(sid, first.id).step is Step.INFUSING


@pytest.mark.parametrize(
    ("lot", "ml", "field"),
    [
        ("", "4", "lot"),
        ("L" * 41, "4", "lot"),
        ("LOT-1", "", "drawn_ml"),
        ("LOT-1", "four", "drawn_ml"),
        ("LOT-1", "-4", "drawn_ml"),
        ("LOT-1", "25", "drawn_ml"),  # more than the 20 mL vial holds
        ("LOT-1", "4.005", "drawn_ml"),  # finer than the protocol's 0.01 mL
    ],
)
def test_a_bad_drawn_up_entry_is_refused_by_its_field(care, patient, nurses, lot, ml, field):
    first, _ = nurses
    sid = checked(care, patient, nurses)
    with pytest.raises(InputError) as caught:
        care.record_drawn(sid, lot, ml, first.id)
    assert caught.value.field == field
    assert E.DRAWN not in {e.type for e in care.state(sid).events}


def test_a_completed_infusion_with_exactly_the_dose_drawn_reconciles(care, patient, nurses, clock):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    assert care.state(sid).controlled.left_to_account_mg is None  # not known while running
    clock.advance(minutes=40)
    record = care.complete(sid, first.id).controlled
    assert (record.drawn_mg, record.given_mg, record.wasted_mg) == (Decimal("36.20"), Decimal("36.2"), 0)
    assert record.left_to_account_mg == 0 and record.problem is None


def stopped_early(care, patient, nurses, clock) -> str:
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=20)
    care.stop_early(sid, "hallucinations, distressed", first.id)
    return sid


def test_a_stopped_infusion_leaves_drug_to_waste_before_a_witness(care, patient, nurses, clock):
    first, second = nurses
    sid = stopped_early(care, patient, nurses, clock)
    record = care.state(sid).controlled
    assert record.given_mg == Decimal("18.1")
    assert record.problem is not None and "18.1 mg" in record.problem
    state = care.record_waste(sid, "18.1", WASTE_BIN, first.id, ANA_PASSWORD, "ben", BEN_PASSWORD)
    assert state.controlled.problem is None
    (waste,) = state.controlled.wasted
    assert (waste.by, waste.witness_id, waste.mg) == (first.id, second.id, Decimal("18.1"))
    signed = [(s.signer_id, s.meaning) for s in state.signatures if s.event_id == waste.event_id]
    assert signed == [(first.id, Meaning.WASTED), (second.id, Meaning.WITNESSED_WASTE)]


def test_a_waste_needs_a_different_witness_who_signs_in(care, patient, nurses, clock):
    first, _ = nurses
    sid = stopped_early(care, patient, nurses, clock)
    with pytest.raises(NotAllowedError, match="cannot also witness"):
        care.record_waste(sid, "18.1", WASTE_BIN, first.id, ANA_PASSWORD, "ana", ANA_PASSWORD)
    with pytest.raises(NotAllowedError, match=r"^Witness: .*not right"):
        care.record_waste(sid, "18.1", WASTE_BIN, first.id, ANA_PASSWORD, "ben", "guess guess guess")
    for typed, field in ((("", ""), "witness_username"), (("ben", ""), "witness_password")):
        with pytest.raises(InputError) as caught:
            care.record_waste(sid, "18.1", WASTE_BIN, first.id, ANA_PASSWORD, *typed)
        assert caught.value.field == field
    with pytest.raises(NotAllowedError, match=r"^Your password: .*not right"):
        care.record_waste(sid, "18.1", WASTE_BIN, first.id, BEN_PASSWORD, "ben", BEN_PASSWORD)
    assert care.state(sid).controlled.wasted == ()


def test_more_waste_than_is_left_is_refused(care, patient, nurses, clock):
    first, _ = nurses
    sid = stopped_early(care, patient, nurses, clock)
    with pytest.raises(InputError) as caught:
        care.record_waste(sid, "20", WASTE_BIN, first.id, ANA_PASSWORD, "ben", BEN_PASSWORD)
    assert caught.value.field == "waste_mg"


def test_a_clinic_without_the_witness_rule_records_the_nurse_alone(care, patient, nurses, clock, database):
    first, _ = nurses
    change_clinic_setting(database, "waste_witness_required", False, None, "state rule", T0, workstation="test-ws")
    sid = stopped_early(care, patient, nurses, clock)
    state = care.record_waste(sid, "18.1", WASTE_BIN, first.id, ANA_PASSWORD)
    assert [s.meaning for s in state.signatures if s.event_id == state.events[-1].id] == [Meaning.WASTED]


def test_unreconciled_totals_need_an_explanation_to_sign(care, patient, nurses, clock):
    first, _ = nurses
    sid = stopped_early(care, patient, nurses, clock)
    clock.advance(minutes=31)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)  # the check before discharge
    care.record_vitals(sid, NORMAL, first.id)  # the set before discharge
    care.discharge(sid, "10", CRITERIA, first.id, ANA_PASSWORD)
    with pytest.raises(InputError) as caught:
        care.sign(sid, first.id, "a wrong password is not even looked at", seen_seq=seen(care, sid))
    assert caught.value.field == "discrepancy_note"  # the note is asked for before the password
    state = care.sign(
        sid, first.id, ANA_PASSWORD, "Bag discarded in sharps bin by mistake; pharmacy told", seen_seq=seen(care, sid)
    )
    payload = state.events[-1].payload
    assert payload["controlled_problem"].startswith("18.1 mg") and payload["discrepancy_note"].startswith("Bag")


def test_a_session_ended_before_starting_wastes_everything_drawn(care, patient, nurses):
    first, _ = nurses
    sid = checked(care, patient, nurses)
    care.record_drawn(sid, "LOT-K2291", "4.0", first.id)
    state = care.abandon(sid, "patient felt unwell, treatment postponed", first.id)
    assert state.controlled.given_mg == 0 and "40.0 mg" in (state.controlled.problem or "")
    state = care.record_waste(sid, "40", WASTE_BIN, first.id, ANA_PASSWORD, "ben", BEN_PASSWORD)
    assert state.controlled.problem is None


def test_the_totals_account_for_the_whole_vial_its_rest_wasted_or_returned(care, patient, nurses, clock):
    """163.8 mg of the 200 mg vial left after drawing up 36.2 mg: until it is wasted or returned it is still
    to account for, and once wasted the totals say so (never "wasted 0.0 mg" beside a witnessed waste)."""
    from core.controlled import tally
    from tests.test_pump_and_vials import drawn_up

    first, _ = nurses
    sid = drawn_up(care, patient, nurses)
    rows = {row.what: row.amount for row in tally(care.state(sid).controlled)}
    assert rows["In the vials"] == "200.0 mg"
    assert rows["Given"] == "known when the infusion ends"
    assert rows["Left to account for"] == "163.8 mg in the vial, and the dose drawn up, once the infusion ends"
    vial = care.state(sid).controlled.vials[0].drawn.event_id
    care.record_waste(sid, "163.8", "drug waste bin", first.id, ANA_PASSWORD, "ben", BEN_PASSWORD, vial)
    care.record_pump(sid, "155.4", "103.6", first.id)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=40)
    rows = {row.what: row.amount for row in tally(care.complete(sid, first.id).controlled)}
    assert rows == {
        "In the vials": "200.0 mg",
        "Drawn up": "36.2 mg",
        "Given": "36.2 mg",
        "Wasted from the dose": "0.0 mg",
        "Vial's rest wasted": "163.8 mg",
        "Returned to stock": "0.0 mg",
        "Left to account for": "0.0 mg",
    }
