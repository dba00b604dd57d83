"""Every code the FHIR export writes, in one table, each with where it comes from and whether the clinical
reference has confirmed it (``shared/clinical/REFERENCE.md`` section 10, ``PROMIS.md`` section 6).

A code still marked unverified is written only when the export is asked to (``--allow-unverified-codes``),
and the resource that carries it says so in ``meta.tag``; without that, the concept keeps its text and the
clinic's own code, never a code nobody has checked. A measurement with no standard code (RASS) is coded in
the clinic's own code system, whose address is the clinic's FHIR base (a setting) plus ``LOCAL_SYSTEM_PATH``.
FHIR's own code systems (observation categories, interpretation, encounter class) are part of the
specification the export follows and count as verified.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.protocol import VitalKind

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ADMIN_FUNCTION = "http://terminology.hl7.org/CodeSystem/med-admin-perform-function"
AE_SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
SECURITY = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"
ROUTE = "http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration"
DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"

LOCAL_SYSTEM_PATH = "/CodeSystem/chairside"
"""The clinic's own code system, under its FHIR base: codes for what has no standard one."""
IDENTIFIER_PATHS = {"mrn": "/NamingSystem/mrn", "session": "/NamingSystem/session", "staff": "/NamingSystem/staff"}
"""The clinic's identifier systems, under its FHIR base."""
QUESTIONNAIRE_PATH = "/Questionnaire/"
"""The clinic's canonical Questionnaire of a PROMIS short form: base + this + form id (no wording in it)."""


@dataclass(frozen=True)
class Code:
    """One coding: ``verified`` says whether the clinical reference has confirmed it; ``source`` says where."""

    system: str
    code: str
    display: str
    verified: bool
    source: str


@dataclass(frozen=True)
class Measure:
    """A measurement's codes (LOINC first; pulse oximetry carries two), its UCUM unit and the unit's words."""

    codes: tuple[Code, ...]
    ucum: str
    unit: str


def _loinc(code: str, display: str, *, verified: bool, source: str) -> Code:
    return Code(LOINC, code, display, verified, source)


_VS = "REFERENCE 10.1 (HL7 FHIR vital-signs value set)"

BLOOD_PRESSURE_PANEL = _loinc("85354-9", "Blood pressure panel with all children optional", verified=True, source=_VS)

VITALS: dict[VitalKind, Measure] = {
    VitalKind.SYSTOLIC: Measure(
        (_loinc("8480-6", "Systolic blood pressure", verified=True, source=_VS),), "mm[Hg]", "mmHg"
    ),
    VitalKind.DIASTOLIC: Measure(
        (_loinc("8462-4", "Diastolic blood pressure", verified=True, source=_VS),), "mm[Hg]", "mmHg"
    ),
    VitalKind.HEART_RATE: Measure((_loinc("8867-4", "Heart rate", verified=True, source=_VS),), "/min", "beats/minute"),
    VitalKind.RESPIRATORY_RATE: Measure(
        (_loinc("9279-1", "Respiratory rate", verified=True, source=_VS),), "/min", "breaths/minute"
    ),
    VitalKind.SPO2: Measure(
        (
            _loinc("2708-6", "Oxygen saturation in Arterial blood", verified=True, source=_VS),
            _loinc("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", verified=True, source=_VS),
        ),
        "%",
        "%",
    ),
    VitalKind.TEMPERATURE: Measure((_loinc("8310-5", "Body temperature", verified=True, source=_VS),), "Cel", "C"),
}
"""The protocol's vital kinds that are vital signs in FHIR's sense; sedation (RASS) is not one (``RASS``)."""

BODY_WEIGHT = Measure((_loinc("29463-7", "Body weight", verified=True, source=_VS),), "kg", "kg")
PAIN_SCORE = Measure(
    (
        _loinc(
            "75261-8",
            "Average pain intensity [0-10] in past 7 days (PROMIS)",
            verified=False,
            source="PROMIS.md 6: MII score definition; 75262-6 and 61583-1 also seen, unresolved",
        ),
    ),
    "{score}",
    "score",
)
"""The PROMIS-29 0-10 average pain intensity item (Global07, the past 7 days), kept as its number. It is not
72514-3 (a pain score now, on a verbal scale): PROMIS.md 6 leaves its LOINC code unresolved between three
candidates, so the first is written only on request and the clinic's own code (``PAIN_INTENSITY``) always."""
PAIN_INTENSITY = "promis-pain-intensity"
"""The clinic's own code of the PROMIS-29 pain intensity item."""

RASS = "rass"
"""The local code of a RASS score: no LOINC code for it is in the clinical reference."""

KETAMINE = Code(RXNORM, "6130", "ketamine", verified=False, source="REFERENCE 10.2: confirm in RxNav")

