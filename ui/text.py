"""How times, countdowns, people and events are written on screen. Formatting only: no rules."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from core.events import EventType as E
from core.services import PatientView

EVENT_WORDS = {
    E.OPENED: "Patient seated",
    E.SCREENED: "Screening recorded",
    E.WEIGHED: "Weight recorded",
    E.DOSE_CALCULATED: "Dose confirmed",
    E.CHECKED: "Second-nurse check recorded",
    E.STARTED: "Infusion started",
    E.PAUSED: "Infusion paused",
    E.RESUMED: "Infusion resumed",
    E.STOPPED_EARLY: "Infusion stopped early",
    E.COMPLETED: "Infusion complete",
    E.PUMP_CONFIRMED: "Pump state confirmed",
    E.VITALS: "Vital signs recorded",
    E.ALERT_ACKNOWLEDGED: "Alert acknowledged",
    E.SIDE_EFFECTS: "Side effects recorded",
    E.ADVERSE_EVENT: "Adverse event recorded",
    E.ABANDONED: "Session ended without treatment",
    E.DISCHARGED: "Discharge recorded",
    E.SIGNED: "Session signed",
    E.CORRECTED: "Correction recorded",
    E.DRAWN: "Drug drawn up",
    E.WASTED: "Drug waste recorded",
    E.ADDENDUM: "Addendum added",
}


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
