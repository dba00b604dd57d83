"""What a nurse enters when all is well: readings inside every limit, a screening that stops nothing, no
side effects, every discharge criterion met. A test changes one answer to tell its own story."""

from __future__ import annotations

from core.care import Care
from core.protocol import VitalKind as V

NORMAL = {
    V.SYSTOLIC: "124",
    V.DIASTOLIC: "78",
    V.HEART_RATE: "72",
    V.RESPIRATORY_RATE: "14",
    V.SPO2: "98",
    V.SEDATION: "0",
}
"""A set of vital signs inside every limit of the protocol."""

SCREEN_OK = {
    **dict.fromkeys(
        ("cardiovascular", "psychosis", "liver", "raised_pressure", "substance_misuse", "allergy"), "no"
    ),  # the course-start checklist
    **dict.fromkeys(("pregnancy", "cardiac", "substance"), "no"),
    "no_escort": "no",
}
"""Every screening question answered so that nothing stops the session."""

NO_SIDE_EFFECTS = {"nausea": "none", "dissociation": "none"}
"""A side-effect check that finds nothing."""

DISCHARGE_OK = {"escort": True, "instructions": True, "effects_resolved": True}
"""Every discharge criterion met."""


def no_symptoms(care: Care) -> dict[str, str]:
    """Every symptom question the protocol can ask after an alarm, answered no."""
    return {question.id: "no" for question in care.protocol.alert_response.symptoms}
