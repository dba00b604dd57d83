"""The made-up history: written in bulk, it must read back as care recorded by ``Care`` reads: a valid audit
chain and signatures, every session signed on replay, each in its course, forms scored from the tables."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from sqlmodel import col, select

from core import audit
from core import event_data as d
from core.audit import AuditAction
from core.care import Care
from core.content_hashes import event_content, summary_content
from core.event_data import CoursePlace
from core.events import EventType as E
from core.hashing import utc_moment
from core.history.build import HistorySummary, build_history
from core.history.plan import MRN_PREFIX, plan_history
from core.history.sessions import Copier, Seat, new_ids, patient_at_signing
from core.history.templates import KINDS, templates
from core.machine import Outcome, Step
from core.people import Account
from core.persistence.db import Database, open_database, sqlite_url
from core.persistence.tables import (
    AuditEntry,
    Course,
    InfusionSession,
    Patient,
    PatientEventRecord,
    ScheduledPointRecord,
    VitalSet,
)
from core.promis import shipped
from core.protocol import Protocol
from core.records import EVENT_COLUMNS, VITAL_COLUMNS, stored_json, vital_set_row
from core.records.sessions import to_event
from core.schedule_points import points_at_signing, replayed
from core.signatures import altered_since_signed, signed_content

pytestmark = pytest.mark.both_stores

START, END = date(2025, 1, 6), date(2026, 1, 5)
PATIENTS = 14


def build(database: Database, protocol: Protocol, nurses: tuple[Account, Account], seed: int = 3) -> HistorySummary:
    return build_history(
        database, protocol, nurses=[n.id for n in nurses], start=START, end=END, patients=PATIENTS, seed=seed
    )


@pytest.fixture
def history(database: Database, protocol: Protocol, nurses: tuple[Account, Account]) -> HistorySummary:
    return build(database, protocol, nurses)


def test_the_trail_and_every_signature_verify(history, database):
    check = audit.verify(database)
    assert check.ok, check.problem
    assert check.entries > history.audit_lines >= history.events + history.patient_events


def test_every_session_replays_to_a_signed_session_in_its_course(history, database, care: Care):
    with database.session() as tx:
        sessions = list(tx.exec(select(InfusionSession)))
        courses = {row.id: row for row in tx.exec(select(Course))}
    assert len(sessions) == history.sessions
    outcomes: Counter[str] = Counter()
    for row in sessions:
        state = care.state(row.id)
        assert state.step is Step.DONE and state.outcome is not Outcome.IN_PROGRESS
        assert row.outcome == state.outcome.value and not row.active
        assert not altered_since_signed(state.events)
        assert state.controlled.problem is None  # drawn, given, returned and wasted add up
        opened = state.events[0].payload
        assert opened["course"]["id"] == row.course_id and courses[row.course_id].patient_id == row.patient_id
        if state.dose is not None:
            half = (state.dose.weight_kg * state.dose.mg_per_kg).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            assert state.dose.mg_per_kg == Decimal("0.5") and state.dose.dose_mg == half
        outcomes[state.outcome.value] += 1
    assert outcomes == history.by_outcome
    assert outcomes[Outcome.COMPLETED.value] > outcomes[Outcome.STOPPED_EARLY.value] > 0


def test_each_set_of_vital_signs_has_its_row_as_one_recorded_in_the_app_has(history, database, care: Care):
    with database.session() as tx:
        kept = {row.id: row for row in tx.exec(select(VitalSet))}
        sessions = list(tx.exec(select(InfusionSession)))
    entries = [e for row in sessions for e in care.state(row.id).events if e.type is E.VITALS]
    assert len(kept) == len(entries) > 0
    began = {row.id: row.began_at for row in sessions}
    for entry in entries:
        row = kept[entry.id]
        started = began[entry.session_id]
        assert row.before_start is (started is None or entry.occurred_at < started)
        assert (row.session_id, row.seq, row.taken_at) == (entry.session_id, entry.seq, entry.occurred_at)
        assert row.systolic == float(entry.payload["values"]["systolic"])


def test_each_signed_sessions_points_are_those_its_signature_would_keep(history, database, care: Care):
    """The copier moves its template's points: the same rows as each copy's state at signing gives."""
    with database.session() as tx:
        kept = sorted(
            (r.session_id, r.schedule, r.point_id, r.due_at, r.taken_at, r.status, r.late_seconds)
            for r in tx.exec(select(ScheduledPointRecord))
        )
        sessions = [row.id for row in tx.exec(select(InfusionSession))]
    states = [(sid, care.state(sid)) for sid in sessions]
    expected = sorted((sid, *point) for sid, state in states for point in points_at_signing(care.protocol, state))
    assert kept == expected and len(kept) > len(sessions)
    lean = sorted((sid, *point) for sid, state in states for point in replayed(care.protocol, list(state.events)) or ())
    assert lean == expected  # the upgrade's and audit verify's fold, of the same entries
    assert {row[1] for row in kept} >= {"vitals", "side_effects"}


def test_counts_match_the_plan(history, database, protocol: Protocol):
    plan = plan_history(
        shipped(), tuple(protocol.outcomes.forms), start=START, end=END, patients=PATIENTS, seed=3, nurses=2
    )
    days = [day for person in plan for course in person.courses for day in course.days]
    kinds = Counter(day.kind for day in days)
    assert history.patients == len(plan) == PATIENTS
    assert history.courses == sum(len(person.courses) for person in plan)
    assert history.sessions == len(days) - kinds["missed"] - kinds["cancelled"] - kinds["absent"]
    assert (history.days_missed, history.days_cancelled) == (kinds["missed"], kinds["cancelled"])
    assert history.adverse_events == kinds["stopped_ae"]
    assert history.assessments == sum(len(c.sittings) for p in plan for c in p.courses)
    assert any(len(person.courses) > 1 for person in plan)  # repeat courses
    with database.session() as tx:
        mrns = [row.mrn for row in tx.exec(select(Patient))]
    assert len(mrns) == PATIENTS and all(mrn.startswith(MRN_PREFIX) for mrn in mrns)


def test_the_refusals_and_alarms_silenced_of_templates_are_in_each_copy_s_trail(history, database, protocol, care):
    """A ``completed_alarm`` day's alarm silenced for two minutes by its nurse, naming the copy's act-now set
    and written between it and the acknowledgement; a ``completed_caught`` day's own check refused."""
    plan = plan_history(
        shipped(), tuple(protocol.outcomes.forms), start=START, end=END, patients=PATIENTS, seed=3, nurses=2
    )
    kinds = Counter(day.kind for person in plan for course in person.courses for day in course.days)
    with database.session() as tx:
        lines = list(tx.exec(select(AuditEntry).order_by(col(AuditEntry.seq))))
    silenced = [line for line in lines if line.action == AuditAction.ALARM_SILENCED.value]
    refused = [line for line in lines if line.action == AuditAction.REFUSED.value]
    assert len(silenced) == kinds["completed_alarm"] > 0
    assert len(refused) == kinds["completed_caught"] > 0
    assert {line.detail["kind"] for line in refused} == {"same_nurse_checking"}
    for line in silenced:
        events = care.state(line.session_id).events
        (alarmed,) = [e for e in events if e.id == line.detail["need_key"]]
        (answered,) = [e for e in events if e.type is E.ALERT_ACKNOWLEDGED]
        assert alarmed.type is E.VITALS and alarmed.payload["values"]["systolic"] == "185"
        assert line.actor_id == alarmed.recorded_by and line.detail["minutes"] == 2
        assert alarmed.recorded_at < line.at < answered.recorded_at
        written = {w.detail["event_id"]: w.seq for w in lines if w.action == AuditAction.RECORD_WRITTEN.value}
        assert written[alarmed.id] < line.seq < written[answered.id]


