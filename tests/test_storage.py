"""Storage: what happens to a missing, damaged, locked, read-only or newer database, and the record's rules."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from contextlib import closing
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from core import audit, records
from core.audit import AuditAction
from core.care import Care
from core.errors import (
    DatabaseCorrupt,
    DatabaseLocked,
    DatabaseMissing,
    DatabaseReadOnly,
    DatabaseTooNew,
    NotAllowedError,
    RecordChanged,
    RecordRefused,
)
from core.identify import Details, Identified
from core.persistence.db import FILLING_CACHE_KB, KNOWN_REVISIONS, SCHEMA_HEAD, Database, open_database, sqlite_url
from core.persistence.migrate import alembic_config, script_revisions, upgrade
from tests.helpers.answers import NORMAL, SCREEN_OK
from tests.helpers.sessions import prepare

pytestmark = pytest.mark.both_stores


@pytest.mark.sqlite_only
def test_pragmas_are_set_on_every_connection(database: Database):
    with database.session() as tx:
        assert tx.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert tx.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert tx.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert tx.execute(text("PRAGMA busy_timeout")).scalar() == 5000


@pytest.mark.sqlite_only
def test_a_fill_skips_syncing_each_commit_and_every_later_connection_syncs_again(database: Database):
    def pragmas() -> tuple[int, int, str]:
        with database.session() as tx:
            return (
                tx.execute(text("PRAGMA synchronous")).scalar(),
                tx.execute(text("PRAGMA cache_size")).scalar(),
                tx.execute(text("PRAGMA journal_mode")).scalar(),
            )

    usual = pragmas()
    assert usual[0] == 2
    with database.filling():
        assert pragmas() == (0, -FILLING_CACHE_KB, "wal")
    assert pragmas() == usual


@pytest.mark.sqlite_only
def test_a_fill_written_alone_keeps_its_undo_in_memory_and_the_file_is_back_in_wal_after(database: Database):
    def journal() -> str:
        with database.session() as tx:
            return str(tx.execute(text("PRAGMA journal_mode")).scalar())

    with database.writing_alone():  # outside a fill: nothing changes
        assert journal() == "wal"
    with database.filling():
        with database.writing_alone():
            assert journal() == "memory"
            with pytest.raises(RuntimeError), database.transaction() as tx:  # a failed write rolls back whole
                tx.execute(text("INSERT INTO clinic_setting (key, value, changed_at) VALUES ('x', '1', '2026-01-01')"))
                raise RuntimeError("the write fails")
            with database.session() as tx:
                assert tx.execute(text("SELECT count(*) FROM clinic_setting WHERE key = 'x'")).scalar() == 0
        assert journal() == "wal"
    assert journal() == "wal"


def _schema(database: Database) -> list[tuple[str, str, str]]:
    with database.session() as tx:
        return sorted(tx.execute(text("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL")).all())


@pytest.mark.sqlite_only
def test_a_new_table_written_alone_has_its_indexes_and_length_triggers_made_after_its_rows(database: Database):
    before = _schema(database)
    with database.filling(), database.writing_alone(), database.indexed_after(["clinic_setting", "audit_entry"]):
        inside = _schema(database)
        gone = {name for _kind, name, _sql in before} - {name for _kind, name, _sql in inside}
        assert "ix_audit_entry_at" in gone and "audit_entry_lengths_insert" in gone
        assert "audit_entry_lengths_update" not in gone and "audit_entry_no_delete" not in gone  # not on INSERT
        assert all(
            sql.startswith(("CREATE INDEX", "CREATE UNIQUE INDEX", "CREATE TRIGGER"))
            for *_, sql in before
            if _[1] in gone
        )
    assert _schema(database) == before


@pytest.mark.sqlite_only
def test_a_row_the_length_trigger_would_have_refused_is_refused_when_the_indexes_are_made(database: Database):
    before = _schema(database)
    with (
        database.filling(),
        database.writing_alone(),
        pytest.raises(RecordRefused, match="clinic_setting"),
        database.indexed_after(["clinic_setting"]),
        database.transaction() as tx,
    ):
        too_long = "x" * 1000
        tx.execute(
            text("INSERT INTO clinic_setting (key, value, changed_at) VALUES (:k, '1', '2026-01-01')"), {"k": too_long}
        )
    assert _schema(database) == before  # the rules are back for whatever is written next


@pytest.mark.sqlite_only
def test_a_fill_that_fails_puts_the_indexes_and_triggers_back(database: Database):
    before = _schema(database)
    with (
        database.filling(),
        database.writing_alone(),
        pytest.raises(RuntimeError, match="the fill fails"),
        database.indexed_after(["audit_entry"]),
    ):
        raise RuntimeError("the fill fails")
    assert _schema(database) == before


@pytest.mark.sqlite_only
def test_a_table_already_holding_many_rows_keeps_its_indexes(database: Database, monkeypatch):
    monkeypatch.setattr("core.persistence.db.INDEXED_AFTER_BELOW", 1)
    with database.transaction() as tx:
        tx.execute(text("INSERT INTO clinic_setting (key, value, changed_at) VALUES ('x', '1', '2026-01-01')"))
    before = _schema(database)
    with database.filling(), database.writing_alone(), database.indexed_after(["clinic_setting", "course"]):
        inside = {name for _kind, name, _sql in _schema(database)}
        assert "clinic_setting_lengths_insert" in inside and "course_lengths_insert" not in inside
    assert _schema(database) == before


def test_schema_constants_follow_the_migration_scripts(database: Database):
    assert tuple(script_revisions(database.engine)) == KNOWN_REVISIONS
    assert KNOWN_REVISIONS[-1] == SCHEMA_HEAD


def test_missing_database_is_reported_not_recreated(tmp_path: Path):
    path = tmp_path / "gone.sqlite"
    with pytest.raises(DatabaseMissing, match="db create"):
        open_database(sqlite_url(path))
    assert not path.exists()


def test_a_file_that_is_not_a_database_is_refused_and_kept(tmp_path: Path):
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"shopping list: milk, eggs" * 100)
    with pytest.raises(DatabaseCorrupt, match="not a database"):
        open_database(sqlite_url(path))
    assert path.read_bytes().startswith(b"shopping list")


@pytest.mark.sqlite_only
def test_a_damaged_database_is_reported(db_path: Path, database: Database):
    database.dispose()
    data = bytearray(db_path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page, keep the header
    db_path.write_bytes(bytes(data))
    for leftover in db_path.parent.glob(f"{db_path.name}-*"):
        leftover.unlink()
    with pytest.raises(DatabaseCorrupt):
        open_database(sqlite_url(db_path))


def test_another_programs_database_is_refused_byte_for_byte_as_it_was(tmp_path: Path):
    """Identified read-only: switching it to WAL first (as the first connection did) changed its header."""
    path = tmp_path / "other.sqlite"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
        conn.commit()
    before = path.read_bytes()
    with pytest.raises(DatabaseCorrupt, match="not a Chairside database"):
        open_database(sqlite_url(path))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite"]


def test_another_programs_alembic_database_is_refused_too(tmp_path: Path):
    path = tmp_path / "other.sqlite"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        conn.execute("INSERT INTO alembic_version VALUES ('0005')")
        conn.execute("CREATE TABLE invoices (id INTEGER)")
        conn.commit()
    before = path.read_bytes()
    with pytest.raises(DatabaseCorrupt, match="not a Chairside database"):
        open_database(sqlite_url(path))
    assert path.read_bytes() == before


@pytest.mark.parametrize("content", [b"", None], ids=["0 bytes", "an empty SQLite file"])
def test_an_emptied_database_is_refused_untouched_not_given_a_new_schema(tmp_path: Path, content: bytes | None):
    """A file truncated by a failed copy or restore was silently given an empty schema, and every command
    then said all was well: it is refused, left as it was, unless a new database is asked for."""
    path = tmp_path / "chairside.sqlite"
    if content is None:
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("PRAGMA user_version = 7")  # a header and no table
    else:
        path.write_bytes(content)
    before = path.read_bytes()
    with pytest.raises(DatabaseCorrupt, match="empty: it holds no Chairside records"):
        open_database(sqlite_url(path))
    assert path.read_bytes() == before
    created = open_database(sqlite_url(path), create=True)  # db create, on purpose
    assert created.schema_revision() == SCHEMA_HEAD
    created.dispose()


@pytest.mark.sqlite_only
@pytest.mark.skipif(os.geteuid() == 0, reason="root can write read-only files")
def test_a_read_only_database_is_reported(db_path: Path, database: Database):
    database.dispose()
    db_path.chmod(0o444)
    with pytest.raises(DatabaseReadOnly):
        open_database(sqlite_url(db_path))


@pytest.mark.sqlite_only
def test_a_read_only_folder_is_reported_even_for_root(db_path: Path, database: Database, monkeypatch):
    """Root ignores permissions, so the check is exercised through os.access as a nurse's account sees it."""
    database.dispose()
    monkeypatch.setattr(os, "access", lambda path, mode: mode != os.W_OK)
    with pytest.raises(DatabaseReadOnly, match="read-only"):
        open_database(sqlite_url(db_path))


