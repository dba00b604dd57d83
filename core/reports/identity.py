"""How a printout names a patient: both identifiers together, the same way on every document."""

from __future__ import annotations

from core.views import PatientView


def identifiers(patient: PatientView) -> str:
    """Name, date of birth and record number on one line: pages get separated, and any two identify."""
    return f"{patient.full_name} · born {patient.birth_date.isoformat()} · MRN {patient.mrn}"
