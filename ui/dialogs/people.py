"""The administrator's list of accounts: add a person, reset a password, deactivate an account.

An administrator types a temporary password and hands it over in person; its owner must replace it at
the first sign-in, so the administrator never knows a password that signs records. Accounts are
deactivated, never deleted, because records keep the name of whoever made them. Whether an action
is allowed is core's decision; refusals appear in the dialog's message line.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.people import ROLE_WORDS, Account, Role
from ui.controller import Controller
from ui.dialogs.password import add_field
from ui.style import BACKGROUND, INK, LINE, PAPER, TARGET
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, combo, label, line_edit, password_field

TABLE_SHEET = f"""
QTableView {{ background: {PAPER}; gridline-color: {LINE}; selection-background-color: #cfe0f3;
    selection-color: {INK}; }}
QTableView::item {{ padding: 4px 10px; }}
QHeaderView::section {{ background: {BACKGROUND}; border: none; border-right: 1px solid {LINE};
    border-bottom: 1px solid {LINE}; padding: 6px 10px; font-weight: 600; }}
"""
"""Room around each cell's text, so neighbouring columns never run together."""

COLUMNS = ("Name", "User name", "Role", "Status", "Locked until", "Last sign-in", "Must change password")
HANDOVER = "Give them the temporary password in person; they choose their own when they first sign in."


def local_time(moment: datetime | None) -> str:
    """A stored UTC time as this computer's local date and 24-hour time."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "—"


def named_table(name: str, columns: tuple[str, ...]) -> QTableWidget:
    """A read-only table of whole rows, gloved-finger tall, with its parts named for screen readers."""
    table = QTableWidget(0, len(columns))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(list(columns))
    table.horizontalHeader().setAccessibleName(f"{name} columns")
    table.verticalHeader().setAccessibleName(f"{name} rows")
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(TARGET)
    table.setCornerButtonEnabled(False)
    for corner in table.findChildren(QAbstractButton):
        corner.setAccessibleName(f"Select every row of {name.lower()}")
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setStyleSheet(TABLE_SHEET)
    return table


def _row(buttons: list[QWidget]) -> QHBoxLayout:
    """The way out on the left, the action on the right, as in every Chairside dialog."""
    row = QHBoxLayout()
    row.addWidget(buttons[0])
    row.addStretch(1)
    for widget in buttons[1:]:
        row.addWidget(widget)
    return row


def _by(controller: Controller, feedback: Feedback) -> str | None:
    """The signed-in administrator's id; core checks the role again."""
    if controller.user is None:
        feedback.ask("Sign in as an administrator first.")
        return None
    return controller.user.id


class AddAccountDialog(QDialog):
    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.added: Account | None = None
        self.setWindowTitle("Add a person")
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(label("Add a person", role="title"))
        layout.addWidget(label(HANDOVER, role="hint"))
        self.name = line_edit("Name", "As it should appear on records")
        self.username = line_edit("User name", "e.g. ana.reyes")
        self.role = combo("Role", [(ROLE_WORDS[role], role) for role in Role], placeholder="Choose a role")
        self.password = password_field("Temporary password")
        form = QFormLayout()
        add_field(form, "Name", self.name)
        add_field(form, "User name", self.username)
        add_field(form, "Role", self.role)
        add_field(form, "Temporary password", self.password)
        layout.addLayout(form)
        self.feedback = Feedback("Add person message")
        for field, widget in (
            ("name", self.name),
            ("username", self.username),
            ("role", self.role),
            ("temporary_password", self.password),
        ):
            self.feedback.bind(field, widget)
        layout.addWidget(self.feedback)
        cancel = button("Cancel", "Cancel adding")
        add = button("Add person", role="primary")
        for widget in (cancel, add):
            widget.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        add.clicked.connect(self._add)
        for field in (self.name, self.username, self.password):
            field.returnPressed.connect(self._add)
        layout.addLayout(_row([cancel, add]))
        self.setTabOrder(self.name, self.username)
        self.setTabOrder(self.username, self.role)
        self.setTabOrder(self.role, self.password)
        self.setTabOrder(self.password, add)
        self.setTabOrder(add, cancel)
        self.name.setFocus()

    def _add(self) -> None:
        by = _by(self.controller, self.feedback)
        if by is None:
            return
        accounts = self.controller.accounts
        name, username, password = self.name.text(), self.username.text(), self.password.text()
        role = self.role.currentData() or ""
        self.added = self.controller.run(
            self.feedback, lambda: accounts.add(by, name, username, role, password), writes=True
        )
        self.password.clear()
        if self.added is not None:
            self.controller.staff_changed.emit()
            self.accept()

    @classmethod
    def ask(cls, controller: Controller, parent: QWidget | None = None) -> Account | None:
        dialog = cls(controller, parent)
        dialog.exec()
        return dialog.added


