"""The day log's exceptions from issue 11, one session each: a second-nurse check that did not agree, a pump
reading against the order, a vial's rest left at the end of care, a discharge on the prescriber's override,
a screening stop; the vials' rests in the totals; technical alarms apart from the patient's."""

from __future__ import annotations

import csv
import io
from datetime import UTC, timedelta
from decimal import Decimal

from pypdf import PdfReader

from core.attention import TECHNICAL_WORDS
from core.care import Care
from core.clock import ManualClock
from core.dates import local_time
from core.day_log import DayLog, DayLogEntry, ExceptionKind, csv_bytes, day_log
from core.dosing import pump_order
from core.identify import Identified
from core.people import Account
from core.protocol import Protocol, VitalKind
from core.reports.day_log_pdf import day_log_pdf
from core.views import PatientView
from tests.helpers.answers import DISCHARGE_OK, NORMAL, SCREEN_OK, no_symptoms
from tests.helpers.clinic import T0
from tests.helpers.people import ANA_PASSWORD, BEN_PASSWORD
from tests.helpers.sessions import observed, prepare, pump_as_ordered

DAY = T0.date()


def read(care: Care, protocol: Protocol, clock: ManualClock, now=None) -> DayLog:
    return day_log(care.db, protocol, DAY, now or clock.now(), None, UTC)


def the_entry(log: DayLog, sid: str) -> DayLogEntry:
    return next(entry for entry in log.entries if entry.session_id == sid)


def flags_of(log: DayLog, sid: str) -> dict[ExceptionKind, str]:
    return {flag.kind: flag.text for flag in the_entry(log, sid).flags}


def dosed(care: Care, patient: PatientView, by: Account) -> str:
    sid = care.open_session(patient.id, 1, by.id, Identified(name=True, mrn=patient.mrn)).session_id
    care.screen(sid, SCREEN_OK, by.id)
    care.record_weight(sid, "72.4", "kg", by.id)
    care.confirm_dose(sid, by.id, vial_id="ketamine-10")
    care.record_vitals(sid, NORMAL, by.id)
    return sid


def test_a_check_that_did_not_agree_is_listed_with_the_figures_it_disagreed_on(care, patient, nurses, clock, protocol):
    ana, _ = nurses
    sid = dosed(care, patient, ana)
    care.record_check(sid, "ben", BEN_PASSWORD, "72.4", "3.62", "155.4")  # a decimal point out
    failed_at = local_time(clock.now(), UTC)
    care.record_check(sid, "ben", BEN_PASSWORD, "72.4", "36.2", "155.4")
    flags = flags_of(read(care, protocol, clock), sid)
    assert flags[ExceptionKind.FAILED_CHECK] == (
        f"{failed_at} Ben Okafor did not agree on the dose: dose 3.62 mg against 36.2 mg calculated"
    )
    assert ExceptionKind.MISSING_CHECK not in flags  # the second check agreed


def test_a_session_whose_checks_all_agreed_has_no_such_exception(care, patient, nurses, clock, protocol):
    sid = prepare(care, patient, nurses)
    flags = flags_of(read(care, protocol, clock), sid)
    assert ExceptionKind.FAILED_CHECK not in flags and ExceptionKind.PUMP_MISMATCH not in flags


def test_a_pump_reading_against_the_order_is_listed_with_what_the_pump_showed(care, patient, nurses, clock, protocol):
    ana, _ = nurses
    sid = dosed(care, patient, ana)
    care.record_check(sid, "ben", BEN_PASSWORD, "72.4", "36.2", "155.4")
    care.record_drawn(sid, "LOT-K2291", "3.62", ana.id)
    state = care.state(sid)
    assert state.dose is not None
    order = pump_order(protocol, state.dose)
    care.record_pump(sid, "15.5", str(order.vtbi_ml), ana.id)  # one digit dropped
    at = local_time(clock.now(), UTC)
    pump_as_ordered(care, sid, ana.id)
    flags = flags_of(read(care, protocol, clock), sid)
    assert flags[ExceptionKind.PUMP_MISMATCH] == f"{at} Ana Reyes: rate 15.5 mL/h on the pump, 155.4 mL/h ordered"


