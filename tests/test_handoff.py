"""The I-PASS draft from live state: whose chairs, how severe, and what is due when."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from core.attention import TECHNICAL_WORDS
from core.care import Care
from core.clock import ManualClock
from core.dates import local_time
from core.handoff import SEVERITY_MEANS, Severity, actions, judge, nurse_chairs, side_effects_seen
from core.identify import Identified
from core.people import Account
from core.protocol import Protocol
from core.protocol import VitalKind as V
from core.session_state import SessionState
from core.views import PatientView
from tests.helpers.answers import DISCHARGE_OK, NO_SIDE_EFFECTS, NORMAL, SCREEN_OK, no_symptoms
from tests.helpers.clinic import PRESCRIBER, T0
from tests.helpers.people import ANA_PASSWORD, BEN_PASSWORD
from tests.helpers.sessions import observed, prepare

RATE = "155.4"


def another(care: Care, by: Account, mrn: str, family: str) -> PatientView:
    made = care.register_patient(mrn, family, "Test", "1970-06-01", by=by.id)
    care.record_course(made.id, PRESCRIBER, T0.astimezone().date().isoformat(), "5", by=by.id)
    return made


def whats(state: SessionState, protocol: Protocol, care: Care) -> list[tuple[str, str]]:
    return [(a.when, a.what) for a in actions(protocol, state, care.clock.now(), Decimal(RATE))]


def test_a_nurses_chairs_are_those_she_opened_or_recorded_last_but_not_those_she_only_checked(
    care: Care, patient: PatientView, nurses: tuple[Account, Account]
):
    ana, ben = nurses
    prepare(care, patient, nurses, chair=1)  # opened by Ana; Ben only did the second-nurse check
    second = prepare(care, another(care, ana, "MRN-2", "Berg"), nurses, chair=2)
    care.start_infusion(second, ana.id)
    care.record_vitals(second, NORMAL, ben.id)  # Ben covered a set of vitals: the latest entry is his
    third = another(care, ana, "MRN-3", "Costa")
    care.screen(
        care.open_session(third.id, 3, ben.id, Identified(name=True, mrn=third.mrn)).session_id, SCREEN_OK, ben.id
    )
    diaz = another(care, ana, "MRN-4", "Diaz")
    fourth = care.open_session(diaz.id, 4, ana.id, Identified(name=True, mrn=diaz.mrn)).session_id
    care.screen(fourth, SCREEN_OK, ana.id)
    care.record_weight(fourth, "72.4", "kg", ana.id)
    care.confirm_dose(fourth, ana.id, vial_id="ketamine-10")
    care.record_check(fourth, "ben", BEN_PASSWORD, "72.4", "36.2", RATE)  # the check is the latest entry

    views = care.chairs()
    assert nurse_chairs(views, ana.id) == [1, 2, 4]
    assert nurse_chairs(views, ben.id) == [2, 3]


def test_severity_follows_open_alarms_and_adverse_events_and_says_why(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], clock: ManualClock, protocol: Protocol
):
    ana = nurses[0]
    sid = prepare(care, patient, nurses)
    state = care.start_infusion(sid, ana.id)
    assert judge(protocol, state).severity is Severity.STABLE

    clock.advance(minutes=10)
    state, _ = care.record_vitals(sid, {**NORMAL, V.SYSTOLIC: "185"}, ana.id)
    judgement = judge(protocol, state)
    assert judgement.severity is Severity.UNSTABLE
    assert judgement.reasons == (
        f"Alarm at {local_time(clock.now())} not acknowledged: {state.open_alerts[0].findings[0]}.",
    )

    state = care.acknowledge_alert(sid, state.open_alerts[0].event_id, ["pause", "notify"], no_symptoms(care), ana.id)
    judgement = judge(protocol, state)
    assert judgement.severity is Severity.WATCH
    assert any("acknowledged: Infusion paused; Prescriber notified" in reason for reason in judgement.reasons)

    state = care.record_side_effects(sid, {"hallucinations": "severe"}, ana.id)
    assert judge(protocol, state).severity is Severity.UNSTABLE
    source = state.pending_adverse_events[0].source_event_id
    state = care.record_adverse_event(sid, source, "hallucinations", "stayed with her", "Dr Patel 13:12", ana.id)
    reasons = judge(protocol, state).reasons
    assert judge(protocol, state).severity is Severity.WATCH
    assert any(r.startswith("Adverse event at") and "Hallucinations" in r for r in reasons)
    assert set(SEVERITY_MEANS) == set(Severity)  # every word the sheet prints is defined


def test_an_advisory_reading_or_a_side_effect_is_one_to_watch(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], clock: ManualClock, protocol: Protocol
):
    ana = nurses[0]
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, ana.id)
    clock.advance(minutes=10)
    state, _ = care.record_vitals(sid, {**NORMAL, V.SPO2: "93"}, ana.id)
    assert judge(protocol, state).severity is Severity.WATCH
    assert "Latest SpO2 93 at or below 93 % (advisory)." in judge(protocol, state).reasons
    state, _ = care.record_vitals(sid, NORMAL, ana.id)
    assert judge(protocol, state).severity is Severity.STABLE
    state = care.record_side_effects(sid, {**NO_SIDE_EFFECTS, "nausea": "mild"}, ana.id)
    assert judge(protocol, state).reasons == ("Side effects at the latest check: Nausea mild.",)


def test_the_actions_while_infusing_are_at_clock_times_soonest_first(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], clock: ManualClock, protocol: Protocol
):
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, nurses[0].id)
    start = clock.now()
    clock.advance(minutes=10)
    care.record_vitals(sid, NORMAL, nurses[0].id)
    clock.advance(minutes=2)
    state = care.state(sid)
    at = lambda minutes: local_time(start + timedelta(minutes=minutes))  # noqa: E731
    assert whats(state, protocol, care) == [
        ("Now", f"Pump check together at the chair: rate {RATE} mL/h, line and site."),
        (at(20), "Vital signs: 20 min into infusion."),
        (at(20), "Side-effect checklist: 20 min into infusion."),
        (at(40), "Infusion ends (28 min left)."),
        (at(70), "Earliest discharge, if the infusion runs on without a pause (30 min after the end)."),
    ]


def test_a_paused_infusion_waits_on_resuming_and_overdue_vitals_come_first(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], clock: ManualClock, protocol: Protocol
):
    ana = nurses[0]
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, ana.id)
    clock.advance(minutes=16)  # the 10-minute set is overdue
    care.pause(sid, "distress", ana.id)
    state = care.state(sid)
    assert whats(state, protocol, care) == [
        ("Now", "Pump check together at the chair: on hold, line and site."),
        (f"Overdue (due {local_time(state.vitals[1].due_at)})", "Vital signs: 10 min into infusion."),
        ("After resuming", "Side-effect checklist: 20 min into infusion, 4 min of infusion after it resumes."),
        ("After resuming", "Infusion ends 24 min after it resumes."),
        ("After the end", "Earliest discharge 30 min after the infusion ends."),
    ]


def test_in_observation_the_discharge_and_then_the_signature_are_the_actions(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], clock: ManualClock, protocol: Protocol
):
    sid = observed(care, patient, nurses, clock)
    state = care.state(sid)
    assert ("Now", f"Discharge when the criteria are met (observation over since {local_time(clock.now())}).") in (
        whats(state, protocol, care)
    )
    state = care.discharge(sid, "10", DISCHARGE_OK, nurses[0].id, ANA_PASSWORD)
    assert whats(state, protocol, care) == [("Now", "Signature owed: session signature.")]


def test_side_effects_are_listed_as_each_change_of_grade_so_many_checks_stay_short(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], clock: ManualClock, protocol: Protocol
):
    ana = nurses[0]
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, ana.id)
    times = []
    for grade in ("mild", "mild", "moderate", "none", "none"):
        clock.advance(minutes=4)
        care.record_side_effects(sid, {**NO_SIDE_EFFECTS, "nausea": grade}, ana.id)
        times.append(clock.now())
    (nausea,) = side_effects_seen(protocol, care.state(sid).events)
    assert nausea.label == "Nausea"
    assert nausea.grades == (("Mild", times[0]), ("Moderate", times[2]), ("None", times[3]))


def test_a_pump_to_check_after_a_restart_is_technical_and_leaves_the_patients_severity_alone(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], clock: ManualClock, protocol: Protocol
):
    from core.attention import Kind
    from core.handoff import NOT_CHECKED, pump_checked, technical, vial_rests

    ana = nurses[0]
    other = another(care, ana, "MRN-2", "Berg")
    state = care.open_session(other.id, 2, ana.id, Identified(name=True, mrn=other.mrn))
    assert pump_checked(state, str) == NOT_CHECKED and vial_rests(state, str) == ()
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, ana.id)
    clock.advance(minutes=3)
    restarted = Care(care.db, protocol, clock, workstation="test-ws", app_started_at=clock.now())
    state = restarted.state(sid)
    (need,) = technical(state)
    assert need.kind is Kind.TECHNICAL and need.said[0] == "◆ Technical — Check the pump after the restart"
    assert judge(protocol, state).severity is Severity.STABLE  # the equipment, not the patient
    assert [a.what for a in actions(protocol, state, clock.now(), None) if a.what.startswith(TECHNICAL_WORDS)] == [
        "◆ Technical — Check the pump after the restart: is it running? Record it (Chairside restarted during the "
        "infusion)."
    ]
    names = {ana.id: ana.name}.__getitem__
    assert pump_checked(state, names).startswith("rate 155.4 mL/h, VTBI 103.6 mL read off the pump, as ordered")
    assert vial_rests(state, names) == ("Lot LOT-K2291: 163.8 mg left in the vial returned to stock by Ana Reyes",)


def test_a_chair_the_board_shows_high_is_unstable_on_paper_with_every_missed_set(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], clock: ManualClock, protocol: Protocol
):
    """No vitals for 31 minutes of infusion: the board's high priority, and the handoff's "unstable", both
    name every missed set rather than calling the chair one to watch."""
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, nurses[0].id)
    clock.advance(minutes=31)
    judgement = judge(protocol, care.state(sid))
    assert judgement.severity is Severity.UNSTABLE
    (missed,) = [reason for reason in judgement.reasons if reason.startswith("Vitals MISSED (2)")]
    assert local_time(T0 + timedelta(minutes=10)) in missed and local_time(T0 + timedelta(minutes=20)) in missed
