"""The scheduled points are counted by day, and each signed session's first and last kept, with each
signature's points, by the history generator in bulk, and for the points kept before on upgrade; the rows
always equal the points counted again (``records.point_counts_recounted``), and a review of timeliness read
from them counts what the points read one by one count, whatever its period's bounds."""

from __future__ import annotations

from contextlib import closing
from datetime import UTC, datetime, time, timedelta

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import select

from core import audit, records
from core.care import Care
from core.clock import ManualClock
from core.persistence.db import Database, open_database
from core.persistence.migrate import alembic_config
from core.persistence.tables import QualityPointDay, QualityPointSpan
from core.protocol import Protocol
from core.schedule_points import tally_of
from tests.helpers.people import ANA_PASSWORD
from tests.helpers.sessions import discharged, seen, signed
from tests.test_history import END, START, build
from tests.test_schedule_points import late_and_missed

pytestmark = pytest.mark.both_stores


def kept(database: Database) -> tuple[list[tuple], list[tuple]]:
    with database.session() as tx:
        days = [
            (r.day, r.schedule, r.point_id, r.status, r.points, r.first_due, r.first_session)
            for r in tx.exec(select(QualityPointDay))
        ]
        spans = [(r.session_id, r.first_due, r.last_due) for r in tx.exec(select(QualityPointSpan))]
    return sorted(days), sorted(spans)


def agrees(database: Database) -> bool:
    with database.session() as tx:
        return records.point_counts_recounted(tx).agrees


def same_as_read_one_by_one(care: Care, since: datetime, until: datetime) -> int:
    """The tally of [since, until) from the counts, held to the points read one by one; how many it counted."""
    with care.door.reading() as tx:
        counted = records.schedule_point_tally(tx, since, until)
        by_hand = tally_of(records.schedule_points_between(tx, since, until))
    assert list(counted.counts.items()) == list(by_hand.counts.items())  # in the order first met
    assert (counted.late, counted.sessions) == (by_hand.late, by_hand.sessions)
    return sum(counted.counts.values())


@pytest.fixture
def three_days(care: Care, patient, nurses, clock: ManualClock):
    """A session with a point late and one missed (its vital signs and side-effect checks falling at the same
    moments), then one a day later and one two days later: the first session's start."""
    _, _, start = late_and_missed(care, patient, nurses, clock)
    clock.advance(minutes=24 * 60)
    signed(care, patient, nurses, clock, chair=2)
    clock.advance(minutes=24 * 60)
    signed(care, patient, nurses, clock, chair=3)
    return start


def test_each_signatures_points_are_counted_with_it(three_days, care: Care, database: Database):
    days, spans = kept(database)
    assert len(spans) == 3 and sum(row[4] for row in days) == same_as_read_one_by_one(
        care, three_days - timedelta(days=1), three_days + timedelta(days=4)
    )
    assert {row[3] for row in days} == {"done", "late", "missed"}
    assert agrees(database)


def test_a_session_signed_days_later_counts_its_points_on_the_days_they_fell(
    care: Care, patient, nurses, clock: ManualClock, database: Database
):
    sid = discharged(care, patient, nurses, clock)
    clock.advance(minutes=3 * 24 * 60)
    care.sign(sid, nurses[0].id, ANA_PASSWORD, seen_seq=seen(care, sid))
    with care.door.reading() as tx:
        points = records.schedule_points_between(tx, clock.now() - timedelta(days=5), clock.now())
    days, spans = kept(database)
    assert {row[0] for row in days} == {point.due_at.date() for point in points} != {clock.now().date()}
    assert spans == [(sid, min(p.due_at for p in points), max(p.due_at for p in points))]
    assert agrees(database)


@pytest.mark.parametrize("hours", [0, 1, 5.5, 13.25, 23, 24, 36])
@pytest.mark.parametrize("days", [0.5, 1, 2, 3])
def test_a_period_from_any_moment_counts_what_its_points_say(three_days, care: Care, hours, days):
    """Periods beginning at midnight UTC or at any hour after it (a clinic's local midnight), from half a day
    to three: the whole days from their rows, the ends point by point."""
    since = three_days.replace(hour=0, minute=0) - timedelta(days=1) + timedelta(hours=hours)
    same_as_read_one_by_one(care, since, since + timedelta(days=days))


def test_a_history_written_in_bulk_counts_its_points(database: Database, protocol: Protocol, nurses, care: Care):
    build(database, protocol, nurses)
    assert agrees(database)
    first, last = (datetime.combine(day, time(), UTC) for day in (START, END))
    assert same_as_read_one_by_one(care, first - timedelta(hours=7), last + timedelta(days=1)) > 0
    middle = first + (last - first) / 2
    same_as_read_one_by_one(care, middle + timedelta(minutes=17), middle + timedelta(days=9, hours=3))


def test_points_kept_before_the_tables_existed_are_counted_on_upgrade(
    three_days, care: Care, clock: ManualClock, database: Database
):
    before = kept(database)
    command.downgrade(alembic_config(database.engine), "0018")
    with closing(database.engine.connect()) as connection:
        assert "quality_point_day" not in database.engine.dialect.get_table_names(connection)
    address = database.url.render_as_string(hide_password=False)
    database.dispose()
    upgraded = open_database(address, backup_stamp=clock.now())
    try:
        assert kept(upgraded) == before and len(before[1]) == 3
        assert agrees(upgraded)
    finally:
        upgraded.dispose()


@pytest.mark.parametrize("change", ["count", "removed", "span"])
def test_audit_verify_names_a_count_changed_or_removed_by_hand(three_days, database: Database, change):
    """A count changed would move the timeliness figures of every period over its day unseen: the whole check
    names it."""
    assert audit.verify(database).ok
    (day, schedule, point_id, status, *_), *_ = kept(database)[0]
    session_id = kept(database)[1][0][0]
    where = "day = :day AND schedule = :schedule AND point_id = :point_id AND status = :status"
    statement = {
        "count": f"UPDATE quality_point_day SET points = points + 1 WHERE {where}",
        "removed": f"DELETE FROM quality_point_day WHERE {where}",
        "span": "UPDATE quality_point_span SET last_due = first_due WHERE session_id = :session_id",
    }[change]
    with database.transaction() as tx:
        tx.execute(
            text(statement),
            {"day": day, "schedule": schedule, "point_id": point_id, "status": status, "session_id": session_id},
        )
    check = audit.verify(database)
    said = {
        "count": f"count of {schedule} point {point_id} {status} on {day.isoformat()} was changed",
        "removed": f"count of {schedule} point {point_id} {status} on {day.isoformat()} was removed",
        "span": f"span of session {session_id} no longer says when its points fell",
    }[change]
    assert not check.ok and said in check.problem, check.problem