def test_assessments_are_scored_from_the_tables_and_placed(history, database):
    tables = shipped()
    with database.session() as tx:
        rows = list(tx.exec(select(PatientEventRecord).where(PatientEventRecord.type == E.ASSESSED.value)))
    assert len(rows) == history.assessments
    points: Counter[str | None] = Counter()
    scored = unscorable = 0
    for row in rows:
        points[row.payload["time_point"]] += 1
        for form in row.payload["forms"]:
            result = tables.score(form["form_id"], form["answers"])
            if form["t_score"] is None:
                unscorable += 1
                assert form["answered"] < form["of"]
            else:
                scored += 1
                assert str(result.t_score) == form["t_score"]
    assert points["baseline"] > points["end"] > 0 and points["3m"] > 0
    assert scored > 20 * max(unscorable, 1) > 0


@pytest.mark.sqlite_only
def test_the_same_seed_writes_the_same_history(tmp_path: Path, protocol: Protocol, nurses, database):
    def written(path: Path) -> list[tuple[str, str, dict]]:
        other = open_database(sqlite_url(path), create=True)
        try:
            with database.session() as tx, other.transaction() as copy:  # the same nurses, by id
                from core.persistence.tables import Staff

                for staff in tx.exec(select(Staff)):
                    copy.add(Staff(**staff.model_dump()))
            build(other, protocol, nurses, seed=5)
            with other.session() as tx:
                from core.persistence.tables import SessionEvent

                query = select(SessionEvent).order_by(SessionEvent.recorded_at, SessionEvent.id)
                return [(e.id, e.type, to_event(e).payload) for e in tx.exec(query)]
        finally:
            other.dispose()

    assert written(tmp_path / "one.sqlite") == written(tmp_path / "two.sqlite")


