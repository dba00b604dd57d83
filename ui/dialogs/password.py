"""The signed-in person's own secrets: changing the password, and setting or removing the unlock PIN.

A password an administrator gave (a new account, a reset) must be replaced at the first sign-in, so
the administrator never knows a password that signs records. In that case the dialog offers only two
ways out: choose a password, or sign out.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from core.people import Account
from ui.controller import Controller
from ui.dialogs.base import AccountDialog, tab_order
from ui.widgets.forms import button, password_field

SIGN_IN_FIRST = "Sign in first."


class ChangePasswordDialog(AccountDialog):
    def __init__(self, controller: Controller, parent: QWidget | None = None, *, forced: bool = False) -> None:
        super().__init__(controller, parent, "Choose your own password" if forced else "Change my password", width=600)
        self.forced = forced
        user = controller.user
        if forced:
            self.explain(
                "Your password was given to you by an administrator. Choose one that only you know "
                "before carrying on: your password signs your records."
            )
        if user is not None:
            self.explain(f"Account: {user.name} ({user.username or 'no user name'})", role="hint")
        minimum = controller.clinic().password_min_length
        self.explain(
            f"At least {minimum} characters that nobody could guess: three or four unrelated words work well.",
            role="hint",
        )
        self.current = password_field("Current password", "The one given to you" if forced else "")
        self.new = password_field("New password")
        self.repeat = password_field("New password again")
        self.add_form(
            "Password change message",
            [
                ("Current password", self.current, "current_password"),
                ("New password", self.new, "new_password"),
                ("New password again", self.repeat, "repeat"),
            ],
            self._save,
        )
        save = button("Change password", role="primary")
        leave = button("Sign out" if forced else "Cancel", "Sign out" if forced else "Cancel password change")
        self.add_leave_and_act(leave, save, self._save)
        tab_order(self.current, self.new, self.repeat, save, leave)
        self.current.setFocus()

    def _save(self) -> None:
        accounts = self.controller.accounts
        current, new, repeat = self.current.text(), self.new.text(), self.repeat.text()
        self.submit_as(
            SIGN_IN_FIRST,
            lambda account_id: accounts.change_password(account_id, current, new, repeat),
            [self.current, self.new, self.repeat],
            own=True,
        )

    def reject(self) -> None:
        """Leaving a required change signs the person out: nobody carries on with a given password."""
        if self.forced:
            self.controller.sign_out()
        super().reject()

    @classmethod
    def ask(cls, controller: Controller, parent: QWidget | None = None, *, forced: bool = False) -> Account | None:
        """The account with its new password, or None if cancelled (``forced``: signed out by then)."""
        return cls(controller, parent, forced=forced).answer()


class PinDialog(AccountDialog):
    """A short PIN unlocks only the owner's own locked screen; the password is needed to set one."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent, "My unlock PIN", width=600)
        user = controller.user
        self.explain(
            "With a PIN you can unlock your own screen after it locks itself, instead of typing your "
            "password. It cannot sign records or unlock anyone else's screen. Use 4 to 8 digits in no "
            "simple order."
        )
        if user is not None and user.has_pin:
            self.explain("You have a PIN now: saving a new one replaces it.", role="hint")
        self.password = password_field("Your password", "To confirm it is you")
        self.pin = password_field("New PIN")
        self.repeat = password_field("New PIN again")
        for field in (self.pin, self.repeat):
            field.setInputMethodHints(field.inputMethodHints() | Qt.InputMethodHint.ImhDigitsOnly)
            field.setMaxLength(8)
        self.add_form(
            "PIN message",
            [
                ("Your password", self.password, "password"),
                ("New PIN", self.pin, "pin"),
                ("New PIN again", self.repeat, "repeat"),
            ],
            self._save,
        )
        save = button("Save PIN", role="primary")
        cancel = button("Cancel", "Cancel PIN change")
        self.remove: QPushButton | None = None
        if user is not None and user.has_pin:
            self.remove = button("Remove my PIN", role="danger")
            self.remove.clicked.connect(self._remove)
        self.add_leave_and_act(cancel, save, self._save, *([self.remove] if self.remove else []))
        tab_order(self.password, self.pin, self.repeat, save, cancel)
        self.password.setFocus()

    def _save(self) -> None:
        accounts = self.controller.accounts
        password, pin, repeat = self.password.text(), self.pin.text(), self.repeat.text()
        self._change(lambda account_id: accounts.set_pin(account_id, password, pin, repeat))

    def _remove(self) -> None:
        self._change(self.controller.accounts.clear_pin)

    def _change(self, call: Callable[[str], Account]) -> None:
        """Set or remove the signed-in person's PIN; the password and PINs typed never stay in the fields."""
        self.submit_as(SIGN_IN_FIRST, call, [self.password, self.pin, self.repeat], own=True)

    @staticmethod
    def offered(controller: Controller) -> bool:
        """Whether to offer the PIN at all: the clinic setting, read afresh (it may change while running)."""
        return controller.clinic().pin_unlock

    @classmethod
    def ask(cls, controller: Controller, parent: QWidget | None = None) -> Account | None:
        """The account with its PIN set or removed, or None if cancelled."""
        return cls(controller, parent).answer()
