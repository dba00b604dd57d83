"""Two courses of one patient with a day of every kind, for the course view, its chart and its printout.

Maja's first course (5 days from T0's date): day 1 completed, day 2 stopped early for severe nausea (an
adverse event recorded), day 3 ended without an infusion (felt unwell), day 4 cancelled by the clinic, day 5
missed by the patient; her baseline at the chair before the first infusion, the end-of-course form by phone
and the 3-month follow-up. Her second course (3 days) 120 days after the first began: a baseline, day 1
completed, day 2 passed with no record, day 3 today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from core.care import Care
from core.clock import ManualClock
from core.identify import Identified
from core.people import Account
from core.protocol import VitalKind as V
from core.views import PatientView
from tests.helpers.answers import DISCHARGE_OK, NO_SIDE_EFFECTS, NORMAL, SCREEN_OK
from tests.helpers.clinic import PRESCRIBER, T0
from tests.helpers.people import ANA_PASSWORD
from tests.helpers.sessions import prepare, seen, signed

PI_BASE = {"PAININ9": 4, "PAININ22": 4, "PAININ31": 4, "PAININ34": 4}
"""Pain interference 4a, raw 16."""
PI_END = {"PAININ9": 2, "PAININ22": 3, "PAININ31": 2, "PAININ34": 3}
"""Raw 10."""
PF_BASE = {"PFA11": 3, "PFA21": 3, "PFA23": 2, "PFA53": 3}
"""Physical function 4a, raw 11."""
PF_END = {"PFA11": 4, "PFA21": 4, "PFA23": 3, "PFA53": 4}
"""Raw 15."""
DAY_ONE = T0.astimezone().date()
SECOND_START = DAY_ONE + timedelta(days=120)


@dataclass(frozen=True)
class TwoCourses:
    completed: str
    stopped: str
    not_treated: str
    second: str


def to_day(clock: ManualClock, day: date, hour: int = 13) -> None:
    """The clock moved on to ``hour`` o'clock (UTC) of ``day``."""
    target = T0.replace(hour=hour) + timedelta(days=(day - DAY_ONE).days)
    clock.advance(target - clock.now())


def two_courses(care: Care, patient: PatientView, nurses: tuple[Account, Account], clock: ManualClock) -> TwoCourses:
    ana, _ = nurses
    care.record_assessment(
        patient.id, {"PI_4a_v1.0": PI_BASE, "PF_4a_v2.0": PF_BASE}, mode="chair", by=ana.id, pain_intensity="7"
    )
    clock.advance(minutes=5)  # answered before the infusion began: the course's baseline
    completed = signed(care, patient, nurses, clock)

    to_day(clock, DAY_ONE + timedelta(days=1))
    stopped = prepare(care, patient, nurses)
    care.start_infusion(stopped, ana.id)
    clock.advance(minutes=10)
    care.record_vitals(stopped, {**NORMAL, V.SYSTOLIC: "152", V.HEART_RATE: "96"}, ana.id)
    state = care.record_side_effects(stopped, {"nausea": "severe", "dissociation": "mild"}, ana.id)
    pending = state.pending_adverse_events[0]
    care.record_adverse_event(
        stopped, pending.source_event_id, pending.item, "Infusion stopped, antiemetic given", "Dr Patel, 14:15", ana.id
    )
    care.stop_early(stopped, "Severe nausea", ana.id)
    care.record_vitals(stopped, NORMAL, ana.id)
    care.record_side_effects(stopped, NO_SIDE_EFFECTS, ana.id)
    for _ in range(2):
        clock.advance(minutes=15)
        care.record_vitals(stopped, NORMAL, ana.id)
    care.record_side_effects(stopped, NO_SIDE_EFFECTS, ana.id)
    care.discharge(stopped, "10", DISCHARGE_OK, ana.id, ANA_PASSWORD)
    care.sign(stopped, ana.id, ANA_PASSWORD, "Rest of the dose not given", seen_seq=seen(care, stopped))

    to_day(clock, DAY_ONE + timedelta(days=2))
    not_treated = care.open_session(
        patient.id, 1, ana.id, Identified(name=True, birth_date=patient.birth_date.isoformat())
    ).session_id
    care.screen(not_treated, SCREEN_OK, ana.id)
    care.record_weight(not_treated, "71.8", "kg", ana.id)
    care.abandon(not_treated, "Patient felt unwell", ana.id)
    care.sign(not_treated, ana.id, ANA_PASSWORD, seen_seq=seen(care, not_treated))

    to_day(clock, DAY_ONE + timedelta(days=5))
    course = care.current_course(patient.id)
    assert course is not None
    care.record_day_not_given(course.id, 4, by_clinic=True, reason="No second nurse on duty", by=ana.id)
    care.record_day_not_given(course.id, 5, by_clinic=False, reason="Did not come: unwell", by=ana.id)
    end_day = (DAY_ONE + timedelta(days=4)).isoformat()
    care.record_assessment(
        patient.id,
        {"PI_4a_v1.0": PI_END, "PF_4a_v2.0": PF_END},
        mode="phone",
        by=ana.id,
        taken_on=end_day,
        pain_intensity="4",
    )
    to_day(clock, DAY_ONE + timedelta(days=1 + 91))
    care.record_assessment(
        patient.id, {"PI_4a_v1.0": PI_BASE, "PF_4a_v2.0": PF_BASE}, mode="phone", by=ana.id, pain_intensity="6"
    )

    to_day(clock, SECOND_START, hour=12)
    care.record_course(patient.id, PRESCRIBER, SECOND_START.isoformat(), "3", ana.id)
    care.record_assessment(patient.id, {"PI_4a_v1.0": PI_BASE}, mode="chair", by=ana.id, pain_intensity="7")
    clock.advance(minutes=30)
    second = signed(care, patient, nurses, clock)
    to_day(clock, SECOND_START + timedelta(days=2), hour=9)
    return TwoCourses(completed, stopped, not_treated, second)
