"""AdverseEvent: a side effect at the protocol's act-now grade, as the nurse recorded it.

The event is coded in SNOMED CT where the clinical reference confirms the item's code (and in the clinic's
own system always); the severity in FHIR's three words, a life-threatening grade written as severe with its
own word kept. The ketamine given in the session, if any, is the suspect entity.
"""

from __future__ import annotations

from core import event_data as d
from core.events import Event
from core.fhir import codes
from core.fhir.context import Context, Json, present


def adverse_event(context: Context, event: Event, patient_id: str, infused: bool) -> Json:
    recorded = event.data_as(d.AdverseEvent)
    grade = recorded.severity
    severity = codes.SEVERITIES.get(grade, codes.SEVERITIES["severe"])
    suspect = [{"instance": context.ref("MedicationAdministration", event.session_id)}] if infused else None
    return present(
        [
            ("resourceType", "AdverseEvent"),
            ("id", context.id("AdverseEvent", event.id)),
            ("actuality", "actual"),
            (
                "event",
                context.concept(
                    recorded.what, codes.SIDE_EFFECTS.get(recorded.item), local=f"side-effect-{recorded.item}"
                ),
            ),
            ("subject", context.ref("Patient", patient_id)),
            ("encounter", context.ref("Encounter", event.session_id)),
            ("date", context.moment(event.occurred_at)),
            ("recordedDate", context.moment(event.recorded_at)),
            ("recorder", context.ref("Practitioner", event.recorded_by)),
            ("severity", context.concept(grade, severity)),
            ("suspectEntity", suspect),
        ]
    )
