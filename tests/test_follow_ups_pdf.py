"""The follow-up list on paper, read back with pypdf: grouped by status in words and shapes, each patient
with date of birth, record number and contact route, the rules at its foot, who printed it and when; and
the command that writes it, audited with the computer account."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

from core import audit
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.outcomes.due import Status
from core.persistence.db import sqlite_url
from core.reports.follow_ups_pdf import follow_ups_pdf
from tests.helpers.sessions import signed
from tests.test_cli import run as cli
from tests.test_follow_ups import PI, one_day_course


def words_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages)


def clinic_with_follow_ups(care: Care, nurses, clock: ManualClock) -> None:
    """On day 95: Ama's 3 months overdue (her route recorded), Bo's done by phone on day 93, and Cy's
    second course's end of course missed (his first's 3 months ended by that course, day 80)."""
    first, _ = nurses
    ama = one_day_course(care, nurses, clock, "MRN-1", "Osei", "Ama", 1)
    bo = one_day_course(care, nurses, clock, "MRN-2", "Berg", "Bo", 2)
    cy = one_day_course(care, nurses, clock, "MRN-3", "Dahl", "Cy", 3)
    care.record_contact(ama.id, "+1 216 555 0142", "call", first.id, note="Mornings")
    clock.advance(timedelta(days=80))
    care.record_course(cy.id, "Dr Amara Patel", clock.now().astimezone().date().isoformat(), "1", by=first.id)
    signed(care, cy, nurses, clock, chair=3)
    clock.advance(timedelta(days=15))
    day93 = (clock.now() - timedelta(days=2)).astimezone().date().isoformat()
    care.record_assessment(bo.id, {"PI_4a_v1.0": PI}, mode="phone", by=first.id, taken_on=day93)


def test_the_printout_says_each_status_in_words_who_and_how_to_reach_them_and_its_rules(
    care: Care, nurses, clock: ManualClock
):
    clinic_with_follow_ups(care, nurses, clock)
    found = care.follow_ups_due()
    words = words_of(follow_ups_pdf(found, "Lakeside Pain Clinic", "A4", "2027-03-01 14:05", "Helen Achterberg"))
    day = found.on.isoformat()
    assert f"Follow-ups due — {found.on:%A} {day}" in words
    assert "Printed 2027-03-01 14:05 by Helen Achterberg" in words and "Lakeside Pain Clinic" in words
    for heading in ("▲ Overdue (1)", "✕ Missed (1)", "✓ Done (1)"):
        assert heading in words
    assert "Due (0)" not in words  # a status with nothing is left out, its count said in the intro
    assert "Overdue 1 · Due 0 · Upcoming 0 · Missed 1 · Done 1" in words
    for said in ("OSEI, Ama", "MRN-1", "Born 1975-06-01", "+1 216 555 0142 (phone call)", "window closes in 26 days"):
        assert said in words
    assert "no contact route recorded" in words  # Bo's and Cy's
    assert "scored (1 of 1 forms)" in words
    assert "How this list is made" in words
    assert "3 months: target 91 days after the last infusion" in words
    assert "they stop when the patient's next course begins" in words
    only = words_of(follow_ups_pdf(found, "Clinic", "Letter", "now", "Helen", Status.OVERDUE))
    assert "Overdue only" in only and "OSEI, Ama" in only and "BERG, Bo" not in only


def test_an_empty_list_says_so(care: Care):
    words = words_of(follow_ups_pdf(care.follow_ups_due(), "Clinic", "A4", "now", "Helen"))
    assert "Nothing to follow up on this list." in words


def test_the_command_writes_the_list_and_audits_it(
    care: Care, nurses, clock: ManualClock, db_path: Path, tmp_path: Path, capsys
):
    clinic_with_follow_ups(care, nurses, clock)
    out = tmp_path / "follow-ups.pdf"
    url = sqlite_url(db_path)
    assert cli("--database", url, "report", "follow-ups", "--out", str(out), clock=clock) == 0
    day = clock.now().astimezone().date().isoformat()
    said = capsys.readouterr().out
    assert f"Follow-ups due on {day} (Overdue 1 · Due 0 · Upcoming 0 · Missed 1 · Done 1) written to {out}" in said
    words = words_of(out.read_bytes())
    assert "OSEI, Ama" in words and "(computer account)" in words
    (line,) = [e for e in audit.entries(care.db) if e.action == AuditAction.EXPORTED]
    assert line.detail["what"] == f"follow-ups due {day} (all statuses), PDF"
    assert line.detail["to"] == str(out.resolve()) and "os_account" in line.detail
    earlier = tmp_path / "earlier.pdf"
    past = (clock.now() - timedelta(days=10)).astimezone().date().isoformat()  # before Bo was called
    assert cli("--database", url, "report", "follow-ups", "--on", past, "--out", str(earlier), clock=clock) == 0
    assert "Overdue 0 · Due 2 · Upcoming 0 · Missed 1 · Done 0" in words_of(earlier.read_bytes())


def test_the_command_refuses_a_day_that_is_not_a_date(db_path: Path, tmp_path: Path, capsys, care: Care):
    out = tmp_path / "x.pdf"
    assert cli("--database", sqlite_url(db_path), "report", "follow-ups", "--on", "2027-13-01", "--out", str(out)) == 2
    assert "is not a date" in capsys.readouterr().err
    assert not out.exists()
