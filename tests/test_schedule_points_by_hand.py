"""A signed session's scheduled points changed, removed or added by hand (past the triggers that refuse it)
are found by ``audit verify``, whole and since a noted line, on either store."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from core import audit, trail_check
from core.care import Care
from core.clock import ManualClock
from core.events import Event, EventType
from core.identify import Identified
from core.persistence.db import Database
from tests.helpers.people import ANA_PASSWORD
from tests.test_schedule_points import late_and_missed

pytestmark = pytest.mark.both_stores


def by_hand(database: Database, change: str) -> None:
    """``change`` run past the table's refusal of any change (its triggers dropped first)."""
    with database.engine.begin() as connection:
        if database.is_sqlite:
            connection.execute(text("DROP TRIGGER schedule_point_no_update"))
            connection.execute(text("DROP TRIGGER schedule_point_no_delete"))
        else:
            connection.execute(text("DROP TRIGGER schedule_point_append_only ON schedule_point"))
        connection.execute(text(change))


COPIED = (
    "INSERT INTO schedule_point SELECT session_id, schedule, 'infusion-25', due_at, taken_at, status, late_seconds"
    " FROM schedule_point WHERE status = 'late'"
)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ("UPDATE schedule_point SET status = 'done' WHERE status = 'late'", "were changed"),
        ("UPDATE schedule_point SET late_seconds = 60 WHERE status = 'late'", "were changed"),
        ("UPDATE schedule_point SET taken_at = due_at, status = 'done' WHERE status = 'missed'", "were changed"),
        ("DELETE FROM schedule_point WHERE status = 'missed'", "were removed: its entries say 11 fell, 10 are kept"),
        (COPIED, "include points its entries do not have"),
    ],
)
def test_a_sessions_points_changed_removed_or_added_by_hand_are_found(
    care: Care, patient, nurses, clock: ManualClock, database: Database, change: str, said: str
):
    late_and_missed(care, patient, nurses, clock)
    assert audit.verify(database).ok
    by_hand(database, change)
    check = audit.verify(database)
    assert not check.ok and "scheduled points kept for session" in check.problem and said in check.problem, (
        check.problem
    )


def test_points_of_a_session_never_signed_are_found(
    care: Care, patient, nurses, clock: ManualClock, database: Database
):
    """A session open the next day, its signed sibling's points copied to it."""
    sid, _, _ = late_and_missed(care, patient, nurses, clock)
    clock.advance(minutes=24 * 60)
    identified = Identified(name=True, birth_date=patient.birth_date.isoformat())
    unsigned = care.open_session(patient.id, 2, nurses[0].id, identified).session_id
    by_hand(
        database,
        f"INSERT INTO schedule_point SELECT '{unsigned}', schedule, point_id, due_at, taken_at, status, late_seconds"
        f" FROM schedule_point WHERE session_id = '{sid}'",
    )
    check = audit.verify(database)
    assert not check.ok and f"kept for session {unsigned}, which is not signed" in check.problem, check.problem


def test_the_check_since_a_noted_line_looks_at_the_sessions_written_to_since(
    care: Care, patient, nurses, clock: ManualClock, database: Database
):
    sid, _, _ = late_and_missed(care, patient, nurses, clock)
    noted = audit.head(database)
    assert noted is not None
    clock.advance(minutes=10)
    care.add_addendum(sid, "Patient phoned: home safely.", nurses[0].id, ANA_PASSWORD)
    assert trail_check.since_anchor(database, *noted).ok
    by_hand(database, "UPDATE schedule_point SET status = 'done' WHERE status = 'late'")
    found = trail_check.since_anchor(database, *noted)
    assert not found.ok and "scheduled points kept for session" in found.problem, found.problem


def test_an_entry_made_for_the_look_is_the_entry_made_as_usual():
    """``audit verify`` makes the entries it replays without ``Event``'s frozen ``__init__``: the same value."""
    at = datetime(2026, 11, 26, 13, 10, tzinfo=UTC)
    row = ("s-1", "e-1", 4, "vitals.recorded", "13:10", "13:10", None, "infusion-10")
    made = trail_check._entry(row, lambda _text: at)
    usual = Event("e-1", "s-1", 4, EventType.VITALS, at, at, "", "", {"point_id": "infusion-10"})
    assert made == usual and made.payload["point_id"] == "infusion-10"
    with pytest.raises(FrozenInstanceError):
        made.seq = 5  # type: ignore[misc]