@pytest.mark.parametrize(
    "previous", [None, (Decimal("70.0"), "an earlier session"), (Decimal("90.0"), "a heavier one")]
)
def test_each_copied_entry_is_written_as_its_kind_writes_a_new_one(protocol: Protocol, previous):
    """The copier builds some payloads from the template's own keys or from one kept for the same weight: each
    must still read as its kind and be written, key for key and in order, as a new one of that kind is."""
    draw = random.Random(7).getrandbits
    ids = new_ids(lambda: draw(128))
    copier = Copier(protocol, templates(protocol))
    for number, kind in enumerate(KINDS * 2):  # twice: the second copies take what the first kept
        seat = Seat(
            session_id=next(ids),
            patient_id=next(ids),
            patient=patient_at_signing("DEMO-H1", "Made", "Up", "1970-01-01"),
            course=CoursePlace(next(ids), 2, 5, (1,)),
            chair=3,
            nurse_id=next(ids),
            checker_id=next(ids),
            weight_kg=Decimal("72.4") + number % 2,
            previous=previous,
            opened_at=datetime(2025, 3, 3, 9, 0, tzinfo=UTC) + timedelta(days=number),
            workstation="history",
        )
        for event in copier.copy(kind, seat, lambda: next(ids)).events:
            new = replace(event.data, stored_keys=None)
            written = {k: v for k, v in event.payload.items() if k != "signatures"}  # added last, as Care adds them
            fresh = {k: v for k, v in new.to_payload().items() if k != "signatures"}
            assert stored_json(written) == stored_json(fresh), (kind, event.type)
            assert event.data == new


def first_day_seat(ids: Iterator[str], mrn: str, weight: Decimal, opened_at: datetime, chair: int) -> Seat:
    """A session on day 1 of a five-day course, of a patient never weighed before, with ids drawn from ``ids``."""
    return Seat(
        session_id=next(ids),
        patient_id=next(ids),
        patient=patient_at_signing(mrn, "Made", "Up", "1980-02-02"),
        course=CoursePlace(next(ids), 1, 5, ()),
        chair=chair,
        nurse_id=next(ids),
        checker_id=next(ids),
        weight_kg=weight,
        previous=None,
        opened_at=opened_at,
        workstation="history",
    )


