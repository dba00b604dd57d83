"""The course summary on paper, read back with pypdf: every course in order with the gap, each day's status
in words, the sessions' weight, dose, peaks and adverse events, the outcome forms by id (never wording),
the chart's key and the note on tables still to verify, and the footer with who printed it and when; and
the command that writes it, audited against the patient."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader

from core import audit
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.reports.course_summary import course_pdf
from core.reports.session_summary import Printing
from tests.helpers.courses import two_courses
from tests.test_cli import run as cli

PRINTING = Printing("Test clinic", "A4", "2027-03-28 09:05", "Ben Okafor")


def words(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages)


def test_the_summary_has_every_course_day_by_day_and_the_chart(care: Care, patient, nurses, clock: ManualClock):
    two_courses(care, patient, nurses, clock)
    everything = words(course_pdf(care.course_record(patient.id), PRINTING))
    assert "LINDQVIST, Maja · born 1971-03-14 · MRN MRN-1001" in everything
    assert "Course 1: 2026-11-26, 5 days" in everything
    assert "Course 2: 2027-03-26, 3 days · 119 days after the last infusion of course 1" in everything
    for said in (
        "✓ completed",
        "◐ stopped early: Severe nausea (after 10.0 min)",
        "✗ not treated: Patient felt unwell",
        "⊘ cancelled by the clinic: No second nurse on duty",
        "○ missed by the patient: Did not come: unwell",
        "? no record",
        "Adverse event: Nausea (severe), Infusion stopped, antiemetic given",
        "36.2 mg (9.0)",
        "BP 124–152/78",
        "Weight (kg) by session: 72.4 → 72.4 → 71.8",
    ):
        assert said in everything, said
    assert "Pain Interference T 66.6 ± 1.8 (table to verify)" in everything  # by measure and score only
    assert "Course 1 outcome forms" in everything and "Course 2 outcome forms" in everything
    assert "PAININ" not in everything  # no item is named on paper, let alone worded
    assert "Outcome chart" in everything and "Dashed line: the course's baseline" in everything
    assert "still to be checked against the HealthMeasures manuals" in everything
    assert "Pain Interference (T) — better ↓" in everything and "Physical Function (T) — better ↑" in everything
    assert "Printed 2027-03-28 09:05 by Ben Okafor" in everything and "Page 1 of" in everything


def test_a_measure_with_only_forms_not_scorable_is_named_under_the_chart(care: Care, patient, nurses):
    first, _ = nurses
    care.record_assessment(patient.id, {"SD_4a_v1.0": {"Sleep109": 3}}, mode="chair", by=first.id)
    everything = words(course_pdf(care.course_record(patient.id), PRINTING))
    assert "Not charted: Sleep Disturbance (1 form not scorable: items missing)." in everything
    assert "No scored outcome form is recorded yet." in everything


def test_a_patient_with_no_forms_says_so_instead_of_a_chart(care: Care, patient):
    everything = words(course_pdf(care.course_record(patient.id), PRINTING))
    assert "Course 1: 2026-11-26, 5 days" in everything and "▷ today" in everything
    assert "No scored outcome form is recorded yet." in everything


def test_the_command_writes_the_summary_and_audits_it_against_the_patient(
    care: Care, database, patient, nurses, clock: ManualClock, tmp_path, capsys
):
    two_courses(care, patient, nurses, clock)
    out = tmp_path / "course.pdf"
    url = database.url.render_as_string(hide_password=False)
    assert cli("--database", url, "report", "course", patient.mrn, "--out", str(out)) == 0
    assert "Course summary" in PdfReader(out).pages[0].extract_text()
    assert f"Course summary of MRN-1001 written to {out.resolve()}" in capsys.readouterr().out
    (line,) = [e for e in audit.entries(database, patient_id=patient.id) if e.action == AuditAction.EXPORTED]
    assert (line.detail["what"], line.detail["to"]) == ("course summary", str(out.resolve()))
    assert line.detail["os_account"]  # the computer account that ran the command
    assert cli("--database", url, "report", "course", "MRN-0000", "--out", str(tmp_path / "x.pdf")) == 2
    assert "No patient has the record number “MRN-0000”" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_a_marker_on_the_chart_s_first_or_last_day_stays_inside_the_plot(care: Care, patient, nurses, clock):
    """The T-score numbers stand just left of the plot: a marker (up to 4.5 pt about its point) on the first day
    must not reach over them, nor past the plot's right edge on the last."""
    from core.reports.course_summary import _x

    two_courses(care, patient, nurses, clock)
    chart = care.course_record(patient.id).chart
    assert _x(chart.start, chart, 40.0, 400.0) - 4.5 > 40.0
    assert _x(chart.end, chart, 40.0, 400.0) + 4.5 < 440.0
