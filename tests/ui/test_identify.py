"""Identify: a near-duplicate is pointed out before a second record is made."""

from __future__ import annotations

from PySide6.QtWidgets import QListWidget

from core.services import Care
from tests.ui.conftest import Nurse
from ui.main_window import MainWindow

DIFFERENT = "A different person: none of the records listed is this patient."


def register(nurse: Nurse, mrn: str, family: str, given: str, born: str) -> None:
    nurse.type("Medical record number", mrn)
    nurse.type("Family name", family)
    nurse.type("Given name", given)
    nurse.type("Date of birth", born, enter=True)


def test_a_near_duplicate_is_listed_and_a_new_record_needs_confirming(
    nurse: Nurse, window: MainWindow, care: Care, patient, nurses
):
    nurse.on_duty(nurses[0])
    register(nurse, "MRN-2002", "Lindkvist", "Maja", "1971-03-14")
    assert "LINDQVIST, Maja (MRN-1001)" in nurse.text("Register message")
    assert nurse.find(QListWidget, "Search results").item(0).text().endswith("MRN-1001")
    assert care.find_patients("MRN-2002") == []
    nurse.click(DIFFERENT)
    nurse.click("Register patient")
    assert [p.mrn for p in care.find_patients("MRN-2002")] == ["MRN-2002"]
    assert not nurse.sees(DIFFERENT)
