"""The print preview: the pages as core built them, saved as a file or printed, each copy that went out
audited in the nurse's name, and trouble said without losing anything.

These tests take Qt's own way to a printer, which a computer without CUPS (Windows) prints by: a QPrinter
set to PdfFormat writes what a printer would receive, and the file is read back with pypdf. Printing
through CUPS, with a real print system, is in ``test_printing``. Only the system's file chooser is
replaced, by the path it would return.
"""

from __future__ import annotations

import sys
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QAbstractButton, QDialog, QFileDialog, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from core import audit
from core.audit import AuditAction
from core.clock import ManualClock
from core.people import Account
from core.persistence.db import Database
from core.protocol import Protocol
from core.settings import WorkstationSettings, change_clinic_setting, save_workstation, workstation_file
from tests.helpers.window import Nurse
from tests.ui.test_account_dialogs import answer_modal, check_controls, click, find, opened
from ui.controller import Controller
from ui.dialogs import print_preview
from ui.dialogs.print_preview import NOTHING_LOST, PreviewDialog, paper_kept
from ui.main_window import MainWindow
from ui.printouts import Printouts

LETTER = (612, 792)
A4 = (595, 842)


@pytest.fixture
def without_cups(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a computer whose print system is not CUPS: Qt's print dialog and Qt's rendering."""
    monkeypatch.setattr(print_preview, "follows_jobs", lambda: False)


def preview(qtbot: QtBot, controller: Controller) -> PreviewDialog:
    """The downtime forms in the preview, built the way the Print menu builds them."""
    built = Printouts(controller, None).downtime_printout()
    assert built is not None
    return opened(qtbot, PreviewDialog(controller, None, *built))


def exports(database: Database) -> list[audit.AuditRecord]:
    return [entry for entry in audit.entries(database) if entry.action == AuditAction.EXPORTED]


def size(reader: PdfReader) -> tuple[int, int]:
    box = reader.pages[0].mediabox
    return round(box.width), round(box.height)


def choose_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    """The save dialog answers ``path``; returns the file names it was offered, to check it was asked."""
    offered: list[str] = []

    def chooser(_parent: object, _caption: str, suggested: str, _filter: str) -> tuple[str, str]:
        offered.append(suggested)
        return str(path), "PDF files (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", chooser)
    return offered


def test_the_print_menu_opens_the_downtime_forms_with_every_page_for_clinicians_only(
    qtbot: QtBot, window: MainWindow, nurse: Nurse, nurses: tuple[Account, Account], admin: Account
) -> None:
    nurse.on_duty(nurses[0])
    seen: dict[str, object] = {}

    def look(dialog: QDialog) -> None:
        assert isinstance(dialog, PreviewDialog)
        seen["pdf"], seen["pages"] = dialog.pdf, dialog.document.pageCount() if dialog.document else 0
        seen["first"] = find(dialog, QLabel, "Page number").text()
        click(qtbot, dialog, "Next page")
        seen["second"] = find(dialog, QLabel, "Page number").text()
        click(qtbot, dialog, "Close print preview")

    answered = answer_modal(qtbot, look)
    menu = nurse.find(QPushButton, "Print menu").menu()
    (entry,) = [action for action in menu.actions() if action.text() == "Downtime forms…"]
    entry.trigger()
    assert answered, "the preview did not open"
    reader = PdfReader(BytesIO(seen["pdf"]))  # type: ignore[arg-type]
    assert seen["pages"] == len(reader.pages) >= 2
    assert seen["first"] == f"Page 1 of {len(reader.pages)}"
    assert seen["second"] == f"Page 2 of {len(reader.pages)}"
    assert "by Ana Reyes" in reader.pages[0].extract_text()
    assert size(reader) == A4
    assert exports(window.controller.workplace.database) == []  # looking is not a copy going out

    nurse.on_duty(admin)
    assert not nurse.sees("Print menu")  # an administrator keeps the system, not the clinic's paper


def test_the_pages_are_walked_one_by_one_and_every_control_is_named_and_large(
    qtbot: QtBot, controller: Controller, ana: Account
) -> None:
    dialog = preview(qtbot, controller)
    check_controls(dialog)
    count = dialog.document.pageCount() if dialog.document else 0
    assert not find(dialog, QAbstractButton, "Previous page").isEnabled()
    for _ in range(count - 1):
        click(qtbot, dialog, "Next page")
    assert find(dialog, QLabel, "Page number").text() == f"Page {count} of {count}"
    assert not find(dialog, QAbstractButton, "Next page").isEnabled()
    click(qtbot, dialog, "Previous page")
    assert find(dialog, QLabel, "Page number").text() == f"Page {count - 1} of {count}"


def test_save_as_pdf_writes_the_whole_document_and_audits_the_copy_in_the_nurses_name(
    qtbot: QtBot,
    controller: Controller,
    ana: Account,
    database: Database,
    protocol: Protocol,
    tmp_path: Path,
    chairside_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    PreviewDialog.folder = None  # as at the start of the app: no copy saved yet
    dialog = preview(qtbot, controller)
    target = tmp_path / "forms.pdf"
    offered = choose_file(monkeypatch, target)
    click(qtbot, dialog, "Save as PDF")
    assert Path(offered[0]).name.startswith("Downtime forms ")
    assert Path(offered[0]).parent == chairside_home  # no documents folder there: never the app's own folder
    assert target.read_bytes() == dialog.pdf
    assert target.stat().st_mode & 0o777 == 0o600  # patient data: this computer account only
    assert len(PdfReader(target).pages) == dialog.document.pageCount()  # type: ignore[union-attr]
    (line,) = exports(database)
    assert line.actor_id == ana.id
    assert line.detail == {"what": f"downtime forms ({protocol.id} {protocol.version})", "to": str(target.resolve())}
    assert find(dialog, QLabel, "Print message").text().startswith(f"Saved to {target.resolve()}.")


def test_a_save_into_a_folder_that_does_not_exist_is_said_and_records_nothing(
    qtbot: QtBot, controller: Controller, ana: Account, database: Database, tmp_path: Path, monkeypatch
) -> None:
    dialog = preview(qtbot, controller)
    target = tmp_path / "unplugged stick" / "forms.pdf"
    choose_file(monkeypatch, target)
    click(qtbot, dialog, "Save as PDF")
    words = find(dialog, QLabel, "Print message").text()
    assert "could not be written" in words and NOTHING_LOST in words
    assert dialog.isVisible()
    assert not target.parent.exists()
    assert exports(database) == []


def test_printing_sends_every_page_on_the_clinics_paper_and_audits_the_print(
    qtbot: QtBot,
    controller: Controller,
    ana: Account,
    admin: Account,
    database: Database,
    clock: ManualClock,
    tmp_path: Path,
) -> None:
    change_clinic_setting(database, "page_size", "Letter", admin.id, "US paper", clock.now(), workstation="test-ws")
    dialog = preview(qtbot, controller)
    assert size(PdfReader(BytesIO(dialog.pdf))) == LETTER
    printer = dialog.prepared_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # Qt's own PDF driver stands in for a printer
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    assert dialog.print_to(printer)
    printed = PdfReader(out)
    count = dialog.document.pageCount()  # type: ignore[union-attr]
    assert len(printed.pages) == count
    assert {(round(page.mediabox.width), round(page.mediabox.height)) for page in printed.pages} == {LETTER}
    assert all(len(page.images) == 1 for page in printed.pages)  # each sheet carries its page, drawn
    (line,) = exports(database)
    assert (line.actor_id, line.detail["to"]) == (ana.id, str(out))
    assert (line.detail["paper"], line.detail["pages"]) == ("Letter", count)
    assert find(dialog, QLabel, "Print message").text().startswith(f"{count} pages sent to {out}.")


def test_the_system_print_dialog_is_offered_on_the_clinics_paper_and_a_cancel_records_nothing(
    qtbot: QtBot,
    controller: Controller,
    ana: Account,
    admin: Account,
    database: Database,
    clock: ManualClock,
    without_cups: None,
) -> None:
    change_clinic_setting(database, "page_size", "Letter", admin.id, "US paper", clock.now(), workstation="test-ws")
    dialog = preview(qtbot, controller)
    offered: list[tuple[QPageSize.PageSizeId, int]] = []

    def cancel(chooser: QDialog) -> None:
        assert isinstance(chooser, QPrintDialog)
        offered.append((chooser.printer().pageLayout().pageSize().id(), chooser.maxPage()))
        chooser.reject()

    answer_modal(qtbot, cancel)
    click(qtbot, dialog, "Print")
    assert offered == [(QPageSize.PageSizeId.Letter, dialog.document.pageCount())]  # type: ignore[union-attr]
    assert exports(database) == []


@pytest.mark.qt_log_ignore(r"QPainter::begin\(\): Returned false")  # the printer that cannot be used, as Qt says
def test_a_printer_that_cannot_be_used_is_said_the_dialog_stays_and_nothing_is_recorded(
    qtbot: QtBot, controller: Controller, ana: Account, database: Database, tmp_path: Path
) -> None:
    dialog = preview(qtbot, controller)
    printer = dialog.prepared_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "gone" / "printed.pdf"))
    assert not dialog.print_to(printer)
    assert NOTHING_LOST in find(dialog, QLabel, "Print message").text()
    assert dialog.isVisible()
    assert exports(database) == []


def test_the_paper_chosen_in_the_system_dialog_gives_way_to_the_clinics(qtbot: QtBot, controller: Controller) -> None:
    """Accepting the system's print dialog put the printer's own paper back, and the page was shrunk."""
    printer = QPrinter()
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))  # as the printer's default would
    assert paper_kept(printer, "Letter")
    assert printer.pageLayout().pageSize().id() == QPageSize.PageSizeId.Letter


def test_without_qt_pdf_the_dialog_says_so_and_still_saves(
    qtbot: QtBot,
    controller: Controller,
    ana: Account,
    database: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    without_cups: None,
) -> None:
    monkeypatch.setitem(sys.modules, "PySide6.QtPdf", None)  # as where PySide6-Addons is not installed
    dialog = preview(qtbot, controller)
    check_controls(dialog)
    assert "cannot show the pages or print them" in find(dialog, QLabel, "No preview").text()
    assert not [b for b in dialog.findChildren(QAbstractButton) if b.accessibleName() == "Print"]
    target = tmp_path / "forms.pdf"
    choose_file(monkeypatch, target)
    click(qtbot, dialog, "Save as PDF")
    assert target.read_bytes() == dialog.pdf
    assert [line.detail["to"] for line in exports(database)] == [str(target.resolve())]


def test_nothing_goes_out_while_nobody_is_signed_in(
    qtbot: QtBot, controller: Controller, ana: Account, database: Database, tmp_path: Path, monkeypatch
) -> None:
    dialog = preview(qtbot, controller)
    controller.user = None
    offered = choose_file(monkeypatch, tmp_path / "forms.pdf")
    click(qtbot, dialog, "Save as PDF")
    assert offered == []
    assert "Sign in first" in find(dialog, QLabel, "Print message").text()
    assert exports(database) == []


def test_save_as_pdf_starts_in_the_workstations_export_folder(
    qtbot: QtBot, controller: Controller, ana: Account, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "clinic share"
    shared.mkdir()
    save_workstation(WorkstationSettings(export_folder=str(shared)))
    PreviewDialog.folder = None
    dialog = preview(qtbot, controller)
    offered = choose_file(monkeypatch, shared / "forms.pdf")
    click(qtbot, dialog, "Save as PDF")
    assert Path(offered[0]).parent == shared


def test_an_unreadable_workstation_file_still_lets_the_copy_be_saved(
    qtbot: QtBot, controller: Controller, ana: Account, chairside_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = workstation_file()
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text("{ not json")
    PreviewDialog.folder = None
    dialog = preview(qtbot, controller)
    target = chairside_home / "forms.pdf"
    offered = choose_file(monkeypatch, target)
    click(qtbot, dialog, "Save as PDF")
    assert Path(offered[0]).parent == chairside_home and target.read_bytes() == dialog.pdf
