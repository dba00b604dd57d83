"""The whole check pairs the kept scheduled points with their sessions as both are read in the order stored
(``core.trail_check._points_out_of_step``): points stored out of turn are still found right, and points
changed, removed or added by hand are still found when they are stored out of turn too, on either store."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, select, text

from core import audit, records, trail_check
from core.care import Care
from core.clock import ManualClock
from core.persistence.db import Database
from core.persistence.tables import ScheduledPointRecord
from core.records import trail_streams
from tests.helpers.sessions import signed
from tests.test_schedule_points import late_and_missed
from tests.test_schedule_points_by_hand import by_hand

pytestmark = pytest.mark.both_stores

POINTS = ScheduledPointRecord.__table__  # type: ignore[attr-defined]


def stored_again(database: Database, session_id: str, change: str = "SELECT 1") -> None:
    """``change`` made by hand, then a session's points taken out and stored again, last of all and in the
    reverse order (past the triggers that refuse it): the same rows, out of turn."""
    by_hand(database, change)
    with database.engine.begin() as connection:
        rows = [
            dict(row._mapping) for row in connection.execute(select(POINTS).where(POINTS.c.session_id == session_id))
        ]
        connection.execute(delete(POINTS).where(POINTS.c.session_id == session_id))
        connection.execute(POINTS.insert(), rows[::-1])


def two_signed(care: Care, patient, nurses, clock: ManualClock) -> tuple[str, str]:
    """The first day's session (late and missed points, an alarm's recheck), then the next day's, on time."""
    first, _, _ = late_and_missed(care, patient, nurses, clock)
    clock.advance(timedelta(days=1) - timedelta(minutes=70))
    return first, signed(care, patient, nurses, clock)


@pytest.mark.parametrize("ahead", [trail_check.POINTS_AHEAD, 1])
def test_points_stored_out_of_turn_are_still_found_right(
    care: Care, patient, nurses, clock: ManualClock, database: Database, monkeypatch, ahead: int
):
    """With 1 ahead, the first session's points are not met before the second's are held: looked at by key."""
    monkeypatch.setattr(trail_check, "POINTS_AHEAD", ahead)
    first, _ = two_signed(care, patient, nurses, clock)
    stored_again(database, first)
    check = audit.verify(database)
    assert check.ok, check.problem


@pytest.mark.parametrize("ahead", [trail_check.POINTS_AHEAD, 1])
@pytest.mark.parametrize(
    ("change", "said"),
    [
        ("UPDATE schedule_point SET status = 'done' WHERE status = 'late'", "were changed"),
        ("DELETE FROM schedule_point WHERE status = 'missed'", "were removed: its entries say 11 fell, 10 are kept"),
        ("DELETE FROM schedule_point WHERE point_id LIKE 'recheck-%'", "were removed"),
    ],
)
def test_points_changed_or_removed_are_found_when_stored_out_of_turn(
    care: Care, patient, nurses, clock: ManualClock, database: Database, monkeypatch, ahead: int, change: str, said: str
):
    monkeypatch.setattr(trail_check, "POINTS_AHEAD", ahead)
    first, _ = two_signed(care, patient, nurses, clock)
    stored_again(database, first, change)
    check = audit.verify(database)
    assert not check.ok and f"scheduled points kept for session {first}" in check.problem, check.problem
    assert said in check.problem, check.problem


def test_every_point_of_a_session_removed_is_found(care: Care, patient, nurses, clock: ManualClock, database):
    _, second = two_signed(care, patient, nurses, clock)
    by_hand(database, f"DELETE FROM schedule_point WHERE session_id = '{second}'")
    check = audit.verify(database)
    assert not check.ok and f"session {second} were removed: its entries say" in check.problem, check.problem
    assert "0 are kept" in check.problem, check.problem


