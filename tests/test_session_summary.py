"""The session summary read back from the PDF: every required item is there, on any session."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO

from pypdf import PdfReader

from core import audit
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.content_hashes import record_hash
from core.controlled import controlled_words
from core.dates import local_time
from core.dosing import pump_order
from core.events import EventType
from core.identify import Identified
from core.protocol import VitalKind
from core.reports.session_summary import Printing, session_summary
from tests.helpers.answers import NO_SIDE_EFFECTS, NORMAL, SCREEN_OK, no_symptoms
from tests.helpers.clinic import PRESCRIBER, T0
from tests.helpers.people import ANA_PASSWORD, BEN_PASSWORD
from tests.helpers.sessions import prepare, signed
from tests.test_cli import run as cli

PRINTING = Printing("Test clinic", "A4", "2026-11-26 16:05", "Ben Okafor")


def pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages]


def test_a_signed_session_prints_everything_the_chart_needs(care: Care, patient, nurses, clock: ManualClock):
    first, second = nurses
    sid = signed(care, patient, nurses, clock)
    care.add_addendum(sid, "Patient phoned: home safely.", first.id, ANA_PASSWORD)
    state = care.state(sid)
    read = pages(session_summary(care.session_snapshot(sid), PRINTING))
    everything = " ".join(read)
    for number, page in enumerate(read, start=1):
        assert "LINDQVIST, Maja · born 1971-03-14 · MRN MRN-1001" in page  # both identifiers
        assert f"Page {number} of {len(read)}" in page
        assert "Printed 2026-11-26 16:05 by Ben Okafor" in page
        assert record_hash(state.events) in page
    protocol = care.protocol
    assert f"{protocol.id} version {protocol.version}" in everything and protocol.content_hash in everything
    assert "day 1 of 5" in everything
    assert "Weight 72.4 kg" in everything
    for line in state.dose.arithmetic[1:]:  # the weight is said once, in the sentence above the sums
        assert " ".join(line.split()) in everything
    assert "LOT-K2291" in everything and "Drawn 36.2 mg; given 36.2 mg; wasted 0.0 mg" in everything
    assert f"by {second.name}" in everything and f"Calculated by {first.name}" in everything  # the double check
    assert "Infusion started" in everything and "Infusion complete" in everything
    assert NORMAL[VitalKind.SYSTOLIC] in everything
    assert "Modified Aldrete score 10 (needs 9)" in everything
    for meaning, subject in (("verified", "the second-nurse check"), ("verified", "the discharge")):
        assert f"{meaning} {subject}" in everything
    assert f"{first.name} administered the session" in everything
    assert "Patient phoned: home safely." in everything
    assert "DRAFT" not in everything


def test_an_unsigned_session_is_a_draft_on_every_page(care: Care, patient, nurses):
    sid = prepare(care, patient, nurses)
    read = pages(session_summary(care.session_snapshot(sid), PRINTING))
    assert all("DRAFT" in page for page in read)


def test_a_screening_stop_prints_its_reason(care: Care, patient, nurses):
    first, _ = nurses
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    care.screen(sid, {**SCREEN_OK, "pregnancy": "unknown"}, first.id, confirm_stop=True)
    everything = " ".join(pages(session_summary(care.session_snapshot(sid), PRINTING)))
    assert "Not treated. Screening stopped the session" in everything and "pregnant" in everything


def test_extremes_print_whole_long_names_many_vitals_many_pauses_and_a_stop(
    care: Care, nurses, clock: ManualClock, tmp_path
):
    """40-character names, 30 vitals sets, 10 pauses, no side effects, stopped early: nothing is lost."""
    first, _ = nurses
    family, given = "Featherstonehaugh-Montgomery-Villanueva-Ruiz", "Maximiliana Anastasia Konstantinopoulou"
    assert len(family) >= 40 and len(f"{given} {family}") >= 80
    patient = care.register_patient("MRN-LONG-0000000001", family, given, "1950-01-31", by=first.id)
    care.record_course(patient.id, PRESCRIBER, T0.astimezone().date().isoformat(), "5", by=first.id)
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    reasons = [f"line problem number {n}: pump occlusion alarm, flushed" for n in range(1, 11)]
    for n, reason in enumerate(reasons):
        clock.advance(minutes=1)
        care.record_vitals(sid, {**NORMAL, VitalKind.HEART_RATE: str(60 + n)}, first.id)
        care.pause(sid, reason, first.id)
        clock.advance(minutes=1)
        care.record_vitals(sid, {**NORMAL, VitalKind.HEART_RATE: str(80 + n)}, first.id)
        care.resume(sid, first.id)
    for n in range(10):
        clock.advance(minutes=1)
        care.record_vitals(sid, {**NORMAL, VitalKind.SPO2: str(90 + n % 10)}, first.id)
    care.stop_early(sid, "patient asked to stop", first.id)
    pdf = session_summary(care.session_snapshot(sid), PRINTING)
    (tmp_path / "extremes.pdf").write_bytes(pdf)  # kept by pytest's temporary folders, to look at
    read = pages(pdf)
    everything = " ".join(read)
    assert all(f"{family.upper()}, {given}" in page for page in read)  # shrunk to fit, never cut
    for reason in reasons:
        assert f"Paused: {reason}" in everything
    for n in range(10):
        assert str(60 + n) in everything and str(80 + n) in everything
    assert everything.count(" Ana Reyes") >= 30  # every set of vitals, each with its nurse
    assert "Stopped early: patient asked to stop" in everything
    assert "No side-effect checklist was recorded." in everything
    assert len(read) <= 5


def test_side_effects_and_an_adverse_event_are_printed(care: Care, patient, nurses, clock: ManualClock):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=20)
    care.record_side_effects(sid, {**NO_SIDE_EFFECTS, "hallucinations": "severe"}, first.id)
    pending = care.state(sid).pending_adverse_events[0]
    care.record_adverse_event(
        sid, pending.source_event_id, "hallucinations", "paused, stayed", "Dr Patel 14:10", first.id
    )
    everything = " ".join(pages(session_summary(care.session_snapshot(sid), PRINTING)))
    assert "Hallucinations: Severe" in everything
    assert "Action: paused, stayed. Told: Dr Patel 14:10." in everything


def test_the_command_writes_the_summary_and_audits_it_against_the_patient(
    care: Care, database, patient, nurses, clock: ManualClock, tmp_path, capsys
):
    sid = signed(care, patient, nurses, clock)
    out = tmp_path / "summary.pdf"
    url = database.url.render_as_string(hide_password=False)
    assert cli("--database", url, "report", "session", sid, "--out", str(out)) == 0
    assert "LINDQVIST, Maja" in PdfReader(out).pages[0].extract_text()
    (line,) = [e for e in audit.entries(database, patient_id=patient.id) if e.action == AuditAction.EXPORTED]
    assert (line.session_id, line.detail["what"], line.detail["to"]) == (sid, "session summary", str(out.resolve()))
    assert cli("--database", url, "report", "session", "no-such-id", "--out", str(tmp_path / "x.pdf")) == 2
    assert "No session has the id “no-such-id”" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_an_alarm_prints_with_what_was_done_and_the_symptoms_asked(care: Care, patient, nurses, clock: ManualClock):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=10)
    state, _ = care.record_vitals(sid, {**NORMAL, VitalKind.SYSTOLIC: "190", VitalKind.DIASTOLIC: "105"}, first.id)
    answers = {**no_symptoms(care), "headache": "yes"}
    care.acknowledge_alert(sid, state.open_alerts[0].event_id, ["pause", "notify"], answers, first.id, "Dr Patel")
    everything = " ".join(pages(session_summary(care.session_snapshot(sid), PRINTING)))
    assert "190!" in everything  # the act-now value is marked in the vitals table
    assert "acknowledged: Infusion paused; Prescriber notified" in everything
    assert "Severe or new headache? yes." in everything and "Note: Dr Patel" in everything
    assert "Paused:" in everything  # the pause recorded with the acknowledgement is in the timeline


def test_a_corrected_set_of_vitals_says_so_and_leaves_the_trend(care: Care, patient, nurses, clock: ManualClock):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=10)
    wrong, _ = care.record_vitals(sid, {**NORMAL, VitalKind.SYSTOLIC: "250", VitalKind.DIASTOLIC: "90"}, first.id)
    care.correct(sid, wrong.events[-1].id, "typed 250 for 150", "systolic was 150", first.id)
    everything = " ".join(pages(session_summary(care.session_snapshot(sid), PRINTING)))
    assert "CORRECTED" in everything and "typed 250 for 150" in everything and "systolic was 150" in everything


def test_missed_sets_are_printed_in_order_and_a_late_set_says_when_it_was_taken(
    care: Care, patient, nurses, clock: ManualClock
):
    """No set from 10 minutes until the end: the 20-minute set was missed, the set taken at 47 minutes counts
    for the 30-minute point and says it was taken late; after the end, only the set before discharge."""
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    start = clock.now()
    clock.advance(minutes=10)
    care.record_vitals(sid, NORMAL, first.id)
    clock.advance(minutes=37)
    care.record_vitals(sid, NORMAL, first.id)
    care.complete(sid, first.id)
    clock.advance(minutes=30)
    care.record_vitals(sid, NORMAL, first.id)

    def at(minutes: int) -> str:
        return local_time(start + timedelta(minutes=minutes))

    everything = " ".join(pages(session_summary(care.session_snapshot(sid), PRINTING)))
    assert "3 scheduled sets of vital signs missed" in everything  # in the heading lines
    assert "Vital signs (3 scheduled sets missed)" in everything
    order = [
        "Baseline",
        f"{at(10)} 10 min into infusion",
        f"{at(20)} 20 min into infusion: Missed (due {at(20)})",
        f"{at(47)} 30 min into infusion (due {at(30)}, taken late, {at(47)})",
        f"{at(47)} End of infusion: Missed (due {at(47)})",
        f"{at(62)} 15 min after end: Missed (due {at(62)})",
        f"{at(77)} 30 min after end",
    ]
    places = [everything.find(words) for words in order]
    assert -1 not in places, [w for w, p in zip(order, places, strict=True) if p == -1]
    assert places == sorted(places)
    assert "10 min into infusion (due" not in everything  # a set on time says only its point


def test_the_pump_readings_are_in_the_dose_section_in_the_records_words(
    care: Care, patient, nurses, clock: ManualClock
):
    """A reading that did not agree, then one read by a second nurse too, each with who read it and the order."""
    first, second = nurses
    sid = prepare(care, patient, nurses)  # read as ordered by the first nurse
    order = pump_order(care.protocol, care.state(sid).dose)
    care.record_pump(sid, "15.5", str(order.vtbi_ml), first.id)  # a digit dropped
    care.record_pump(
        sid,
        str(order.rate_ml_per_h),
        str(order.vtbi_ml),
        first.id,
        second=("ben", BEN_PASSWORD, str(order.rate_ml_per_h), str(order.vtbi_ml)),
    )
    state = care.state(sid)
    read = [e for e in state.events if e.type is EventType.PUMP_PROGRAMMED]
    everything = " ".join(pages(session_summary(care.session_snapshot(sid), PRINTING)))
    names = {first.id: first.name, second.id: second.name}
    dose_section = everything[everything.index("Weight and dose") : everything.index("Controlled substance")]
    for event in read:
        words = " ".join(controlled_words(event, names.__getitem__).split())
        assert words in dose_section, words
    assert f"rate 15.5 mL/h, VTBI {order.vtbi_ml} mL read off the pump; did not agree with the order" in dose_section
    assert f"read too by {second.name}, as ordered" in dose_section
    assert f"by {first.name}" in dose_section
    assert f"{order.rate_ml_per_h} mL/h ordered" in dose_section  # a mismatch says what was ordered


def test_the_weight_is_said_once_and_every_amount_of_drug_in_one_format(
    care: Care, patient, nurses, clock: ManualClock
):
    sid = prepare(care, patient, nurses)
    everything = " ".join(pages(session_summary(care.session_snapshot(sid), PRINTING)))
    assert everything.count("Weight 72.4 kg") == 1 and "Weight: " not in everything  # said once
    amounts = re.findall(r"(\d+(?:\.\d+)?) mg(?![/\w])", everything)
    assert amounts and all("." in amount for amount in amounts), amounts  # 0.0 mg, never 0 mg


def test_a_late_recheck_and_a_point_never_reached_are_said_as_they_were(
    care: Care, patient, nurses, clock: ManualClock
):
    """An alarm's recheck answered only by the next set 12 minutes later is said late beside that set; the
    points an early stop never reached show no time of their own and come after the stop."""
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    start = clock.now()
    clock.advance(minutes=10)
    state, _ = care.record_vitals(sid, {**NORMAL, VitalKind.SYSTOLIC: "190", VitalKind.DIASTOLIC: "105"}, first.id)
    care.acknowledge_alert(sid, state.open_alerts[0].event_id, ["pause", "notify"], no_symptoms(care), first.id, "")
    care.resume(sid, first.id)
    clock.advance(minutes=12)
    care.record_vitals(sid, NORMAL, first.id)
    care.stop_early(sid, "patient asked to stop", first.id)
    everything = " ".join(pages(session_summary(care.session_snapshot(sid), PRINTING)))
    recheck = care.protocol.alert_response.recheck_minutes
    due = local_time(start + timedelta(minutes=10 + recheck))
    assert f"also the recheck after the alert (due {due}, taken late)" in everything
    assert "— 30 min into infusion: not reached, the infusion ended first" in everything
    assert everything.find("not reached") > everything.find(f"{local_time(clock.now())} 20 min into infusion")
    assert f"{local_time(clock.now())} 30 min into infusion: not reached" not in everything  # no time of its own
