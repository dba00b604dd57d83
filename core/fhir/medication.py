"""The drug: MedicationRequest for a course order, MedicationAdministration for each infusion.

An administration carries the dose (the calculated dose when the infusion ran to its end, the nurse's
estimate of what was given when it stopped early), the route, the pump rate, the period from the first
start to the end, each pause in a note, the nurse who gave it as performer and the second nurse whose
check agreed as a second performer with the function "verifier". A correction of any entry it is built
from (the dose, the check, the pump, the start, the stop) is a note on it, beside the correction's
Provenance: the record keeps what was entered and what was said about it, so the export does too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from core.course import CourseView
from core.dosing import DoseCalculation
from core.fhir import codes
from core.fhir.context import Context, Json, present, quantity
from core.fhir.observations import Correction, correction_notes
from core.protocol import Protocol


def ketamine(context: Context) -> Json:
    return context.concept("ketamine", codes.KETAMINE, local="ketamine")


def medication_request(context: Context, protocol: Protocol, course: CourseView, today: date) -> Json:
    """The course order: the protocol's dose per kg, once a day for the course's days from its first day."""
    minutes = protocol.dose.infusion_minutes
    per_kg = protocol.dose.mg_per_kg
    words = f"{per_kg} mg/kg IV over {minutes} min, once a day for {course.days} days ({course.protocol_id})"
    prescriber = context.free_text(course.prescriber)
    return present(
        [
            ("resourceType", "MedicationRequest"),
            ("id", context.id("MedicationRequest", course.id)),
            ("status", "completed" if course.last_day < today else "active"),
            ("intent", "order"),
            ("medicationCodeableConcept", ketamine(context)),
            ("subject", context.ref("Patient", course.patient_id)),
            ("authoredOn", context.moment(course.recorded_at)),
            ("recorder", context.ref("Practitioner", course.recorded_by)),
            ("requester", {"display": prescriber} if prescriber else None),
            (
                "dosageInstruction",
                [
                    {
                        "text": words,
                        "timing": {
                            "repeat": {
                                "boundsPeriod": {"start": context.day(course.first_day)},
                                "count": course.days,
                                "frequency": 1,
                                "period": 1,
                                "periodUnit": "d",
                            }
                        },
                        "route": context.concept("intravenous infusion", codes.IV_INFUSION, local="iv-infusion"),
                        "doseAndRate": [{"doseQuantity": quantity(per_kg, "mg/kg", "mg/kg")}],
                    }
                ],
            ),
        ]
    )


@dataclass
class Infusion:
    """What a session's entries say about its infusion, gathered in one pass over them."""

    session_id: str
    patient_id: str
    course_id: str | None
    calculation: DoseCalculation | None = None
    started_at: datetime | None = None
    started_by: str | None = None
    checker_id: str | None = None
    check_agreed: bool = False
    ended_at: datetime | None = None
    stopped_early: bool = False
    stop_reason: str | None = None
    estimated_mg: Decimal | None = None
    """What the nurse estimates was given, when the infusion stopped early (an early stop always says)."""
    paused: bool = False
    pauses: list[tuple[datetime, datetime | None, str]] = field(default_factory=list)


def _pause_words(context: Context, pauses: list[tuple[datetime, datetime | None, str]]) -> str:
    parts = []
    for begun, ended, reason in pauses:
        why = context.free_text(reason)
        span = f"{context.moment(begun)} to {context.moment(ended) if ended else 'not resumed'}"
        parts.append(f"{span} ({why})" if why else span)
    return f"Paused {len(pauses)} time{'s' if len(pauses) != 1 else ''}: " + "; ".join(parts)


def medication_administration(context: Context, infusion: Infusion, corrections: Sequence[Correction] = ()) -> Json:
    """One infusion, as far as it went, with the corrections of the entries it is built from."""
    calc = infusion.calculation
    assert infusion.started_at is not None and infusion.started_by is not None
    if infusion.ended_at is None:
        status = "on-hold" if infusion.paused else "in-progress"
    else:
        status = "stopped" if infusion.stopped_early else "completed"
    performers: list[Json] = [
        {
            "function": context.concept("Performer", codes.PERFORMER),
            "actor": context.ref("Practitioner", infusion.started_by),
        }
    ]
    if infusion.checker_id is not None and infusion.check_agreed:
        verifier = context.concept("Verifier", codes.VERIFIER)
        performers.append({"function": verifier, "actor": context.ref("Practitioner", infusion.checker_id)})
    dosage: Json = {"route": context.concept("intravenous infusion", codes.IV_INFUSION, local="iv-infusion")}
    if calc is not None:
        given = infusion.estimated_mg if infusion.estimated_mg is not None else calc.dose_mg
        dosage["dose"] = quantity(given, "mg", "mg")
        dosage["rateQuantity"] = quantity(calc.rate_ml_per_h, "mL/h", "mL/h")
        dosage["text"] = (
            f"{calc.dose_mg} mg ({calc.mg_per_kg} mg/kg x {calc.weight_kg} kg) in {calc.final_volume_ml} mL "
            f"over {calc.infusion_minutes} min at {calc.rate_ml_per_h} mL/h"
        )
    notes = []
    if infusion.pauses:
        notes.append({"text": _pause_words(context, infusion.pauses)})
    if infusion.stopped_early:
        why = context.free_text(infusion.stop_reason)
        notes.append({"text": "Stopped early" + (f": {why}" if why else "") + "; the dose is the nurse's estimate."})
    notes += correction_notes(corrections)
    period = present([("start", context.moment(infusion.started_at)), ("end", _end(context, infusion.ended_at))])
    return present(
        [
            ("resourceType", "MedicationAdministration"),
            ("id", context.id("MedicationAdministration", infusion.session_id)),
            ("status", status),
            ("medicationCodeableConcept", ketamine(context)),
            ("subject", context.ref("Patient", infusion.patient_id)),
            ("context", context.ref("Encounter", infusion.session_id)),
            ("effectivePeriod", period),
            ("performer", performers),
            ("request", context.ref("MedicationRequest", infusion.course_id) if infusion.course_id else None),
            ("note", notes),
            ("dosage", dosage),
        ]
    )


def _end(context: Context, at: datetime | None) -> str | None:
    return context.moment(at) if at is not None else None
