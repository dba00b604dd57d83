"""The audit trail holds: the chain verifies, and any edit, removal or cut is found and named.

The tamper tests play someone with direct access to the database file: they drop the append-only
triggers with raw SQL, then change or delete rows, and expect ``verify`` to name the first broken entry.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core import audit, records
from core.audit import AuditAction, AuditRecord
from core.clock import ManualClock
from core.persistence.db import Database
from core.persistence.tables import InfusionSession, SessionEvent, Staff
from core.record_values import PatientRecord
from core.settings import change_clinic_setting

pytestmark = pytest.mark.both_stores


def add_person(database: Database, clock: ManualClock, name: str) -> str:
    staff_id = str(uuid.uuid4())
    with database.transaction() as tx:
        tx.add(Staff(id=staff_id, display_name=name, role="nurse", created_at=clock.now()))
    return staff_id


def add_patient(database: Database, clock: ManualClock, by: str, mrn: str) -> str:
    patient_id = str(uuid.uuid4())
    with database.transaction() as tx:
        records.add_patient(tx, PatientRecord(patient_id, mrn, "Doe", "Jane", date(1970, 1, 1), clock.now(), by))
    return patient_id


def write(database: Database, clock: ManualClock, count: int, **fields: str) -> list[AuditRecord]:
    """``count`` sign-ins a second apart, each with a detail the tamper tests can change."""
    written = []
    with database.transaction() as tx:
        for number in range(count):
            clock.advance(seconds=1)
            written.append(
                audit.record(
                    tx, AuditAction.SIGNED_IN, at=clock.now(), workstation="ws-1", detail={"n": number}, **fields
                )
            )
    return written


def write_care(database: Database, clock: ManualClock, by: str, patient_id: str, count: int) -> list[str]:
    """Care records each saved with its "record written" entry in one transaction, as the services do."""
    session_id = str(uuid.uuid4())
    event_ids = []
    with database.transaction() as tx:
        tx.add(
            InfusionSession(
                id=session_id,
                patient_id=patient_id,
                chair=1,
                protocol_id="p",
                protocol_version="1",
                protocol_hash="0" * 64,
                step="screen",
                outcome="open",
                opened_at=clock.now(),
                opened_by=by,
                updated_at=clock.now(),
            )
        )
    for seq in range(1, count + 1):
        clock.advance(seconds=30)
        event_id = str(uuid.uuid4())
        with database.transaction() as tx:
            tx.add(
                SessionEvent(
                    id=event_id,
                    session_id=session_id,
                    seq=seq,
                    type="side_effects.recorded",
                    occurred_at=clock.now(),
                    recorded_at=clock.now(),
                    recorded_by=by,
                    workstation="ws-1",
                )
            )
            tx.flush()
            audit.record(
                tx,
                AuditAction.RECORD_WRITTEN,
                at=clock.now(),
                workstation="ws-1",
                actor_id=by,
                patient_id=patient_id,
                session_id=session_id,
                detail={"event_id": event_id, "type": "side_effects.recorded"},
            )
        event_ids.append(event_id)
    return event_ids


def tamper(database: Database, *statements: str) -> None:
    """Drop the append-only guards and run raw SQL, as someone editing the file (or, with the table owner's
    rights, the server's database) directly would."""
    with database.engine.begin() as conn:
        if database.is_sqlite:
            conn.execute(text("DROP TRIGGER IF EXISTS audit_entry_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_entry_no_delete"))
        else:
            conn.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only"))
        for statement in statements:
            conn.execute(text(statement))


# ---- an intact chain ------------------------------------------------------------------------


def test_a_fresh_database_has_an_empty_trail_that_verifies(database: Database) -> None:
    assert audit.verify(database) == audit.ChainCheck(True, 0, None, "")


def test_entries_are_numbered_from_one_and_each_names_the_hash_before_it(
    database: Database, clock: ManualClock
) -> None:
    first, second = write(database, clock, 2)
    assert (first.seq, first.prev_hash) == (1, audit.GENESIS)
    assert (second.seq, second.prev_hash) == (2, first.entry_hash)


def test_many_entries_over_several_reading_batches_verify(database: Database, clock: ManualClock) -> None:
    write(database, clock, 2345)
    check = audit.verify(database)
    assert check.ok and check.entries == 2345 and check.first_broken is None


def test_care_records_each_with_an_entry_verify(database: Database, clock: ManualClock) -> None:
    ana = add_person(database, clock, "Ana Reyes")
    write(database, clock, 3, actor_id=ana)
    write_care(database, clock, ana, add_patient(database, clock, ana, "MRN-1"), 4)
    assert audit.verify(database) == audit.ChainCheck(True, 7, None, "")


# ---- the database refuses changes -----------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_entry SET detail = '{\"n\": 99}' WHERE seq = 2", "DELETE FROM audit_entry WHERE seq = 2"],
)
def test_the_database_refuses_to_change_or_delete_an_entry(
    database: Database, clock: ManualClock, statement: str
) -> None:
    write(database, clock, 3)
    with pytest.raises(DBAPIError, match="never changed or deleted"), database.engine.begin() as conn:
        conn.execute(text(statement))
    assert audit.verify(database).ok


