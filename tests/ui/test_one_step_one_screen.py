"""One step, one screen: the banner stays put, each step's main action is in view at 1280×800 without
scrolling, a new step starts at its top with the keyboard on its first task, and a set of vital signs
that falls due comes into view by itself."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QScrollArea, QWidget

from core.care import Care
from core.clock import ManualClock
from core.identify import Identified
from core.machine import Step
from core.people import Account
from core.views import PatientView
from tests.helpers.answers import DISCHARGE_OK, NO_SIDE_EFFECTS, NORMAL, SCREEN_OK
from tests.helpers.people import ANA_PASSWORD, BEN_PASSWORD
from tests.helpers.sessions import pump_as_ordered, session_at
from tests.helpers.window import Nurse
from ui.main_window import MainWindow


def on_window(widget: QWidget, window: MainWindow) -> QRect:
    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


def page_scroll(window: MainWindow) -> QScrollArea:
    scroll = window.panel(1).scroll_area()
    assert scroll is not None
    return scroll


def in_view(widget: QWidget, window: MainWindow) -> bool:
    """Wholly inside the window, and inside the visible part of the page it is on unless it is pinned under it."""
    scroll = page_scroll(window)
    viewport = QRect(scroll.viewport().mapTo(window, scroll.viewport().rect().topLeft()), scroll.viewport().size())
    where = on_window(widget, window)
    pinned = not scroll.isAncestorOf(widget)
    return widget.isVisible() and window.rect().contains(where) and (pinned or viewport.contains(where))


def open_at_1280(nurse: Nurse, window: MainWindow, by: Account) -> None:
    window.resize(1280, 800)
    nurse.on_duty(by)
    window.refresh()
    nurse.chair(1)
    QApplication.processEvents()


def test_the_banner_stays_in_place_while_the_page_scrolls_and_the_step_changes(
    nurse: Nurse, window: MainWindow, care: Care, ready_session: str, nurses: tuple[Account, Account]
) -> None:
    open_at_1280(nurse, window, nurses[0])
    banner = window.panel(1).banner.widget
    before = on_window(banner, window)
    assert window.rect().contains(before)
    assert 60 <= before.height() <= 130
    scroll = page_scroll(window)
    scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
    QApplication.processEvents()
    assert on_window(banner, window) == before
    nurse.click("Start infusion")
    assert care.state(ready_session).step is Step.INFUSING
    assert on_window(banner, window) == before
    assert nurse.text("Time left") == "40:00"
    assert nurse.text("Step") == "Infusing · day 1 of 5"
    assert nurse.text("Patient") == "LINDQVIST, Maja"
    assert "MRN-1001" in nurse.text("Patient identifiers")


def test_each_infusion_steps_main_action_is_in_view_without_scrolling(
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    clock: ManualClock,
    ready_session: str,
    nurses: tuple[Account, Account],
) -> None:
    open_at_1280(nurse, window, nurses[0])
    scroll = page_scroll(window)
    assert in_view(nurse.find(QAbstractButton, "Start infusion"), window)
    nurse.click("Start infusion")
    assert scroll.verticalScrollBar().value() == 0
    QApplication.processEvents()  # the new step's layout settles before the nurse looks
    for name in ("Infusion complete", "Pause…", "Stop early…", "Record vital signs"):
        assert in_view(nurse.find(QAbstractButton, name), window), name
    nurse.click("Pause…")
    nurse.click("Pause reason patient away")
    assert in_view(nurse.find(QAbstractButton, "Pause"), window)
    nurse.click("Pause")
    clock.advance(minutes=4)
    window.refresh()
    assert care.state(ready_session).step is Step.PAUSED
    assert in_view(nurse.find(QAbstractButton, "Resume"), window)
    assert nurse.text("Time left caption").startswith("PAUSED")
    assert "patient away" in nurse.text("Step")


def test_after_the_start_the_page_is_at_its_top_and_the_keyboard_on_the_first_reading(
    nurse: Nurse, window: MainWindow, care: Care, ready_session: str, nurses: tuple[Account, Account]
) -> None:
    open_at_1280(nurse, window, nurses[0])
    start = nurse.find(QAbstractButton, "Start infusion")
    start.setFocus()
    page_scroll(window).verticalScrollBar().setValue(40)
    nurse.click("Start infusion")
    assert page_scroll(window).verticalScrollBar().value() == 0
    focus = QApplication.focusWidget()
    assert focus is not None
    assert focus.accessibleName() == care.protocol.vitals[next(iter(care.protocol.vitals))].label
    assert not focus.accessibleName().startswith(("Pause", "Stop early"))


def test_a_set_of_vitals_falling_due_comes_into_view_by_itself(
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    clock: ManualClock,
    ready_session: str,
    nurses: tuple[Account, Account],
) -> None:
    care.start_infusion(ready_session, nurses[0].id)
    open_at_1280(nurse, window, nurses[0])
    nurse.click("Show side effects")  # the nurse looks at the checklist while nothing is due
    systolic = care.protocol.vitals[next(iter(care.protocol.vitals))].label
    assert not nurse.sees(systolic)
    clock.advance(minutes=10)
    window.refresh()
    field = [w for w in window.findChildren(QWidget) if w.accessibleName() == systolic and w.isVisible()]
    assert len(field) == 1 and in_view(field[0], window)
    assert nurse.find(QAbstractButton, "Show vital signs").property("due") == "notice"  # low, as the tile says it


def test_a_side_effect_check_falling_due_never_leaves_the_keyboard_on_no_side_effects(
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    clock: ManualClock,
    ready_session: str,
    nurses: tuple[Account, Account],
    normal_vitals,
) -> None:
    """The check comes forward with the keyboard on its tab: one stray key must not record a whole check."""
    care.start_infusion(ready_session, nurses[0].id)
    open_at_1280(nurse, window, nurses[0])
    for _minute in range(40):  # until the first scheduled check falls due, vitals taken as they do
        if care.state(ready_session).side_effects_attention is not None:
            break
        clock.advance(minutes=1)
        if care.state(ready_session).vitals_attention is not None:
            care.record_vitals(ready_session, normal_vitals, nurses[0].id)
    systolic = care.protocol.vitals[next(iter(care.protocol.vitals))].label
    nurse.find(QLineEdit, systolic).setFocus()  # the keyboard waits in the empty vitals pane
    window.refresh()
    QApplication.processEvents()
    assert care.state(ready_session).side_effects_attention is not None and nurse.sees("No side effects")
    assert QApplication.focusWidget() is nurse.find(QAbstractButton, "Show side effects")


def steps_and_main_actions(care: Care, clock: ManualClock, patient: PatientView, nurses: tuple[Account, Account]):
    """Walk one session through core, yielding at each step the name of the step's main action."""
    first, _ = nurses
    identified = Identified(name=True, birth_date=patient.birth_date.isoformat())
    sid = care.open_session(patient.id, 1, first.id, identified).session_id
    yield "Record screening"
    care.screen(sid, SCREEN_OK, first.id)
    yield "Record weight"
    care.record_weight(sid, "72.4", "kg", first.id)
    yield "Confirm dose"
    care.confirm_dose(sid, first.id, vial_id="ketamine-10")
    care.record_vitals(sid, NORMAL, first.id)
    care.record_check(sid, "ben", BEN_PASSWORD, "72.4", "36.2", "155.4")
    care.record_drawn(sid, "LOT-K2291", "3.62", first.id)
    pump_as_ordered(care, sid, first.id)
    yield "Start infusion"
    care.start_infusion(sid, first.id)
    clock.advance(minutes=10)  # the 10-minute set falls due
    yield "Infusion complete"
    care.pause(sid, "patient away", first.id)
    yield "Resume"
    care.resume(sid, first.id)
    clock.advance(minutes=30)
    care.complete(sid, first.id)
    yield "Record discharge"
    for _ in range(2):
        care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
        clock.advance(minutes=30)
    care.record_vitals(sid, NORMAL, first.id)  # the set before discharge
    care.discharge(sid, "10", DISCHARGE_OK, first.id, ANA_PASSWORD)
    yield "Sign session"