def test_a_vials_rest_left_when_care_ends_is_listed_until_it_is_accounted_for(care, patient, nurses, clock, protocol):
    ana, _ = nurses
    sid = dosed(care, patient, ana)
    care.record_check(sid, "ben", BEN_PASSWORD, "72.4", "36.2", "155.4")
    care.record_drawn(sid, "LOT-K2291", "3.62", ana.id)
    assert ExceptionKind.VIAL_REST not in flags_of(read(care, protocol, clock), sid)  # care goes on: not yet
    care.abandon(sid, "patient felt unwell", ana.id)
    care.record_waste(sid, "36.2", "drug waste container", ana.id, ANA_PASSWORD, "ben", BEN_PASSWORD)
    log = read(care, protocol, clock)
    assert flags_of(log, sid)[ExceptionKind.VIAL_REST] == (
        "163.8 mg is left in the vial of lot LOT-K2291 (Ketamine 10 mg/mL, 20 mL vial): "
        "return it to stock or waste it before a witness."
    )
    assert the_entry(log, sid).vial_left_mg == Decimal("163.8")

    (vial,) = care.state(sid).controlled.vials
    care.record_waste(
        sid, "100", "drug waste container", ana.id, ANA_PASSWORD, "ben", BEN_PASSWORD, vial.drawn.event_id
    )
    care.return_to_stock(sid, vial.drawn.event_id, ana.id)
    log = read(care, protocol, clock)
    assert ExceptionKind.VIAL_REST not in flags_of(log, sid)
    totals = log.totals
    assert (totals.wasted_mg, totals.vial_wasted_mg, totals.returned_mg, totals.vial_left_mg) == (
        Decimal("36.2"),
        Decimal("100"),
        Decimal("63.8"),
        Decimal(0),
    )
    (row,) = csv.DictReader(io.StringIO(csv_bytes(log).decode("utf-8-sig")))
    assert (row["Wasted mg"], row["Vial rest wasted mg"], row["Vial rest returned mg"]) == ("36.2", "100.0", "63.8")


def test_a_vials_rest_on_a_session_still_open_when_the_day_ends_is_listed(care, patient, nurses, clock, protocol):
    ana, _ = nurses
    sid = dosed(care, patient, ana)
    care.record_check(sid, "ben", BEN_PASSWORD, "72.4", "36.2", "155.4")
    care.record_drawn(sid, "LOT-K2291", "3.62", ana.id)
    tomorrow = read(care, protocol, clock, clock.now() + timedelta(days=1))
    assert flags_of(tomorrow, sid)[ExceptionKind.VIAL_REST].startswith("163.8 mg is left in the vial")


def test_a_discharge_on_the_prescribers_override_is_listed_with_the_reason_and_her_name(
    care, patient, nurses, clock, protocol
):
    ana, _ = nurses
    sid = observed(care, patient, nurses, clock)
    care.discharge(sid, "7", DISCHARGE_OK, ana.id, ANA_PASSWORD, "Collected by her son, seen by me", "Dr Patel")
    at = local_time(clock.now(), UTC)
    log = read(care, protocol, clock)
    words = flags_of(log, sid)[ExceptionKind.DISCHARGE_OVERRIDE]
    assert words.startswith(f"{at}: ") and "is below" in words
    assert words.endswith("Reason: Collected by her son, seen by me; prescriber: Dr Patel")
    assert the_entry(log, sid).overrides == ("Discharge override: Collected by her son, seen by me (Dr Patel)",)


def test_a_screening_stop_is_listed_with_its_reason(care, patient, nurses, clock, protocol):
    ana, _ = nurses
    sid = care.open_session(patient.id, 1, ana.id, Identified(name=True, mrn=patient.mrn)).session_id
    state = care.screen(sid, {**SCREEN_OK, "pregnancy": "unknown"}, ana.id, confirm_stop=True)
    (reason,) = state.screening_stop_reasons
    assert flags_of(read(care, protocol, clock), sid)[ExceptionKind.SCREENING_STOP] == f"Not treated: {reason}"


