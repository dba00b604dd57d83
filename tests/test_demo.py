"""The demo day: every step of care appears, recorded through the nurse's actions, quickly and repeatably."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Literal

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError
from sqlmodel import select

from cli.demo import (
    DEMO_HISTORY_DAYS,
    DEMO_HISTORY_PATIENTS,
    DEMO_NOW_AFTER,
    DEMO_PASSWORD,
    DemoSummary,
    _OnceEach,
    fill_demo,
)
from core import audit, passwords
from core.accounts import Accounts
from core.care import Care
from core.clock import ManualClock
from core.errors import NotAllowedError
from core.events import Event
from core.events import EventType as E
from core.machine import Outcome, Step
from core.persistence.db import Database, open_database, sqlite_url
from core.persistence.tables import Staff
from core.protocol import Protocol
from core.session_state import PointStatus, SessionState
from core.settings import clinic_settings

DAY_START = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory):
    """Filled once for the module (two years of history take a while): the tests only read it."""
    db = open_database(sqlite_url(tmp_path_factory.mktemp("demo") / "demo.sqlite"), create=True)
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def filled(demo_db: Database, protocol: Protocol) -> tuple[DemoSummary, list[SessionState], Care]:
    previous = passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))  # as the tests do
    try:
        summary = fill_demo(demo_db, protocol, DAY_START)
    finally:
        passwords.use_hasher(previous)
    care = Care(demo_db, protocol, ManualClock(summary.now), workstation="test-ws")
    rows = care.day_sessions(DAY_START, DAY_START + timedelta(days=1))
    return summary, [care.state(row.id) for row in rows], care


def events_of(states: list[SessionState], kind: E) -> list[Event]:
    return [event for state in states for event in state.events if event.type is kind]


def test_every_step_appears_and_every_session_has_its_events(filled):
    summary, states, care = filled
    assert summary.now == DAY_START + DEMO_NOW_AFTER
    assert {state.step for state in states} == set(Step)
    assert set(summary.by_step) == set(Step)
    assert sum(summary.by_step.values()) == summary.sessions == len(states)
    assert summary.events == sum(len(state.events) for state in states)
    for state in states:
        assert state.events[0].type is E.OPENED
        assert len(state.events) >= 1
        assert not state.clock_behind  # nothing was recorded after the demo's "now"
    assert len(care.chairs()) == sum(1 for state in states if state.step.active)


def test_the_day_holds_the_situations_a_nurse_meets(filled):
    _summary, states, _care = filled
    by_outcome = {outcome: [s for s in states if s.outcome is outcome] for outcome in Outcome}
    assert len([s for s in by_outcome[Outcome.COMPLETED] if s.step is Step.DONE]) >= 2

    stop = events_of(states, E.STOPPED_EARLY)
    assert len(stop) == 1
    assert stop[0].payload["reason"]

    screened_out = [s for s in states if s.screening_stop_reasons]
    assert len(screened_out) == 1
    assert "Unknown" in screened_out[0].screening_stop_reasons[0]
    assert screened_out[0].outcome is Outcome.NOT_TREATED
    assert len(events_of(states, E.ABANDONED)) == 1

    infusing = [s for s in states if s.step is Step.INFUSING]
    assert len(infusing) == 2
    assert infusing[0].infusion.remaining != infusing[1].infusion.remaining
    paused = [s for s in states if s.step is Step.PAUSED]
    assert len(paused) == 1
    assert paused[0].infusion.pause_reason


def test_alerts_side_effects_and_the_soft_limit_override_are_recorded(filled):
    _summary, states, _care = filled
    vitals = {event.id: event for event in events_of(states, E.VITALS)}
    tiers = {finding["tier"] for event in vitals.values() for finding in event.payload["findings"]}
    assert {"advise", "act"} <= tiers

    acknowledged = events_of(states, E.ALERT_ACKNOWLEDGED)
    assert acknowledged
    for ack in acknowledged:
        alert = vitals[ack.payload["alert_event_id"]]
        assert any(finding["tier"] == "act" for finding in alert.payload["findings"])
        assert ack.payload["actions"] and set(ack.payload["symptoms"].values()) <= {"yes", "no"}
    assert all(not state.open_alerts for state in states)
    (paused,) = [s for s in states if s.step is Step.PAUSED]
    assert paused.infusion.pause_reason.startswith("Act-now alert: SpO2 88")
    rechecks = [entry for entry in paused.vitals if entry.point.id.startswith("recheck-")]
    assert [entry.status for entry in rechecks] == [PointStatus.DONE]  # the set the acknowledgement asked for

    grades = [event.payload["grades"] for event in events_of(states, E.SIDE_EFFECTS)]
    assert any(g.get("dissociation") == "mild" for g in grades)
    assert any(g.get("nausea") == "mild" for g in grades)

    overridden = [s.dose for s in states if s.dose and s.dose.soft_limit_exceeded]
    assert len(overridden) == 1
    assert overridden[0].dose_mg > Decimal(60)
    assert overridden[0].override_reason


def test_made_up_people_only(filled, demo_db):
    _summary, states, care = filled
    patients = [care.patient(state.events[0].payload["patient_id"]) for state in states]
    assert all(p.mrn.startswith("DEMO-") for p in patients)
    assert any("-" in p.family_name and len(p.family_name) > 20 for p in patients)
    assert any(not p.family_name.isascii() or not p.given_name.isascii() for p in patients)
    roles = [person.role for person in care.accounts.everyone()]
    assert roles.count("charge_nurse") == 1
    assert 4 <= roles.count("nurse") <= 5
    assert roles.count("administrator") == 1
    settings = clinic_settings(demo_db)
    assert settings.chairs >= max(view.chair for view in care.chairs())
    assert "DEMO" in settings.clinic_name


def test_the_same_day_every_time(tmp_path, protocol):
    def content(path: Path) -> list[tuple[int, list[tuple[str, timedelta]]]]:
        db = open_database(sqlite_url(path), create=True)
        try:
            summary = fill_demo(db, protocol, DAY_START, history_patients=20)  # the history has its own test
            care = Care(db, protocol, ManualClock(summary.now), workstation="test-ws")
            rows = care.day_sessions(DAY_START, summary.now + timedelta(seconds=1))
            return [
                (row.chair, [(e.type.value, e.occurred_at - DAY_START) for e in care.state(row.id).events])
                for row in rows
            ]
        finally:
            db.dispose()

    assert content(tmp_path / "one.sqlite") == content(tmp_path / "two.sqlite")


def test_a_made_up_history_comes_before_the_day_and_the_trail_verifies(filled, demo_db):
    summary, states, care = filled
    history = summary.history
    assert history is not None
    assert history.patients == DEMO_HISTORY_PATIENTS >= 300
    assert history.first_day == (DAY_START - timedelta(days=DEMO_HISTORY_DAYS)).astimezone().date()
    assert history.last_day == DAY_START.astimezone().date()
    assert history.courses > 1.5 * history.patients  # most come back for more courses
    assert history.sessions > 4 * history.courses * 0.8
    assert history.by_outcome["stopped early"] and history.by_outcome["not treated"] and history.adverse_events
    assert history.days_missed and history.days_cancelled
    assert history.assessments > history.courses  # baseline, end, 3 and 6 months, some missing
    check = audit.verify(demo_db)
    assert check.ok, check.problem
    assert check.entries > history.audit_lines
    day_patients = {state.events[0].payload["patient_id"] for state in states}
    assert all(care.patient(pid).mrn.startswith("DEMO-0") for pid in day_patients)  # the day's own patients


def test_the_fill_hashes_each_demo_password_once_and_puts_the_hasher_back(tmp_path, protocol):
    """The demo's accounts share one published password, hashed once with the settings in force; a wrong
    password is still refused, and the hasher in force afterwards (for real accounts) is the one before."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    previous = passwords.use_hasher(cheap)
    db = open_database(sqlite_url(tmp_path / "demo.sqlite"), create=True)
    try:
        fill_demo(db, protocol, DAY_START, history_patients=0)
        assert passwords.hasher() is cheap
        accounts = Accounts(db, ManualClock(DAY_START + DEMO_NOW_AFTER), "test-ws")
        with db.session() as tx:
            hashes = {row.password_hash for row in tx.exec(select(Staff))}
        assert len(hashes) == 1 and cheap.verify(hashes.pop(), DEMO_PASSWORD)
        assert accounts.sign_in("kwame", DEMO_PASSWORD).username == "kwame"
        with pytest.raises(NotAllowedError):
            accounts.sign_in("kwame", DEMO_PASSWORD + " not")
    finally:
        db.dispose()
        passwords.use_hasher(previous)


