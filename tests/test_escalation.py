"""Every unanswered need rises with time on the protocol's escalation schedule, one priority per chair
marks the whole tile, technical needs are a kind apart, and act-now readings are said apart from advisory
ones. Driven by the fake clock: each assertion would fail if the rule were missing."""

from __future__ import annotations

from datetime import timedelta

from core.alarms import Alarm, AlarmPolicy
from core.attention import RANK, Kind, Priority, attention, needs, reading_words
from core.board import tile
from core.care import Care
from core.clock import ManualClock
from core.dates import local_time
from core.protocol import VitalKind as V
from core.session_state import PointStatus
from tests.helpers.answers import NORMAL, no_symptoms
from tests.helpers.clinic import T0
from tests.helpers.sessions import prepare

# Systolic at act-now level; diastolic and sedation at advisory level only.
MIXED = {**NORMAL, V.SYSTOLIC: "182", V.DIASTOLIC: "104", V.SEDATION: "-1"}


def started(care: Care, patient, nurses) -> str:
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, nurses[0].id)
    return sid


def at(minutes: int) -> str:
    """The clock time ``minutes`` after the test's start, as the clinic's clocks show it."""
    return local_time(T0 + timedelta(minutes=minutes))


def only_tile(care: Care):
    (view,) = care.chairs()
    return tile(view, care.clock.now(), str)


def test_a_paused_chair_is_medium_with_its_length_then_high_after_the_limit(care, patient, nurses, clock):
    first, _ = nurses
    sid = started(care, patient, nurses)
    clock.advance(minutes=5)
    care.pause(sid, "line problem", first.id)
    limit = care.protocol.escalation.pause_limit_minutes
    clock.advance(minutes=3)
    need = attention(care.state(sid))
    assert need is not None and need.priority is Priority.MEDIUM  # never a plain, idle chair
    assert need.text.startswith("Paused 3 min")
    clock.advance(minutes=limit - 4)
    later = attention(care.state(sid))
    assert later.priority is Priority.MEDIUM and later.text.startswith(f"Paused {limit - 1} min")
    assert later == need  # the same alarm while only its length grows: no new sound every minute
    clock.advance(minutes=1)
    need = attention(care.state(sid))
    assert need.priority is Priority.HIGH
    assert need.text.startswith(f"Paused {limit} min, over the {limit}-min limit")
    assert only_tile(care).priority is Priority.HIGH


def test_three_missed_sets_are_all_listed_and_make_the_chair_high(care, patient, nurses, clock):
    sid = started(care, patient, nurses)
    clock.advance(minutes=20)  # the 10-minute set was never taken: missed
    need = attention(care.state(sid))
    assert need.priority is Priority.MEDIUM  # one missed set: the protocol's missed_priority
    assert need.text.startswith(f"Vitals MISSED (1): {at(10)} — 10 min into infusion")
    clock.advance(minutes=20)  # 40 minutes infused, no vitals at all: 10, 20 and 30 are missed
    state = care.state(sid)
    need = attention(state)
    assert need.priority is Priority.HIGH
    assert need.text.startswith(f"Vitals MISSED (3): {at(10)}, {at(20)}, {at(30)} — 10 min into infusion")
    for label in ("10 min into infusion", "20 min into infusion", "30 min into infusion"):
        assert label in need.text
    facts = only_tile(care)
    assert facts.priority is Priority.HIGH and facts.lines[0] == need.text


def test_a_set_taken_answers_the_missed_ones(care, patient, nurses, clock):
    first, _ = nurses
    sid = started(care, patient, nurses)
    clock.advance(minutes=31)
    assert attention(care.state(sid)).priority is Priority.HIGH
    state, _ = care.record_vitals(sid, NORMAL, first.id)
    assert not [n for n in needs(state) if n.text.startswith("Vitals")]  # measured now: nothing owed