def settle(window: MainWindow) -> None:
    window.refresh()
    QApplication.processEvents()
    QApplication.processEvents()


@pytest.mark.parametrize("size", [(1280, 800), (1024, 768)])
def test_every_steps_main_action_is_on_screen_and_nothing_runs_off_the_right(
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    clock: ManualClock,
    patient: PatientView,
    nurses: tuple[Account, Account],
    size: tuple[int, int],
) -> None:
    """At 1280×800 each step opens at its top with its main action in view; at 1024×768 the page scrolls
    down at most, never sideways, and nothing of the chair reaches past the window's right edge."""
    window.resize(*size)
    nurse.on_duty(nurses[0])
    seen = []
    for main in steps_and_main_actions(care, clock, patient, nurses):
        settle(window)
        if not seen:
            nurse.chair(1)
            settle(window)
        scroll = page_scroll(window)
        action = nurse.find(QAbstractButton, main)
        assert window.size().width() == size[0], main
        assert in_view(action, window), (main, size)
        assert scroll.verticalScrollBar().value() == 0, main
        assert scroll.horizontalScrollBar().maximum() == 0, (main, size)
        panel = window.panel(1)
        assert on_window(panel, window).right() <= window.rect().right(), main
        seen.append(main)
    assert len(seen) == 8