@pytest.mark.sqlite_only
def test_a_newer_database_is_refused_and_untouched(db_path: Path, database: Database):
    with database.transaction() as tx:
        tx.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    database.dispose()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseTooNew, match="newer version"):
        open_database(sqlite_url(db_path))
    assert db_path.read_bytes() == before


@pytest.mark.sqlite_only
def test_a_locked_database_says_so_and_keeps_what_was_saved(care: Care, patient, nurses, db_path: Path):
    first, _ = nurses
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    blocker = sqlite3.connect(db_path, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        care.db.engine.dispose()
        care.db.engine.pool._timeout = 0
        with pytest.raises(DatabaseLocked, match="Nothing already recorded has been lost"):
            care.screen(
                sid,
                SCREEN_OK,
                first.id,
            )
    finally:
        blocker.rollback()
        blocker.close()
    assert len(care.state(sid).events) == 1


@pytest.mark.sqlite_only
def test_events_cannot_be_changed_or_deleted_even_from_a_database_shell(care: Care, patient, nurses, db_path):
    first, _ = nurses
    care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn))
    shell = sqlite3.connect(db_path)
    try:
        for statement in ("UPDATE session_event SET type = 'x'", "DELETE FROM session_event"):
            with pytest.raises(sqlite3.IntegrityError, match="never changed or deleted"):
                shell.execute(statement)
    finally:
        shell.close()


