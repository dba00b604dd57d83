"""The account dialogs driven by keyboard and mouse, checked against what the database then holds.

Each dialog is opened on its own with a Controller on the test database, the way the main window
opens it; a dialog that opens another modal one is answered through a timer, as a person would.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QTableWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from core import audit
from core.accounts import Accounts
from core.audit import AuditAction
from core.clock import ManualClock
from core.errors import NotAllowedError
from core.people import Account, Role
from core.persistence.db import Database
from core.persistence.tables import Staff
from core.settings import change_clinic_setting
from tests.helpers.people import ADMIN_PASSWORD, ANA_PASSWORD, BEN_PASSWORD, TEMPORARY_PASSWORD
from tests.helpers.window import named
from tests.ui.test_accessible_names import inside_combo, unnamed
from ui.controller import Controller
from ui.dialogs.first_admin import FirstAdministratorDialog
from ui.dialogs.password import ChangePasswordDialog, PinDialog
from ui.dialogs.people import AddAccountDialog, DeactivateDialog, PeopleDialog, ResetPasswordDialog

W = TypeVar("W", bound=QWidget)
D = TypeVar("D", bound=QDialog)
NEW_PASSWORD = "saffron bicycle glacier 63"


def signed_in(controller: Controller, username: str, password: str) -> Account:
    controller.user = controller.accounts.sign_in(username, password)
    return controller.user


def opened(qtbot: QtBot, dialog: D) -> D:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def find(root: QWidget, kind: type[W], name: str) -> W:
    found = [w for w in root.findChildren(kind) if named(w, name) and w.isVisible()]
    assert len(found) == 1, f"{len(found)} visible {kind.__name__} named {name!r}"
    return found[0]


def type_into(qtbot: QtBot, root: QWidget, name: str, text: str, *, enter: bool = False) -> None:
    field = find(root, QLineEdit, name)
    field.setFocus()
    qtbot.keyClicks(field, text)
    if enter:
        qtbot.keyClick(field, Qt.Key.Key_Return)


def click(qtbot: QtBot, root: QWidget, name: str) -> None:
    target = find(root, QAbstractButton, name)
    assert target.isEnabled(), f"{name!r} is disabled"
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton)


def message(root: QWidget, name: str) -> str:
    return find(root, QLabel, name).text()


def answer_modal(qtbot: QtBot, answer: Callable[[QDialog], None]) -> list[QDialog]:
    """Answer the next modal dialog once it is up; returns the dialogs answered (to assert it opened)."""
    seen: list[QDialog] = []

    def attempt() -> None:
        modal = QApplication.activeModalWidget()
        if not isinstance(modal, QDialog) or modal in seen:
            QTimer.singleShot(10, attempt)
            return
        seen.append(modal)
        answer(modal)

    QTimer.singleShot(0, attempt)
    return seen


def actions(database: Database) -> list[str]:
    return [entry.action for entry in reversed(audit.entries(database))]


def check_controls(dialog: QDialog) -> None:
    """Every control is named for screen readers and tests, and big enough for a gloved finger."""
    assert unnamed(dialog) == []
    small = [
        w.accessibleName()
        for kind in (QAbstractButton, QLineEdit, QComboBox)
        for w in dialog.findChildren(kind)
        if w.isVisible() and w.height() < 40 and not inside_combo(w)
    ]
    assert small == []


# ---- the first start ------------------------------------------------------------------------------


def test_the_first_administrator_is_created_from_the_keyboard(
    qtbot: QtBot, controller: Controller, database: Database
) -> None:
    assert controller.accounts.needs_first_administrator()
    dialog = opened(qtbot, FirstAdministratorDialog(controller))
    check_controls(dialog)
    with qtbot.waitSignal(controller.staff_changed):
        type_into(qtbot, dialog, "Your name", "Ada Mensah")
        type_into(qtbot, dialog, "User name", "Admin")
        type_into(qtbot, dialog, "Password", ADMIN_PASSWORD)
        type_into(qtbot, dialog, "Password again", ADMIN_PASSWORD, enter=True)
    assert dialog.result() == QDialog.DialogCode.Accepted
    created = dialog.outcome
    assert created is not None and (created.username, created.role) == ("admin", Role.ADMINISTRATOR)
    assert not controller.accounts.needs_first_administrator()
    assert controller.accounts.sign_in("admin", ADMIN_PASSWORD).id == created.id
    assert actions(database)[0] == AuditAction.ACCOUNT_ADDED


def test_a_weak_first_password_is_refused_by_the_field_and_nothing_is_created(
    qtbot: QtBot, controller: Controller
) -> None:
    dialog = opened(qtbot, FirstAdministratorDialog(controller))
    type_into(qtbot, dialog, "Your name", "Ada Mensah")
    type_into(qtbot, dialog, "User name", "admin")
    type_into(qtbot, dialog, "Password", "password123")
    type_into(qtbot, dialog, "Password again", "password123", enter=True)
    assert dialog.isVisible() and dialog.outcome is None
    assert message(dialog, "First administrator message")
    password = find(dialog, QLineEdit, "Password")
    assert password.property("invalid") is True and dialog.focusWidget() is password and password.text() == ""
    assert controller.accounts.needs_first_administrator()


def test_the_first_start_cannot_be_skipped_escape_means_quit(qtbot: QtBot, controller: Controller) -> None:
    answered = answer_modal(qtbot, lambda dialog: qtbot.keyClick(dialog, Qt.Key.Key_Escape))
    assert FirstAdministratorDialog.ask(controller) is None
    assert answered and controller.accounts.needs_first_administrator()


# ---- one's own password and PIN -------------------------------------------------------------------


@pytest.fixture
def newcomer(accounts: Accounts, admin: Account) -> Account:
    """Cleo, added by the administrator with a temporary password she has not replaced yet."""
    return accounts.add(admin.id, "Cleo Dumas", "cleo", Role.NURSE, TEMPORARY_PASSWORD)


def test_a_temporary_password_is_replaced_at_first_sign_in(
    qtbot: QtBot, controller: Controller, newcomer: Account, database: Database
) -> None:
    assert signed_in(controller, "cleo", TEMPORARY_PASSWORD).must_change_password
    dialog = opened(qtbot, ChangePasswordDialog(controller, forced=True))
    check_controls(dialog)
    type_into(qtbot, dialog, "Current password", TEMPORARY_PASSWORD)
    type_into(qtbot, dialog, "New password", NEW_PASSWORD)
    type_into(qtbot, dialog, "New password again", NEW_PASSWORD, enter=True)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert controller.user is not None and not controller.user.must_change_password
    assert controller.accounts.sign_in("cleo", NEW_PASSWORD).id == newcomer.id
    assert AuditAction.PASSWORD_CHANGED in actions(database)


def test_leaving_a_required_password_change_signs_out(
    qtbot: QtBot, controller: Controller, newcomer: Account, database: Database
) -> None:
    signed_in(controller, "cleo", TEMPORARY_PASSWORD)
    answered = answer_modal(qtbot, lambda dialog: qtbot.keyClick(dialog, Qt.Key.Key_Escape))
    assert ChangePasswordDialog.ask(controller, forced=True) is None
    assert answered and controller.user is None
    assert actions(database)[-1] == AuditAction.SIGNED_OUT
    assert controller.accounts.get(newcomer.id).must_change_password


def test_a_wrong_current_password_is_said_by_its_field(
    qtbot: QtBot, controller: Controller, nurses: tuple[Account, Account]
) -> None:
    signed_in(controller, "ana", ANA_PASSWORD)
    dialog = opened(qtbot, ChangePasswordDialog(controller))
    type_into(qtbot, dialog, "Current password", "not my password at all")
    type_into(qtbot, dialog, "New password", NEW_PASSWORD)
    type_into(qtbot, dialog, "New password again", NEW_PASSWORD)
    click(qtbot, dialog, "Change password")
    assert "current password is not right" in message(dialog, "Password change message")
    assert dialog.focusWidget() is find(dialog, QLineEdit, "Current password")
    assert all(find(dialog, QLineEdit, name).text() == "" for name in ("Current password", "New password"))
    assert controller.accounts.sign_in("ana", ANA_PASSWORD).id == nurses[0].id
    click(qtbot, dialog, "Cancel password change")
    assert dialog.result() == QDialog.DialogCode.Rejected and controller.user is not None


def test_a_pin_is_offered_only_where_the_clinic_allows_it_and_then_unlocks(
    qtbot: QtBot, controller: Controller, nurses: tuple[Account, Account], database: Database, clock: ManualClock
) -> None:
    ana = signed_in(controller, "ana", ANA_PASSWORD)
    assert not PinDialog.offered(controller)
    change_clinic_setting(
        database, "pin_unlock", True, None, "faster unlock at the chairs", clock.now(), workstation="test-ws"
    )
    assert PinDialog.offered(controller)
    dialog = opened(qtbot, PinDialog(controller))
    check_controls(dialog)
    type_into(qtbot, dialog, "Your password", ANA_PASSWORD)
    type_into(qtbot, dialog, "New PIN", "1234")
    type_into(qtbot, dialog, "New PIN again", "1234", enter=True)
    assert "first anyone would try" in message(dialog, "PIN message")
    assert find(dialog, QLineEdit, "New PIN").property("invalid") is True
    type_into(qtbot, dialog, "Your password", ANA_PASSWORD)
    type_into(qtbot, dialog, "New PIN", "4826")
    type_into(qtbot, dialog, "New PIN again", "4826", enter=True)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert controller.user is not None and controller.user.has_pin
    assert controller.accounts.unlock(ana.id, "4826").id == ana.id

    again = opened(qtbot, PinDialog(controller))
    click(qtbot, again, "Remove my PIN")
    assert again.result() == QDialog.DialogCode.Accepted
    assert not controller.accounts.get(ana.id).has_pin
    with pytest.raises(NotAllowedError):
        controller.accounts.unlock(ana.id, "4826")


# ---- the administrator's list of people -----------------------------------------------------------


def table_rows(dialog: PeopleDialog) -> list[list[str]]:
    table = find(dialog, QTableWidget, "Accounts")
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def choose_row(qtbot: QtBot, dialog: PeopleDialog, name: str) -> None:
    table = find(dialog, QTableWidget, "Accounts")
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == name)
    where = table.visualItemRect(table.item(row, 0)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert dialog.selected() is not None and dialog.selected().name == name


def test_the_list_shows_everyone_with_role_status_and_last_sign_in(
    qtbot: QtBot, controller: Controller, admin: Account, nurses: tuple[Account, Account], newcomer: Account
) -> None:
    signed_in(controller, "admin", ADMIN_PASSWORD)
    dialog = opened(qtbot, PeopleDialog(controller))
    check_controls(dialog)
    rows = {row[0]: row for row in table_rows(dialog)}
    assert set(rows) == {"Ada Mensah", "Ana Reyes", "Ben Okafor", "Cleo Dumas"}
    assert rows["Ada Mensah"][1:4] == ["admin", "Administrator", "Active"]
    assert rows["Ada Mensah"][5] != "never"
    assert rows["Cleo Dumas"][5:] == ["never", "Yes"]
    assert not find(dialog, QAbstractButton, "Deactivate").isEnabled()


def test_an_administrator_adds_a_person_who_must_then_choose_a_password(
    qtbot: QtBot, controller: Controller, admin: Account, database: Database
) -> None:
    signed_in(controller, "admin", ADMIN_PASSWORD)
    dialog = opened(qtbot, PeopleDialog(controller))

    def fill(add: QDialog) -> None:
        check_controls(add)
        type_into(qtbot, add, "Name", "Dev Patel")
        type_into(qtbot, add, "User name", "dev")
        box = find(add, QComboBox, "Role")
        box.setCurrentIndex(box.findText("Charge nurse"))
        type_into(qtbot, add, "Temporary password", TEMPORARY_PASSWORD)
        type_into(qtbot, add, "Temporary password again", TEMPORARY_PASSWORD, enter=True)

    answered = answer_modal(qtbot, fill)
    click(qtbot, dialog, "Add a person")
    assert answered and answered[0].result() == QDialog.DialogCode.Accepted
    assert "Dev Patel added as charge nurse" in message(dialog, "People message")
    assert dialog.selected() is not None and dialog.selected().name == "Dev Patel"
    dev = controller.accounts.sign_in("dev", TEMPORARY_PASSWORD)
    assert (dev.role, dev.must_change_password) == (Role.CHARGE_NURSE, True)
    added = [e for e in audit.entries(database, actor_id=admin.id) if e.action == AuditAction.ACCOUNT_ADDED]
    assert added[0].detail == {"account_id": dev.id, "role": "charge_nurse"}


def try_to_add(qtbot: QtBot, controller: Controller, name: str, username: str) -> AddAccountDialog:
    """Fill in the add-a-person dialog completely and press Enter, so only core's answer can stop it."""
    add = opened(qtbot, AddAccountDialog(controller))
    type_into(qtbot, add, "Name", name)
    type_into(qtbot, add, "User name", username)
    find(add, QComboBox, "Role").setCurrentIndex(0)
    type_into(qtbot, add, "Temporary password", TEMPORARY_PASSWORD)
    type_into(qtbot, add, "Temporary password again", TEMPORARY_PASSWORD, enter=True)
    return add


