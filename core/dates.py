"""Calendar dates as nurses type them: YYYY-MM-DD only.

Day/month order differs between countries, so it is never guessed; and the compact or week forms
Python would also accept (20261126, 2026-W48-4) are refused, so every date field reads alike.
"""

from __future__ import annotations

import re
from datetime import date, datetime, tzinfo

from core.errors import InputError

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


FIRST_YEAR, LAST_YEAR = 1900, 2999
"""The years a date may fall in: every birth date and care date, with room either side."""


def parse_day(text: str | None, field: str, what: str = "the date", example: str = "2026-11-26") -> date:
    value = (text or "").strip()
    if not value:
        raise InputError(field, f"Enter {what} (YYYY-MM-DD).")
    try:
        if not _DAY.fullmatch(value):
            raise ValueError(value)
        day = date.fromisoformat(value)
    except ValueError:
        raise InputError(field, f"“{value}” is not a date.", f"Write it as YYYY-MM-DD, e.g. {example}.") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:  # a slip of the year, and beyond what a clock can count from
        raise InputError(
            field, f"{value} is outside the years Chairside keeps ({FIRST_YEAR}–{LAST_YEAR}).", "Check the year."
        )
    return day


def local_time(moment: datetime | None, zone: tzinfo | None = None) -> str:
    """A stored UTC moment as the clinic's clocks show it, HH:MM (this computer's zone unless given)."""
    return f"{moment.astimezone(zone):%H:%M}" if moment is not None else "—"


def local_stamp(moment: datetime, zone: tzinfo | None = None) -> str:
    """Date and time, YYYY-MM-DD HH:MM: what is read later (a printout, a signature) carries its day."""
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}"
