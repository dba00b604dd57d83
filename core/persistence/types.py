"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from itertools import repeat
from operator import add, attrgetter
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

UTC_SUFFIX = "+00:00"
_ZONE = attrgetter("tzinfo")


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and always hands back timezone-aware UTC, whatever the database keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing to store a time without a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def bind_processor(self, dialect: Dialect) -> Callable[[datetime | None], Any] | None:
        """On SQLite, a moment made the stored text in one step (``utc_text``): the usual two,
        ``process_bind_param`` and then the dialect's formatting, cost several times as much, and every entry
        recorded binds six moments. Elsewhere, the usual path."""
        if dialect.name == "sqlite":
            return utc_text
        return super().bind_processor(dialect)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def result_processor(self, dialect: Dialect, coltype: Any) -> Callable[[Any], datetime | None] | None:
        """On SQLite, the stored text read to an aware UTC datetime in one step (``utc_from_text``): the usual
        two, the dialect's parse and then ``process_result_value``, cost five times as much, and a report over
        years of records reads hundreds of thousands of moments. Elsewhere, the usual path."""
        if dialect.name == "sqlite":
            return utc_from_text
        return super().result_processor(dialect, coltype)


def utc_text(value: datetime | None) -> str | None:
    """A moment as SQLite keeps it: UTC as naive ISO text to the microsecond (``2026-11-26 13:00:00.000000``),
    the very text ``process_bind_param`` and the dialect's ``DATETIME`` make of it together."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("refusing to store a time without a time zone")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def utc_from_text(value: Any) -> datetime | None:
    """A moment as SQLite keeps it (UTC as naive ISO text, ``2026-11-26 13:00:00.000000``) made aware; text
    that carries its own offset, or a value that is not text, still becomes the same moment in UTC."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value + UTC_SUFFIX)
    except (TypeError, ValueError):
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if moment.tzinfo is UTC:
        return moment
    # A date alone takes no offset after it (it is read as midnight, naive); an offset of its own is kept.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def moment_reader(dialect: Dialect) -> Callable[[Any], datetime | None]:
    """How a moment read past Core (``core.persistence.raw_rows``) becomes the aware UTC datetime a
    ``UTCDateTime`` column hands back on ``dialect``."""
    column = UTCDateTime()
    if dialect.name == "sqlite":
        return utc_from_text
    return lambda value: column.process_result_value(value, dialect)


def utc_from_texts(values: Sequence[Any]) -> list[datetime | None]:
    """Many moments, each as ``utc_from_text`` reads it: all parsed by the interpreter's own functions at
    once (a report reads 290,000 sessions' moments, and a call a moment in Python cost a tenth of a second),
    or, where one is not SQLite's plain UTC text, each one by ``utc_from_text``. A moment read whole with the
    suffix and aware in ``UTC`` itself is the one it reads (a date alone is read with the suffix as a naive
    midnight, which it then makes UTC)."""
    found: list[datetime | None] | None
    try:
        found = list(map(datetime.fromisoformat, map(add, values, repeat(UTC_SUFFIX))))
    except (TypeError, ValueError):
        found = None
    if found is not None and set(map(_ZONE, found)) <= {UTC}:
        return found
    return list(map(utc_from_text, values))


def moments_reader(dialect: Dialect) -> Callable[[Sequence[Any]], list[datetime | None]]:
    """How many moments read past Core become what ``moment_reader`` makes of each, on ``dialect``."""
    if dialect.name == "sqlite":
        return utc_from_texts
    one = moment_reader(dialect)
    return lambda values: list(map(one, values))
