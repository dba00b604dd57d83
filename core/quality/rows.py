"""What the quality report reads from the records, as plain rows (``core.records.quality`` fills them, the
figures count them): the period's sets of vital signs with their sessions, and the entries that answered an
alarm (acknowledgements, pauses and stops naming it, adverse events later in the session)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from core.events import EventType
from core.protocol import VitalKind

if TYPE_CHECKING:
    import numpy as np

VITALS = tuple(VitalKind)
"""The order of a set's values in ``SetRow.values``: the protocol's vitals, as the ``vital_set`` table's."""
AROUND = timedelta(days=1)
"""How far the reading looks on each side of the period: the baseline sets of a session whose infusion
began just after the period started, and the answers (acknowledgements, pauses, stops, adverse events) to
an alarm that fired just before it ended. An answer later than this is not seen: a session is signed only
once its alarms are answered, so later ones are sessions left open for more than a day."""


class SetRow(NamedTuple):
    """One set of vital signs (a ``vital_set`` row)."""

    id: str
    session_id: str
    seq: int
    taken_at: datetime
    recorded_by: str
    before_start: bool
    """Taken before the infusion first began: part of the baseline later sets' rises are measured from."""
    partial: bool
    point_id: str | None
    values: tuple[float | None, ...]
    """In ``VITALS`` order; None for a vital not measured."""
    act: str
    """The vitals classified act-now when recorded, comma-separated (an alarm when not empty)."""
    advise: str
    """The vitals flagged at the advisory tier when recorded, comma-separated."""


ID_WIDTH = 36
"""Bytes of a set's id in ``SetColumns.ids``: the id, space-padded (ids are at most this long)."""


def packed_id(set_id: str) -> bytes:
    """A set's id as ``SetColumns.ids`` and the packed days keep it."""
    return set_id.encode("ascii").ljust(ID_WIDTH)


class SetColumns(NamedTuple):
    """Every set of the reading, column by column as NumPy arrays (one entry a set, in no order): what the
    threshold replay and the nurses' denominators count, without a ``SetRow`` per set (a month is some 20,000
    sets, ten years two million). The texts are ``words``, which the code columns name by place."""

    words: Sequence[str]
    ids: np.ndarray
    """``S36``: each set's id as ``packed_id`` makes it."""
    sessions: np.ndarray
    """Each set's session, as its place in ``words``."""
    seqs: np.ndarray
    nurses: np.ndarray
    """Who recorded each set, as a place in ``words``."""
    in_period: np.ndarray
    """Taken in [start, end): the others are read only as baselines."""
    before_start: np.ndarray
    partial: np.ndarray
    values: np.ndarray
    """float64, a row per set and a column per vital in ``VITALS`` order; NaN where not measured."""
    alarmed: np.ndarray
    """Recorded with an act-now finding (``act`` not empty)."""
    flagged: np.ndarray
    """Recorded with an advisory finding (``advise`` not empty), whether or not it also alarmed."""
    act: np.ndarray
    """The vitals classified act-now when recorded (a ``SetRow``'s ``act``), as a place in ``words``."""
    advise: np.ndarray
    """The vitals flagged at the advisory tier when recorded, as a place in ``words``."""

    @property
    def size(self) -> int:
        return len(self.ids)

    def session_ids(self, where: np.ndarray | None = None) -> set[str]:
        """The sessions of the sets (of those ``where`` is true, when given)."""
        return _named(self, self.sessions if where is None else self.sessions[where])

    def words_met(self, codes: np.ndarray) -> np.ndarray:
        """Whether each of ``words`` is among ``codes`` (a mask over ``words``: a set's code looks itself up in
        it, where a search among two million would sort them)."""
        import numpy as np  # late: only a report reads sets

        met = np.zeros(len(self.words), dtype=bool)
        met[codes] = True
        return met

    def of_sessions(self, session_ids: Collection[str]) -> SetColumns:
        """The sets of the sessions named alone."""
        import numpy as np  # late: only a report reads sets

        named = np.fromiter(map(session_ids.__contains__, self.words), dtype=bool, count=len(self.words))
        kept = named[self.sessions] if len(named) else np.zeros(self.size, dtype=bool)
        return SetColumns(self.words, *(column[kept] for column in self[1:]))

    def named(self, set_ids: Collection[str]) -> np.ndarray:
        """Whether each set's id is among ``set_ids``."""
        import numpy as np  # late: only a report reads sets

        wanted = np.sort(np.array([packed_id(i) for i in set_ids], dtype=f"S{ID_WIDTH}"))
        if not len(wanted) or not self.size:
            return np.zeros(self.size, dtype=bool)
        found = np.minimum(np.searchsorted(wanted, self.ids), len(wanted) - 1)
        return np.asarray(wanted[found] == self.ids)


