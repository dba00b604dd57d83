"""The audit trail read by people: the report's lines and the ``audit`` commands.

Local times matter here (a "date" is a local calendar day), so these tests run in a fixed time zone
a few hours from UTC, where a local day and a UTC day differ.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from cli.commands import main
from core import audit
from core.accounts import Accounts
from core.audit import AuditAction
from core.audit_report import COMMAND_LINE_KEY, day_bounds, read_trail
from core.care import Care
from core.clock import ManualClock
from core.errors import InputError, NotAllowedError
from core.people import Account, Role
from core.persistence.db import Database, sqlite_url
from core.views import PatientView
from tests.helpers.people import TEMPORARY_PASSWORD

ZONE = "America/New_York"  # T0 (13:00 UTC, 26 November) is 08:00 there


@pytest.fixture(autouse=True)
def local_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", ZONE)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def never_open(url: str | None) -> int:
    raise AssertionError("the audit commands must not open windows")


@pytest.fixture
def run(db_path: Path, database: Database, clock: ManualClock):
    """Runs ``main.py --database <the test database> audit ...`` on the test's clock."""

    def command(*argv: str) -> int:
        return main(never_open, ["--database", sqlite_url(db_path), "audit", *argv], clock)

    return command


@pytest.fixture
def charge_nurse(accounts: Accounts, admin: Account) -> Account:
    return accounts.add(admin.id, "Cleo Dumas", "cleo", Role.CHARGE_NURSE, TEMPORARY_PASSWORD)


def last_entry(database: Database) -> audit.AuditRecord:
    return audit.entries(database, limit=1)[0]


# ---- lines people read ----------------------------------------------------------------------------


def test_a_local_day_is_bounded_at_local_midnight_even_across_a_clock_change() -> None:
    start, end = day_bounds(date(2026, 11, 1))  # daylight saving ends in New York: a 25-hour day
    assert start == datetime.fromisoformat("2026-11-01T04:00:00+00:00")
    assert end - start == timedelta(hours=25)
    assert day_bounds(date(2026, 11, 26), ZoneInfo("Europe/Paris"))[0].isoformat() == "2026-11-25T23:00:00+00:00"


def test_lines_name_the_person_the_patient_and_the_action_in_local_time(
    database: Database,
    clock: ManualClock,
    care: Care,
    admin: Account,
    nurses: tuple[Account, Account],
    patient: PatientView,
) -> None:
    ana = nurses[0]
    care.record_view(ana.id, patient.id)
    lines = read_trail(database, clock, "test-ws", admin)
    newest = lines[0]
    assert newest.who == "Ana Reyes (ana)"
    assert newest.action == "Opened a patient's record"
    assert newest.patient == "LINDQVIST, Maja (MRN-1001)"
    assert newest.when == "2026-11-26 08:00:00"
    assert newest.workstation == "test-ws"
    added = next(line for line in lines if line.action == "Added an account" and "Ben Okafor" in line.detail)
    assert added.who == "Ada Mensah (admin)"
    assert added.detail == "account id: Ben Okafor (ben); role: nurse"


def test_a_failed_sign_in_under_an_unknown_user_name_names_nobody(
    database: Database, clock: ManualClock, accounts: Accounts, admin: Account
) -> None:
    with pytest.raises(NotAllowedError):
        accounts.sign_in("nobody", "whatever it was")
    refused = read_trail(database, clock, "test-ws", admin)[0]
    assert (refused.who, refused.action) == ("unknown user name", "Sign-in refused")
    assert "whatever" not in refused.detail


def test_only_charge_nurses_and_administrators_may_read_the_trail(
    database: Database, clock: ManualClock, admin: Account, nurses: tuple[Account, Account], charge_nurse: Account
) -> None:
    before = audit.verify(database).entries
    with pytest.raises(NotAllowedError, match="charge nurses and administrators"):
        read_trail(database, clock, "test-ws", nurses[0])
    assert audit.verify(database).entries == before
    assert read_trail(database, clock, "test-ws", charge_nurse)
    assert read_trail(database, clock, "test-ws", admin)


def test_a_reader_deactivated_since_signing_in_is_refused(
    database: Database, clock: ManualClock, accounts: Accounts, admin: Account, charge_nurse: Account
) -> None:
    accounts.deactivate(admin.id, charge_nurse.id, "left the clinic")
    with pytest.raises(NotAllowedError):
        read_trail(database, clock, "test-ws", charge_nurse)


def test_reading_the_trail_is_itself_recorded_with_its_filters(
    database: Database, clock: ManualClock, admin: Account, nurses: tuple[Account, Account], patient: PatientView
) -> None:
    read_trail(database, clock, "test-ws", admin, mrn=" MRN-1001 ", username="ANA", day="2026-11-26")
    viewed = last_entry(database)
    assert viewed.action == AuditAction.AUDIT_VIEWED
    assert (viewed.actor_id, viewed.patient_id, viewed.workstation) == (admin.id, patient.id, "test-ws")
    # Ana registered Maja and recorded her course order.
    assert viewed.detail == {"mrn": "MRN-1001", "username": "ana", "date": "2026-11-26", "lines_shown": 2}
    assert audit.verify(database).ok


