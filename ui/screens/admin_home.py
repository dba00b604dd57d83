"""The first screen of an account that keeps the system and records no care (an administrator).

Patients are not shown to it. What it is for comes first: on a new clinic nobody can record care until
the administrator has added the nurses, so that job is one large button away, and the screen says how
many people can record care now.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QVBoxLayout, QWidget

from core.people import Account, Role
from ui.controller import Controller
from ui.widgets.forms import button, label, main_action

NO_CARE = (
    "This account looks after people and settings, and does not record care, so patients' records are not "
    "shown. Nurses sign in with their own accounts to care for patients."
)


def carers_words(everyone: list[Account]) -> str:
    """How many people can record care: none is the administrator's first job on a new clinic."""
    carers = sum(1 for account in everyone if account.can_record_care)
    if carers == 0:
        return "Nobody can record care yet. Add the nurses and charge nurses, each with a temporary password."
    people = "person has" if carers == 1 else "people have"
    return f"{carers} {people} an account that records care. Add nurses as they join the clinic."


class AdminHome(QWidget):
    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.controller = controller
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.setSpacing(16)
        layout.addWidget(label(NO_CARE, role="heading", name="No care with this account"))
        self.carers = label(name="People who record care")
        layout.addWidget(self.carers)
        self.add_nurses = main_action(button("Add nurses", role="primary"))
        self.add_nurses.clicked.connect(self._add_nurses)
        layout.addWidget(self.add_nurses, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        controller.staff_changed.connect(self.refresh)

    def refresh(self) -> None:
        """Re-read the accounts (another workstation may have added someone)."""
        everyone = self.controller.run(None, self.controller.accounts.everyone, writes=False)
        if everyone is not None:
            self.carers.setText(carers_words(everyone))

    def take_focus(self) -> None:
        """Shown to someone just signed in: the count read afresh, and the keyboard on "Add nurses" once
        any dialog that signed them in has closed (it hands the focus back to where it was)."""
        self.refresh()
        QTimer.singleShot(0, lambda: self.add_nurses.setFocus(Qt.FocusReason.OtherFocusReason))

    def _add_nurses(self) -> None:
        from ui.dialogs.people import PeopleDialog  # with the first nurse added, not at start

        PeopleDialog.ask(self.controller, self.window(), adding=Role.NURSE)
