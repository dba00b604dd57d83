"""When a typed value is complete: checked against every value the protocol allows, spelt every way."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.complete import NumberShape, check_shapes, day_complete, vital_shape
from core.dates import FIRST_YEAR, LAST_YEAR
from core.protocol import Protocol, VitalKind
from core.vitals import parse_vitals

TYPED = st.text(alphabet="0123456789.,-+", max_size=6)


@cache
def spellings(shape: NumberShape) -> frozenset[str]:
    """Every plain way to type every possible value: whole, with 1..places decimals, point or comma,
    and a plus sign on a scale that has negative values."""
    found = set()
    value = shape.low.quantize(shape.step)
    while value <= shape.high:
        if value >= shape.low:
            found.update(_spelt(value, shape))
        value += shape.step
    return frozenset(found)


def _spelt(value: Decimal, shape: NumberShape) -> set[str]:
    magnitude = abs(value)
    whole = int(magnitude)
    forms = {str(whole)} if magnitude == whole else set()
    for places in range(1, shape.decimals + 1):
        if magnitude == magnitude.quantize(Decimal(1).scaleb(-places)):
            digits = f"{magnitude:.{places}f}"
            forms |= {digits, digits.replace(".", ",")}
    if value < 0:
        return {f"-{form}" for form in forms}
    if value > 0 and shape.low < 0:
        return forms | {f"+{form}" for form in forms}
    return forms


def oracle_complete(shape: NumberShape, text: str) -> bool:
    everything = spellings(shape)
    return text in everything and not any(len(other) > len(text) and other.startswith(text) for other in everything)


@pytest.mark.parametrize(
    ("kind", "text", "complete"),
    [
        (VitalKind.SYSTOLIC, "120", True),  # a fourth digit passes 300
        (VitalKind.SYSTOLIC, "95", True),  # 950 is impossible
        (VitalKind.SYSTOLIC, "12", False),  # not a possible pressure yet
        (VitalKind.HEART_RATE, "72", True),
        (VitalKind.HEART_RATE, "25", False),  # 250 is a possible rate
        (VitalKind.RESPIRATORY_RATE, "8", False),  # 80 is possible
        (VitalKind.RESPIRATORY_RATE, "14", True),
        (VitalKind.SPO2, "10", False),  # on its way to 100
        (VitalKind.SPO2, "100", True),
        (VitalKind.SEDATION, "0", True),
        (VitalKind.SEDATION, "-", False),
        (VitalKind.SEDATION, "-3", True),
        (VitalKind.TEMPERATURE, "36", False),  # recorded to one decimal place
        (VitalKind.TEMPERATURE, "36.8", True),
        (VitalKind.TEMPERATURE, "36,8", True),
        (VitalKind.TEMPERATURE, "98.6", False),  # Fahrenheit: never complete, Enter says why
        (VitalKind.SYSTOLIC, "0120", False),  # leading zeros are a scan's, not a nurse's
        (VitalKind.SYSTOLIC, "120.0", False),
    ],
)
def test_the_protocols_limits_decide_when_a_reading_is_complete(
    protocol: Protocol, kind: VitalKind, text: str, complete: bool
) -> None:
    assert vital_shape(protocol, kind).complete(text) is complete


@settings(max_examples=400, deadline=None)
@given(kind=st.sampled_from(list(VitalKind)), text=TYPED)
def test_a_vital_is_complete_exactly_when_no_possible_value_starts_with_it_and_goes_on(
    protocol: Protocol, kind: VitalKind, text: str
) -> None:
    shape = vital_shape(protocol, kind)
    assert shape.complete(text) is oracle_complete(shape, text)
    assert shape.possible(text) is (text in spellings(shape))
    assert shape.could_become(text) is any(other.startswith(text) for other in spellings(shape))


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(list(VitalKind)), data=st.data())
def test_typing_a_possible_value_is_never_cut_short_and_core_records_it(
    protocol: Protocol, kind: VitalKind, data: st.DataObject
) -> None:
    shape = vital_shape(protocol, kind)
    text = data.draw(st.sampled_from(sorted(spellings(shape))))
    assert not any(shape.complete(text[:end]) for end in range(len(text)))
    values = parse_vitals(protocol, {kind: text}, protocol.vitals_schedule.partial_reasons[0])
    assert values[kind] == Decimal(text.replace(",", "."))


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(list(VitalKind)), text=TYPED, more=st.sampled_from("0123456789.,"))
def test_a_complete_value_never_becomes_possible_again_by_typing_more(
    protocol: Protocol, kind: VitalKind, text: str, more: str
) -> None:
    shape = vital_shape(protocol, kind)
    if shape.complete(text):
        assert not shape.could_become(text + more)


@settings(max_examples=150, deadline=None)
@given(
    low=st.integers(-30, 60),
    span=st.integers(0, 250),
    decimals=st.integers(0, 2),
    data=st.data(),
)
def test_any_protocols_limits_give_the_same_answer_as_trying_every_value(
    low: int, span: int, decimals: int, data: st.DataObject
) -> None:
    shape = NumberShape(Decimal(low) / 2, Decimal(low + span) / 2, decimals)
    spelt = sorted(spellings(shape))
    starts = sorted({spelt_[:end] for spelt_ in spelt for end in range(len(spelt_) + 1)})
    text = data.draw(TYPED | st.sampled_from(starts)) if starts else data.draw(TYPED)
    assert shape.complete(text) is oracle_complete(shape, text)
    assert shape.could_become(text) is any(other.startswith(text) for other in spelt)


@given(
    day=st.dates(min_value=date(FIRST_YEAR, 1, 1), max_value=date(LAST_YEAR, 12, 31)),
    more=st.sampled_from("0123456789-"),
)
def test_a_whole_date_is_complete_and_no_more_typing_keeps_it_a_date(day: date, more: str) -> None:
    typed = day.isoformat()
    assert day_complete(typed)
    assert not any(day_complete(typed[:end]) for end in range(len(typed)))
    assert not day_complete(typed + more)


def test_a_date_not_on_the_calendar_or_outside_the_years_kept_is_not_complete() -> None:
    assert not day_complete("1971-02-30")
    assert not day_complete("1899-12-31")
    assert not day_complete("14/03/1971")


def test_a_second_nurses_figures_are_complete_at_the_places_they_are_compared(protocol: Protocol):
    shapes = check_shapes(protocol)
    weight, dose, rate = shapes["weight_kg"], shapes["dose_mg"], shapes["rate_ml_per_h"]
    assert weight.complete("72.4") and not weight.complete("72") and not weight.complete("7")
    assert dose.complete("36.2") and not dose.complete("36") and not dose.complete("36.")
    assert rate.complete("155.4") and not rate.complete("155")
    assert not dose.complete("100.1") and not dose.possible("100.1")  # past the hard limit: never finished
