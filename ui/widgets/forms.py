"""Builders for the controls every page uses, so each gets its accessible name and a gloved-hand size."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QFrame, QLabel, QLineEdit, QPushButton, QRadioButton, QWidget

from ui.style import TARGET, mark


def button(text: str, name: str | None = None, role: str | None = None) -> QPushButton:
    widget = QPushButton(text)
    widget.setAccessibleName(name or text)
    widget.setMinimumHeight(TARGET)
    widget.setCursor(Qt.CursorShape.PointingHandCursor)
    if role:
        mark(widget, "role", role)
    return widget


def line_edit(name: str, placeholder: str = "") -> QLineEdit:
    widget = QLineEdit()
    widget.setAccessibleName(name)
    widget.setPlaceholderText(placeholder)
    widget.setMinimumHeight(TARGET)
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


def radio(text: str, name: str) -> QRadioButton:
    widget = QRadioButton(text)
    widget.setAccessibleName(name)
    widget.setMinimumHeight(TARGET)
    return widget


def label(text: str = "", role: str | None = None, name: str | None = None, *, wrap: bool = True) -> QLabel:
    widget = QLabel(text)
    widget.setWordWrap(wrap)
    if name:
        widget.setAccessibleName(name)  # otherwise Qt reads out the text itself
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if role:
        mark(widget, "role", role)
    return widget


def card(role: str = "card") -> QFrame:
    frame = QFrame()
    mark(frame, "role", role)
    return frame


def set_tone(widget: QWidget, tone: str | None) -> None:
    mark(widget, "tone", tone)
