"""Each day's sets of vital signs are packed in one row (``quality_set_day``), appended to with each set, by
the history generator in bulk, and from the sets kept before on upgrade; a day's row always holds what
``vital_set`` holds for it (``records.set_days_recounted``), the quality report reads its sets from these rows
whatever its period's bounds, and ``audit verify`` names a row changed by hand."""

from __future__ import annotations

import struct
from contextlib import closing
from datetime import UTC, datetime, time, timedelta
from math import isnan

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import col, select

from core import audit, records
from core.care import Care
from core.clock import ManualClock
from core.persistence.db import Database, open_database
from core.persistence.migrate import alembic_config
from core.persistence.tables import QualitySetDay, VitalSet
from core.protocol import Protocol
from core.records import set_days
from core.records.set_days import ROW_COLUMNS, add_set_days, set_days_between, unpacked
from tests.helpers.clinic import PRESCRIBER, T0
from tests.helpers.sessions import signed
from tests.test_history import END, START, build
from tests.test_quality_alarms import a_day_of_alarms

pytestmark = pytest.mark.both_stores


def packed(database: Database) -> list[tuple]:
    """Every set the day rows hold, as ``vital_set`` rows, by id."""
    with database.session() as tx:
        days = tx.exec(select(QualitySetDay)).all()
        found = [
            row
            for day in days
            for row in unpacked(
                day.words.split("\n") if day.words else [],
                ids=day.ids,
                moments=day.moments,
                numbers=day.numbers,
                flags=day.flags,
                readings=day.readings,
            )
        ]
    return sorted(found)


def kept(database: Database, since: datetime | None = None, until: datetime | None = None) -> list[tuple]:
    """The ``vital_set`` rows (taken in [since, until), when given), by id."""
    query = select(VitalSet)
    if since is not None and until is not None:
        query = query.where(col(VitalSet.taken_at) >= since, col(VitalSet.taken_at) < until)
    with database.session() as tx:
        return sorted(tuple(getattr(row, name) for name in ROW_COLUMNS) for row in tx.exec(query))


def agrees(database: Database) -> bool:
    with database.session() as tx:
        return not records.set_days_recounted(tx)


def read_between(database: Database, since: datetime, until: datetime) -> list[tuple]:
    """The sets ``set_days_between`` reads for [since, until), as (id, session, seq, moment, readings, then who
    recorded it, its point, its findings and flags)."""
    with database.session() as tx:
        days = set_days_between(tx.connection(), since, until)
    words = [*days.words, None]  # a point of none is -1
    return sorted(
        (
            set_id.decode().rstrip(),
            words[session],
            seq,
            moment,
            tuple(None if isnan(v) else v for v in values),
            (words[nurse], words[point], words[act], words[advise], before, partial),
        )
        for set_id, session, seq, moment, values, nurse, point, act, advise, before, partial in zip(
            days.ids.tolist(),
            days.sessions.tolist(),
            days.seqs.tolist(),
            days.moments.tolist(),
            days.values.tolist(),
            days.nurses.tolist(),
            days.points.tolist(),
            days.act.tolist(),
            days.advise.tolist(),
            days.before_start.tolist(),
            days.partial.tolist(),
            strict=True,
        )
    )


def by_hand(database: Database, since: datetime, until: datetime) -> list[tuple]:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return sorted(
        (
            row[0],
            row[1],
            row[2],
            (row[3] - epoch) // timedelta(microseconds=1),
            tuple(row[8:-2]),
            (row[4], row[7], row[-2], row[-1], bool(row[5]), bool(row[6])),
        )
        for row in kept(database, since, until)
    )


@pytest.fixture
def two_days(care: Care, patient, nurses, clock: ManualClock):
    """The alarms' day (baselines, a rise, act-now and advisory findings), then a session signed a day later:
    the first day's first moment."""
    first = clock.now()
    a_day_of_alarms(care, patient, nurses, clock)
    clock.advance(minutes=24 * 60)
    someone = care.register_patient("MRN-3003", "Lund", "Ola", "1983-02-02", by=nurses[0].id)
    care.record_course(someone.id, PRESCRIBER, T0.astimezone().date().isoformat(), "5", by=nurses[0].id)
    signed(care, someone, nurses, clock, chair=3)
    return first


def test_each_set_is_packed_in_its_days_row_as_it_is_recorded(two_days, database: Database):
    sets = kept(database)
    assert packed(database) == sets and len({row[3].astimezone(UTC).date() for row in sets}) >= 2
    assert any(row[-2] for row in sets) and any(row[-1] for row in sets)  # act-now and advisory findings
    assert agrees(database)


