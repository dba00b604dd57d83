"""What screens, printouts and the command line read: patients, sessions and chairs as they are shown.

Plain values, built from the records by ``core.records`` and the fold (``core.session_state``); nothing here
reads storage, writes or decides care.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from core.machine import Step
from core.protocol import Protocol
from core.session_state import SessionState

STEP_WORDS = {
    Step.SCREEN: "Screening",
    Step.WEIGH: "Weigh",
    Step.DOSE: "Dose",
    Step.CHECK: "Second-nurse check",
    Step.READY: "Ready to start",
    Step.INFUSING: "Infusing",
    Step.PAUSED: "Paused",
    Step.OBSERVE: "Observation",
    Step.SIGN: "To sign",
    Step.DONE: "Signed",
}


@dataclass(frozen=True)
class PatientView:
    id: str
    mrn: str
    family_name: str
    given_name: str
    birth_date: date
    sex: str | None = None
    """A code of core.identify.SEXES; None when no nurse has recorded it yet."""
    allergies: str | None = None
    """As written; "" with ``no_known_allergies``; None when not recorded yet (a record made before 0004)."""
    no_known_allergies: bool = False
    details_confirmed_by: str | None = None
    """The name of the nurse who confirmed sex and allergies with the patient."""
    details_confirmed_at: datetime | None = None

    def age_on(self, day: date) -> int:
        """Whole years, as a banner gives it."""
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    @property
    def full_name(self) -> str:
        return f"{self.family_name.upper()}, {self.given_name}"

    @property
    def initials(self) -> str:
        """For screens seen by passers-by (the lock screen): enough for staff, not a name."""
        return f"{self.given_name[:1]}. {self.family_name[:1]}.".upper()


@dataclass(frozen=True)
class SessionRow:
    """A session as a list shows it, read from the projection (no replay)."""

    id: str
    chair: int
    patient_id: str
    step: Step
    outcome: str
    opened_at: datetime


@dataclass(frozen=True)
class DayNotGivenView:
    """A day of a course with no infusion, as the nurse recorded why."""

    course_id: str
    day: int
    on: date
    by_clinic: bool
    """Cancelled by the clinic; otherwise missed by the patient (the adherence counts tell them apart)."""
    reason: str
    recorded_by: str
    """The recording nurse's name."""
    recorded_at: datetime

    @property
    def why(self) -> str:
        """Whose reason and what it was: "cancelled by the clinic: no second nurse"."""
        return f"{'cancelled by the clinic' if self.by_clinic else 'missed by the patient'}: {self.reason}"

    @property
    def words(self) -> str:
        """The day and why, as a list says it: "Day 2 (2026-12-02): missed by the patient: unwell"."""
        return f"Day {self.day} ({self.on.isoformat()}): {self.why}"


def missed_days_note(missed: tuple[int, ...], recorded: Mapping[int, DayNotGivenView]) -> str:
    """The chair's note on earlier days of the course with no infusion, with why where it is recorded:
    "No infusion on day 2 (missed by the patient: no transport) or day 3 (reason not recorded)."."""
    said = [
        f"day {day} ({recorded[day].why})" if day in recorded else f"day {day} (reason not recorded)" for day in missed
    ]
    listed = said[0] if len(said) == 1 else f"{', '.join(said[:-1])} or {said[-1]}"
    return f"No infusion on {listed}. Check with the prescriber that the course goes on."


@dataclass(frozen=True)
class ChairView:
    """One active session as the board shows it."""

    chair: int
    patient: PatientView
    state: SessionState


@dataclass(frozen=True)
class SilencedAlarm:
    chair: int
    priority: str
    need: str
    patient_id: str
    session_id: str
    need_key: str
    """What the need is (``core.attention.Need.key``: an act-now alert's entry, "paused", "vitals-overdue"…),
    so a report can tell whether the need silenced was answered afterwards; ``need`` changes by the minute."""


@dataclass(frozen=True)
class SessionSnapshot:
    """One session as a printout reads it, taken at one moment. A printout reads this and nothing else, so
    its pages say what was recorded at ``taken_at``, and building it needs no database."""

    protocol: Protocol
    state: SessionState
    patient: PatientView
    names: Mapping[str, str]
    """Everyone who may be named in it (who recorded, checked, witnessed), by account id."""
    taken_at: datetime


@dataclass(frozen=True)
class OpenChairs:
    """The open chairs as a handoff sheet reads them, taken at one moment."""

    protocol: Protocol
    chairs: Mapping[int, ChairView]
    prescribers: Mapping[str, str | None]
    """The prescriber of each seated patient's course in force, by patient id (None when no order)."""
    names: Mapping[str, str]
    taken_at: datetime
