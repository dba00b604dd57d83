"""A row of large toggle buttons for a choice among a few (a side-effect grade): every option in view, one tap.

A dropdown hides its options, costs two taps and changes under a scrolling wheel; this row shows them
all, takes one tap, and ignores the wheel (a push button does not take wheel events, so the page under
it scrolls on). Choosing nothing is an answer ("not assessed"), so a tap on the chosen button un-chooses
it, which an exclusive QButtonGroup would refuse: the group here is not exclusive and the row keeps one
chosen itself. The options that need action (``dangerous``) sit apart, after a wider gap, in the alarm
red, so a tap meant for the common answer cannot land on them by being next door.

Keyboard: Tab reaches the row once (on the chosen button, or the one last visited), the arrow keys move
along it, Space chooses or un-chooses; a screen reader hears each button as "<item> <option>".
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QButtonGroup, QFrame, QHBoxLayout, QPushButton, QSizePolicy

from ui.style import MAIN_TARGET, mark

GAP = 8
"""Between neighbouring options that mean different things."""
DANGER_GAP = 28
"""Before the first option that needs action: wide enough to see as a break in the row."""
FOLD_AT = 12
"""Option words longer than this break onto two lines at a hyphen or space, so the row stays narrow."""

BACK = {Qt.Key.Key_Left, Qt.Key.Key_Up}
ON = {Qt.Key.Key_Right, Qt.Key.Key_Down}


def fold(text: str) -> str:
    """``Life-threatening`` as ``Life-`` over ``threatening``: the break nearest the middle, if there is one."""
    if len(text) <= FOLD_AT:
        return text
    breaks = [i for i, char in enumerate(text) if char in " -"]
    if not breaks:
        return text
    at = min(breaks, key=lambda i: abs(i - len(text) / 2))
    return f"{text[: at + 1].rstrip()}\n{text[at + 1 :]}"


class Segmented(QFrame):
    changed = Signal()
    """The nurse chose or un-chose an option (not sent by ``set_value``)."""

    def __init__(self, name: str, options: Sequence[tuple[str, str]], dangerous: Collection[str] = ()) -> None:
        """``name``: what the row is about, said before each option; ``options``: (value, words) in order."""
        super().__init__()
        mark(self, "role", "choices")
        self.setAccessibleName(name)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(GAP)
        self.group = QButtonGroup(self)
        self.group.setExclusive(False)
        self.buttons: dict[str, QPushButton] = {}
        for value, words in options:
            danger = value in dangerous
            if danger and self.buttons and not any(b.property("danger") for b in self.buttons.values()):
                row.addSpacing(DANGER_GAP - GAP)
            self.buttons[value] = self._option(f"{name} {words}", fold(words), danger)
            row.addWidget(self.buttons[value], 1)
        self.group.buttonClicked.connect(self._clicked)
        self._rove(next(iter(self.buttons.values())))

    def _option(self, name: str, words: str, danger: bool) -> QPushButton:
        option = QPushButton(words)
        option.setAccessibleName(name)
        option.setCheckable(True)
        option.setAutoDefault(False)
        option.setMinimumHeight(MAIN_TARGET)
        option.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        option.setCursor(Qt.CursorShape.PointingHandCursor)
        mark(option, "role", "grade")
        mark(option, "danger", danger)
        option.installEventFilter(self)
        self.group.addButton(option)
        return option

    def value(self) -> str | None:
        """The chosen option's value, or None when nothing is chosen."""
        return next((value for value, option in self.buttons.items() if option.isChecked()), None)

    def set_value(self, value: str | None) -> None:
        for key, option in self.buttons.items():
            option.setChecked(key == value)
        if value is not None:
            self._rove(self.buttons[value])

    def _clicked(self, option: QAbstractButton) -> None:
        if option.isChecked():
            for other in self.buttons.values():
                if other is not option:
                    other.setChecked(False)
        self._rove(option)
        self.changed.emit()

    def _rove(self, option: QAbstractButton) -> None:
        """Make ``option`` the row's one Tab stop, so Tab goes from row to row, not button by button."""
        for other in self.buttons.values():
            other.setFocusPolicy(Qt.FocusPolicy.StrongFocus if other is option else Qt.FocusPolicy.ClickFocus)
        self.setFocusProxy(option)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() is QEvent.Type.FocusIn and isinstance(watched, QPushButton):
            self._rove(watched)
        if event.type() is QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and isinstance(watched, QPushButton):
            return self._arrow(watched, event)
        return super().eventFilter(watched, event)

    def _arrow(self, option: QPushButton, event: QKeyEvent) -> bool:
        """Left/Up and Right/Down move along the row and stop at its ends; they never choose."""
        plain = event.modifiers() in {Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier}
        if not plain or event.key() not in BACK | ON:
            return False
        row = list(self.buttons.values())
        step = -1 if event.key() in BACK else 1
        row[max(0, min(len(row) - 1, row.index(option) + step))].setFocus(Qt.FocusReason.TabFocusReason)
        return True
