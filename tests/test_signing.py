"""Who did what on the session record: the second nurse's own credentials, signatures, read-only after signing."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from core import audit
from core.accounts import Accounts
from core.audit import AuditAction
from core.care import Care
from core.errors import NotAllowedError
from core.events import EventType as E
from core.identify import Identified
from core.machine import Step
from core.people import Account
from core.persistence.db import Database
from core.signatures import Meaning
from tests.helpers.answers import NORMAL, SCREEN_OK
from tests.helpers.people import ADMIN_PASSWORD, ANA_PASSWORD, BEN_PASSWORD
from tests.helpers.sessions import discharged, seen


def dosed(care: Care, patient, first: Account) -> str:
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    care.screen(sid, SCREEN_OK, first.id)
    care.record_weight(sid, "80", "kg", first.id)
    care.confirm_dose(sid, first.id, vial_id="ketamine-50")
    return sid


def test_the_second_nurse_signs_in_there_and_then(care, patient, nurses):
    first, second = nurses
    sid = dosed(care, patient, first)
    state = care.record_check(sid, "ben", BEN_PASSWORD, "80", "40", "151.2")
    assert state.checked_by == second.id and state.dosed_by == first.id
    check = state.events[-1]
    assert check.recorded_by == second.id
    (signature,) = state.signatures
    assert (signature.signer_id, signature.meaning, signature.subject) == (
        second.id,
        Meaning.VERIFIED,
        "the second-nurse check",
    )


def test_a_wrong_second_nurse_password_records_nothing(care, patient, nurses):
    first, _ = nurses
    sid = dosed(care, patient, first)
    before = len(care.state(sid).events)
    with pytest.raises(NotAllowedError, match="not right"):
        care.record_check(sid, "ben", "not bens password at all", "80", "40", "151.2")
    assert len(care.state(sid).events) == before


def test_the_same_nurse_cannot_check_her_own_dose_even_with_her_password(care, patient, nurses):
    first, _ = nurses
    sid = dosed(care, patient, first)
    with pytest.raises(NotAllowedError, match="cannot also check"):
        care.record_check(sid, "ana", ANA_PASSWORD, "80", "40", "151.2")
    assert E.CHECKED not in {e.type for e in care.state(sid).events}


def test_a_deactivated_nurse_cannot_check(care, patient, nurses, accounts: Accounts, admin: Account):
    first, second = nurses
    sid = dosed(care, patient, first)
    accounts.deactivate(admin.id, second.id, "left the clinic")
    with pytest.raises(NotAllowedError, match="deactivated"):
        care.record_check(sid, "ben", BEN_PASSWORD, "80", "40", "151.2")


def test_an_administrator_account_does_not_record_care(care, patient, nurses, admin: Account):
    first, _ = nurses
    sid = dosed(care, patient, first)
    with pytest.raises(NotAllowedError, match="administrator"):
        care.record_vitals(sid, NORMAL, admin.id)
    with pytest.raises(NotAllowedError, match="administrator"):
        care.record_check(sid, "admin", ADMIN_PASSWORD, "80", "40", "151.2")


def test_signing_needs_the_signers_password_and_closes_the_record(care, patient, nurses, clock):
    first, _ = nurses
    sid = discharged(care, patient, nurses, clock)
    with pytest.raises(NotAllowedError, match="not right"):
        care.sign(sid, first.id, BEN_PASSWORD, seen_seq=seen(care, sid))
    assert care.state(sid).step is Step.SIGN
    state = care.sign(sid, first.id, ANA_PASSWORD, seen_seq=seen(care, sid))
    assert state.step is Step.DONE and state.read_only
    meanings = [(s.meaning, s.subject) for s in state.signatures]
    assert (Meaning.VERIFIED, "the discharge") in meanings
    assert meanings[-1] == (Meaning.ADMINISTERED, "the session")
    assert state.altered_signatures == ()
    with pytest.raises(NotAllowedError):
        care.record_vitals(sid, NORMAL, first.id)
    with pytest.raises(NotAllowedError):
        care.correct(sid, state.events[1].id, "typo", "should read 81 kg", first.id)


def test_after_signing_only_signed_addenda(care, patient, nurses, clock):
    first, second = nurses
    sid = discharged(care, patient, nurses, clock)
    state = care.sign(sid, first.id, ANA_PASSWORD, seen_seq=seen(care, sid))
    weighed = next(e for e in state.events if e.type is E.WEIGHED)
    with pytest.raises(NotAllowedError):
        care.add_addendum(sid, "Scale recalibrated afterwards", second.id, ANA_PASSWORD)
    state = care.add_addendum(sid, "Scale recalibrated afterwards; weight 72.6 kg", second.id, BEN_PASSWORD, weighed.id)
    addendum = state.events[-1]
    assert addendum.type is E.ADDENDUM and addendum.corrects == weighed.id
    assert state.signatures[-1].meaning is Meaning.AMENDED and state.signatures[-1].signer_id == second.id
    assert state.step is Step.DONE and state.altered_signatures == ()


def test_a_record_changed_after_signing_shows_the_broken_signature(care, patient, nurses, clock, database: Database):
    first, _ = nurses
    sid = discharged(care, patient, nurses, clock)
    care.sign(sid, first.id, ANA_PASSWORD, seen_seq=seen(care, sid))
    with database.engine.begin() as raw:  # someone edits the file behind the application's back
        raw.execute(text("DROP TRIGGER session_event_no_update"))
        raw.execute(
            text("UPDATE session_event SET payload = :p WHERE session_id = :s AND type = 'weight.recorded'"),
            {"p": '{"entered": "60", "unit": "kg", "kg": "60", "advisories": []}', "s": sid},
        )
    broken = care.state(sid).altered_signatures
    assert [s.meaning for s in broken] == [Meaning.ADMINISTERED]


def test_every_record_and_signature_is_in_the_audit_trail(care, patient, nurses, clock, database: Database):
    first, second = nurses
    sid = discharged(care, patient, nurses, clock)
    state = care.sign(sid, first.id, ANA_PASSWORD, seen_seq=seen(care, sid))
    lines = audit.entries(database, patient_id=patient.id)
    written = {line.detail["event_id"] for line in lines if line.action == AuditAction.RECORD_WRITTEN}
    assert written == {event.id for event in state.events}
    signed = {(line.actor_id, line.detail["meaning"]) for line in lines if line.action == AuditAction.SIGNATURE}
    assert signed == {(second.id, "verified"), (first.id, "verified"), (first.id, "administered")}
    assert audit.verify(database).ok


def test_opening_a_patients_record_is_audited(care, patient, nurses, database: Database):
    first, _ = nurses
    care.record_view(first.id, patient.id)
    (line,) = audit.entries(database, actor_id=first.id, patient_id=patient.id)[:1]
    assert line.action == AuditAction.PATIENT_VIEWED


def test_an_entry_recorded_meanwhile_must_be_seen_before_the_session_is_signed(care, patient, nurses, clock):
    first, second = nurses
    sid = discharged(care, patient, nurses, clock)
    on_screen = seen(care, sid)
    care.record_side_effects(sid, {"nausea": "mild"}, second.id)  # from another workstation
    with pytest.raises(NotAllowedError, match="since it was shown"):
        care.sign(sid, first.id, "not even checked", seen_seq=on_screen)
    assert care.sign(sid, first.id, ANA_PASSWORD, seen_seq=seen(care, sid)).step is Step.DONE