def test_filters_combine_and_the_newest_come_first(
    database: Database,
    clock: ManualClock,
    care: Care,
    admin: Account,
    nurses: tuple[Account, Account],
    patient: PatientView,
) -> None:
    ana, ben = nurses
    clock.advance(timedelta(hours=12))  # 01:00 UTC on the 27th, still the 26th in New York
    care.record_view(ben.id, patient.id)
    clock.advance(timedelta(hours=6))  # the 27th locally
    care.record_view(ana.id, patient.id)
    on_patient = read_trail(database, clock, "test-ws", admin, mrn="MRN-1001")
    assert [line.who for line in on_patient] == ["Ana Reyes (ana)", "Ben Okafor (ben)", *["Ana Reyes (ana)"] * 2]
    assert [line.action for line in on_patient][-2:] == ["Recorded a course order", "Registered a patient"]
    on_the_26th = read_trail(database, clock, "test-ws", admin, mrn="MRN-1001", day="2026-11-26")
    assert [line.who for line in on_the_26th] == ["Ben Okafor (ben)", *["Ana Reyes (ana)"] * 2]
    by_ben = read_trail(database, clock, "test-ws", admin, username="ben")
    assert {line.who for line in by_ben} == {"Ben Okafor (ben)"}
    assert len(read_trail(database, clock, "test-ws", admin, limit=2)) == 2


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"mrn": "MRN-404"}, "mrn"),
        ({"username": "zed"}, "username"),
        ({"day": "26/11/2026"}, "date"),
        ({"day": "2026-02-30"}, "date"),
        ({"day": "20261126"}, "date"),
    ],
)
def test_an_unknown_patient_or_person_or_a_malformed_date_is_said_and_nothing_is_recorded(
    database: Database, clock: ManualClock, admin: Account, filters: dict[str, str], field: str
) -> None:
    before = audit.verify(database).entries
    with pytest.raises(InputError) as refused:
        read_trail(database, clock, "test-ws", admin, **filters)
    assert refused.value.field == field
    assert audit.verify(database).entries == before


# ---- the commands ---------------------------------------------------------------------------------


def test_verify_prints_the_count_and_ok(run, admin: Account, nurses: tuple[Account, Account], capsys) -> None:
    assert run("verify") == 0
    ok, last = capsys.readouterr().out.strip().splitlines()
    assert ok == "Audit trail: 5 entries. OK"
    assert last.startswith("Last entry 5, hash ") and len(last.split("hash ")[1].split()[0]) == 64


def test_verify_names_the_first_broken_entry_and_fails(
    run, database: Database, admin: Account, nurses: tuple[Account, Account], capsys
) -> None:
    with database.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_entry_no_update"))
        conn.execute(text("UPDATE audit_entry SET workstation = 'elsewhere' WHERE seq = 4"))
    assert run("verify") == 1
    assert capsys.readouterr().out.strip() == (
        "Audit trail: 4 entries read. BROKEN at entry 4: entry 4 was changed after it was written."
    )


def test_show_lists_entries_newest_first_and_records_the_reading(
    run, database: Database, admin: Account, nurses: tuple[Account, Account], patient: PatientView, capsys
) -> None:
    assert run("show", "--patient", "MRN-1001") == 0
    ordered, registered, count = capsys.readouterr().out.splitlines()
    assert ordered.startswith("2026-11-26 08:00:00  #7  test-ws  Ana Reyes (ana): Recorded a course order — patient")
    assert registered == (
        "2026-11-26 08:00:00  #6  test-ws  Ana Reyes (ana): Registered a patient — patient LINDQVIST, Maja (MRN-1001)"
    )
    assert count == "2 entries, newest first."
    viewed = last_entry(database)
    assert viewed.action == AuditAction.AUDIT_VIEWED and viewed.actor_id is None
    assert viewed.detail[COMMAND_LINE_KEY] and viewed.detail["mrn"] == "MRN-1001"
    assert run("show", "--user", "admin", "--date", "2026-11-26", "--limit", "2") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("2026-11-26 08:00:00  #")
    assert all("Ada Mensah (admin)" in line for line in out[:2])
    assert out[-1] == "Only the newest 2 entries are shown: narrow with --patient, --user or --date."


def test_show_names_the_command_line_reader_of_an_earlier_reading(run, admin: Account, capsys) -> None:
    assert run("show") == 0
    capsys.readouterr()
    assert run("show", "--limit", "1") == 0
    newest = capsys.readouterr().out.splitlines()[0]
    assert "  command line (" in newest and ": Read the audit trail — " in newest
    assert newest.endswith("lines shown: 1")


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (("--patient", "MRN-404"), "No patient has the MRN “MRN-404”."),
        (("--user", "zed"), "No account has the user name “zed”."),
        (("--date", "yesterday"), "“yesterday” is not a date."),
    ],
)
def test_show_refuses_unknown_filters_with_exit_status_2(
    run, database: Database, admin: Account, capsys, argv: tuple[str, ...], said: str
) -> None:
    assert run("show", *argv) == 2
    assert said in capsys.readouterr().err
    assert last_entry(database).action != AuditAction.AUDIT_VIEWED
