"""The session is a pure fold over its log: for any order of starts, pauses, resumes, corrections, waits
and restarts of the app, the state worked out from the entries alone (no database per example) keeps the
countdown right. The time left is forty minutes less the time the pump ran, never negative, never growing;
a correction (of any earlier entry, at any moment) can always be recorded and changes nothing of it, the
original staying in the log; a restart of the app changes nothing of it; and the same entries at the same
moment give the same state."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.care import Care
from core.events import Event
from core.events import EventType as E
from core.machine import Step
from core.protocol import Protocol
from core.session_state import derive_state
from tests.helpers.clinic import T0

FORTY = timedelta(minutes=40)
plans = st.lists(
    st.tuples(
        st.sampled_from(["pause", "resume", "correct", "wait", "restart"]), st.integers(min_value=0, max_value=900)
    ),
    max_size=30,
)


@pytest.fixture(scope="module")
def ready_log(tmp_path_factory: pytest.TempPathFactory, protocol: Protocol) -> list[Event]:
    """The entries of a session ready to start, read once from a real database; the examples add to them
    in memory."""
    from core.accounts import Accounts
    from core.clock import ManualClock
    from core.persistence.db import open_database, sqlite_url
    from tests.helpers.clinic import PRESCRIBER
    from tests.helpers.people import make_admin, make_nurses
    from tests.helpers.sessions import prepare

    database = open_database(sqlite_url(tmp_path_factory.mktemp("fold") / "f.sqlite"), create=True)
    clock = ManualClock(T0)
    care = Care(database, protocol, clock, workstation="fold")
    accounts = Accounts(database, clock, workstation="fold")
    nurses = make_nurses(accounts, make_admin(accounts))
    patient = care.register_patient("MRN-1", "Doe", "Jane", "1970-01-01", by=nurses[0].id)
    care.record_course(patient.id, PRESCRIBER, T0.astimezone().date().isoformat(), "5", by=nurses[0].id)
    events = list(care.state(prepare(care, patient, nurses)).events)
    database.dispose()
    return events


def entry(log: list[Event], kind: E, at: datetime, payload: dict | None = None, corrects: str | None = None) -> Event:
    last = log[-1]
    return Event(
        id=str(uuid.uuid4()),
        session_id=last.session_id,
        seq=last.seq + 1,
        type=kind,
        occurred_at=at,
        recorded_at=at,
        recorded_by=last.recorded_by,
        workstation="fold",
        payload=payload or {},
        corrects=corrects,
        reason="entered on the wrong chart" if corrects else None,
    )


@settings(max_examples=200, deadline=None)
@given(plan=plans)
def test_any_order_of_pauses_resumes_and_restarts_keeps_the_time_left(
    plan: list[tuple[str, int]], ready_log: list[Event], protocol: Protocol
) -> None:
    now = max(T0, ready_log[-1].recorded_at)
    log = [*ready_log, entry(ready_log, E.STARTED, now, {"start_problems": [], "go_ahead": None})]
    running, ran, restarted, last_left = True, timedelta(), None, FORTY
    for action, seconds in plan:
        state = derive_state(protocol, log, now, restarted)
        if state.step is Step.INFUSING and action == "pause" and state.infusion.remaining > timedelta():
            log.append(entry(log, E.PAUSED, now, {"reason": "patient away"}))
            running = False
        elif state.step is Step.PAUSED and action == "resume":
            log.append(entry(log, E.RESUMED, now))
            running = True
        elif action == "correct":
            assert E.CORRECTED in state.allowed  # a slip can be put right at any step
            corrected = log[seconds % len(log)]
            log.append(entry(log, E.CORRECTED, now, {"note": "as it should have read"}, corrects=corrected.id))
            assert corrected in log  # the original stays
        elif action == "restart":
            restarted = now  # the app started again: nothing was recorded, the log is the same
        now += timedelta(seconds=seconds)
        if running:
            ran += timedelta(seconds=seconds)
        state = derive_state(protocol, log, now, restarted)
        left = state.infusion.remaining
        assert left == max(timedelta(), FORTY - ran)  # forty minutes less the time the pump ran
        assert timedelta() <= left <= last_left
        assert left == derive_state(protocol, log, now).infusion.remaining  # a restart changes nothing of it
        assert state.step in {Step.INFUSING, Step.PAUSED}
        assert (state.step is Step.PAUSED) == (not running)
        assert derive_state(protocol, list(log), now, restarted) == state  # the same entries, the same state
        last_left = left
