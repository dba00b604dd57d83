"""Adding a staff member (name and role). Sign-in with passwords comes later."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QVBoxLayout, QWidget

from core.services import ROLES, StaffView
from ui.controller import Controller
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, combo, label, line_edit


class AddStaffDialog(QDialog):
    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.added: StaffView | None = None
        self.setWindowTitle("Add staff member")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        self.name = line_edit("Staff name", "Name as it should appear on records")
        self.role = combo("Staff role", [(role.replace("_", " ").capitalize(), role) for role in ROLES])
        self.feedback = Feedback("Add staff message")
        self.feedback.bind("name", self.name)
        self.feedback.bind("role", self.role)
        layout.addWidget(label("Name"))
        layout.addWidget(self.name)
        layout.addWidget(label("Role"))
        layout.addWidget(self.role)
        layout.addWidget(self.feedback)
        row = QHBoxLayout()
        add = button("Add", "Add staff member", role="primary")
        cancel = button("Cancel")
        add.clicked.connect(self._add)
        self.name.returnPressed.connect(self._add)
        cancel.clicked.connect(self.reject)
        row.addStretch(1)
        row.addWidget(cancel)
        row.addWidget(add)
        layout.addLayout(row)

    def _add(self) -> None:
        self.added = self.controller.add_staff(self.feedback, self.name.text(), self.role.currentData())
        if self.added is not None:
            self.accept()

    @classmethod
    def ask(cls, controller: Controller, parent: QWidget | None = None) -> StaffView | None:
        dialog = cls(controller, parent)
        dialog.exec()
        return dialog.added
