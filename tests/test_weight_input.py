"""A weight the scale cannot have shown: the message points to a misplaced decimal point and the last
weight, never to the other unit; a unit chosen so that an impossible number fits is held against the
last weight; and every such refusal is an audit line for the quality report."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from core import audit
from core.audit import AuditAction
from core.dosing import LastWeight, check_weight, decimal_slip, parse_weight, unit_chosen_to_fit
from core.errors import InputError
from core.events import EventType as E
from core.protocol import Protocol
from core.refusals import Refusal
from tests.test_weight_change import today, yesterday_at


@pytest.mark.parametrize(
    ("typed", "unit", "slip"),
    [("700", "kg", "70.0"), ("7", "kg", "70.0"), ("7245", "kg", "72.45"), ("1600", "lb", "160.0"), ("360", "kg", None)],
)
def test_a_misplaced_decimal_point_is_suggested_in_the_unit_chosen(protocol: Protocol, typed, unit, slip):
    found = decimal_slip(protocol, parse_weight(typed, unit))
    assert (None if found is None else f"{found:f}") == slip


def test_the_last_weight_picks_the_likelier_slip_and_is_said(protocol: Protocol):
    last = LastWeight(Decimal("12.5") * 10, "2026-11-25")  # 125 kg
    assert decimal_slip(protocol, parse_weight("1250", "kg"), last) == Decimal("125.0")
    with pytest.raises(InputError) as caught:
        check_weight(protocol, parse_weight("700", "kg"), LastWeight(Decimal("72.4"), "2026-11-25"))
    message = caught.value.message
    assert "Is the decimal point in the wrong place: 70.0 kg?" in message
    assert "The patient's last weight was 72.4 kg (2026-11-25)." in message
    assert "lb" not in f"{message} {caught.value.advice}"


@pytest.mark.parametrize(
    ("typed", "unit", "fits"),
    [("700", "lb", True), ("360", "lb", True), ("160", "lb", False), ("90", "kg", False), ("30", "kg", True)],
)
def test_a_unit_that_alone_makes_the_number_possible_is_noticed(protocol: Protocol, typed, unit, fits):
    assert unit_chosen_to_fit(protocol, parse_weight(typed, unit)) is fits


def refusals(care) -> list[dict]:
    found = sorted(audit.entries(care.db), key=lambda e: e.seq)
    return [e.detail for e in found if e.action == AuditAction.REFUSED]


def test_following_700_kg_with_700_lb_is_challenged_against_the_last_weight(care, patient, nurses, clock):
    """The issue's case: 700 kg refused; 700 lb (317.5 kg) is then not taken with a mere warning."""
    yesterday_at(care, patient, nurses, clock)
    sid = today(care, patient, nurses)
    ana = nurses[0]
    with pytest.raises(InputError) as refused:
        care.record_weight(sid, "700", "kg", ana.id)
    assert "70.0 kg?" in refused.value.message and "last weight was 72.4 kg" in refused.value.message
    with pytest.raises(InputError) as challenged:
        care.record_weight(sid, "700", "lb", ana.id)
    assert challenged.value.field == "confirm_change"
    assert "700 would be impossible in kg" in challenged.value.message
    # The decimal point is asked about in the unit chosen; the unit left behind is its own question.
    assert "Is the decimal point in the wrong place: 70.0 lb?" in challenged.value.message
    assert "Or does the scale show" not in challenged.value.message  # 700 is impossible in kg: not asked
    assert "wrong place: 70.0 kg" not in challenged.value.message
    assert "last weight was 72.4 kg" in challenged.value.message
    # Short, one question a line: what was typed, the decimal point, the last weight.
    assert challenged.value.message.splitlines() == [
        "700 lb is 317.5 kg (700 would be impossible in kg).",
        "Is the decimal point in the wrong place: 70.0 lb?",
        "The patient's last weight was 72.4 kg (" + challenged.value.message.split("(")[-1],
    ]
    assert E.WEIGHED not in {e.type for e in care.state(sid).events}
    assert [r["kind"] for r in refusals(care)] == [Refusal.WEIGHT_IMPLAUSIBLE, Refusal.WEIGHT_UNIT]
    assert refusals(care)[0]["entered"] == "700 kg"
    # weighed again: the right number goes straight in
    state = care.record_weight(sid, "70.0", "kg", ana.id)
    assert state.events[-1].payload["kg"] == "70.0"


def test_with_no_last_weight_a_tick_does_not_take_a_weight_only_its_unit_makes_possible(care, patient, nurses, clock):
    """A new patient: 700 lb (317.5 kg) has nothing to be held against, and a tick would be the same glance
    again. The weight is entered once more in kg, the figure said plainly; that entry goes in as typed."""
    first, _ = nurses
    sid = today(care, patient, nurses)
    for confirmed in (False, True):
        with pytest.raises(InputError) as refused:
            care.record_weight(sid, "700", "lb", first.id, confirm_change=confirmed)
        assert refused.value.field == "weight"  # no tick is offered: the weight itself is asked for again
        assert "no earlier weight" in refused.value.message
        assert "Is the decimal point in the wrong place: 70.0 lb?" in refused.value.message
        assert "If it does show 700 lb, a weight this unusual is taken only typed in kg" in refused.value.advice
        assert "type 317.5 and choose kg" in refused.value.advice
        assert "scale show kg" not in refused.value.message and len(refused.value.message.splitlines()) == 3
    assert E.WEIGHED not in {e.type for e in care.state(sid).events}
    assert [r["kind"] for r in refusals(care)] == [Refusal.WEIGHT_UNIT] * 2
    payload = care.record_weight(sid, "317.5", "kg", first.id).events[-1].payload
    assert (payload["kg"], payload["unit"]) == ("317.5", "kg") and payload["advisories"]


def test_a_weight_in_pounds_near_the_last_weight_goes_in(care, patient, nurses, clock):
    yesterday_at(care, patient, nurses, clock)
    sid = today(care, patient, nurses)
    clock.advance(timedelta(minutes=1))
    payload = care.record_weight(sid, "160", "lb", nurses[0].id).events[-1].payload
    assert "unit_confirmed" not in payload and refusals(care) == []


def test_the_other_unit_is_asked_on_a_line_of_its_own_only_where_the_number_fits_it(protocol: Protocol):
    """40 lb (18 kg) is impossible, and no decimal point makes it a usual weight in lb; 40 kg is one."""
    with pytest.raises(InputError) as caught:
        check_weight(protocol, parse_weight("40", "lb"), LastWeight(Decimal("41.0"), "2026-11-25"))
    lines = caught.value.message.splitlines()
    assert lines[1:] == ["Or does the scale show kg: 40 kg?", "The patient's last weight was 41.0 kg (2026-11-25)."]
    with pytest.raises(InputError) as caught:
        check_weight(protocol, parse_weight("700", "kg"))
    assert caught.value.message.splitlines()[1:] == ["Is the decimal point in the wrong place: 70.0 kg?"]
