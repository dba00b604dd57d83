"""The identify step fits the screen: at 1280×800 its question and main action are in view without
scrolling in every state the page can be in, a message never moves the seat button, and at 1024×768
nothing is cut off on the right (the page scrolls, if at all, only down).

Geometry, not pictures: each state is reached the way a nurse reaches it, then the buttons' rectangles
are compared with the window and with the visible part of the chair's scroll area.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit, QPushButton, QScrollArea, QWidget

from core.care import Care
from core.identify import Details
from core.people import Account
from core.views import PatientView
from tests.helpers.clinic import PRESCRIBER, T0
from tests.helpers.sessions import signed
from tests.helpers.window import Nurse
from ui.main_window import MainWindow

SEAT = "Seat patient in chair 1"
BANNER_GROWTH = 40
"""Room the chair's header may still grow by (a pinned patient banner) before the main action leaves view."""
GIVEN = Details("female", no_known_allergies=True)


def with_details(care: Care, by: str, mrn: str, family: str, given: str, born: str) -> PatientView:
    return care.register_patient(mrn, family, given, born, by=by, details=GIVEN)


def ordered(care: Care, patient: PatientView, by: str) -> None:
    care.record_course(patient.id, PRESCRIBER, T0.astimezone().date().isoformat(), "5", by=by)


def empty(nurse: Nurse, care: Care, nurses: tuple[Account, Account]) -> tuple[str, ...]:
    return (SEAT,)


def search_results(nurse: Nurse, care: Care, nurses: tuple[Account, Account]) -> tuple[str, ...]:
    by = nurses[0].id
    for n, given in enumerate(("Maja", "Maria", "Marta", "Mira", "Moa")):
        with_details(care, by, f"MRN-20{n}", "Lindqvist", given, f"198{n}-05-0{n + 1}")
    nurse.type("Search patient", "Lindqvist", enter=True)
    return (SEAT,)


def chosen(nurse: Nurse, care: Care, nurses: tuple[Account, Account]) -> tuple[str, ...]:
    by = nurses[0].id
    ordered(care, with_details(care, by, "MRN-3001", "Okonkwo-Vasquez", "Adaeze Maria", "1964-09-30"), by)
    nurse.type("Search patient", "MRN-3001", enter=True)
    return (SEAT,)


def seat_error(nurse: Nurse, care: Care, nurses: tuple[Account, Account]) -> tuple[str, ...]:
    chosen(nurse, care, nurses)
    nurse.click("Full name matches")
    nurse.type("Date of birth given", "1964-09-03", enter=True)
    assert "is not the one on this record" in nurse.text("Seat message")
    return (SEAT,)


def course_order(nurse: Nurse, care: Care, nurses: tuple[Account, Account]) -> tuple[str, ...]:
    by = nurses[0].id
    with_details(care, by, "MRN-3002", "Poe", "Ada", "1982-03-03")
    nurse.type("Search patient", "MRN-3002", enter=True)
    nurse.click("Full name matches")
    nurse.type("Date of birth given", "1982-03-03", enter=True)
    assert nurse.sees("Record course order and seat")
    return (SEAT, "Record course order and seat")


def details_not_recorded(nurse: Nurse, care: Care, nurses: tuple[Account, Account]) -> tuple[str, ...]:
    by = nurses[0].id
    ordered(care, care.register_patient("MRN-3003", "Berg", "Karin", "1958-11-21", by=by), by)
    nurse.type("Search patient", "MRN-3003", enter=True)
    assert nurse.sees("Record sex and allergies")
    return (SEAT, "Record sex and allergies")


def duplicate(nurse: Nurse, care: Care, nurses: tuple[Account, Account]) -> tuple[str, ...]:
    by = nurses[0].id
    with_details(care, by, "MRN-3004", "Lindqvist", "Maja", "1971-03-14")
    nurse.type("Medical record number", "MRN-3005")
    nurse.type("Date of birth", "1971-03-14")
    nurse.type("Family name", "Lindkvist")
    nurse.type("Given name", "Maja")
    nurse.click("Female")
    nurse.click("No known allergies")
    nurse.click("Register patient")
    assert "MRN-3004" in nurse.text("Register message")
    return (SEAT, "Register patient")


