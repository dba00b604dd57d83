"""A nurse runs a whole session from the window, and the database holds every step."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QPushButton

from core.care import Care
from core.clock import ManualClock
from core.events import EventType as E
from core.machine import Outcome, Step
from core.people import Account
from core.protocol import Protocol, VitalKind
from core.signatures import Meaning
from tests.helpers.people import ANA_PASSWORD, BEN_PASSWORD
from ui.main_window import MainWindow
from ui.text import clock_time, date_time


def recorded(care: Care, session_id: str) -> list[E]:
    return [event.type for event in care.state(session_id).events]


def visible_text(window: MainWindow) -> str:
    labels = [w.text() for w in window.findChildren(QLabel) if w.isVisible()]
    fields = [w.text() for w in window.findChildren(QLineEdit) if w.isVisible()]
    return "\n".join(labels + fields)


def test_a_whole_session_from_identify_to_signature(
    nurse,
    normal_vitals: dict[VitalKind, str],
    window: MainWindow,
    care: Care,
    clock: ManualClock,
    nurses: tuple[Account, Account],
    protocol: Protocol,
) -> None:
    first, second = nurses
    nurse.on_duty(first)
    nurse.chair(1)

    # Identify: a new patient is registered, two identifiers confirmed, seated in chair 1.
    nurse.type("Medical record number", "MRN-7001")
    nurse.type("Family name", "Doe")
    nurse.type("Given name", "Jane")
    nurse.type("Date of birth", "1980-05-17")
    nurse.click("Female")
    nurse.click("No known allergies")
    nurse.click("Register patient")
    results = nurse.find(QListWidget, "Search results")
    assert results.item(0).text() == "DOE, Jane — born 1980-05-17 — MRN-7001"
    nurse.click("Full name matches")
    nurse.type("Date of birth given", "1980-05-17")
    nurse.click("Seat patient in chair 1")
    # A new patient has no course yet: the prescriber's order is transcribed once, then she is seated.
    assert "no course order" in nurse.text("Seat message")
    assert nurse.find(QLineEdit, "First day of the course").text() == clock.now().astimezone().date().isoformat()
    assert nurse.find(QLineEdit, "Number of days").text() == "5"
    nurse.type("Prescriber", "Dr Amara Patel")
    nurse.click("Record course order and seat")
    (view,) = care.chairs()
    assert (view.state.course_day, view.state.course_days) == (1, 5)
    sid = view.state.session_id
    assert view.chair == 1
    assert view.state.events[0].payload["identifiers_confirmed"] == ["birth_date", "name"]

    # Screen: every question answered from the protocol's list.
    for question in protocol.screening.questions:
        nurse.click(f"{question.text} {'Yes' if question.id == 'escort' else 'No'}")
    nurse.click("Record screening")
    assert care.state(sid).step is Step.WEIGH

    # Weigh: without a unit the entry is refused by the field, and what was typed stays.
    nurse.type("Weight", "72.4", enter=True)
    assert "Choose the unit the scale shows" in nurse.text("Weight message")
    assert nurse.find(QLineEdit, "Weight").text() == "72.4"
    assert E.WEIGHED not in recorded(care, sid)
    nurse.click("Unit kg")
    nurse.click("Record weight")

    # Dose: core's calculation, shown large with its arithmetic, then confirmed.
    assert nurse.text("Dose mg") == "36.2 mg"
    assert nurse.text("Volume to draw") == "3.62 mL"
    assert nurse.text("Rate mL/h") == "155.4 mL/h"
    end = (clock.now() + timedelta(minutes=40)).astimezone().strftime("%H:%M")
    assert nurse.text("Rate mL/h detail").endswith(f"started now, ends at {end}")
    assert "72.40 kg × 0.5 mg/kg = 36.2 mg" in nurse.text("Dose arithmetic")
    nurse.click("Confirm dose")

    # Check: the first nurse's figures are nowhere on screen until the second nurse has entered hers.
    shown = visible_text(window)
    assert "36.2" not in shown
    assert "155.4" not in shown
    # The second nurse signs in on the page itself, so the check is recorded as hers.
    nurse.type("Second nurse user name", "ben")
    nurse.type("Second nurse password", BEN_PASSWORD)
    nurse.type("Check weight (kg)", "72.4")
    nurse.type("Check dose (mg)", "3.6")  # the decimal point in the wrong place
    nurse.type("Check pump rate (mL/h)", "155.4", enter=True)
    assert nurse.text("First nurse Dose (mg)") == "36.2"
    assert nurse.text("Second nurse Dose (mg)") == "3.6"
    assert not nurse.sees("Check dose (mg)")  # the comparison takes the form's place
    assert care.state(sid).last_check_mismatches == ("dose_mg",)
    nurse.click("Check again")
    assert not nurse.sees("First nurse Dose (mg)")
    assert nurse.find(QLineEdit, "Check dose (mg)").text() == ""
    assert nurse.find(QLineEdit, "Second nurse password").text() == ""
    nurse.type("Second nurse user name", "ben")
    nurse.type("Second nurse password", BEN_PASSWORD)
    nurse.type("Check weight (kg)", "72.4")
    nurse.type("Check dose (mg)", "36.2")
    nurse.type("Check pump rate (mL/h)", "155.4", enter=True)
    state = care.state(sid)
    assert state.step is Step.READY
    assert state.checked_by == second.id
    checked_at = clock.now()
    assert nurse.text("Dose checked by") == f"Dose checked by Ben Okafor at {clock_time(checked_at)} — verified"

    # Baseline vitals, then the drug drawn up, then start.
    assert "baseline" in nurse.text("Start hint")
    assert not nurse.find(QPushButton, "Start infusion").isEnabled()
    assert nurse.text("Time left") == "40:00"
    nurse.enter_vitals(normal_vitals)
    window.refresh()  # the baseline taken folds to one line, leaving the page to the drug and the pump
    assert nurse.text("Baseline vital signs recorded") == f"Baseline vital signs recorded at {clock_time(clock.now())}."
    assert "lot" in nurse.text("Start hint")
    assert not nurse.find(QPushButton, "Start infusion").isEnabled()
    assert nurse.text("Vial to draw from") == "Vial: Ketamine 10 mg/mL, 20 mL vial"
    assert nurse.text("Volume expected") == "The dose is 3.62 mL (36.2 mg)."
    nurse.type("Volume drawn up (mL)", "3.62")
    nurse.type("Lot number", "K-2291A", enter=True)
    assert nurse.text("Drawn up record") == (
        f"Drawn up: 3.62 mL (36.2 mg) from lot K-2291A by Ana Reyes at {clock_time(clock.now())}"
    )
    assert not nurse.sees("Lot number", QLineEdit)
    assert "163.8 mg is left in the vial of lot K-2291A" in nurse.text("Rest of the vial of lot K-2291A")
    nurse.click("Rest of lot K-2291A returned to stock")
    assert not nurse.sees("Rest of lot K-2291A returned to stock")
    assert "returned to stock by Ana Reyes" in nurse.text("Vials accounted for")
    assert "Program the pump" in nurse.text("Start hint")
    assert nurse.text("Pump settings") == (
        "Ketamine 36.2 mg in 0.9% sodium chloride, 100 mL bag (0.349 mg/mL)\nRate 155.4 mL/h · VTBI 103.6 mL · 40 min"
    )
    nurse.type("Rate on the pump (mL/h)", "155")  # a figure misread off the pump: recorded, and no start
    nurse.type("VTBI on the pump (mL)", "103.6")
    nurse.click("Start infusion")
    assert care.state(sid).step is Step.READY
    # Said once, in the alarm colour, in the action bar beside the reading it asks for: never twice.
    assert "does not show what was ordered" in nurse.text("Start hint")
    assert "rate 155 mL/h on the pump, 155.4 mL/h ordered" in nurse.text("Start hint")
    assert nurse.find(QLabel, "Start hint").property("tone") == "act"
    assert visible_text(window).count("does not show what was ordered") == 1
    nurse.type("Rate on the pump (mL/h)", "155.4")
    nurse.type("VTBI on the pump (mL)", "103.6")
    nurse.click("Start infusion")
    assert care.state(sid).step is Step.INFUSING
    assert [e.payload["mismatches"] for e in care.state(sid).events if e.type is E.PUMP_PROGRAMMED] == [
        ["rate_ml_per_h"],
        [],
    ]

    clock.advance(minutes=10)
    window.refresh()
    assert nurse.text("Time left") == "30:00"
    assert nurse.text("Vital signs due").startswith("Vitals due now: ")  # the tile's words for the set
    assert nurse.text("Vital signs due").endswith("10 min into infusion")
    nurse.enter_vitals(normal_vitals)

    # Pause: the countdown stands still; resume.
    nurse.click("Pause…")
    nurse.click("Pause reason line problem")
    nurse.click("Pause")
    clock.advance(minutes=3)
    window.refresh()
    assert nurse.text("Time left") == "30:00"
    assert "line problem" in nurse.text("Step")
    nurse.click("Resume")

    for _ in range(2):  # the 20- and 30-minute sets
        clock.advance(minutes=10)
        window.refresh()
        nurse.enter_vitals(normal_vitals)
    clock.advance(minutes=10)
    window.refresh()
    assert nurse.text("Time left") == "00:00"
    nurse.click("Infusion complete")
    assert care.state(sid).step is Step.OBSERVE

    # Observation: the end set, two more, side effects, discharge.
    nurse.enter_vitals(normal_vitals)
    for _ in range(2):
        clock.advance(minutes=15)
        window.refresh()
        nurse.enter_vitals(normal_vitals)
    if not nurse.sees("Some side effects"):
        nurse.click("Show side effects")  # the checklist is one tab away from the vitals
    nurse.click("Some side effects")
    nurse.click("Nausea Mild")
    nurse.click("Record side effects")
    window.refresh()
    assert "Nausea mild" in nurse.text("Side effects last recorded")
    nurse.type(protocol.discharge.score_name, "10")
    for criterion in protocol.discharge.criteria:
        nurse.click(criterion.text)
    assert not nurse.sees("Controlled substance to account for")  # nothing left: no line in the action bar
    nurse.click("Show controlled substance")
    assert nurse.text("Left to account for (controlled substance)") == "0.0 mg"
    nurse.click("Show discharge")
    nurse.type("Your password (discharge)", ANA_PASSWORD, enter=True)

    # Sign: every signature so far is shown; the password signs; the chair is empty again.
    assert nurse.text("Outcome") == "Infusion completed"
    assert nurse.text("Signature 1") == (  # the first check, whose dose was wrong: never "verified"
        f"<b>Ben Okafor</b> — did not agree<br>the second-nurse check, {date_time(checked_at)}"
    )
    assert nurse.text("Signature 2") == (
        f"<b>Ben Okafor</b> — verified<br>the second-nurse check, {date_time(checked_at)}"
    )
    assert nurse.text("Signature 3") == f"<b>Ana Reyes</b> — verified<br>the discharge, {date_time(clock.now())}"
    nurse.type("Your password (sign)", ANA_PASSWORD)
    nurse.click("Sign session")
    assert care.chairs() == []
    assert nurse.sees("Seat patient in chair 1")
    assert nurse.text("Last saved").startswith("Session signed and closed at ")

    state = care.state(sid)
    assert state.step is Step.DONE
    assert state.outcome is Outcome.COMPLETED
    assert recorded(care, sid) == [
        E.OPENED,
        E.SCREENED,
        E.WEIGHED,
        E.DOSE_CALCULATED,
        E.CHECKED,
        E.CHECKED,
        E.VITALS,
        E.DRAWN,
        E.RETURNED,
        E.PUMP_PROGRAMMED,
        E.PUMP_PROGRAMMED,
        E.STARTED,
        E.VITALS,
        E.PAUSED,
        E.RESUMED,
        E.VITALS,
        E.VITALS,
        E.COMPLETED,
        E.VITALS,
        E.VITALS,
        E.VITALS,
        E.SIDE_EFFECTS,
        E.DISCHARGED,
        E.SIGNED,
    ]
    by_type = {event.type: event for event in state.events}
    assert (by_type[E.WEIGHED].payload["entered"], by_type[E.WEIGHED].payload["unit"]) == ("72.4", "kg")
    assert by_type[E.CHECKED].recorded_by == second.id
    assert by_type[E.PAUSED].payload == {"reason": "line problem"}
    assert by_type[E.SIDE_EFFECTS].payload["grades"] == {"nausea": "mild"}
    assert by_type[E.DISCHARGED].payload["score"] == 10
    assert by_type[E.SIGNED].recorded_by == first.id
    assert by_type[E.DRAWN].payload["lot"] == "K-2291A"
    assert [(s.signer_id, s.meaning) for s in state.signatures] == [
        (second.id, Meaning.DID_NOT_AGREE),
        (second.id, Meaning.VERIFIED),
        (first.id, Meaning.VERIFIED),
        (first.id, Meaning.ADMINISTERED),
    ]
    assert state.altered_signatures == ()
    assert state.controlled.problem is None
    assert state.infusion.infused == timedelta(minutes=40)
