"""The export's code table: one place, in step with the protocol, every unverified code known as such."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from core import event_data as d
from core.events import EventType, PatientEvent
from core.fhir import codes
from core.fhir.context import Context
from core.fhir.outcomes import assessment_resources
from core.protocol import VitalKind


def test_every_vital_the_protocol_records_has_a_code(protocol):
    for kind in protocol.vitals:
        if kind is VitalKind.SEDATION:  # RASS: no LOINC code in the clinical reference, the clinic's own
            continue
        measure = codes.VITALS[kind]
        assert measure.codes[0].system == codes.LOINC and measure.codes[0].verified and measure.ucum


def test_the_protocols_side_effect_codes_are_the_tables(protocol):
    in_protocol = {item.id: item.snomed for item in protocol.side_effects.items if item.snomed}
    assert in_protocol == {item: code.code for item, code in codes.SIDE_EFFECTS.items()}


def test_every_outcome_form_has_a_t_score_code_still_to_verify(protocol):
    assert set(protocol.outcomes.forms) == set(codes.PROMIS_T_SCORES)
    assert not any(code.verified for code in codes.PROMIS_T_SCORES.values())
    assert not codes.KETAMINE.verified  # REFERENCE 10.2: confirm in RxNav


def test_a_concept_keeps_its_words_and_drops_an_unverified_code_unless_allowed():
    plain, allowing = Context("https://clinic.example/fhir"), Context("https://clinic.example/fhir/", True)
    assert plain.concept("ketamine", codes.KETAMINE) == {"text": "ketamine"}
    assert allowing.concept("ketamine", codes.KETAMINE)["coding"][0]["code"] == "6130"
    local = plain.concept("RASS", local=codes.RASS)["coding"]
    assert local == [{"system": "https://clinic.example/fhir/CodeSystem/chairside", "code": "rass", "display": "RASS"}]


def test_the_promis_pain_item_has_its_own_code_still_to_verify_and_the_clinics_always():
    (code,) = codes.PAIN_SCORE.codes
    assert code.code != "72514-3" and not code.verified  # PROMIS.md 6: unresolved; 72514-3 is another measure
    plain, allowing = Context("https://clinic.example/fhir"), Context("https://clinic.example/fhir", True)
    assert [c["code"] for c in _pain(plain)["code"]["coding"]] == [codes.PAIN_INTENSITY]
    assert [c["code"] for c in _pain(allowing)["code"]["coding"]] == [code.code, codes.PAIN_INTENSITY]


def _pain(context: Context) -> dict[str, Any]:
    assessed = d.Assessed(
        time_point="baseline", taken_on="2026-11-20", mode="paper", language="en", forms=(), pain_intensity=6
    )
    at = datetime(2026, 11, 20, 9, tzinfo=UTC)
    event = PatientEvent("e1", "p1", None, 1, EventType.ASSESSED, at, at, "n1", "ws", assessed.to_payload())
    (pain,) = assessment_resources(context, event)
    return pain


def test_every_partial_reason_of_the_protocol_has_a_data_absent_reason(protocol):
    assert set(protocol.vitals_schedule.partial_reasons) == set(codes.ABSENT_REASONS)


def test_no_unverified_code_of_the_table_gets_a_coding_unless_allowed():
    plain, allowing = Context("https://clinic.example/fhir"), Context("https://clinic.example/fhir", True)
    unverified = [code for code in codes.all_codes() if not code.verified]
    assert len(unverified) >= 10
    for code in unverified:
        assert plain.coding(code) is None and plain.codings(code) == []
        assert allowing.coding(code) == {"system": code.system, "code": code.code, "display": code.display}
    verified = [code for code in codes.all_codes() if code.verified]
    assert all(plain.coding(code) is not None for code in verified)
