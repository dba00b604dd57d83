"""Every control a nurse presses or types into is at least a gloved finger's floor tall (``ui.style.TARGET``,
48 px: SCREENS.md), on every step of a session and in every dialog. The walk takes whatever controls each
place has today, not a list, so a control added tomorrow is measured too; a widget's own style sheet, which
overrides the application's height, is measured as it shows."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QWidget

from tests.ui.test_wheel import describe, is_control
from tests.ui.walk import Places, none_found
from ui.main_window import MainWindow
from ui.style import TARGET

PRESSED = (QAbstractButton, QComboBox, QAbstractSpinBox, QLineEdit)
"""What a finger presses or types into (a table's rows are measured by the tests of each table)."""


def too_small(root: QWidget) -> list[str]:
    """The visible controls shorter than the floor, with their size."""
    return [
        f"{describe(w)} is {w.width()}×{w.height()}"
        for w in root.findChildren(QWidget)
        if isinstance(w, PRESSED) and is_control(w) and w.isVisible() and w.height() < TARGET
    ]


def test_every_step_s_controls_are_a_gloved_finger_tall(window: MainWindow, steps_walked: Places) -> None:
    window.resize(1280, 800)
    none_found(steps_walked, too_small)


def test_every_dialog_s_controls_are_a_gloved_finger_tall(dialogs_walked: Places) -> None:
    none_found(dialogs_walked, too_small)
