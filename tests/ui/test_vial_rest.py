"""The rest of a vial on screen: shown until it is returned or wasted before a witness, and signing waits."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QPushButton

from core.care import Care
from core.clock import ManualClock
from core.events import EventType as E
from core.people import Account
from core.views import PatientView
from tests.helpers.answers import NORMAL
from tests.helpers.people import ANA_PASSWORD, BEN_PASSWORD
from tests.test_pump_and_vials import drawn_up
from ui.main_window import MainWindow

REST = "Rest of the vial of lot LOT-K2291"


def infused(care: Care, clock: ManualClock, patient: PatientView, nurses: tuple[Account, Account]) -> str:
    """Given in full; the 163.8 mg left in the vial not yet accounted for."""
    first, _ = nurses
    sid = drawn_up(care, patient, nurses)
    care.record_pump(sid, "155.4", "103.6", first.id)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=40)
    care.complete(sid, first.id)
    return sid


def test_the_rest_of_the_vial_is_wasted_before_a_witness_from_the_page(
    nurse, window: MainWindow, care: Care, clock: ManualClock, patient: PatientView, nurses: tuple[Account, Account]
) -> None:
    first, second = nurses
    sid = infused(care, clock, patient, nurses)
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    assert "left to account for: 163.8 mg" in nurse.text("Controlled substance to account for")
    nurse.click("Show controlled substance")  # the drug record, in place of the discharge
    assert "163.8 mg is left in the vial of lot LOT-K2291" in nurse.text(REST)
    assert nurse.sees("Rest of lot LOT-K2291 returned to stock")  # a multi-dose vial
    nurse.click("Waste the rest of lot LOT-K2291")
    assert "163.8 mg left" in nurse.text("What to waste")
    nurse.type("Amount wasted (mg)", "163.8")
    nurse.type("How wasted", "into the drug waste container")
    nurse.type("Your password (waste)", ANA_PASSWORD)
    nurse.type("Witness user name", "ben")
    nurse.type("Witness password", BEN_PASSWORD, enter=True)
    state = care.state(sid)
    (waste,) = state.controlled.vial_wastes
    assert (waste.mg, waste.witness_id, waste.vial_of) == (
        Decimal("163.8"),
        second.id,
        state.controlled.vials[0].drawn.event_id,
    )
    assert state.controlled.vial_problem is None and state.controlled.wasted == ()
    window.refresh()
    assert not nurse.sees(REST)
    assert "wasted by Ana Reyes, witnessed by Ben Okafor" in nurse.text("Vials accounted for")
    # The totals under it account for the whole vial: none of its rest is lost from them.
    expected = {
        "In the vials": "200.0 mg",
        "Drawn up": "36.2 mg",
        "Given": "36.2 mg",
        "Wasted from the dose": "0.0 mg",
        "Vial's rest wasted": "163.8 mg",
        "Returned to stock": "0.0 mg",
        "Left to account for": "0.0 mg",
    }
    assert {what: nurse.text(f"{what} (controlled substance)") for what in expected} == expected


def test_signing_waits_for_the_rest_and_one_tap_returns_it(
    nurse, window: MainWindow, care: Care, clock: ManualClock, patient: PatientView, nurses: tuple[Account, Account]
) -> None:
    first, _ = nurses
    sid = infused(care, clock, patient, nurses)
    for _ in range(2):
        care.record_side_effects(sid, {"nausea": "none", "dissociation": "none"}, first.id)
        clock.advance(minutes=31)
    criteria = {criterion.id: True for criterion in care.protocol.discharge.criteria}
    care.record_vitals(sid, NORMAL, first.id)  # the set before discharge
    care.discharge(sid, "10", criteria, first.id, ANA_PASSWORD)
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    assert not nurse.find(QPushButton, "Sign session").isEnabled()
    assert "Account for the rest of each vial" in nurse.text("Sign hint")
    nurse.click("Rest of lot LOT-K2291 returned to stock")
    window.refresh()
    assert nurse.find(QPushButton, "Sign session").isEnabled()
    assert [e.type for e in care.state(sid).events].count(E.RETURNED) == 1
    assert "returned to stock by Ana Reyes" in nurse.text("Vials accounted for")