def test_a_temporary_password_typed_twice_differently_is_refused_by_the_field_and_nothing_is_added(
    qtbot: QtBot, controller: Controller, nurses: tuple[Account, Account], database: Database
) -> None:
    signed_in(controller, "admin", ADMIN_PASSWORD)
    added_before = actions(database).count(AuditAction.ACCOUNT_ADDED)
    add = opened(qtbot, AddAccountDialog(controller))
    type_into(qtbot, add, "Name", "Dev Patel")
    type_into(qtbot, add, "User name", "dev")
    find(add, QComboBox, "Role").setCurrentIndex(0)
    type_into(qtbot, add, "Temporary password", TEMPORARY_PASSWORD)
    type_into(qtbot, add, "Temporary password again", TEMPORARY_PASSWORD[:-1], enter=True)
    assert "not the same" in message(add, "Add person message")
    again = find(add, QLineEdit, "Temporary password again")
    assert again.property("invalid") is True and add.focusWidget() is again
    assert find(add, QLineEdit, "Temporary password").text() == "" and again.text() == ""
    assert add.isVisible() and add.outcome is None
    assert "dev" not in [person.username for person in controller.accounts.everyone()]
    assert actions(database).count(AuditAction.ACCOUNT_ADDED) == added_before

    reset = opened(qtbot, ResetPasswordDialog(controller, nurses[0]))
    type_into(qtbot, reset, "Temporary password", TEMPORARY_PASSWORD)
    type_into(qtbot, reset, "Temporary password again", TEMPORARY_PASSWORD.upper(), enter=True)
    assert "not the same" in message(reset, "Reset password message")
    assert reset.outcome is None
    assert controller.accounts.sign_in("ana", ANA_PASSWORD).id == nurses[0].id
    assert AuditAction.PASSWORD_RESET not in actions(database)


