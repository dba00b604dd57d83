"""Each set of vital signs kept in plain columns beside its entry (``vital_set``), written with the entry.

A set's row is a function of the entry and of its session as it stands after it: the values, whether the
infusion had begun (a set before it is part of the baseline), and the tier each vital was classified at when
the set was recorded, under the protocol then in force. ``core.trail_check`` holds each row to its entry.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, insert

from core.events import Event, EventType
from core.persistence.prepared import Prepared
from core.persistence.tables import VitalSet
from core.protocol import VitalKind
from core.record_values import SessionSummary
from core.records.set_days import ROW_COLUMNS, add_set_days
from core.vitals import Tier

_TABLE = VitalSet.__table__  # type: ignore[attr-defined]
_INSERT = Prepared(insert(_TABLE), columns=_TABLE.c.keys())
VITALS = tuple(kind.value for kind in VitalKind)
"""The value columns, named as the vitals are."""
_AS_PACKED = operator.itemgetter(*ROW_COLUMNS)


SetReader = Callable[[Sequence[str], bool], tuple[Any, ...]]
"""``set_values`` of a payload given as the pieces of its text cut at its quotes, and whether its infusion
had begun."""


class _Floats(dict[str, float]):
    """Readings as ``float`` makes them of the texts stored (a few hundred of them), kept: a lookup."""

    def __missing__(self, text: str) -> float:
        if len(self) >= 4_096:
            self.clear()
        value = self[text] = float(text)
        return value


_FLOATS = _Floats()


def set_reader(template: Any, slot: Callable[[Any], int | None]) -> SetReader | None:
    """``set_values`` for every payload of one shape (``core.trail_check``): ``template`` is such a payload
    read with each string value replaced by a mark, ``slot`` the piece a mark stands for (None: not a mark).
    Where each reading, finding, point and reason is then known, a payload's values are taken from its pieces
    (the findings' marks, which repeat, are looked up once each kind); None for anything else (a reading
    stored as a number, findings that are not objects...), which is read whole with ``set_values``. The
    caller holds the result to ``set_values`` of the payload it learnt the shape from."""
    if not isinstance(template, dict):
        return None
    values, findings = template.get("values", {}), template.get("findings", ())
    if not isinstance(values, dict) or not isinstance(findings, list | tuple):
        return None
    readings: list[int | None] = []
    for vital in VITALS:
        value = values.get(vital)
        place = None if value is None else slot(value)
        if value is not None and place is None:
            return None
        readings.append(place)
    tiers: list[int] = []
    for finding in findings:
        if not isinstance(finding, dict):
            return None
        tier = slot(finding.get("tier"))
        if tier is None:
            continue  # not a text (every text is a mark): never equal to a tier
        vital = slot(finding["vital"]) if "vital" in finding else None
        if vital is None:
            return None
        tiers += (tier, vital)
    point_value = template.get("point_id")
    point = None if point_value is None else slot(point_value)
    if point_value is not None and point is None:
        return None
    partial = template.get("partial_reason") is not None  # a mark stands for a text: not None either
    marks: dict[Any, tuple[Any, ...]] = {}
    tiers_at = operator.itemgetter(*tiers) if tiers else lambda _: ()

    def tiers_of(pieces: Sequence[str]) -> tuple[Any, ...]:
        key = tiers_at(pieces)
        found = marks.get(key)
        if found is None:
            if len(marks) >= 1_024:
                marks.clear()
            pairs = [{"tier": key[n], "vital": key[n + 1]} for n in range(0, len(key), 2)]
            found = marks[key] = set_values({"findings": pairs}, True)[-2:]
        return found

    floats = _FLOATS
    present = [place for place in readings if place is not None]
    values_at = operator.itemgetter(*present) if len(present) > 1 else lambda pieces: tuple(pieces[p] for p in present)
    if present == readings:  # every reading there (the rule): floats as they come

        def readings_of(pieces: Sequence[str]) -> tuple[Any, ...]:
            return tuple(map(floats.__getitem__, values_at(pieces)))
    else:
        gaps = [n for n, place in enumerate(readings) if place is None]

        def readings_of(pieces: Sequence[str]) -> tuple[Any, ...]:
            found: list[Any] = list(map(floats.__getitem__, values_at(pieces)))
            for n in gaps:
                found.insert(n, None)
            return tuple(found)

    def read(pieces: Sequence[str], began: bool) -> tuple[Any, ...]:
        return (not began, partial, None if point is None else pieces[point], *readings_of(pieces), *tiers_of(pieces))

    return read


def vital_set_row(event: Event, began: bool) -> dict[str, Any]:
    """The row of a ``vitals.recorded`` entry; ``began``: whether its session's infusion had begun."""
    return {
        "id": event.id,
        "session_id": event.session_id,
        "seq": event.seq,
        "taken_at": event.occurred_at,
        "recorded_by": event.recorded_by,
        **dict(zip(SET_COLUMNS, set_values(event.payload, began), strict=True)),
    }


SET_COLUMNS = ("before_start", "partial", "point_id", *VITALS, "act", "advise")
"""The columns a set's payload decides, in the table's order (after its id, session, place, moment and
author)."""


def set_values(payload: Mapping[str, Any], began: bool) -> tuple[Any, ...]:
    """The values of ``SET_COLUMNS`` for a set's payload and whether its infusion had begun: the one rule for
    the row written with the entry and for ``audit verify``'s look at it, which makes it for every set
    recorded (a plain tuple, built in one pass over the findings)."""
    values: Mapping[str, Any] = payload.get("values", {})
    act: dict[str, None] = {}
    advise: dict[str, None] = {}
    for finding in payload.get("findings", ()):
        tier = finding.get("tier")
        if tier == Tier.ACT:
            act[finding["vital"]] = None
        elif tier == Tier.ADVISE:
            advise[finding["vital"]] = None
    readings = [None if (value := values.get(vital)) is None else float(value) for vital in VITALS]
    return (
        not began,
        payload.get("partial_reason") is not None,
        payload.get("point_id"),
        *readings,
        ",".join(act),
        ",".join(advise),
    )


def vital_set_rows(events: Iterable[Event]) -> list[dict[str, Any]]:
    """The rows of the sets among ``events``, whole sessions' entries as a bulk history writes them: a set's
    infusion had begun when an ``infusion.started`` entry came before it in its session (what the session's
    row says when the set is recorded one by one)."""
    entries = list(events)
    first_started: dict[str, int] = {}
    for event in entries:
        if event.type is EventType.STARTED:
            first_started[event.session_id] = min(event.seq, first_started.get(event.session_id, event.seq))
    return [
        vital_set_row(event, (started := first_started.get(event.session_id)) is not None and started < event.seq)
        for event in entries
        if event.type is EventType.VITALS
    ]


def write_vital_set(connection: Connection, event: Event, summary: SessionSummary) -> None:
    """The set's row, and the set added to its day's (``core.records.set_days``), when the entry is a set of
    vital signs (in the entry's transaction)."""
    if event.type is EventType.VITALS:
        row = vital_set_row(event, summary.began_at is not None)
        _INSERT.run(connection, row)
        add_set_days(connection, [_AS_PACKED(row)])
