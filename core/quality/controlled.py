"""The controlled substance: discrepancies found at signing and how they were resolved, and waste without a
witness (which should not exist).

A session whose drawn, given and wasted amounts do not add up is signed with the problem named
(``SessionSigned.controlled_problem``) and the nurse's note of what was done about it (``discrepancy_note``,
free text: the only record of the resolution, listed as written). A waste's witness is a signature meaning
"witnessed waste" (``core.controlled``); one without it was possible only while the clinic's setting
``waste_witness_required`` was off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from core import event_data as d
from core.events import Event, EventType
from core.figures import Figure, rate
from core.signatures import Meaning, signatures_in

SECTION = "Controlled substance"


class Discrepancy(NamedTuple):
    session_id: str
    at: datetime
    by: str
    problem: str
    resolution: str


class UnwitnessedWaste(NamedTuple):
    session_id: str
    at: datetime
    by: str
    mg: str


@dataclass(frozen=True)
class ControlledFigures:
    figures: tuple[Figure, ...]
    discrepancies: tuple[Discrepancy, ...]
    unwitnessed: tuple[UnwitnessedWaste, ...]


def witnessed(event: Event) -> bool:
    """A waste with a witness: a "witnessed waste" signature (or, recorded before signatures, a witness named)."""
    if any(s.meaning is Meaning.WITNESSED_WASTE for s in signatures_in(event)):
        return True
    return event.data_as(d.DrugWasted).witness_id is not None


def controlled(signed_sessions: int, wastes: int, entries: Sequence[Event]) -> ControlledFigures:
    """From the period's counts (sessions signed, wastes recorded) and its notable entries (signatures with
    a problem, wastes perhaps without a witness)."""
    found = []
    for event in entries:
        if event.type is EventType.SIGNED:
            signed = event.data_as(d.SessionSigned)
            if signed.controlled_problem:
                resolution = signed.discrepancy_note or "no note recorded"
                found.append(
                    Discrepancy(
                        event.session_id, event.occurred_at, event.recorded_by, signed.controlled_problem, resolution
                    )
                )
    lone = [
        UnwitnessedWaste(e.session_id, e.occurred_at, e.recorded_by, str(e.data_as(d.DrugWasted).mg))
        for e in entries
        if e.type is EventType.WASTED and not witnessed(e)
    ]
    figures = (
        rate(
            "controlled_discrepancy",
            SECTION,
            "Sessions signed with a controlled-substance discrepancy",
            len(found),
            signed_sessions,
            "Sessions signed in the period whose drawn, given and wasted amounts did not add up ÷ sessions signed "
            "in the period, × 100. Each is listed with the note recorded at signing (its resolution).",
        ),
        rate(
            "waste_unwitnessed",
            SECTION,
            "Waste recorded without a witness (none should exist)",
            len(lone),
            wastes,
            "Wastes recorded in the period with no witness's signature ÷ wastes recorded in the period, × 100.",
        ),
    )
    return ControlledFigures(figures, tuple(found), tuple(lone))
