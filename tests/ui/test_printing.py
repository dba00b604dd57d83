"""Printing as a nurse does it, through a real print system (a private CUPS scheduler): the preview names
the printer and says before Print whether a copy would come out; the PDF itself goes to the queue on the
clinic's paper; the job is followed and its outcome told and audited; a copy that did not print raises a
notice that stays until acknowledged. Nothing here stands in for the print system."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from core import audit
from core.audit import AuditAction
from core.people import Account
from core.persistence.db import Database
from core.reports.output import page_count
from tests.helpers.window import Nurse
from tests.print_system import QUEUE, PrivateCups
from tests.ui.test_account_dialogs import click, find, opened
from tests.ui.test_print_preview import preview
from ui.controller import Controller
from ui.dialogs.print_preview import NO_PRINTER, PreviewDialog
from ui.main_window import MainWindow
from ui.printouts import Printouts

pytestmark = pytest.mark.cups


def lines(database: Database, action: AuditAction) -> list[audit.AuditRecord]:
    return [entry for entry in audit.entries(database) if entry.action == action]


def followed_until(qtbot: QtBot, controller: Controller, done) -> None:
    """The window asks each second; here the test asks until the print system has told."""

    def told() -> bool:
        controller.prints.follow()
        return done()

    qtbot.waitUntil(told, timeout=30_000)


def test_a_copy_goes_to_the_ready_printer_as_its_pdf_on_the_clinics_paper_and_its_outcome_is_audited(
    qtbot: QtBot, controller: Controller, ana: Account, database: Database, cups: PrivateCups
) -> None:
    dialog = preview(qtbot, controller)
    assert find(dialog, QComboBox, "Printer").currentText() == f"{QUEUE} — ready"
    assert find(dialog, QLabel, "Printer state").text().startswith("Ready: the pages go out as they are here")
    click(qtbot, dialog, "Print")
    said = find(dialog, QLabel, "Print message").text()
    assert said.startswith(f"Sent to {QUEUE} as job ") and "on A4 paper" in said
    followed_until(qtbot, controller, lambda: "has printed" in find(dialog, QLabel, "Print message").text())
    pages, size, text = cups.printed()
    assert (pages, size) == (page_count(dialog.pdf), "595 x 842 pts (A4)")  # the queue's own paper is Letter
    assert "Downtime" in text  # vector pages with their text, not pictures of them
    (sent,) = lines(database, AuditAction.EXPORTED)
    assert (sent.actor_id, sent.detail["to"], sent.detail["paper"]) == (ana.id, QUEUE, "A4")
    assert sent.detail["pages"] == pages and sent.detail["job"] > 0
    (outcome,) = lines(database, AuditAction.PRINT_OUTCOME)
    assert (outcome.detail["job"], outcome.detail["outcome"]) == (sent.detail["job"], "printed")
    assert outcome.actor_id == ana.id


def test_a_paused_printer_is_said_before_print_and_a_copy_left_waiting_raises_a_notice_until_acknowledged(
    qtbot: QtBot, nurse: Nurse, window: MainWindow, nurses, database: Database, cups: PrivateCups
) -> None:
    nurse.on_duty(nurses[0])
    cups.command("cupsdisable", "-r", "paper jam in tray 2", QUEUE)
    built = Printouts(window.controller, window).downtime_printout()
    assert built is not None
    dialog = opened(qtbot, PreviewDialog(window.controller, window, *built))
    state = find(dialog, QLabel, "Printer state").text()
    assert "is paused (paper jam in tray 2): a copy sent now would wait" in state
    click(qtbot, dialog, "Print")  # she may send it anyway: it waits in the queue, and is followed

    def noticed() -> bool:
        window.tick.timeout.emit()
        return window.print_notice.isVisible()

    qtbot.waitUntil(noticed, timeout=30_000)
    words = window.print_notice_text.text()
    assert "did not print: waiting: the printer is paused (paper jam in tray 2)" in words
    assert "did not print" in find(dialog, QLabel, "Print message").text()
    (outcome,) = lines(database, AuditAction.PRINT_OUTCOME)
    assert outcome.detail["outcome"].startswith("waiting: the printer is paused")
    window.tick.timeout.emit()
    assert window.print_notice.isVisible()  # it stays until someone has read it
    acknowledge = next(b for b in window.print_notice.findChildren(QPushButton) if b.text() == "Acknowledge")
    acknowledge.click()
    assert not window.print_notice.isVisible()


def test_a_printer_refusing_copies_cannot_be_printed_to_and_nothing_is_recorded(
    qtbot: QtBot, controller: Controller, ana: Account, database: Database, cups: PrivateCups
) -> None:
    cups.command("cupsreject", "-r", "moved to the ward office", QUEUE)
    dialog = preview(qtbot, controller)
    assert find(dialog, QComboBox, "Printer").currentText() == f"{QUEUE} — not taking copies"
    assert "not taking copies (moved to the ward office)" in find(dialog, QLabel, "Printer state").text()
    assert not find(dialog, QPushButton, "Print").isEnabled()
    assert find(dialog, QPushButton, "Save as PDF").isEnabled()
    assert lines(database, AuditAction.EXPORTED) == []


def test_a_printer_removed_after_the_preview_opened_is_said_at_print_and_nothing_is_recorded(
    qtbot: QtBot, controller: Controller, ana: Account, database: Database, cups: PrivateCups
) -> None:
    dialog = preview(qtbot, controller)
    cups.command("lpadmin", "-x", QUEUE)
    click(qtbot, dialog, "Print")
    assert find(dialog, QLabel, "Print message").text() == NO_PRINTER
    assert not find(dialog, QPushButton, "Print").isEnabled()
    assert lines(database, AuditAction.EXPORTED) == []


def test_without_a_running_print_system_the_preview_says_so_and_offers_the_pdf(
    qtbot: QtBot, controller: Controller, ana: Account, database: Database
) -> None:
    dialog = preview(qtbot, controller)  # no scheduler answers at this computer's print-system address
    state = find(dialog, QLabel, "Printer state").text()
    assert state.startswith("The print system (CUPS at ") and "did not answer" in state and "save as PDF" in state
    assert not [box for box in dialog.findChildren(QComboBox) if box.isVisible()]
    assert not find(dialog, QPushButton, "Print").isEnabled()
    assert find(dialog, QPushButton, "Save as PDF").isEnabled()
