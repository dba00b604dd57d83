"""Observations of the body: each vital sign of a set, the weight, and the sedation score.

Vital signs follow FHIR's vital-signs profile: category ``vital-signs``, the LOINC code, a UCUM unit, the
blood pressure as one panel (85354-9) with its systolic and diastolic components, both always (a reading
missing from a partial set is a component with the set's partial reason as its ``dataAbsentReason``). The
interpretation is the tier the protocol's thresholds gave the reading when it was recorded (stored with the
set, by ``core.vitals``): advisory is "A", act-now "AA". RASS has no LOINC code in the clinical reference, so it is
an exam Observation in the clinic's own code system.

A set later corrected (a correction before signing, or an addendum naming it after) is exported once, with
status ``amended``, the correction's words in a note and a Provenance linking the correction: never as a
second, current value beside the first. Chairside's corrections are words, not a corrected number, and its
own trends stop counting a corrected reading; so the amended Observation drops the known-wrong value (and
its interpretation) and says ``dataAbsentReason`` "error" instead: no system reads the wrong number as
current, and the note says what the nurse said about it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from core import event_data as d
from core.events import Event
from core.fhir import codes
from core.fhir.codes import Measure
from core.fhir.context import Context, Json, present, quantity
from core.protocol import Protocol, VitalKind
from core.vitals import Tier

INTERPRETATIONS = {Tier.ADVISE: codes.ABNORMAL, Tier.ACT: codes.CRITICAL}


@dataclass(frozen=True)
class Correction:
    """What was said about a corrected entry, by whom and when (the correction is the record)."""

    event_id: str
    by: str
    at: str
    words: str


def _category(context: Context, code: codes.Code) -> list[Json]:
    return [context.concept(None, code)]


def _code(context: Context, measure: Measure, text: str) -> Json:
    return context.concept(text, *measure.codes)


def _interpretation(context: Context, tier: Tier | None) -> list[Json] | None:
    code = INTERPRETATIONS.get(tier) if tier is not None else None
    return [context.concept(code.display, code)] if code is not None else None


def correction_notes(corrections: Sequence[Correction]) -> list[Json]:
    """Each correction's words, when it was made, as a note on the resource it amends."""
    return [{"text": f"Corrected {c.at}: {c.words}", "time": c.at} for c in corrections]


def _measured(
    context: Context, corrections: Sequence[Correction], value: tuple[str, object], tier: Tier | None = None
) -> list[tuple[str, object]]:
    """The value and its interpretation; for a corrected reading, neither, and the reason why."""
    if corrections:
        error = codes.ABSENT_ERROR
        return [("dataAbsentReason", context.concept("corrected: see the note", error))]
    return [value, ("interpretation", _interpretation(context, tier))]


def _base(context: Context, key: str, corrections: Sequence[Correction]) -> list[tuple[str, object]]:
    return [
        ("resourceType", "Observation"),
        ("id", context.id("Observation", key)),
        ("status", "amended" if corrections else "final"),
    ]


def _about(
    context: Context, event: Event, patient_id: str, corrections: Sequence[Correction]
) -> list[tuple[str, object]]:
    return [
        ("subject", context.ref("Patient", patient_id)),
        ("encounter", context.ref("Encounter", event.session_id)),
        ("effectiveDateTime", context.moment(event.occurred_at)),
        ("issued", context.moment(event.recorded_at)),
        ("performer", [context.ref("Practitioner", event.recorded_by)]),
        ("note", correction_notes(corrections)),
    ]


def observation_key(event_id: str, what: str) -> str:
    """The source key of the Observation of ``what`` in the entry ``event_id`` (its id is derived from it)."""
    return f"{event_id}/{what}"


