"""What the quality report reads from the records, as plain rows (``core.records.quality`` fills them, the
figures count them): the period's sets of vital signs with their sessions, and the entries that answered an
alarm (acknowledgements, pauses and stops naming it, adverse events later in the session)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, NamedTuple

from core.events import EventType
from core.protocol import VitalKind

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


class SetColumns(NamedTuple):
    """Every set of the reading, column by column, in one order: what the threshold replay and the nurses'
    denominators count, without a ``SetRow`` per set (a month is some 20,000 sets, ten years two million).
    The flags are as the store hands them back (0 and 1 on SQLite): read them as truths, never compare them
    to ``True``."""

    ids: Sequence[str]
    session_ids: Sequence[str]
    seqs: Sequence[int]
    recorded_by: Sequence[str]
    in_period: Sequence[bool]
    """Taken in [start, end): the others are read only as baselines."""
    before_start: Sequence[bool]
    partial: Sequence[bool]
    values: Sequence[Sequence[float | None]]
    """One column per vital, in ``VITALS`` order; None where not measured."""
    alarmed: Sequence[bool]
    """Recorded with an act-now finding (``act`` not empty)."""
    flagged: Sequence[bool]
    """Recorded with an advisory finding (``advise`` not empty), whether or not it also alarmed."""


def columns_of(rows: Sequence[SetRow], start: datetime, end: datetime) -> SetColumns:
    """``rows`` column by column (each set's moment held to [start, end))."""
    if not rows:
        return SetColumns((), (), (), (), (), (), (), tuple(() for _ in VITALS), (), ())
    ids, session_ids, seqs, taken, recorded_by, before, partial, _, values, act, advise = zip(*rows, strict=True)
    return SetColumns(
        ids,
        session_ids,
        seqs,
        recorded_by,
        tuple(start <= t < end for t in taken),
        before,
        partial,
        tuple(zip(*values, strict=True)),
        tuple(a != "" for a in act),
        tuple(a != "" for a in advise),
    )


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
    ``columns`` is given, only those of the sessions with a finding (act-now or advisory) in the period: the
    only sets the alarm figures read one by one."""
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
    def recorders(self) -> Collection[tuple[str, str]]:
        """(who recorded it, its session) of each set taken in the period, each pair once."""
        every = self.every_set()
        return {
            (who, session_id)
            for who, session_id, inside in zip(every.recorded_by, every.session_ids, every.in_period, strict=True)
            if inside
        }


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
