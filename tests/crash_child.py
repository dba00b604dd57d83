"""A nurse's session in a separate process, to be killed mid-infusion by tests/test_crash.py.

Usage: crash_child.py DB_PATH MODE, where MODE is "manual" (a fixed clock: start 13:00 UTC, a 3-minute
pause, then 12 more minutes) or "system" (the real clock). After each committed action it prints the
ids of the events now in the record, then it waits to be killed.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.care import Care
from core.clock import Clock, ManualClock, SystemClock
from core.identify import Identified
from core.people import Account
from core.persistence.db import open_database, sqlite_url
from core.protocol import VitalKind, load_protocol

VITALS = {
    VitalKind.SYSTOLIC: "120",
    VitalKind.DIASTOLIC: "80",
    VitalKind.HEART_RATE: "70",
    VitalKind.RESPIRATORY_RATE: "14",
    VitalKind.SPO2: "98",
    VitalKind.SEDATION: "0",
}
SCREEN = {
    **dict.fromkeys(
        ("cardiovascular", "psychosis", "liver", "raised_pressure", "substance_misuse", "allergy"), "no"
    ),  # the course-start checklist
    **dict.fromkeys(("pregnancy", "cardiac", "substance"), "no"),
    "no_escort": "no",
}


PASSWORD = "crash-test meadow lantern"


def nurse_account(care: Care, name: str, username: str) -> Account:
    """A nurse who can sign in, made the way an administrator would (first administrator if need be)."""
    accounts = care.accounts
    if accounts.needs_first_administrator():
        accounts.create_first_administrator("Ida Admin", "admin", PASSWORD, PASSWORD)
    admin = next(a for a in accounts.everyone() if a.username == "admin")
    made = accounts.add(admin.id, name, username, "nurse", PASSWORD + " first")
    return accounts.change_password(made.id, PASSWORD + " first", PASSWORD, PASSWORD)


def report(care: Care, session_id: str) -> None:
    for event in care.state(session_id).events:
        print(f"committed {event.id}", flush=True)


def started_session(care: Care, clock: Clock) -> tuple[str, Account]:
    """A first-day session taken to its infusion, by the book: its id and the nurse at the chair."""
    first = nurse_account(care, "Ana Reyes", "ana")
    nurse_account(care, "Ben Okafor", "ben")
    patient = care.register_patient("MRN-9", "Doe", "Jane", "1970-01-01", first.id)
    care.record_course(patient.id, "Dr Patel", clock.now().astimezone().date().isoformat(), "5", first.id)
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    care.screen(sid, SCREEN, first.id)
    care.record_weight(sid, "80", "kg", first.id)
    care.confirm_dose(sid, first.id, vial_id="ketamine-50")
    care.record_vitals(sid, VITALS, first.id)
    care.record_check(sid, "ben", PASSWORD, "80", "40", "151.2")
    care.record_drawn(sid, "LOT-9", "0.8", first.id)
    care.record_pump(sid, "151.2", "100.8", first.id)  # the pump read as ordered
    care.start_infusion(sid, first.id)
    return sid, first


def main() -> None:
    path, mode = Path(sys.argv[1]), sys.argv[2]
    clock: Clock = ManualClock(datetime(2026, 11, 26, 13, 0, tzinfo=UTC)) if mode == "manual" else SystemClock()
    care = Care(open_database(sqlite_url(path), create=True), load_protocol(), clock, workstation="crash-test")
    sid, first = started_session(care, clock)
    if isinstance(clock, ManualClock):
        clock.advance(minutes=5)
        care.pause(sid, "line problem", first.id)
        clock.advance(minutes=3)
        care.resume(sid, first.id)
        clock.advance(minutes=12)
    report(care, sid)
    print(f"session {sid}", flush=True)
    print("ready", flush=True)
    while True:  # the pump keeps running; the app is about to die
        time.sleep(1)


if __name__ == "__main__":
    main()
