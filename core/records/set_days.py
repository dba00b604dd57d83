"""Each UTC day's sets of vital signs packed (``quality_set_day``): appended to in each set's transaction and
by a history written in bulk, read back as arrays by the quality report, and recounted from ``vital_set``.

A review of alarms over ten years reads two million sets; as rows of nineteen values each, most of its time
went on the driver making Python objects. Packed, a day is one row of a few byte strings that NumPy reads in
place: the report makes Python objects only of the few sets it lists. The packing is written with the
standard ``array`` module (a set recorded at the chair never waits for NumPy to load); the reading, which
only a report does, uses NumPy.

The sets of a day are in the order they were appended; what reads them orders them itself, and the recount
holds a day's sets to ``vital_set``'s by id, in no order.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import groupby
from math import isnan
from typing import TYPE_CHECKING, Any, NamedTuple
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, LargeBinary, bindparam, cast, select, update
from sqlmodel import Session

from core.persistence.prepared import Prepared
from core.persistence.tables import QualitySetDay, VitalSet
from core.persistence.types import moment_reader
from core.persistence.upsert import insert_for
from core.protocol import VitalKind

if TYPE_CHECKING:
    import numpy as np

_TABLE = QualitySetDay.__table__  # type: ignore[attr-defined]
_SETS = VitalSet.__table__  # type: ignore[attr-defined]
ROW_COLUMNS = tuple(_SETS.c.keys())
"""A set as it is packed: ``vital_set``'s columns in the table's order (``core.records.bulk.VITAL_COLUMNS``)."""
VITALS = tuple(VitalKind)
"""The readings of a set, in ``vital_set``'s order."""
PACKED = ("ids", "moments", "numbers", "flags", "readings")
NUMBERS = 6
"""int32 per set: seq, session, nurse, point (-1: none), act, advise (the last five name ``words``)."""
ID_WIDTH = 36
"""Bytes a set's id is kept in: ``vital_set.id``'s length, space-padded (as ``core.quality.rows.packed_id``
reads them, which the app's start does not load)."""
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_SWAP = sys.byteorder != "little"
"""The packed numbers are little-endian whatever the machine."""