@pytest.mark.parametrize("size", [(1280, 800), (1024, 768)], ids=["1280x800", "1024x768"])
def test_a_long_pause_reason_or_an_overrun_never_widens_the_window_past_the_screen(
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    clock: ManualClock,
    ready_session: str,
    nurses: tuple[Account, Account],
    size: tuple[int, int],
) -> None:
    """The banner's line under the countdown is cut short, whole in its tooltip: the window keeps its size."""
    open_at_1280(nurse, window, nurses[0])
    window.resize(*size)
    care.start_infusion(ready_session, nurses[0].id)
    reason = "the cannula in the left forearm tissued and a new line is being placed by the anaesthetist " * 2
    care.pause(ready_session, reason, nurses[0].id)
    clock.advance(minutes=7)
    window.refresh()
    QApplication.processEvents()
    step = window.panel(1).banner.step  # the reason is beside the step; the clock box says how long first
    assert window.width() == size[0] and window.minimumSizeHint().width() <= size[0]
    assert nurse.text("Time left detail") == "paused for 07:00"
    assert step.toolTip().startswith("Paused · day 1 of 5: the cannula") and step.width() < step.sizeHint().width()
    care.resume(ready_session, nurses[0].id)
    clock.advance(minutes=45)
    window.refresh()
    QApplication.processEvents()
    assert nurse.text("Time left") == "+05:00"  # 45 minutes infused of 40
    assert window.width() == size[0] and window.minimumSizeHint().width() <= size[0]


STEPS_THAT_FIT = {"Record screening", "Start infusion", "Infusion complete", "Resume", "Sign session"}


def test_each_steps_question_fits_1280_by_800_without_scrolling(
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    clock: ManualClock,
    patient: PatientView,
    nurses: tuple[Account, Account],
) -> None:
    """Screening (the course's first session, every question), ready, infusing, paused and signing: the
    page under the banner has nothing below its fold; at observation the discharge is in view."""
    window.resize(1280, 800)
    nurse.on_duty(nurses[0])
    overflow = {}
    for main in steps_and_main_actions(care, clock, patient, nurses):
        settle(window)
        if not overflow:
            nurse.chair(1)
            settle(window)
        scroll = page_scroll(window)
        overflow[main] = scroll.verticalScrollBar().maximum()
        if main == "Record discharge":  # the drug record under it may scroll; the discharge itself does not
            assert in_view(nurse.find(QWidget, "Your password (discharge)"), window)
    assert {main: overflow[main] for main in STEPS_THAT_FIT} == dict.fromkeys(STEPS_THAT_FIT, 0)


def test_on_a_short_screen_the_field_the_keyboard_lands_in_is_brought_into_view(
    nurse: Nurse, window: MainWindow, care: Care, patient: PatientView, nurses: tuple[Account, Account]
) -> None:
    """At 1024×768 the ready page stacks its panes: the lot number, where the keyboard goes after the check,
    is below the fold, and the nurse must see the field she types into."""
    first = nurses[0]
    sid = session_at(care, patient, nurses, Step.CHECK)
    window.resize(1024, 768)
    nurse.on_duty(first)
    window.refresh()
    nurse.chair(1)
    nurse.find(QLineEdit, "Second nurse user name").setFocus()  # the keyboard on the check page
    care.record_check(sid, "ben", BEN_PASSWORD, "72.4", "36.2", "155.4")
    settle(window)
    landed = QApplication.focusWidget()
    assert landed is not None and landed.accessibleName() == "Volume drawn up (mL)"
    assert in_view(landed, window)


def words_whole(widget: QAbstractButton) -> bool:
    """The button's words fit inside it: none cut off at either end."""
    room = widget.contentsRect().width() - 2 * 8  # the style sheet's padding, at its narrowest
    return max(widget.fontMetrics().horizontalAdvance(line) for line in widget.text().split("\n")) <= room


