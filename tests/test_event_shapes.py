"""Every shape an entry was ever stored in still reads, and writes back as the very dict it was read from:
stored payloads are covered by content hashes and signatures, so one changed key or decimal string would
show as a record altered after signing. tests/fixtures/event_shapes.json holds one payload of each shape,
with the change that introduced it and what differs from the shape before."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import event_data as d
from core.dosing import PumpOrder, PumpReading
from core.events import DATA_TYPES, Event, EventType
from core.handoff import judge, side_effects_seen, vitals_summary
from core.hashing import sha256_json
from core.machine import Outcome, Step
from core.protocol import Protocol
from core.session_state import derive_state
from core.stored_form import StoredPart, UnreadableEntry
from tests.helpers.clinic import T0

SHAPES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "fixtures" / "event_shapes.json").read_text(encoding="utf-8")
)


def shape_id(shape: dict[str, Any]) -> str:
    return f"{shape['type']}@{shape['commit']}"


@pytest.mark.parametrize("shape", SHAPES, ids=shape_id)
def test_every_shape_ever_stored_reads_and_writes_back_unchanged(shape: dict[str, Any]):
    stored = shape["payload"]
    data = DATA_TYPES[EventType(shape["type"])].from_payload(stored)
    assert data.to_payload() == stored
    assert sha256_json(data.to_payload()) == sha256_json(stored)  # the form the hashes cover, too
    assert type(data).from_payload(data.to_payload()) == data


def test_every_kind_has_a_shape_on_file():
    assert {EventType(s["type"]) for s in SHAPES} == set(EventType)


def test_a_new_entry_is_written_in_the_current_shape():
    """Keys the writers add only when they say something stay out; legacy keys are never written."""
    weighed = d.Weighed(entered=Decimal("70.5"), unit=d.WeightUnit.KG, kg=Decimal("70.5"))
    assert weighed.to_payload() == {"entered": "70.5", "unit": "kg", "kg": "70.5", "advisories": []}
    wasted = d.DrugWasted(Decimal("1.0"), "waste container")
    assert wasted.to_payload() == {"mg": "1.0", "how": "waste container"}
    signed = d.SessionSigned(None, None, d.PatientAtSigning("M", "Doe", "Jane", "1970-01-01"))
    assert "meaning" not in signed.to_payload() and "signatures" not in signed.to_payload()
    assert d.SideEffects({}, (), None).to_payload() == {"grades": {}, "act_now": [], "point_id": None}


def test_a_payload_of_no_known_shape_is_refused_with_what_is_wrong():
    with pytest.raises(UnreadableEntry, match="weight cannot be read: unknown 'stone'"):
        d.Weighed.from_payload({"entered": "11", "unit": "kg", "kg": "11", "stone": "1.7"})
    with pytest.raises(UnreadableEntry, match="'kg' missing"):
        d.Weighed.from_payload({"entered": "11", "unit": "kg"})
    with pytest.raises(UnreadableEntry, match="expected str, found float"):
        d.Weighed.from_payload({"entered": 70.5, "unit": "kg", "kg": "70.5"})


def entry(kind: EventType, seq: int, payload: dict[str, Any], minutes: int) -> Event:
    at = T0 + timedelta(minutes=minutes)
    return Event(str(uuid.uuid4()), "s-old", seq, kind, at, at, "n1", "ws", payload)


def oldest(kind: str) -> dict[str, Any]:
    return next(s["payload"] for s in SHAPES if s["type"] == kind)


def test_asking_for_the_wrong_kind_says_which_it_is():
    event = entry(EventType.PAUSED, 2, {"reason": "away"}, 0)
    assert event.data_as(d.Paused).reason == "away"
    with pytest.raises(UnreadableEntry, match=r"is a infusion.paused \(Paused\), not a Weighed"):
        event.data_as(d.Weighed)


def test_a_session_recorded_in_the_oldest_shapes_replays_and_reports(protocol: Protocol):
    """The fold and the handoff read a session whose every entry is in its kind's first shape."""
    kinds = [
        ("session.opened", 0),
        ("screening.answered", 1),
        ("weight.recorded", 2),
        ("dose.calculated", 3),
        ("check.recorded", 4),
        ("drug.drawn", 5),
        ("vitals.recorded", 6),
        ("infusion.started", 7),
        ("side_effects.recorded", 20),
        ("infusion.stopped_early", 25),
        ("discharge.recorded", 90),
    ]
    events = [entry(EventType(kind), seq, oldest(kind), minutes) for seq, (kind, minutes) in enumerate(kinds, 1)]
    state = derive_state(protocol, events, T0 + timedelta(minutes=95))
    assert state.outcome is Outcome.STOPPED_EARLY and state.step is Step.SIGN
    assert state.weight is not None and state.weight.entered == Decimal("154")
    assert state.dose is not None and state.dose.dose_mg == Decimal("35.3")
    assert state.controlled.given_mg == Decimal("11.0")
    assert state.course_day is None
    assert [e.data.to_payload() for e in state.events] == [e.payload for e in events]
    judge(protocol, state)
    side_effects_seen(protocol, state.events)
    vitals_summary(protocol, state)


decimals = st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-1000, max_value=1000)
texts = st.text(max_size=8)
st.register_type_strategy(Decimal, decimals)
st.register_type_strategy(PumpOrder, st.builds(PumpOrder, drug=texts, carrier=texts, minutes=st.integers(0, 600)))
st.register_type_strategy(PumpReading, st.builds(PumpReading))
for part in vars(d).values():  # built now, so written in the current shape
    if isinstance(part, type) and issubclass(part, StoredPart):
        st.register_type_strategy(part, st.builds(part, stored_keys=st.none()))


@settings(max_examples=40, deadline=None)
@given(data=st.data())
@pytest.mark.parametrize("kind", sorted(set(DATA_TYPES.values()), key=lambda k: k.__name__), ids=lambda k: k.__name__)
def test_any_entry_of_any_kind_round_trips(kind: type[d.EventData], data: st.DataObject):
    built = data.draw(st.from_type(kind))
    stored = built.to_payload()
    json.loads(json.dumps(stored))  # plain JSON, as the column keeps it
    read = kind.from_payload(stored)
    assert read == built
    assert read.to_payload() == stored


def test_an_entry_read_again_is_read_as_it_now_stands():
    """Typed entries are remembered between reads, but only while the stored payload is the same: one
    changed outside Chairside (the audit trail's verify says so) is read as changed, never as it was."""

    def stored(payload: dict[str, Any]) -> Event:
        return Event("e-1", "s-1", 2, EventType.PAUSED, T0, T0, "n-1", "ws", payload)

    assert stored({"reason": "patient away"}).data_as(d.Paused).reason == "patient away"
    assert stored({"reason": "line check"}).data_as(d.Paused).reason == "line check"
    assert stored({"reason": "patient away"}).data_as(d.Paused).reason == "patient away"


def test_a_value_changed_to_an_equal_one_of_another_type_is_read_afresh_and_refused():
    """``true`` and ``1`` are equal in Python but not the same stored entry: a pump confirmation whose
    ``running`` became 1 outside Chairside is refused as a fresh read would, never served from memory."""

    def stored(running: object) -> Event:
        return Event("e-2", "s-1", 5, EventType.PUMP_CONFIRMED, T0, T0, "n-1", "ws", {"running": running, "note": ""})

    assert stored(True).data_as(d.PumpConfirmed).running is True
    with pytest.raises(UnreadableEntry, match="expected bool, found int"):
        stored(1).data_as(d.PumpConfirmed)