def test_a_copy_keeps_the_slips_its_template_s_checks_caught(protocol: Protocol):
    """The second nurse's first check of a ``completed_caught`` session is 10 mg off the dose and its first pump
    reading ten times the rate: each copy, at its own weight, is as far off its own calculation, the check
    signed "did not agree", and then checked and read again as ordered."""
    draw = random.Random(17).getrandbits
    ids = new_ids(lambda: draw(128))
    seat = first_day_seat(ids, "DEMO-H5", Decimal("91.3"), datetime(2025, 7, 7, 8, 30, tzinfo=UTC), chair=4)
    events = Copier(protocol, templates(protocol)).copy("completed_caught", seat, lambda: next(ids)).events
    (dose,) = [e.data_as(d.DoseCalculated).calculation for e in events if e.type is E.DOSE_CALCULATED]
    assert dose.dose_mg == Decimal("45.7")  # 0.5 mg/kg of 91.3 kg
    first, second = [e.data_as(d.Checked) for e in events if e.type is E.CHECKED]
    assert (first.figures.dose_mg, first.mismatches) == (Decimal("55.7"), ("dose_mg",))
    assert first.signatures[0].meaning == "did not agree"
    assert (second.figures.dose_mg, second.mismatches) == (Decimal("45.7"), ())
    misread, read = [e.data_as(d.PumpProgrammed) for e in events if e.type is E.PUMP_PROGRAMMED]
    assert misread.read.rate_ml_per_h == 10 * misread.order.rate_ml_per_h
    assert misread.mismatches == ("rate_ml_per_h",) and read.mismatches == ()


def test_record_ids_are_version_4_uuids_as_uuid_writes_them():
    draw = random.Random(11).getrandbits
    drawn = random.Random(11).getrandbits
    for made, _ in zip(new_ids(lambda: draw(128)), range(2000), strict=False):
        assert made == str(uuid.UUID(int=drawn(128), version=4))


def test_each_entry_s_summary_hash_is_the_summary_row_as_it_stood_after_it(protocol: Protocol):
    """The audit line of each entry carries the hash of the session's summary row after it; only the last one
    is left in the row for ``audit verify`` to check, so the others are checked here."""
    draw = random.Random(5).getrandbits
    ids = new_ids(lambda: draw(128))
    kept = templates(protocol)
    for kind in KINDS:
        seat = first_day_seat(ids, "DEMO-H2", Decimal("64.0"), datetime(2025, 6, 2, 8, 30, tzinfo=UTC), chair=7)
        copied = Copier(protocol, kept).copy(kind, seat, lambda: next(ids))
        for event, (step, outcome, active), hashed in zip(
            copied.events, kept[kind].after, copied.summary_hashes, strict=True
        ):
            row = replace(copied.summary, step=step, outcome=outcome, active=active, last_seq=event.seq)
            assert hashed == summary_content(row), (kind, event.type)


def test_each_copied_entry_s_texts_and_hashes_are_those_of_the_entry_itself(protocol: Protocol):
    """The copier writes each entry's canonical text and its signatures' hashes out of parts it keeps for every
    copy: each must be the entry's own (``event_content``, ``signed_content``, the stored payload), for a
    seat in a zone of its own, on days that follow one another and with a weighing before."""
    draw = random.Random(9).getrandbits
    ids = new_ids(lambda: draw(128))
    copier = Copier(protocol, templates(protocol))
    zone = timezone(timedelta(hours=-5))
    for number, kind in enumerate(KINDS * 2):
        seat = Seat(
            session_id=next(ids),
            patient_id=next(ids),
            patient=patient_at_signing("DEMO-H3", 'Made "Up"', "Ünïcode", "1990-03-03"),
            course=CoursePlace(next(ids), 1 + number % 5, 5, ()),
            chair=2 + number,
            nurse_id=next(ids),
            checker_id=next(ids),
            weight_kg=Decimal("81.5") + number,
            previous=(Decimal("80.0"), "an earlier session") if number % 2 else None,
            opened_at=datetime(2025, 10, 26, 7, 59, 59, 999999, tzinfo=zone) + timedelta(days=number),
            workstation='history "ward" é',
        )
        copied = copier.copy(kind, seat, lambda: next(ids))
        for n, event in enumerate(copied.events):
            assert copied.content_hashes[n] == event_content(event), (kind, event.type)
            assert copied.payload_texts[n] == stored_json(event.payload), (kind, event.type)
            assert event.occurred_at.tzinfo is UTC and event.recorded_at.tzinfo is UTC
            for entry in event.payload.get("signatures", ()):
                assert entry["signed_hash"] == signed_content(event, copied.events[:n]), (kind, event.type)
                assert entry["signed_at"] == utc_moment(event.recorded_at)


