"""The administrator's list of accounts: add a person, reset a password, deactivate an account.

An administrator types a temporary password and hands it over in person; its owner must replace it at
the first sign-in, so the administrator never knows a password that signs records. Accounts are
deactivated, never deleted, because records keep the name of whoever made them. Whether an action
is allowed is core's decision; refusals appear in the dialog's message line.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from core.people import ROLE_WORDS, Account, Role
from ui.controller import Controller
from ui.dialogs.base import AccountDialog, Dialog, tab_order
from ui.style import BACKGROUND, INK, LINE, PAPER, TARGET
from ui.widgets.forms import button, combo, label, line_edit, password_field

TABLE_SHEET = f"""
QTableView {{ background: {PAPER}; gridline-color: {LINE}; selection-background-color: #cfe0f3;
    selection-color: {INK}; }}
QTableView::item {{ padding: 4px 10px; }}
QHeaderView::section {{ background: {BACKGROUND}; border: none; border-right: 1px solid {LINE};
    border-bottom: 1px solid {LINE}; padding: 6px 10px; font-weight: 600; }}
"""
"""Room around each cell's text, so neighbouring columns never run together."""

COLUMNS = ("Name", "User name", "Role", "Status", "Locked until", "Last sign-in", "Temporary password")
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


ADMINISTRATOR_FIRST = "Sign in as an administrator first."
"""Only the prompt: core checks the role again whoever is signed in."""


def temporary_password_fields() -> tuple[QLineEdit, QLineEdit]:
    """The temporary password and the same again: the new person will type it herself, so a typo made
    here (masked, unseen) would lock her out before she ever signs in."""
    return password_field("Temporary password"), password_field("Temporary password again")


class AddAccountDialog(AccountDialog):
    def __init__(self, controller: Controller, parent: QWidget | None = None, role: Role | None = None) -> None:
        """``role``: chosen already when the administrator came to add people of that role."""
        super().__init__(controller, parent, "Add a person", width=620)
        self.explain(HANDOVER, role="hint")
        self.name = line_edit("Name", "As it should appear on records")
        self.username = line_edit("User name", "e.g. ana.reyes")
        self.role = combo("Role", [(ROLE_WORDS[role], role) for role in Role], placeholder="Choose a role")
        if role is not None:
            self.role.setCurrentIndex(self.role.findData(role))
        self.password, self.repeat = temporary_password_fields()
        self.add_form(
            "Add person message",
            [
                ("Name", self.name, "name"),
                ("User name", self.username, "username"),
                ("Role", self.role, "role"),
                ("Temporary password", self.password, "temporary_password"),
                ("Temporary password again", self.repeat, "repeat"),
            ],
            self._add,
        )
        cancel = button("Cancel", "Cancel adding")
        add = button("Add person", role="primary")
        self.add_leave_and_act(cancel, add, self._add)
        tab_order(self.name, self.username, self.role, self.password, self.repeat, add, cancel)
        self.name.setFocus()

    def _add(self) -> None:
        accounts = self.controller.accounts
        name, username = self.name.text(), self.username.text()
        password, repeat = self.password.text(), self.repeat.text()
        role = self.role.currentData() or ""
        self.submit_as(
            ADMINISTRATOR_FIRST,
            lambda by: accounts.add(by, name, username, role, password, repeat),
            [self.password, self.repeat],
        )

    @classmethod
    def ask(cls, controller: Controller, parent: QWidget | None = None, role: Role | None = None) -> Account | None:
        return cls(controller, parent, role).answer()


class ResetPasswordDialog(AccountDialog):
    """A forgotten password or a lock-out. Staff recorded before sign-in existed get a user name here."""

    def __init__(self, controller: Controller, account: Account, parent: QWidget | None = None) -> None:
        super().__init__(
            controller, parent, "Reset a password", heading=f"Reset the password of {account.name}", width=620
        )
        self.account = account
        self.explain("The account is unlocked and any unlock PIN is removed. " + HANDOVER, role="hint")
        self.password, self.repeat = temporary_password_fields()
        self.username: QLineEdit | None = None
        if account.username is None:
            self.explain(f"{account.name} has no user name yet: give one now.")
            self.username = line_edit("User name", "e.g. ana.reyes")
            user_name: tuple[str, QWidget, str | None] = ("User name", self.username, "username")
        else:
            user_name = ("User name", label(account.username, name="User name of the account"), None)
        self.add_form(
            "Reset password message",
            [
                user_name,
                ("Temporary password", self.password, "temporary_password"),
                ("Temporary password again", self.repeat, "repeat"),
            ],
            self._reset,
        )
        cancel = button("Cancel", "Cancel reset")
        save = button("Reset password", role="primary")
        self.add_leave_and_act(cancel, save, self._reset)
        tab_order(*[field for field in (self.username, self.password, self.repeat) if field is not None], save, cancel)
        (self.username or self.password).setFocus()

    def _reset(self) -> None:
        accounts, account_id = self.controller.accounts, self.account.id
        username = self.username.text() if self.username is not None else None
        password, repeat = self.password.text(), self.repeat.text()
        self.submit_as(
            ADMINISTRATOR_FIRST,
            lambda by: accounts.reset_password(by, account_id, password, username=username, repeat=repeat),
            [self.password, self.repeat],
        )

    @classmethod
    def ask(cls, controller: Controller, account: Account, parent: QWidget | None = None) -> Account | None:
        return cls(controller, account, parent).answer()