def test_a_detail_that_would_not_hash_the_same_when_read_back_is_refused(
    database: Database, clock: ManualClock
) -> None:
    for detail in ({"dose_mg": 36.2}, {"doses": [{"mg": 1.5}]}, {"on": clock.now()}, {1: "numeric key"}):
        with pytest.raises(TypeError, match="audit detail sign_in"), database.transaction() as tx:
            audit.record(tx, AuditAction.SIGNED_IN, at=clock.now(), workstation="ws-1", detail=detail)
    assert audit.verify(database).entries == 0


# ---- tampering is found and named ---------------------------------------------------------------


def test_an_edited_detail_names_that_entry(database: Database, clock: ManualClock) -> None:
    write(database, clock, 5)
    tamper(database, "UPDATE audit_entry SET detail = '{\"n\": 99}' WHERE seq = 3")
    assert audit.verify(database) == audit.ChainCheck(False, 3, 3, "entry 3 was changed after it was written.")


def test_an_edited_workstation_names_that_entry(database: Database, clock: ManualClock) -> None:
    write(database, clock, 5)
    tamper(database, "UPDATE audit_entry SET workstation = 'elsewhere' WHERE seq = 5")
    check = audit.verify(database)
    assert (check.ok, check.first_broken, check.problem) == (False, 5, "entry 5 was changed after it was written.")


def test_an_edit_that_rewrites_its_own_hash_breaks_the_link_to_the_next_entry(
    database: Database, clock: ManualClock
) -> None:
    write(database, clock, 5)
    tamper(database, "UPDATE audit_entry SET entry_hash = '" + "f" * 64 + "' WHERE seq = 2")
    check = audit.verify(database)
    assert (check.first_broken, check.problem) == (2, "entry 2 was changed after it was written.")


def test_a_forged_entry_with_a_fresh_hash_is_found_at_the_next_link(database: Database, clock: ManualClock) -> None:
    records = write(database, clock, 4)
    forged = records[1]
    forged_hash = audit.entry_hash(
        seq=forged.seq,
        at=forged.at,
        actor_id=None,
        action=forged.action,
        workstation=forged.workstation,
        patient_id=None,
        session_id=None,
        detail={"n": 99},
        prev_hash=forged.prev_hash,
    )
    tamper(database, f"UPDATE audit_entry SET detail = '{{\"n\": 99}}', entry_hash = '{forged_hash}' WHERE seq = 2")
    assert audit.verify(database) == audit.ChainCheck(False, 3, 3, "entry 3 does not follow on from entry 2.")


