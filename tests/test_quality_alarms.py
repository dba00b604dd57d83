"""The quality report's alarm figures over a hand-built day, each answer worked out by hand here.

Maja (chair 1): baseline 124/78 at 13:00, infusion started. 13:10 systolic 185 (act at or above 180),
acknowledged 13:14 with "pause" and "notify": paused. Resumed; 13:20 systolic 156 (a rise of 32 from the
baseline: act at a rise of 30), acknowledged 13:30 with "recheck". 13:31 heart rate 115 (advisory at or
above 110). 13:32 a severe side effect and its adverse event. Jane (chair 2): her own baseline, started,
then SpO2 88 (act at or below 91), never acknowledged. Ana records every set.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from core import records
from core.care import Care
from core.clock import ManualClock
from core.protocol import Protocol
from core.protocol import VitalKind as V
from core.quality.alarms import (
    ACTIONS,
    LED_TO,
    NEVER_TITLE,
    SLOWEST_TITLE,
    AlarmReport,
    _latest_of_versions,
    alarm_report,
    nearest_rank,
)
from core.quality.rows import AlarmRows, SessionRow
from tests.helpers.answers import NORMAL, no_symptoms
from tests.helpers.clinic import PRESCRIBER, T0
from tests.helpers.sessions import prepare

pytestmark = pytest.mark.both_stores


def a_day_of_alarms(care: Care, patient, nurses, clock: ManualClock) -> dict[str, str]:
    first, _ = nurses
    maja = prepare(care, patient, nurses, chair=1)
    care.start_infusion(maja, first.id)
    clock.advance(minutes=10)
    state, _ = care.record_vitals(maja, {**NORMAL, V.SYSTOLIC: "185"}, first.id)
    high = state.open_alerts[0].event_id
    clock.advance(minutes=4)
    care.acknowledge_alert(maja, high, ["pause", "notify"], no_symptoms(care), first.id)
    care.resume(maja, first.id)
    clock.advance(minutes=6)
    state, _ = care.record_vitals(maja, {**NORMAL, V.SYSTOLIC: "156"}, first.id)
    rise = state.open_alerts[0].event_id
    clock.advance(minutes=10)
    care.acknowledge_alert(maja, rise, ["recheck"], no_symptoms(care), first.id)
    clock.advance(minutes=1)
    care.record_vitals(maja, {**NORMAL, V.HEART_RATE: "115"}, first.id)
    clock.advance(minutes=1)
    state = care.record_side_effects(maja, {"hallucinations": "severe"}, first.id)
    (pending,) = state.pending_adverse_events
    care.record_adverse_event(maja, pending.source_event_id, "hallucinations", "Stayed with her", "Dr Patel", first.id)

    jane_patient = care.register_patient("MRN-2002", "Doe", "Jane", "1970-01-01", by=first.id)
    care.record_course(jane_patient.id, PRESCRIBER, T0.astimezone().date().isoformat(), "5", by=first.id)
    jane = prepare(care, jane_patient, nurses, chair=2)
    care.start_infusion(jane, first.id)
    clock.advance(minutes=10)
    state, _ = care.record_vitals(jane, {**NORMAL, V.SPO2: "88"}, first.id)
    low = state.open_alerts[0].event_id
    return {"maja": maja, "jane": jane, "high": high, "rise": rise, "low": low, "jane_id": jane_patient.id}


def read(care: Care) -> AlarmRows:
    with care.door.reading() as tx:
        return records.alarm_rows(tx, T0 - timedelta(hours=1), T0 + timedelta(days=1))


def report_of(care: Care, protocol: Protocol, nurses) -> AlarmReport:
    return alarm_report(read(care), {protocol.content_hash: protocol}, {nurses[0].id: "Ana"})


def test_alarms_per_threshold_per_100_sessions(care, patient, nurses, clock, protocol):
    ids = a_day_of_alarms(care, patient, nurses, clock)
    report = report_of(care, protocol, nurses)
    assert report.sessions == 2  # both opened in the period with a set of vital signs
    assert [a.row.id for a in report.alarms] == [ids["high"], ids["rise"], ids["low"]]
    alarms = report.find("alarms")
    assert (alarms.numerator, alarms.denominator, alarms.value) == (3, 2, 150.0)
    assert report.find("systolic.act_above").numerator == 1
    assert report.find("systolic.act_rise").numerator == 1  # 156 is below every absolute bound: the rise fired
    assert report.find("spo2.act_below").numerator == 1
    assert report.find("systolic.advise_rise").numerator == 0  # the rise reached act, so no advisory
    assert report.find("heart_rate.act_above").numerator == 0
    flags = report.find("flags")
    assert (flags.numerator, flags.value) == (1, 50.0)
    assert report.find("heart_rate.advise_above").numerator == 1
    assert report.find("diastolic.advise_pulse_pressure").numerator == 0
    assert report.protocol_versions == (protocol.version,)
    with pytest.raises(KeyError):
        report.find("unexplained_act")  # every finding was explained


def test_time_to_acknowledge_and_the_alarm_never_acknowledged(care, patient, nurses, clock, protocol):
    ids = a_day_of_alarms(care, patient, nurses, clock)
    report = report_of(care, protocol, nurses)
    waits = {f.key: f for f in report.section("Acknowledgement")}
    assert waits["ack_median"].value == 7.0  # 4 and 10 minutes
    assert waits["ack_p90"].value == 10.0
    assert waits["ack_longest"].value == 10.0 and waits["ack_longest"].denominator == 2
    never = waits["never_acknowledged"]
    assert (never.numerator, never.denominator) == (1, 3)
    listing = report.listing(NEVER_TITLE)
    assert [row[1] for row in listing.rows] == [ids["jane"]]
    assert listing.patient_ids == (ids["jane_id"],)
    assert listing.rows[0][2] == "2" and listing.rows[0][3] == "SpO2 88 (at or below 91 %)"
    assert listing.rows[0][5] == "Ana" and listing.rows[0][6] == "—"
    slowest = report.listing(SLOWEST_TITLE)
    assert [(row[1], row[4]) for row in slowest.rows] == [(ids["maja"], "10.0")]
    assert slowest.patient_ids == (patient.id,)
    assert slowest.rows[0][3] == "Systolic blood pressure 156 (rise from baseline of 30 mmHg)"
    assert slowest.rows[0][6] == "Ana"


def test_actions_chosen_and_what_the_alarms_led_to(care, patient, nurses, clock, protocol):
    a_day_of_alarms(care, patient, nurses, clock)
    report = report_of(care, protocol, nurses)
    chosen = {f.measure: (f.numerator, f.denominator) for f in report.section(ACTIONS)}
    assert chosen == {"Infusion paused": (1, 2), "Prescriber notified": (1, 2), "Recheck vitals": (1, 2)}
    led = {f.key: f.numerator for f in report.section(LED_TO)}
    # The first alarm paused the infusion; the adverse event came after both of Maja's alarms, not Jane's.
    assert led == {"led_to_pause": 1, "led_to_stop": 0, "led_to_adverse": 2}
    assert {f.denominator for f in report.section(LED_TO)} == {3}


def test_alarms_by_chair_nurse_and_protocol_version(care, patient, nurses, clock, protocol):
    a_day_of_alarms(care, patient, nurses, clock)
    report = report_of(care, protocol, nurses)
    by = {(f.section, f.measure): (f.numerator, f.denominator, f.value) for f in report.figures}
    assert by["By chair", "Chair 1: act-now alarms"] == (2, 1, 200.0)
    assert by["By chair", "Chair 2: act-now alarms"] == (1, 1, 100.0)
    assert by["By chair", "Chair 1: advisory flags"] == (1, 1, 100.0)
    assert by["By nurse", "Ana: act-now alarms"] == (3, 2, 150.0)
    assert by["By protocol version", f"Version {protocol.version}: act-now alarms"] == (3, 2, 150.0)


def test_a_period_before_the_alarms_has_none_and_says_so(care, patient, nurses, clock, protocol):
    a_day_of_alarms(care, patient, nurses, clock)
    with care.door.reading() as tx:
        rows = records.alarm_rows(tx, T0 - timedelta(days=2), T0 - timedelta(days=1))
    report = alarm_report(rows, {protocol.content_hash: protocol})
    assert report.sessions == 0 and report.alarms == ()
    assert report.find("alarms").value is None
    assert report.find("ack_median").value is None


def test_a_finding_no_limit_explains_is_counted_as_recorded_not_guessed(care, patient, nurses, clock, protocol):
    a_day_of_alarms(care, patient, nurses, clock)
    rows = read(care)
    lower = protocol.model_copy(
        update={
            "vitals": {
                **protocol.vitals,
                V.SYSTOLIC: protocol.vitals[V.SYSTOLIC].model_copy(
                    update={"act_above": Decimal(190), "act_rise": Decimal(70)}
                ),
            }
        }
    )
    report = alarm_report(rows, {protocol.content_hash: lower})
    assert report.find("alarms").numerator == 3  # the record is authoritative
    assert report.find("unexplained_act").numerator == 2  # 185 (a rise of 61) and 156 (32) alarm under neither
    assert report.find("systolic.act_above").numerator == 0


def test_nearest_rank_percentile():
    assert nearest_rank([4.0, 10.0], 0.9) == 10.0
    assert nearest_rank([float(m) for m in range(1, 11)], 0.9) == 9.0
    assert nearest_rank([3.0], 0.9) == 3.0


def test_each_version_is_covered_at_its_latest_session_the_first_of_equals():
    def opened(session_id: str, version: str, minutes: int) -> SessionRow:
        return SessionRow(session_id, "p", 1, "hash", version, T0 + timedelta(minutes=minutes))

    sessions = [
        opened("a", "1.1", 0),
        opened("b", "1.0", 5),
        opened("c", "1.1", 30),
        opened("d", "1.1", 30),  # opened with c: c, met first, stands
        opened("e", "1.0", 10),
        opened("f", "1.0", 2),  # out of order: the latest is still e
    ]
    latest = _latest_of_versions(sessions)
    assert list(latest) == ["1.1", "1.0"]  # in the order first met
    assert {version: row.id for version, row in latest.items()} == {"1.1": "c", "1.0": "e"}
    assert _latest_of_versions([]) == {}
