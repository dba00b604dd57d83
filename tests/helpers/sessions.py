"""Sessions built the way a nurse moves them along, for tests whose story starts part-way through care.

``session_at`` puts a session at any step in one line; ``prepare``, ``observed``, ``discharged`` and
``signed`` name the points most stories start from. Every one walks the same path, so a test never builds
by hand, step by step, a session it only needs to be somewhere.
"""

from __future__ import annotations

from core.care import Care
from core.clock import ManualClock
from core.dosing import pump_order
from core.identify import Details, Identified
from core.machine import Step
from core.people import Account
from core.session_state import SessionState
from core.views import PatientView
from tests.helpers.answers import DISCHARGE_OK, NO_SIDE_EFFECTS, NORMAL, SCREEN_OK
from tests.helpers.people import ANA_PASSWORD, BEN_PASSWORD


def session_at(care: Care, patient: PatientView, nurses: tuple[Account, Account], step: Step, chair: int = 1) -> str:
    """A session of ``patient`` on ``chair`` at ``step``, as far along it as a nurse goes before the action
    that leaves it, everything on time and within limits; its id. Ana does the care, Ben checks the dose.

    SCREEN: identified. WEIGH: screened. DOSE: weighed (72.4 kg). CHECK: dose confirmed (36.2 mg from a
    10 mg/ml vial) and baseline vital signs taken, waiting for the second nurse. READY: checked, drawn up,
    the rest of the vial returned and the pump read as ordered: ready to start. INFUSING: just started.
    PAUSED: paused as soon as started ("line problem"). OBSERVE: the whole infusion and the minimum
    observation, every set of vital signs and side-effect check on time: ready to discharge. SIGN:
    discharged, waiting for the signature. DONE: signed.

    From OBSERVE on, 70 minutes pass on the care's clock, which must be the ManualClock the test moves.
    """
    if step in _PAST_THE_INFUSION:
        clock = care.clock
        assert isinstance(clock, ManualClock), f"a session at {step} needs a clock the test moves"
        return _PAST_THE_INFUSION[step](care, patient, nurses, clock, chair)
    first, _ = nurses
    state = care.open_session(
        patient.id, chair, first.id, Identified(name=True, birth_date=patient.birth_date.isoformat())
    )
    sid = state.session_id
    if step is Step.SCREEN:
        return sid
    care.screen(sid, SCREEN_OK, first.id)
    if step is Step.WEIGH:
        return sid
    care.record_weight(sid, "72.4", "kg", first.id)
    if step is Step.DOSE:
        return sid
    care.confirm_dose(sid, first.id, vial_id="ketamine-10")
    care.record_vitals(sid, NORMAL, first.id)
    if step is Step.CHECK:
        return sid
    state = care.record_check(sid, "ben", BEN_PASSWORD, "72.4", "36.2", "155.4")
    assert state.step is Step.READY, state.last_check_mismatches
    care.record_drawn(sid, "LOT-K2291", "3.62", first.id)
    pump_as_ordered(care, sid, first.id)
    if step is Step.READY:
        return sid
    care.start_infusion(sid, first.id)
    if step is Step.PAUSED:
        care.pause(sid, "line problem", first.id)
    return sid


def prepare(care: Care, patient: PatientView, nurses: tuple[Account, Account], chair: int = 1) -> str:
    """Identify, screen, weigh, dose, check, draw up and baseline vitals: a session ready to start."""
    return session_at(care, patient, nurses, Step.READY, chair)


def pump_as_ordered(care: Care, session_id: str, by: str) -> SessionState:
    """The rest of every vial drawn from returned to stock, and the pump read as ordered: ready to start."""
    state = care.state(session_id)
    for vial in state.controlled.vials:
        if vial.may_return:
            state = care.return_to_stock(session_id, vial.drawn.event_id, by)
    assert state.dose is not None
    order = pump_order(care.protocol, state.dose)
    return care.record_pump(session_id, str(order.rate_ml_per_h), str(order.vtbi_ml), by)


def observed(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], clock: ManualClock, chair: int = 1
) -> str:
    """A whole infusion and the minimum observation, each set of vital signs and each side-effect check on
    time: ready to discharge."""
    first, _ = nurses
    sid = session_at(care, patient, nurses, Step.INFUSING, chair)
    for minutes in (10, 20, 30):
        clock.advance(minutes=10)
        care.record_vitals(sid, NORMAL, first.id)
        if minutes == 20:
            care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)  # halfway
    clock.advance(minutes=10)
    care.complete(sid, first.id)
    care.record_vitals(sid, NORMAL, first.id)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)  # end of infusion
    clock.advance(minutes=15)
    care.record_vitals(sid, NORMAL, first.id)
    clock.advance(minutes=15)
    care.record_vitals(sid, NORMAL, first.id)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)  # before discharge
    return sid


def discharged(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], clock: ManualClock, chair: int = 1
) -> str:
    """As ``observed``, and discharged: waiting for the nurse's signature."""
    sid = observed(care, patient, nurses, clock, chair)
    care.discharge(sid, "10", DISCHARGE_OK, nurses[0].id, ANA_PASSWORD)
    return sid


def signed(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], clock: ManualClock, chair: int = 1
) -> str:
    """As ``discharged``, and signed: a session of the course that is over."""
    sid = discharged(care, patient, nurses, clock, chair)
    care.sign(sid, nurses[0].id, ANA_PASSWORD, seen_seq=seen(care, sid))
    return sid


def seen(care: Care, sid: str) -> int:
    """The last entry of the session as a screen would show it (what a signature covers)."""
    return care.state(sid).events[-1].seq


_PAST_THE_INFUSION = {Step.OBSERVE: observed, Step.SIGN: discharged, Step.DONE: signed}
"""The steps reached only once the infusion's 40 minutes have run: each is the story of that name."""


def busy_day(care: Care, patient: PatientView, nurses: tuple[Account, Account], clock: ManualClock) -> dict[str, str]:
    """A clinic's day with a record of every kind: Maja's sex and allergies confirmed and her session signed;
    the next morning Chidi registered, his course ordered and his infusion running with a set of vital signs;
    Maja's second day recorded as missed. The ids: "signed", "running", "patient", "other"."""
    first, _ = nurses
    care.record_details(patient.id, Details("female", "latex"), first.id)
    done = signed(care, patient, nurses, clock)
    clock.advance(minutes=20 * 60)
    other = care.register_patient("MRN-2002", "Okafor", "Chidi", "1980-05-02", first.id)
    care.record_course(other.id, "Dr Amara Patel", clock.now().astimezone().date().isoformat(), "5", first.id)
    running = prepare(care, other, nurses)
    care.start_infusion(running, first.id)
    clock.advance(minutes=10)
    care.record_vitals(running, NORMAL, first.id)
    course = care.current_course(patient.id)
    assert course is not None
    care.record_day_not_given(course.id, 2, by_clinic=False, reason="Did not come", by=first.id)
    return {"signed": done, "running": running, "patient": patient.id, "other": other.id}