def test_a_taken_user_name_is_said_by_its_field(
    qtbot: QtBot, controller: Controller, nurses: tuple[Account, Account]
) -> None:
    signed_in(controller, "admin", ADMIN_PASSWORD)
    add = try_to_add(qtbot, controller, "Ana Other", "ana")
    assert "taken" in message(add, "Add person message")
    assert find(add, QLineEdit, "User name").property("invalid") is True
    assert add.outcome is None and len(controller.accounts.everyone()) == 3


def test_only_an_administrator_can_add_people(
    qtbot: QtBot, controller: Controller, nurses: tuple[Account, Account]
) -> None:
    signed_in(controller, "ana", ANA_PASSWORD)
    add = try_to_add(qtbot, controller, "Eve Stone", "eve")
    assert "Only an administrator" in message(add, "Add person message")
    assert len(controller.accounts.everyone()) == 3


def test_an_administrator_deactivates_a_person_with_a_reason(
    qtbot: QtBot, controller: Controller, nurses: tuple[Account, Account], database: Database
) -> None:
    signed_in(controller, "admin", ADMIN_PASSWORD)
    dialog = opened(qtbot, PeopleDialog(controller))
    choose_row(qtbot, dialog, "Ben Okafor")

    def confirm(deactivate: QDialog) -> None:
        check_controls(deactivate)
        click(qtbot, deactivate, "Confirm deactivation")
        assert "Enter the reason" in message(deactivate, "Deactivate message")
        type_into(qtbot, deactivate, "Reason for deactivating", "left the clinic", enter=True)

    answered = answer_modal(qtbot, confirm)
    click(qtbot, dialog, "Deactivate")
    assert answered and answered[0].result() == QDialog.DialogCode.Accepted
    ben = controller.accounts.get(nurses[1].id)
    assert not ben.active and ben.deactivated_at is not None
    assert {row[0]: row for row in table_rows(dialog)}["Ben Okafor"][3].startswith("Deactivated ")
    assert not find(dialog, QAbstractButton, "Deactivate").isEnabled()
    last = audit.entries(database, limit=1)[0]
    assert (last.action, last.detail) == (
        AuditAction.ACCOUNT_DEACTIVATED,
        {"account_id": ben.id, "reason": "left the clinic"},
    )
    with pytest.raises(NotAllowedError, match="deactivated"):
        controller.accounts.sign_in("ben", BEN_PASSWORD)


