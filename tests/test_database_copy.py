"""Every test's database is a copy of one made once per run (tests/helpers/databases.py); this is the check
that the copy is the database Chairside would have created at that path, so no test passes only because
its database was made differently from a real one."""

from __future__ import annotations

import stat
from pathlib import Path

from sqlalchemy import text

from core.persistence.db import PRIVATE, SCHEMA_HEAD, Database, open_database, sqlite_url

FILE_SETTINGS = ("application_id", "user_version", "page_size", "auto_vacuum", "encoding", "journal_mode")
"""What SQLite keeps in the file itself rather than per connection."""


def made_of(database: Database) -> tuple[list[tuple[str, ...]], dict[str, object]]:
    """Every table, index and trigger with its SQL, and the settings kept in the file."""
    with database.session() as tx:
        schema = [tuple(row) for row in tx.execute(text("SELECT type, name, tbl_name, sql FROM sqlite_master"))]
        settings = {name: tx.execute(text(f"PRAGMA {name}")).scalar() for name in FILE_SETTINGS}
    return sorted(schema), settings


def test_a_tests_database_is_the_one_chairside_would_have_created_there(
    database: Database, db_path: Path, tmp_path: Path
) -> None:
    fresh_path = tmp_path / "fresh" / "chairside.sqlite"
    fresh = open_database(sqlite_url(fresh_path), create=True)
    try:
        assert stat.S_IMODE(db_path.stat().st_mode) == stat.S_IMODE(fresh_path.stat().st_mode) == PRIVATE
        assert database.schema_revision() == fresh.schema_revision() == SCHEMA_HEAD
        assert made_of(database) == made_of(fresh)
        assert made_of(database)[1]["journal_mode"] == "wal"
    finally:
        fresh.dispose()


def test_each_test_has_a_database_of_its_own(database: Database, db_path: Path, template_database: Path) -> None:
    """A test writing to its database leaves the template, and so every later test's copy, untouched."""
    before = template_database.read_bytes()
    with database.transaction() as tx:
        tx.execute(text("CREATE TABLE scribble (x INTEGER)"))
    assert database.sqlite_path == db_path != template_database
    assert template_database.read_bytes() == before