def second_infusion(nurse: Nurse, care: Care, nurses: tuple[Account, Account]) -> tuple[str, ...]:
    treated = with_details(care, nurses[0].id, "MRN-3006", "Ito", "Emi", "1990-06-06")
    ordered(care, treated, nurses[0].id)
    signed(care, treated, nurses, care.clock)  # type: ignore[arg-type]
    nurse.window.refresh()
    nurse.type("Search patient", "MRN-3006", enter=True)
    nurse.click("Full name matches")
    nurse.type("Date of birth given", "1990-06-06", enter=True)
    assert "already had an infusion today" in nurse.text("Seat message")
    return (SEAT,)


STATES: dict[str, Callable[[Nurse, Care, tuple[Account, Account]], tuple[str, ...]]] = {
    "empty": empty,
    "search results": search_results,
    "patient chosen": chosen,
    "seat error": seat_error,
    "course order": course_order,
    "details not recorded": details_not_recorded,
    "possible duplicate": duplicate,
    "second infusion today": second_infusion,
}


def open_identify(
    nurse: Nurse, window: MainWindow, care: Care, nurses: tuple[Account, Account], size: tuple[int, int], state: str
) -> tuple[str, ...]:
    """The window at ``size``, chair 1 opened on its identify step and brought to ``state``."""
    window.resize(*size)
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    actions = STATES[state](nurse, care, nurses)
    QApplication.processEvents()
    return actions


def scroll_area(window: MainWindow) -> QScrollArea:
    page = window.panel(1).page("identify")
    area = page.parentWidget()
    while not isinstance(area, QScrollArea):
        area = area.parentWidget()
    return area


def in_window(window: MainWindow, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def in_viewport(area: QScrollArea, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(area.viewport(), QPoint(0, 0)), widget.size())


@pytest.mark.parametrize("state", list(STATES))
def test_at_1280_by_800_the_main_action_is_in_view_without_scrolling(
    nurse: Nurse, window: MainWindow, care: Care, nurses, state: str
):
    actions = open_identify(nurse, window, care, nurses, (1280, 800), state)
    area = scroll_area(window)
    assert area.verticalScrollBar().value() == 0
    assert area.verticalScrollBar().maximum() == 0, "the step and its messages need a scroll"
    room = area.viewport().rect().adjusted(0, 0, 0, -BANNER_GROWTH)
    for name in actions:
        action = nurse.find(QPushButton, name)
        assert window.rect().contains(in_window(window, action)), f"{name!r} is outside the window"
        assert room.contains(in_viewport(area, action)), f"{name!r} needs a scroll: {in_viewport(area, action)}"


@pytest.mark.parametrize("size", [(1280, 800), (1024, 768)])
def test_the_seat_button_stays_put_from_the_empty_chair_to_a_seat_error_of_several_lines(
    nurse: Nurse, window: MainWindow, care: Care, nurses, size: tuple[int, int]
):
    open_identify(nurse, window, care, nurses, size, "empty")
    area = scroll_area(window)
    seat = nurse.find(QPushButton, SEAT)
    where = in_viewport(area, seat)
    chosen(nurse, care, nurses)
    assert in_viewport(area, seat) == where
    nurse.click("Full name matches")
    nurse.type("Date of birth given", "1964-09-03", enter=True)
    QApplication.processEvents()
    assert nurse.text("Seat message").count(" ") > 20  # a message of several lines
    assert in_viewport(area, seat) == where
    if size == (1280, 800):
        assert area.verticalScrollBar().maximum() == 0, "the message made the page scroll"


@pytest.mark.parametrize("state", list(STATES))
def test_at_1024_by_768_nothing_is_cut_off_on_the_right(nurse: Nurse, window: MainWindow, care: Care, nurses, state):
    open_identify(nurse, window, care, nurses, (1024, 768), state)
    assert window.width() == 1024
    area = scroll_area(window)
    assert area.horizontalScrollBar().maximum() == 0, "the identify step scrolls sideways"
    width = area.viewport().width()
    page = window.panel(1).page("identify")
    for control in page.findChildren(QAbstractButton) + page.findChildren(QLineEdit):
        if control.isVisible():
            place = in_viewport(area, control)
            assert place.left() >= 0 and place.right() < width, f"{control.accessibleName()!r} is cut off: {place}"