def test_a_day_whose_words_are_not_as_last_written_here_is_read_again(
    two_days, database: Database, monkeypatch: pytest.MonkeyPatch
):
    """A set is packed on its day's words as this process last wrote them, unread, only while the row still
    holds them: another workstation's new word, or words of a transaction rolled back, and the day is read again,
    so no set names a word by another's place."""
    sets = kept(database)
    last = sets[-1]
    day = last[3].astimezone(UTC).date()
    with database.session() as tx:
        stored = tx.exec(select(QualitySetDay.words).where(QualitySetDay.day == day)).one()
    added = [(f"extra-{n}", f"another session {n}", *last[2:]) for n in range(3)]
    for row, seen in zip(added, (stored.rsplit("\n", 1)[0], "words of a transaction rolled back", None), strict=True):
        if seen is not None:
            monkeypatch.setitem(set_days._SEEN[database.engine], day, seen)
        with database.transaction() as tx:
            add_set_days(tx.connection(), [row])
    assert packed(database) == sorted([*sets, *added])


@pytest.mark.parametrize("hours", [0, 1, 5.5, 23, 36])
@pytest.mark.parametrize("days", [0.5, 1, 3])
def test_a_reading_from_any_moment_holds_the_sets_taken_in_it(two_days, database: Database, hours, days):
    since = two_days.replace(hour=0, minute=0) - timedelta(days=1) + timedelta(hours=hours)
    until = since + timedelta(days=days)
    assert read_between(database, since, until) == by_hand(database, since, until)


def test_a_history_written_in_bulk_packs_its_sets(database: Database, protocol: Protocol, nurses):
    build(database, protocol, nurses)
    assert packed(database) == kept(database) != []
    assert agrees(database)
    first, last = (datetime.combine(day, time(), UTC) for day in (START, END))
    middle = first + (last - first) / 2 + timedelta(hours=7, minutes=13)
    assert read_between(database, middle, middle + timedelta(days=9)) == by_hand(
        database, middle, middle + timedelta(days=9)
    )


def test_sets_kept_before_the_table_existed_are_packed_on_upgrade(two_days, clock: ManualClock, database: Database):
    before = packed(database)
    command.downgrade(alembic_config(database.engine), "0020")
    with closing(database.engine.connect()) as connection:
        assert "quality_set_day" not in database.engine.dialect.get_table_names(connection)
    address = database.url.render_as_string(hide_password=False)
    database.dispose()
    upgraded = open_database(address, backup_stamp=clock.now())
    try:
        assert packed(upgraded) == before != []
        assert agrees(upgraded)
    finally:
        upgraded.dispose()


@pytest.mark.parametrize("change", ["reading", "removed", "added", "count"])
def test_audit_verify_names_a_day_changed_by_hand(two_days, database: Database, change):
    """A day's sets changed would move the alarm figures and the replay of every period over it unseen: the
    whole check names the day."""
    assert audit.verify(database).ok
    with database.session() as tx:
        day = tx.exec(select(QualitySetDay.day).order_by(col(QualitySetDay.day))).first()
    assert day is not None
    other = day - timedelta(days=400)
    statement = {
        "reading": "UPDATE quality_set_day SET readings = :readings WHERE day = :day",
        "removed": "DELETE FROM quality_set_day WHERE day = :day",
        "added": "INSERT INTO quality_set_day (day, sets, words, ids, moments, numbers, flags, readings) "
        "SELECT :other, sets, words, ids, moments, numbers, flags, readings FROM quality_set_day WHERE day = :day",
        "count": "UPDATE quality_set_day SET sets = sets + 1 WHERE day = :day",
    }[change]
    with database.session() as tx:
        readings = tx.exec(select(QualitySetDay.readings).where(QualitySetDay.day == day)).one()
    moved = bytes(readings[:8]) + struct.pack("<d", 12.5) + bytes(readings[16:])  # the first set's diastolic
    with database.transaction() as tx:
        tx.execute(text(statement), {"day": day, "other": other, "readings": moved})
    check = audit.verify(database)
    when = (other if change == "added" else day).isoformat()
    said = {
        "reading": "were changed",
        "removed": "were removed",
        "added": "were added by hand",
        "count": "were changed",
    }[change]
    assert not check.ok and f"sets of vital signs of {when} {said}" in check.problem, check.problem
