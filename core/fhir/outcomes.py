"""The outcome forms: a QuestionnaireResponse per PROMIS short form answered, an Observation per T-score, and
one for the 0-10 pain intensity item.

Each response names its form's canonical Questionnaire and holds item ids and the scored values only, never
the wording, which is the copyright holder's. The Questionnaire URL is the clinic's own (its FHIR base +
``/Questionnaire/`` + the form id): PROMIS.md section 6 names no canonical URL pattern for the PROMIS short
forms (it cites the MII guide's ``promis-painin9`` style for item linkIds only), so none is claimed.

``authored`` is when the patient answered as far as the record knows it: the moment it was recorded when the
form was answered then (at the chair or a visit, recorded that day), else only the day it was taken (by
phone, or entered later), never a made-up time of day.

A T-score Observation is derived from its response, its code the versioned generic LOINC T-score code
(PROMIS.md 6, still to be verified) and the form named in ``method``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from core import event_data as d
from core.events import PatientEvent
from core.fhir import codes
from core.fhir.context import Context, Json, present, quantity


def questionnaire_url(context: Context, form_id: str) -> str:
    return context.base + codes.QUESTIONNAIRE_PATH + form_id


def assessment_resources(context: Context, event: PatientEvent) -> Iterator[Json]:
    """The sitting's responses and scores."""
    assessed = event.data_as(d.Assessed)
    taken = context.day(date.fromisoformat(assessed.taken_on))
    answered_then = event.occurred_at == event.recorded_at  # else its moment stands for the day only
    authored = context.moment(event.occurred_at) if answered_then else taken
    subject = context.ref("Patient", event.patient_id)
    for form in assessed.forms:
        key = f"{event.id}/{form.form_id}"
        response_ref = context.ref("QuestionnaireResponse", key)
        yield present(
            [
                ("resourceType", "QuestionnaireResponse"),
                ("id", context.id("QuestionnaireResponse", key)),
                ("questionnaire", questionnaire_url(context, form.form_id)),
                ("status", "completed"),
                ("subject", subject),
                ("authored", authored),
                ("author", context.ref("Practitioner", event.recorded_by)),
                ("source", subject),
                (
                    "item",
                    [{"linkId": item, "answer": [{"valueInteger": value}]} for item, value in form.answers.items()],
                ),
            ]
        )
        if form.t_score is None:
            continue
        method = f"{form.form_id} scored by {form.table}" + (" (table still to be verified)" if form.to_verify else "")
        yield present(
            [
                ("resourceType", "Observation"),
                ("id", context.id("Observation", key)),
                ("status", "final"),
                ("category", [context.concept(None, codes.SURVEY_CATEGORY)]),
                (
                    "code",
                    context.concept(
                        f"PROMIS {form.form_id} T-score",
                        codes.PROMIS_T_SCORES.get(form.form_id),
                        local=f"promis-t-{form.form_id}",
                    ),
                ),
                ("subject", subject),
                ("effectiveDateTime", taken),
                ("issued", context.moment(event.recorded_at)),
                ("valueQuantity", quantity(form.t_score, "T-score", "{score}")),
                ("method", {"text": method}),
                ("derivedFrom", [response_ref]),
            ]
        )
    if assessed.pain_intensity is not None:
        measure = codes.PAIN_SCORE
        yield present(
            [
                ("resourceType", "Observation"),
                ("id", context.id("Observation", f"{event.id}/pain-intensity")),
                ("status", "final"),
                ("category", [context.concept(None, codes.SURVEY_CATEGORY)]),
                (
                    "code",
                    context.concept(
                        "PROMIS-29 average pain intensity (0-10)", *measure.codes, local=codes.PAIN_INTENSITY
                    ),
                ),
                ("subject", subject),
                ("effectiveDateTime", taken),
                ("issued", context.moment(event.recorded_at)),
                ("valueInteger", assessed.pain_intensity),
            ]
        )
