"""The side-effect check at the chair: "No side effects" in one tap, and large grade buttons for what is present.

Each test taps what a nurse taps and reads back what core recorded.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from core.care import Care
from core.clock import ManualClock
from core.events import EventType as E
from core.protocol import Phase
from tests.helpers.answers import NORMAL
from tests.helpers.window import Nurse
from ui.main_window import MainWindow
from ui.widgets.segmented import GAP, Segmented
from ui.widgets.side_effects import GradingDialog


def at_the_twenty_minute_check(nurse: Nurse, care: Care, clock: ManualClock, sid: str, nurses) -> None:
    """Chair 1 infusing for 20 minutes with its vitals kept: the checklist is what is due."""
    first, _ = nurses
    care.start_infusion(sid, first.id)
    for _ in range(2):
        clock.advance(minutes=10)
        care.record_vitals(sid, NORMAL, first.id)
    nurse.on_duty(first)
    nurse.chair(1)


def the_checklist(window: MainWindow) -> GradingDialog:
    found = [d for d in window.findChildren(GradingDialog) if d.isVisible()]
    assert len(found) == 1, f"{len(found)} checklists open"
    return found[0]


def the_checklist_open(window: MainWindow) -> bool:
    return any(d.isVisible() for d in window.findChildren(GradingDialog))


def wheel(qtbot: QtBot, widget: QWidget, notches: int) -> None:
    """A mouse wheel (or touchpad) turned over the widget, which does not have the focus."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(widget.rect().center())),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_no_side_effects_records_a_full_check_in_one_tap(
    nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses
):
    at_the_twenty_minute_check(nurse, care, clock, ready_session, nurses)
    before = len(care.state(ready_session).events)
    nurse.click("No side effects")
    state = care.state(ready_session)
    assert len(state.events) == before + 1
    recorded = state.events[-1]
    assert recorded.type is E.SIDE_EFFECTS
    assert recorded.payload["grades"] == {item.id: "none" for item in care.protocol.side_effects.items}
    assert recorded.payload["point_id"] == "infusion-20"
    assert state.side_effects_attention is None
    assert "saved" in nurse.text("Side effects message")
    window.refresh()
    assert nurse.text("Side effects check due").startswith("Next check: End of infusion")
    assert nurse.text("Side effects last recorded").endswith(": no side effects (every item none).")


def test_grading_two_items_records_those_two_and_leaves_the_rest_not_assessed(
    nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses
):
    at_the_twenty_minute_check(nurse, care, clock, ready_session, nurses)
    nurse.click("Some side effects")
    assert the_checklist(window).windowTitle() == "Side-effect check"
    nurse.click("Nausea Moderate")
    nurse.click("Nausea Mild")  # a second tap on the row replaces the first
    nurse.click("Headache Mild")
    nurse.click("Headache Mild")  # and a tap on the chosen grade takes it back: not assessed
    nurse.click("Headache None")
    nurse.click("Dizziness / vertigo Mild")
    nurse.click("Record side effects")
    assert not the_checklist_open(window)
    recorded = care.state(ready_session).events[-1]
    assert recorded.type is E.SIDE_EFFECTS
    assert recorded.payload["grades"] == {"dizziness": "mild", "headache": "none", "nausea": "mild"}
    assert nurse.text("Side effects message") == "Side effects saved."
    window.refresh()
    last = nurse.text("Side effects last recorded")
    assert last.endswith(": Nausea mild, Dizziness / vertigo mild; 1 other item none; 13 not assessed.")


def test_recording_nothing_graded_asks_for_a_grade_and_records_nothing(
    nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses
):
    at_the_twenty_minute_check(nurse, care, clock, ready_session, nurses)
    before = len(care.state(ready_session).events)
    nurse.click("Some side effects")
    nurse.click("Record side effects")
    assert "Grade at least one item" in nurse.text("Side-effect check message")
    assert the_checklist_open(window)
    nurse.click("Cancel")
    assert not the_checklist_open(window)
    assert len(care.state(ready_session).events) == before


def test_a_severe_grade_asks_for_the_protocols_action_and_an_adverse_event(
    nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses
):
    at_the_twenty_minute_check(nurse, care, clock, ready_session, nurses)
    nurse.click("Some side effects")
    nurse.click("Hallucinations Severe")
    nurse.click("Record side effects")
    window.refresh()
    recorded = care.state(ready_session).events[-1]
    assert recorded.payload["act_now"] == ["hallucinations"]
    pause = care.protocol.side_effects.act_instruction[Phase.INFUSION]
    assert nurse.text("Side effects last recorded").endswith(pause)
    assert nurse.text("Adverse event to record").startswith("Adverse event to record: Hallucinations, severe")


