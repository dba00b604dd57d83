"""Identify: two identifiers, the name always one of them, and what was typed or scanned compared with
the record; sex and allergies as the nurse confirmed them, with who and when."""

from __future__ import annotations

import pytest

from core import audit
from core.audit import AuditAction
from core.errors import InputError
from core.identify import Details, Identified

BORN = "1971-03-14"  # the fixture patient's (Maja, MRN-1001)


@pytest.mark.parametrize(
    ("identified", "said"),
    [
        (Identified(birth_date=BORN, mrn="MRN-1001"), "Confirm the patient's name"),
        (Identified(name=True), "Confirm a second identifier"),
        (Identified(name=True, birth_date="  ", mrn=""), "Confirm a second identifier"),
        (Identified(), "Confirm the patient's name"),
    ],
)
def test_a_patient_is_not_seated_without_the_name_and_one_more_identifier(care, patient, nurses, identified, said):
    with pytest.raises(InputError) as caught:
        care.open_session(patient.id, 1, nurses[0].id, identified)
    assert caught.value.field == "identifiers" and caught.value.message.startswith(said)
    assert caught.value.advice
    assert care.chairs() == []


@pytest.mark.parametrize(
    ("identified", "second"),
    [
        (Identified(name=True, birth_date=BORN), "birth_date"),
        (Identified(name=True, mrn="MRN-1001"), "mrn"),
        (Identified(name=True, mrn=" mrn-1001 "), "mrn"),  # a space or the letter case is a slip, not a mismatch
    ],
)
def test_the_name_with_a_matching_date_of_birth_or_record_number_seats_the_patient(
    care, patient, nurses, identified, second
):
    state = care.open_session(patient.id, 1, nurses[0].id, identified)
    (view,) = care.chairs()
    assert view.state.session_id == state.session_id
    assert state.events[0].payload["identifiers_confirmed"] == sorted(["name", second])
    assert state.events[0].payload["record_number_scanned"] is False


@pytest.mark.parametrize(
    ("identified", "field", "said"),
    [
        (Identified(name=True, birth_date="1971-03-15"), "identified_birth_date", "1971-03-15, is not the one"),
        (Identified(name=True, mrn="MRN-1002"), "identified_mrn", "MRN-1002 is not this patient's"),
        (Identified(name=True, mrn="0MRN-1001"), "identified_mrn", "0MRN-1001 is not"),
        # A right record number does not excuse a wrong date of birth: a mismatch is a warning sign.
        (Identified(name=True, birth_date="1971-04-14", mrn="MRN-1001"), "identified_birth_date", "is not the one"),
        (Identified(name=True, birth_date="14/03/1971"), "identified_birth_date", ""),
        # Said before the missing tick on the name: a date that differs may mean another patient.
        (Identified(birth_date="1971-03-15"), "identified_birth_date", "1971-03-15, is not the one"),
    ],
)
def test_a_date_of_birth_or_record_number_that_differs_from_the_record_is_refused_by_its_field(
    care, patient, nurses, identified, field, said
):
    with pytest.raises(InputError) as caught:
        care.open_session(patient.id, 1, nurses[0].id, identified)
    assert caught.value.field == field and said in caught.value.message
    assert BORN not in caught.value.message + caught.value.advice  # the record's own value is never given away
    assert care.chairs() == []


def test_a_scanned_record_number_is_recorded_as_scanned(care, patient, nurses):
    state = care.open_session(patient.id, 1, nurses[0].id, Identified(name=True, mrn="MRN-1001", scanned=True))
    assert state.events[0].payload["identifiers_confirmed"] == ["mrn", "name"]
    assert state.events[0].payload["record_number_scanned"] is True


def test_registration_records_sex_and_allergies_with_who_confirmed_them_and_when(care, nurses, clock):
    made = care.register_patient(
        "MRN-5", "Garcia", "Maria", "1970-03-14", nurses[0].id, details=Details("female", " penicillin ")
    )
    (found,) = care.find_patients("MRN-5")
    assert found == made
    assert (made.sex, made.allergies, made.no_known_allergies) == ("female", "penicillin", False)
    assert made.details_confirmed_by == nurses[0].name and made.details_confirmed_at == clock.now()
    actions = [e.action for e in audit.entries(care.db, patient_id=made.id)]
    assert AuditAction.PATIENT_DETAILS_CONFIRMED in actions


@pytest.mark.parametrize(
    ("details", "field"),
    [
        (Details(None, no_known_allergies=True), "sex"),
        (Details("woman", no_known_allergies=True), "sex"),
        (Details("female"), "allergies"),
        (Details("female", "   "), "allergies"),
        (Details("female", "latex", no_known_allergies=True), "allergies"),
        (Details("female", "latex\x1b[2J (hives)"), "allergies"),
        (Details("female", "penicillin; " * 40), "allergies"),
    ],
)
def test_registration_refuses_sex_or_allergies_left_out_contradictory_or_unshowable(care, nurses, details, field):
    with pytest.raises(InputError) as caught:
        care.register_patient("MRN-6", "Roe", "Sam", "1980-01-01", nurses[0].id, details=details)
    assert caught.value.field == field and caught.value.advice
    assert care.find_patients("MRN-6") == []


def test_a_record_without_details_says_so_until_a_nurse_confirms_them(care, patient, nurses, clock):
    assert (patient.sex, patient.allergies) == (None, None)
    clock.advance(minutes=3)
    updated = care.record_details(patient.id, Details("female", no_known_allergies=True), nurses[1].id)
    assert (updated.sex, updated.allergies, updated.no_known_allergies) == ("female", "", True)
    assert updated.details_confirmed_by == nurses[1].name
    clock.advance(minutes=3)
    care.record_details(patient.id, Details("female", "latex"), nurses[0].id)
    newest = care.patient(patient.id)
    assert (newest.allergies, newest.no_known_allergies, newest.details_confirmed_at) == ("latex", False, clock.now())


def test_a_seated_patients_banner_reads_details_confirmed_after_seating(care, patient, nurses):
    care.open_session(patient.id, 1, nurses[0].id, Identified(name=True, mrn="MRN-1001"))
    assert care.chairs()[0].patient.allergies is None
    care.record_details(patient.id, Details("female", no_known_allergies=True), nurses[0].id)
    assert care.chairs()[0].patient.no_known_allergies is True
