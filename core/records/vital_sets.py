"""Each set of vital signs kept in plain columns beside its entry (``vital_set``), written with the entry.

A set's row is a function of the entry and of its session as it stands after it: the values, whether the
infusion had begun (a set before it is part of the baseline), and the tier each vital was classified at when
the set was recorded, under the protocol then in force. ``core.trail_check`` holds each row to its entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, insert

from core.events import Event, EventType
from core.persistence.prepared import Prepared
from core.persistence.tables import VitalSet
from core.protocol import VitalKind
from core.record_values import SessionSummary
from core.vitals import Tier

_TABLE = VitalSet.__table__  # type: ignore[attr-defined]
_INSERT = Prepared(insert(_TABLE), columns=_TABLE.c.keys())
VITALS = tuple(kind.value for kind in VitalKind)
"""The value columns, named as the vitals are."""


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
    """The set's row, when the entry is a set of vital signs (in the entry's transaction)."""
    if event.type is EventType.VITALS:
        _INSERT.run(connection, vital_set_row(event, summary.began_at is not None))
