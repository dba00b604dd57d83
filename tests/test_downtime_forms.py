"""Blank downtime forms come from the protocol: what the screens ask, the paper asks."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

from core import audit
from core.audit import AuditAction
from core.clock import ManualClock
from core.persistence.db import Database, sqlite_url
from core.protocol import Protocol
from core.reports.downtime import downtime_forms
from tests.test_cli import run as cli


def read(pdf: bytes) -> tuple[int, str]:
    pages = PdfReader(BytesIO(pdf)).pages
    return len(pages), "\n".join(page.extract_text() for page in pages)


def test_the_forms_carry_every_question_threshold_item_and_criterion_of_the_protocol(protocol: Protocol):
    count, words = read(downtime_forms(protocol, "Test clinic", "A4", "2026-11-26 10:42", "ana (computer account)"))
    flat = " ".join(words.split())
    assert count <= 4
    for question in protocol.screening.questions:
        assert " ".join(question.text.split()) in flat
    for point in protocol.vitals_schedule.points:
        assert point.label in flat
    for vital in protocol.vitals.values():
        assert f"outside {vital.reject_below}–{vital.reject_above}" in flat
    for item in protocol.side_effects.items:
        assert item.label in flat
    for criterion in protocol.discharge.criteria:
        assert criterion.on_paper in flat  # in the paper's words where the protocol gives them
    assert f"× {protocol.dose.mg_per_kg} mg/kg" in flat
    assert f"never over {protocol.dose_limits.hard_max_mg} mg" in flat
    assert f"{protocol.id} {protocol.version}" in flat
    assert protocol.content_hash in flat


def test_the_command_writes_the_pdf_on_the_clinic_paper_and_audits_it(tmp_path: Path, capsys, clock: ManualClock):
    url = sqlite_url(tmp_path / "c.sqlite")
    assert cli("--database", url, "db", "create") == 0
    out = tmp_path / "forms.pdf"
    assert cli("--database", url, "report", "downtime", "--out", str(out)) == 0
    assert f"written to {out}" in capsys.readouterr().out
    reader = PdfReader(out)
    assert round(reader.pages[0].mediabox.width) == 595  # A4, the clinic default
    assert "(computer account)" in reader.pages[0].extract_text()
    database = Database(url)
    try:
        (line,) = [e for e in audit.entries(database) if e.action == AuditAction.EXPORTED]
    finally:
        database.dispose()
    assert line.detail["to"] == str(out.resolve())
    assert line.detail["what"].startswith("downtime forms")


def test_a_folder_that_cannot_be_written_is_said_and_nothing_is_left_behind(tmp_path: Path, capsys):
    url = sqlite_url(tmp_path / "c.sqlite")
    assert cli("--database", url, "db", "create") == 0
    missing = tmp_path / "no such folder" / "forms.pdf"
    assert cli("--database", url, "report", "downtime", "--out", str(missing)) == 2
    assert "could not be written" in capsys.readouterr().err
    assert not missing.parent.exists()


def test_the_forms_carry_the_pump_check_the_vials_rest_and_the_prescribers_name(protocol: Protocol):
    """Issue 11's rules on paper: the pump read against the order (the second nurse as the protocol says), the
    rest of each vial returned or wasted before a witness, and the override's prescriber beside the reason."""
    _count, words = read(downtime_forms(protocol, "Test clinic", "A4", "2026-11-26 10:42", "ana"))
    flat = " ".join(words.split())
    assert "Pump programmed and checked Rate mL/h Volume to be infused mL" in flat
    assert "Read off the pump by the nurse" in flat
    assert f"Read off the pump by a second nurse ({protocol.pump.second_nurse})" in flat
    assert f"to {protocol.pump.vtbi_ml} mL" in flat
    assert "Rest of the vial" in flat and "returned to stock" in flat and "wasted before a witness" in flat
    assert "Witness (a waste)" in flat
    assert "Prescriber's name" in flat and "Reason" in flat
    assert "prints on discharge" not in flat  # nothing prints when the computer is down
    paper = [c.on_paper for c in protocol.discharge.criteria]
    assert all(" ".join(words.split()) in flat for words in paper)
    assert "only once the patient is discharged" in flat


def test_a_vial_says_its_strength_once_then_its_note(protocol: Protocol):
    _count, words = read(downtime_forms(protocol, "Test clinic", "A4", "2026-11-26 10:42", "ana"))
    flat = " ".join(words.split())
    for vial in protocol.vials:
        assert f"{vial.mg_per_ml} mg/mL" in vial.label  # the protocol's labels name it: said once
        assert " ".join(vial.label.split()) in flat
        assert f"{vial.label} ({vial.mg_per_ml} mg/mL)" not in flat
    assert ") (" not in flat