def test_a_removed_middle_entry_is_named_as_a_gap(database: Database, clock: ManualClock) -> None:
    write(database, clock, 6)
    tamper(database, "DELETE FROM audit_entry WHERE seq = 3")
    assert audit.verify(database) == audit.ChainCheck(False, 3, 4, "entry 4 follows a gap: entry 3 was removed.")


def test_several_removed_entries_are_named_as_a_range(database: Database, clock: ManualClock) -> None:
    write(database, clock, 6)
    tamper(database, "DELETE FROM audit_entry WHERE seq IN (2, 3, 4)")
    check = audit.verify(database)
    assert (check.first_broken, check.problem) == (5, "entry 5 follows a gap: entry 2–4 was removed.")


def test_a_removed_first_entry_is_found(database: Database, clock: ManualClock) -> None:
    write(database, clock, 3)
    tamper(database, "DELETE FROM audit_entry WHERE seq = 1")
    check = audit.verify(database)
    assert (check.first_broken, check.problem) == (2, "entry 2 follows a gap: entry 1 was removed.")


def test_entries_cut_from_the_end_are_found_through_the_care_records_they_described(
    database: Database, clock: ManualClock
) -> None:
    ana = add_person(database, clock, "Ana Reyes")
    write(database, clock, 2, actor_id=ana)
    event_ids = write_care(database, clock, ana, add_patient(database, clock, ana, "MRN-1"), 4)
    tamper(database, "DELETE FROM audit_entry WHERE seq > 3")
    check = audit.verify(database)
    assert (check.ok, check.entries, check.first_broken) == (False, 3, None)
    assert check.problem.startswith(f"care record {event_ids[1]} (saved ")
    assert check.problem.endswith("has no audit entry: entries were removed after entry 3.")


def test_a_trail_emptied_after_care_was_recorded_is_found(database: Database, clock: ManualClock) -> None:
    ana = add_person(database, clock, "Ana Reyes")
    write_care(database, clock, ana, add_patient(database, clock, ana, "MRN-1"), 2)
    tamper(database, "DELETE FROM audit_entry")
    assert audit.verify(database) == audit.ChainCheck(
        False, 0, None, "the audit trail is empty but care records exist."
    )


# ---- reading it back ----------------------------------------------------------------------------


def test_entries_filter_by_patient_person_and_time_newest_first(database: Database, clock: ManualClock) -> None:
    ana = add_person(database, clock, "Ana Reyes")
    ben = add_person(database, clock, "Ben Okafor")
    maja = add_patient(database, clock, ana, "MRN-1")
    start = clock.now()
    write(database, clock, 2, actor_id=ana)
    write(database, clock, 1, actor_id=ben, patient_id=maja)
    clock.advance(timedelta(days=1))
    write(database, clock, 2, actor_id=ana, patient_id=maja)

    assert [e.seq for e in audit.entries(database)] == [5, 4, 3, 2, 1]
    assert [e.seq for e in audit.entries(database, actor_id=ana)] == [5, 4, 2, 1]
    assert [e.seq for e in audit.entries(database, patient_id=maja)] == [5, 4, 3]
    assert [e.seq for e in audit.entries(database, actor_id=ana, patient_id=maja)] == [5, 4]
    day_one = audit.entries(database, start=start, end=start + timedelta(days=1))
    assert [e.seq for e in day_one] == [3, 2, 1]
    assert [e.seq for e in audit.entries(database, limit=2)] == [5, 4]
    assert audit.entries(database, actor_id=ben)[0].detail == {"n": 0}


def test_a_clinic_setting_change_is_in_the_trail_with_who_and_why(database: Database, clock: ManualClock, admin):
    change_clinic_setting(database, "pin_unlock", True, admin.id, "faster unlock", clock.now(), workstation="ws-9")
    (line,) = [e for e in audit.entries(database) if e.action == AuditAction.SETTING_CHANGED]
    assert (line.actor_id, line.workstation) == (admin.id, "ws-9")
    assert line.detail == {"key": "pin_unlock", "value": "True", "reason": "faster unlock"}
    assert audit.verify(database).ok
