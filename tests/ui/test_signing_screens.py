"""Every record says truthfully who made it: the second nurse, the waste witness and the signer each
prove who they are there and then, and the window shows the signatures core keeps."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QListWidget, QPushButton
from sqlalchemy import text

from core.care import Care
from core.clock import ManualClock
from core.events import EventType as E
from core.identify import Identified
from core.machine import Step
from core.people import Account
from core.signatures import Meaning
from core.views import PatientView
from tests.helpers.answers import NO_SIDE_EFFECTS, NORMAL, SCREEN_OK
from tests.helpers.people import ANA_PASSWORD, BEN_PASSWORD
from tests.helpers.sessions import pump_as_ordered, seen
from ui.dialogs.addendum import AddendumDialog
from ui.main_window import MainWindow
from ui.widgets.signatures import SignaturesPanel


def dosed(care: Care, patient: PatientView, nurses: tuple[Account, Account]) -> str:
    """Ana has calculated the dose (72.4 kg, 36.2 mg); the second-nurse check is next."""
    first, _ = nurses
    sid = care.open_session(patient.id, 1, first.id, Identified(name=True, mrn=patient.mrn)).session_id
    care.screen(sid, SCREEN_OK, first.id)
    care.record_weight(sid, "72.4", "kg", first.id)
    care.confirm_dose(sid, first.id, vial_id="ketamine-10")
    return sid


def observed(care: Care, clock: ManualClock, patient: PatientView, nurses: tuple[Account, Account], ml: str) -> str:
    """Infused in full (36.2 mg given) after ``ml`` of the 10 mg/mL vial was drawn up; now observing."""
    first, _ = nurses
    sid = dosed(care, patient, nurses)
    care.record_vitals(sid, NORMAL, first.id)
    care.record_check(sid, "ben", BEN_PASSWORD, "72.4", "36.2", "155.4")
    care.record_drawn(sid, "LOT-K2291", ml, first.id)
    pump_as_ordered(care, sid, first.id)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=40)
    care.complete(sid, first.id)
    return sid


def criteria_met(care: Care) -> dict[str, bool]:
    return {criterion.id: True for criterion in care.protocol.discharge.criteria}


def observed_an_hour(
    care: Care, clock: ManualClock, patient: PatientView, nurses: tuple[Account, Account], ml: str
) -> str:
    """As ``observed``, then the hour's observation ending with the side-effect check and the set of vital
    signs discharge waits for."""
    sid = observed(care, clock, patient, nurses, ml)
    clock.advance(minutes=60)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, nurses[0].id)
    care.record_vitals(sid, NORMAL, nurses[0].id)
    return sid


def discharged(care: Care, clock: ManualClock, patient: PatientView, nurses: tuple[Account, Account], ml: str) -> str:
    """As ``observed_an_hour``, then a signed discharge: waiting for the session's signature."""
    sid = observed_an_hour(care, clock, patient, nurses, ml)
    care.discharge(sid, "10", criteria_met(care), nurses[0].id, ANA_PASSWORD)
    return sid


def test_a_wrong_second_nurse_password_is_refused_and_nothing_is_recorded(
    nurse, window: MainWindow, care: Care, patient: PatientView, nurses: tuple[Account, Account]
) -> None:
    sid = dosed(care, patient, nurses)
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    window.refresh()
    nurse.type("Second nurse user name", "ben")
    nurse.type("Second nurse password", "not the password")
    nurse.type("Check weight (kg)", "72.4")
    nurse.type("Check dose (mg)", "36.2")
    nurse.type("Check pump rate (mL/h)", "155.4", enter=True)

    assert "password is not right" in nurse.text("Check message")
    assert E.CHECKED not in [event.type for event in care.state(sid).events]
    password = nurse.find(QLineEdit, "Second nurse password")
    assert password.text() == ""
    assert password.echoMode() is QLineEdit.EchoMode.Password
    assert password.hasFocus()  # the one thing to type again
    assert nurse.find(QLineEdit, "Second nurse user name").text() == "ben"
    assert nurse.find(QLineEdit, "Check pump rate (mL/h)").text() == "155.4"
    assert "not the password" not in nurse.text("Check message")

    nurse.type("Second nurse password", BEN_PASSWORD, enter=True)
    state = care.state(sid)
    assert state.step is Step.READY
    assert state.checked_by == nurses[1].id