def test_two_writers_racing_on_one_session_do_not_both_land(care: Care, patient, nurses, database, protocol, clock):
    first, _ = nurses
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    with database.transaction() as tx:  # another workstation appends seq 2 under our feet
        tx.execute(
            text(
                "INSERT INTO session_event (id, session_id, seq, type, payload, occurred_at, recorded_at, recorded_by, "
                "workstation) VALUES ('other', :sid, 2, 'entry.corrected', '{}', :t, :t, :by, 'ws2')"
            ),
            {"sid": sid, "t": datetime(2026, 11, 26, 13, tzinfo=UTC).replace(tzinfo=None), "by": first.id},
        )
    with pytest.raises(RecordChanged):
        care.screen(sid, SCREEN_OK, first.id)


def test_times_come_back_as_utc(care: Care, patient, nurses, clock):
    sid = prepare(care, patient, nurses)
    event = care.state(sid).events[0]
    assert event.occurred_at == clock.now() and event.occurred_at.tzinfo is not None


@pytest.mark.sqlite_only
def test_backup_is_a_consistent_copy_while_in_use(care: Care, patient, nurses, tmp_path: Path):
    sid = prepare(care, patient, nurses)
    copy = care.db.backup_to(tmp_path / "backup.sqlite")
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        count = conn.execute("SELECT count(*) FROM session_event WHERE session_id = ?", (sid,)).fetchone()[0]
    assert count == len(care.state(sid).events)


def test_upgrading_an_older_schema_writes_a_backup_first_and_keeps_its_records(tmp_path: Path, clock):
    """A 0001 database (staff without sign-in) is backed up, then upgraded in place; nobody is lost."""
    path = tmp_path / "older.sqlite"
    path.touch()  # Chairside's connections never make a missing file: as `db create` would
    older = Database(sqlite_url(path))
    upgrade(older.engine, "0001")
    with older.transaction() as tx:
        tx.execute(
            text("INSERT INTO staff (id, display_name, role, active, created_at) VALUES ('s1', 'Ana', 'nurse', 1, :t)"),
            {"t": datetime(2026, 1, 5, 9, 0)},
        )
    older.dispose()
    upgraded = open_database(sqlite_url(path), backup_stamp=clock.now())
    assert upgraded.schema_revision() == SCHEMA_HEAD
    with upgraded.session() as tx:
        row = tx.execute(text("SELECT display_name, username, password_hash, failed_sign_ins FROM staff")).one()
    upgraded.dispose()
    assert tuple(row) == ("Ana", None, None, 0)
    (backup,) = path.parent.glob("*.backup.sqlite")
    assert backup.name == "older.0001-20261126T130000Z.backup.sqlite"
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)


