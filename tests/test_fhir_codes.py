"""The export's code table: one place, in step with the protocol, every unverified code known as such."""

from __future__ import annotations

from core.fhir import codes
from core.fhir.context import Context
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