def test_an_overrun_shows_by_how_much_and_rises(care, patient, nurses, clock):
    first, _ = nurses
    sid = started(care, patient, nurses)
    for _ in range(3):
        clock.advance(minutes=10)
        care.record_vitals(sid, NORMAL, first.id)
        if care.state(sid).side_effects_attention is not None:
            care.record_no_side_effects(sid, first.id)
    rules = care.protocol.escalation
    clock.advance(minutes=10)  # the infusion's 40 minutes are up; nobody pressed complete
    need = attention(care.state(sid))
    assert need.text.startswith("Time is up: stop the pump") and need.priority is Priority.LOW
    clock.advance(minutes=rules.overrun_medium_after_minutes)
    need = attention(care.state(sid))
    over = rules.overrun_medium_after_minutes
    assert need.text.startswith(f"Time over by {over} min") and need.priority is Priority.MEDIUM
    clock.advance(minutes=rules.overrun_high_after_minutes - over)
    assert attention(care.state(sid)).priority is Priority.HIGH
    assert only_tile(care).countdown.over == timedelta(minutes=rules.overrun_high_after_minutes)


def test_pause_and_notify_make_a_recheck_due_within_the_protocols_time(care, patient, nurses, clock):
    first, _ = nurses
    sid = started(care, patient, nurses)
    clock.advance(minutes=10)
    state, _ = care.record_vitals(sid, MIXED, first.id)
    (alert,) = state.open_alerts
    state = care.acknowledge_alert(sid, alert.event_id, ["pause", "notify"], no_symptoms(care), first.id)
    minutes = care.protocol.alert_response.recheck_minutes
    (recheck,) = [entry for entry in state.vitals if entry.point.id.startswith("recheck-")]
    assert recheck.due_at == clock.now() + timedelta(minutes=minutes)
    clock.advance(minutes=minutes)
    state = care.state(sid)
    texts = [need.text for need in needs(state)]
    assert any(text.startswith("Vitals due now: ") and text.endswith("Recheck after the alert") for text in texts)
    clock.advance(minutes=care.protocol.escalation.missed_after_minutes)  # the recheck never taken
    (missed,) = [need for need in needs(care.state(sid)) if "Recheck after the alert" in need.text]
    assert missed.priority is Priority.HIGH and missed.text.startswith("Vitals MISSED (1)")


def test_act_now_and_advisory_readings_are_listed_apart(care, patient, nurses, clock):
    first, _ = nurses
    sid = started(care, patient, nurses)
    clock.advance(minutes=10)
    state, _ = care.record_vitals(sid, MIXED, first.id)
    need = attention(state)
    assert need.priority is Priority.HIGH
    act, advisory = need.lines
    assert act.startswith("Act now — Systolic blood pressure 182") and "Diastolic" not in act
    assert advisory.startswith("Advisory — Diastolic blood pressure 104") and "Sedation (RASS) -1" in advisory
    assert reading_words(["a"], []) == ("Act now — a",)
    assert reading_words([], ["b"]) == ("Advisory — b",)


def test_one_priority_per_chair_and_every_line_under_it(care, patient, nurses, clock):
    sid = started(care, patient, nurses)
    clock.advance(minutes=22)  # 10 missed, 20 due
    facts = only_tile(care)
    assert facts.priority is max((n.priority for n in facts.needs), key=RANK.__getitem__)
    assert facts.need.mark == "● Attention"
    assert [line.split(":")[0] for line in facts.lines] == [
        "Vitals MISSED (1)",
        "Vitals due now",
        "Side effects check due now",
    ]
    assert [n.priority for n in facts.needs] == sorted((n.priority for n in facts.needs), key=lambda p: -RANK[p])
    state = care.state(sid)
    assert [e.status for e in state.vitals if e.point.id == "infusion-20"] == [PointStatus.DUE]