def vital_signs(
    context: Context, protocol: Protocol, event: Event, patient_id: str, corrections: Sequence[Correction]
) -> Iterator[Json]:
    """One Observation per vital sign in a set (the blood pressure as one), in the protocol's order."""
    vitals = event.data_as(d.VitalsRecorded)
    tiers: dict[VitalKind, Tier] = {}
    for finding in vitals.findings:
        if finding.tier.rank > tiers.get(finding.vital, Tier.NORMAL).rank:
            tiers[finding.vital] = finding.tier
    values = vitals.values
    if VitalKind.SYSTOLIC in values or VitalKind.DIASTOLIC in values:
        yield _blood_pressure(context, event, patient_id, values, tiers, corrections, vitals.partial_reason)
    for kind in protocol.vitals:
        if kind in (VitalKind.SYSTOLIC, VitalKind.DIASTOLIC) or kind not in values:
            continue
        if kind is VitalKind.SEDATION:
            yield _rass(context, event, patient_id, values[kind], tiers.get(kind), corrections)
            continue
        measure = codes.VITALS[kind]
        yield present(
            [
                *_base(context, observation_key(event.id, kind.value), corrections),
                ("category", _category(context, codes.VITAL_SIGNS_CATEGORY)),
                ("code", _code(context, measure, protocol.vitals[kind].label)),
                *_about(context, event, patient_id, corrections),
                *_measured(
                    context,
                    corrections,
                    ("valueQuantity", quantity(values[kind], measure.unit, measure.ucum)),
                    tiers.get(kind),
                ),
            ]
        )


def _blood_pressure(
    context: Context,
    event: Event,
    patient_id: str,
    values: Mapping[VitalKind, Decimal],
    tiers: Mapping[VitalKind, Tier],
    corrections: Sequence[Correction],
    partial_reason: str | None,
) -> Json:
    components = []
    for kind in (VitalKind.SYSTOLIC, VitalKind.DIASTOLIC):  # both, always: the panel's profile says so
        measure = codes.VITALS[kind]
        if kind in values:
            value = ("valueQuantity", quantity(values[kind], measure.unit, measure.ucum))
            measured = _measured(context, corrections, value, tiers.get(kind))
        else:
            measured = [("dataAbsentReason", _absent(context, partial_reason))]
        components.append(present([("code", _code(context, measure, measure.codes[0].display)), *measured]))
    panel = codes.BLOOD_PRESSURE_PANEL
    return present(
        [
            *_base(context, observation_key(event.id, "blood-pressure"), corrections),
            ("category", _category(context, codes.VITAL_SIGNS_CATEGORY)),
            ("code", context.concept("Blood pressure", panel)),
            *_about(context, event, patient_id, corrections),
            ("component", components),
        ]
    )


def _absent(context: Context, partial_reason: str | None) -> Json:
    """Why a reading of the set is missing: the set's partial reason, as FHIR's data-absent-reason."""
    code = codes.ABSENT_REASONS.get(partial_reason or "", codes.ABSENT_UNKNOWN)
    return context.concept(partial_reason or code.display, code)


def _rass(
    context: Context,
    event: Event,
    patient_id: str,
    value: Decimal,
    tier: Tier | None,
    corrections: Sequence[Correction],
) -> Json:
    return present(
        [
            *_base(context, observation_key(event.id, VitalKind.SEDATION.value), corrections),
            ("category", _category(context, codes.EXAM_CATEGORY)),
            ("code", context.concept("Richmond Agitation-Sedation Scale (RASS)", local=codes.RASS)),
            *_about(context, event, patient_id, corrections),
            *_measured(context, corrections, ("valueInteger", int(value)), tier),
        ]
    )


def body_weight(context: Context, event: Event, patient_id: str, corrections: Sequence[Correction]) -> Json:
    """The weight the dose was calculated from, in kg (as converted when it was entered in lb)."""
    weighed = event.data_as(d.Weighed)
    measure = codes.BODY_WEIGHT
    return present(
        [
            *_base(context, observation_key(event.id, "weight"), corrections),
            ("category", _category(context, codes.VITAL_SIGNS_CATEGORY)),
            ("code", _code(context, measure, "Body weight")),
            *_about(context, event, patient_id, corrections),
            *_measured(context, corrections, ("valueQuantity", quantity(weighed.kg, measure.unit, measure.ucum))),
        ]
    )
