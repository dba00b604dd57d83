"""Fields that hand the keyboard on by themselves once the typed value is complete.

A set of vital signs is six numbers; with a Tab after each, a nurse in gloves presses as many other keys
as she types readings. Core says when a value is complete (nothing more typed could still make a
possible value: systolic "124", not heart rate "25"), and the field then moves the keyboard to the next
field in the Tab order, so a whole set is typed with no Tab and recorded with one Enter.

Only the nurse's own typing moves it: a character typed into the field (text set by code, a paste from
the menu, Backspace or Delete never do). It moves only to another field to type in: in the last field of a
form, a complete value leaves the keyboard there, where Enter sends the form.

A Tab pressed out of habit right after the keyboard has moved on is swallowed, once. The nurse who
types "124" and Tab means "on to diastolic", and she is already there: taking the Tab literally would
skip diastolic, and a reading typed into the wrong field is worse than a key that did nothing. The
swallowing lasts only while she has done nothing else: a key typed in the new field, Shift+Tab, a click
elsewhere or any other focus change ends it, so a second Tab always moves on as usual.

A field the nurse taps or tabs into on purpose takes the whole value as selected, so what she types next
replaces it: the value is one reading, never a string to add digits to. So does a tap on the field the
keyboard was moved to, the first time she taps it: "1201" typed into systolic leaves "1" in diastolic, and
the nurse who then taps diastolic and types "78" means 78, not 178. The move itself selects nothing, so a
key typed on after it lands after what is there, never silently over it.

A quick typist's next key can be on its way to the field before the move (the window's scan catcher holds
each key for a moment, ui.scanner): a character that reaches the field after the keyboard has left it goes
on to where the keyboard went, so "120" then "78" never becomes systolic "1207".
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from ui.scanner import copy

MOVED_HERE = "advanced_into"
"""A field's property while it holds the keyboard because the field before it moved it there."""
DELIBERATE = (Qt.FocusReason.MouseFocusReason, Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason)
"""The nurse's own ways into a field: a tap, Tab and Shift+Tab."""

CONTROL_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
)


def typed_character(event: QKeyEvent) -> bool:
    """A key that types a character (not Backspace, Delete, a shortcut or a bare Tab)."""
    text = event.text()
    return bool(text) and text.isprintable() and not event.modifiers() & CONTROL_MODIFIERS


def plain_tab(event: QKeyEvent) -> bool:
    return event.key() == Qt.Key.Key_Tab and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier


def next_field(field: QWidget) -> QLineEdit | None:
    """The next stop Tab would reach from the field, if it is a field to type in."""
    candidate = field.nextInFocusChain()
    while candidate is not field:
        takes_tab = bool(candidate.focusPolicy() & Qt.FocusPolicy.TabFocus)
        if takes_tab and candidate.isVisible() and candidate.isEnabled():
            editable = isinstance(candidate, QLineEdit) and not candidate.isReadOnly()
            return candidate if editable else None
        candidate = candidate.nextInFocusChain()
    return None


class Advance(QObject):
    """Watches one field: when a typed character completes its value, the next field gets the keyboard."""

    def __init__(self, field: QLineEdit, complete: Callable[[str], bool]) -> None:
        super().__init__(field)
        self.field = field
        self.complete = complete
        self._typed = False
        """The field's last key typed a character: the edit that follows is the nurse's typing."""
        self.arrived: QLineEdit | None = None
        """The field the keyboard was just moved to, where one habitual Tab is swallowed."""
        self.moved_to: QLineEdit | None = None
        """Where the keyboard went when this field was done, until the nurse comes back to it."""
        self._select_on_release = False
        """The nurse tapped her way into the field: the whole value is selected once the tap is over."""
        field.installEventFilter(self)
        field.textEdited.connect(self._edited)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if watched is self.field and kind == QEvent.Type.FocusIn:
            self.moved_to = None
            if isinstance(event, QFocusEvent) and event.reason() in DELIBERATE:
                self.field.setProperty(MOVED_HERE, False)
                self._select_on_release = event.reason() == Qt.FocusReason.MouseFocusReason
                self.field.selectAll()  # a tap places the cursor after this: selected again on release
        if watched is self.field and kind == QEvent.Type.FocusOut:
            self.field.setProperty(MOVED_HERE, False)
        if watched is self.field and kind == QEvent.Type.MouseButtonPress and self.field.property(MOVED_HERE):
            self.field.setProperty(MOVED_HERE, False)  # the first tap on the field the keyboard was moved to
            self._select_on_release = True
        if watched is self.field and kind == QEvent.Type.MouseButtonRelease and self._select_on_release:
            self._select_on_release = False
            self.field.selectAll()
        if watched is self.field and kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if self.moved_to is not None and not self.field.hasFocus() and typed_character(event):
                QApplication.sendEvent(self.moved_to, copy(event))
                return True
            if self.arrived is not None and not self.field.hasFocus() and plain_tab(event):
                self._settled()  # the habitual Tab, still on its way to the field just left: swallowed here
                return True
            self._typed = typed_character(event)
        if watched is not self.arrived:
            return False
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            self._settled()
            return plain_tab(event)
        if kind == QEvent.Type.FocusOut:
            self._settled()
        return False

    def _edited(self, text: str) -> None:
        typed, self._typed = self._typed, False
        if not typed or not self.complete(text):
            return
        target = next_field(self.field)
        if target is None:
            return
        self._settled()
        target.installEventFilter(self)
        self.arrived = self.moved_to = target
        target.setFocus(Qt.FocusReason.OtherFocusReason)  # not the nurse's own move: nothing is selected
        target.setProperty(MOVED_HERE, True)

    def _settled(self) -> None:
        """The nurse has acted in the field moved to: from now on her keys mean what they say."""
        if self.arrived is not None:
            self.arrived.removeEventFilter(self)
        self.arrived = None


def advance_when_complete(field: QLineEdit, complete: Callable[[str], bool]) -> Advance:
    """Hook a field: it moves on by itself when core's ``complete`` says the typed value is finished."""
    return Advance(field, complete)