SIDE_EFFECTS: dict[str, Code] = {
    "nausea": Code(SNOMED, "422587007", "Nausea (finding)", True, "REFERENCE 10.3: confirmed"),
    "vomiting": Code(SNOMED, "422400008", "Vomiting (disorder)", True, "REFERENCE 10.3: confirmed"),
    "dizziness": Code(SNOMED, "404640003", "Dizziness (finding)", True, "REFERENCE 10.3: confirmed"),
    "hallucinations": Code(SNOMED, "7011001", "Hallucinations (finding)", False, "REFERENCE 10.3: seen in mappings"),
    "headache": Code(SNOMED, "25064002", "Headache (finding)", False, "REFERENCE 10.3: seen in public code"),
}
"""The protocol's side-effect items with a SNOMED CT code (the protocol file names the same codes: a test
keeps the two in step); the other items are coded in the clinic's own system only."""

_PCO = "PROMIS.md 6: seen in public guides, VERIFY in LOINC"
PROMIS_T_SCORES: dict[str, Code] = {
    "PI_4a_v1.0": _loinc("77865-4", "PROMIS pain interference v1.0 T-score", verified=False, source=_PCO),
    "PF_4a_v2.0": _loinc("91721-1", "PROMIS physical function v2.0 T-score", verified=False, source=_PCO),
    "DEP_4a_v1.0": _loinc("77861-3", "PROMIS depression v1.0 T-score", verified=False, source=_PCO),
    "ANX_4a_v1.0": _loinc("71967-4", "PROMIS-29 anxiety T-score", verified=False, source=_PCO),
    "SD_4a_v1.0": _loinc("77860-5", "PROMIS sleep disturbance v1.0 T-score", verified=False, source=_PCO),
    "FAT_4a_v1.0": _loinc("77864-7", "PROMIS fatigue v1.0 T-score", verified=False, source=_PCO),
    "SRA_4a_v2.0": _loinc(
        "77854-8", "PROMIS ability to participate in social roles v2.0 T-score", verified=False, source=_PCO
    ),
}
"""The generic, versioned T-score codes PROMIS.md 6 prefers, the short form named in ``Observation.method``."""

IV_INFUSION = Code(ROUTE, "IVINFUS", "Intravenous infusion", False, "HL7 v3 RouteOfAdministration: not in REFERENCE")

VITAL_SIGNS_CATEGORY = Code(OBSERVATION_CATEGORY, "vital-signs", "Vital Signs", True, "FHIR R4")
SURVEY_CATEGORY = Code(OBSERVATION_CATEGORY, "survey", "Survey", True, "FHIR R4")
EXAM_CATEGORY = Code(OBSERVATION_CATEGORY, "exam", "Exam", True, "FHIR R4")
ABNORMAL = Code(INTERPRETATION, "A", "Abnormal", True, "FHIR R4")
"""An advisory reading (the protocol's quiet flag)."""
CRITICAL = Code(INTERPRETATION, "AA", "Critical abnormal", True, "FHIR R4")
"""An act-now reading (the protocol's alarm)."""
AMBULATORY = Code(ACT_CODE, "AMB", "ambulatory", True, "FHIR R4")
PERFORMER = Code(ADMIN_FUNCTION, "performer", "Performer", True, "FHIR R4")
VERIFIER = Code(ADMIN_FUNCTION, "verifier", "Verifier", True, "FHIR R4")
SEVERITIES = {
    grade: Code(AE_SEVERITY, grade, grade.capitalize(), True, "FHIR R4") for grade in ("mild", "moderate", "severe")
}
"""The adverse-event severities FHIR R4 has; a life-threatening grade is written as severe, its own word kept."""
ABSENT_UNKNOWN = Code(DATA_ABSENT, "unknown", "Unknown", True, "FHIR R4 data-absent-reason")
ABSENT_ERROR = Code(DATA_ABSENT, "error", "Error", True, "FHIR R4 data-absent-reason")
ABSENT_REASONS = {
    "asleep": Code(DATA_ABSENT, "not-performed", "Not Performed", True, "FHIR R4 data-absent-reason"),
    "refused": Code(DATA_ABSENT, "asked-declined", "Asked But Declined", True, "FHIR R4 data-absent-reason"),
    "away from chair": Code(DATA_ABSENT, "not-performed", "Not Performed", True, "FHIR R4 data-absent-reason"),
    "equipment problem": ABSENT_ERROR,
}
"""Why a reading of a partial set is missing, by the protocol's partial reasons (a test keeps them in step);
a reason not here is written as ``ABSENT_UNKNOWN`` with its words."""
AMENDED = Code(DATA_OPERATION, "UPDATE", "revise", True, "FHIR R4 provenance activity types")
"""A correction's Provenance: the resources it names were amended (their text says "amended")."""
PSEUDONYMISED = Code(SECURITY, "PSEUDED", "pseudonymized", True, "FHIR R4 security labels")

UNVERIFIED_TAG = "unverified-code"
"""The local tag a resource carrying an unverified code has in ``meta.tag``."""
DEIDENTIFIED_TAG = "deidentified"


def all_codes() -> list[Code]:
    """Every standard code in the table (for the tests and the benchmark's count)."""
    found = [BLOOD_PRESSURE_PANEL, KETAMINE, IV_INFUSION, *SIDE_EFFECTS.values()]
    found += [code for measure in (*VITALS.values(), BODY_WEIGHT, PAIN_SCORE) for code in measure.codes]
    return found + list(PROMIS_T_SCORES.values())