def test_patients_registered_before_sex_and_allergies_were_recorded_keep_their_record_and_say_not_recorded(
    tmp_path: Path, clock, protocol
):
    """A 0003 database with a patient is upgraded: the patient is found as before, with no sex or
    allergies (so the banner says "not recorded"), until a nurse confirms them, written once."""
    path = tmp_path / "before-details.sqlite"
    path.touch()  # Chairside's connections never make a missing file: as `db create` would
    older = Database(sqlite_url(path))
    upgrade(older.engine, "0003")
    with older.transaction() as tx:
        tx.execute(
            text(
                "INSERT INTO staff (id, display_name, role, active, created_at, must_change_password, failed_sign_ins)"
                " VALUES ('s1', 'Ana', 'nurse', 1, :t, 0, 0)"
            ),
            {"t": datetime(2026, 1, 5, 9, 0)},
        )
        tx.execute(
            text(
                "INSERT INTO patient (id, mrn, family_name, given_name, birth_date, created_at, created_by)"
                " VALUES ('p1', 'MRN-40', 'Garcia', 'Maria', '1970-03-14', :t, 's1')"
            ),
            {"t": datetime(2026, 1, 5, 9, 5)},
        )
    older.dispose()
    upgraded = open_database(sqlite_url(path), backup_stamp=clock.now())
    care = Care(upgraded, protocol, clock, workstation="test-ws")
    (found,) = care.find_patients("MRN-40")
    assert (found.full_name, found.birth_date.isoformat(), found.sex, found.allergies) == (
        "GARCIA, Maria",
        "1970-03-14",
        None,
        None,
    )
    confirmed = care.record_details("p1", Details("female", no_known_allergies=True), "s1")
    assert (confirmed.sex, confirmed.no_known_allergies, confirmed.details_confirmed_by) == ("female", True, "Ana")
    with pytest.raises(RecordRefused, match="never changed"), upgraded.transaction() as tx:
        tx.execute(text("UPDATE patient_details SET allergies = 'latex'"))
    upgraded.dispose()


