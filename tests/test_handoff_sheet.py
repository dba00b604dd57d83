"""The handoff sheet read back from the PDF: every I-PASS part, the receiver's box, and the extremes."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

from core import audit
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.dates import local_time
from core.identify import Identified
from core.people import Account
from core.persistence.db import sqlite_url
from core.protocol import Phase, Protocol
from core.protocol import VitalKind as V
from core.reports.handoff import handoff_pdf
from core.reports.identity import identifiers
from core.settings import ClinicSettings
from core.views import PatientView
from tests.helpers.answers import NO_SIDE_EFFECTS, NORMAL
from tests.helpers.clinic import PRESCRIBER, T0
from tests.helpers.sessions import prepare
from tests.test_cli import run as cli

LONG_FAMILY = "Featherstonehaugh-Worthington-Abernathys"
LONG_GIVEN = "Maximiliana Anastasia Konstantina Evelyn"
CLINIC = ClinicSettings()


def flat(words: str) -> str:
    return " ".join(words.split())


def pages(pdf: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(BytesIO(pdf)).pages]


def seat(care: Care, by: Account, mrn: str, family: str, given: str = "Test") -> PatientView:
    made = care.register_patient(mrn, family, given, "1958-09-30", by=by.id)
    care.record_course(made.id, PRESCRIBER, T0.astimezone().date().isoformat(), "5", by=by.id)
    return made


def test_one_chair_carries_every_i_pass_part_on_one_page(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], clock: ManualClock, protocol: Protocol
):
    ana = nurses[0]
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, ana.id)
    start = clock.now()
    clock.advance(minutes=10)
    care.record_vitals(sid, {**NORMAL, V.SYSTOLIC: "150"}, ana.id)
    clock.advance(minutes=3)
    state = care.state(sid)

    (page,) = pages(handoff_pdf(care.open_chairs(), [1], CLINIC, "Ben Okafor", giver="Ana Reyes"))
    assert page.count("LINDQVIST, Maja · born 1971-03-14 · MRN MRN-1001") == 2  # page header and section
    # I: the severity and why
    assert "I — Illness severity: WATCH (draft)" in page
    assert "Latest Systolic blood pressure 150 rose 26 mmHg from baseline (advisory)." in page
    # P: who, where in the course, weight, dose, step, time, vitals with their tier
    for fact in ("day 1 of 5", PRESCRIBER, "72.4 kg", "36.2 mg (0.5 mg/kg)", "Infusing", "155.4 mL/h"):
        assert fact in page
    assert f"started {local_time(start)}; infused 13 min; left 27 min" in page
    assert f"Baseline {local_time(state.infusion.started_at)} 124 78 72 14 98 0" in page
    assert f"Latest {local_time(start + timedelta(minutes=10))} 150 advisory 78 72 14 98 0" in page
    assert "Side effects so far: no checklist recorded yet. Pauses: none." in page
    # A: clock times for the next vitals, the checklist, the end and the earliest discharge, and the pump
    for minutes, what in ((20, "Vital signs: 20 min into infusion."), (40, "Infusion ends (27 min left).")):
        assert f"{local_time(start + timedelta(minutes=minutes))} {what}" in page
    assert "Pump check together at the chair: rate 155.4 mL/h, line and site." in page
    assert "Earliest discharge, if the infusion runs on without a pause" in page
    # S: the protocol's act-now limits and instructions, the severe side effect, the discharge criteria,
    # stated once for the sheet; the chair's own part says what they come to for this patient
    for vital in protocol.vitals.values():
        if vital.act_instruction:  # a vital without an act-now level (temperature) has no contingency
            assert vital.label in page and flat(vital.act_instruction) in page
    assert "act now at 154 mmHg or more (baseline 124 + 30)" in page  # baseline + the act-now rise
    assert protocol.side_effects.act_instruction[Phase.INFUSION] in page
    for criterion in protocol.discharge.criteria:
        assert criterion.text in page
    # the receiver's part
    assert "Handed over by Ana Reyes" in page and "Received by" in page and "Signature" in page
    assert "Printed" in page and "by Ben Okafor" in page


def test_extremes_long_names_thirty_vitals_sets_and_ten_pauses_are_printed_whole(
    care: Care, nurses: tuple[Account, Account], clock: ManualClock
):
    ana = nurses[0]
    assert len(LONG_FAMILY) == len(LONG_GIVEN) == 40
    long = seat(care, ana, "MRN-LONG-0000000001", LONG_FAMILY, LONG_GIVEN)
    sid = prepare(care, long, nurses, chair=2)
    care.start_infusion(sid, ana.id)
    for n in range(30):
        clock.advance(minutes=1)
        care.record_vitals(sid, {**NORMAL, V.HEART_RATE: str(70 + n)}, ana.id)
    reasons = [f"line problem {n} <kinked> & re-sited" for n in range(10)]
    for reason in reasons:
        care.pause(sid, reason, ana.id)
        clock.advance(seconds=30)
        care.resume(sid, ana.id)
    berg = seat(care, ana, "MRN-2", "Berg")
    care.start_infusion(prepare(care, berg, nurses, chair=3), ana.id)

    read = pages(handoff_pdf(care.open_chairs(), [2, 3], CLINIC, "Ana Reyes"))
    ident = identifiers(care.patient(long.id))
    on_long = [page for page in read if ident in page]
    first = read.index(on_long[0])
    assert 1 <= len(on_long) <= 2 and read[first : first + len(on_long)] == on_long  # its pages, each named
    words = " ".join(on_long)
    assert "Vital signs (31 sets)" in words and " 99 " in words  # the thirtieth set's heart rate
    for reason in reasons:
        assert reason in words  # free text printed as typed
    assert "Pauses (10)" in words
    assert f"Chair 3 — {identifiers(berg)}" in read[first + len(on_long)]  # the next chair starts a page


def test_a_section_longer_than_a_page_breaks_between_rows_and_names_its_patient_on_every_page(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], clock: ManualClock
):
    ana = nurses[0]
    sid = prepare(care, patient, nurses, chair=2)
    care.start_infusion(sid, ana.id)
    for _ in range(30):  # thirty alarms nobody has acknowledged: thirty lines in I and thirty actions
        clock.advance(minutes=1)
        care.record_vitals(sid, {**NORMAL, V.SYSTOLIC: "190"}, ana.id)
    read = pages(handoff_pdf(care.open_chairs(), [2, 4], CLINIC, "Ana Reyes"))
    section = read[:-1]
    assert len(section) >= 2
    assert all(f"Chair 2 — {identifiers(patient)}" in page for page in section)
    assert " ".join(section).count("Acknowledge the alarm (Systolic blood pressure 190") == 30
    assert "Received by" in section[-1] and "Chair 4 — no open session" in read[-1]


def test_a_chair_with_no_session_says_so_and_several_chairs_put_identifiers_on_each_section(
    care: Care, patient: PatientView, nurses: tuple[Account, Account]
):
    prepare(care, patient, nurses, chair=1)
    read = pages(handoff_pdf(care.open_chairs(), [1, 3], CLINIC, "Ana Reyes", giver="Ana Reyes"))
    assert len(read) == 2
    assert f"Chair 1 — {identifiers(patient)}" in read[0]
    assert "Handoff of chairs 1, 3 from Ana Reyes" in read[0]
    assert "Chair 3 — no open session" in read[1]
    assert "nothing to hand over" in read[1]
    assert "Ready to start" in read[0]
    assert "After the start Infusion runs 40 min once started." in read[0]


def test_a_stopped_early_session_with_no_side_effects(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], clock: ManualClock
):
    ana = nurses[0]
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, ana.id)
    clock.advance(minutes=20)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, ana.id)
    state = care.stop_early(sid, "patient asked to stop", ana.id)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, ana.id)
    (page,) = pages(handoff_pdf(care.open_chairs(), [1], CLINIC, "Ana Reyes"))
    assert "I — Illness severity: WATCH (draft)" in page
    assert "Infusion stopped early: patient asked to stop." in page
    assert f"patient asked to stop at {local_time(clock.now())}, after 20 min; about" in page
    assert f"{state.controlled.given_mg} mg given" in page
    assert "Observation (stopped early)" in page
    assert "Side effects so far: none recorded (2 checklists, every item “None”)." in page
    assert f"{local_time(state.discharge_earliest)} Earliest discharge (30 min after the end)" in page


def test_the_command_prints_a_chair_and_audits_it_naming_patient_and_session(
    tmp_path: Path, db_path: Path, care: Care, patient: PatientView, nurses: tuple[Account, Account], capsys
):
    sid = prepare(care, patient, nurses)
    out = tmp_path / "handoff.pdf"
    url = sqlite_url(db_path)
    assert cli("--database", url, "report", "handoff", "--chair", "1", "--out", str(out), clock=care.clock) == 0
    assert f"Handoff sheet for chair 1 written to {out}" in capsys.readouterr().out
    assert identifiers(patient) in pages(out.read_bytes())[0]
    (line,) = [e for e in audit.entries(care.db) if e.action == AuditAction.EXPORTED]
    assert (line.patient_id, line.session_id) == (patient.id, sid)
    assert line.detail["what"] == "handoff sheet, chairs 1"
    assert line.detail["to"] == str(out.resolve())


def test_the_command_prints_all_of_a_nurses_chairs_with_her_name_as_giver(
    tmp_path: Path, db_path: Path, care: Care, patient: PatientView, nurses: tuple[Account, Account], capsys
):
    ana, ben = nurses
    prepare(care, patient, nurses, chair=1)
    prepare(care, seat(care, ana, "MRN-2", "Berg"), nurses, chair=3)
    care.open_session(seat(care, ben, "MRN-3", "Costa").id, 2, ben.id, Identified(name=True, mrn="MRN-3"))
    out = tmp_path / "mine.pdf"
    url = sqlite_url(db_path)
    assert cli("--database", url, "report", "handoff", "--nurse", "ana", "--out", str(out), clock=care.clock) == 0
    assert "chairs 1, 3 written" in capsys.readouterr().out
    read = pages(out.read_bytes())
    assert len(read) == 2 and "Handed over by Ana Reyes" in read[0] and "Handed over by Ana Reyes" in read[1]
    lines = [e for e in audit.entries(care.db) if e.action == AuditAction.EXPORTED]
    assert len(lines) == 2 and {line.detail["what"] for line in lines} == {"handoff sheet, chairs 1, 3"}


def test_the_command_refuses_an_unknown_nurse_a_nurse_without_chairs_and_a_chair_the_clinic_lacks(
    tmp_path: Path, db_path: Path, care: Care, nurses: tuple[Account, Account], capsys
):
    url, out = sqlite_url(db_path), str(tmp_path / "h.pdf")
    assert cli("--database", url, "report", "handoff", "--nurse", "nobody", "--out", out) == 2
    assert "No account has the user name “nobody”" in capsys.readouterr().err
    assert cli("--database", url, "report", "handoff", "--nurse", "ben", "--out", out) == 2
    assert "Ben Okafor has no open session on any chair" in capsys.readouterr().err
    assert cli("--database", url, "report", "handoff", "--chair", "9", "--out", out) == 2
    assert "There is no chair 9: the clinic has chairs 1–4." in capsys.readouterr().err
    assert not Path(out).exists()


def test_the_vital_signs_head_fits_its_column(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], clock: ManualClock
):
    """The head of the vitals table, "Vital signs (2 sets)", on one line with the readings' heads."""
    ana = nurses[0]
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, ana.id)
    clock.advance(minutes=10)
    care.record_vitals(sid, NORMAL, ana.id)
    pdf = handoff_pdf(care.open_chairs(), [1], CLINIC, "Ben Okafor", giver="Ana Reyes")
    lines = [
        " ".join(line.split())
        for page in PdfReader(BytesIO(pdf)).pages
        for line in page.extract_text(extraction_mode="layout").splitlines()
    ]
    (head,) = [line for line in lines if line.startswith("Vital signs (")]
    assert head.startswith("Vital signs (2 sets) SBP DBP"), head