def test_a_password_that_does_not_match_is_refused_every_time_while_filling():
    once = _OnceEach(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    made = once.hash(DEMO_PASSWORD)
    assert once.hash(DEMO_PASSWORD) == made != once.hash("another made-up password")
    assert once.verify(made, DEMO_PASSWORD) and once.verify(made, DEMO_PASSWORD)
    for _ in range(2):
        with pytest.raises(VerifyMismatchError):
            once.verify(made, DEMO_PASSWORD + " not")


def test_a_password_hashed_ahead_is_the_one_hash_the_fill_makes():
    """Hashed ahead on another thread, each password is hashed once, with the settings in force; the right
    password matches the hash it was made into without a second full run; a wrong one is still checked in
    full and refused."""
    made: list[str] = []

    class Counting(PasswordHasher):
        def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
            made.append("hash")
            return super().hash(password, salt=salt)

        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            made.append("verify")
            return super().verify(hash, password)

    once = _OnceEach(Counting(time_cost=1, memory_cost=8, parallelism=1))
    once.ahead(DEMO_PASSWORD)
    hashed = once.hash(DEMO_PASSWORD)
    assert once.hash(DEMO_PASSWORD) == hashed and once.verify(hashed, DEMO_PASSWORD)
    assert made == ["hash"]
    assert PasswordHasher().verify(hashed, DEMO_PASSWORD)  # the hash is a real one of the password
    with pytest.raises(VerifyMismatchError):
        once.verify(hashed, DEMO_PASSWORD + " not")
    assert made == ["hash", "verify"]
