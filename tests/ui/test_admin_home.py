"""An administrator's first screen: no patients, and the first job of a new clinic, adding the nurses."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QLabel
from pytestqt.qtbot import QtBot

from core import audit
from core.audit import AuditAction
from core.people import Account, Role
from core.persistence.db import Database
from core.startup import Workplace
from tests.helpers.people import ADMIN_PASSWORD, TEMPORARY_PASSWORD
from tests.helpers.window import Nurse, open_window
from tests.ui.test_account_dialogs import find, type_into
from ui.dialogs.first_admin import FirstAdministratorDialog
from ui.dialogs.people import AddAccountDialog, PeopleDialog
from ui.main_window import MainWindow


def when_up(qtbot: QtBot, kind: type[QDialog], answer: Callable[[QDialog], None]) -> list[QDialog]:
    """Answer the modal dialog of ``kind`` once it is the one in front; returns those answered."""
    seen: list[QDialog] = []

    def attempt() -> None:
        modal = QApplication.activeModalWidget()
        if not isinstance(modal, kind) or not modal.isVisible():
            QTimer.singleShot(10, attempt)
            return
        seen.append(modal)
        answer(modal)

    QTimer.singleShot(0, attempt)
    return seen


def test_an_administrator_lands_on_add_nurses_which_adds_a_nurse(
    qtbot: QtBot, nurse: Nurse, window: MainWindow, admin: Account, database: Database
) -> None:
    nurse.on_duty(admin)
    add_nurses = nurse.find(QLabel, "People who record care")
    assert add_nurses.text().startswith("2 people")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.no_care.add_nurses, timeout=2000)
    assert nurse.sees("No care with this account")

    def fill(add: QDialog) -> None:
        assert find(add, QComboBox, "Role").currentData() == Role.NURSE  # ready for a nurse
        type_into(qtbot, add, "Name", "Dev Patel")
        type_into(qtbot, add, "User name", "dev")
        type_into(qtbot, add, "Temporary password", TEMPORARY_PASSWORD)
        type_into(qtbot, add, "Temporary password again", TEMPORARY_PASSWORD, enter=True)

    added = when_up(qtbot, AddAccountDialog, fill)
    closed = when_up(qtbot, PeopleDialog, lambda people: QTimer.singleShot(50, people.accept))
    nurse.click("Add nurses")
    assert added and closed and added[0].result() == QDialog.DialogCode.Accepted
    assert "Dev Patel added as nurse" in closed[0].feedback.text()
    dev = window.controller.accounts.sign_in("dev", TEMPORARY_PASSWORD)
    assert (dev.role, dev.must_change_password) == (Role.NURSE, True)
    entry = next(e for e in audit.entries(database, actor_id=admin.id) if e.action == AuditAction.ACCOUNT_ADDED)
    assert entry.detail == {"account_id": dev.id, "role": "nurse"}
    assert nurse.text("People who record care").startswith("3 people")


def test_the_first_administrator_is_signed_in_onto_add_nurses(
    qtbot: QtBot, workplace: Workplace, database: Database
) -> None:
    window = open_window(qtbot, workplace)
    nurse = Nurse(qtbot, window)

    def create(first: QDialog) -> None:
        type_into(qtbot, first, "Your name", "Ada Mensah")
        type_into(qtbot, first, "User name", "admin")
        type_into(qtbot, first, "Password", ADMIN_PASSWORD)
        type_into(qtbot, first, "Password again", ADMIN_PASSWORD, enter=True)

    answered = when_up(qtbot, FirstAdministratorDialog, create)
    nurse.click("Set up the first administrator…")
    assert answered
    user = window.controller.user
    assert user is not None and user.role is Role.ADMINISTRATOR and not window.controller.locked
    assert window.screens.currentWidget() is window.work
    assert nurse.text("People who record care").startswith("Nobody can record care yet")
    window.activateWindow()  # the offscreen platform does not hand activation back by itself
    qtbot.waitActive(window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.no_care.add_nurses, timeout=2000)
    assert AuditAction.SIGNED_IN in [e.action for e in audit.entries(database, actor_id=user.id)]
