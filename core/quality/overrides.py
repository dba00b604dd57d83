"""Soft limits gone past with an override, and entries the limits refused: the near misses they caught.

A soft limit (``core.refusals.SOFT``) speaks twice in the records. Its refusal is a ``care.refused`` line:
the screen then asks for what lets the entry go ahead (a confirmation, a reason, the prescriber's override or
go-ahead). The override, when one was given, is in the payload of the entry that went ahead. So a refusal
followed in the same session by the override is "asked, then overridden"; one with no override after it is
an entry changed or given up: a near miss the soft limit caught. A hard limit's refusal is always one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from core import event_data as d
from core.events import Event, EventType
from core.figures import Figure, rate
from core.quality.counting import Grouped, grouped
from core.quality.rows import AuditLine
from core.refusals import SOFT, WORDS, Refusal, kind_of

SECTION = "Overrides and near misses"

OVERRIDE_WORDS = {
    Refusal.DOSE_SOFT_LIMIT: "Dose above the soft limit, gone ahead with a reason",
    Refusal.WEIGHT_CHANGE_UNCONFIRMED: "Weight change from the last session, confirmed",
    Refusal.SAME_DAY_WITHOUT_OVERRIDE: "Second infusion the same day, with the prescriber's override",
    Refusal.START_WITHOUT_GO_AHEAD: "Start outside the start thresholds, with a go-ahead",
    Refusal.DISCHARGE_CRITERIA: "Discharge before the criteria were met, with the prescriber's override",
}
"""Each soft limit's override, as the report names it (in the order printed)."""

OVERRIDDEN_BY = {
    EventType.DOSE_CALCULATED: Refusal.DOSE_SOFT_LIMIT,
    EventType.WEIGHED: Refusal.WEIGHT_CHANGE_UNCONFIRMED,
    EventType.OPENED: Refusal.SAME_DAY_WITHOUT_OVERRIDE,
    EventType.STARTED: Refusal.START_WITHOUT_GO_AHEAD,
    EventType.DISCHARGED: Refusal.DISCHARGE_CRITERIA,
}
"""The entry whose payload records each soft limit's override."""

PER_SESSIONS = "÷ sessions opened in the period, × 100."
NO_REASON_ASKED = "(no reason is asked: the nurse confirms the change)"


class Override(NamedTuple):
    """One soft limit gone past: which, in which session, when, by whom, and the reason given."""

    limit: Refusal
    session_id: str
    patient_id: str | None
    at: datetime
    by: str
    reason: str


def override_of(event: Event) -> Override | None:
    """The override an entry records, judged by its typed payload; None for an entry that records none."""
    reason: str | None = None
    patient_id = None
    if event.type is EventType.DOSE_CALCULATED:
        calculation = event.data_as(d.DoseCalculated).calculation
        reason = (calculation.override_reason or "no reason recorded") if calculation.soft_limit_exceeded else None
    elif event.type is EventType.WEIGHED:
        weighed = event.data_as(d.Weighed)
        reason = NO_REASON_ASKED if weighed.change_confirmed else None
    elif event.type is EventType.OPENED:
        opened = event.data_as(d.Opened)
        reason, patient_id = opened.same_day_override, opened.patient_id
    elif event.type is EventType.STARTED:
        reason = event.data_as(d.Started).go_ahead
    elif event.type is EventType.DISCHARGED:
        reason = event.data_as(d.Discharged).override_reason
    if not reason:
        return None
    return Override(
        OVERRIDDEN_BY[event.type], event.session_id, patient_id, event.occurred_at, event.recorded_by, reason
    )


@dataclass(frozen=True)
class OverrideFigures:
    figures: tuple[Figure, ...]
    reasons: tuple[Grouped, ...]
    """The reasons given for each soft limit's overrides, grouped by their words."""


def overrides(sessions: int, entries: Sequence[Event], refusals: Sequence[AuditLine]) -> OverrideFigures:
    """The period's overrides by soft limit, with their reasons grouped; its refusals by kind, each soft one
    split into "then overridden" and "not overridden" (a near miss)."""
    found = [o for o in (override_of(event) for event in entries) if o is not None]
    figures: list[Figure] = []
    reasons: list[Grouped] = []
    for limit, words in OVERRIDE_WORDS.items():
        of_limit = [o for o in found if o.limit is limit]
        figures.append(
            rate(
                f"override_{limit.value}",
                SECTION,
                words,
                len(of_limit),
                sessions,
                f"Entries recorded in the period that went past this soft limit with its override {PER_SESSIONS}",
            )
        )
        reasons.append(grouped(words, (o.reason for o in of_limit)))
    lines = [(line, kind) for line in refusals if (kind := kind_of(line.detail)) is not None]
    unknown = len(refusals) - len(lines)
    for kind in Refusal:
        of_kind = [line for line, k in lines if k is kind]
        if kind in SOFT:
            after = [line for line in of_kind if _overridden_after(line, kind, found)]
            figures += _soft_refusals(kind, len(of_kind), len(after), sessions)
        else:
            figures.append(
                rate(
                    f"refused_{kind.value}",
                    SECTION,
                    f"Refused (hard limit or rule): {WORDS[kind]}",
                    len(of_kind),
                    sessions,
                    f"Entries this limit or rule refused in the period (a near miss it caught) {PER_SESSIONS}",
                )
            )
    if unknown:
        figures.append(
            rate(
                "refused_unknown",
                SECTION,
                "Refused, of a kind this version does not name",
                unknown,
                sessions,
                f"Refusal lines in the period whose kind is not known to this version of Chairside {PER_SESSIONS}",
            )
        )
    return OverrideFigures(tuple(figures), tuple(reasons))


def _soft_refusals(kind: Refusal, asked: int, overridden: int, sessions: int) -> list[Figure]:
    words = WORDS[kind]
    return [
        rate(
            f"asked_{kind.value}",
            SECTION,
            f"Refused until overridden: {words}",
            asked,
            sessions,
            f"Entries this soft limit refused in the period, each asking for its override {PER_SESSIONS}",
        ),
        rate(
            f"not_overridden_{kind.value}",
            SECTION,
            f"Refused and not overridden (near miss): {words}",
            asked - overridden,
            sessions,
            "Of the refusals above, those with no override of this limit recorded after them in the same "
            f"session (for a second infusion the same day: for the same patient) {PER_SESSIONS}",
        ),
    ]


def _overridden_after(line: AuditLine, kind: Refusal, found: Sequence[Override]) -> bool:
    """An override of the same limit recorded after the refusal, in its session (or, for a refused second
    infusion the same day, which has no session, for its patient)."""
    for override in found:
        if override.limit is not kind or override.at < line.at:
            continue
        if line.session_id is not None and override.session_id == line.session_id:
            return True
        if line.session_id is None and override.patient_id is not None and override.patient_id == line.patient_id:
            return True
    return False