def test_a_point_added_to_the_first_session_after_both_is_found(
    care: Care, patient, nurses, clock: ManualClock, database: Database
):
    """A copy of the second session's baseline given to the first, stored after both sessions' points: the
    first's points met in turn match, the added one is met apart from them."""
    first, second = two_signed(care, patient, nurses, clock)
    by_hand(
        database,
        f"INSERT INTO schedule_point SELECT '{first}', schedule, 'infusion-25', due_at, taken_at, status, late_seconds"
        f" FROM schedule_point WHERE session_id = '{second}' AND point_id = 'baseline'",
    )
    check = audit.verify(database)
    assert not check.ok and f"session {first} include points its entries do not have" in check.problem, check.problem


def test_points_in_step_are_not_looked_up_by_key(
    care: Care, patient, nurses, clock: ManualClock, database: Database, monkeypatch
):
    """Where the rows can be read in the order stored (SQLite), sessions whose points match as they come are
    not asked for again one batch at a time (what cost most at ten years); elsewhere they are read by key."""
    two_signed(care, patient, nurses, clock)
    asked: list[list[str]] = []
    by_key = records.kept_points

    def kept_points(tx, session_ids=None):
        asked.append(list(session_ids or ()))
        return by_key(tx, session_ids)

    monkeypatch.setattr(records, "kept_points", kept_points)
    assert audit.verify(database).ok
    assert (asked == []) == database.is_sqlite, asked


def test_an_entry_replayed_carries_when_it_was_saved_only_for_a_signature():
    """Only the signature's saving is read (``replayed`` reads no other's): the others carry their moment."""
    at = {"13:10": datetime(2026, 11, 26, 13, 10), "13:12": datetime(2026, 11, 26, 13, 12)}
    made = trail_check._entry(("s-1", "e-1", 4, "vitals.recorded", "13:10", None, None, "end"), at.__getitem__)
    signature = trail_check._entry(("s-1", "e-2", 5, "session.signed", "13:10", "13:12", "{}", None), at.__getitem__)
    assert made.recorded_at == made.occurred_at and signature.recorded_at == at["13:12"]


def test_nothing_changed_is_said_for_points_in_the_order_written(
    care: Care, patient, nurses, clock: ManualClock, database: Database
):
    two_signed(care, patient, nurses, clock)
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM schedule_point")).scalar_one() > 11
    assert audit.verify(database).ok


def test_a_few_sessions_entries_are_those_of_the_whole_read(
    care: Care, patient, nurses, clock: ManualClock, database: Database
):
    """Read by session (since a noted line, and the sessions looked at again), the kinds are picked out of
    each session's entries: the same rows as the whole read gives of those sessions, and no other kind."""
    first, _ = two_signed(care, patient, nurses, clock)
    kinds, reads = trail_check._SCHEDULE_KINDS, trail_check._SCHEDULE_READS
    with database.session() as tx:
        whole = sorted(row for row in trail_streams.schedule_entries(tx, None, kinds, reads) if row[0] == first)
        few = list(trail_streams.schedule_entries(tx, [first], kinds, reads))
        every = {row[3] for row in trail_streams.session_entries(tx) if row[1] == first}
    assert sorted(few) == whole and len(whole) > 10
    assert {row[3] for row in few} == every & {kind.value for kind in kinds} != every


@pytest.mark.parametrize("few", [trail_streams.BATCH_SESSIONS, 1])
def test_of_several_sessions_out_of_step_the_first_signed_is_said(
    care: Care, patient, nurses, clock: ManualClock, database: Database, monkeypatch, few: int
) -> None:
    """Both sessions' points changed: the first signed is named, not the first by id, whether the sessions
    looked at by key come in one batch or one at a time."""
    first, _ = two_signed(care, patient, nurses, clock)
    by_hand(database, "UPDATE schedule_point SET late_seconds = late_seconds + 1 WHERE late_seconds IS NOT NULL")
    monkeypatch.setattr(trail_streams, "BATCH_SESSIONS", few)
    check = audit.verify(database)
    assert not check.ok and f"scheduled points kept for session {first} were changed" in check.problem, check.problem
