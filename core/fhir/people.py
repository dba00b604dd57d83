"""Patient and Practitioner: no more than the record holds (names, record number, birth date, confirmed sex)."""

from __future__ import annotations

from core.fhir.context import Context, Json, present
from core.people import Account
from core.record_values import PatientRecord

GENDERS = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}
"""The confirmed sex as FHIR's administrative gender, where the words are the same; anything else is left out."""


def patient(context: Context, record: PatientRecord, sex: str | None) -> Json:
    """The patient; a de-identified one keeps only the birth date (shifted) and sex."""
    name = None if context.deidentify else [{"family": record.family_name, "given": record.given_name.split()}]
    return present(
        [
            ("resourceType", "Patient"),
            ("id", context.id("Patient", record.id)),
            ("identifier", context.identifier("mrn", record.mrn)),
            ("name", name),
            ("gender", GENDERS.get((sex or "").lower())),
            ("birthDate", context.day(record.birth_date)),
        ]
    )


def practitioner(context: Context, account: Account) -> Json:
    """A nurse who acted in an exported record; a de-identified export keeps her only as a pseudonym."""
    name = None if context.deidentify else [{"text": account.name}]
    return present(
        [
            ("resourceType", "Practitioner"),
            ("id", context.id("Practitioner", account.id)),
            ("identifier", context.identifier("staff", account.username or account.id)),
            ("name", name),
        ]
    )
