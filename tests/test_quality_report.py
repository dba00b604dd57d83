"""The quality report made whole, for whom it is made: the day of alarms of ``test_quality_alarms`` (three
act-now alarms in two sessions, Jane's never acknowledged), beside the three days before it; who may make it,
how its outlier listings name patients for each reader, the audit lines that say whom it disclosed, and its
CSV read back."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.accounts import Accounts
from core.audit import entries
from core.audit_terms import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.errors import InputError, NotPermitted
from core.people import Account, Role
from core.persistence.db import Database, sqlite_url
from core.quality.alarms import NEVER_TITLE
from core.quality.report import CSV_HEAD, REPLAY, PatientShown
from core.reports.quality_report import quality_printout
from core.settings import change_clinic_setting
from tests.helpers.clinic import T0
from tests.helpers.people import TEMPORARY_PASSWORD
from tests.test_cli import run as cli
from tests.test_quality_alarms import a_day_of_alarms

pytestmark = pytest.mark.both_stores

DAY = T0.astimezone().date()


@pytest.fixture
def helen(accounts: Accounts, admin: Account) -> Account:
    return accounts.add(admin.id, "Helen Achterberg", "helen", Role.CHARGE_NURSE, TEMPORARY_PASSWORD)


@pytest.fixture
def alarms_day(care: Care, patient, nurses, clock: ManualClock) -> dict[str, str]:
    made = a_day_of_alarms(care, patient, nurses, clock)
    clock.advance(timedelta(days=1))  # the day has ended: a report counts days that have
    return made


def test_a_charge_nurse_sees_the_day_beside_the_three_before_it(
    care: Care, patient, helen: Account, alarms_day, database: Database
):
    report = care.quality_report(helen.id, DAY, DAY)
    assert [p.first_day for p in report.periods] == [DAY - timedelta(days=n) for n in (3, 2, 1, 0)]
    assert report.sessions == 2 and report.figure("alarms").numerator == 3
    alarms = next(c for c in report.comparisons if c.key == "alarms")
    assert [cell.numerator if cell else None for cell in alarms.cells] == [0, 0, 0, 3]
    assert [cell.denominator if cell else None for cell in alarms.cells] == [0, 0, 0, 2]

    never = next(listing for listing in report.listings if listing.title == NEVER_TITLE)
    assert never.columns[0] == "Patient" and never.rows[0][0] == "Doe, Jane (MRN-2002)"
    assert set(report.patients_named) == {patient.id, alarms_day["jane_id"]}  # the slowest, and never answered
    lines = [line for line in entries(database, limit=50) if line.action == AuditAction.QUALITY_VIEWED]
    whose = sorted(line.patient_id or "" for line in lines)
    assert whose == sorted(["", *report.patients_named])  # the period's line, and one per patient named
    assert all(line.actor_id == helen.id for line in lines)
    assert lines[0].detail["figures_sha256"] == report.content_hash


def test_the_csv_holds_every_period_the_replay_and_the_listings(care: Care, helen: Account, alarms_day):
    report = care.quality_report(helen.id, DAY, DAY)
    rows = list(csv.reader(io.StringIO(report.csv.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_HEAD
    alarm_rows = [row for row in rows[1:] if row[2] == "Act-now alarms"]
    assert (alarm_rows[-1][0], alarm_rows[-1][4], alarm_rows[-1][5]) == (f"{DAY} to {DAY}", "3", "2")
    assert len(alarm_rows) == 4  # the day and the three before it
    replayed = [row for row in rows if row[1] == REPLAY and row[2].startswith("Systolic")]
    assert replayed and all(row[5] == str(report.replay.sets) for row in replayed)
    assert any("Doe, Jane (MRN-2002)" in row[12] for row in rows if row[1] == "Outliers")


def test_the_clinic_may_have_patients_named_by_record_number_alone(
    care: Care, helen: Account, alarms_day, database: Database
):
    change_clinic_setting(database, "quality_outliers_as", "record_numbers", None, "meetings", T0, workstation="ws")
    report = care.quality_report(helen.id, DAY, DAY)
    never = next(listing for listing in report.listings if listing.title == NEVER_TITLE)
    assert report.shown is PatientShown.RECORD_NUMBERS and never.rows[0][0] == "MRN-2002"
    assert not any("Jane" in row[0] for listing in report.listings for row in listing.rows)


def test_an_administrator_sees_no_patient(care: Care, admin: Account, alarms_day, database: Database):
    report = care.quality_report(admin.id, DAY, DAY)
    never = next(listing for listing in report.listings if listing.title == NEVER_TITLE)
    assert report.shown is PatientShown.NONE and "Patient" not in never.columns
    assert report.patients_named == ()
    text = report.csv.decode("utf-8-sig")
    assert "Jane" not in text and "MRN-2002" not in text
    lines = [line for line in entries(database, limit=50) if line.action == AuditAction.QUALITY_VIEWED]
    assert [line.patient_id for line in lines] == [None]


def test_a_nurse_may_not_and_a_day_not_over_is_refused(care: Care, nurses, helen: Account, clock: ManualClock):
    with pytest.raises(NotPermitted, match="quality report"):
        care.quality_report(nurses[0].id, DAY - timedelta(days=1), DAY - timedelta(days=1))
    today = clock.now().astimezone().date()
    with pytest.raises(InputError) as refused:
        care.quality_report(helen.id, today, today)
    assert refused.value.field == "last_day" and "a report counts days that have ended" in refused.value.message


def test_the_pdf_reads_back_with_its_definitions_replay_and_named_outliers(care: Care, helen: Account, alarms_day):
    report = care.quality_report(helen.id, DAY, DAY)
    printout = quality_printout(report, "Test clinic", "A4", "2026-11-27 09:00", "Helen Achterberg")
    words = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(printout.pdf)).pages).split())
    assert f"Clinic quality report — {DAY} to {DAY}" in words
    assert "Every number states its denominator" in words and "Act-now alarms" in words
    assert "Threshold replay" in words and "in force" in words
    assert "Doe, Jane (MRN-2002)" in words and report.content_hash[:16] in words.replace("\n", "")
    assert {output.patient_id for output in printout.outputs} == {None, *report.patients_named}


@pytest.mark.sqlite_only
def test_the_command_writes_the_pdf_and_the_csv_and_audits_each(
    care: Care, alarms_day, clock: ManualClock, db_path: Path, tmp_path: Path, capsys
):
    pdf, sheet = tmp_path / "q.pdf", tmp_path / "q.csv"
    span = ("--from", DAY.isoformat(), "--to", DAY.isoformat())
    files = ("--out", str(pdf), "--csv", str(sheet))
    assert cli("--database", sqlite_url(db_path), "report", "quality", *span, *files, clock=clock) == 0
    said = capsys.readouterr().out
    assert f"written to {pdf}" in said and f"written to {sheet}" in said
    words = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert "(computer account)" in words and "Doe, Jane (MRN-2002)" in words
    assert oct(pdf.stat().st_mode & 0o777) == "0o600" and oct(sheet.stat().st_mode & 0o777) == "0o600"
    exported = [e for e in entries(care.db, limit=100) if e.action == AuditAction.EXPORTED]
    assert {e.detail["to"] for e in exported} == {str(pdf.resolve()), str(sheet.resolve())}
    assert {e.patient_id for e in exported} >= {alarms_day["jane_id"]}  # each patient named: a line on her trail


@pytest.mark.sqlite_only
def test_the_command_says_what_is_wrong(database, db_path: Path, tmp_path: Path, capsys):
    out = tmp_path / "x.pdf"
    span = ("--from", "2026-12-01", "--to", "2099-01-01")
    assert cli("--database", sqlite_url(db_path), "report", "quality", *span, "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert "still to come" in err and "Traceback" not in err and not out.exists()