def test_an_administrator_cannot_deactivate_themselves_and_is_told_why(
    qtbot: QtBot, controller: Controller, admin: Account
) -> None:
    signed_in(controller, "admin", ADMIN_PASSWORD)
    dialog = opened(qtbot, DeactivateDialog(controller, admin))
    type_into(qtbot, dialog, "Reason for deactivating", "testing", enter=True)
    assert "cannot deactivate your own account" in message(dialog, "Deactivate message")
    assert controller.accounts.get(admin.id).active
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_a_reset_unlocks_and_sets_a_temporary_password(
    qtbot: QtBot, controller: Controller, nurses: tuple[Account, Account], database: Database
) -> None:
    ana = nurses[0]
    for _ in range(5):
        with pytest.raises(NotAllowedError):
            controller.accounts.sign_in("ana", "wrong guess every time")
    signed_in(controller, "admin", ADMIN_PASSWORD)
    dialog = opened(qtbot, PeopleDialog(controller))
    assert {row[0]: row for row in table_rows(dialog)}["Ana Reyes"][4] != ""
    choose_row(qtbot, dialog, "Ana Reyes")

    def reset(answer: QDialog) -> None:
        check_controls(answer)
        assert not [w for w in answer.findChildren(QLineEdit) if w.accessibleName() == "User name"]
        type_into(qtbot, answer, "Temporary password", TEMPORARY_PASSWORD)
        type_into(qtbot, answer, "Temporary password again", TEMPORARY_PASSWORD, enter=True)

    answered = answer_modal(qtbot, reset)
    click(qtbot, dialog, "Reset password")
    assert answered and answered[0].result() == QDialog.DialogCode.Accepted
    assert "password was reset" in message(dialog, "People message")
    again = controller.accounts.sign_in("ana", TEMPORARY_PASSWORD)
    assert again.id == ana.id and again.must_change_password
    assert {row[0]: row for row in table_rows(dialog)}["Ana Reyes"][4] == ""
    assert AuditAction.PASSWORD_RESET in actions(database)


