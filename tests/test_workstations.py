"""Two workstations do the same thing at the same moment, as two real processes on one database (the SQLite
file, and the PostgreSQL server): one succeeds, the other is told in words what happened, and nothing is
lost or written twice."""

from __future__ import annotations

import pytest

from core import audit, records
from core.care import Care
from core.clock import ManualClock
from core.events import EventType
from core.machine import Step
from core.persistence.db import Database
from core.views import PatientView
from tests.helpers.clinic import PRESCRIBER, T0
from tests.helpers.people import ANA_PASSWORD, BEN_PASSWORD
from tests.helpers.racing import race
from tests.helpers.sessions import discharged, seen, session_at

pytestmark = [pytest.mark.both_stores, pytest.mark.slow]


def address(database: Database) -> str:
    return database.url.render_as_string(hide_password=False)  # a server's password is in PGPASSFILE


def told(outcomes: dict[str, tuple[str, str]]) -> tuple[list[str], list[tuple[str, str]]]:
    saved = [name for name, (kind, _) in outcomes.items() if kind == "saved"]
    refused = [said for said in outcomes.values() if said[0] != "saved"]
    return saved, refused


def test_two_first_administrators_cannot_both_be_created(database: Database, clock: ManualClock):
    outcomes = race(
        address(database),
        clock.now(),
        "first administrator",
        [
            {"name": "Ada Mensah", "username": "ada", "password": ANA_PASSWORD},
            {"name": "Bo Lind", "username": "bolind", "password": BEN_PASSWORD},
        ],
    )
    saved, refused = told(outcomes)
    assert len(saved) == 1 and refused == [("NotPermitted", "This clinic already has an administrator.")]
    with database.session() as tx:
        assert len(records.administrators(tx)) == 1
    assert audit.verify(database).ok


def test_two_patients_seated_on_one_chair_at_once(care: Care, patient: PatientView, nurses, clock, database):
    first, second = nurses
    other = care.register_patient("MRN-2002", "Okafor", "Chidi", "1980-05-02", first.id)
    care.record_course(other.id, PRESCRIBER, T0.astimezone().date().isoformat(), "5", first.id)
    outcomes = race(
        address(database),
        clock.now(),
        "seat",
        [
            {"patient": patient.id, "mrn": patient.mrn, "chair": 1, "by": first.id},
            {"patient": other.id, "mrn": other.mrn, "chair": 1, "by": second.id},
        ],
    )
    saved, refused = told(outcomes)
    assert len(saved) == 1 and len(refused) == 1
    kind, words = refused[0]
    assert kind == "NotNow"
    assert words == "Chair 1 already has an open session." or (
        words.startswith("Chair 1 was given to ") and "at the same moment" in words
    ), words
    assert [view.chair for view in care.chairs()] == [1]
    assert audit.verify(database).ok


def test_two_nurses_recording_on_one_session_at_once_lose_and_double_nothing(care, patient, nurses, clock, database):
    first, second = nurses
    sid = session_at(care, patient, nurses, Step.INFUSING)
    before = len(care.state(sid).events)
    outcomes = race(
        address(database), clock.now(), "vitals", [{"session": sid, "by": first.id}, {"session": sid, "by": second.id}]
    )
    saved, refused = told(outcomes)
    events = care.state(sid).events
    assert len(events) == before + len(saved)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    for kind, words in refused:  # overtaken between its read and its write: said who and what
        assert kind == "RecordChanged" and "recorded “Vital signs” on this session from cart-" in words, words
    assert audit.verify(database).ok


def test_one_session_signed_from_two_workstations_at_once_is_signed_once(care, patient, nurses, clock, database):
    first, second = nurses
    sid = discharged(care, patient, nurses, clock)
    last = seen(care, sid)
    outcomes = race(
        address(database),
        clock.now(),
        "sign",
        [
            {"session": sid, "by": first.id, "password": ANA_PASSWORD, "seen": last},
            {"session": sid, "by": second.id, "password": BEN_PASSWORD, "seen": last},
        ],
    )
    saved, refused = told(outcomes)
    assert len(saved) == 1 and len(refused) == 1, outcomes
    signatures = [e for e in care.state(sid).events if e.type is EventType.SIGNED]
    assert len(signatures) == 1
    kind, words = refused[0]
    assert kind in {"RecordChanged", "NotNow"} and ("Session signed" in words or "Signed" in words), words
    assert audit.verify(database).ok
