"""Scrolling over a control that the nurse has not put the focus on changes nothing, on every page and dialog.

The walk takes whatever controls each page and dialog has today, not a list: a control added tomorrow
is wheeled too. Each is sent the wheel as a mouse sends it (whole notches up and down) and as a
touchpad sends it (pixels, in a scroll gesture), while another control has the focus.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QScrollBar,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.ui.test_accessible_names import inside_combo
from tests.ui.walk import Places, none_found
from ui.main_window import MainWindow
from ui.widgets.forms import combo

CONTROLS = (
    QAbstractButton,
    QComboBox,
    QAbstractSpinBox,
    QAbstractSlider,
    QLineEdit,
    QAbstractItemView,
    QPlainTextEdit,
    QTextEdit,
)
VALUE_CONTROLS = (QComboBox, QAbstractSpinBox, QAbstractSlider)
"""The kinds Qt lets the wheel change."""
NOTCH = 120
SCROLLS = (
    (QPoint(0, 0), QPoint(0, NOTCH), Qt.ScrollPhase.NoScrollPhase),  # a mouse wheel, up
    (QPoint(0, 0), QPoint(0, -NOTCH), Qt.ScrollPhase.NoScrollPhase),  # and down
    (QPoint(0, 40), QPoint(0, NOTCH), Qt.ScrollPhase.ScrollUpdate),  # a touchpad, up
    (QPoint(0, -40), QPoint(0, -NOTCH), Qt.ScrollPhase.ScrollUpdate),  # and down
)


def is_control(widget: QWidget) -> bool:
    """A thing the nurse changes or presses; the page's own scroll bars and a combo's pop-up are not."""
    return isinstance(widget, CONTROLS) and not isinstance(widget, QScrollBar) and not inside_combo(widget)


def value(widget: QWidget) -> object:
    """What the control says: the thing that must not change by itself."""
    if isinstance(widget, QComboBox):
        return widget.currentIndex(), widget.currentText()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QAbstractSlider):
        return widget.value()
    if isinstance(widget, QAbstractButton):
        return widget.isChecked()
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QAbstractItemView):
        return widget.currentIndex().row(), sorted(i.row() for i in widget.selectionModel().selectedIndexes())
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    assert isinstance(widget, QTextEdit)
    return widget.toPlainText()


def controls(root: QWidget) -> list[QWidget]:
    return [w for w in root.findChildren(QWidget) if is_control(w)]


def describe(widget: QWidget) -> str:
    return f"{type(widget).__name__} {widget.accessibleName()!r}"


def scroll(widget: QWidget, pixels: QPoint, angle: QPoint, phase: Qt.ScrollPhase) -> None:
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre)),
        pixels,
        angle,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        phase,
        False,
    )
    QApplication.sendEvent(widget, event)


def wheel_everything(root: QWidget) -> list[str]:
    """Wheel every visible control while it is not focused; the controls whose value changed, or that the
    wheel could hand the focus to, so that the next scroll would change them."""
    before = [(w, value(w)) for w in controls(root)]
    for widget, _ in before:
        if not widget.isVisible():
            continue
        if widget.hasFocus():
            widget.clearFocus()
        for pixels, angle, phase in SCROLLS:
            scroll(widget, pixels, angle, phase)
    changed = [f"{describe(w)}: {old!r} → {value(w)!r}" for w, old in before if value(w) != old]
    grabbing = [
        f"{describe(w)} takes the focus on the wheel"
        for w, _ in before
        if isinstance(w, VALUE_CONTROLS) and w.focusPolicy() == Qt.FocusPolicy.WheelFocus
    ]
    return changed + grabbing


# ---- every step of a chair and every dialog the app opens ------------------------------------------------


def test_no_step_of_a_session_changes_on_the_wheel(steps_walked: Places) -> None:
    none_found(steps_walked, wheel_everything)


def test_no_dialog_changes_on_the_wheel(dialogs_walked: Places) -> None:
    none_found(dialogs_walked, wheel_everything)


# ---- the guard itself -----------------------------------------------------------------------------------


def page_with_a_choice(qtbot: QtBot) -> tuple[QScrollArea, QComboBox]:
    """A page taller than its view, with a choice in the middle, as on a chair's page."""
    inside = QWidget()
    column = QVBoxLayout(inside)
    column.addSpacing(1500)
    choice = combo("Grade", [("None", "none"), ("Mild", "mild"), ("Severe", "severe")], placeholder="Not assessed")
    column.addWidget(choice)
    column.addSpacing(1500)
    area = QScrollArea()
    area.setWidget(inside)
    area.setWidgetResizable(True)
    area.resize(400, 300)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    area.ensureWidgetVisible(choice)
    return area, choice


def test_the_wheel_over_an_unfocused_choice_scrolls_the_page_instead(qtbot: QtBot, window: MainWindow) -> None:
    area, choice = page_with_a_choice(qtbot)
    assert choice.focusPolicy() == Qt.FocusPolicy.StrongFocus
    top = area.verticalScrollBar().value()
    scroll(choice, QPoint(0, 0), QPoint(0, -NOTCH), Qt.ScrollPhase.NoScrollPhase)
    assert choice.currentIndex() == -1
    assert area.verticalScrollBar().value() > top


def test_a_choice_the_nurse_has_focused_still_takes_the_wheel(qtbot: QtBot, window: MainWindow) -> None:
    area, choice = page_with_a_choice(qtbot)
    area.activateWindow()
    qtbot.waitActive(area)
    choice.setFocus()
    qtbot.waitUntil(choice.hasFocus)
    scroll(choice, QPoint(0, 0), QPoint(0, -NOTCH), Qt.ScrollPhase.NoScrollPhase)
    assert choice.currentText() == "None"
