"""Builders for the controls every page uses, so each gets its accessible name and a gloved-hand size."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from ui.accessible import keep_secret
from ui.style import TARGET, mark


def button(text: str, name: str | None = None, role: str | None = None) -> QPushButton:
    widget = QPushButton(text)
    widget.setAccessibleName(name or text)
    widget.setMinimumHeight(TARGET)
    widget.setCursor(Qt.CursorShape.PointingHandCursor)
    if role:
        mark(widget, "role", role)
    return widget


def choice(text: str, name: str) -> QPushButton:
    """One of a few answers, as a big toggle (kg / lb, yes / no / unknown): nothing chosen at first."""
    widget = button(text, name, role="choice")
    widget.setCheckable(True)
    return widget


def line_edit(name: str, placeholder: str = "") -> QLineEdit:
    widget = QLineEdit()
    widget.setAccessibleName(name)
    widget.setPlaceholderText(placeholder)
    widget.setMinimumHeight(TARGET)
    return widget


def password_field(name: str, placeholder: str = "") -> QLineEdit:
    """Typed secrets are never shown; callers clear the field after each attempt."""
    widget = line_edit(name, placeholder)
    widget.setEchoMode(QLineEdit.EchoMode.Password)
    keep_secret(widget)
    return widget


def combo(name: str, items: list[tuple[str, object]], placeholder: str | None = None) -> QComboBox:
    """A choice list; with a placeholder nothing is chosen until the nurse chooses."""
    widget = QComboBox()
    widget.setAccessibleName(name)
    widget.setMinimumHeight(TARGET)
    for text, data in items:
        widget.addItem(text, data)
    if placeholder is not None:
        widget.setPlaceholderText(placeholder)
        widget.setCurrentIndex(-1)
    return widget


def check_box(text: str, name: str | None = None) -> QCheckBox:
    widget = QCheckBox(text)
    widget.setAccessibleName(name or text)
    widget.setMinimumHeight(TARGET)
    return widget


class WrappingCheck(QWidget):
    """A tick box whose text wraps (long protocol wording); clicking the text ticks the box too."""

    def __init__(self, text: str) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.box = check_box("", text)
        self.box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.text = QLabel(text)
        self.text.setWordWrap(True)
        self.text.mousePressEvent = lambda _event: self.box.toggle()  # type: ignore[method-assign]
        row.addWidget(self.box, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.text, 1)

    def isChecked(self) -> bool:  # noqa: N802 (reads like the QCheckBox it stands for)
        return self.box.isChecked()


def label(text: str = "", role: str | None = None, name: str | None = None, *, wrap: bool = True) -> QLabel:
    widget = QLabel(text)
    widget.setWordWrap(wrap)
    if name:
        describe(widget, name)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if role:
        mark(widget, "role", role)
    return widget


def caption_for(text: str, field: QWidget) -> QLabel:
    """Words shown above or beside a field, tied to it as its buddy: a screen reader names the field by
    them (on Linux Qt names a dropdown by its current value, so its caption reaches the reader only so)."""
    widget = label(text)
    widget.setBuddy(field)
    return widget


def describe(widget: QLabel, name: str) -> None:
    """Name a label that shows information without hiding what it says.

    An accessible name would replace the text for a screen reader (the countdown would read "Time left"
    and never the time), so the name goes to the object name, which tests find it by, and to the
    description, which a screen reader reads after the text; Qt keeps the text as the accessible name
    and announces each change of it.
    """
    widget.setObjectName(name)
    if name != widget.text():
        widget.setAccessibleDescription(name)


def card(role: str = "card") -> QFrame:
    frame = QFrame()
    mark(frame, "role", role)
    return frame


def set_tone(widget: QLabel, tone: str | None) -> None:
    """Colour a message: error / act (red), advise (amber), notice (blue), saved (green), quiet (grey)."""
    widget.setMargin(8 if tone in {"error", "act", "advise", "notice"} else 2)
    mark(widget, "tone", tone)


def main_action(widget: QPushButton) -> QPushButton:
    """The step's main action: taller than other targets, at least 240 px wide and no wider than its words."""
    mark(widget, "main", True)
    widget.setMinimumWidth(240)
    widget.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return widget