def columns_of(rows: Sequence[SetRow], start: datetime, end: datetime) -> SetColumns:
    """``rows`` column by column (each set's moment held to [start, end))."""
    import numpy as np  # late: only a report reads sets

    words: dict[str, int] = {}
    session = [words.setdefault(row.session_id, len(words)) for row in rows]
    nurse = [words.setdefault(row.recorded_by, len(words)) for row in rows]
    act = [words.setdefault(row.act, len(words)) for row in rows]
    advise = [words.setdefault(row.advise, len(words)) for row in rows]
    values = [[np.nan if v is None else v for v in row.values] for row in rows]
    return SetColumns(
        words=list(words),
        ids=np.array([packed_id(row.id) for row in rows], dtype=f"S{ID_WIDTH}"),
        sessions=np.array(session, dtype=np.int32),
        seqs=np.array([row.seq for row in rows], dtype=np.int64),
        nurses=np.array(nurse, dtype=np.int32),
        in_period=np.array([start <= row.taken_at < end for row in rows], dtype=bool),
        before_start=np.array([row.before_start for row in rows], dtype=bool),
        partial=np.array([row.partial for row in rows], dtype=bool),
        values=np.array(values, dtype=np.float64).reshape(len(rows), len(VITALS)),
        alarmed=np.array([row.act != "" for row in rows], dtype=bool),
        flagged=np.array([row.advise != "" for row in rows], dtype=bool),
        act=np.array(act, dtype=np.int32),
        advise=np.array(advise, dtype=np.int32),
    )


class Ordered(NamedTuple):
    """The sets of a reading in session and entry order, each with its baseline: what the alarm figures and
    the threshold replay count (``core.quality.explained``, ``core.quality.replay``)."""

    order: np.ndarray
    """Where each set stands in the reading's columns."""
    values: np.ndarray
    """A row per set, a column per vital (``VITALS`` order), kept column by column; NaN where not measured."""
    bases: np.ndarray
    """Each set's baseline, as ``values``; NaN where the baseline holds no value for the vital."""


def ordered(every: SetColumns) -> Ordered:
    import numpy as np  # late: only a report reads sets

    place = every.sessions.astype(np.int64) << 32 | every.seqs  # by session, then entry: one key sorts faster
    order = np.argsort(place, kind="stable")
    # Column-major (a vital's values side by side), as the replay and the baselines read them: a vital at a
    # time, each the length of the reading.
    values = np.take(every.values.T, order, axis=1).T
    bases = baselines_of(every.sessions[order], values, every.before_start[order], every.partial[order])
    return Ordered(order, values, bases)


def baselines_of(session: np.ndarray, values: np.ndarray, before: np.ndarray, partial: np.ndarray) -> np.ndarray:
    """Each set's baseline (rows in session and entry order), as ``session_state.fold`` keeps it, in arrays:
    for each vital, the value of the latest set before this one in its session, taken before the infusion
    began, that either measured the vital or was full (a full set replaces the whole baseline, so one without
    the vital leaves none of it; a partial one adds what it measured)."""
    import numpy as np  # late: see the module's docstring

    n = len(session)
    if n == 0:
        return np.full(values.shape, np.nan, order="F")
    position = np.arange(n)
    opens = np.ones(n, dtype=bool)
    opens[1:] = session[1:] != session[:-1]
    first = np.maximum.accumulate(np.where(opens, position, 0))  # where each set's session begins
    if not np.any(before & partial):  # every baseline set full: one source for every vital, found once
        found, earlier = _latest_source(before, position, first)
        # Each set's source taken whole (the first set standing in where there is none, then emptied), a
        # vital at a time: one pass over two million sets, where filling them all and then the found ones
        # took two.
        source = np.zeros(n, dtype=np.int64)
        source[found] = earlier
        bases = np.take(values.T, source, axis=1)
        bases[:, ~found] = np.nan
        return bases.T
    bases = np.full(values.shape, np.nan, order="F")
    for i in range(values.shape[1]):
        found, earlier = _latest_source(before & (~partial | ~np.isnan(values[:, i])), position, first)
        bases[found, i] = values[earlier, i]
    return bases


