"""The charge nurse's day log: five sessions on two chairs from two workstations, read back as the log,
its filters, its exceptions in order, its totals, the CSV, and the ``report day`` command."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import UTC, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from core import audit, records
from core.accounts import Accounts
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.day_log import (
    CSV_COLUMNS,
    DayLog,
    DayLogFilters,
    ExceptionKind,
    Status,
    csv_bytes,
    day_log,
    export_csv,
    view_day_log,
)
from core.errors import InputError, NotAllowedError
from core.event_words import event_lines
from core.events import Event
from core.events import EventType as E
from core.identify import Identified
from core.machine import Outcome, Step
from core.people import Account, Role
from core.persistence.db import Database, sqlite_url
from core.persistence.tables import InfusionSession
from core.protocol import Protocol, VitalKind
from core.settings import change_clinic_setting
from core.views import PatientView
from tests.helpers.answers import DISCHARGE_OK, NO_SIDE_EFFECTS, NORMAL, SCREEN_OK, no_symptoms
from tests.helpers.clinic import PRESCRIBER, T0
from tests.helpers.people import ANA_PASSWORD, BEN_PASSWORD, TEMPORARY_PASSWORD, add_nurse
from tests.helpers.sessions import prepare, pump_as_ordered, seen
from tests.test_cli import run as cli

CLEO_PASSWORD = "marble falcon ginger 27"
HELEN_PASSWORD = "cobalt meadow lantern 64"
DAY = T0.date()


@dataclass
class Day:
    """The sessions of the test day, by what happened in them."""

    signed: str
    not_treated: str
    unchecked: str
    stopped: str
    over_limit: str
    ana: Account
    ben: Account
    cleo: Account
    helen: Account


def patient_with_course(care: Care, mrn: str, family: str, given: str, by: str) -> PatientView:
    made = care.register_patient(mrn, family, given, "1970-05-05", by=by)
    care.record_course(made.id, PRESCRIBER, DAY.isoformat(), "5", by=by)
    return made


def by_the_book(care: Care, patient: PatientView, nurses: tuple[Account, Account], clock: ManualClock) -> str:
    """Every set of vital signs and side-effect check on time, discharged and signed: no exception."""
    first = nurses[0].id
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first)
    for minute in (10, 20, 30):
        clock.advance(minutes=10)
        care.record_vitals(sid, NORMAL, first)
        if minute == 20:
            care.record_side_effects(sid, NO_SIDE_EFFECTS, first)
    clock.advance(minutes=10)
    care.complete(sid, first)
    care.record_vitals(sid, NORMAL, first)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first)
    for _ in range(2):
        clock.advance(minutes=15)
        care.record_vitals(sid, NORMAL, first)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first)
    care.discharge(sid, "10", DISCHARGE_OK, first, ANA_PASSWORD)
    care.sign(sid, first, ANA_PASSWORD, seen_seq=seen(care, sid))
    return sid


def entered_late(database: Database, sid: str, by: str, at_minutes_ago: int, clock: ManualClock) -> None:
    """A set of vital signs saved now about a moment long past, as a back-entry from the downtime paper is:
    the entry and its projection in one transaction, the way ``Care`` writes."""
    now = clock.now()
    with database.transaction() as tx:
        row = tx.get(InfusionSession, sid)
        assert row is not None
        event = Event(
            id=str(uuid.uuid4()),
            session_id=sid,
            seq=row.last_seq + 1,
            type=E.VITALS,
            occurred_at=now - timedelta(minutes=at_minutes_ago),
            recorded_at=now,
            recorded_by=by,
            workstation="ws-2",
            payload={"point_id": None, "values": {k.value: v for k, v in NORMAL.items()}, "findings": []},
        )
        records.insert_event(tx, event)
        row.last_seq = event.seq
        tx.add(row)


@pytest.fixture
def day(
    care: Care, database: Database, protocol: Protocol, clock: ManualClock, accounts: Accounts, admin: Account, nurses
) -> Day:
    """Chair 1 on this workstation (test-ws), chair 2 on another (ws-2), one after another on each chair:

    chair 1: Maja by the book, signed; then Cato, a dose over the soft limit, infusing with vitals overdue.
    chair 2: Bo screened out, signed; Eve's drug drawn up before any check, then the session ended and
    signed; Dan stopped early, discharged, not signed, with a late entry.
    """
    ana, ben = nurses
    cleo = add_nurse(accounts, admin, "Cleo Dumas", "cleo", CLEO_PASSWORD)
    added = accounts.add(admin.id, "Helen Achterberg", "helen", Role.CHARGE_NURSE, TEMPORARY_PASSWORD)
    helen = accounts.change_password(added.id, TEMPORARY_PASSWORD, HELEN_PASSWORD, HELEN_PASSWORD)
    other = Care(database, protocol, clock, workstation="ws-2")

    maja = patient_with_course(care, "MRN-1001", "Lindqvist", "Maja", ana.id)
    signed = by_the_book(care, maja, (ana, ben), clock)  # 13:00–14:10

    clock.advance(minutes=1)
    bo = patient_with_course(other, "MRN-2002", "Berg", "Bo", cleo.id)
    not_treated = other.open_session(bo.id, 2, cleo.id, Identified(name=True, mrn=bo.mrn)).session_id
    other.screen(not_treated, {**SCREEN_OK, "pregnancy": "unknown"}, cleo.id, confirm_stop=True)
    other.sign(not_treated, cleo.id, CLEO_PASSWORD, seen_seq=seen(other, not_treated))

    eve = patient_with_course(other, "MRN-2003", "Ekström", "Eve", cleo.id)
    unchecked = other.open_session(eve.id, 2, cleo.id, Identified(name=True, mrn=eve.mrn)).session_id
    other.screen(unchecked, SCREEN_OK, cleo.id)
    other.record_weight(unchecked, "72.4", "kg", cleo.id)
    other.confirm_dose(unchecked, cleo.id, vial_id="ketamine-10")
    other.record_drawn(unchecked, "LOT-K2291", "3.62", cleo.id)
    other.abandon(unchecked, "patient felt unwell", cleo.id)
    other.record_waste(unchecked, "36.2", "drug waste container", cleo.id, CLEO_PASSWORD, "ben", BEN_PASSWORD)
    (vial,) = other.state(unchecked).controlled.vials
    other.return_to_stock(unchecked, vial.drawn.event_id, cleo.id)  # the rest of the multi-dose vial
    other.sign(unchecked, cleo.id, CLEO_PASSWORD, seen_seq=seen(other, unchecked))

    dan = patient_with_course(other, "MRN-2004", "Dahl", "Dan", cleo.id)
    stopped = prepare(other, dan, (cleo, ben), chair=2)
    other.start_infusion(stopped, cleo.id)
    clock.advance(minutes=10)
    other.record_vitals(stopped, NORMAL, cleo.id)
    clock.advance(minutes=5)
    other.stop_early(stopped, "side effect", cleo.id)
    other.record_vitals(stopped, NORMAL, cleo.id)
    other.record_side_effects(stopped, NO_SIDE_EFFECTS, cleo.id)
    for _ in range(2):
        clock.advance(minutes=15)
        other.record_vitals(stopped, NORMAL, cleo.id)
    other.record_side_effects(stopped, NO_SIDE_EFFECTS, cleo.id)
    other.discharge(stopped, "10", DISCHARGE_OK, cleo.id, CLEO_PASSWORD)
    entered_late(database, stopped, cleo.id, 40, clock)

    cato = patient_with_course(care, "MRN-1005", "Cato", "Carl", ana.id)
    over_limit = care.open_session(cato.id, 1, ana.id, Identified(name=True, mrn=cato.mrn)).session_id
    care.screen(over_limit, SCREEN_OK, ana.id)
    care.record_weight(over_limit, "130", "kg", ana.id)
    care.confirm_dose(over_limit, ana.id, vial_id="ketamine-10", override_reason="Dr Patel: full dose")
    care.record_vitals(over_limit, NORMAL, ana.id)
    dose = care.state(over_limit).dose
    assert dose is not None and dose.soft_limit_exceeded
    care.record_check(over_limit, "ben", BEN_PASSWORD, "130", str(dose.dose_mg), str(dose.rate_ml_per_h))
    care.record_drawn(over_limit, "LOT-K2291", str(dose.drug_volume_ml), ana.id)
    pump_as_ordered(care, over_limit, ana.id)
    care.start_infusion(over_limit, ana.id)
    clock.advance(minutes=17)  # the 10-minute set was due at 10 and overdue from 15
    return Day(signed, not_treated, unchecked, stopped, over_limit, ana, ben, cleo, helen)


def read(database: Database, protocol: Protocol, clock: ManualClock, **filters) -> DayLog:
    return day_log(database, protocol, DAY, clock.now(), DayLogFilters(**filters), UTC)


def test_every_session_of_the_day_on_every_chair_and_workstation_in_the_order_opened(database, protocol, clock, day):
    log = read(database, protocol, clock)
    ids = [e.session_id for e in log.entries]
    assert ids == [day.signed, day.not_treated, day.unchecked, day.stopped, day.over_limit]
    by_id = {e.session_id: e for e in log.entries}
    maja = by_id[day.signed]
    assert (maja.chair, maja.patient, maja.mrn, maja.time) == (1, "LINDQVIST, Maja", "MRN-1001", "13:00")
    assert (maja.dose_mg, maja.dosed_by, maja.checked_by) == (Decimal("36.2"), "Ana Reyes", "Ben Okafor")
    assert (maja.step, maja.outcome, maja.status) == (Step.DONE, Outcome.COMPLETED, "Signed · completed")
    assert maja.flags == () and maja.overrides == () and maja.workstations == ("test-ws",)
    dan = by_id[day.stopped]
    assert dan.workstations == ("ws-2",) and dan.status == "To sign · stopped early"
    assert dan.stopped_early == "side effect (after 15.0 min, about 13.6 mg given)"
    assert dan.dose_words(" mg") == f"{dan.dose_mg} mg (13.6 mg given)"  # never read as the whole dose given
    assert maja.dose_words(" mg") == "36.2 mg"  # given in full: the dose alone
    assert (dan.dosed_by, dan.checked_by) == ("Cleo Dumas", "Ben Okafor")
    cato = by_id[day.over_limit]
    assert cato.overrides == ("Dose over the soft limit: Dr Patel: full dose",)
    assert cato.open and cato.status == "Infusing"
    assert log.chairs == (1, 2)
    assert [name for _id, name in log.nurses] == ["Ana Reyes", "Ben Okafor", "Cleo Dumas"]


def test_exceptions_come_in_the_order_they_are_dealt_with(database, protocol, clock, day):
    log = read(database, protocol, clock)
    found = [(line.kind, line.entry.session_id) for line in log.exceptions]
    assert found == [
        (ExceptionKind.UNSIGNED, day.stopped),
        (ExceptionKind.MISSING_CHECK, day.unchecked),
        (ExceptionKind.OVERDUE_VITALS, day.over_limit),
        (ExceptionKind.SOFT_LIMIT, day.over_limit),
        (ExceptionKind.STOPPED_EARLY, day.stopped),
        (ExceptionKind.NOT_TREATED, day.unchecked),
        (ExceptionKind.SCREENING_STOP, day.not_treated),
        (ExceptionKind.LATE_ENTRY, day.stopped),
    ]
    words = {line.kind: line.text for line in log.exceptions}
    assert words[ExceptionKind.SCREENING_STOP].startswith("Not treated: ")
    assert words[ExceptionKind.MISSING_CHECK] == "36.2 mg drawn up for a dose no second nurse checked."
    assert words[ExceptionKind.OVERDUE_VITALS].startswith("10 min into infusion: overdue, due ")
    assert words[ExceptionKind.SOFT_LIMIT] == "65.0 mg, over 60 mg: Dr Patel: full dose"
    assert words[ExceptionKind.LATE_ENTRY].endswith("entered 40 min later")


def test_a_late_entry_follows_the_clinic_setting(database, protocol, clock, day):
    change_clinic_setting(database, "late_entry_minutes", 45, None, "paper entered at the end", T0, workstation="t")
    assert ExceptionKind.LATE_ENTRY not in {line.kind for line in read(database, protocol, clock).exceptions}


def test_the_next_day_a_session_still_open_is_unsigned_too(database, protocol, clock, day):
    log = day_log(database, protocol, DAY, clock.now() + timedelta(days=1), None, UTC)
    unsigned = [line for line in log.exceptions if line.kind is ExceptionKind.UNSIGNED]
    assert [line.entry.session_id for line in unsigned] == [day.stopped, day.over_limit]
    assert unsigned[1].text == "Still open (infusing) after the day ended."


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"chair": 2}, ["not_treated", "unchecked", "stopped"]),
        ({"nurse": "cleo"}, ["not_treated", "unchecked", "stopped"]),
        ({"nurse": "ana"}, ["signed", "over_limit"]),
        ({"nurse": "ben"}, ["signed", "unchecked", "stopped", "over_limit"]),  # checks, and witnessed Eve's waste
        ({"status": Status.OPEN}, ["over_limit"]),
        ({"status": Status.TO_SIGN}, ["stopped"]),
        ({"status": Status.SIGNED}, ["signed", "not_treated", "unchecked"]),
        ({"status": Status.NOT_TREATED}, ["not_treated", "unchecked"]),
        ({"chair": 1, "status": Status.COMPLETED}, ["signed"]),
        ({"chair": 3}, []),
    ],
)
def test_filters_by_chair_nurse_and_status(database, protocol, clock, day, filters, expected):
    if "nurse" in filters:
        filters["nurse_id"] = getattr(day, filters.pop("nurse")).id
    log = read(database, protocol, clock, **filters)
    assert [e.session_id for e in log.entries] == [getattr(day, name) for name in expected]
    assert {line.entry.session_id for line in log.exceptions} <= {e.session_id for e in log.entries}
    assert log.chairs == (1, 2)  # the choices stay whatever is shown


def test_totals_count_outcomes_and_the_controlled_substance(database, protocol, clock, day):
    log = read(database, protocol, clock)
    dan = next(e for e in log.entries if e.session_id == day.stopped)
    totals = log.totals
    assert (totals.sessions, totals.completed, totals.stopped_early, totals.not_treated) == (5, 1, 1, 2)
    assert (totals.in_progress, totals.signed) == (1, 3)
    assert totals.drawn_mg == Decimal("36.2") * 3 + Decimal("65.0")
    assert totals.given_mg == Decimal("36.2") + dan.given_mg  # Cato's infusion has not ended
    assert totals.wasted_mg == Decimal("36.2")  # drug drawn up and not given; the vials' rests apart:
    assert (totals.returned_mg, totals.vial_wasted_mg, totals.vial_left_mg) == (
        Decimal("163.8") * 3 + Decimal("135.0"),
        0,
        0,
    )
    chair_two = read(database, protocol, clock, chair=2).totals
    assert (chair_two.sessions, chair_two.drawn_mg, chair_two.completed) == (3, Decimal("72.4"), 0)


def test_only_a_charge_nurse_reads_it_and_each_reading_is_audited(database, protocol, clock, day):
    log = view_day_log(database, protocol, clock, "ws-3", day.helen, DAY.isoformat(), DayLogFilters(chair=2), UTC)
    assert len(log.entries) == 3
    (line,) = [e for e in audit.entries(database) if e.action == AuditAction.DAY_LOG_VIEWED]
    assert (line.actor_id, line.workstation) == (day.helen.id, "ws-3")
    assert line.detail == {"date": DAY.isoformat(), "chair": 2, "sessions_shown": 3}
    with pytest.raises(NotAllowedError, match="Only charge nurses"):
        view_day_log(database, protocol, clock, "ws-3", day.ana, DAY.isoformat())
    with pytest.raises(InputError) as typed:
        view_day_log(database, protocol, clock, "ws-3", day.helen, "26/11/2026")
    assert typed.value.field == "date"
    assert len([e for e in audit.entries(database) if e.action == AuditAction.DAY_LOG_VIEWED]) == 1


def test_the_csv_has_a_header_and_one_row_per_session(database, protocol, clock, day, tmp_path: Path):
    log = read(database, protocol, clock)
    rows = list(csv.DictReader(io.StringIO(csv_bytes(log).decode("utf-8-sig"))))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [row["Session"] for row in rows] == [e.session_id for e in log.entries]
    dan = rows[3]
    assert (dan["Patient"], dan["MRN"], dan["Chair"], dan["Workstations"]) == ("DAHL, Dan", "MRN-2004", "2", "ws-2")
    assert dan["Stopped early"].startswith("side effect")
    assert "Unsigned: " in dan["Exceptions"] and "Late entry: " in dan["Exceptions"]
    assert rows[4]["Overrides"] == "Dose over the soft limit: Dr Patel: full dose"
    assert rows[4]["Given mg"] == "" and rows[4]["Dose mg"] == "65.0"

    written = export_csv(database, clock.now(), "ws-3", log, tmp_path / "day.csv", actor_id=day.helen.id)
    assert written.read_bytes() == csv_bytes(log)
    (line,) = [e for e in audit.entries(database) if e.action == AuditAction.EXPORTED]
    assert line.actor_id == day.helen.id
    assert line.detail == {"what": f"day log {DAY.isoformat()} (all sessions), CSV", "to": str(written)}


def test_a_name_that_looks_like_a_formula_stays_text_in_the_csv(care, database, protocol, clock, nurses):
    made = care.register_patient("MRN-9", '=HYPERLINK("x")', "+Eve", "1970-01-01", by=nurses[0].id)
    care.record_course(made.id, PRESCRIBER, DAY.isoformat(), "5", by=nurses[0].id)
    care.open_session(made.id, 1, nurses[0].id, Identified(name=True, mrn=made.mrn))
    (row,) = list(csv.DictReader(io.StringIO(csv_bytes(read(database, protocol, clock)).decode("utf-8-sig"))))
    assert row["Patient"] == '\'=HYPERLINK("X"), +Eve'


def test_a_finished_session_reads_as_lines_with_who_and_where(database, protocol, clock, day, care):
    names = {p.id: p.name for p in (day.ana, day.ben, day.cleo)}
    lines = event_lines(protocol, care.state(day.stopped).events, names.__getitem__, timedelta(minutes=15), UTC)
    assert lines[0].endswith(
        "Patient seated: chair 2, identified by name and date of birth, course day 1 of 5 — "
        "Cleo Dumas, at workstation ws-2"
    )
    assert any("Second-nurse check: by Ben Okafor, agreed (weight " in line for line in lines)
    assert any("Infusion stopped early: side effect (after 15.0 min, about 13.6 mg given)" in line for line in lines)
    vitals = next(line for line in lines if "Vital signs: " in line)
    assert "Systolic blood pressure 124 mmHg; " in vitals and "Sedation (RASS) 0 — " in vitals
    assert "Flagged" not in vitals  # readings inside every limit are not flagged
    assert "[entered late, " in lines[-1]


def test_the_command_writes_the_pdf_and_the_csv_and_audits_each(database, db_path, clock, day, tmp_path, capsys):
    pdf, sheet = tmp_path / "day.pdf", tmp_path / "day.csv"
    local_day = T0.astimezone().date().isoformat()
    url = sqlite_url(db_path)
    both = ("--out", str(pdf), "--csv", str(sheet))
    assert cli("--database", url, "report", "day", "--date", local_day, *both, clock=clock) == 0
    assert f"written to {pdf}" in capsys.readouterr().out
    words = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    for name in ("LINDQVIST, Maja", "BERG, Bo", "EKSTRÖM, Eve", "DAHL, Dan", "CATO, Carl", "(computer account)"):
        assert name in words
    assert len(list(csv.reader(io.StringIO(sheet.read_text("utf-8-sig"))))) == 6
    exported = [e for e in audit.entries(database) if e.action == AuditAction.EXPORTED]
    assert sorted(e.detail["to"] for e in exported) == sorted([str(pdf.resolve()), str(sheet.resolve())])
    assert all("os_account" in e.detail for e in exported)


def test_the_command_needs_somewhere_to_write_and_a_real_date(db_path, tmp_path, capsys, database):
    url = sqlite_url(db_path)
    assert cli("--database", url, "report", "day", "--date", "2026-11-26") == 2
    assert "--out FILE.pdf" in capsys.readouterr().err
    assert cli("--database", url, "report", "day", "--date", "2026-13-01", "--out", str(tmp_path / "x.pdf")) == 2
    assert "is not a date" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_a_recheck_taken_long_after_it_was_due_is_flagged(care, database, protocol, clock, nurses):
    first = nurses[0].id
    patient = patient_with_course(care, "MRN-7007", "Rossi", "Lia", first)
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first)
    clock.advance(minutes=10)
    state, _ = care.record_vitals(sid, {**NORMAL, VitalKind.SYSTOLIC: "190", VitalKind.DIASTOLIC: "105"}, first)
    care.acknowledge_alert(sid, state.open_alerts[0].event_id, ["recheck"], no_symptoms(care), first)
    clock.advance(minutes=protocol.alert_response.recheck_minutes + 90)
    care.record_vitals(sid, NORMAL, first)  # the recheck, an hour and a half late
    words = {
        line.kind: line.text for line in read(database, protocol, clock).exceptions if line.entry.session_id == sid
    }
    assert (
        "Recheck" in words[ExceptionKind.OVERDUE_VITALS]
        and "90 min after it was due" in words[ExceptionKind.OVERDUE_VITALS]
    )


def test_an_alarms_acknowledgement_reads_with_the_actions_taken(care, protocol, clock, nurses):
    first = nurses[0]
    patient = patient_with_course(care, "MRN-7008", "Berg", "Ola", first.id)
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    state, _ = care.record_vitals(sid, {**NORMAL, VitalKind.SPO2: "86"}, first.id)
    care.acknowledge_alert(sid, state.open_alerts[0].event_id, ["pause", "notify"], no_symptoms(care), first.id)
    lines = event_lines(protocol, care.state(sid).events, lambda _id: first.name, timedelta(minutes=15), UTC)
    assert any("Alert acknowledged: Infusion paused; Prescriber notified" in line for line in lines)
