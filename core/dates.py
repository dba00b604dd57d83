"""Calendar dates as nurses type them: YYYY-MM-DD only.

Day/month order differs between countries, so it is never guessed; and the compact or week forms
Python would also accept (20261126, 2026-W48-4) are refused, so every date field reads alike.
"""

from __future__ import annotations

import re
from datetime import date, datetime, tzinfo

from core.errors import InputError

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_day(text: str | None, field: str, what: str = "the date", example: str = "2026-11-26") -> date:
    value = (text or "").strip()
    if not value:
        raise InputError(field, f"Enter {what} (YYYY-MM-DD).")
    try:
        if not _DAY.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(field, f"“{value}” is not a date.", f"Write it as YYYY-MM-DD, e.g. {example}.") from None


def local_time(moment: datetime | None, zone: tzinfo | None = None) -> str:
    """A stored UTC moment as the clinic's clocks show it, HH:MM (this computer's zone unless given)."""
    return f"{moment.astimezone(zone):%H:%M}" if moment is not None else "—"


def local_stamp(moment: datetime, zone: tzinfo | None = None) -> str:
    """Date and time, YYYY-MM-DD HH:MM: what is read later (a printout, a signature) carries its day."""
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}"
