"""How times, countdowns and people are written on screen. Formatting only: no rules."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from core.dosing import Weight, WeightUnit
from core.identify import SEXES
from core.views import PatientView


def clock_time(moment: datetime | None) -> str:
    """A stored UTC time as this computer's local 24-hour HH:MM."""
    return moment.astimezone().strftime("%H:%M") if moment else "—"


def date_time(moment: datetime) -> str:
    """A stored UTC time as local YYYY-MM-DD HH:MM: a signature is read later, so it carries the day."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def countdown(left: timedelta) -> str:
    """MM:SS, rounded up so 00:00 shows only when the time is really over."""
    seconds = max(0, math.ceil(left.total_seconds()))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def patient_line(patient: PatientView) -> str:
    return f"{patient.full_name} — born {patient.birth_date.isoformat()} — {patient.mrn}"


def allergies_words(patient: PatientView) -> str:
    """Allergies as recorded, or plainly that nobody has asked yet (never read as "none")."""
    if patient.allergies is None:
        return "Allergies not recorded"
    return "Allergies: none known" if patient.no_known_allergies else f"Allergies: {patient.allergies}"


def allergies_tone(patient: PatientView) -> str | None:
    """A record without allergies asked is a warning; listed allergies are said in the alert colour."""
    if patient.allergies is None:
        return "advise"
    return None if patient.no_known_allergies else "act"


def sex_and_age(patient: PatientView, today: date) -> str:
    """ "F 54 y", as a banner puts them beside the identifiers."""
    sex = SEXES[patient.sex][0] if patient.sex in SEXES else "Sex not recorded,"
    return f"{sex} {patient.age_on(today)} y"


def banner_line(patient: PatientView, today: date) -> str:
    """Sex, age and allergies for a patient banner: "F 54 y · Allergies: none known"."""
    return f"{sex_and_age(patient, today)} · {allergies_words(patient)}"


def weight_words(weight: Weight, between: str = " ") -> str:
    """The weight of the day as the scale showed it, with kilograms beside pounds: "72.4 kg",
    "160 lb (72.6 kg)" (``between`` puts the kilograms under the pounds in a narrow place)."""
    if weight.unit is WeightUnit.KG:
        return f"{weight.entered} kg"
    return f"{weight.entered} lb{between}({weight.kg.quantize(Decimal('0.1'), ROUND_HALF_UP)} kg)"
