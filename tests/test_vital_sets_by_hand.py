"""A set of vital signs' columns changed, removed or added by hand in the SQLite file are found by ``audit
verify``, whole and since a noted line."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from core import audit, trail_check
from core.care import Care
from core.clock import ManualClock
from core.persistence.db import Database
from tests.helpers.answers import NORMAL
from tests.test_vital_sets import sets_through_a_session


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ("UPDATE vital_set SET spo2 = 97 WHERE act = 'spo2'", "were changed: they no longer say what its entry says"),
        ("UPDATE vital_set SET act = '' WHERE act = 'spo2'", "were changed: they no longer say what its entry says"),
        ("UPDATE vital_set SET before_start = 0 WHERE act = 'spo2'", "were changed"),
        ("DELETE FROM vital_set WHERE act = 'spo2'", "were removed"),
        (
            "INSERT INTO vital_set SELECT 'not-an-entry', session_id, seq + 100, taken_at, recorded_by, before_start,"
            " partial, point_id, systolic, diastolic, heart_rate, respiratory_rate, spo2, sedation, temperature, act,"
            " advise FROM vital_set WHERE act = 'spo2'",
            "have no entry: it was removed, or they were added by hand",
        ),
    ],
)
def test_a_sets_columns_changed_or_removed_by_hand_are_found(
    care: Care, patient, nurses, clock: ManualClock, database: Database, db_path, change: str, said: str
):
    sets_through_a_session(care, patient, nurses, clock)
    assert audit.verify(database).ok
    database.dispose()
    with closing(sqlite3.connect(db_path)) as raw:
        raw.execute(change)
        raw.commit()
    check = audit.verify(database)
    assert not check.ok and "set of vital signs" in check.problem and said in check.problem, check.problem


def test_the_check_since_a_noted_line_looks_at_the_sets_of_the_sessions_written_to_since(
    care: Care, patient, nurses, clock: ManualClock, database: Database, db_path
):
    sid = sets_through_a_session(care, patient, nurses, clock)
    noted = audit.head(database)
    assert noted is not None
    clock.advance(minutes=10)
    care.record_vitals(sid, NORMAL, nurses[0].id)  # the session is written to after the note
    assert trail_check.since_anchor(database, *noted).ok
    database.dispose()
    with closing(sqlite3.connect(db_path)) as raw:  # a set from before the note, changed by hand
        raw.execute("UPDATE vital_set SET spo2 = 97 WHERE act = 'spo2'")
        raw.commit()
    found = trail_check.since_anchor(database, *noted)
    assert not found.ok and "set of vital signs" in found.problem, found.problem


def test_rows_stored_out_of_their_entries_order_still_hold(
    care: Care, patient, nurses, clock: ManualClock, database: Database, db_path
):
    """The whole check pairs rows and entries as both were stored; a row written again later (the same
    values, a later place in the file) is paired all the same."""
    sets_through_a_session(care, patient, nurses, clock)
    database.dispose()
    with closing(sqlite3.connect(db_path)) as raw:
        raw.execute("CREATE TEMP TABLE kept AS SELECT * FROM vital_set WHERE act = 'spo2'")
        raw.execute("DELETE FROM vital_set WHERE act = 'spo2'")
        raw.execute("INSERT INTO vital_set SELECT * FROM kept")
        raw.commit()
        assert raw.execute("SELECT act FROM vital_set ORDER BY rowid DESC LIMIT 1").fetchone() == ("spo2",)
    check = audit.verify(database)
    assert check.ok, check.problem
