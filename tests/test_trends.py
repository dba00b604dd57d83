"""The trend of each vital is read from the recorded sets: their times, values, tiers, gaps and corrections."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from core.care import Care
from core.clock import ManualClock
from core.events import EventType as E
from core.identify import Identified
from core.protocol import VitalKind as V
from core.trends import vital_trends
from core.vitals import Tier
from tests.helpers.answers import NORMAL
from tests.helpers.clinic import T0
from tests.helpers.people import ANA_PASSWORD, BEN_PASSWORD
from tests.helpers.sessions import discharged, prepare


def test_a_session_without_vitals_has_an_empty_trend_for_every_vital(care: Care, patient, nurses):
    sid = care.open_session(patient.id, 1, nurses[0].id, Identified(name=True, mrn=patient.mrn)).session_id
    trends = vital_trends(care.protocol, care.state(sid).events)
    assert list(trends) == list(V)
    assert all(trend.readings == () and trend.gaps == () and trend.latest is None for trend in trends.values())


def test_each_set_adds_one_reading_per_vital_at_the_time_it_was_taken(care: Care, patient, nurses, clock: ManualClock):
    first, _ = nurses
    sid = prepare(care, patient, nurses)  # the baseline at T0
    care.start_infusion(sid, first.id)
    clock.advance(minutes=10)
    care.record_vitals(sid, {**NORMAL, V.HEART_RATE: "80"}, first.id)
    clock.advance(minutes=10)
    care.record_vitals(sid, {**NORMAL, V.HEART_RATE: "91"}, first.id)

    trends = vital_trends(care.protocol, care.state(sid).events)
    heart = trends[V.HEART_RATE]
    assert [r.at for r in heart.readings] == [T0, T0 + timedelta(minutes=10), T0 + timedelta(minutes=20)]
    assert [r.value for r in heart.readings] == [Decimal(72), Decimal(80), Decimal(91)]
    assert heart.latest is not None and heart.latest.value == Decimal(91)
    assert heart.limits is care.protocol.vitals[V.HEART_RATE]
    assert all(len(trends[kind].readings) == 3 for kind in NORMAL)
    assert trends[V.TEMPERATURE].readings == trends[V.TEMPERATURE].gaps == ()  # optional, not taken: no gap


def test_a_reading_keeps_the_tier_core_gave_it_when_it_was_recorded(care: Care, patient, nurses, clock: ManualClock):
    first, _ = nurses
    sid = prepare(care, patient, nurses)  # baseline systolic 124
    care.start_infusion(sid, first.id)
    clock.advance(minutes=10)
    care.record_vitals(sid, {**NORMAL, V.SPO2: "88", V.SYSTOLIC: "146"}, first.id)

    trends = vital_trends(care.protocol, care.state(sid).events)
    spo2, systolic = trends[V.SPO2].readings[-1], trends[V.SYSTOLIC].readings[-1]
    assert (spo2.tier, spo2.finding) == (Tier.ACT, "SpO2 88 at or below 91 %")
    assert systolic.tier is Tier.ADVISE and "rose 22 mmHg from baseline" in systolic.finding
    assert trends[V.HEART_RATE].readings[-1].tier is Tier.NORMAL
    assert trends[V.HEART_RATE].readings[-1].finding == ""


def test_a_partial_set_leaves_a_gap_with_its_reason_and_the_latest_value_stands(
    care: Care, patient, nurses, clock: ManualClock
):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=10)
    asleep = {kind: value for kind, value in NORMAL.items() if kind is not V.SEDATION}
    care.record_vitals(sid, {**asleep, V.HEART_RATE: "77"}, first.id, partial_reason="asleep")

    trends = vital_trends(care.protocol, care.state(sid).events)
    sedation = trends[V.SEDATION]
    assert len(sedation.readings) == 1 and sedation.latest is not None and sedation.latest.at == T0
    assert [(gap.at, gap.reason) for gap in sedation.gaps] == [(T0 + timedelta(minutes=10), "asleep")]
    assert trends[V.HEART_RATE].gaps == ()
    assert [r.value for r in trends[V.HEART_RATE].readings] == [Decimal(72), Decimal(77)]


def test_a_corrected_set_stays_in_the_trend_marked_and_is_no_longer_the_latest(
    care: Care, patient, nurses, clock: ManualClock
):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=10)
    state, _ = care.record_vitals(sid, {**NORMAL, V.RESPIRATORY_RATE: "41"}, first.id)
    wrong = state.events[-1]
    care.correct(sid, wrong.id, "typo", "respiratory rate was 14", first.id)

    trends = vital_trends(care.protocol, care.state(sid).events)
    rate = trends[V.RESPIRATORY_RATE]
    assert [(r.value, r.correction) for r in rate.readings] == [
        (Decimal(14), None),
        (Decimal(41), "typo — respiratory rate was 14"),
    ]
    assert rate.current == rate.readings[:1]
    assert rate.latest is not None and rate.latest.at == T0


def test_an_addendum_naming_a_set_after_signing_marks_it_corrected(care: Care, patient, nurses, clock: ManualClock):
    first, second = nurses
    sid = discharged(care, patient, nurses, clock)
    state = care.sign(sid, first.id, ANA_PASSWORD, seen_seq=care.state(sid).events[-1].seq)
    baseline = next(e for e in state.events if e.type is E.VITALS)
    care.add_addendum(sid, "Baseline SpO2 read from the wrong monitor", second.id, BEN_PASSWORD, baseline.id)

    trend = vital_trends(care.protocol, care.state(sid).events)[V.SPO2]
    assert trend.readings[0].correction == "Baseline SpO2 read from the wrong monitor"
    assert trend.latest is not None and trend.latest.event_id != baseline.id  # the corrected one is never the latest