def test_a_pump_check_after_a_restart_is_technical(database, protocol, clock: ManualClock, patient, nurses):
    first, _ = nurses
    care = Care(database, protocol, clock, workstation="test-ws")
    sid = started(care, patient, nurses)
    clock.advance(minutes=3)
    restarted = Care(database, protocol, clock, workstation="test-ws", app_started_at=clock.now())
    need = attention(restarted.state(sid))
    assert (need.priority, need.kind) == (Priority.HIGH, Kind.TECHNICAL)
    assert need.mark == "◆ TECHNICAL" and need.said[0].startswith("◆ Technical — Check the pump")
    state, _ = restarted.record_vitals(sid, {**NORMAL, V.SPO2: "86"}, first.id)
    assert attention(state).kind is Kind.PATIENT  # the patient's alarm leads at the same priority


def test_a_rising_need_sounds_at_once_even_through_a_silence(care, patient, nurses, clock):
    first, _ = nurses
    sid = started(care, patient, nurses)
    care.pause(sid, "line problem", first.id)
    policy = AlarmPolicy()
    medium = (Alarm(1, attention(care.state(sid))),)
    assert policy.due(medium, 0) == "medium"
    policy.silence(medium, 1_000, minutes=2)
    clock.advance(minutes=1)
    assert policy.due((Alarm(1, attention(care.state(sid))),), 2_000) is None  # longer, but the same alarm
    clock.advance(minutes=care.protocol.escalation.pause_limit_minutes)
    assert policy.due((Alarm(1, attention(care.state(sid))),), 3_000) == "high"  # risen: heard at once


def test_a_patient_alarm_leads_a_technical_need_that_outranks_it(
    database, protocol, clock: ManualClock, patient, nurses
):
    """Demo chair 4: paused after an act-now alarm, then Chairside restarted. The pump check (high,
    technical) raises the chair's priority, but the pause (a patient alarm) heads the tile; the pump check
    follows on its own technical line. Over a low reminder only, the technical need leads."""
    first, _ = nurses
    care = Care(database, protocol, clock, workstation="test-ws")
    sid = started(care, patient, nurses)
    clock.advance(minutes=10)
    state, _ = care.record_vitals(sid, {**NORMAL, V.SPO2: "88", V.SEDATION: "-3"}, first.id)
    care.acknowledge_alert(sid, state.open_alerts[0].event_id, ["pause", "notify"], no_symptoms(care), first.id)
    clock.advance(minutes=1)
    care.record_vitals(sid, NORMAL, first.id)  # the recheck taken: only the pause is owed
    clock.advance(minutes=5)
    restarted = Care(database, protocol, clock, workstation="test-ws", app_started_at=clock.now())
    (view,) = restarted.chairs()
    facts = tile(view, clock.now(), str)
    assert facts.priority is Priority.HIGH  # the chair's one priority: the highest of its needs
    assert facts.lead.kind is Kind.PATIENT and facts.lead.text.startswith("Paused 6 min")
    assert facts.mark == "▲ ALARM"  # the patient's mark, in the chair's one priority
    assert facts.lines[0].startswith("Paused 6 min") and facts.lines[-1] == "◆ Technical — Pump check"
    assert facts.need.kind is Kind.TECHNICAL  # what sounds: the loudest


def test_at_the_same_priority_stopping_the_pump_comes_before_a_missed_set(care, patient, nurses, clock):
    """Time over and vitals missed at once: the action that stops harm still happening leads, in short words
    with the minutes first; the full words stay for paper and the tooltip."""
    first, _ = nurses
    sid = started(care, patient, nurses)
    clock.advance(minutes=10)
    care.record_vitals(sid, NORMAL, first.id)
    rules = care.protocol.escalation
    clock.advance(minutes=30 + rules.overrun_high_after_minutes)  # 20, 30 and 40 missed; time over, high
    found = needs(care.state(sid))
    assert [n.priority for n in found[:2]] == [Priority.HIGH, Priority.HIGH]
    assert found[0].key == "overrun" and found[1].text.startswith("Vitals MISSED")
    over = rules.overrun_high_after_minutes
    assert found[0].lines[0] == f"Stop the pump: {over} min over"
    assert found[0].said[0] == f"Time over by {over} min: stop the pump, then Infusion complete"
    assert only_tile(care).lines[0] == found[0].lines[0]
