"""The clinic's local date of many moments at once, as ``moment.astimezone().date()`` gives it.

The outcome report turns hundreds of thousands of moments (every infusion's start, every form's answer) into
the clinic's local days. ``astimezone()`` asks the C library for the zone's offset at each moment, which at
that size is most of the report's time. The zone's offset changes only a few times a year (summer time), so
``LocalDays`` asks once per day of the period for the offset, finds each change to the second, and then a
moment's day is one subtraction: the same day, for a small fraction of the cost.

Days are handled as ordinals (``date.toordinal()``) where many are compared; ``day`` gives the date.

The one assumption: the zone does not change its offset and change it back within one day (no zone has, in
the years a clinic keeps). Moments outside the period the offsets were found for are converted one by one.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, date, datetime, time, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_ORDINAL = EPOCH.date().toordinal()
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)
DAY_SECONDS = 86_400


def _offset(moment: datetime) -> timedelta:
    """The local zone's offset at ``moment``, as ``astimezone()`` finds it (by the whole second)."""
    return moment.astimezone().utcoffset() or timedelta(0)


class LocalDays:
    """Local days of moments from ``first`` to ``last`` (local dates, both included), worked out by
    arithmetic on the offsets found once for that period."""

    def __init__(self, first: date, last: date) -> None:
        moment = datetime.combine(first - DAY, time(), UTC)
        self._low = moment
        self._high = datetime.combine(last + 2 * DAY, time(), UTC)
        offset = _offset(moment)
        self._changes = [moment]
        self._bases = [EPOCH - offset]
        while moment < self._high:
            following = moment + DAY
            after = _offset(following)
            if after != offset:
                self._changes.append(_change(moment, following))
                self._bases.append(EPOCH - after)
                offset = after
            moment = following
        self._dates: dict[int, date] = {}
        # The same, in whole seconds since 1970 and each offset's seconds, for ``ordinal_of_second``.
        self._low_second, self._high_second = (self._low - EPOCH) // SECOND, (self._high - EPOCH) // SECOND
        self._change_seconds = [(change - EPOCH) // SECOND for change in self._changes]
        self._offsets = [(EPOCH - base) // SECOND for base in self._bases]

    def ordinal(self, moment: datetime) -> int:
        """``moment.astimezone().date().toordinal()``."""
        if not self._low <= moment < self._high:
            return moment.astimezone().date().toordinal()
        base = self._bases[bisect_right(self._changes, moment) - 1]
        return (moment - base).days + EPOCH_ORDINAL

    def ordinal_of_second(self, second: int) -> int:
        """``ordinal`` of the moment ``second`` whole seconds after 1970 (UTC), by integers alone: what a
        course kept in short (``CourseSummary``) holds."""
        if not self._low_second <= second < self._high_second:
            return (EPOCH + second * SECOND).astimezone().date().toordinal()
        offset = self._offsets[bisect_right(self._change_seconds, second) - 1]
        return (second + offset) // DAY_SECONDS + EPOCH_ORDINAL

    def offsets(self) -> list[tuple[int, int]]:
        """Each offset of the period with the second it begins (the first at the period's start): what two
        zones must share to give every moment of the period the same local day."""
        return list(zip(self._change_seconds, self._offsets, strict=True))

    def day(self, moment: datetime) -> date:
        """``moment.astimezone().date()``."""
        ordinal = self.ordinal(moment)
        found = self._dates.get(ordinal)
        if found is None:
            found = self._dates[ordinal] = date.fromordinal(ordinal)
        return found


def _change(before: datetime, after: datetime) -> datetime:
    """The first whole second at or before ``after`` with ``after``'s offset, given that ``before`` has
    another: halving the interval, about seventeen looks for a day."""
    wanted = _offset(after)
    while after - before > SECOND:
        middle = before + (after - before) // 2
        middle -= timedelta(microseconds=middle.microsecond)
        if middle <= before:
            middle = before + SECOND
        if _offset(middle) == wanted:
            after = middle
        else:
            before = middle
    return after