@pytest.mark.parametrize("size", [(1280, 800), (1024, 768)])
def test_an_act_now_alarm_and_its_acknowledgement_come_into_view_with_every_choice_whole(
    size: tuple[int, int],
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    clock: ManualClock,
    ready_session: str,
    nurses: tuple[Account, Account],
    normal_vitals,
) -> None:
    """Systolic 182 saved from the form: the act-now alarm is the first thing the nurse does, so the panel,
    its choices and Acknowledge are on screen (at 1280×800 without the nurse scrolling; at 1024×768 the
    page brings them into view), and no choice's words are cut off."""
    window.resize(*size)
    nurse.on_duty(nurses[0])
    care.start_infusion(ready_session, nurses[0].id)
    clock.advance(minutes=10)
    window.refresh()
    nurse.chair(1)
    settle(window)
    for kind, value in {**normal_vitals, next(iter(normal_vitals)): "182"}.items():
        nurse.type(care.protocol.vitals[kind].label, value)
    nurse.click("Record vital signs")
    settle(window)
    assert care.state(ready_session).open_alerts

    if size == (1280, 800):
        assert page_scroll(window).verticalScrollBar().value() == 0  # nothing moved: it is there already
    assert in_view(nurse.find(QWidget, "Alerts"), window)
    acknowledge = nurse.find(QAbstractButton, "Acknowledge alert 1")
    assert in_view(acknowledge, window)
    choices = [b for b in window.panel(1).findChildren(QAbstractButton) if b.accessibleName().startswith("Alert 1: ")]
    assert len(choices) >= 6
    for choice in choices:
        assert in_view(choice, window), choice.accessibleName()
        assert words_whole(choice), choice.text()
        assert choice.height() >= 48


@pytest.mark.parametrize("size", [(1280, 800), (1024, 768)])
def test_an_act_now_alarm_keeps_the_view_and_the_keys_when_a_set_of_vitals_falls_due_too(
    size: tuple[int, int],
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    clock: ManualClock,
    ready_session: str,
    nurses: tuple[Account, Account],
    normal_vitals,
) -> None:
    """Systolic 182 left unacknowledged, then the next set falls due, and the nurse opens the chair from the
    board: the page went to the set due and hid what the alarm says to do, leaving its questions and
    Acknowledge. The alarm is what she does first: its words, first choice and Acknowledge are in view, and
    the keyboard is on its first choice."""
    window.resize(*size)
    first, _ = nurses
    care.start_infusion(ready_session, first.id)
    clock.advance(minutes=10)
    care.record_vitals(ready_session, {**normal_vitals, next(iter(normal_vitals)): "182"}, first.id)
    clock.advance(minutes=10)  # the 20-minute set is due now
    state = care.state(ready_session)
    assert state.open_alerts and state.vitals_attention
    nurse.on_duty(first)
    window.refresh()
    nurse.chair(1)
    settle(window)
    heading = nurse.find(QWidget, "Alerts")
    choices = [b for b in window.panel(1).findChildren(QAbstractButton) if b.accessibleName().startswith("Alert 1: ")]
    assert in_view(heading, window)
    assert in_view(choices[0], window), choices[0].accessibleName()
    assert in_view(nurse.find(QAbstractButton, "Acknowledge alert 1"), window)
    assert QApplication.focusWidget() is choices[0]


def fits(window: MainWindow, size: tuple[int, int]) -> None:
    """At 1280×800 nothing below the fold; at either size nothing past the right edge, the window its size and
    no page asking for more room than the window has (the window never grows to fit a page: it would be clipped)."""
    settle(window)
    scroll = page_scroll(window)
    assert window.size().width() == size[0]
    assert window.minimumSizeHint().width() <= size[0]
    assert scroll.horizontalScrollBar().maximum() == 0
    assert on_window(window.panel(1), window).right() <= window.rect().right()
    if size == (1280, 800):
        assert scroll.verticalScrollBar().maximum() == 0


def opened(nurse: Nurse, window: MainWindow, nurses: tuple[Account, Account], size: tuple[int, int]) -> None:
    window.resize(*size)
    nurse.on_duty(nurses[0])
    window.refresh()
    nurse.chair(1)
    settle(window)


SIZES = pytest.mark.parametrize("size", [(1280, 800), (1024, 768)], ids=["1280x800", "1024x768"])


@SIZES
def test_the_dose_fits_beside_its_baseline_vitals_and_their_record_button(
    nurse: Nurse, window: MainWindow, care: Care, patient: PatientView, nurses: tuple[Account, Account], size
) -> None:
    session_at(care, patient, nurses, Step.DOSE)
    opened(nurse, window, nurses, size)
    fits(window, size)
    if size == (1280, 800):
        for name in ("Record vital signs", "Confirm dose"):
            assert in_view(nurse.find(QAbstractButton, name), window), name
        assert in_view(nurse.find(QWidget, "Dose arithmetic"), window)


def drawn_up_here(care: Care, patient: PatientView, nurses: tuple[Account, Account]) -> str:
    from tests.test_pump_and_vials import drawn_up

    return drawn_up(care, patient, nurses)


