"""Scrolling the page never changes a value: a choice list, a number box or a slider takes the wheel only
when the nurse has put the focus on it.

Qt lets the wheel change a QComboBox, QAbstractSpinBox or QAbstractSlider under the pointer, and a
QComboBox even takes the focus from the wheel (``Qt.WheelFocus``): a nurse scrolling a chair's page
over a side-effect grade or the reason a vitals set is partial changed it without seeing it. The guard
is one event filter on the whole application, installed by the main window once its first screen is
painted (``MainWindow.settle``; the controls built before it are set as it is installed), rather than a
setting in ``forms.combo()`` or a subclass: it covers every such control however it is made (a screen's
own QComboBox, a spin box inside a dialog, one added next year), so it cannot be forgotten by the next
screen's author. ``tests/ui/test_wheel.py`` wheels every control of every page and
dialog to keep it so.

- When a guarded control is first polished, ``WheelFocus`` becomes ``StrongFocus``: the wheel no longer
  hands it the focus; a click or Tab still does.
- A wheel event over a guarded control without the focus is passed to the controls it sits in, as
  Qt passes on a wheel nobody wants, so the page under it scrolls instead.
- A control the nurse has deliberately focused (clicked, tapped or tabbed to) still takes the wheel: that
  is a choice she is making, and the focus frame shows which control she is changing.

A scroll bar is a slider too, but its value is where the page is, so it keeps the wheel.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractSlider, QAbstractSpinBox, QApplication, QComboBox, QScrollBar, QWidget

GUARDED = (QComboBox, QAbstractSpinBox, QAbstractSlider)
"""What Qt lets the wheel change."""
POLISH, WHEEL = QEvent.Type.Polish, QEvent.Type.Wheel
"""Looked up once: the filter sees every event of the application, thousands while a window is built."""


def guarded(watched: QObject) -> bool:
    return isinstance(watched, GUARDED) and not isinstance(watched, QScrollBar)


def pass_to_page(control: QWidget, event: QWheelEvent) -> None:
    """Offer the wheel to each widget ``control`` sits in, nearest first, until one scrolls (accepts it),
    stopping at the window as Qt does."""
    widget, where = control, event.position()
    while not widget.isWindow() and not widget.testAttribute(Qt.WidgetAttribute.WA_NoMousePropagation):
        where = QPointF(widget.mapToParent(where))
        widget = widget.parentWidget()
        if widget is None:
            return
        passed = QWheelEvent(
            where,
            event.globalPosition(),
            event.pixelDelta(),
            event.angleDelta(),
            event.buttons(),
            event.modifiers(),
            event.phase(),
            event.inverted(),
            event.source(),
        )
        QApplication.sendEvent(widget, passed)
        if passed.isAccepted():
            return


class WheelGuard(QObject):
    """The application's event filter that keeps the wheel off unfocused value controls."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind not in (POLISH, WHEEL):
            return False  # what QObject.eventFilter returns, without the call into Qt for every event
        if kind == POLISH and guarded(watched):
            assert isinstance(watched, QWidget)
            if watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        elif kind == WHEEL and guarded(watched):
            assert isinstance(watched, QWidget) and isinstance(event, QWheelEvent)
            if not watched.hasFocus():
                pass_to_page(watched, event)
                event.accept()  # handled here: Qt offers it to nobody else
                return True
        return False


def guard_the_wheel(app: QApplication) -> None:
    """Install the guard once per application, whichever window asks first; controls polished before it
    (the main window's first screen: see ``MainWindow.settle``) are set too."""
    if app.findChild(WheelGuard) is not None:
        return
    app.installEventFilter(WheelGuard(app))
    for widget in app.allWidgets():
        if guarded(widget) and widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
