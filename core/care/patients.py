"""The patient: found, registered once (a look-alike is shown first), and sex and allergies confirmed."""

from __future__ import annotations

import uuid
from datetime import date

from core import records
from core.audit import AuditAction
from core.care.base import CareBase, required_text
from core.content_hashes import details_content, patient_content
from core.dates import parse_day
from core.errors import InputError, NotFound
from core.identify import Details, checked_details
from core.matching import similar_names
from core.people import Permission
from core.plain_text import SHORT_MAX, optional_text
from core.record_values import DetailsRecord, PatientRecord
from core.unit_of_work import Tx, Work
from core.views import PatientView


def parse_birth_date(text: str, today: date) -> date:
    """YYYY-MM-DD only: day/month order is ambiguous between countries, so it is never guessed."""
    born = parse_day(text, "birth_date", "the date of birth", "1968-04-23")
    if born > today or born.year < today.year - 120:
        raise InputError("birth_date", f"{born.isoformat()} cannot be a date of birth.", "Check the year.")
    return born


class Patients(CareBase):
    """Finding, registering and confirming the patient, and who looked at whose record."""

    def record_view(self, by: str, patient_id: str, session_id: str | None = None) -> None:
        """A nurse opened a patient's record on screen: who looked at whose record is audited. Only an
        account that may see patients' records can be recorded as having looked at one."""
        with self.door.writing(by, Permission.RECORD_CARE) as work:
            if records.patient(work.tx, patient_id) is None:
                raise NotFound("That patient record was not found.", "Search for the patient again.")
            work.audit(AuditAction.PATIENT_VIEWED, patient_id=patient_id, session_id=session_id)

    def register_patient(
        self,
        mrn: str,
        family_name: str,
        given_name: str,
        birth_date: str,
        by: str,
        confirm_new: bool = False,
        details: Details | None = None,
    ) -> PatientView:
        """A new record, unless one with the same birth date and a similar name may be this person:
        then the nurse looks at those first and confirms this is someone else (``confirm_new``).

        The registration form always sends ``details`` (sex and allergies), which must then be complete;
        records made without them (imports, tests of other rules) show "not recorded" until confirmed."""
        checked = checked_details(details) if details is not None else None
        row = PatientRecord(
            id=str(uuid.uuid4()),
            mrn=required_text(mrn, "mrn", "the medical record number"),
            family_name=required_text(family_name, "family_name", "the family name"),
            given_name=required_text(given_name, "given_name", "the given name"),
            birth_date=parse_birth_date(birth_date, self.clock.now().date()),
            created_at=self.clock.now(),
            created_by=by,
        )
        with self.door.writing(by, Permission.RECORD_CARE) as work:
            if records.patient_by_mrn(work.tx, row.mrn) is not None:
                raise InputError("mrn", f"A patient with record number {row.mrn} already exists.", "Search for them.")
            alike = self._alike(work.tx, row.family_name, row.given_name, row.birth_date)
            if alike and not confirm_new:
                raise InputError(
                    "confirm_new",
                    "Already registered with the same date of birth and a similar name: "
                    + "; ".join(f"{p.full_name} ({p.mrn})" for p in alike)
                    + ".",
                    "If it is the same person, use that record (listed on the left); if not, confirm a new one.",
                )
            records.add_patient(work.tx, row)
            work.audit(AuditAction.PATIENT_REGISTERED, patient_id=row.id, detail={"content_hash": patient_content(row)})
            if checked is not None:
                self._add_details(work, row.id, checked)
            return records.patient_view(work.tx, row)

    def record_details(self, patient_id: str, details: Details, by: str) -> PatientView:
        """Sex and allergies confirmed with the patient now (a record made without them, or a change):
        a new row, so the earlier answer and who gave it stay."""
        checked = checked_details(details)
        with self.door.writing(by, Permission.RECORD_CARE) as work:
            row = records.patient(work.tx, patient_id)
            if row is None:
                raise NotFound("That patient record was not found.", "Search again.")
            self._add_details(work, patient_id, checked)
            self._open_logs = {k: v for k, v in self._open_logs.items() if v[2].id != patient_id}  # banner anew
            return records.patient_view(work.tx, row)

    @staticmethod
    def _add_details(work: Work, patient_id: str, details: Details) -> None:
        row = DetailsRecord(
            id=str(uuid.uuid4()),
            patient_id=patient_id,
            sex=details.sex or "",
            allergies=details.allergies,
            no_known_allergies=details.no_known_allergies,
            confirmed_by=work.actor_id,
            confirmed_at=work.at,
        )
        records.add_details(work.tx, row)
        detail = {"details_id": row.id, "content_hash": details_content(row)}
        work.audit(AuditAction.PATIENT_DETAILS_CONFIRMED, patient_id=patient_id, detail=detail)

    def similar_patients(self, family_name: str, given_name: str, birth_date: str) -> list[PatientView]:
        """Records that may be the person being registered (same birth date, similar name)."""
        born = parse_birth_date(birth_date, self.clock.now().date())
        with self.door.reading() as tx:
            return self._alike(tx, family_name, given_name, born)

    @staticmethod
    def _alike(tx: Tx, family_name: str, given_name: str, born: date) -> list[PatientView]:
        return records.patient_views(
            tx,
            [
                other
                for other in records.patients_born_on(tx, born)
                if similar_names(family_name, given_name, other.family_name, other.given_name)
            ],
        )

    def find_patients(self, text: str) -> list[PatientView]:
        query = optional_text(text, "search", "the search", SHORT_MAX)
        if query is None:
            return []
        with self.door.reading() as tx:
            return records.patient_views(tx, records.find_patients(tx, query))

    def patient(self, patient_id: str) -> PatientView:
        with self.door.reading() as tx:
            row = records.patient(tx, patient_id)
            if row is None:
                raise NotFound("That patient record was not found.", "Search again.")
            return records.patient_view(tx, row)