@SIZES
def test_the_rest_of_the_vial_and_its_waste_form_fit_in_place_of_the_drawn_up_and_pump_panels(
    nurse: Nurse, window: MainWindow, care: Care, patient: PatientView, nurses: tuple[Account, Account], size
) -> None:
    drawn_up_here(care, patient, nurses)
    opened(nurse, window, nurses, size)
    fits(window, size)
    nurse.click("Waste the rest of lot LOT-K2291")
    fits(window, size)
    assert not nurse.sees("Pump settings") and not nurse.sees("Drawn up record")  # the form stands in their place
    if size == (1280, 800):
        for name in ("Amount wasted (mg)", "Witness password"):
            assert in_view(nurse.find(QLineEdit, name), window), name
        for name in ("Record waste", "Cancel the waste", "Start infusion"):
            assert in_view(nurse.find(QAbstractButton, name), window), name
    nurse.click("Cancel the waste")
    fits(window, size)
    assert nurse.sees("Pump settings") and nurse.sees("Drawn up record")


@SIZES
def test_a_pump_reading_that_disagrees_is_said_once_and_the_page_still_fits(
    nurse: Nurse, window: MainWindow, care: Care, patient: PatientView, nurses: tuple[Account, Account], size
) -> None:
    sid = drawn_up_here(care, patient, nurses)
    care.return_to_stock(sid, care.state(sid).controlled.vials[0].drawn.event_id, nurses[0].id)
    opened(nurse, window, nurses, size)
    nurse.type("Rate on the pump (mL/h)", "150")
    nurse.type("VTBI on the pump (mL)", "103.6", enter=True)
    assert care.state(sid).step is Step.READY
    fits(window, size)
    shown = [w.text() for w in window.findChildren(QLabel) if w.isVisible()]
    assert sum("does not show what was ordered" in text for text in shown) == 1
    if size == (1280, 800):
        for name in ("Rate on the pump (mL/h)", "VTBI on the pump (mL)"):
            assert in_view(nurse.find(QLineEdit, name), window), name
        assert in_view(nurse.find(QLabel, "Start hint"), window)


@SIZES
def test_observation_with_drug_left_to_account_for_fits_and_says_so_in_the_action_bar(
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    clock: ManualClock,
    patient: PatientView,
    nurses: tuple[Account, Account],
    size,
) -> None:
    """The vial's rest still open at observation: the discharge fits, the drug record is one tab away and
    what is left is said in the pinned bar; the drug record's own view fits too."""
    first = nurses[0]
    sid = drawn_up_here(care, patient, nurses)
    care.record_pump(sid, "155.4", "103.6", first.id)
    care.start_infusion(sid, first.id)
    for _ in range(3):  # every set on time: nothing missed to say beside the discharge
        clock.advance(minutes=10)
        care.record_vitals(sid, NORMAL, first.id)
    clock.advance(minutes=10)
    care.complete(sid, first.id)
    care.record_vitals(sid, NORMAL, first.id)
    opened(nurse, window, nurses, size)
    fits(window, size)
    assert "163.8 mg" in nurse.text("Controlled substance to account for")
    if size == (1280, 800):
        assert in_view(nurse.find(QWidget, "Your password (discharge)"), window)
        assert in_view(nurse.find(QAbstractButton, "Record discharge"), window)
    nurse.click("Show controlled substance")
    fits(window, size)
    nurse.click("Waste the rest of lot LOT-K2291")
    fits(window, size)
    if size == (1280, 800):
        assert in_view(nurse.find(QAbstractButton, "Record waste"), window)


@SIZES
def test_a_screening_stop_and_its_confirmation_leave_the_last_question_in_view(
    nurse: Nurse, window: MainWindow, care: Care, patient: PatientView, nurses: tuple[Account, Account], size
) -> None:
    care.open_session(patient.id, 1, nurses[0].id, Identified(name=True, mrn=patient.mrn))
    opened(nurse, window, nurses, size)
    questions = care.protocol.screening.questions
    for question in questions:
        nurse.click(f"{question.text} {'Yes' if question.id == 'no_escort' else 'No'}")
    escort = next(q for q in questions if q.id == "no_escort")
    for moment in ("answered", "asked"):
        fits(window, size)
        if size == (1280, 800):
            assert in_view(nurse.find(QAbstractButton, f"{escort.text} Yes"), window), moment
        if moment == "answered":
            nurse.click("Record screening")
    assert in_view(nurse.find(QAbstractButton, "Confirm: not treated today"), window)