def day_of(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def microseconds(moment: datetime) -> int:
    """A moment as the packed ``moments`` keep it."""
    return (moment - EPOCH) // _MICROSECOND


class Packed:
    """One day's packed columns, appended to a set at a time (``add``) and handed to the store as bytes."""

    def __init__(self, words: Sequence[str] = (), **packed: bytes) -> None:
        self.words = list(words)
        self.places = {word: n for n, word in enumerate(self.words)}
        self.ids = bytearray(packed.get("ids", b""))
        self.moments = _numbers("q", packed.get("moments", b""))
        self.numbers = _numbers("i", packed.get("numbers", b""))
        self.flags = bytearray(packed.get("flags", b""))
        self.readings = _numbers("d", packed.get("readings", b""))

    def _place(self, word: str) -> int:
        place = self.places.get(word)
        if place is None:
            if "\n" in word:
                raise ValueError(f"a text kept with a set holds a line break: {word!r}")
            place = self.places[word] = len(self.words)
            self.words.append(word)
        return place

    def add(self, row: Sequence[Any]) -> None:
        """A set, its values in ``ROW_COLUMNS`` order."""
        set_id, session_id, seq, taken_at, recorded_by, before, partial, point_id, *rest = row
        *values, act, advise = rest
        if len(set_id) > ID_WIDTH:
            raise ValueError(f"a set id longer than {ID_WIDTH} characters: {set_id!r}")
        self.ids += set_id.encode("ascii").ljust(ID_WIDTH)
        self.moments.append(microseconds(taken_at))
        place = self._place
        self.numbers.extend(
            (
                seq,
                place(session_id),
                place(recorded_by),
                -1 if point_id is None else place(point_id),
                place(act),
                place(advise),
            )
        )
        self.flags.append((1 if before else 0) | (2 if partial else 0))
        self.readings.extend(float("nan") if value is None else float(value) for value in values)

    def columns(self) -> dict[str, Any]:
        return {
            "sets": len(self.flags),
            "words": "\n".join(self.words),
            "ids": bytes(self.ids),
            "moments": _stored(self.moments),
            "numbers": _stored(self.numbers),
            "flags": bytes(self.flags),
            "readings": _stored(self.readings),
        }


def _numbers(code: str, stored: bytes) -> array:
    found = array(code, stored)
    if _SWAP:
        found.byteswap()
    return found


def _stored(numbers: array) -> bytes:
    if _SWAP:
        numbers = array(numbers.typecode, numbers)
        numbers.byteswap()
    return numbers.tobytes()


def _words(stored: str) -> list[str]:
    return stored.split("\n") if stored else []


_WORDS_LOCKED = Prepared(select(_TABLE.c.words).where(_TABLE.c.day == bindparam("day")).with_for_update())
_APPENDING = (
    update(_TABLE)
    .where(_TABLE.c.day == bindparam("packed_day"))
    .values(
        sets=_TABLE.c.sets + bindparam("added_sets"),
        words=bindparam("all_words"),
        **{
            name: cast(_TABLE.c[name].op("||")(bindparam(f"added_{name}", type_=LargeBinary)), LargeBinary)
            for name in PACKED
        },
    )
)
_APPENDED = Prepared(_APPENDING)
"""A day's row with sets added at the end of each packed column, joined by the store itself (``||``; the cast
keeps SQLite's join a byte string): only the sets added and the day's words travel, never the day's sets so
far, which a busy day makes a hundred kilobytes read and written back with every set recorded."""
_APPENDED_IF_SEEN = Prepared(_APPENDING.where(_TABLE.c.words == bindparam("seen_words")))
"""The same, only if the day's words are still those this process last wrote (``_SEEN``)."""
_SEEN: WeakKeyDictionary[Engine, dict[date, str]] = WeakKeyDictionary()
"""By database, the words of the days this process last appended to, as it wrote them: the next set of the day
is packed on them without reading them first (one statement fewer a set), its write guarded by them. The
guard, not where they came from, is what makes them right: words equal to those stored name the same places,
whoever wrote them; a write that finds others (another workstation's, a rolled-back transaction's) changes
nothing, and the day is then read locked and appended to as before. On a server a write that waited for
another's lock checks its guard against the row as committed."""
_SEEN_KEPT = 4
"""Days whose words are kept: a set falls on today (UTC), a history written in bulk on many days."""
_MADE: dict[str, Prepared] = {}
"""The empty day row made if not there, by each store's own INSERT … ON CONFLICT (made the first time)."""


def _made(connection: Connection) -> Prepared:
    name = connection.dialect.name
    if name not in _MADE:
        made = insert_for(connection, _TABLE).on_conflict_do_nothing(index_elements=["day"])
        _MADE[name] = Prepared(made, columns=("day", "sets", "words", *PACKED))
    return _MADE[name]


def add_set_days(connection: Connection, rows: Iterable[Sequence[Any]]) -> None:
    """``rows`` (sets in ``ROW_COLUMNS`` order) appended to their days' rows, in the transaction that writes
    them (as the entry's other statements, prepared: ``core.persistence.prepared``). A day whose words this
    process wrote last is appended to on them, unread, while the row still holds them (``_SEEN``); otherwise
    its words are read locked (``FOR UPDATE`` on a server; SQLite's writer holds the whole file), the row
    made empty first when the day has none yet. So two workstations recording at once never lose a set nor
    name a word by another's place (two making a day's row at once: the one made second does nothing, and its
    set is then added to the first's row); the sets are packed naming the day's words by their places (new
    words after them) and joined to the row's columns where they are stored (``_APPENDED``)."""
    by_day: dict[date, list[Sequence[Any]]] = {}
    for row in rows:
        by_day.setdefault(day_of(row[3]), []).append(row)
    if not by_day:
        return
    kept_here = _SEEN.setdefault(connection.engine, {})
    for day, sets in sorted(by_day.items()):
        seen = kept_here.get(day)
        if seen is not None and _appended(connection, day, seen, sets, guarded=True):
            continue
        kept = _WORDS_LOCKED.first_on(connection, {"day": day})
        if kept is None:  # the day's first set: its row made empty (unless another made it meanwhile), then read
            empty = {"day": day, "sets": 0, "words": "", **dict.fromkeys(PACKED, b"")}
            _made(connection).run(connection, empty)
            kept = _WORDS_LOCKED.first_on(connection, {"day": day})
            assert kept is not None  # made just now if it was not there
        _appended(connection, day, kept[0], sets, guarded=False)


def _appended(connection: Connection, day: date, words: str, sets: Sequence[Sequence[Any]], *, guarded: bool) -> bool:
    """``sets`` packed on the day's ``words`` and appended to its row: when ``guarded``, only if the row still
    holds those words (False: it did not, and nothing was written). The day's words then kept (``_SEEN``)."""
    added = Packed(_words(words))
    for row in sets:
        added.add(row)
    columns = added.columns()
    values = {"packed_day": day, "added_sets": columns["sets"], "all_words": columns["words"]}
    values |= {f"added_{name}": columns[name] for name in PACKED}
    if guarded:
        if not _APPENDED_IF_SEEN.changed(connection, {**values, "seen_words": words}):
            return False
    else:
        _APPENDED.run(connection, values)
    kept_here = _SEEN.setdefault(connection.engine, {})
    kept_here.pop(day, None)
    kept_here[day] = columns["words"]
    if len(kept_here) > _SEEN_KEPT:
        del kept_here[next(iter(kept_here))]
    return True


class DaySets(NamedTuple):
    """Sets read from the day rows, column by column (NumPy arrays, one entry a set, in no order).

    The texts are ``words``, named by their place in the code columns: one list for the whole reading."""

    words: Sequence[str]
    ids: np.ndarray
    """``S36``: each set's id, space-padded (``id_of`` reads one)."""
    moments: np.ndarray
    """int64 microseconds since 1970 UTC."""
    seqs: np.ndarray
    sessions: np.ndarray
    nurses: np.ndarray
    points: np.ndarray
    """-1 where the set answered no scheduled point."""
    act: np.ndarray
    advise: np.ndarray
    before_start: np.ndarray
    partial: np.ndarray
    values: np.ndarray
    """float64, one row a set and one column a vital (``VITALS`` order); NaN where not measured."""


def id_of(packed: bytes) -> str:
    return packed.decode("ascii").rstrip(" ")


def moment_of(packed: int) -> datetime:
    return EPOCH + timedelta(microseconds=int(packed))


def set_days_between(connection: Connection, since: datetime, end: datetime) -> DaySets:
    """The sets taken in [since, end), from the rows of the days they fell on (the part of a day at either
    end held to the bounds by each set's moment)."""
    import numpy as np  # late: see the module's docstring

    last = day_of(end - _MICROSECOND)
    query = select(*(_TABLE.c[name] for name in ("day", "words", *PACKED))).where(
        _TABLE.c.day >= day_of(since), _TABLE.c.day <= last
    )
    words: dict[str, int] = {}
    places: list[int] = []  # each day's words' places in ``words``, one day after another
    firsts: list[int] = []  # where each day's begin in ``places``
    sizes: list[int] = []
    packed: list[list[bytes]] = [[] for _ in PACKED]
    ends = {day_of(since), last}  # only these days may hold sets outside the bounds
    for day, stored_words, *stored in connection.execute(query):
        columns = _held_to(stored, microseconds(since), microseconds(end)) if day in ends else stored
        firsts.append(len(places))
        places.extend(words.setdefault(word, len(words)) for word in _words(stored_words))
        sizes.append(len(columns[3]))  # a flags byte a set
        for kept, column in zip(packed, columns, strict=True):
            kept.append(column)
    ids, moments, numbers, flags, readings = (b"".join(column) for column in packed)
    coded = np.frombuffer(numbers, dtype="<i4").reshape(-1, NUMBERS)
    places.append(-1)  # what a point of none (-1) is read as
    # Each day's codes moved to its words' places (int32: half the memory to go through of int64), and a point
    # of none to the -1 after them: the point is the only code that may be -1.
    first = np.repeat(np.asarray(firsts, dtype=np.int32), sizes)[:, None]
    codes = coded[:, 1:] + first
    codes[coded[:, 3] < 0, 2] = len(places) - 1
    named = np.asarray(places, dtype=np.int32)[codes]
    flags_of = np.frombuffer(flags, dtype=np.uint8)
    return DaySets(
        words=list(words),
        ids=np.frombuffer(ids, dtype=f"S{ID_WIDTH}"),
        moments=np.frombuffer(moments, dtype="<i8"),
        seqs=coded[:, 0].astype(np.int64),
        sessions=named[:, 0],
        nurses=named[:, 1],
        points=named[:, 2],
        act=named[:, 3],
        advise=named[:, 4],
        before_start=(flags_of & 1).astype(bool),
        partial=(flags_of & 2).astype(bool),
        values=np.frombuffer(readings, dtype="<f8").reshape(-1, len(VITALS)),
    )


def _held_to(columns: Sequence[bytes], since: int, end: int) -> list[bytes]:
    """A day's packed columns (``PACKED`` order) with only its sets taken in [since, end) (microseconds): done
    to the days at either end alone, before the days are joined, the two million sets of ten years are never
    copied again to drop none."""
    import numpy as np  # late: see the module's docstring

    moments = np.frombuffer(columns[1], dtype="<i8")
    inside = (moments >= since) & (moments < end)
    if inside.all():
        return list(columns)
    widths = (f"S{ID_WIDTH}", "<i8", ("<i4", NUMBERS), np.uint8, ("<f8", len(VITALS)))
    return [np.frombuffer(column, dtype=width)[inside].tobytes() for column, width in zip(columns, widths, strict=True)]


def unpacked(words: Sequence[str], **packed: bytes) -> Iterator[tuple[Any, ...]]:
    """A day row's sets as ``vital_set`` rows (``ROW_COLUMNS`` order), in the order appended."""
    day = Packed(words, **packed)
    width = len(VITALS)
    for n, flags in enumerate(day.flags):
        seq, session, nurse, point, act, advise = day.numbers[n * NUMBERS : (n + 1) * NUMBERS]
        values = day.readings[n * width : (n + 1) * width]
        yield (
            id_of(bytes(day.ids[n * ID_WIDTH : (n + 1) * ID_WIDTH])),
            day.words[session],
            seq,
            moment_of(day.moments[n]),
            day.words[nurse],
            bool(flags & 1),
            bool(flags & 2),
            None if point < 0 else day.words[point],
            *(None if isnan(value) else value for value in values),  # NaN: not measured
            day.words[act],
            day.words[advise],
        )


class DayRecount(NamedTuple):
    """A day whose row does not hold what ``vital_set`` holds for it: its sets as kept and as recounted (None
    where there is no row, or no set)."""

    day: date
    kept: int | None
    recounted: int | None


def set_days_recounted(tx: Session) -> list[DayRecount]:
    """Every day's row held to the sets ``vital_set`` keeps for it (for ``audit verify``): the same sets,
    each with the same values, in any order. The sets are read in the order they were taken, a day at a
    time, as the driver hands them back (a flag read as 0 or 1 equals its truth)."""
    connection = tx.connection()
    moment = moment_reader(connection.dialect)
    kept_days = [row[0] for row in connection.execute(select(_TABLE.c.day).order_by(_TABLE.c.day))]
    every = select(*(_SETS.c[name] for name in ROW_COLUMNS)).order_by(_SETS.c.taken_at)
    differ: list[DayRecount] = []
    recounted_days: set[date] = set()
    for day, sets in groupby(_as_taken(connection, every, moment), key=lambda row: day_of(row[3])):
        recounted = sorted(sets)
        recounted_days.add(day)
        kept = _kept(connection, day)
        if kept != recounted:
            differ.append(DayRecount(day, None if kept is None else len(kept), len(recounted)))
    for day in kept_days:
        if day not in recounted_days:
            kept = _kept(connection, day)
            differ.append(DayRecount(day, None if kept is None else len(kept), None))
    return sorted(differ)


def _as_taken(connection: Connection, every: Any, moment: Any) -> Iterator[tuple[Any, ...]]:
    """``vital_set``'s rows as the driver hands them back, a batch at a time, each moment made a datetime."""
    result = connection.execute(every)
    try:
        while batch := result.cursor.fetchmany(20_000):
            for row in batch:
                yield (*row[:3], moment(row[3]), *row[4:])
    finally:
        result.close()


def _kept(connection: Connection, day: date) -> list[tuple[Any, ...]] | None:
    """The day row's sets as the recount compares them (None: no row; a row whose count of sets is not
    what it packs is read as holding no set)."""
    columns = [_TABLE.c[name] for name in ("sets", "words", *PACKED)]
    row = connection.execute(select(*columns).where(_TABLE.c.day == day)).one_or_none()
    if row is None:
        return None
    found = sorted(unpacked(_words(row[1]), **dict(zip(PACKED, map(bytes, row[2:]), strict=True))))
    return found if len(found) == row[0] else []