def test_the_wheel_changes_no_grade_and_records_nothing(
    qtbot: QtBot, nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses
):
    at_the_twenty_minute_check(nurse, care, clock, ready_session, nurses)
    before = len(care.state(ready_session).events)
    for name in ("No side effects", "Some side effects"):
        wheel(qtbot, nurse.find(QPushButton, name), -3)
    assert len(care.state(ready_session).events) == before
    nurse.click("Some side effects")
    checklist = the_checklist(window)
    nurse.click("Nausea Mild")
    chosen = {item: row.value() for item, row in checklist.rows.items()}
    nurse.find(QPushButton, "Cancel").setFocus()  # the focus is on none of the grades
    for row in checklist.rows.values():
        for option in row.buttons.values():
            for notches in (-2, 2):
                wheel(qtbot, option, notches)
    assert {item: row.value() for item, row in checklist.rows.items()} == chosen
    assert len(care.state(ready_session).events) == before


def test_the_checklist_fits_1280_by_800_without_scrolling_and_1024_by_768_without_cutting_off(
    qtbot: QtBot, nurse: Nurse, window: MainWindow, care: Care, clock: ManualClock, ready_session: str, nurses
):
    at_the_twenty_minute_check(nurse, care, clock, ready_session, nurses)
    for width, height in ((1280, 800), (1024, 768)):
        window.resize(width, height)
        nurse.click("Some side effects")
        checklist = the_checklist(window)
        qtbot.waitUntil(lambda dialog=checklist: dialog.isActiveWindow())
        assert checklist.width() <= width and checklist.height() <= height
        view = checklist.scroll.viewport()
        scrolls = checklist.scroll.verticalScrollBar().maximum() > 0
        assert scrolls is (width < 1280), f"{width}×{height}: the checklist scrolls: {scrolls}"
        assert not checklist.scroll.horizontalScrollBar().isVisible()
        for row in checklist.rows.values():
            for option in row.buttons.values():
                left = option.mapTo(view, QPoint(0, 0)).x()
                assert left >= 0 and left + option.width() <= view.width(), f"{option.accessibleName()} cut off"
                if not scrolls:
                    top = option.mapTo(view, QPoint(0, 0)).y()
                    assert top >= 0 and top + option.height() <= view.height(), f"{option.accessibleName()} hidden"
        nurse.click("Cancel")


def test_grade_buttons_are_large_and_the_dangerous_ones_stand_apart(qtbot: QtBot, care: Care):
    rules = care.protocol.side_effects
    row = Segmented("Nausea", [(g.id, g.label) for g in rules.grades], rules.act_grades)
    qtbot.addWidget(row)
    row.show()
    qtbot.waitExposed(row)
    options = list(row.buttons.values())
    assert all(option.height() >= 64 for option in options), [option.height() for option in options]
    gaps = [b.geometry().left() - a.geometry().right() - 1 for a, b in pairwise(options)]
    first_danger = [g.id for g in rules.grades].index(rules.act_at_grade)
    assert min(gaps) >= GAP
    assert gaps[first_danger - 1] > max(g for i, g in enumerate(gaps) if i != first_danger - 1)
    assert [o.property("danger") for o in options] == [g.id in rules.act_grades for g in rules.grades]
    assert [o.accessibleName() for o in options] == [f"Nausea {g.label}" for g in rules.grades]


def test_the_keyboard_moves_along_a_row_without_choosing_and_space_chooses(qtbot: QtBot, care: Care):
    rules = care.protocol.side_effects
    row = Segmented("Nausea", [(g.id, g.label) for g in rules.grades], rules.act_grades)
    qtbot.addWidget(row)
    row.show()
    qtbot.waitExposed(row)
    row.activateWindow()
    row.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is row.buttons["none"])
    qtbot.keyClick(row.buttons["none"], Qt.Key.Key_Right)
    qtbot.keyClick(row.buttons["mild"], Qt.Key.Key_Right)
    assert QApplication.focusWidget() is row.buttons["moderate"]
    assert row.value() is None
    qtbot.keyClick(row.buttons["moderate"], Qt.Key.Key_Space)
    assert row.value() == "moderate"
    qtbot.keyClick(row.buttons["moderate"], Qt.Key.Key_Left)
    assert row.value() == "moderate"
    row.set_value(None)
    assert row.value() is None
