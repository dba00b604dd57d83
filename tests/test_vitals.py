"""Temperature, an optional vital in °C, and the reasons for a partial set: both read from the protocol."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core import audit
from core.audit import AuditAction
from core.care import Care
from core.errors import InputError
from core.events import EventType as E
from core.protocol import Protocol
from core.protocol import VitalKind as V
from core.trends import vital_trends
from core.vitals import Tier, digits_of, parse_vitals
from tests.helpers.answers import NORMAL
from tests.helpers.sessions import prepare


def events(care: Care, sid: str) -> int:
    return len(care.state(sid).events)


@pytest.mark.parametrize("fahrenheit", ["86", "98.6", "100.4", "113"])
def test_a_temperature_in_fahrenheit_is_refused_saying_so_and_nothing_is_recorded(
    care: Care, patient, nurses, fahrenheit: str
):
    sid = prepare(care, patient, nurses)
    before = events(care, sid)
    with pytest.raises(InputError) as caught:
        care.record_vitals(sid, {**NORMAL, V.TEMPERATURE: fahrenheit}, nurses[0].id)
    assert caught.value.field == "temperature"
    assert caught.value.message == f"Temperature {fahrenheit} looks like °F."
    assert caught.value.advice == "Enter the temperature in °C."
    assert events(care, sid) == before


@pytest.mark.parametrize(
    ("typed", "said"),
    [("29.9", "is not possible"), ("45.1", "is not possible"), ("85.9", "is not possible"), ("114", "has 3 digits")],
)
def test_a_temperature_neither_celsius_nor_fahrenheit_is_impossible(protocol: Protocol, typed: str, said: str):
    """114 has a digit more than a Celsius temperature can have: said so before its range is judged."""
    with pytest.raises(InputError, match=said) as caught:
        parse_vitals(protocol, {**NORMAL, V.TEMPERATURE: typed})
    assert caught.value.field == "temperature"
    assert "°F" not in str(caught.value)


def test_a_temperature_in_celsius_is_recorded_to_one_decimal_place(care: Care, patient, nurses):
    sid = prepare(care, patient, nurses)
    state, findings = care.record_vitals(sid, {**NORMAL, V.TEMPERATURE: "36,8"}, nurses[0].id)
    recorded = state.events[-1]
    assert recorded.type is E.VITALS
    assert recorded.payload["values"]["temperature"] == "36.8"
    assert recorded.payload["partial_reason"] is None
    assert all(f.tier is Tier.NORMAL for f in findings)
    assert vital_trends(care.protocol, state.events)[V.TEMPERATURE].latest.value == Decimal("36.8")  # type: ignore[union-attr]

    state, _ = care.record_vitals(sid, {**NORMAL, V.TEMPERATURE: "37"}, nurses[0].id)
    assert state.events[-1].payload["values"]["temperature"] == "37.0"
    with pytest.raises(InputError, match="1 decimal place"):
        care.record_vitals(sid, {**NORMAL, V.TEMPERATURE: "36.85"}, nurses[0].id)


@pytest.mark.parametrize(("typed", "tier"), [("35.4", Tier.ADVISE), ("35.5", Tier.NORMAL), ("37.9", Tier.NORMAL)])
def test_a_temperature_outside_the_reference_range_is_flagged(care: Care, patient, nurses, typed: str, tier: Tier):
    sid = prepare(care, patient, nurses)
    _, findings = care.record_vitals(sid, {**NORMAL, V.TEMPERATURE: typed}, nurses[0].id)
    assert {f.kind: f.tier for f in findings}[V.TEMPERATURE] is tier


def test_a_fever_is_advised(care: Care, patient, nurses):
    sid = prepare(care, patient, nurses)
    state, findings = care.record_vitals(sid, {**NORMAL, V.TEMPERATURE: "38.0"}, nurses[0].id)
    assert [(f.kind, f.tier) for f in findings if f.tier is not Tier.NORMAL] == [(V.TEMPERATURE, Tier.ADVISE)]
    assert {"vital": "temperature", "tier": "advise", "text": "Temperature 38.0 at or above 38 °C"} in (
        state.events[-1].payload["findings"]
    )


def test_an_empty_temperature_neither_blocks_the_set_nor_makes_it_partial(care: Care, patient, nurses):
    sid = prepare(care, patient, nurses)
    state, _ = care.record_vitals(sid, {**NORMAL, V.TEMPERATURE: "  "}, nurses[0].id)
    recorded = state.events[-1]
    assert recorded.payload["values"] == {kind.value: value for kind, value in NORMAL.items()}
    assert recorded.payload["partial_reason"] is None
    assert vital_trends(care.protocol, state.events)[V.TEMPERATURE].gaps == ()


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


@pytest.mark.parametrize(
    ("kind", "typed", "digits"),
    [
        (V.SYSTOLIC, "126124", "at most 3 digits"),
        (V.DIASTOLIC, "7880", "at most 3 digits"),
        (V.RESPIRATORY_RATE, "140", "at most 2 digits"),
        (V.SPO2, "9898", "at most 3 digits"),
        (V.SEDATION, "-10", "at most 1 digit"),
        (V.TEMPERATURE, "368", "at most 2 digits and 1 after the decimal point"),
    ],
)
def test_a_reading_with_more_digits_than_the_vital_can_have_is_refused_before_its_range(
    protocol: Protocol, kind: V, typed: str, digits: str
):
    """The count comes from the protocol's impossible limits and decimal places, so "126124" is said to be
    too many digits (two readings run together), not judged as a pressure of 126 thousand."""
    with pytest.raises(InputError) as caught:
        parse_vitals(protocol, {**NORMAL, kind: typed})
    assert caught.value.field == kind.value
    assert digits in caught.value.message and "not possible" not in caught.value.message
    assert "two readings ran together" in caught.value.advice


@pytest.mark.parametrize(
    ("kind", "typed"), [(V.SYSTOLIC, "300"), (V.SYSTOLIC, "0124"), (V.SEDATION, "-5"), (V.TEMPERATURE, "36.8")]
)
def test_a_reading_within_its_digits_goes_on_to_the_range_check(protocol: Protocol, kind: V, typed: str):
    assert parse_vitals(protocol, {**NORMAL, kind: typed})[kind] == Decimal(typed)


def test_the_digit_counts_follow_the_protocol(protocol: Protocol):
    counts = {kind: digits_of(limits) for kind, limits in protocol.vitals.items()}
    assert (counts[V.SYSTOLIC].whole, counts[V.RESPIRATORY_RATE].whole, counts[V.SEDATION].whole) == (3, 2, 1)
    assert (counts[V.TEMPERATURE].whole, counts[V.TEMPERATURE].decimals) == (2, 1)


def refusals(care: Care) -> list[dict]:
    found = sorted(audit.entries(care.db), key=lambda e: e.seq)
    return [e.detail for e in found if e.action == AuditAction.REFUSED]


def test_digits_run_on_into_diastolic_are_refused_by_the_diastolic_field_and_recorded(care: Care, patient, nurses):
    """ "1201" typed into systolic, the field moved on after "120", then "78": 120/178, a reading nobody took."""
    sid = prepare(care, patient, nurses)
    before = events(care, sid)
    with pytest.raises(InputError) as caught:
        care.record_vitals(sid, {**NORMAL, V.SYSTOLIC: "120", V.DIASTOLIC: "178"}, nurses[0].id)
    assert caught.value.field == "diastolic"
    assert caught.value.message == "Diastolic 178 is not below systolic 120: check both readings and enter them again."
    assert events(care, sid) == before
    assert refusals(care)[-1]["entered"] == "120/178" and "not below" in refusals(care)[-1]["said"]


@pytest.mark.parametrize(("systolic", "diastolic"), [("100", "92"), ("96", "90")])
def test_a_pulse_pressure_under_the_protocols_minimum_is_recorded_and_flagged(
    care: Care, patient, nurses, systolic: str, diastolic: str
):
    """A narrow pulse pressure is recorded (it can be real), never silently: a diastolic otherwise in range
    is flagged, saying to check the reading (two readings typed together, as "126124" would be)."""
    sid = prepare(care, patient, nurses)
    _state, findings = care.record_vitals(sid, {**NORMAL, V.SYSTOLIC: systolic, V.DIASTOLIC: diastolic}, nurses[0].id)
    flagged = [f for f in findings if f.kind is V.DIASTOLIC]
    assert [f.tier for f in flagged] == [Tier.ADVISE]
    assert "pulse pressure under 10" in flagged[0].why and "typed together" in flagged[0].why


def test_a_low_systolic_with_a_narrow_pulse_pressure_still_alarms(care: Care, patient, nurses):
    """78/70 is a shock's blood pressure, not an entry error: recorded, and the systolic raises its alarm."""
    sid = prepare(care, patient, nurses)
    state, findings = care.record_vitals(sid, {**NORMAL, V.SYSTOLIC: "78", V.DIASTOLIC: "70"}, nurses[0].id)
    tiers = {f.kind: f.tier for f in findings}
    assert tiers[V.SYSTOLIC] is Tier.ACT and tiers[V.DIASTOLIC] is not Tier.NORMAL
    assert state.open_alerts


def test_a_pulse_pressure_at_the_minimum_is_a_reading(protocol: Protocol):
    assert protocol.vitals[V.DIASTOLIC].min_pulse_pressure_mmhg == Decimal(10)
    values = parse_vitals(protocol, {**NORMAL, V.SYSTOLIC: "100", V.DIASTOLIC: "90"})
    assert (values[V.SYSTOLIC], values[V.DIASTOLIC]) == (Decimal(100), Decimal(90))
