"""Every control a nurse presses or types into is at least a gloved finger's floor tall (``ui.style.TARGET``,
48 px: SCREENS.md), on every step of a session and in every dialog. The walk takes whatever controls each
place has today, not a list, so a control added tomorrow is measured too; a widget's own style sheet, which
overrides the application's height, is measured as it shows."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from core.accounts import Accounts
from core.care import Care
from core.clock import ManualClock
from core.people import Account
from core.persistence.db import Database
from core.views import PatientView
from tests.helpers.window import Nurse
from tests.ui.test_wheel import describe, everything_said, is_control
from tests.ui.walk import every_dialog, every_step
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


def test_every_step_s_controls_are_a_gloved_finger_tall(
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    patient: PatientView,
    nurses: tuple[Account, Account],
    clock: ManualClock,
) -> None:
    window.resize(1280, 800)
    walk = every_step(nurse, window, care, patient, nurses, clock)
    small = {where: too_small(root) for where, root in walk}
    assert not any(small.values()), everything_said(small)


def test_every_dialog_s_controls_are_a_gloved_finger_tall(
    qtbot: QtBot,
    nurse: Nurse,
    window: MainWindow,
    care: Care,
    patient: PatientView,
    nurses: tuple[Account, Account],
    accounts: Accounts,
    admin: Account,
    clock: ManualClock,
    database: Database,
) -> None:
    walk = every_dialog(qtbot, nurse, window, care, patient, nurses, accounts, admin, clock, database)
    small = {where: too_small(root) for where, root in walk}
    assert not any(small.values()), everything_said(small)