def test_the_new_exceptions_come_in_their_place(care, patient, nurses, clock, protocol):
    order = list(ExceptionKind)
    assert order.index(ExceptionKind.UNSIGNED) < order.index(ExceptionKind.VIAL_REST)
    assert order.index(ExceptionKind.VIAL_REST) < order.index(ExceptionKind.MISSING_CHECK)
    assert order.index(ExceptionKind.MISSING_CHECK) < order.index(ExceptionKind.FAILED_CHECK)
    assert order.index(ExceptionKind.PUMP_MISMATCH) < order.index(ExceptionKind.OVERDUE_VITALS)
    assert order.index(ExceptionKind.SCREENING_STOP) < order.index(ExceptionKind.LATE_ENTRY)


def test_technical_alarms_are_a_kind_apart_from_the_patients_alarms(
    database, care, patient, nurses, clock: ManualClock, protocol
):
    ana, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, ana.id)
    clock.advance(minutes=3)
    restarted = Care(database, protocol, clock, workstation="test-ws", app_started_at=clock.now())
    restarted.confirm_pump(sid, True, ana.id)
    at = local_time(clock.now(), UTC)
    entry = the_entry(read(care, protocol, clock), sid)
    assert entry.technical == (f"{TECHNICAL_WORDS}Pump checked after a restart at {at}: running",)
    assert entry.alerts == 0  # the patient's act-now alarms count apart

    behind = the_entry(read(care, protocol, clock, clock.now() - timedelta(minutes=5)), sid)
    expected = f"{TECHNICAL_WORDS}The computer's clock is behind the record: check the time (open now)"
    assert behind.technical[-1] == expected
    (row,) = csv.DictReader(io.StringIO(csv_bytes(read(care, protocol, clock)).decode("utf-8-sig")))
    assert row["Technical alarms"] == entry.technical[0] and row["Alerts"] == "0"


def test_a_session_ended_at_the_check_shows_no_dose_as_given_and_is_an_exception_with_its_reason(
    care, patient, nurses, clock, protocol
):
    """IV access failed at the second-nurse check: the dose calculated was never given."""
    ana, _ = nurses
    sid = dosed(care, patient, ana)
    at = local_time(clock.now(), UTC)
    care.abandon(sid, "IV access failed", ana.id)
    care.sign(sid, ana.id, ANA_PASSWORD, seen_seq=care.state(sid).events[-1].seq)
    log = read(care, protocol, clock)
    entry = the_entry(log, sid)
    assert entry.dose_mg is None and entry.dose_text == "— (not given)"
    assert flags_of(log, sid)[ExceptionKind.NOT_TREATED] == (
        f"{at}: IV access failed; the dose calculated (36.2 mg) was not given"
    )
    row = next(csv.DictReader(io.StringIO(csv_bytes(log).decode("utf-8-sig"))))
    assert row["Dose mg"] == "— (not given)"
    pdf = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(day_log_pdf(log, "C", "A4", "t", "b"))).pages
    )
    assert "— (not given)" in pdf and "IV access failed" in pdf and "36.2 Dose:" not in pdf


def test_a_paused_chair_and_an_act_now_alarm_are_exceptions(care, patient, nurses, clock, protocol):
    ana, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, ana.id)
    clock.advance(minutes=10)
    state, _ = care.record_vitals(sid, {**NORMAL, VitalKind.SYSTOLIC: "190"}, ana.id)
    alarm_at = local_time(clock.now(), UTC)
    flags = flags_of(read(care, protocol, clock), sid)
    assert "not acknowledged" in flags[ExceptionKind.PAUSED_OR_ALARM]  # nobody has answered it yet
    assert "190" in flags[ExceptionKind.ACT_NOW_ALARM] and "not acknowledged yet" in flags[ExceptionKind.ACT_NOW_ALARM]
    clock.advance(minutes=1)
    care.acknowledge_alert(sid, state.open_alerts[0].event_id, ["pause", "notify"], no_symptoms(care), ana.id)
    log = read(care, protocol, clock)
    flags = flags_of(log, sid)
    assert flags[ExceptionKind.PAUSED_OR_ALARM].startswith("Infusion paused since")
    said = flags[ExceptionKind.ACT_NOW_ALARM]
    assert said.startswith(alarm_at) and "acknowledged" in said and "by Ana Reyes: Infusion paused" in said
    assert log.exceptions[0].kind is ExceptionKind.PAUSED_OR_ALARM  # the chair to go to first
