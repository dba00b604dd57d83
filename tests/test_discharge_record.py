"""Discharge agrees with the record: a criterion the latest side effects or vital signs contradict cannot be
met by a tick; it needs the prescriber's override (her name and the reason); every refusal is an audit line;
the going-home sheet prints only after discharge and never says effects passed that the record says did not."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader

from core import audit
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.dates import local_time
from core.discharge import contradictions, going_home_sheet_allowed, met_by_record
from core.errors import InputError, NotAllowedError, ProtocolError
from core.events import EventType as E
from core.machine import Step
from core.protocol import Protocol, parse_protocol
from core.refusals import Refusal
from core.reports.escort_sheet import escort_pdf, sheet_lines
from core.settings import ClinicSettings
from tests.helpers.answers import DISCHARGE_OK, NO_SIDE_EFFECTS, NORMAL
from tests.helpers.people import ANA_PASSWORD
from tests.helpers.sessions import observed
from tests.test_protocol import edited

PASSED = "These feelings had passed before you left. They can come back for up to a day."
NOT_PASSED = "Some of these feelings had not passed when you left."
REASON = "Seen by Dr Patel: hallucinations settling, her sister stays with her tonight"
PRESCRIBER = "Dr Priya Patel"


@pytest.fixture(name="hallucinating")
def hallucinating_session(care: Care, patient, nurses, clock: ManualClock) -> str:
    """Observed for the minimum, then hallucinations graded moderate minutes before discharge."""
    sid = observed(care, patient, nurses, clock)
    clock.advance(minutes=2)
    care.record_side_effects(sid, {**NO_SIDE_EFFECTS, "hallucinations": "moderate"}, nurses[0].id)
    return sid


def refusals(database) -> list:
    return [e for e in audit.entries(database) if e.action == AuditAction.REFUSED]


def discharges(care: Care, sid: str) -> list:
    return [e for e in care.state(sid).events if e.type is E.DISCHARGED]


def read(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(pdf)).pages)


def test_the_protocol_names_what_contradicts_effects_resolved(protocol: Protocol):
    (rule,) = protocol.discharge_contradictions.rules
    assert rule.criterion == "effects_resolved" and rule.above_grade == "none"
    assert {"hallucinations", "dissociation", "confusion", "visual", "unsteady"} <= set(rule.side_effects)
    assert rule.vital_tiers == ["act"]


def test_the_latest_grade_decides_whichever_check_recorded_it(care: Care, hallucinating, nurses, clock, protocol):
    state = care.state(hallucinating)
    (found,) = contradictions(protocol, state)
    at = local_time(state.events[-1].occurred_at)
    assert found.criterion_id == "effects_resolved"
    assert found.findings == (f"Hallucinations moderate at {at}",)
    clock.advance(minutes=10)
    care.record_side_effects(hallucinating, {"hallucinations": "none"}, nurses[0].id)  # a later, partial check
    assert contradictions(protocol, care.state(hallucinating)) == ()


def test_a_contradicted_criterion_ticked_is_refused_and_the_refusal_recorded(
    care: Care, hallucinating, nurses, database
):
    first, _ = nurses
    with pytest.raises(InputError) as refused:
        care.discharge(hallucinating, "10", DISCHARGE_OK, first.id, ANA_PASSWORD)
    assert refused.value.field == "override_reason"
    assert "Perceptual and dissociative effects resolved — the record shows Hallucinations moderate" in str(
        refused.value
    )
    assert discharges(care, hallucinating) == [] and care.state(hallucinating).step is Step.OBSERVE
    (line,) = refusals(database)
    assert line.session_id == hallucinating and line.actor_id == first.id
    assert line.detail["kind"] == Refusal.DISCHARGE_CRITERIA
    assert line.detail["contradicted"][0]["criterion"] == "effects_resolved"

    # A reason without the prescriber's name is refused too, and recorded again.
    with pytest.raises(InputError) as unnamed:
        care.discharge(hallucinating, "10", DISCHARGE_OK, first.id, ANA_PASSWORD, override_reason=REASON)
    assert unnamed.value.field == "prescriber"
    assert len(refusals(database)) == 2 and discharges(care, hallucinating) == []


def test_an_override_with_reason_and_prescriber_is_recorded_with_what_it_overrode(care: Care, hallucinating, nurses):
    first, _ = nurses
    state = care.discharge(
        hallucinating, "10", DISCHARGE_OK, first.id, ANA_PASSWORD, override_reason=REASON, prescriber=PRESCRIBER
    )
    assert state.step is Step.SIGN
    (event,) = discharges(care, hallucinating)
    assert event.payload["override_reason"] == REASON and event.payload["prescriber"] == PRESCRIBER
    assert event.payload["criteria"]["effects_resolved"] is False  # a tick the record denies is not kept as met
    assert event.payload["contradicted"][0]["criterion"] == "effects_resolved"
    assert "Hallucinations moderate" in event.payload["unmet"][0]


def test_vital_signs_at_the_act_tier_contradict_too(care: Care, patient, nurses, clock, protocol):
    first, _ = nurses
    sid = observed(care, patient, nurses, clock)
    care.record_vitals(sid, {**NORMAL, "sedation": "-3"}, first.id)
    (found,) = contradictions(protocol, care.state(sid))
    assert found.criterion_id == "effects_resolved" and "Sedation (RASS) -3" in found.findings[0]


def test_an_unknown_criterion_or_item_in_the_protocol_is_refused():
    for replace, with_ in [
        ('{ criterion = "effects_resolved"', '{ criterion = "effects_gone"'),
        ('side_effects = ["hallucinations"', 'side_effects = ["halucinations"'),
        ('if_met = "effects_resolved"', 'if_met = "effects_gone"'),
    ]:
        with pytest.raises(ProtocolError):
            parse_protocol(edited(replace, with_), "test.toml")


# ---- the going-home sheet -----------------------------------------------------------------------------


def test_the_sheet_prints_only_once_the_patient_is_discharged(care: Care, patient, nurses, clock):
    first, _ = nurses
    sid = observed(care, patient, nurses, clock)
    assert not going_home_sheet_allowed(care.state(sid))
    with pytest.raises(NotAllowedError, match="not been discharged yet"):
        escort_pdf(care.session_snapshot(sid), ClinicSettings(), "Ana Reyes")
    care.discharge(sid, "10", DISCHARGE_OK, first.id, ANA_PASSWORD)
    assert going_home_sheet_allowed(care.state(sid))
    words = read(escort_pdf(care.session_snapshot(sid), ClinicSettings(), "Ana Reyes"))
    assert PASSED in words and NOT_PASSED not in words


def test_the_sheet_never_says_effects_passed_when_the_record_says_otherwise(
    care: Care, hallucinating, nurses, protocol
):
    first, _ = nurses
    care.discharge(
        hallucinating, "10", DISCHARGE_OK, first.id, ANA_PASSWORD, override_reason=REASON, prescriber=PRESCRIBER
    )
    state = care.state(hallucinating)
    assert "effects_resolved" not in met_by_record(protocol, state)
    assert not any("had passed" in line for line in sheet_lines(protocol, state))
    words = read(escort_pdf(care.session_snapshot(hallucinating), ClinicSettings(), "Ana Reyes"))
    assert "had passed" not in words
    assert NOT_PASSED in words


def test_an_unticked_criterion_overridden_is_not_said_to_be_met_either(care: Care, patient, nurses, clock, protocol):
    first, _ = nurses
    sid = observed(care, patient, nurses, clock)
    care.discharge(
        sid,
        "10",
        {**DISCHARGE_OK, "effects_resolved": False},
        first.id,
        ANA_PASSWORD,
        override_reason=REASON,
        prescriber=PRESCRIBER,
    )
    assert "effects_resolved" not in met_by_record(protocol, care.state(sid))
    assert "had passed" not in read(escort_pdf(care.session_snapshot(sid), ClinicSettings(), "Ana Reyes"))
