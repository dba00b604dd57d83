"""Identify: two identifiers, and the name is always one of them."""

from __future__ import annotations

import pytest

from core.errors import InputError


@pytest.mark.parametrize(
    ("identifiers", "said"),
    [
        (("birth_date", "mrn"), "Confirm the patient's name"),
        (("mrn", "birth_date", "mrn"), "Confirm the patient's name"),
        (("name",), "Confirm a second identifier"),
        (("name", "name"), "Confirm a second identifier"),
        (("name", "chair"), "Unknown identifiers"),
        ((), "Confirm the patient's name"),
    ],
)
def test_a_patient_is_not_seated_without_the_name_and_one_more_identifier(care, patient, nurses, identifiers, said):
    with pytest.raises(InputError) as caught:
        care.open_session(patient.id, 1, nurses[0].id, identifiers)
    assert caught.value.field == "identifiers" and caught.value.message.startswith(said)
    assert caught.value.advice or said == "Unknown identifiers"
    assert care.chairs() == []


@pytest.mark.parametrize("second", ["birth_date", "mrn"])
def test_the_name_with_the_date_of_birth_or_the_record_number_seats_the_patient(care, patient, nurses, second):
    state = care.open_session(patient.id, 1, nurses[0].id, (second, "name"))
    (view,) = care.chairs()
    assert view.state.session_id == state.session_id
    assert state.events[0].payload["identifiers_confirmed"] == sorted(["name", second])