def test_a_reset_gives_a_user_name_to_someone_recorded_before_sign_in_existed(
    qtbot: QtBot, controller: Controller, admin: Account, database: Database, clock: ManualClock
) -> None:
    legacy = str(uuid.uuid4())
    with database.transaction() as tx:
        tx.add(Staff(id=legacy, display_name="Fay Olsen", role="nurse", created_at=clock.now()))
    signed_in(controller, "admin", ADMIN_PASSWORD)
    dialog = opened(qtbot, ResetPasswordDialog(controller, controller.accounts.get(legacy)))
    check_controls(dialog)
    type_into(qtbot, dialog, "Temporary password", TEMPORARY_PASSWORD)
    type_into(qtbot, dialog, "Temporary password again", TEMPORARY_PASSWORD, enter=True)
    assert "has no user name yet" in message(dialog, "Reset password message")
    assert dialog.focusWidget() is find(dialog, QLineEdit, "User name")
    type_into(qtbot, dialog, "User name", "fay")
    type_into(qtbot, dialog, "Temporary password", TEMPORARY_PASSWORD)
    type_into(qtbot, dialog, "Temporary password again", TEMPORARY_PASSWORD, enter=True)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert controller.accounts.sign_in("fay", TEMPORARY_PASSWORD).id == legacy


def test_tab_walks_the_first_start_form_in_reading_order(qtbot: QtBot, controller: Controller) -> None:
    dialog = opened(qtbot, FirstAdministratorDialog(controller))
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    walked = [dialog.focusWidget().accessibleName()]
    for _ in range(5):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        walked.append(dialog.focusWidget().accessibleName())
    assert walked == ["Your name", "User name", "Password", "Password again", "Create administrator", "Quit Chairside"]