class DeactivateDialog(AccountDialog):
    """Asks why, and is itself the confirmation: its action button names the person."""

    def __init__(self, controller: Controller, account: Account, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent, "Deactivate an account", heading=f"Deactivate {account.name}?", width=620)
        self.account = account
        self.explain(
            f"{account.name} will no longer be able to sign in, sign or check doses. Their records stay "
            "as they are, under their name. This cannot be undone: if they return, add a new account."
        )
        self.reason = line_edit("Reason for deactivating", "e.g. left the clinic on 2026-11-30")
        self.add_form("Deactivate message", [("Reason", self.reason, "reason")], self._deactivate)
        cancel = button("Keep the account", "Keep the account")
        confirm = button(f"Deactivate {account.name}", "Confirm deactivation", role="danger")
        self.add_leave_and_act(cancel, confirm, self._deactivate)
        tab_order(self.reason, confirm, cancel)
        self.reason.setFocus()

    def _deactivate(self) -> None:
        accounts, account_id, reason = self.controller.accounts, self.account.id, self.reason.text()
        self.submit_as(ADMINISTRATOR_FIRST, lambda by: accounts.deactivate(by, account_id, reason))

    @classmethod
    def ask(cls, controller: Controller, account: Account, parent: QWidget | None = None) -> Account | None:
        return cls(controller, account, parent).answer()


class PeopleDialog(Dialog):
    def __init__(self, controller: Controller, parent: QWidget | None = None, adding: Role | None = None) -> None:
        """``adding``: the administrator came to add people of this role; each "Add a person" starts with it."""
        super().__init__(controller, parent, "People", width=980, height=560)
        self.accounts: list[Account] = []
        self.adding = adding
        self.explain(
            "Everyone who can sign in to Chairside at this clinic. Accounts are deactivated, never deleted: "
            "records keep the name of whoever made them.",
            role="hint",
        )
        self.table = named_table("Accounts", COLUMNS)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.column.addWidget(self.table, 1)
        self.column.addWidget(self.message_line("People message"))
        close = button("Close", "Close people")
        self.add = button("Add a person…", "Add a person", role="primary")
        self.reset = button("Reset password…", "Reset password")
        self.deactivate = button("Deactivate…", "Deactivate", role="danger")
        close.clicked.connect(self.accept)
        self.add.clicked.connect(self._add)
        self.reset.clicked.connect(self._reset)
        self.deactivate.clicked.connect(self._deactivate)
        self.add_buttons([close], [self.deactivate, self.reset, self.add])
        tab_order(self.table, self.add, self.reset, self.deactivate, close)
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
        added = AddAccountDialog.ask(self.controller, self, self.adding)
        if added is not None:
            self.refresh()
            self.select(added.id)
            self.feedback.saved(f"{added.name} added as {ROLE_WORDS[added.role].lower()}. {HANDOVER}")
            self.add.setFocus()  # the next person is one Enter or tap away

    def _reset(self) -> None:
        self._change_chosen(ResetPasswordDialog.ask, lambda reset: f"{reset.name}'s password was reset. {HANDOVER}")

    def _deactivate(self) -> None:
        self._change_chosen(DeactivateDialog.ask, lambda gone: f"{gone.name}'s account is deactivated.")

    def _change_chosen(
        self, ask: Callable[[Controller, Account, QWidget], Account | None], saying: Callable[[Account], str]
    ) -> None:
        """Open ``ask`` on the person chosen in the list; after a change, re-read the list and say ``saying``."""
        account = self.selected()
        if account is None:
            self.feedback.ask("Choose a person in the list first.")
            return
        changed = ask(self.controller, account, self)
        if changed is not None:
            self.refresh()
            self.feedback.saved(saying(changed))

    @classmethod
    def ask(cls, controller: Controller, parent: QWidget | None = None, adding: Role | None = None) -> None:
        """``adding``: open straight on adding a person of that role, over the list they join."""
        dialog = cls(controller, parent, adding)
        if adding is not None:
            QTimer.singleShot(0, dialog._add)  # once the list is up, so the new person is seen joining it
        dialog.exec()
