"""One rule says what each chair needs and how urgently: the board, the lock screen and the sound agree."""

from __future__ import annotations

from core.attention import Priority, attention, loudest
from core.protocol import VitalKind as V
from tests.helpers.answers import NORMAL
from tests.helpers.sessions import prepare


def test_priorities_follow_what_the_chair_needs(care, patient, nurses, clock):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    assert attention(care.state(sid)) is None  # baseline done, ready to start
    care.start_infusion(sid, first.id)
    clock.advance(minutes=10)
    assert attention(care.state(sid)).priority is Priority.LOW  # the 10-minute set is due
    clock.advance(minutes=5)
    assert attention(care.state(sid)).priority is Priority.MEDIUM  # now overdue
    state, _ = care.record_vitals(sid, {**NORMAL, V.SPO2: "86"}, first.id)
    need = attention(state)
    assert (need.text, need.priority) == ("Act now — SpO2 86 at or below 91 %", Priority.HIGH)


def test_the_loudest_chair_sets_the_sound(care, patient, nurses, clock):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=10)
    assert loudest([attention(care.state(sid)), None]) is Priority.LOW
    assert loudest([]) is None
