"""Encounter: one per session, which every other resource of the session references."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from core.fhir import codes
from core.fhir.context import Context, Json, present
from core.machine import Outcome
from core.record_values import SessionSummary


def encounter(context: Context, summary: SessionSummary, ended_at: datetime | None, acted: Iterable[str]) -> Json:
    """The session: in progress while open; finished once ended, cancelled when no drug was given."""
    if summary.active:
        status = "in-progress"
    else:
        status = "cancelled" if summary.outcome == Outcome.NOT_TREATED.value else "finished"
    period = present(
        [("start", context.moment(summary.opened_at)), ("end", context.moment(ended_at) if ended_at else None)]
    )
    return present(
        [
            ("resourceType", "Encounter"),
            ("id", context.id("Encounter", summary.id)),
            ("identifier", context.identifier("session", summary.id)),
            ("status", status),
            ("class", context.coding(codes.AMBULATORY)),
            ("type", [{"text": "Ketamine infusion session" + ("" if summary.active else f" ({summary.outcome})")}]),
            ("subject", context.ref("Patient", summary.patient_id)),
            ("participant", [{"individual": context.ref("Practitioner", who)} for who in sorted(set(acted))]),
            ("period", period),
        ]
    )