def test_each_copied_entry_s_rows_are_those_written_for_the_entry_itself(protocol: Protocol):
    """The copier hands the bulk writer each entry as a row and each set of vitals' row beside it, made from
    parts worked out once per template entry: each must be the row of the entry itself (its columns in the
    table's order), the set's row the one care writes with that entry (the infusion begun before it or not),
    and what the history reads of the session (the weight, when the infusion began, adverse events) the
    entries' own."""
    draw = random.Random(13).getrandbits
    ids = new_ids(lambda: draw(128))
    copier = Copier(protocol, templates(protocol))
    sets = 0
    for number, kind in enumerate(KINDS * 2):
        seat = Seat(
            session_id=next(ids),
            patient_id=next(ids),
            patient=patient_at_signing("DEMO-H4", "Made", "Up", "1975-04-04"),
            course=CoursePlace(next(ids), 1 + number % 5, 5, ()),
            chair=1 + number,
            nurse_id=next(ids),
            checker_id=next(ids),
            weight_kg=Decimal("58.5") + number,
            previous=(Decimal("60.0"), "an earlier session") if number % 2 else None,
            opened_at=datetime(2025, 4, 7, 8, 15, tzinfo=timezone(timedelta(hours=2))) + timedelta(days=number),
            workstation="history",
        )
        copied = copier.copy(kind, seat, lambda: next(ids))
        events = copied.events
        assert (
            len(copied.rows) == len(copied.vital_rows) == len(events) == len(kept := templates(protocol)[kind].events)
        )
        began = False
        for event, row, vitals in zip(events, copied.rows, copied.vital_rows, strict=True):
            assert dict(zip(EVENT_COLUMNS, row, strict=True)) == {
                **{column: getattr(event, column) for column in EVENT_COLUMNS},
                "type": event.type.value,
                "payload": stored_json(event.payload),
            }
            if event.type is E.VITALS:
                assert dict(zip(VITAL_COLUMNS, vitals, strict=True)) == vital_set_row(event, began), kind
                sets += 1
            else:
                assert vitals is None
            began = began or event.type is E.STARTED
        weighed = [e.payload["kg"] for e in events if e.type is E.WEIGHED]
        started = [e.occurred_at for e in events if e.type is E.STARTED]
        assert copied.weighed_kg == (weighed[0] if weighed else None)
        assert copied.started_at == (started[0] if started else None)
        assert copied.adverse_events == sum(1 for e in events if e.type is E.ADVERSE_EVENT)
        assert [e.id for e in events] != [e.id for e in kept]
    assert sets


def test_the_outcome_report_is_the_same_however_its_patients_are_chunked(
    history, database, care: Care, monkeypatch: pytest.MonkeyPatch
):
    """The report reads its patients once and hands them to each query in chunks (the bound parameters a
    statement takes are few): each patient's courses, summed sessions and days not given must come whole
    whichever chunk holds them, so chunks of two count exactly what one chunk counts."""
    from core.outcomes.report import csv_bytes
    from core.records import outcomes as read

    whole = csv_bytes(care.outcome_report(START, END))
    monkeypatch.setattr(read, "CHUNK", 2)
    assert csv_bytes(care.outcome_report(START, END)) == whole
    assert b"courses" in whole
