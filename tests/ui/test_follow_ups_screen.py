"""The follow-up list on screen: reached by a charge nurse from the menu, filtered by large buttons with a
count each, a contact route recorded from a row (the row refreshed and still chosen), and printed through
the print preview; each reading audited."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QDialog, QLineEdit, QTableWidget
from pytestqt.qtbot import QtBot

from core import audit
from core.accounts import Accounts
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.people import Account, Role
from core.persistence.db import Database
from tests.helpers.people import TEMPORARY_PASSWORD
from tests.helpers.window import Nurse
from tests.test_day_log import HELEN_PASSWORD
from tests.test_follow_ups_pdf import clinic_with_follow_ups
from tests.ui.test_account_dialogs import answer_modal, check_controls, click, find
from tests.ui.test_day_log_screen import charge_nurse_on_duty
from ui.dialogs.follow_ups import FollowUpsDialog
from ui.dialogs.outcome_forms import OutcomeFormsDialog
from ui.dialogs.print_preview import PreviewDialog
from ui.main_window import MainWindow


@pytest.fixture
def helen(accounts: Accounts, admin: Account) -> Account:
    added = accounts.add(admin.id, "Helen Achterberg", "helen", Role.CHARGE_NURSE, TEMPORARY_PASSWORD)
    return accounts.change_password(added.id, TEMPORARY_PASSWORD, HELEN_PASSWORD, HELEN_PASSWORD)


@pytest.fixture
def follow_ups(care: Care, nurses, clock: ManualClock, helen: Account) -> None:
    """Day 95: Ama's 3 months overdue, Bo's done by phone, Cy's second course's end of course missed."""
    clinic_with_follow_ups(care, nurses, clock)


def rows(dialog: FollowUpsDialog) -> list[list[str]]:
    table = find(dialog, QTableWidget, "Follow-ups")
    # As read: a phone number's spaces are kept from breaking (``unbroken_number``) and look like any other.
    return [
        [table.item(r, c).text().replace("\u00a0", " ") for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def readings(database: Database) -> list[dict]:
    return [e.detail for e in audit.entries(database) if e.action == AuditAction.FOLLOW_UPS_VIEWED]


def opened(qtbot: QtBot, window: MainWindow) -> FollowUpsDialog:
    dialog = FollowUpsDialog(window.controller, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_only_a_charge_nurse_has_the_list_in_her_menu(
    qtbot: QtBot, window: MainWindow, nurse: Nurse, nurses, follow_ups
) -> None:
    nurse.on_duty(nurses[0])
    assert nurse.entry("Menu", "Follow-ups due") is None
    charge_nurse_on_duty(nurse)
    seen: list[QDialog] = []

    def look(modal: QDialog) -> None:
        seen.append(modal)
        modal.reject()

    answer_modal(qtbot, look)
    nurse.pick("Menu", "Follow-ups due")
    assert len(seen) == 1 and isinstance(seen[0], FollowUpsDialog)


def test_the_filter_shows_each_status_with_its_count(
    qtbot: QtBot, window: MainWindow, nurse: Nurse, database: Database, follow_ups
) -> None:
    charge_nurse_on_duty(nurse)
    dialog = opened(qtbot, window)
    check_controls(dialog)
    assert [(r[0], r[1], r[3], r[4]) for r in rows(dialog)] == [
        ("▲ Overdue", "OSEI, Ama", "1", "3 months"),
        ("✕ Missed", "DAHL, Cy", "2", "End of course"),
        ("✓ Done", "BERG, Bo", "1", "3 months"),
    ]
    assert rows(dialog)[0][5:7] == ["window closes in 26 days", "+1 216 555 0142 (phone call) — Mornings"]
    assert rows(dialog)[1][6] == "no contact route recorded — ask at the next visit"
    shown = [b.text().replace("\n", " ") for b in dialog.filter.buttons.values()]
    assert shown == ["All 3", "▲ Overdue 1", "● Due 0", "○ Upcoming 0", "✕ Missed 1", "✓ Done 1"]
    assert all(b.height() >= 64 for b in dialog.filter.buttons.values())
    assert len(readings(database)) == 1

    find(dialog, QTableWidget, "Follow-ups").selectRow(0)
    whole = find(dialog, type(dialog.heading), "Chosen follow-up").text()
    assert whole.startswith("OSEI, Ama · MRN MRN-1 · born 1975-06-01 — 3 months of course 1: window ")
    assert "; overdue, window closes in 26 days." in whole and whole.endswith(
        "How to reach: +1 216 555 0142 (phone call) — Mornings"
    )
    click(qtbot, dialog, "Show Missed, 1")
    assert [r[1] for r in rows(dialog)] == ["DAHL, Cy"]
    assert find(dialog, type(dialog.heading), "Follow-ups shown").text().startswith("Missed follow-ups on ")
    click(qtbot, dialog, "Show Due, 0")
    assert rows(dialog) == [] and dialog.heading.text().endswith("(0): none")
    click(qtbot, dialog, "Show Due, 0")  # the chosen one tapped again: everything again
    assert len(rows(dialog)) == 3 and dialog.filter.value() == "all"
    assert len(readings(database)) == 1  # filtering reads nothing again


def test_a_contact_recorded_from_a_row_refreshes_it_and_keeps_it_chosen(
    qtbot: QtBot, window: MainWindow, nurse: Nurse, database: Database, care: Care, follow_ups, helen: Account
) -> None:
    charge_nurse_on_duty(nurse)
    dialog = opened(qtbot, window)
    record = find(dialog, type(dialog.print_button), "Record how to reach the chosen patient")
    assert not record.isEnabled()  # no row chosen yet
    click(qtbot, dialog, "Show Done, 1")
    find(dialog, QTableWidget, "Follow-ups").selectRow(0)  # Bo

    def answer(modal: QDialog) -> None:
        assert "BERG, Bo · MRN MRN-2" in " ".join(w.text() for w in modal.findChildren(type(dialog.heading)))
        check_controls(modal)
        find(modal, QLineEdit, "Phone number").setText("(216) 555-0199")
        click(qtbot, modal, "Preferred way Text message")
        find(modal, QLineEdit, "Contact note").setText("After 6 pm")
        click(qtbot, modal, "Record the contact route")

    answered = answer_modal(qtbot, answer)
    click(qtbot, dialog, "Record how to reach the chosen patient")
    assert answered
    assert [r[6] for r in rows(dialog)] == ["(216) 555-0199 (text message) — After 6 pm"]
    assert dialog.chosen() is not None and dialog.chosen().patient.mrn == "MRN-2"  # type: ignore[union-attr]
    assert dialog.filter.value() == "done"  # still the status she chose
    assert care.contact_route(dialog.chosen().patient.patient_id).recorded_by == "Helen Achterberg"  # type: ignore[union-attr]
    assert "Recorded for BERG, Bo" in find(dialog, type(dialog.heading), "Follow-ups message").text()
    assert len(readings(database)) == 2  # read again after the change


def test_a_wrong_number_is_said_by_its_field_and_nothing_is_recorded(
    qtbot: QtBot, window: MainWindow, nurse: Nurse, care: Care, follow_ups
) -> None:
    charge_nurse_on_duty(nurse)
    dialog = opened(qtbot, window)
    find(dialog, QTableWidget, "Follow-ups").selectRow(1)  # Cy, no route yet
    said: list[str] = []

    def answer(modal: QDialog) -> None:
        find(modal, QLineEdit, "Phone number").setText("call me")
        click(qtbot, modal, "Preferred way Phone call")
        click(qtbot, modal, "Record the contact route")
        said.append(find(modal, type(dialog.heading), "Contact message").text())
        modal.reject()

    answer_modal(qtbot, answer)
    click(qtbot, dialog, "Record how to reach the chosen patient")
    assert "is not a phone number" in said[0]
    assert rows(dialog)[1][6] == "no contact route recorded — ask at the next visit"


def test_printing_goes_through_the_preview_as_filtered(
    qtbot: QtBot, window: MainWindow, nurse: Nurse, follow_ups
) -> None:
    charge_nurse_on_duty(nurse)
    dialog = opened(qtbot, window)
    click(qtbot, dialog, "Show Overdue, 1")
    built = dialog.printout()
    assert built is not None
    title, pdf, output = built
    words = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages)
    assert "OSEI, Ama" in words and "BERG, Bo" not in words and "by Helen Achterberg" in words
    day = dialog.found.on.isoformat()  # type: ignore[union-attr]
    assert (title, output.document) == (f"Follow-ups due {day}", f"follow-ups due {day} (overdue only), PDF")

    previews: list[QDialog] = []

    def close_preview(modal: QDialog) -> None:
        previews.append(modal)
        modal.reject()

    answer_modal(qtbot, close_preview)
    click(qtbot, dialog, "Print the follow-up list")
    assert len(previews) == 1 and isinstance(previews[0], PreviewDialog)


def test_answers_taken_by_phone_from_an_overdue_row_make_it_done(
    qtbot: QtBot, window: MainWindow, nurse: Nurse, care: Care, follow_ups
) -> None:
    charge_nurse_on_duty(nurse)
    dialog = opened(qtbot, window)
    find(dialog, QTableWidget, "Follow-ups").selectRow(0)  # Ama, 3 months overdue

    def answer(modal: QDialog) -> None:
        assert isinstance(modal, OutcomeFormsDialog) and modal.mode.value() == "phone"
        for item in ("PAININ9", "PAININ22", "PAININ31", "PAININ34"):
            click(qtbot, modal, f"{item} 2")
        modal.save.click()
        modal.save_anyway.click()  # the other forms were not asked
        modal.reject()

    answered = answer_modal(qtbot, answer)
    click(qtbot, dialog, "Record the chosen patient's answers to the outcome forms")
    assert answered
    (taken,) = care.assessments(dialog.chosen().patient.patient_id)  # type: ignore[union-attr]
    assert (taken.mode, taken.time_point) == ("phone", "3m")
    shown = [(r[0], r[1]) for r in rows(dialog)]
    assert ("✓ Done", "OSEI, Ama") in shown and ("▲ Overdue", "OSEI, Ama") not in shown
