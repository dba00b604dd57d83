"""What each audit line records, as a hash: the line carries it, so ``audit.verify`` can recompute it.

The audit chain alone shows a line edited or removed; it cannot show the record a line describes changed
under it (a vitals value rewritten, a patient renamed, a session's outcome or chair changed in its summary
row). Each line that records something therefore carries the hash of that thing as written, in the one
canonical form of ``core.hashing``, and verify compares the record as it is now with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.course import CourseView
from core.events import Event, PatientEvent
from core.hashing import sha256_json, utc_moment
from core.record_values import DetailsRecord, PatientRecord, SessionSummary
from core.signatures import canonical, digest


def event_content(event: Event) -> str:
    """A care record, every field and its signatures."""
    return sha256_json(canonical(event))


def patient_event_content(event: PatientEvent) -> str:
    """A record on a patient's own stream, every field."""
    return sha256_json(
        {
            "id": event.id,
            "patient_id": event.patient_id,
            "course_id": event.course_id,
            "seq": event.seq,
            "type": event.type.value,
            "occurred_at": utc_moment(event.occurred_at),
            "recorded_at": utc_moment(event.recorded_at),
            "recorded_by": event.recorded_by,
            "workstation": event.workstation,
            "payload": event.payload,
            "corrects": event.corrects,
            "reason": event.reason,
        }
    )


def patient_content(row: PatientRecord) -> str:
    """The patient's identifying fields, as every banner, wristband check and printout uses them."""
    return sha256_json(
        {
            "id": row.id,
            "mrn": row.mrn,
            "family_name": row.family_name,
            "given_name": row.given_name,
            "birth_date": row.birth_date.isoformat(),
        }
    )


def details_content(row: DetailsRecord) -> str:
    return sha256_json(
        {
            "id": row.id,
            "patient_id": row.patient_id,
            "sex": row.sex,
            "allergies": row.allergies,
            "no_known_allergies": row.no_known_allergies,
            "confirmed_by": row.confirmed_by,
            "confirmed_at": utc_moment(row.confirmed_at),
        }
    )


def course_content(row: CourseView) -> str:
    return sha256_json(
        {
            "id": row.id,
            "patient_id": row.patient_id,
            "prescriber": row.prescriber,
            "first_day": row.first_day.isoformat(),
            "days": row.days,
            "protocol": [row.protocol_id, row.protocol_version],
        }
    )


def summary_content(row: SessionSummary) -> str:
    """A session's summary row after an entry: whose, which chair, and where the record has got to (the day
    log and the board read this row, not the whole record)."""
    facts: dict[str, Any] = {
        "id": row.id,
        "patient_id": row.patient_id,
        "chair": row.chair,
        "protocol": [row.protocol_id, row.protocol_version, row.protocol_hash],
        "opened_at": utc_moment(row.opened_at),
        "opened_by": row.opened_by,
        "step": row.step,
        "outcome": row.outcome,
        "active": bool(row.active),
        "last_seq": row.last_seq,
    }
    return sha256_json(facts)


def record_hash(events: Sequence[Event]) -> str:
    """The digest of every entry of the sessions printed, as stored, in order: two printouts of the same
    record carry the same one, and any change to an entry changes it."""
    return digest([canonical(event) for event in events])
