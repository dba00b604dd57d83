"""The audit window: filtered reading (itself recorded), refusals shown, and the chain check."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QTableWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from core import audit
from core.accounts import Accounts
from core.audit import AuditAction
from core.care import Care
from core.people import Account, Role
from core.persistence.db import Database
from core.views import PatientView
from tests.helpers.people import ADMIN_PASSWORD, ANA_PASSWORD, TEMPORARY_PASSWORD
from tests.ui.test_account_dialogs import check_controls, click, find, opened, signed_in, type_into
from ui.controller import Controller
from ui.dialogs.audit_view import AuditDialog

CLEO_PASSWORD = "marble falcon ginger 27"


@pytest.fixture
def charge_nurse(accounts: Accounts, admin: Account) -> Account:
    """Cleo, a charge nurse who has chosen her own password."""
    added = accounts.add(admin.id, "Cleo Dumas", "cleo", Role.CHARGE_NURSE, TEMPORARY_PASSWORD)
    return accounts.change_password(added.id, TEMPORARY_PASSWORD, CLEO_PASSWORD, CLEO_PASSWORD)


def rows(dialog: AuditDialog) -> list[list[str]]:
    table = find(dialog, QTableWidget, "Audit entries")
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def views(database: Database) -> list[audit.AuditRecord]:
    return [e for e in audit.entries(database) if e.action == AuditAction.AUDIT_VIEWED]


def test_a_charge_nurse_reads_the_trail_and_the_reading_is_recorded(
    qtbot: QtBot,
    controller: Controller,
    database: Database,
    charge_nurse: Account,
    nurses: tuple[Account, Account],
    patient: PatientView,
    care: Care,
) -> None:
    cleo = signed_in(controller, "cleo", CLEO_PASSWORD)
    care.record_view(nurses[1].id, patient.id)
    dialog = opened(qtbot, AuditDialog(controller))
    check_controls(dialog)
    shown = rows(dialog)
    assert shown[0][1:4] == ["Ben Okafor (ben)", "Opened a patient's record", "LINDQVIST, Maja (MRN-1001)"]
    assert find(dialog, QLabel, "Entries shown").text() == f"{len(shown)} entries."
    assert [v.actor_id for v in views(database)] == [cleo.id]

    type_into(qtbot, dialog, "Patient MRN", "MRN-1001")
    type_into(qtbot, dialog, "User name", "ben", enter=True)
    assert [row[2] for row in rows(dialog)] == ["Opened a patient's record"]
    newest = views(database)[0]
    assert (newest.patient_id, newest.detail) == (patient.id, {"mrn": "MRN-1001", "username": "ben", "lines_shown": 1})

    type_into(qtbot, dialog, "Date", "2026-11-27")
    click(qtbot, dialog, "Show entries")
    assert rows(dialog) == []
    assert find(dialog, QLabel, "Entries shown").text() == "No entries match these filters."


def test_a_malformed_date_is_said_by_its_field_and_the_old_lines_go(
    qtbot: QtBot, controller: Controller, database: Database, admin: Account
) -> None:
    signed_in(controller, "admin", ADMIN_PASSWORD)
    dialog = opened(qtbot, AuditDialog(controller))
    assert rows(dialog)
    type_into(qtbot, dialog, "Date", "26/11/2026", enter=True)
    assert "is not a date" in find(dialog, QLabel, "Audit message").text()
    day = find(dialog, QLineEdit, "Date")
    assert day.property("invalid") is True and dialog.focusWidget() is day
    assert rows(dialog) == [] and find(dialog, QLabel, "Entries shown").text() == ""
    assert len(views(database)) == 1


def test_a_nurse_is_told_the_trail_is_not_for_her_and_nothing_is_recorded(
    qtbot: QtBot, controller: Controller, database: Database, nurses: tuple[Account, Account]
) -> None:
    signed_in(controller, "ana", ANA_PASSWORD)
    dialog = opened(qtbot, AuditDialog(controller))
    assert "Only charge nurses and administrators" in find(dialog, QLabel, "Audit message").text()
    assert rows(dialog) == [] and views(database) == []


def test_verify_says_the_trail_is_whole_or_names_the_first_broken_entry(
    qtbot: QtBot, controller: Controller, database: Database, admin: Account, nurses: tuple[Account, Account]
) -> None:
    signed_in(controller, "admin", ADMIN_PASSWORD)
    dialog = opened(qtbot, AuditDialog(controller))
    click(qtbot, dialog, "Verify the trail")
    verdict = find(dialog, QLabel, "Trail check result")
    count = audit.verify(database).entries
    assert verdict.text() == f"The trail is whole: {count} entries checked, none changed or removed."
    with database.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_entry_no_update"))
        conn.execute(text("UPDATE audit_entry SET workstation = 'elsewhere' WHERE seq = 3"))
    click(qtbot, dialog, "Verify the trail")
    assert verdict.text().startswith("The trail is broken at entry 3: entry 3 was changed after it was written.")
    assert verdict.property("tone") == "error"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
