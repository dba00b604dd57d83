"""The discharge screen agrees with the record: a criterion the record contradicts cannot be ticked, says why
in the alarm colour, and the discharge then needs the prescriber's override (reason and name)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QLineEdit, QWidget

from core import audit
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.events import EventType as E
from core.machine import Step
from core.people import Account
from core.refusals import Refusal
from core.views import PatientView
from tests.helpers.answers import NO_SIDE_EFFECTS, NORMAL
from tests.helpers.people import ANA_PASSWORD
from tests.helpers.window import Nurse, in_its_view
from tests.ui.test_signing_screens import observed_an_hour
from tests.ui.test_summary_printing import menu_entry
from ui.main_window import MainWindow
from ui.widgets.scrolling import scroll_area_of

SHEET = "Going-home sheet of the open chair…"


def test_a_contradicted_criterion_cannot_be_ticked_and_needs_the_prescribers_override(
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    clock: ManualClock,
    patient: PatientView,
    nurses: tuple[Account, Account],
    database,
) -> None:
    first, _ = nurses
    sid = observed_an_hour(care, clock, patient, nurses, "3.62")
    care.record_side_effects(sid, {**NO_SIDE_EFFECTS, "hallucinations": "moderate"}, first.id)
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    assert not menu_entry(nurse, SHEET).isEnabled()  # not discharged: no going-home sheet yet

    resolved = next(c for c in care.protocol.discharge.criteria if c.id == "effects_resolved")
    shown = nurse.text(f"{resolved.text}: what the record shows")
    assert "Hallucinations moderate" in shown and "not resolved" in shown
    assert nurse.find(QLabel, f"{resolved.text}: what the record shows").property("tone") == "act"
    nurse.type(care.protocol.discharge.score_name, "10")
    for criterion in care.protocol.discharge.criteria:
        if criterion.id != "effects_resolved":
            nurse.click(criterion.text)
    box = nurse.find(QCheckBox, resolved.text)
    assert not box.isEnabled() and not box.isChecked()  # cannot be ticked
    assert nurse.sees("Discharge override reason") and nurse.sees("Prescriber's name (discharge override)")

    nurse.type("Your password (discharge)", ANA_PASSWORD, enter=True)  # without the override: refused
    assert "the record shows Hallucinations moderate" in nurse.text("Discharge message")
    assert care.state(sid).step is Step.OBSERVE
    (refusal,) = [e for e in audit.entries(database) if e.action == AuditAction.REFUSED]
    assert refusal.session_id == sid and refusal.detail["kind"] == Refusal.DISCHARGE_CRITERIA

    nurse.type("Discharge override reason", "Seen by the prescriber: settling, sister stays tonight")
    nurse.type("Prescriber's name (discharge override)", "Dr Priya Patel")
    nurse.type("Your password (discharge)", ANA_PASSWORD, enter=True)
    state = care.state(sid)
    assert state.step is Step.SIGN
    (event,) = [e for e in state.events if e.type is E.DISCHARGED]
    assert event.payload["prescriber"] == "Dr Priya Patel"
    assert event.payload["contradicted"][0]["criterion"] == "effects_resolved"
    window.refresh()
    assert menu_entry(nurse, SHEET).isEnabled()  # discharged: the going-home sheet may be printed


def test_the_sign_page_and_the_summary_name_the_prescriber_who_authorised_the_override(
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    clock: ManualClock,
    patient: PatientView,
    nurses: tuple[Account, Account],
) -> None:
    """The override is the prescriber's decision: who made it is shown with the reason, on screen and on paper."""
    from core.reports.session_summary import session_summary
    from tests.test_session_summary import PRINTING, pages

    first, _ = nurses
    sid = observed_an_hour(care, clock, patient, nurses, "3.62")
    criteria = {criterion.id: criterion.id != "escort" for criterion in care.protocol.discharge.criteria}
    care.discharge(sid, "10", criteria, first.id, ANA_PASSWORD, "escort in the car park", "Dr Priya Patel")
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    assert "Discharge override (authorised by Dr Priya Patel): escort in the car park" in nurse.text("Session summary")
    everything = " ".join(pages(session_summary(care.session_snapshot(sid), PRINTING)))
    assert "reason: escort in the car park — authorised by Dr Priya Patel" in everything