def test_the_tables_in_code_match_the_migrations(database: Database):
    """A column added to a table but not to a migration would exist in tests and be missing in clinics."""
    if not database.is_sqlite:
        # SQLAlchemy cannot reflect a CHECK constraint added NOT VALID (migration 0006): it passes the flag on
        # as an unknown dialect's option. Validated here, on an empty database, they reflect as any other.
        with database.engine.begin() as connection:
            invalid = connection.execute(
                text("SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE NOT convalidated")
            ).all()
            for table, name in invalid:
                connection.execute(text(f"ALTER TABLE {table} VALIDATE CONSTRAINT {name}"))
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_writers_racing_on_one_database_wait_their_turn_and_the_audit_chain_holds(database: Database):
    """Four workstations' writes read the chain's head then append: each must wait, none may be refused."""
    failures: list[BaseException] = []
    address = database.url.render_as_string(hide_password=False)

    def write(workstation: str) -> None:
        own = Database(address)
        try:
            for n in range(25):
                with own.transaction() as tx:
                    at = datetime(2026, 11, 26, 13, 0, tzinfo=UTC)
                    audit.record(tx, AuditAction.SIGNED_IN, at=at, workstation=workstation, detail={"n": n})
        except BaseException as error:  # reported below: a thread's exception would otherwise vanish
            failures.append(error)
        finally:
            own.dispose()

    writers = [threading.Thread(target=write, args=(f"ws-{i}",)) for i in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert failures == []
    check = audit.verify(database)
    assert check.ok and check.entries == 100


def test_every_text_column_has_the_length_the_database_enforces(database: Database):
    """The migrations' lengths are the tables' own: a column added later must bring its limit with it."""
    lengths = dict(import_module("core.persistence.migrations.versions.0006_text_lengths").LIMITS)
    lengths["patient_event"] = import_module("core.persistence.migrations.versions.0007_patient_streams").LIMITS
    for table, added in import_module("core.persistence.migrations.versions.0008_sessions_in_courses").LIMITS.items():
        lengths[table] = {**lengths[table], **added}
    lengths.update(import_module("core.persistence.migrations.versions.0011_sitting_scores").LIMITS)
    lengths.update(import_module("core.persistence.migrations.versions.0013_vital_sets").LIMITS)
    lengths.update(import_module("core.persistence.migrations.versions.0014_schedule_points").LIMITS)
    lengths.update(import_module("core.persistence.migrations.versions.0016_course_facts").LIMITS)
    lengths.update(import_module("core.persistence.migrations.versions.0017_quality_facts").LIMITS)
    lengths.update(import_module("core.persistence.migrations.versions.0018_course_outcomes").LIMITS)
    lengths.update(import_module("core.persistence.migrations.versions.0019_point_counts").LIMITS)
    lengths.update(import_module("core.persistence.migrations.versions.0020_kept_score_grid").LIMITS)
    for table, added in import_module("core.persistence.migrations.versions.0012_patient_search_keys").LIMITS.items():
        lengths[table] = {**lengths[table], **added}
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            declared = getattr(column.type, "length", None)
            if declared is not None:
                assert lengths[table.name][column.name] == declared, f"{table.name}.{column.name}"


def test_text_longer_than_its_column_is_refused_by_the_database_itself(care: Care, patient):
    """Past Chairside's checks (a bug), SQLite would have kept a name of any length."""
    too_long = "longer than its column" if care.db.is_sqlite else "too long for type character varying"
    with pytest.raises(RecordRefused, match=too_long), care.db.transaction() as tx:
        tx.execute(text("UPDATE patient SET family_name = :name"), {"name": "X" * 121})


@pytest.mark.sqlite_only
def test_text_longer_than_its_column_is_refused_from_a_database_shell(care: Care, patient, db_path: Path):
    with closing(sqlite3.connect(db_path)) as shell, pytest.raises(sqlite3.IntegrityError, match="longer than"):
        shell.execute(
            "INSERT INTO staff (id, display_name, role, active, created_at, must_change_password, failed_sign_ins)"
            " VALUES ('s9', :name, 'nurse', 1, '2026-01-05', 0, 0)",
            {"name": "N" * 10_000},
        )


def test_an_entry_for_a_record_that_is_not_there_is_not_called_a_race(care: Care, nurses):
    """A view recorded for an unknown patient was reported as "someone else recorded at the same moment"."""
    with pytest.raises(NotAllowedError, match="was not found"):
        care.record_view(nurses[0].id, "no-such-patient")
    with pytest.raises(NotAllowedError, match="was not found"), care.db.transaction() as tx:  # past the check
        tx.execute(
            text(
                "INSERT INTO patient_details (id, patient_id, sex, allergies, no_known_allergies, "
                "confirmed_by, confirmed_at) VALUES ('d9', 'no-such-patient', 'female', '', true, :by, "
                "'2026-01-05')"
            ),
            {"by": nurses[0].id},
        )


def test_only_an_account_that_may_see_records_is_recorded_viewing_one(care: Care, patient, accounts):
    admin = next(a for a in accounts.everyone() if a.role.value == "administrator")
    with pytest.raises(NotAllowedError, match="does not record care"):
        care.record_view(admin.id, patient.id)


def test_sessions_recorded_before_they_named_their_course_are_given_it_on_upgrade(tmp_path: Path, clock):
    """0008: a session takes the course its opening entry names; one opened before openings named their
    course takes the patient's newest course begun by that day; one opened before any course has none."""
    path = tmp_path / "before-courses-named.sqlite"
    path.touch()
    older = Database(sqlite_url(path))
    upgrade(older.engine, "0007")
    at = datetime(2026, 3, 2, 9, 0)
    with older.transaction() as tx:
        tx.execute(
            text(
                "INSERT INTO staff (id, display_name, role, active, created_at, must_change_password, failed_sign_ins)"
                " VALUES ('s1', 'Ana', 'nurse', 1, :t, 0, 0)"
            ),
            {"t": at},
        )
        tx.execute(
            text(
                "INSERT INTO patient (id, mrn, family_name, given_name, birth_date, created_at, created_by)"
                " VALUES ('p1', 'MRN-41', 'Ng', 'Lee', '1970-03-14', :t, 's1')"
            ),
            {"t": at},
        )
        for course_id, first_day in (("c1", "2026-01-05"), ("c2", "2026-03-02")):
            tx.execute(
                text(
                    "INSERT INTO course (id, patient_id, protocol_id, protocol_version, prescriber, first_day, days,"
                    " recorded_by, recorded_at) VALUES (:id, 'p1', 'k', '1.0.0', 'Dr A', :first, 5, 's1', :t)"
                ),
                {"id": course_id, "first": first_day, "t": at},
            )
        sessions = {
            "named": (datetime(2026, 3, 3, 9, 0), {"course": {"id": "c1", "day": 2, "of": 5, "missed": []}}),
            "by-date": (datetime(2026, 3, 4, 9, 0), {}),
            "before-any": (datetime(2025, 12, 1, 9, 0), {}),
        }
        for number, (session_id, (opened_at, payload)) in enumerate(sessions.items(), start=1):
            tx.execute(
                text(
                    "INSERT INTO infusion_session (id, patient_id, chair, protocol_id, protocol_version, protocol_hash,"
                    " step, outcome, active, opened_at, opened_by, last_seq, updated_at) VALUES (:id, 'p1', :chair,"
                    " 'k', '1.0.0', 'h', 'done', 'completed', 0, :t, 's1', 1, :t)"
                ),
                {"id": session_id, "chair": number, "t": opened_at},
            )
            tx.execute(
                text(
                    "INSERT INTO session_event (id, session_id, seq, type, payload, occurred_at, recorded_at,"
                    " recorded_by, workstation) VALUES (:id, :sid, 1, 'session.opened', :payload, :t, :t, 's1', 'ws')"
                ),
                {
                    "id": f"e-{session_id}",
                    "sid": session_id,
                    "payload": json.dumps({"patient_id": "p1", **payload}),
                    "t": opened_at,
                },
            )
    older.dispose()
    upgraded = open_database(sqlite_url(path), backup_stamp=clock.now())
    with upgraded.session() as tx:
        found = dict(tx.execute(text("SELECT id, course_id FROM infusion_session")).all())
    upgraded.dispose()
    assert found == {"named": "c1", "by-date": "c2", "before-any": None}


def began_at(care: Care, session_id: str) -> datetime | None:
    with care.door.reading() as tx:
        found = records.summary(tx, session_id)
    assert found is not None
    return found.began_at


def test_a_sessions_row_says_when_its_infusion_first_began(care: Care, patient, nurses, clock):
    """The outcome report and the follow-up list place courses by it: set by the start's entry, kept after."""
    first, _ = nurses
    session_id = prepare(care, patient, nurses)
    assert began_at(care, session_id) is None
    care.start_infusion(session_id, first.id)
    began = clock.now()
    clock.advance(minutes=10)
    care.record_vitals(session_id, NORMAL, first.id)
    assert began_at(care, session_id) == began
    assert audit.verify(care.db).ok


@pytest.mark.sqlite_only
def test_records_from_before_the_report_s_projections_are_given_them_on_upgrade(
    care: Care, patient, nurses, clock, database: Database, db_path: Path
):
    """0010: each session's row takes the moment of its earliest "infusion.started" entry; one never
    started has none; and the audit trail, whose summary hashes never held the moment, still verifies.
    0011: a sitting recorded before it gets its scores in short, as its record says them (verify checks)."""
    first, _ = nurses
    care.record_assessment(
        patient.id,
        {"PI_4a_v1.0": {"PAININ9": 3, "PAININ22": 4, "PAININ31": 2, "PAININ34": 3}},
        mode="chair",
        by=first.id,
    )
    running = prepare(care, patient, nurses)
    care.start_infusion(running, first.id)
    began = clock.now()
    clock.advance(minutes=5)
    other = care.register_patient("MRN-2002", "Okafor", "Chidi", "1980-05-02", first.id)
    care.record_course(other.id, "Dr Amara Patel", clock.now().astimezone().date().isoformat(), "5", first.id)
    waiting = prepare(care, other, nurses, chair=2)
    command.downgrade(alembic_config(database.engine), "0011")
    database.dispose()
    with closing(sqlite3.connect(db_path)) as raw:
        assert raw.execute("SELECT count(*) FROM sitting_scores").fetchone() == (1,)
        raw.execute("DROP TABLE sitting_scores")
        raw.execute("DROP INDEX ix_infusion_session_patient_course_moments")
        raw.execute("ALTER TABLE infusion_session DROP COLUMN began_at")
        raw.execute("UPDATE alembic_version SET version_num = '0009'")
        raw.commit()
    upgraded = open_database(sqlite_url(db_path), backup_stamp=clock.now())
    after = Care(upgraded, care.protocol, clock, workstation="test-ws")
    assert (began_at(after, running), began_at(after, waiting)) == (began, None)
    with upgraded.session() as tx:
        assert len(list(records.stored_sitting_scores(tx))) == 1
    assert audit.verify(upgraded).ok
    upgraded.dispose()
