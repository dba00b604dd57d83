"""Every entry a limit or a rule refuses is an audit line naming its kind, though nothing is recorded: the
near misses the quality report counts (a dose over a limit, an impossible vital sign, a soft limit passed
without its confirmation, override or go-ahead, a nurse as her own second check; the weight's are in
test_weight_input)."""

from __future__ import annotations

import pytest

from core import audit
from core.audit import AuditAction
from core.errors import InputError, NotPermitted
from core.events import EventType as E
from core.identify import Identified
from core.protocol import VitalKind
from core.refusals import WORDS, Refusal, kind_of
from tests.helpers.answers import NORMAL, SCREEN_OK, no_symptoms
from tests.helpers.people import ANA_PASSWORD
from tests.helpers.sessions import prepare, signed
from tests.test_alert_holds import ready_with_low_baseline
from tests.test_database_gone import remove
from tests.test_weight_change import today, yesterday_at
from tests.test_weight_input import refusals


def test_the_dose_limits_near_misses_are_audit_lines(care, patient, nurses):
    """A dose the hard limit refuses, and an override the soft limit asks for, are counted even though
    neither records a dose."""
    ana = nurses[0]
    sid = care.open_session(
        patient.id, 1, ana.id, Identified(name=True, birth_date=patient.birth_date.isoformat())
    ).session_id
    care.screen(sid, SCREEN_OK, ana.id)
    care.record_weight(sid, "130", "kg", ana.id, confirm_change=True)
    with pytest.raises(InputError, match="soft limit"):
        care.confirm_dose(sid, ana.id)
    care.record_weight(sid, "210", "kg", ana.id, confirm_change=True)
    with pytest.raises(InputError, match="hard limit"):
        care.confirm_dose(sid, ana.id)
    assert [d["kind"] for d in refusals(care)][-2:] == [Refusal.DOSE_SOFT_LIMIT, Refusal.DOSE_HARD_LIMIT]
    assert E.DOSE_CALCULATED not in [e.type for e in care.state(sid).events]


def test_an_impossible_vital_sign_is_an_audit_line_and_nothing_is_recorded(care, patient, nurses):
    sid = prepare(care, patient, nurses)
    before = len(care.state(sid).events)
    with pytest.raises(InputError):
        care.record_vitals(sid, {**NORMAL, VitalKind.SYSTOLIC: "126124"}, nurses[0].id)
    assert refusals(care)[-1] | {"said": ""} == {
        "kind": Refusal.VITAL_IMPOSSIBLE,
        "vital": "systolic",
        "entered": "126124",
        "said": "",
    }
    assert len(care.state(sid).events) == before


def test_a_weight_change_not_confirmed_is_a_near_miss(care, patient, nurses, clock):
    yesterday_at(care, patient, nurses, clock)
    sid = today(care, patient, nurses)
    with pytest.raises(InputError, match=r"10\.5 % more"):
        care.record_weight(sid, "80", "kg", nurses[0].id)
    (line,) = refusals(care)
    assert line["kind"] == Refusal.WEIGHT_CHANGE_UNCONFIRMED
    assert (line["entered"], line["change_percent"]) == ("80 kg", "10.5")


def test_a_second_infusion_the_same_day_without_the_override_is_a_near_miss_of_the_patient(
    care, patient, nurses, clock, database
):
    signed(care, patient, nurses, clock)
    with pytest.raises(InputError):
        care.open_session(patient.id, 2, nurses[0].id, Identified(name=True, mrn=patient.mrn))
    (line,) = [e for e in audit.entries(database) if e.action == AuditAction.REFUSED]
    assert line.detail["kind"] == Refusal.SAME_DAY_WITHOUT_OVERRIDE
    assert (line.patient_id, line.session_id, line.actor_id) == (patient.id, None, nurses[0].id)


def test_a_start_outside_the_thresholds_without_a_go_ahead_is_a_near_miss(care, patient, nurses):
    first, _ = nurses
    sid, state = ready_with_low_baseline(care, patient, first)
    care.acknowledge_alert(sid, state.open_alerts[0].event_id, ["notify"], no_symptoms(care), first.id)
    with pytest.raises(InputError, match="outside the start thresholds"):
        care.start_infusion(sid, first.id)
    assert [d["kind"] for d in refusals(care)] == [Refusal.START_WITHOUT_GO_AHEAD]
    care.start_infusion(sid, first.id, go_ahead="Dr Patel by phone: proceed")
    assert len(refusals(care)) == 1


def test_a_nurse_named_as_her_own_second_check_is_a_near_miss(care, patient, nurses):
    first, _ = nurses
    sid = prepare(care, patient, nurses)  # checked by Ben, drawn up
    with pytest.raises(NotPermitted, match="cannot also be the second reader"):
        care.record_pump(sid, "155.4", "103.6", first.id, ("ana", ANA_PASSWORD, "155.4", "103.6"))
    (line,) = refusals(care)
    assert (line["kind"], line["of"]) == (Refusal.SAME_NURSE_CHECKING, "pump")


def test_older_lines_are_read_by_their_words():
    assert kind_of({"limit": "hard dose limit", "said": "…"}) is Refusal.DOSE_HARD_LIMIT
    assert kind_of({"limit": "diastolic not below systolic", "entered": "120/178"}) is Refusal.READINGS_DISAGREE
    assert kind_of({"what": "discharge", "problems": []}) is Refusal.DISCHARGE_CRITERIA
    assert kind_of({"refused": "return to stock", "lot": "L1"}) is Refusal.RETURN_SINGLE_DOSE
    assert kind_of({"kind": "weight_unit"}) is Refusal.WEIGHT_UNIT
    assert kind_of({"kind": "something later"}) is None and kind_of({}) is None
    assert set(WORDS) == set(Refusal)


def test_a_nurse_checking_her_own_dose_is_a_near_miss_in_her_name(care, patient, nurses):
    first, _ = nurses
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    care.screen(sid, SCREEN_OK, first.id)
    care.record_weight(sid, "72.4", "kg", first.id)
    care.confirm_dose(sid, first.id, vial_id="ketamine-10")
    with pytest.raises(NotPermitted, match="cannot also check it"):
        care.record_check(sid, "ana", ANA_PASSWORD, "72.4", "36.2", "155.4")
    (line,) = [e for e in audit.entries(care.db) if e.action == AuditAction.REFUSED]
    assert (line.detail["kind"], line.detail["of"], line.actor_id) == (Refusal.SAME_NURSE_CHECKING, "dose", first.id)


def test_a_trail_that_cannot_be_written_leaves_the_nurse_her_own_refusal(care, patient, nurses, db_path, caplog):
    """The database file gone: the impossible reading is still what she is told about, and the line that
    could not be written is in the log."""
    sid = prepare(care, patient, nurses)
    remove(db_path)
    with pytest.raises(InputError) as refused:
        care.record_vitals(sid, {**NORMAL, VitalKind.SYSTOLIC: "126124"}, nurses[0].id)
    assert refused.value.field == "systolic"
    assert "Refusal not in the audit trail" in caplog.text and "vital_impossible" in caplog.text


def test_an_account_that_may_not_record_care_leaves_no_near_miss(care, patient, nurses, admin):
    sid = prepare(care, patient, nurses)
    with pytest.raises(InputError):
        care.record_vitals(sid, {**NORMAL, VitalKind.SYSTOLIC: "126124"}, admin.id)
    assert refusals(care) == []