class ResetPasswordDialog(QDialog):
    """A forgotten password or a lock-out. Staff recorded before sign-in existed get a user name here."""

    def __init__(self, controller: Controller, account: Account, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.account = account
        self.reset: Account | None = None
        self.setWindowTitle("Reset a password")
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(label(f"Reset the password of {account.name}", role="title"))
        layout.addWidget(
            label(
                "The account is unlocked and any unlock PIN is removed. " + HANDOVER,
                role="hint",
            )
        )
        form = QFormLayout()
        self.password = password_field("Temporary password")
        self.feedback = Feedback("Reset password message")
        self.username: QLineEdit | None = None
        if account.username is None:
            layout.addWidget(label(f"{account.name} has no user name yet: give one now."))
            self.username = line_edit("User name", "e.g. ana.reyes")
            self.username.returnPressed.connect(self._reset)
            self.feedback.bind("username", self.username)
            add_field(form, "User name", self.username)
        else:
            add_field(form, "User name", label(account.username, name="User name of the account"))
        add_field(form, "Temporary password", self.password)
        layout.addLayout(form)
        self.feedback.bind("temporary_password", self.password)
        layout.addWidget(self.feedback)
        cancel = button("Cancel", "Cancel reset")
        save = button("Reset password", role="primary")
        for widget in (cancel, save):
            widget.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        save.clicked.connect(self._reset)
        self.password.returnPressed.connect(self._reset)
        layout.addLayout(_row([cancel, save]))
        if self.username is not None:
            self.setTabOrder(self.username, self.password)
        self.setTabOrder(self.password, save)
        self.setTabOrder(save, cancel)
        (self.username or self.password).setFocus()

    def _reset(self) -> None:
        by = _by(self.controller, self.feedback)
        if by is None:
            return
        accounts, account_id = self.controller.accounts, self.account.id
        username = self.username.text() if self.username is not None else None
        password = self.password.text()
        self.reset = self.controller.run(
            self.feedback,
            lambda: accounts.reset_password(by, account_id, password, username=username),
            writes=True,
        )
        self.password.clear()
        if self.reset is not None:
            self.controller.staff_changed.emit()
            self.accept()

    @classmethod
    def ask(cls, controller: Controller, account: Account, parent: QWidget | None = None) -> Account | None:
        dialog = cls(controller, account, parent)
        dialog.exec()
        return dialog.reset


class DeactivateDialog(QDialog):
    """Asks why, and is itself the confirmation: its action button names the person."""

    def __init__(self, controller: Controller, account: Account, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.account = account
        self.deactivated: Account | None = None
        self.setWindowTitle("Deactivate an account")
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(label(f"Deactivate {account.name}?", role="title"))
        layout.addWidget(
            label(
                f"{account.name} will no longer be able to sign in, sign or check doses. Their records stay "
                "as they are, under their name. This cannot be undone: if they return, add a new account."
            )
        )
        self.reason = line_edit("Reason for deactivating", "e.g. left the clinic on 2026-11-30")
        form = QFormLayout()
        add_field(form, "Reason", self.reason)
        layout.addLayout(form)
        self.feedback = Feedback("Deactivate message")
        self.feedback.bind("reason", self.reason)
        layout.addWidget(self.feedback)
        cancel = button("Keep the account", "Keep the account")
        confirm = button(f"Deactivate {account.name}", "Confirm deactivation", role="danger")
        for widget in (cancel, confirm):
            widget.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        confirm.clicked.connect(self._deactivate)
        self.reason.returnPressed.connect(self._deactivate)
        layout.addLayout(_row([cancel, confirm]))
        self.setTabOrder(self.reason, confirm)
        self.setTabOrder(confirm, cancel)
        self.reason.setFocus()

    def _deactivate(self) -> None:
        by = _by(self.controller, self.feedback)
        if by is None:
            return
        accounts, account_id, reason = self.controller.accounts, self.account.id, self.reason.text()
        self.deactivated = self.controller.run(
            self.feedback, lambda: accounts.deactivate(by, account_id, reason), writes=True
        )
        if self.deactivated is not None:
            self.controller.staff_changed.emit()
            self.accept()

    @classmethod
    def ask(cls, controller: Controller, account: Account, parent: QWidget | None = None) -> Account | None:
        dialog = cls(controller, account, parent)
        dialog.exec()
        return dialog.deactivated


class PeopleDialog(QDialog):
    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.accounts: list[Account] = []
        self.setWindowTitle("People")
        self.setMinimumSize(1100, 560)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(label("People", role="title"))
        layout.addWidget(
            label(
                "Everyone who can sign in to Chairside at this clinic. Accounts are deactivated, never deleted: "
                "records keep the name of whoever made them.",
                role="hint",
            )
        )
        self.table = named_table("Accounts", COLUMNS)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 1)
        self.feedback = Feedback("People message")
        layout.addWidget(self.feedback)
        close = button("Close", "Close people")
        self.add = button("Add a person…", "Add a person", role="primary")
        self.reset = button("Reset password…", "Reset password")
        self.deactivate = button("Deactivate…", "Deactivate", role="danger")
        for widget in (close, self.add, self.reset, self.deactivate):
            widget.setAutoDefault(False)
        close.clicked.connect(self.accept)
        self.add.clicked.connect(self._add)
        self.reset.clicked.connect(self._reset)
        self.deactivate.clicked.connect(self._deactivate)
        layout.addLayout(_row([close, self.deactivate, self.reset, self.add]))
        self.setTabOrder(self.table, self.add)
        self.setTabOrder(self.add, self.reset)
        self.setTabOrder(self.reset, self.deactivate)
        self.setTabOrder(self.deactivate, close)
        self.refresh()
        self.table.setFocus()

    def refresh(self) -> None:
        """Re-read every account (another workstation may have changed one) and keep the selection."""
        chosen = self.selected()
        everyone = self.controller.run(self.feedback, self.controller.accounts.everyone, writes=False)
        if everyone is None:
            return
        self.accounts = everyone
        now = self.controller.now()
        self.table.setRowCount(len(everyone))
        for row, account in enumerate(everyone):
            status = "Active" if account.active else f"Deactivated {local_time(account.deactivated_at)}"
            cells = (
                account.name,
                account.username or "none yet",
                ROLE_WORDS[account.role],
                status,
                local_time(account.locked_until) if account.locked_until and account.locked_until > now else "",
                local_time(account.last_sign_in_at) if account.last_sign_in_at else "never",
                "Yes" if account.must_change_password and account.active else "",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, account.id)
                self.table.setItem(row, column, item)
        if chosen is not None:
            self.select(chosen.id)
        self._selection_changed()

    def selected(self) -> Account | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.accounts):
            return None
        return self.accounts[rows[0].row()]

    def select(self, account_id: str) -> None:
        for row, account in enumerate(self.accounts):
            if account.id == account_id:
                self.table.selectRow(row)
                return

    def _selection_changed(self) -> None:
        account = self.selected()
        usable = account is not None and account.active
        self.reset.setEnabled(usable)
        self.deactivate.setEnabled(usable)

    def _add(self) -> None:
        added = AddAccountDialog.ask(self.controller, self)
        if added is not None:
            self.refresh()
            self.select(added.id)
            self.feedback.saved(f"{added.name} added as {ROLE_WORDS[added.role].lower()}. {HANDOVER}")

    def _reset(self) -> None:
        account = self.selected()
        if account is None:
            self.feedback.ask("Choose a person in the list first.")
            return
        reset = ResetPasswordDialog.ask(self.controller, account, self)
        if reset is not None:
            self.refresh()
            self.feedback.saved(f"{reset.name}'s password was reset. {HANDOVER}")

    def _deactivate(self) -> None:
        account = self.selected()
        if account is None:
            self.feedback.ask("Choose a person in the list first.")
            return
        gone = DeactivateDialog.ask(self.controller, account, self)
        if gone is not None:
            self.refresh()
            self.feedback.saved(f"{gone.name}'s account is deactivated.")

    @classmethod
    def ask(cls, controller: Controller, parent: QWidget | None = None) -> None:
        dialog = cls(controller, parent)
        dialog.exec()
