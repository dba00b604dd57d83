"""Moments read back from SQLite as the very UTC moments stored, by the one-step reader (``utc_from_text``)
as by SQLAlchemy's own two steps, whatever the time zone they were given in; and stored as the very text
those two steps made of them (``utc_text``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Column, DateTime, Integer, MetaData, Table, create_engine, insert, select

from core.persistence.types import UTCDateTime, utc_from_text, utc_from_texts, utc_text

ZONES = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
MOMENTS = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=ZONES)


@pytest.fixture(scope="module")
def stored():
    engine = create_engine("sqlite://")
    table = Table("moment", MetaData(), Column("id", Integer, primary_key=True), Column("at", UTCDateTime()))
    table.metadata.create_all(engine)
    yield engine, table
    engine.dispose()


@given(moment=MOMENTS)
def test_a_stored_moment_reads_back_as_the_same_moment_in_utc(stored, moment: datetime) -> None:
    engine, table = stored
    with engine.begin() as connection:
        row_id = connection.execute(insert(table).values(at=moment)).inserted_primary_key[0]
        back = connection.execute(select(table.c.at).where(table.c.id == row_id)).scalar_one()
    assert back == moment
    assert back.tzinfo is UTC


@pytest.mark.parametrize(
    ("kept", "moment"),
    [
        ("2026-11-26 13:00:00.000000", datetime(2026, 11, 26, 13, tzinfo=UTC)),
        ("2026-11-26 13:00:00", datetime(2026, 11, 26, 13, tzinfo=UTC)),
        ("2026-11-26T13:00:00.250000", datetime(2026, 11, 26, 13, 0, 0, 250000, tzinfo=UTC)),
        ("2026-11-26 15:00:00+02:00", datetime(2026, 11, 26, 13, tzinfo=UTC)),
        ("2026-11-26", datetime(2026, 11, 26, tzinfo=UTC)),
        (datetime(2026, 11, 26, 13), datetime(2026, 11, 26, 13, tzinfo=UTC)),
    ],
)
def test_every_form_of_kept_moment_reads_as_sqlalchemy_reads_it(kept: object, moment: datetime) -> None:
    """The one-step reader agrees with the dialect's parse followed by ``process_result_value``."""
    engine = create_engine("sqlite://")
    dialect = engine.dialect
    parse = DateTime().dialect_impl(dialect).result_processor(dialect, None)
    slow = UTCDateTime().process_result_value(parse(kept) if isinstance(kept, str) else kept, dialect)
    fast = UTCDateTime().dialect_impl(dialect).result_processor(dialect, None)(kept)
    assert fast == slow == moment
    assert fast.tzinfo is UTC
    assert utc_from_text(None) is None


def test_many_moments_read_at_once_as_each_reads_alone() -> None:
    """Read together, moments are each what ``utc_from_text`` makes of it, plain UTC text or not."""
    plain = ["2026-11-26 13:00:00.000000", "2026-11-26 13:00:00", "2026-11-26T13:00:00.250000"]
    mixed = ["2026-11-26 15:00:00+02:00", "2026-11-26", datetime(2026, 11, 26, 13), None]
    for kept in (plain, [*plain, "2026-11-26"], [*plain, *mixed], []):
        found = utc_from_texts(kept)
        assert found == [utc_from_text(k) for k in kept]
        assert all(m is None or m.tzinfo is UTC for m in found)


@given(moment=st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=ZONES))
def test_a_moment_is_stored_as_the_text_sqlalchemy_made_of_it(moment: datetime) -> None:
    """The one-step writer agrees with ``process_bind_param`` followed by the dialect's formatting, and is the
    one a ``UTCDateTime`` column binds with on SQLite."""
    dialect = create_engine("sqlite://").dialect
    made = DateTime(timezone=True).dialect_impl(dialect).bind_processor(dialect)
    slow = made(UTCDateTime().process_bind_param(moment, dialect))
    assert utc_text(moment) == slow
    assert UTCDateTime().dialect_impl(dialect).bind_processor(dialect) is utc_text


def test_a_moment_without_a_time_zone_is_refused_and_none_stays_none() -> None:
    with pytest.raises(ValueError, match="without a time zone"):
        utc_text(datetime(2026, 11, 26, 13))
    assert utc_text(None) is None