def test_the_nurse_must_sign_the_discharge_with_her_password(
    nurse, window: MainWindow, care: Care, clock: ManualClock, patient: PatientView, nurses: tuple[Account, Account]
) -> None:
    sid = observed_an_hour(care, clock, patient, nurses, "3.62")
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    window.refresh()
    nurse.type(care.protocol.discharge.score_name, "10")
    for criterion in care.protocol.discharge.criteria:
        nurse.click(criterion.text)
    nurse.click("Record discharge")
    assert "Enter your password" in nurse.text("Discharge message")
    assert care.state(sid).step is Step.OBSERVE

    nurse.type("Your password (discharge)", BEN_PASSWORD, enter=True)  # Ben's, typed by Ana
    assert "password is not right" in nurse.text("Discharge message")
    assert nurse.find(QLineEdit, "Your password (discharge)").text() == ""
    assert care.state(sid).step is Step.OBSERVE

    nurse.type("Your password (discharge)", ANA_PASSWORD, enter=True)
    state = care.state(sid)
    assert state.step is Step.SIGN
    discharge = next(s for s in state.signatures if s.subject == "the discharge")
    assert (discharge.signer_id, discharge.meaning) == (nurses[0].id, Meaning.VERIFIED)


def test_a_waste_with_a_witness_records_both_signatures(
    nurse, window: MainWindow, care: Care, clock: ManualClock, patient: PatientView, nurses: tuple[Account, Account]
) -> None:
    first, second = nurses
    sid = observed(care, clock, patient, nurses, "4.00")  # 40.0 mg drawn, 36.2 mg given
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    # Drug left to account for stands in the pinned action bar; its record is one tab away from the discharge.
    assert "left to account for: 3.8 mg" in nurse.text("Controlled substance to account for")
    assert nurse.find(QPushButton, "Show controlled substance").property("due") == "advise"
    nurse.click("Show controlled substance")
    assert nurse.sees("Controlled substance")
    assert nurse.text("Drawn up (controlled substance)") == "40.0 mg"
    assert nurse.text("Given (controlled substance)") == "36.2 mg"
    assert nurse.text("Left to account for (controlled substance)") == "3.8 mg"
    assert "3.8 mg drawn up is not accounted for" in nurse.text("Controlled substance problem")

    nurse.click("Open waste form")
    nurse.type("Amount wasted (mg)", "3.8")
    nurse.type("How wasted", "into the drug waste container")
    nurse.type("Your password (waste)", ANA_PASSWORD)
    nurse.type("Witness user name", "ben")
    nurse.type("Witness password", "wrong witness password", enter=True)
    assert "not right" in nurse.text("Waste message")
    assert care.state(sid).controlled.wasted == ()
    assert nurse.find(QLineEdit, "Your password (waste)").text() == ""
    assert nurse.find(QLineEdit, "Witness password").text() == ""
    assert nurse.find(QLineEdit, "Amount wasted (mg)").text() == "3.8"

    nurse.type("Your password (waste)", ANA_PASSWORD)
    nurse.type("Witness password", BEN_PASSWORD, enter=True)
    state = care.state(sid)
    (waste,) = state.controlled.wasted
    assert (waste.mg, waste.how, waste.by, waste.witness_id) == (
        Decimal("3.8"),
        "into the drug waste container",
        first.id,
        second.id,
    )
    signed = [(s.signer_id, s.meaning) for s in state.signatures if s.event_id == waste.event_id]
    assert signed == [(first.id, Meaning.WASTED), (second.id, Meaning.WITNESSED_WASTE)]
    assert state.controlled.problem is None
    assert "Waste recorded" in nurse.text("Waste message")
    shown = nurse.text("Wastes recorded")
    assert "Wasted 3.8 mg" in shown
    assert "Ana Reyes" in shown
    assert "wasted" in shown
    assert "Ben Okafor" in shown
    assert "witnessed waste" in shown
    assert not nurse.sees("Controlled substance problem")


def test_a_waste_needs_the_witness_to_sign_in_and_names_the_missing_password(
    nurse, window: MainWindow, care: Care, clock: ManualClock, patient: PatientView, nurses: tuple[Account, Account]
) -> None:
    sid = observed(care, clock, patient, nurses, "4.00")
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    window.refresh()
    nurse.click("Show controlled substance")
    nurse.click("Open waste form")
    nurse.type("Amount wasted (mg)", "3.8")
    nurse.type("How wasted", "into the drug waste container")
    nurse.type("Your password (waste)", ANA_PASSWORD)
    nurse.type("Witness user name", "ben", enter=True)
    assert "Enter the witness's password" in nurse.text("Waste message")
    witness_password = nurse.find(QLineEdit, "Witness password")
    assert witness_password.property("invalid") is True
    assert witness_password.hasFocus()
    assert care.state(sid).controlled.wasted == ()


def test_signing_with_totals_that_do_not_add_up_asks_for_the_note(
    nurse, window: MainWindow, care: Care, clock: ManualClock, patient: PatientView, nurses: tuple[Account, Account]
) -> None:
    first, _ = nurses
    sid = discharged(care, clock, patient, nurses, "4.00")
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    assert not nurse.sees("Discrepancy note")
    assert "3.8 mg drawn up is not accounted for" in nurse.text("Controlled substance problem")

    nurse.type("Your password (sign)", ANA_PASSWORD, enter=True)
    assert "do not add up" in nurse.text("Sign message")
    assert care.state(sid).step is Step.SIGN
    note = nurse.find(QLineEdit, "Discrepancy note")
    assert note.hasFocus()
    assert nurse.find(QLineEdit, "Your password (sign)").text() == ""

    nurse.type("Discrepancy note", "syringe dropped after the bag was made up; witnessed by Ben", enter=True)
    assert nurse.find(QLineEdit, "Your password (sign)").hasFocus()  # Enter moves on to the password
    nurse.type("Your password (sign)", ANA_PASSWORD, enter=True)
    state = care.state(sid)
    assert state.step is Step.DONE
    signed = state.events[-1]
    assert signed.type is E.SIGNED
    assert signed.payload["discrepancy_note"] == "syringe dropped after the bag was made up; witnessed by Ben"
    assert "3.8 mg" in signed.payload["controlled_problem"]


