"""The signed-in person's own secrets: changing the password, and setting or removing the unlock PIN.

A password an administrator gave (a new account, a reset) must be replaced at the first sign-in, so
the administrator never knows a password that signs records. In that case the dialog offers only two
ways out: choose a password, or sign out.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from core.people import Account
from core.settings import clinic_settings
from ui.controller import Controller
from ui.style import TARGET
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, label, password_field


def add_field(form: QFormLayout, text: str, field: QWidget) -> None:
    """A caption as tall as its gloved-size field and centred beside it; screen readers pair the two."""
    caption = label(text, wrap=False)
    caption.setMinimumHeight(TARGET)
    caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    form.addRow(caption, field)


def _buttons(primary: QWidget, *others: QWidget) -> QHBoxLayout:
    """The way out on the left, the action on the right, as in every Chairside dialog."""
    row = QHBoxLayout()
    for widget in others:
        row.addWidget(widget)
    row.addStretch(1)
    row.addWidget(primary)
    return row


class ChangePasswordDialog(QDialog):
    def __init__(self, controller: Controller, parent: QWidget | None = None, *, forced: bool = False) -> None:
        super().__init__(parent)
        self.controller = controller
        self.forced = forced
        self.changed: Account | None = None
        self.setWindowTitle("Choose your own password" if forced else "Change my password")
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        user = controller.user
        heading = "Choose your own password" if forced else "Change my password"
        layout.addWidget(label(heading, role="title"))
        if forced:
            layout.addWidget(
                label(
                    "Your password was given to you by an administrator. Choose one that only you know "
                    "before carrying on: your password signs your records."
                )
            )
        if user is not None:
            layout.addWidget(label(f"Account: {user.name} ({user.username or 'no user name'})", role="hint"))
        minimum = controller.workplace.clinic.password_min_length
        layout.addWidget(
            label(
                f"At least {minimum} characters that nobody could guess: three or four unrelated words work well.",
                role="hint",
            )
        )
        form = QFormLayout()
        self.current = password_field("Current password", "The one given to you" if forced else "")
        self.new = password_field("New password")
        self.repeat = password_field("New password again")
        add_field(form, "Current password", self.current)
        add_field(form, "New password", self.new)
        add_field(form, "New password again", self.repeat)
        layout.addLayout(form)
        self.feedback = Feedback("Password change message")
        self.feedback.bind("current_password", self.current)
        self.feedback.bind("new_password", self.new)
        self.feedback.bind("repeat", self.repeat)
        layout.addWidget(self.feedback)
        save = button("Change password", role="primary")
        leave = button("Sign out" if forced else "Cancel", "Sign out" if forced else "Cancel password change")
        for widget in (save, leave):
            widget.setAutoDefault(False)
        save.clicked.connect(self._save)
        leave.clicked.connect(self.reject)
        for field in (self.current, self.new, self.repeat):
            field.returnPressed.connect(self._save)
        layout.addLayout(_buttons(save, leave))
        self.setTabOrder(self.current, self.new)
        self.setTabOrder(self.new, self.repeat)
        self.setTabOrder(self.repeat, save)
        self.setTabOrder(save, leave)
        self.current.setFocus()

    def _save(self) -> None:
        user = self.controller.user
        if user is None:
            self.feedback.ask("Sign in first.")
            return
        accounts, account_id = self.controller.accounts, user.id
        current, new, repeat = self.current.text(), self.new.text(), self.repeat.text()
        self.changed = self.controller.run(
            self.feedback, lambda: accounts.change_password(account_id, current, new, repeat), writes=True
        )
        for field in (self.current, self.new, self.repeat):
            field.clear()
        if self.changed is not None:
            self.controller.refresh_user()
            self.controller.staff_changed.emit()
            self.accept()

    def reject(self) -> None:
        """Leaving a required change signs the person out: nobody carries on with a given password."""
        if self.forced:
            self.controller.sign_out()
        super().reject()

    @classmethod
    def ask(cls, controller: Controller, parent: QWidget | None = None, *, forced: bool = False) -> Account | None:
        """The account with its new password, or None if cancelled (``forced``: signed out by then)."""
        dialog = cls(controller, parent, forced=forced)
        dialog.exec()
        return dialog.changed


class PinDialog(QDialog):
    """A short PIN unlocks only the owner's own locked screen; the password is needed to set one."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.changed: Account | None = None
        self.setWindowTitle("My unlock PIN")
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        user = controller.user
        layout.addWidget(label("My unlock PIN", role="title"))
        layout.addWidget(
            label(
                "With a PIN you can unlock your own screen after it locks itself, instead of typing your "
                "password. It cannot sign records or unlock anyone else's screen. Use 4 to 8 digits in no "
                "simple order."
            )
        )
        if user is not None and user.has_pin:
            layout.addWidget(label("You have a PIN now: saving a new one replaces it.", role="hint"))
        form = QFormLayout()
        self.password = password_field("Your password", "To confirm it is you")
        self.pin = password_field("New PIN")
        self.repeat = password_field("New PIN again")
        for field in (self.pin, self.repeat):
            field.setInputMethodHints(field.inputMethodHints() | Qt.InputMethodHint.ImhDigitsOnly)
            field.setMaxLength(8)
        add_field(form, "Your password", self.password)
        add_field(form, "New PIN", self.pin)
        add_field(form, "New PIN again", self.repeat)
        layout.addLayout(form)
        self.feedback = Feedback("PIN message")
        self.feedback.bind("password", self.password)
        self.feedback.bind("pin", self.pin)
        self.feedback.bind("repeat", self.repeat)
        layout.addWidget(self.feedback)
        save = button("Save PIN", role="primary")
        cancel = button("Cancel", "Cancel PIN change")
        others: list[QWidget] = [cancel]
        save.clicked.connect(self._save)
        cancel.clicked.connect(self.reject)
        self.remove: QPushButton | None = None
        if user is not None and user.has_pin:
            self.remove = button("Remove my PIN", role="danger")
            self.remove.clicked.connect(self._remove)
            others.append(self.remove)
        for widget in (save, *others):
            widget.setAutoDefault(False)
        for field in (self.password, self.pin, self.repeat):
            field.returnPressed.connect(self._save)
        layout.addLayout(_buttons(save, *others))
        self.setTabOrder(self.password, self.pin)
        self.setTabOrder(self.pin, self.repeat)
        self.setTabOrder(self.repeat, save)
        self.setTabOrder(save, cancel)
        self.password.setFocus()

    def _done(self, account: Account | None) -> None:
        self.changed = account
        for field in (self.password, self.pin, self.repeat):
            field.clear()
        if account is not None:
            self.controller.refresh_user()
            self.controller.staff_changed.emit()
            self.accept()

    def _save(self) -> None:
        user = self.controller.user
        if user is None:
            self.feedback.ask("Sign in first.")
            return
        accounts, account_id = self.controller.accounts, user.id
        password, pin, repeat = self.password.text(), self.pin.text(), self.repeat.text()
        self._done(
            self.controller.run(self.feedback, lambda: accounts.set_pin(account_id, password, pin, repeat), writes=True)
        )

    def _remove(self) -> None:
        user = self.controller.user
        if user is None:
            self.feedback.ask("Sign in first.")
            return
        accounts, account_id = self.controller.accounts, user.id
        self._done(self.controller.run(self.feedback, lambda: accounts.clear_pin(account_id), writes=True))

    @staticmethod
    def offered(controller: Controller) -> bool:
        """Whether to offer the PIN at all: the clinic setting, read afresh (it may change while running)."""
        settings = controller.run(None, lambda: clinic_settings(controller.workplace.database), writes=False)
        return settings.pin_unlock if settings is not None else controller.workplace.clinic.pin_unlock

    @classmethod
    def ask(cls, controller: Controller, parent: QWidget | None = None) -> Account | None:
        """The account with its PIN set or removed, or None if cancelled."""
        dialog = cls(controller, parent)
        dialog.exec()
        return dialog.changed
