"""The quality report made whole, for whom it is made: the day of alarms of ``test_quality_alarms`` (three
act-now alarms in two sessions, Jane's never acknowledged), beside the three days before it; who may make it,
how its outlier listings name patients for each reader, the audit lines that say whom it disclosed, and its
CSV read back."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from core.accounts import Accounts
from core.audit import entries
from core.audit_terms import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.errors import InputError, NotPermitted
from core.people import Account, Role
from core.persistence.db import Database
from core.quality.alarms import NEVER_TITLE
from core.quality.report import CSV_HEAD, REPLAY, PatientShown
from core.settings import change_clinic_setting
from tests.helpers.clinic import T0
from tests.helpers.people import TEMPORARY_PASSWORD
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
