"""The very first start: there is no account yet, and Chairside ships with no default one.

Whoever sets up the workstation becomes the first administrator here. The step cannot be skipped:
without an administrator nobody could add the nurses, so cancelling quits the app instead.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QVBoxLayout, QWidget

from core.people import Account
from ui.controller import Controller
from ui.dialogs.password import add_field
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, label, line_edit, password_field


class FirstAdministratorDialog(QDialog):
    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.created: Account | None = None
        self.setWindowTitle("Chairside — first start")
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(label("Set up the first administrator", role="title"))
        minimum = controller.workplace.clinic.password_min_length
        layout.addWidget(
            label(
                "This Chairside database has no accounts yet, and there is no default account or password. "
                "The person setting it up now becomes its first administrator, and then adds the nurses."
            )
        )
        layout.addWidget(
            label(
                f"Choose a password of at least {minimum} characters that nobody could guess: three or four "
                "unrelated words work well. Nobody, including support, can recover it for you.",
                role="hint",
            )
        )
        form = QFormLayout()
        self.name = line_edit("Your name", "As it should appear on records")
        self.username = line_edit("User name", "e.g. ana.reyes")
        self.password = password_field("Password")
        self.repeat = password_field("Password again")
        add_field(form, "Your name", self.name)
        add_field(form, "User name", self.username)
        add_field(form, "Password", self.password)
        add_field(form, "Password again", self.repeat)
        layout.addLayout(form)
        self.feedback = Feedback("First administrator message")
        for field, widget in (
            ("name", self.name),
            ("username", self.username),
            ("new_password", self.password),
            ("repeat", self.repeat),
        ):
            self.feedback.bind(field, widget)
        layout.addWidget(self.feedback)
        row = QHBoxLayout()
        create = button("Create administrator", role="primary")
        create.setAutoDefault(False)
        quit_app = button("Quit Chairside")
        quit_app.setAutoDefault(False)
        create.clicked.connect(self._create)
        quit_app.clicked.connect(self.reject)
        for field in (self.name, self.username, self.password, self.repeat):
            field.returnPressed.connect(self._create)
        row.addWidget(quit_app)
        row.addStretch(1)
        row.addWidget(create)
        layout.addLayout(row)
        self.setTabOrder(self.name, self.username)
        self.setTabOrder(self.username, self.password)
        self.setTabOrder(self.password, self.repeat)
        self.setTabOrder(self.repeat, create)
        self.setTabOrder(create, quit_app)
        self.name.setFocus()

    def _create(self) -> None:
        accounts = self.controller.accounts
        name, username = self.name.text(), self.username.text()
        password, repeat = self.password.text(), self.repeat.text()
        self.created = self.controller.run(
            self.feedback,
            lambda: accounts.create_first_administrator(name, username, password, repeat),
            writes=True,
        )
        self.password.clear()
        self.repeat.clear()
        if self.created is not None:
            self.controller.staff_changed.emit()
            self.accept()

    @classmethod
    def ask(cls, controller: Controller, parent: QWidget | None = None) -> Account | None:
        """The new administrator, or None when the person chose to quit (the caller then quits)."""
        dialog = cls(controller, parent)
        dialog.exec()
        return dialog.created