def test_at_1024_a_refusal_asking_for_the_override_brings_its_fields_into_view_with_the_keyboard_in_the_reason(
    nurse: Nurse,
    qtbot,
    window: MainWindow,
    care: Care,
    clock: ManualClock,
    patient: PatientView,
    nurses: tuple[Account, Account],
) -> None:
    first, _ = nurses
    window.resize(1024, 768)
    sid = observed_an_hour(care, clock, patient, nurses, "3.62")
    care.record_side_effects(sid, {**NO_SIDE_EFFECTS, "hallucinations": "moderate"}, first.id)
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    nurse.type(care.protocol.discharge.score_name, "10")
    nurse.type("Your password (discharge)", ANA_PASSWORD, enter=True)  # refused: the override is asked for
    reason = nurse.find(QLineEdit, "Discharge override reason")
    prescriber = nurse.find(QLineEdit, "Prescriber's name (discharge override)")
    qtbot.waitUntil(lambda: in_its_view(reason) and in_its_view(prescriber))
    assert QApplication.focusWidget() is reason
    qtbot.wait(700)  # the banner's words settle a moment later, leaving less of the page in view
    assert in_its_view(reason) and in_its_view(prescriber)


def test_the_discharge_waits_for_the_set_before_it_and_says_the_sets_missed(
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    clock: ManualClock,
    patient: PatientView,
    nurses: tuple[Account, Account],
) -> None:
    from tests.ui.test_signing_screens import observed

    first, _ = nurses
    sid = observed(care, clock, patient, nurses, "3.62")
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    clock.advance(minutes=30)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    assert "take the set of vital signs: 30 min after end" in nurse.text("Discharge hint")
    assert not nurse.find(QWidget, "Record discharge").isEnabled()
    assert not nurse.sees("Vital signs missed")
    care.record_vitals(sid, NORMAL, first.id)
    window.refresh()
    assert nurse.find(QWidget, "Record discharge").isEnabled()
    missed = nurse.text("Vital signs missed")
    assert missed == "Vital signs missed (5): the sets due 13:10, 13:20, 13:30, 13:40 and 13:55."
    assert nurse.find(QLabel, "Vital signs missed").property("tone") == "advise"
    from tests.ui.test_one_step_one_screen import in_view

    window.resize(1280, 800)  # said beside it, the sets missed leave the discharge's question and action in view
    window.refresh()
    QApplication.processEvents()
    assert in_view(nurse.find(QWidget, care.protocol.discharge.score_name), window)
    assert in_view(nurse.find(QWidget, "Record discharge"), window)


def test_at_1024_the_discharge_comes_first_whole_once_nothing_else_is_owed(
    nurse: Nurse,
    qtbot,
    window: MainWindow,
    care: Care,
    clock: ManualClock,
    patient: PatientView,
    nurses: tuple[Account, Account],
) -> None:
    """The panes stand one under the other at 1024×768: the vitals form came first and the discharge's ticks
    and password were below the fold. With nothing owed the discharge is on top, all of it in view."""
    first, _ = nurses
    window.resize(1024, 768)
    observed_an_hour(care, clock, patient, nurses, "3.62")
    nurse.on_duty(first)
    nurse.chair(1)
    window.refresh()
    page = window.panel(1).page("observe")
    assert not page.panes.side_by_side
    score = nurse.find(QLineEdit, care.protocol.discharge.score_name)
    wanted = [score, *page.criteria.values(), page.password]
    qtbot.waitUntil(lambda: all(in_its_view(widget) for widget in wanted))
    scroll = scroll_area_of(score)
    assert scroll is not None and scroll.verticalScrollBar().value() == 0  # in view as the step opens
    assert QApplication.focusWidget() is score
