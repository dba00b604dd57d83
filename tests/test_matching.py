"""A second record for the same patient is pointed out before it is made."""

from __future__ import annotations

import pytest

from core.errors import InputError
from core.matching import similar_names


@pytest.mark.parametrize(
    ("other", "alike"),
    [
        (("Lindqvist", "Maja"), True),
        (("LINDQVIST", "maja"), True),  # case
        (("Lindkvist", "Maja"), True),  # a typo
        (("Maja", "Lindqvist"), True),  # family and given swapped
        (("Lindqvíst", "Maja"), True),  # an accent
        (("Lindqvist", "Maja-Li"), True),
        (("Osei", "Kwame"), False),
        (("Lindqvist", "Erik"), False),  # a relative with the same family name
    ],
)
def test_names_that_may_be_the_same_person(other, alike):
    assert similar_names("Lindqvist", "Maja", *other) is alike


def test_registering_a_near_duplicate_needs_a_confirmation(care, patient, nurses):
    first, _ = nurses
    with pytest.raises(InputError) as caught:
        care.register_patient("MRN-2002", "Lindkvist", "Maja", "1971-03-14", first.id)
    assert caught.value.field == "confirm_new" and "LINDQVIST, Maja (MRN-1001)" in caught.value.message
    assert [p.mrn for p in care.similar_patients("Lindkvist", "Maja", "1971-03-14")] == ["MRN-1001"]
    assert care.find_patients("MRN-2002") == []
    made = care.register_patient("MRN-2002", "Lindkvist", "Maja", "1971-03-14", first.id, confirm_new=True)
    assert made.mrn == "MRN-2002"


def test_a_different_birth_date_or_name_is_registered_at_once(care, patient, nurses):
    first, _ = nurses
    assert care.register_patient("MRN-2003", "Lindqvist", "Maja", "1971-03-15", first.id).mrn == "MRN-2003"
    assert care.register_patient("MRN-2004", "Okafor", "Ben", "1971-03-14", first.id).mrn == "MRN-2004"