def test_the_signatures_panel_shows_names_meanings_and_warns_of_a_changed_record(
    nurse, window: MainWindow, care: Care, clock: ManualClock, patient: PatientView, nurses: tuple[Account, Account]
) -> None:
    sid = discharged(care, clock, patient, nurses, "3.62")
    state = care.state(sid)
    panel = SignaturesPanel(window.controller)
    nurse.qtbot.addWidget(panel)
    panel.show_state(state)
    assert [line.objectName() for line in panel.lines] == ["Signature 1", "Signature 2"]
    lines = [line.accessibleDescription() for line in panel.lines]
    assert [line.split(" — ")[:3] for line in lines] == [
        ["Ben Okafor", "verified", "the second-nurse check"],
        ["Ana Reyes", "verified", "the discharge"],
    ]
    assert "<b>Ben Okafor</b> — verified" in panel.lines[0].text()
    assert panel.altered.isHidden()

    with care.db.engine.begin() as raw:  # the discharge entry edited behind the application's back
        raw.execute(text("DROP TRIGGER session_event_no_update"))
        raw.execute(
            text("UPDATE session_event SET payload = json_set(payload, '$.score', 12) WHERE type = :t"),
            {"t": E.DISCHARGED.value},
        )
    panel.show_state(care.state(sid))
    assert not panel.altered.isHidden()
    assert "changed after it was signed" in panel.altered.text()
    assert "Ana Reyes" in panel.altered.text()


def test_the_addendum_dialog_adds_a_signed_addendum_to_a_signed_session(
    nurse, window: MainWindow, care: Care, clock: ManualClock, patient: PatientView, nurses: tuple[Account, Account]
) -> None:
    first, _ = nurses
    sid = discharged(care, clock, patient, nurses, "3.62")
    care.sign(sid, first.id, ANA_PASSWORD, seen_seq=seen(care, sid))
    clock.advance(minutes=120)
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    assert care.chairs() == []  # signed: it has left the board

    dialog = AddendumDialog(window.controller, window)
    dialog.show()
    nurse.qtbot.waitExposed(dialog)
    sessions = nurse.find(QListWidget, "Sessions of the day")
    assert sessions.count() == 1
    assert "LINDQVIST, Maja" in sessions.item(0).text()
    assert not nurse.find(QLineEdit, "Addendum").isEnabled()  # nothing is chosen for the nurse
    nurse.qtbot.mouseClick(
        sessions.viewport(), Qt.MouseButton.LeftButton, pos=sessions.visualItemRect(sessions.item(0)).center()
    )
    assert "<b>Ana Reyes</b> — administered<br>the session" in nurse.text("Signature 3")

    nurse.type("Addendum", "Patient phoned at 18:00: mild nausea overnight, settled", enter=True)
    nurse.type("Your password (addendum)", ANA_PASSWORD, enter=True)
    state = care.state(sid)
    addendum = state.events[-1]
    assert addendum.type is E.ADDENDUM
    assert addendum.payload["note"] == "Patient phoned at 18:00: mild nausea overnight, settled"
    assert addendum.recorded_by == first.id
    assert (state.signatures[-1].signer_id, state.signatures[-1].meaning) == (first.id, Meaning.AMENDED)
    assert state.altered_signatures == ()
    assert nurse.find(QLineEdit, "Your password (addendum)").text() == ""
    assert nurse.find(QLineEdit, "Addendum").text() == ""
    assert "mild nausea overnight" in nurse.text("Addenda so far")
    assert dialog.added is not None
    dialog.close()


def test_the_addendum_dialog_offers_only_signed_sessions_for_an_addendum(
    nurse, window: MainWindow, care: Care, patient: PatientView, nurses: tuple[Account, Account]
) -> None:
    dosed(care, patient, nurses)
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    dialog = AddendumDialog(window.controller, window)
    dialog.show()
    nurse.qtbot.waitExposed(dialog)
    sessions = nurse.find(QListWidget, "Sessions of the day")
    sessions.setCurrentRow(0)
    assert "Not signed yet" in nurse.text("Session chosen")
    assert not nurse.find(QLineEdit, "Addendum").isEnabled()
    nurse.click("Day before")
    assert sessions.count() == 1
    assert "No sessions" in sessions.item(0).text()
    dialog.close()
