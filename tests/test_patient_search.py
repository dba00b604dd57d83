"""Finding a patient: by the record number as scanned or typed, or by the first letters of a name, each read
from an index, on both stores; and patients registered before the search keys existed are found after the
upgrade that gives them theirs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from alembic import command
from sqlalchemy import event, text

from core.care import Care
from core.clock import ManualClock
from core.persistence.db import Database, open_database
from core.persistence.migrate import alembic_config
from core.protocol import Protocol

pytestmark = pytest.mark.both_stores


@pytest.fixture
def registered(care: Care, nurses) -> dict[str, str]:
    """Four patients, two sharing a family name's beginning, one with accents and a hyphen."""
    by = nurses[0].id
    people = {
        "MRN-1001": ("Lindqvist", "Maja"),
        "MRN-1002": ("Lindberg", "Anders"),
        "mrn-ab7": ("Ångström-Berg", "Élodie"),
        "MRN-1004": ("Okafor", "Chidi"),
    }
    return {
        mrn: care.register_patient(mrn, family, given, "1971-03-14", by=by, confirm_new=True).id
        for mrn, (family, given) in people.items()
    }


def found(care: Care, typed: str) -> list[str]:
    return [patient.mrn for patient in care.find_patients(typed)]


def test_a_record_number_is_found_whatever_its_letter_case_and_the_spaces_around_it(care: Care, registered):
    assert found(care, "  MRN-AB7 ") == ["mrn-ab7"]
    assert found(care, "mrn-1004") == ["MRN-1004"]


def test_a_name_is_found_by_its_first_letters_without_case_accents_or_punctuation(care: Care, registered):
    assert found(care, "lind") == ["MRN-1002", "MRN-1001"]  # by family name: Lindberg before Lindqvist
    assert found(care, "ANGSTROM") == ["mrn-ab7"]
    assert found(care, "angstrom berg") == ["mrn-ab7"]
    assert found(care, "elo") == ["mrn-ab7"]  # a given name's beginning will do too


def test_more_words_narrow_the_search_in_either_order(care: Care, registered):
    assert found(care, "Lindqvist Maja") == ["MRN-1001"]
    assert found(care, "maja lindq") == ["MRN-1001"]
    assert found(care, "Lind Chidi") == []


def test_nothing_is_found_for_letters_inside_a_name_or_a_part_of_a_number(care: Care, registered):
    assert found(care, "qvist") == []
    assert found(care, "MRN-10") == []


@contextmanager
def statements(database: Database) -> Iterator[list[tuple[str, Any]]]:
    """The SQL the code under test sends, with its parameters."""
    sent: list[tuple[str, Any]] = []

    def seen(_conn, _cursor, statement, parameters, _context, _many) -> None:
        sent.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)


def plan(database: Database, statement: str, parameters: Any) -> str:
    """What the database would do for ``statement``: PostgreSQL told to avoid a full scan where it has a
    choice, since on a handful of rows a scan is what it would rightly pick."""
    with database.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        cursor = raw.cursor()
        if database.is_sqlite:
            cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(f"EXPLAIN {statement}", parameters)
        return "\n".join(str(row[0]) for row in cursor.fetchall())


def test_each_search_reads_an_index_not_every_patient(care: Care, registered):
    with statements(care.db) as sent:
        assert found(care, "MRN-1004 ") == ["MRN-1004"]
        assert found(care, "lindq maja") == ["MRN-1001"]
    searches = [(sql, params) for sql, params in sent if "FROM patient " in sql and "patient_details" not in sql]
    assert len(searches) == 4, searches  # for each search: by record number, then by name
    plans = [plan(care.db, sql, params) for sql, params in searches]
    assert "ix_patient_mrn_key" in plans[0]
    for by_name in plans[1::2]:
        assert "ix_patient_family_key" in by_name and "ix_patient_given_key" in by_name, by_name
    for whole in plans:
        assert "SCAN patient\n" not in f"{whole}\n" and "Seq Scan" not in whole, whole


def test_the_same_person_registered_twice_is_looked_for_by_date_of_birth_from_an_index(care: Care, registered):
    with statements(care.db) as sent:
        assert [p.mrn for p in care.similar_patients("Lindqvist", "Maia", "1971-03-14")] == ["MRN-1001"]
    (query,) = [(sql, params) for sql, params in sent if "patient.birth_date =" in sql]
    assert "ix_patient_birth_date" in plan(care.db, *query)


def test_patients_registered_before_the_keys_existed_are_given_them_on_upgrade(
    care: Care, registered, database: Database, protocol: Protocol, clock: ManualClock
):
    command.downgrade(alembic_config(database.engine), "0011")
    with database.engine.connect() as connection:
        columns = connection.execute(text("SELECT * FROM patient")).keys()
    assert "family_key" not in columns
    address = database.url.render_as_string(hide_password=False)
    database.dispose()
    upgraded = open_database(address, backup_stamp=clock.now())
    try:
        after = Care(upgraded, protocol, clock, workstation="test-ws")
        assert found(after, "angstrom") == ["mrn-ab7"]
        assert found(after, "mrn-AB7") == ["mrn-ab7"]
        assert found(after, "lind") == ["MRN-1002", "MRN-1001"]
    finally:
        upgraded.dispose()
