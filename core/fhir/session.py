"""A session's resources, from one pass over its entries: the Encounter, the infusion, the weight, each vital
sign, each adverse event, a Provenance for each signature and for each correction.

Which resources an entry became is kept as it goes, so a signature or a correction names the very
resources built from the entry it is about: a session's signature the Encounter, a correction of a vitals set
each of that set's Observations, and a signature on or a correction of any entry the infusion is made of (the
dose, the second-nurse check, the pump, the start, a pause, the end) the MedicationAdministration, which
then carries the correction's words in a note.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from core import event_data as d
from core.events import Event
from core.events import EventType as E
from core.fhir.adverse import adverse_event
from core.fhir.context import Context, Json
from core.fhir.encounter import encounter
from core.fhir.medication import Infusion, medication_administration
from core.fhir.observations import Correction, body_weight, vital_signs
from core.fhir.provenance import correction_provenance, signature_provenance
from core.protocol import Protocol
from core.record_values import SessionSummary
from core.signatures import signatures_in

ENDINGS = {E.SIGNED, E.ABANDONED, E.DISCHARGED}
INFUSION_ENTRIES = {
    E.DOSE_CALCULATED,
    E.CHECKED,
    E.PUMP_PROGRAMMED,
    E.STARTED,
    E.PAUSED,
    E.RESUMED,
    E.COMPLETED,
    E.STOPPED_EARLY,
}
"""The entries the MedicationAdministration is built from: a correction of any of them amends it."""
UNSAID = "corrected in the clinic's record"
"""A correction's words in a de-identified export, which leaves typed words out."""


def _refs(resources: Sequence[Json]) -> list[Json]:
    return [{"reference": f"{r['resourceType']}/{r['id']}"} for r in resources]


def corrections_of(context: Context, events: Sequence[Event]) -> dict[str, list[Correction]]:
    """Each corrected entry's corrections: one before signing, or an addendum naming it after."""
    found: dict[str, list[Correction]] = {}
    for event in events:
        if event.corrects is None or event.type not in {E.CORRECTED, E.ADDENDUM}:
            continue
        said = context.free_text(" — ".join(p for p in (event.reason, event.data_as(d.Note).note) if p))
        words = said or UNSAID
        at = context.moment(event.recorded_at)
        found.setdefault(event.corrects, []).append(Correction(event.id, event.recorded_by, at, words))
    return found


def session_resources(
    context: Context, protocol: Protocol, summary: SessionSummary, events: Sequence[Event], acted: set[str]
) -> Iterator[Json]:
    """Every resource of one session; ``acted`` gathers the staff the resources name (their Practitioners
    are written once per export)."""
    patient_id = summary.patient_id
    corrections = corrections_of(context, events)
    infusion = Infusion(summary.id, patient_id, summary.course_id)
    built: dict[str, list[Json]] = {}
    infusion_entries: list[str] = []
    people: set[str] = {summary.opened_by}
    ended_at: datetime | None = None
    for event in events:
        people.add(event.recorded_by)
        fixed = corrections.get(event.id, [])
        if event.type in INFUSION_ENTRIES:
            infusion_entries.append(event.id)
        match event.type:
            case E.WEIGHED:
                built[event.id] = [body_weight(context, event, patient_id, fixed)]
            case E.VITALS:
                built[event.id] = list(vital_signs(context, protocol, event, patient_id, fixed))
            case E.DOSE_CALCULATED:
                infusion.calculation = event.data_as(d.DoseCalculated).calculation
            case E.CHECKED:
                check = event.data_as(d.Checked)
                infusion.checker_id, infusion.check_agreed = check.checker_id, not check.mismatches
                people.add(check.checker_id)
            case E.STARTED:
                if infusion.started_at is None:
                    infusion.started_at, infusion.started_by = event.occurred_at, event.recorded_by
            case E.PAUSED:
                infusion.paused = True
                infusion.pauses.append((event.occurred_at, None, event.data_as(d.Paused).reason))
            case E.RESUMED:
                infusion.paused = False
                if infusion.pauses:
                    begun, _, reason = infusion.pauses[-1]
                    infusion.pauses[-1] = (begun, event.occurred_at, reason)
            case E.COMPLETED:
                infusion.ended_at = event.occurred_at
            case E.STOPPED_EARLY:
                stopped = event.data_as(d.StoppedEarly)
                infusion.ended_at, infusion.stopped_early = event.occurred_at, True
                infusion.stop_reason, infusion.estimated_mg = stopped.reason, stopped.estimated_mg_given
            case E.ADVERSE_EVENT:
                built[event.id] = [adverse_event(context, event, patient_id, infused=infusion.started_at is not None)]
            case _:
                pass
        if event.type in ENDINGS:
            ended_at = event.occurred_at
        for signature in signatures_in(event):
            people.add(signature.signer_id)
    acted.update(people)
    visit = encounter(context, summary, None if summary.active else ended_at, people)
    yield visit
    made = [resource for resources in built.values() for resource in resources]
    if infusion.started_at is not None:
        amended = [c for entry_id in infusion_entries for c in corrections.get(entry_id, [])]
        administration = medication_administration(context, infusion, sorted(amended, key=lambda c: c.at))
        built.update((entry_id, [administration]) for entry_id in infusion_entries)
        yield administration
    yield from made
    yield from _provenances(context, events, corrections, built, visit)


def _provenances(
    context: Context,
    events: Sequence[Event],
    corrections: dict[str, list[Correction]],
    built: dict[str, list[Json]],
    visit: Json,
) -> Iterator[Json]:
    for event in events:
        signatures = signatures_in(event)
        if not signatures:
            continue
        if event.id in built:  # an entry that became resources (a check, a pump reading): those
            targets = built[event.id]
        elif event.type is E.ADDENDUM and event.corrects in built:
            targets = built[event.corrects]
        else:
            targets = [visit]
        for signature in signatures:
            yield signature_provenance(context, signature, _refs(targets), context.moment(event.recorded_at))
    for target_id, said in corrections.items():
        if target_id not in built:
            continue
        for correction in said:
            yield correction_provenance(
                context, correction.event_id, correction.by, correction.at, _refs(built[target_id]), correction.words
            )
