"""How times, countdowns and people are written on screen. Formatting only: no rules."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from core.services import PatientView


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
