"""Fields that move on by themselves: a whole set of vitals with no Tab and one Enter, nothing else moved."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from core.care import Care
from core.clock import ManualClock
from core.events import EventType as E
from core.protocol import VitalKind as V
from tests.helpers.answers import NORMAL
from tests.helpers.window import Nurse
from ui.main_window import MainWindow


def focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def keys(qtbot: QtBot, *strokes: str | Qt.Key) -> None:
    """Keys sent to whichever control has the focus, as a keyboard would."""
    for stroke in strokes:
        if isinstance(stroke, str):
            qtbot.keyClicks(focus(), stroke)
        else:
            qtbot.keyClick(focus(), stroke)


def field(nurse: Nurse, care: Care, kind: V) -> QLineEdit:
    return nurse.find(QLineEdit, care.protocol.vitals[kind].label)


def infusing(nurse: Nurse, window: MainWindow, care: Care, session: str, nurses, clock: ManualClock) -> None:
    """Chair 1 open with the 10-minute set due, the keyboard in the systolic field."""
    care.start_infusion(session, nurses[0].id)
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    clock.advance(minutes=10)
    window.refresh()
    field(nurse, care, V.SYSTOLIC).setFocus()


def sets(care: Care, session: str) -> list[dict[str, str]]:
    return [event.payload["values"] for event in care.state(session).events if event.type is E.VITALS]


def test_a_complete_systolic_moves_on_and_an_open_heart_rate_stays(
    nurse: Nurse, qtbot: QtBot, window: MainWindow, care: Care, ready_session: str, nurses, clock: ManualClock
) -> None:
    infusing(nurse, window, care, ready_session, nurses, clock)
    keys(qtbot, "12")
    assert focus() is field(nurse, care, V.SYSTOLIC)
    keys(qtbot, "0")  # 1200 mmHg is impossible: 120 is all there is to type
    assert focus() is field(nurse, care, V.DIASTOLIC)

    field(nurse, care, V.HEART_RATE).setFocus()
    keys(qtbot, "25")  # 250/min is possible, so the nurse may not be done
    assert focus() is field(nurse, care, V.HEART_RATE)
    keys(qtbot, Qt.Key.Key_Backspace, Qt.Key.Key_Backspace, "95")  # 950/min is not: 95 is complete
    assert focus() is field(nurse, care, V.RESPIRATORY_RATE)


def test_a_whole_set_is_typed_with_no_tab_and_recorded_with_one_enter(
    nurse: Nurse, qtbot: QtBot, window: MainWindow, care: Care, ready_session: str, nurses, clock: ManualClock
) -> None:
    infusing(nurse, window, care, ready_session, nurses, clock)
    before = sets(care, ready_session)
    keys(qtbot, *NORMAL.values())
    # Sedation "0" was complete: the keyboard waits in the optional temperature, the form's last field.
    assert focus() is field(nurse, care, V.TEMPERATURE)
    keys(qtbot, "36.8")  # complete, but the last field: it stays for Enter
    assert focus() is field(nurse, care, V.TEMPERATURE)
    keys(qtbot, Qt.Key.Key_Return)

    assert sets(care, ready_session) == [*before, {**{k.value: v for k, v in NORMAL.items()}, "temperature": "36.8"}]
    assert focus() is field(nurse, care, V.SYSTOLIC)  # ready for the next set


def test_a_tab_out_of_habit_after_moving_on_is_swallowed_once(
    nurse: Nurse, qtbot: QtBot, window: MainWindow, care: Care, ready_session: str, nurses, clock: ManualClock
) -> None:
    infusing(nurse, window, care, ready_session, nurses, clock)
    before = sets(care, ready_session)
    for kind, value in NORMAL.items():  # the old way, Tab after every reading, lands every reading right
        keys(qtbot, value, Qt.Key.Key_Tab)
        if kind is not V.SEDATION:
            assert focus() is field(nurse, care, list(V)[list(V).index(kind) + 1])
    assert focus() is field(nurse, care, V.TEMPERATURE)
    keys(qtbot, Qt.Key.Key_Return)
    assert sets(care, ready_session) == [*before, {k.value: v for k, v in NORMAL.items()}]

    keys(qtbot, "124")
    keys(qtbot, Qt.Key.Key_Tab)  # swallowed: the keyboard is where the Tab meant to go
    assert focus() is field(nurse, care, V.DIASTOLIC)
    keys(qtbot, Qt.Key.Key_Tab)  # a second Tab is meant literally: diastolic left blank
    assert focus() is field(nurse, care, V.HEART_RATE)
    keys(qtbot, "7", Qt.Key.Key_Tab)  # typed, not moved on: Tab is an ordinary Tab
    assert focus() is field(nurse, care, V.RESPIRATORY_RATE)


def test_going_back_after_moving_on_means_what_it_says(
    nurse: Nurse, qtbot: QtBot, window: MainWindow, care: Care, ready_session: str, nurses, clock: ManualClock
) -> None:
    infusing(nurse, window, care, ready_session, nurses, clock)
    keys(qtbot, "120")
    assert focus() is field(nurse, care, V.DIASTOLIC)
    qtbot.keyClick(focus(), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)  # never swallowed
    systolic = field(nurse, care, V.SYSTOLIC)
    assert focus() is systolic
    keys(qtbot, Qt.Key.Key_End, "5")
    assert (focus(), systolic.text()) == (systolic, "1205")  # impossible: stays, Enter would say why
    keys(qtbot, Qt.Key.Key_Backspace)  # deleting never moves on, even back to a complete value
    assert (focus(), systolic.text()) == (systolic, "120")
    keys(qtbot, Qt.Key.Key_Backspace, Qt.Key.Key_Backspace, "3")
    assert (focus(), systolic.text()) == (systolic, "13")
    keys(qtbot, "0")
    assert (focus(), systolic.text()) == (field(nurse, care, V.DIASTOLIC), "130")
    keys(qtbot, Qt.Key.Key_Backtab)
    assert focus() is systolic  # Shift+Tab ended the swallowing: Tab from here is a plain Tab again
    field(nurse, care, V.HEART_RATE).setFocus()  # a click elsewhere ends it too
    keys(qtbot, Qt.Key.Key_Tab)
    assert focus() is field(nurse, care, V.RESPIRATORY_RATE)


def test_a_quick_typists_next_key_follows_the_keyboard_to_the_next_field(
    nurse: Nurse, qtbot: QtBot, window: MainWindow, care: Care, ready_session: str, nurses, clock: ManualClock
) -> None:
    """Real key timestamps 40 ms apart: each key is held a moment by the scan catcher, so the first key of
    diastolic is already on its way to systolic when "120" completes and the keyboard moves."""
    infusing(nurse, window, care, ready_session, nurses, clock)
    for n, character in enumerate("12078"):
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_0 + int(character), Qt.KeyboardModifier.NoModifier, character)
            event.setTimestamp(1_000 + 40 * n)
            QApplication.sendEvent(focus(), event)
    qtbot.waitUntil(lambda: field(nurse, care, V.DIASTOLIC).text() == "78")
    assert field(nurse, care, V.SYSTOLIC).text() == "120"
    assert focus() is field(nurse, care, V.HEART_RATE)


def test_text_put_in_by_the_program_moves_nothing(
    nurse: Nurse, qtbot: QtBot, window: MainWindow, care: Care, ready_session: str, nurses, clock: ManualClock
) -> None:
    infusing(nurse, window, care, ready_session, nurses, clock)
    systolic = field(nurse, care, V.SYSTOLIC)
    systolic.setText("120")
    assert focus() is systolic
    systolic.clear()
    qtbot.keyClicks(systolic, "120")
    assert focus() is field(nurse, care, V.DIASTOLIC)


def test_a_whole_date_of_birth_moves_on_to_the_names_and_the_names_never_move(
    nurse: Nurse, qtbot: QtBot, window: MainWindow, nurses
) -> None:
    nurse.on_duty(nurses[0])
    nurse.chair(1)
    nurse.type("Medical record number", "MRN-2002")
    assert focus() is nurse.find(QLineEdit, "Medical record number")  # free text: no end to judge
    nurse.type("Date of birth", "1971-03-1")
    assert focus() is nurse.find(QLineEdit, "Date of birth")
    keys(qtbot, "4")
    assert focus() is nurse.find(QLineEdit, "Family name")
    keys(qtbot, "Lindqvist")
    assert focus() is nurse.find(QLineEdit, "Family name")


def test_a_quick_typists_habitual_tab_still_on_its_way_to_the_field_just_left_is_swallowed(
    nurse: Nurse, qtbot: QtBot, window: MainWindow, care: Care, ready_session: str, nurses, clock: ManualClock
) -> None:
    """The last digit is held a moment by the scan catcher; the Tab typed right after it reaches the field
    just left once the digit has moved the keyboard on. That Tab is the habitual one: it moves nothing."""
    infusing(nurse, window, care, ready_session, nurses, clock)
    systolic = field(nurse, care, V.SYSTOLIC)
    keys(qtbot, "120")
    assert focus() is field(nurse, care, V.DIASTOLIC)
    QApplication.sendEvent(systolic, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier))
    assert focus() is field(nurse, care, V.DIASTOLIC)


def tap(qtbot: QtBot, widget: QLineEdit) -> None:
    """A tap on the field, as a gloved finger: a mouse press and release at its middle."""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())


def test_a_digit_run_on_and_then_a_tap_on_the_field_moved_to_is_replaced_by_what_is_typed(
    nurse: Nurse, qtbot: QtBot, window: MainWindow, care: Care, ready_session: str, nurses, clock: ManualClock
) -> None:
    """ "1201": the field moved on after "120", so "1" waits in diastolic. The nurse taps diastolic and types
    78: she means 78, not 178 (a reading nobody took, and an act-now alarm)."""
    infusing(nurse, window, care, ready_session, nurses, clock)
    keys(qtbot, "1201")
    diastolic = field(nurse, care, V.DIASTOLIC)
    assert (focus(), diastolic.text()) == (diastolic, "1")
    tap(qtbot, diastolic)
    assert diastolic.selectedText() == "1"
    keys(qtbot, "78")
    assert (field(nurse, care, V.SYSTOLIC).text(), diastolic.text()) == ("120", "78")
    assert focus() is field(nurse, care, V.HEART_RATE)


def test_a_field_tapped_or_tabbed_into_selects_its_value_and_the_move_on_selects_nothing(
    nurse: Nurse, qtbot: QtBot, window: MainWindow, care: Care, ready_session: str, nurses, clock: ManualClock
) -> None:
    infusing(nurse, window, care, ready_session, nurses, clock)
    systolic, diastolic = field(nurse, care, V.SYSTOLIC), field(nurse, care, V.DIASTOLIC)
    heart_rate = field(nurse, care, V.HEART_RATE)
    keys(qtbot, "120", "78", "72")
    assert focus() is field(nurse, care, V.RESPIRATORY_RATE)
    tap(qtbot, diastolic)  # a tap from another field
    keys(qtbot, "82")
    assert diastolic.text() == "82" and focus() is heart_rate
    assert heart_rate.selectedText() == ""  # moved here, not chosen: typing on adds, it never overwrites
    keys(qtbot, Qt.Key.Key_Backtab, Qt.Key.Key_Backtab)
    assert focus() is systolic and systolic.selectedText() == "120"
    keys(qtbot, "118")
    assert systolic.text() == "118"
