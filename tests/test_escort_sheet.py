"""The going-home sheet: the protocol's words, today's facts from the record, large type, who to call."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from core import audit
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.dates import local_time
from core.errors import InputError, NotAllowedError
from core.people import Account
from core.persistence.db import sqlite_url
from core.protocol import Protocol
from core.reports.escort_sheet import NO_PHONE, escort_pdf, sheet_lines
from core.reports.styles import FOOTER_HEIGHT, HEADER_HEIGHT, MARGIN
from core.settings import ClinicSettings
from core.views import PatientView
from tests.helpers.answers import DISCHARGE_OK, NO_SIDE_EFFECTS, NORMAL
from tests.helpers.clinic import PRESCRIBER, T0
from tests.helpers.people import ANA_PASSWORD
from tests.helpers.sessions import discharged, prepare
from tests.test_cli import run as cli

PHONE = "+44 20 7946 0000 ext. 12"


def read(pdf: bytes) -> tuple[int, str]:
    pages = PdfReader(BytesIO(pdf)).pages
    words = " ".join(page.extract_text() for page in pages)
    return len(pages), " ".join(words.replace("\xa0", " ").split())


def body_sizes(pdf: bytes) -> list[float]:
    """The size of every piece of text between the page's header and footer, in points."""
    sizes: list[float] = []
    for page in PdfReader(BytesIO(pdf)).pages:
        top = float(page.mediabox.height) - MARGIN - HEADER_HEIGHT
        bottom = MARGIN + FOOTER_HEIGHT

        def visit(words: str, cm: list[float], tm: list[float], font: object, size: float, top=top, bottom=bottom):
            if words.strip() and bottom < cm[5] + tm[5] < top:
                sizes.append(size * tm[3] * cm[3])

        page.extract_text(visitor_text=visit)
    return sizes


# ---- the sheet ----------------------------------------------------------------------------------------


def test_the_sheet_says_what_was_given_and_every_instruction_in_large_type(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], clock: ManualClock, protocol: Protocol
):
    sid = discharged(care, patient, nurses, clock)
    state = care.state(sid)
    pdf = escort_pdf(care.session_snapshot(sid), ClinicSettings(), "Ana Reyes")
    count, words = read(pdf)
    assert count == 1
    assert "LINDQVIST, Maja · born 1971-03-14 · MRN MRN-1001" in words
    assert "Today you had ketamine, 36.2 mg, through a drip into a vein." in words
    assert "This was day 1 of 5 of your treatment." in words
    assert f"The drip finished at {local_time(state.infusion.ended_at)}." in words
    assert "Your next treatment is day 2 of 5." in words
    instructions = protocol.discharge_instructions
    for section in [*instructions.sections, instructions.call_clinic, instructions.emergency]:
        assert section.heading in words
    for line in sheet_lines(protocol, state):  # the record decides the lines that depend on it
        assert line in words
    assert NO_PHONE in words  # no number set: the nurse writes it in
    assert min(body_sizes(pdf)) >= 12


def test_the_clinics_number_is_printed_when_it_is_set(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], clock: ManualClock
):
    sid = discharged(care, patient, nurses, clock)
    _, words = read(
        escort_pdf(care.session_snapshot(sid), ClinicSettings(clinic_phone=PHONE, page_size="Letter"), "Ana Reyes")
    )
    assert f"Pain Management Infusion Clinic: {PHONE}" in words
    assert "Ask the nurse" not in words


def test_a_stopped_infusion_says_how_long_it_ran_and_the_estimated_amount(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], clock: ManualClock
):
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, nurses[0].id)
    clock.advance(minutes=20)
    state = care.stop_early(sid, "patient asked to stop", nurses[0].id)
    clock.advance(minutes=30)  # observed for the minimum, then discharged: the sheet prints after that
    care.record_side_effects(sid, NO_SIDE_EFFECTS, nurses[0].id)
    care.record_vitals(sid, NORMAL, nurses[0].id)  # the set before discharge
    care.discharge(sid, "10", DISCHARGE_OK, nurses[0].id, ANA_PASSWORD)
    _, words = read(escort_pdf(care.session_snapshot(sid), ClinicSettings(), "Ana Reyes"))
    assert f"Today you had ketamine, {state.controlled.given_mg} mg," in words
    assert "The drip was stopped early, after 20 of 40 minutes." in words
    assert "finished at" not in words


def test_the_last_day_of_a_course_says_so(care: Care, nurses: tuple[Account, Account], clock: ManualClock):
    one = care.register_patient("MRN-7", "Sato", "Yui", "1980-02-02", by=nurses[0].id)
    care.record_course(one.id, PRESCRIBER, T0.astimezone().date().isoformat(), "1", by=nurses[0].id)
    sid = discharged(care, one, nurses, clock)
    _, words = read(escort_pdf(care.session_snapshot(sid), ClinicSettings(), "Ana Reyes"))
    assert "This was day 1 of 1 of your treatment." in words
    assert "This was the last day of your treatment." in words
    assert "next treatment" not in words


def test_no_sheet_before_the_infusion_ended_nor_for_a_session_without_one(
    care: Care, patient: PatientView, nurses: tuple[Account, Account]
):
    sid = prepare(care, patient, nurses)
    with pytest.raises(NotAllowedError, match="has not ended yet"):
        escort_pdf(care.session_snapshot(sid), ClinicSettings(), "Ana Reyes")
    care.abandon(sid, "patient felt unwell", nurses[0].id)
    with pytest.raises(NotAllowedError, match="No infusion was given"):
        escort_pdf(care.session_snapshot(sid), ClinicSettings(), "Ana Reyes")
    with pytest.raises(InputError, match="No session has the id"):
        escort_pdf(care.session_snapshot("not-a-session"), ClinicSettings(), "Ana Reyes")


# ---- the command --------------------------------------------------------------------------------------


def test_the_command_writes_the_sheet_and_audits_it_naming_the_patient_and_session(
    tmp_path: Path,
    db_path: Path,
    care: Care,
    patient: PatientView,
    nurses: tuple[Account, Account],
    clock: ManualClock,
    capsys,
):
    sid = discharged(care, patient, nurses, clock)
    out = tmp_path / "home.pdf"
    assert cli("--database", sqlite_url(db_path), "report", "escort", sid, "--out", str(out), clock=clock) == 0
    assert f"written to {out}" in capsys.readouterr().out
    assert "Today you had ketamine, 36.2 mg" in read(out.read_bytes())[1]
    (line,) = [e for e in audit.entries(care.db) if e.action == AuditAction.EXPORTED]
    assert (line.patient_id, line.session_id) == (patient.id, sid)
    assert line.detail["what"] == "going-home sheet"
    assert line.detail["to"] == str(out.resolve())


def test_the_command_refuses_an_unknown_session_and_writes_nothing(tmp_path: Path, db_path: Path, care: Care, capsys):
    out = tmp_path / "home.pdf"
    assert cli("--database", sqlite_url(db_path), "report", "escort", "no-such-id", "--out", str(out)) == 2
    assert "No session has the id" in capsys.readouterr().err
    assert not out.exists()
