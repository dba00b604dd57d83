"""The clinic's outcome report end to end: two patients' courses recorded through Care (signed sessions, a
day missed, a day cancelled by the clinic, an early stop with an adverse event, outcome forms), read back
by ``care.outcome_report``, printed (read back with pypdf), exported as CSV and written from the command
line."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import delete

from core import audit, records
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.errors import InputError
from core.machine import Step
from core.outcomes.cohort import day_bounds
from core.outcomes.metrics import find
from core.outcomes.report import csv_bytes, outcome_report
from core.outcomes.windows import earliest_counted
from core.persistence.db import sqlite_url
from core.persistence.tables import CourseFacts
from core.protocol import Protocol, parse_protocol
from core.reports.outcome_report import export_outcome_csv, outcome_printout
from core.views import PatientView
from tests.helpers.clinic import PRESCRIBER, T0
from tests.helpers.sessions import session_at, signed
from tests.test_cli import run as cli

pytestmark = pytest.mark.both_stores

PI_BASE = {"PAININ9": 4, "PAININ22": 4, "PAININ31": 4, "PAININ34": 4}  # raw 16
PI_END = {"PAININ9": 2, "PAININ22": 2, "PAININ31": 2, "PAININ34": 2}  # raw 8
DAY1 = T0.astimezone().date()
LAST = DAY1 + timedelta(days=7)


def history(care: Care, patient: PatientView, nurses, clock: ManualClock) -> None:
    """Maja: a baseline at the chair, days 1, 2 and 4 signed, day 3 missed, day 5 cancelled by the clinic, the
    end-of-course form by phone on day 6. Chidi: a one-day course whose infusion was stopped early for a
    severe side effect recorded as an adverse event."""
    first, _ = nurses
    course = care.current_course(patient.id)
    assert course is not None
    care.record_assessment(patient.id, {"PI_4a_v1.0": PI_BASE}, mode="chair", by=first.id)
    clock.advance(minutes=10)  # answered in the chair before the drug ran
    signed(care, patient, nurses, clock)
    chidi = care.register_patient("MRN-2002", "Okafor", "Chidi", "1980-05-02", by=first.id)
    care.record_course(chidi.id, PRESCRIBER, DAY1.isoformat(), "1", by=first.id)
    sid = session_at(care, chidi, nurses, Step.INFUSING, chair=2)
    state = care.record_side_effects(sid, {"hallucinations": "severe"}, first.id)
    (pending,) = state.pending_adverse_events
    care.record_adverse_event(sid, pending.source_event_id, "hallucinations", "Stopped", "Dr Patel", first.id)
    care.stop_early(sid, "Hallucinations", first.id)
    for day in range(2, 6):
        clock.advance(T0 + timedelta(days=day - 1) - clock.now())
        if day == 3:
            care.record_day_not_given(course.id, 3, by_clinic=False, reason="Did not come", by=first.id)
        elif day == 5:
            care.record_day_not_given(course.id, 5, by_clinic=True, reason="No second nurse", by=first.id)
        else:
            signed(care, patient, nurses, clock)
    clock.advance(T0 + timedelta(days=8) - clock.now())
    on = (DAY1 + timedelta(days=5)).isoformat()
    care.record_assessment(patient.id, {"PI_4a_v1.0": PI_END}, mode="phone", by=first.id, taken_on=on)


def test_the_report_counts_what_care_recorded(care: Care, patient: PatientView, nurses, clock: ManualClock):
    history(care, patient, nurses, clock)
    report = care.outcome_report(DAY1, LAST)
    figures = report.figures
    assert (report.patients, report.courses, report.sessions_started) == (2, 2, 4)
    # Maja completed 3 of 5 days, Chidi none of 1: no first course reached 5.
    treatment = find(figures, "treatment_completion")
    assert (treatment.numerator, treatment.denominator) == (0, 2)
    # Scheduled 6; completed 3; Maja's day 5 was the clinic's.
    adherence = find(figures, "adherence_all_cause"), find(figures, "adherence_patient")
    assert [(f.numerator, f.denominator) for f in adherence] == [(3, 6), (3, 5)]
    assert [find(figures, f"days_{k}").numerator for k in ("missed", "cancelled", "stopped_early")] == [1, 1, 1]
    # Forms: Maja's baseline and end counted; Chidi answered none.
    baseline = find(figures, "forms_completed", "Baseline")
    assert (baseline.numerator, baseline.denominator, baseline.to_verify) == (1, 2, False)  # a count, not a score
    assert find(figures, "forms_completed", "End of course").numerator == 1
    reached = find(figures, "mcid_reached", "End of course", "Pain Interference")
    assert (reached.numerator, reached.denominator, reached.to_verify) == (1, 1, True)
    # Chidi's one session stopped early, with an adverse event.
    for key in ("ae_sessions", "ae_stopped", "stopped_early"):
        assert (find(figures, key).numerator, find(figures, key).denominator) == (1, 4)
    (reason,) = [f for f in figures if f.key == "stop_reason"]
    assert reason.measure == "Stopped early: Hallucinations"
    assert {t.form_id for t in report.tables} == {"PI_4a_v1.0"}


def test_an_adverse_event_corrected_in_the_session_leaves_the_count(
    care: Care, patient: PatientView, nurses, clock: ManualClock
):
    first, _ = nurses
    sid = session_at(care, patient, nurses, Step.INFUSING)
    state = care.record_side_effects(sid, {"hallucinations": "severe"}, first.id)
    (pending,) = state.pending_adverse_events
    state = care.record_adverse_event(sid, pending.source_event_id, "hallucinations", "Stopped", "Dr Patel", first.id)
    (entry,) = [e for e in state.events if e.type.value == "adverse_event.recorded"]
    care.correct(sid, entry.id, "Entered on the wrong chair", "No adverse event in this session", first.id)
    care.stop_early(sid, "Hallucinations", first.id)
    clock.advance(timedelta(days=1))  # a report counts days that have ended
    figure = find(care.outcome_report(DAY1, DAY1).figures, "ae_sessions")
    assert (figure.numerator, figure.denominator) == (0, 1)
    assert figure.note.startswith("1 adverse-event entry was corrected after entry and not counted")


def test_the_sessions_read_are_those_of_the_courses_that_can_count(
    care: Care, patient: PatientView, nurses, clock: ManualClock
):
    """Both courses come as their kept rows (``course_facts``), no session read. Without them, a patient's
    course long before the period comes as what its sessions add up to; the sessions read one by one are
    the later course's only (read by patient, the earlier course's are dropped). (Read as a report under an
    older protocol reads them: today's finds its courses by their rows of ``course_facts``.)"""
    first_session = signed(care, patient, nurses, clock)
    clock.advance(timedelta(days=40))
    later = clock.now().astimezone().date()
    care.record_course(patient.id, PRESCRIBER, later.isoformat(), "1", by=nurses[0].id)
    later_session = signed(care, patient, nurses, clock)
    clock.advance(timedelta(days=1))
    start, cutoff = day_bounds(later, later)
    counted_from = earliest_counted(care.protocol.outcomes, start)
    earlier_course, later_course = care.state(first_session).course_id, care.state(later_session).course_id
    with care.door.reading() as tx:
        cohort = records.outcome_cohort(tx, start, cutoff, cutoff, counted_from)
    assert (set(cohort.summaries), cohort.sessions, dict(cohort.moments)) == ({earlier_course, later_course}, (), {})
    assert find(care.outcome_report(later, later).figures, "course_completion").numerator == 1
    with care.door.writing() as work:
        work.tx.execute(delete(CourseFacts))
        cohort = records.outcome_cohort(work.tx, start, cutoff, cutoff, counted_from)
    assert set(cohort.moments) == {earlier_course}
    assert [s.id for s in cohort.sessions] == [later_session]
    made = outcome_report(care.protocol, cohort, later, later, clock.now())
    assert find(made.figures, "course_completion").numerator == 1


def test_a_past_report_made_again_under_its_own_protocol_prints_that_protocol_s_mcids(
    care: Care, patient: PatientView, nurses, clock: ManualClock, protocol: Protocol
):
    history(care, patient, nurses, clock)
    outcomes = protocol.outcomes
    stricter = [m.model_copy(update={"t_points": 20}) if m.domain == "Pain Interference" else m for m in outcomes.mcid]
    earlier = protocol.model_copy(
        update={"version": "1.3.9", "outcomes": outcomes.model_copy(update={"mcid": stricter})}
    )
    past = care.outcome_report(DAY1, LAST, protocol=earlier)
    assert past.protocol_version == "1.3.9"
    assert next(m.t_points for m in past.mcids if m.domain == "Pain Interference") == 20
    assert find(past.figures, "mcid_reached", "End of course", "Pain Interference").numerator == 0
    today = care.outcome_report(DAY1, LAST)
    assert find(today.figures, "mcid_reached", "End of course", "Pain Interference").numerator == 1


def test_the_pdf_prints_definitions_denominators_and_the_mcid_set(
    care: Care, patient: PatientView, nurses, clock: ManualClock, tmp_path: Path
):
    history(care, patient, nurses, clock)
    report = care.outcome_report(DAY1, LAST)
    printout = outcome_printout(report, "Riverside Pain Clinic", "A4", "2026-12-04 10:00", "Ana Lind")
    pdf = tmp_path / "outcomes.pdf"
    pdf.write_bytes(printout.pdf)
    words = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    for said in (
        "Every number states its denominator",
        "Treatment completion (study definition)",
        "Patients whose first course reached 5 or more completed infusions",
        "0 of 2",
        "3 of 6",
        "MCID set used",
        "Chen, Kroenke et al., Pain 2018",
        "for comparison, not a target",
        "86.1 % (890 of 1,034 patients)",
        "tables to verify",
        f"{report.protocol_id} {report.protocol_version}",
        "Printed 2026-12-04 10:00 by Ana Lind",
    ):
        assert said in words, said
    rows = list(csv.DictReader(io.StringIO(csv_bytes(report).decode("utf-8-sig"))))
    treatment = next(r for r in rows if r["measure"] == "Treatment completion (study definition)")
    assert (treatment["numerator"], treatment["denominator"], treatment["value"]) == ("0", "2", "0.0")
    assert treatment["method"] == "Wilson score 95 % interval" and treatment["definition"].startswith("Patients")
    written = export_outcome_csv(care.db, clock.now(), "ws", report, tmp_path / "o.csv", actor_id=nurses[0].id)
    assert written.read_bytes() == csv_bytes(report)
    (line,) = [e for e in audit.entries(care.db) if e.action == AuditAction.EXPORTED]
    assert line.detail["to"] == str(written) and "outcome report" in line.detail["what"]


def test_a_report_ending_before_it_begins_today_or_in_the_future_is_refused(care: Care):
    with pytest.raises(InputError, match="before it begins"):
        care.outcome_report(LAST, DAY1)
    with pytest.raises(InputError, match="still to come"):
        care.outcome_report(DAY1, DAY1 + timedelta(days=30))
    with pytest.raises(InputError, match="is today: a report counts days that have ended") as refused:
        care.outcome_report(DAY1, DAY1)  # today's infusion may still be running: its day is not over
    assert (refused.value.field, refused.value.advice) == (
        "last_day",
        f"End the report yesterday ({(DAY1 - timedelta(days=1)).isoformat()}) or earlier.",
    )


@pytest.mark.sqlite_only
def test_the_command_writes_the_pdf_and_the_csv_and_audits_each(
    care: Care, patient: PatientView, nurses, clock: ManualClock, db_path: Path, tmp_path: Path, capsys
):
    history(care, patient, nurses, clock)
    pdf, sheet = tmp_path / "o.pdf", tmp_path / "o.csv"
    url = sqlite_url(db_path)
    span = ("--from", DAY1.isoformat(), "--to", LAST.isoformat())
    assert cli("--database", url, "report", "outcomes", *span, "--out", str(pdf), "--csv", str(sheet), clock=clock) == 0
    assert f"written to {pdf}" in capsys.readouterr().out
    words = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "(computer account)" in words and "Treatment completion" in words
    assert any(r[1] == "Course completion" for r in csv.reader(io.StringIO(sheet.read_text("utf-8-sig"))))
    exported = [e for e in audit.entries(care.db) if e.action == AuditAction.EXPORTED]
    assert sorted(e.detail["to"] for e in exported) == sorted([str(pdf.resolve()), str(sheet.resolve())])
    assert all("os_account" in e.detail for e in exported)


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("dates", "says"),
    [
        (("--from", "2026-13-01", "--to", "2026-12-01"), "is not a date"),
        (("--from", "2026-12-01", "--to", "2026-11-01"), "before it begins"),
        (("--from", "2026-12-01", "--to", "2099-01-01"), "still to come"),
    ],
)
def test_the_command_says_what_is_wrong_with_the_dates(database, db_path: Path, tmp_path: Path, capsys, dates, says):
    out = tmp_path / "x.pdf"
    assert cli("--database", sqlite_url(db_path), "report", "outcomes", *dates, "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err
    assert not out.exists()


def stricter_protocol_kept(care: Care, protocol: Protocol) -> Protocol:
    """A protocol of an earlier day whose Pain Interference MCID was 20 T, kept in the records as a session
    under it would have kept it."""
    text = protocol.text.replace('version = "1.4.0"', 'version = "1.3.9"').replace(
        'domain = "Pain Interference"\nt_points = 3', 'domain = "Pain Interference"\nt_points = 20'
    )
    earlier = parse_protocol(text.encode("utf-8"), "an earlier protocol")
    assert earlier.outcomes.mcid_for("Pain Interference") == 20
    with care.db.transaction() as tx:
        records.keep_protocol(tx, earlier.content_hash, earlier.id, earlier.version, earlier.text, T0)
    return earlier


def test_a_past_report_is_made_again_under_the_kept_protocol_its_hash_names(
    care: Care, patient: PatientView, nurses, clock: ManualClock, protocol: Protocol
):
    history(care, patient, nurses, clock)
    earlier = stricter_protocol_kept(care, protocol)
    found = care.kept_protocol(earlier.content_hash[:12].upper())
    assert (found.version, found.content_hash) == ("1.3.9", earlier.content_hash)
    past = care.outcome_report(DAY1, LAST, found)
    assert find(past.figures, "mcid_reached", "End of course", "Pain Interference").numerator == 0
    assert care.kept_protocol(protocol.content_hash[:12]).version == protocol.version
    for wrong, says in (("45177f", "is not a protocol's SHA-256"), ("0" * 12, "No protocol kept in the records")):
        with pytest.raises(InputError, match=says) as refused:
            care.kept_protocol(wrong)
        assert refused.value.field == "protocol"


@pytest.mark.sqlite_only
def test_the_command_makes_a_past_report_under_the_protocol_it_names(
    care: Care,
    patient: PatientView,
    nurses,
    clock: ManualClock,
    protocol: Protocol,
    db_path: Path,
    tmp_path: Path,
    capsys,
):
    history(care, patient, nurses, clock)
    earlier = stricter_protocol_kept(care, protocol)
    sheet = tmp_path / "past.csv"
    span = ("--from", DAY1.isoformat(), "--to", LAST.isoformat())
    url = sqlite_url(db_path)
    made = cli("--database", url, "report", "outcomes", *span, "--csv", str(sheet), "--protocol", earlier.content_hash)
    assert made == 0
    text = sheet.read_text("utf-8-sig")
    assert "ketamine-low-dose-5day 1.3.9" in text and "improved by the MCID or more (20 T)" in text
    assert cli("--database", url, "report", "outcomes", *span, "--csv", str(sheet), "--protocol", "abc") == 2
    assert "is not a protocol's SHA-256" in capsys.readouterr().err
