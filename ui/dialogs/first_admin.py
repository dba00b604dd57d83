"""The very first start: there is no account yet, and Chairside ships with no default one.

Whoever sets up the workstation becomes the first administrator here, and is signed in at once. The
step cannot be skipped: without an administrator nobody could add the nurses, so cancelling quits the
app instead.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from core.people import Account
from ui.controller import Controller
from ui.dialogs.base import AccountDialog, tab_order
from ui.widgets.forms import button, line_edit, password_field


class FirstAdministratorDialog(AccountDialog):
    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(
            controller, parent, "Chairside — first start", heading="Set up the first administrator", width=620
        )
        minimum = controller.clinic().password_min_length
        self.explain(
            "This Chairside database has no accounts yet, and there is no default account or password. "
            "The person setting it up now becomes its first administrator, and then adds the nurses."
        )
        self.explain(
            f"Choose a password of at least {minimum} characters that nobody could guess: three or four "
            "unrelated words work well. Nobody, including support, can recover it for you.",
            role="hint",
        )
        self.name = line_edit("Your name", "As it should appear on records")
        self.username = line_edit("User name", "e.g. ana.reyes")
        self.password = password_field("Password")
        self.repeat = password_field("Password again")
        self.add_form(
            "First administrator message",
            [
                ("Your name", self.name, "name"),
                ("User name", self.username, "username"),
                ("Password", self.password, "new_password"),
                ("Password again", self.repeat, "repeat"),
            ],
            self._create,
        )
        create = button("Create administrator", role="primary")
        quit_app = button("Quit Chairside")
        self.add_leave_and_act(quit_app, create, self._create)
        tab_order(self.name, self.username, self.password, self.repeat, create, quit_app)
        self.name.setFocus()

    def _create(self) -> None:
        accounts = self.controller.accounts
        name, username = self.name.text(), self.username.text()
        password, repeat = self.password.text(), self.repeat.text()
        self.submit(
            lambda: accounts.create_first_administrator(name, username, password, repeat),
            [self.password, self.repeat],
        )
        if self.outcome is not None:
            # Signed in with the password just chosen, onto the screen that offers to add the nurses.
            self.controller.sign_in(self.feedback, username, password)

    @classmethod
    def ask(cls, controller: Controller, parent: QWidget | None = None) -> Account | None:
        """The new administrator, or None when the person chose to quit (the caller then quits)."""
        return cls(controller, parent).answer()