def _latest_source(source: np.ndarray, position: np.ndarray, first: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which sets have a ``source`` set before them in their session (``first``: where each set's session
    begins), and for those, where the latest such set stands."""
    import numpy as np  # late: see the module's docstring

    latest = np.maximum.accumulate(np.where(source, position, -1))
    earlier = np.concatenate(([-1], latest[:-1]))  # strictly before the set itself
    found = earlier >= first  # and in its session
    return found, earlier[found]


class SessionRow(NamedTuple):
    id: str
    patient_id: str
    chair: int
    protocol_hash: str
    protocol_version: str
    opened_at: datetime


class AckRow(NamedTuple):
    """An ``alert.acknowledged`` entry: who answered which alarm, when, with what."""

    id: str
    session_id: str
    alert_event_id: str
    occurred_at: datetime
    recorded_at: datetime
    recorded_by: str
    actions: tuple[str, ...]
    """The protocol's action ids (v2 on); empty for a v1 acknowledgement, whose action was free text."""
    action_labels: tuple[str, ...]


class ActedRow(NamedTuple):
    """A pause or an early stop, and the alarm whose acknowledgement made it (None when recorded apart)."""

    id: str
    session_id: str
    kind: str
    """"pause" or "stop"."""
    alert_event_id: str | None
    occurred_at: datetime


class AdverseRow(NamedTuple):
    id: str
    session_id: str
    occurred_at: datetime


@dataclass(frozen=True)
class AlarmRows:
    """Everything the alarm figures and the replay count, for the period [start, end)."""

    start: datetime
    end: datetime
    sets: Sequence[SetRow]
    """The sets taken in [start − AROUND, end) (those before ``start`` are read only as baselines); when
    ``columns`` is given, only those the alarm figures read one by one: the period's alarms (the sets taken
    in [start, end) with an act-now finding)."""
    sessions: dict[str, SessionRow]
    """The sessions of ``sets`` and of ``opened_with_sets``, by id."""
    opened_with_sets: Sequence[str]
    """The sessions opened in [start, end) with at least one set of vital signs: the per-100 denominator."""
    acks: Sequence[AckRow] = ()
    acted: Sequence[ActedRow] = ()
    adverse: Sequence[AdverseRow] = ()
    corrected: frozenset[str] = field(default_factory=frozenset)
    """The ids of sets a later correction or addendum names: no longer standing as recorded."""
    columns: SetColumns | None = None
    """Every set taken in [start − AROUND, end), column by column (``core.records`` reads them so); None when
    ``sets`` holds every one."""

    def in_period(self, row: SetRow) -> bool:
        return self.start <= row.taken_at < self.end

    def every_set(self) -> SetColumns:
        """Every set of the reading, column by column."""
        return self.columns if self.columns is not None else columns_of(self.sets, self.start, self.end)

    @cached_property
    def in_order(self) -> Ordered:
        """Every set of the reading in session and entry order, each with its baseline: what the alarm figures
        and the replay both count, worked out once."""
        return ordered(self.every_set())

    def recorders(self) -> set[str]:
        """Who recorded a set taken in the period."""
        every = self.every_set()
        return _named(every, every.nurses[every.in_period])

    def sessions_recorded_in(self, session_ids: Collection[str]) -> Counter[str]:
        """For each nurse, how many of ``session_ids`` she recorded a set taken in the period in."""
        import numpy as np  # late: only a report reads sets

        every = self.every_set()
        width = len(every.words)
        counted = np.fromiter(map(session_ids.__contains__, every.words), dtype=bool, count=width)
        inside = every.in_period & counted[every.sessions] if width else every.in_period
        pairs = np.sort(every.sessions[inside].astype(np.int64) * width + every.nurses[inside], kind="stable")
        first = np.ones(len(pairs), dtype=bool)  # each pair once: NumPy's unique hashes, some twenty times slower
        first[1:] = pairs[1:] != pairs[:-1]
        pairs = pairs[first]
        sessions = np.bincount(pairs % width, minlength=width) if width else np.zeros(0, dtype=np.int64)
        return Counter({every.words[code]: int(sessions[code]) for code in np.flatnonzero(sessions).tolist()})


def _named(every: SetColumns, codes: np.ndarray) -> set[str]:
    import numpy as np  # late: only a report reads sets

    return set(map(every.words.__getitem__, np.flatnonzero(every.words_met(codes)).tolist()))


class AnswerRow(NamedTuple):
    """An entry of a silenced session as a silence is judged by it (``core.quality.silences``): its kind and
    moment, its id (an act-now alert's is its set's), and the alert an acknowledgement names."""

    id: str
    type: EventType
    occurred_at: datetime
    alert_event_id: str | None
    """The alert an acknowledgement answered; None for any other kind."""


class AuditLine(NamedTuple):
    """One audit line as the report reads it."""

    seq: int
    at: datetime
    actor_id: str | None
    action: str
    patient_id: str | None
    session_id: str | None
    detail: dict[str, Any]
