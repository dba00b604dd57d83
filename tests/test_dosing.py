"""Dosing: the reference's worked examples, the rules for bad input, and invariants for any weight."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.dosing import (
    LB_TO_KG,
    CheckFigures,
    DoseCalculation,
    WeightUnit,
    calculate_dose,
    check_mismatches,
    parse_weight,
    round_to,
)
from core.errors import InputError, OverrideRequired
from core.protocol import Protocol

D = Decimal


def test_reference_worked_example_80_kg_from_50_mg_per_ml(protocol: Protocol):
    """REFERENCE 7.6: 80 kg → 40 mg → 0.8 mL → 100.8 mL at 0.397 mg/mL → 151.2 mL/h."""
    calc = calculate_dose(protocol, parse_weight("80", "kg"), "ketamine-50")
    assert calc.dose_mg == D("40.0")
    assert calc.drug_volume_ml == D("0.80")
    assert calc.final_volume_ml == D("100.80")
    assert calc.concentration_mg_per_ml == D("0.397")
    assert calc.rate_ml_per_h == D("151.2")
    assert calc.arithmetic[1] == "80.00 kg × 0.5 mg/kg = 40.0 mg"


def test_volume_removed_first_variant(protocol: Protocol):
    """REFERENCE 7.6: with 0.8 mL removed first the bag is 100 mL at 0.4 mg/mL, 150 mL/h."""
    removing = protocol.model_copy(
        update={"preparation": protocol.preparation.model_copy(update={"remove_drug_volume_first": True})}
    )
    calc = calculate_dose(removing, parse_weight("80", "kg"), "ketamine-50")
    assert (calc.final_volume_ml, calc.concentration_mg_per_ml, calc.rate_ml_per_h) == (
        D("100"),
        D("0.400"),
        D("150.0"),
    )


def test_arithmetic_reads_like_the_paper_check(protocol: Protocol):
    calc = calculate_dose(protocol, parse_weight("72.4", "kg"), "ketamine-10")
    assert calc.arithmetic == (
        "Weight: 72.40 kg",
        "72.40 kg × 0.5 mg/kg = 36.2 mg",
        "36.2 mg ÷ 10 mg/mL = 3.62 mL to draw (Ketamine 10 mg/mL, 20 mL vial)",
        "100 mL 0.9% sodium chloride bag + 3.62 mL = 103.62 mL",
        "36.2 mg ÷ 103.62 mL = 0.349 mg/mL",
        "103.62 mL ÷ 40 min × 60 = 155.4 mL/h",
    )


def test_pounds_convert_with_the_exact_factor(protocol: Protocol):
    weight = parse_weight("176.4", "lb")
    assert weight.kg == D("176.4") * D("0.45359237")
    calc = calculate_dose(protocol, weight)
    assert calc.weight_kg == D("80.01")
    assert calc.arithmetic[0] == "Weight: 176.4 lb × 0.45359237 = 80.01 kg"


@pytest.mark.parametrize("unit", [None, "", "kgs", "stone"])
def test_a_bare_number_is_never_guessed(unit):
    with pytest.raises(InputError) as caught:
        parse_weight("72", unit)
    assert caught.value.field == "weight_unit"


@pytest.mark.parametrize("text", ["", "  ", "seventy", "7O", "nan", "inf", "-5", "0", "72.123", "1e3x"])
def test_unreadable_weights_are_refused_with_a_message(text):
    with pytest.raises(InputError) as caught:
        parse_weight(text, "kg")
    assert caught.value.field == "weight"
    assert caught.value.message


def test_comma_decimal_mark_is_accepted():
    assert parse_weight("72,4", "kg").entered == D("72.4")


@pytest.mark.parametrize(("typed", "unit"), [("360", "kg"), ("35", "lb"), ("700", "kg"), ("7", "kg")])
def test_an_impossible_weight_is_refused_without_pointing_to_the_other_unit(protocol: Protocol, typed, unit):
    """Switching the unit to make a wrong number fit is the error to avoid, so no message suggests it
    (tests/test_weight_input.py: what it suggests instead)."""
    with pytest.raises(InputError) as caught:
        calculate_dose(protocol, parse_weight(typed, unit))
    said = f"{caught.value.message} {caught.value.advice}"
    assert "outside the possible range" in said and "choose" not in said


def test_unusual_weight_is_advised_not_refused(protocol: Protocol):
    calc = calculate_dose(protocol, parse_weight("38", "kg"))
    assert calc.advisories and "unusual" in calc.advisories[0]


def test_soft_limit_needs_a_reason_and_records_it(protocol: Protocol):
    heavy = parse_weight("130", "kg")  # 65 mg > soft 60 mg
    with pytest.raises(OverrideRequired):
        calculate_dose(protocol, heavy)
    with pytest.raises(OverrideRequired):
        calculate_dose(protocol, heavy, override_reason="   ")
    calc = calculate_dose(protocol, heavy, override_reason="prescriber confirmed actual weight")
    assert calc.soft_limit_exceeded and calc.override_reason == "prescriber confirmed actual weight"


def test_hard_limit_refuses_even_with_a_reason(protocol: Protocol):
    with pytest.raises(InputError, match="hard limit") as caught:
        calculate_dose(protocol, parse_weight("210", "kg"), override_reason="please")
    assert not isinstance(caught.value, OverrideRequired)


def test_unknown_vial_is_refused(protocol: Protocol):
    with pytest.raises(InputError, match="not a vial"):
        calculate_dose(protocol, parse_weight("80", "kg"), "ketamine-1000")


def test_payload_round_trip(protocol: Protocol):
    calc = calculate_dose(protocol, parse_weight("150", "lb"), "ketamine-50")
    assert DoseCalculation.from_payload(calc.to_payload()) == calc


weights_kg = st.decimals(min_value=D("20"), max_value=D("199.98"), places=2)


@settings(max_examples=300, deadline=None)
@given(weight=weights_kg, vial=st.sampled_from(["ketamine-10", "ketamine-50", "ketamine-100"]))
def test_invariants_for_any_plausible_weight(protocol: Protocol, weight: Decimal, vial: str):
    try:
        calc = calculate_dose(protocol, parse_weight(str(weight), "kg"), vial, override_reason="reviewed")
    except InputError:
        assert weight * D("0.5") > protocol.dose_limits.hard_max_mg
        return
    steps = protocol.rounding
    # Each figure is rounded to its step, and within half a step of the exact arithmetic.
    assert calc.dose_mg == round_to(calc.dose_mg, steps.dose_mg)
    assert abs(calc.dose_mg - weight * D("0.5")) <= steps.dose_mg / 2
    assert abs(calc.drug_volume_ml * calc.vial_mg_per_ml - calc.dose_mg) <= steps.volume_ml * calc.vial_mg_per_ml / 2
    assert calc.final_volume_ml == calc.bag_ml + calc.drug_volume_ml
    assert abs(calc.rate_ml_per_h - calc.final_volume_ml * 60 / 40) <= steps.rate_ml_per_h / 2
    assert calc.soft_limit_exceeded == (calc.dose_mg > protocol.dose_limits.soft_max_mg)
    # A second nurse who works the same figures out independently always agrees.
    figures = CheckFigures(calc.weight_kg, calc.dose_mg, calc.rate_ml_per_h)
    assert check_mismatches(protocol, calc, figures) == []


@settings(max_examples=200, deadline=None)
@given(pounds=st.decimals(min_value=D("44.1"), max_value=D("440"), places=1))
def test_pounds_and_kilograms_give_the_same_dose(protocol: Protocol, pounds: Decimal):
    kg = round_to(pounds * LB_TO_KG, D("0.01"))
    from_lb = calculate_dose(protocol, parse_weight(str(pounds), WeightUnit.LB), override_reason="r")
    from_kg = calculate_dose(protocol, parse_weight(str(kg), WeightUnit.KG), override_reason="r")
    assert from_lb.dose_mg == from_kg.dose_mg
    assert from_lb.rate_ml_per_h == from_kg.rate_ml_per_h


@given(text=st.text(max_size=12))
def test_any_typed_text_is_a_weight_or_a_clear_message(text: str):
    try:
        weight = parse_weight(text, "kg")
    except InputError as error:
        assert error.field == "weight" and error.message
    else:
        assert weight.entered > 0
