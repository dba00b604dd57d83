"""A printout on screen before it goes anywhere, then to a printer the print system has, or to a PDF file.

Core makes the PDF. Where the computer has a CUPS print system (Linux, macOS) the dialog names its
printers and says, before anything is sent, whether the chosen one is ready, paused or not taking copies;
the PDF itself goes to it on the clinic's paper, and the job is followed until the print system says it
printed or why not (``ui.print_jobs``). Each copy is a line in the audit trail when it went out (for a
printer: sent, as which job), and a second line with a printer's outcome. Where there is no CUPS (Windows),
Qt renders the pages to the printer chosen in the system's dialog, on the clinic's paper.

Qt's PDF module comes with PySide6-Addons and is loaded only when a preview opens. Where it cannot be
loaded the dialog still saves the PDF (and, with CUPS, prints it), and says that the preview needs the
computer's own PDF reader.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QPointF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QHBoxLayout, QWidget

from core.dates import local_stamp
from core.errors import ChairsideError, EnvironmentTrouble
from core.paths import save_folder
from core.printing.cups import Job, Printer
from core.reports.output import Output, page_count, write_file
from core.settings import load_workstation
from ui.controller import NO_NURSE, Controller
from ui.dialogs.base import Dialog, tab_order
from ui.print_jobs import Ended
from ui.widgets.forms import button, combo, label, set_tone

if TYPE_CHECKING:
    from PySide6.QtPdf import QPdfDocument

PAPER = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter}
MAX_DPI = 300
"""Pages go to the printer as images: 300 dpi prints small text sharply and keeps one A4 page near 35 MB
while it is drawn, where a 1200-dpi printer's own resolution would take half a gigabyte."""
NOTHING_LOST = "Nothing recorded in Chairside was lost."
NO_PREVIEW = (
    "This computer cannot show the pages or print them from Chairside (Qt's PDF module is missing). "
    "Save as PDF, then open the file with the computer's PDF reader to look at it and print it."
)
NO_PREVIEW_BUT_PRINTS = (
    "This computer cannot show the pages here (Qt's PDF module is missing). They print as they are; to look "
    "at them first, save as PDF and open the file with the computer's PDF reader."
)
NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|]+')
NO_PRINTER = (
    "This computer has no printer set up: nothing can be printed from it. Save as PDF instead, or ask whoever "
    "looks after this computer to add the clinic's printer."
)


def follows_jobs() -> bool:
    """Whether the PDF goes to the print system itself and its job is followed: everywhere CUPS is the
    print system (Linux, macOS); Windows prints through Qt."""
    return not sys.platform.startswith("win")


def pdf_modules() -> tuple[Any, Any] | None:
    """``QPdfDocument`` and ``QPdfView``, or None where this installation of Qt has no PDF module."""
    try:
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPdfWidgets import QPdfView
    except ImportError:
        return None
    return QPdfDocument, QPdfView


def load_pdf(document_class: Any, pdf: bytes, parent: QObject) -> QPdfDocument | None:
    """The document Qt renders from, or None if Qt cannot read these bytes.

    Qt reads pages from the buffer as it draws them, so the buffer belongs to the document and goes
    only with it.
    """
    document = document_class(parent)
    buffer = QBuffer(document)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    return document if document.status() == document_class.Status.Ready else None


def prepare_printer(printer: QPrinter, page_size: str, title: str) -> QPrinter:
    """The clinic's paper, portrait, and the whole sheet as the page: the PDF carries its own margins."""
    printer.setPageSize(QPageSize(PAPER[page_size]))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    printer.setDocName(title)
    return printer


def paper_kept(printer: QPrinter, page_size: str) -> bool:
    """After the system's dialog (which may put the printer's own paper back): set the clinic's paper again,
    and say whether the printer took it."""
    printer.setPageSize(QPageSize(PAPER[page_size]))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    return printer.pageLayout().pageSize().id() == PAPER[page_size]


def destination(printer: QPrinter) -> str:
    """Where the pages went, as the audit line names it: the printer, or the file Qt's PDF driver wrote."""
    return printer.printerName() or printer.outputFileName() or "the default printer"


def printer_trouble(printer: QPrinter) -> EnvironmentTrouble:
    if printer.printerName() or not printer.outputFileName():
        return EnvironmentTrouble(
            f"The printer “{destination(printer)}” could not be used.",
            "Check that it is switched on, connected and has paper, or choose another printer, then print again.",
        )
    return EnvironmentTrouble(
        f"{printer.outputFileName()} could not be written.", "Choose a folder you can write to, then print again."
    )


def chosen_pages(printer: QPrinter, count: int) -> range:
    """The pages asked for in the print dialog (numbered from 0), or all of them."""
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        return range(printer.fromPage() - 1, min(printer.toPage() or count, count))
    return range(count)


def on_sheet(sheet: QRectF, page: QSizeF) -> QRectF:
    """The page at the largest size that fits the sheet, centred: full size when paper and PDF agree."""
    scale = min(sheet.width() / page.width(), sheet.height() / page.height())
    size = QSizeF(page.width() * scale, page.height() * scale)
    corner = sheet.center() - QPointF(size.width() / 2, size.height() / 2)
    return QRectF(corner, size)


def render_pages(document: QPdfDocument, printer: QPrinter, pages: Sequence[int]) -> int:
    """Draw ``pages`` on ``printer``, one sheet each; how many went. A printer that cannot be opened or
    refuses a page raises EnvironmentTrouble."""
    dpi = min(printer.resolution(), MAX_DPI)
    sheet = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
    painter = QPainter()
    if not painter.begin(printer):
        raise printer_trouble(printer)
    try:
        for number, page in enumerate(pages):
            if number and not printer.newPage():
                raise printer_trouble(printer)
            points = document.pagePointSize(page)
            image = document.render(page, QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72)))
            painter.drawImage(on_sheet(sheet, points), image)
    finally:
        ended = painter.end()
    if not ended:
        raise printer_trouble(printer)
    return len(pages)


def file_name(title: str, day: str) -> str:
    """A name to offer in the save dialog: the document and the day, without characters folders refuse."""
    return NOT_IN_FILE_NAMES.sub("-", f"{title} {day}").strip(" .-") + ".pdf"


class PreviewDialog(Dialog):
    """The pages one at a time, the printer and its state, with "Print" and "Save as PDF…"."""

    folder: ClassVar[Path | None] = None
    """Where the last copy was saved while the app runs, offered again (a USB stick, a shared folder)."""

    def __init__(
        self, controller: Controller, parent: QWidget | None, title: str, pdf: bytes, output: Output | Sequence[Output]
    ) -> None:
        super().__init__(controller, parent, title, width=760, height=640, spacing=10)
        self.pdf = pdf
        self.outputs = (output,) if isinstance(output, Output) else tuple(output)
        """One per patient on the pages (a handoff of several chairs): each patient's record shows the copy."""
        self.page_size = controller.clinic().page_size
        self.job: Job | None = None
        """The copy sent from this preview, whose outcome it says when the print system tells it."""
        self.printers: dict[str, Printer] = {}
        modules = pdf_modules()
        self.document = load_pdf(modules[0], pdf, self) if modules else None
        self.explain(
            f"On {self.page_size} paper, as the clinic's settings say. Every copy printed or saved is recorded "
            "in the audit trail in your name.",
            role="hint",
        )
        if modules and self.document is not None:
            self._add_preview(modules[1], self.document)
        else:
            missing = label(NO_PREVIEW_BUT_PRINTS if follows_jobs() else NO_PREVIEW, name="No preview")
            set_tone(missing, "advise")
            self.column.addWidget(missing)
            self.setMinimumHeight(0)  # no pages to show: only the words and the buttons
            self.column.addStretch(1)
        prints = follows_jobs() or self.document is not None
        if follows_jobs():
            self._add_printers()
        self.column.addWidget(self.message_line("Print message"))
        close = button("Close", "Close print preview")
        close.clicked.connect(self.reject)
        # Without a way to print, saving is the one action left, and is shown as the main one.
        self.save_button = button("Save as PDF…", "Save as PDF", role=None if prints else "primary")
        self.save_button.clicked.connect(self.save)
        actions = [self.save_button]
        if prints:
            self.print_button = button("Print", "Print", role="primary")
            self.print_button.clicked.connect(self.print_)
            actions.append(self.print_button)
        if self.document is not None:
            self.resize(900, 760)  # the pages as large as a 1280 × 800 screen allows
        self.add_buttons([close], actions)
        if follows_jobs():
            self._show_printer()
            controller.prints.ended.connect(self._job_ended)

    # ---- the pages ----------------------------------------------------------------------------

    def _add_preview(self, view_class: Any, document: QPdfDocument) -> None:
        self.view = view_class(self)
        self.view.setAccessibleName("Page preview")
        self.view.setDocument(document)
        self.view.setPageMode(view_class.PageMode.SinglePage)
        self.view.setZoomMode(view_class.ZoomMode.FitInView)
        self.column.addWidget(self.view, 1)
        row = QHBoxLayout()
        self.previous_page = button("◀ Previous page", "Previous page")
        self.next_page = button("Next page ▶", "Next page")
        self.page_number = label(name="Page number", wrap=False)
        self.page_number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row.addWidget(self.previous_page)
        row.addWidget(self.page_number, 1)
        row.addWidget(self.next_page)
        self.column.addLayout(row)
        self.previous_page.clicked.connect(lambda: self.go_to(self.page - 1))
        self.next_page.clicked.connect(lambda: self.go_to(self.page + 1))
        self.view.pageNavigator().currentPageChanged.connect(self._show_page_number)
        tab_order(self.previous_page, self.next_page)
        self._show_page_number()

    @property
    def page(self) -> int:
        """The page shown, numbered from 0."""
        return self.view.pageNavigator().currentPage()

    def go_to(self, page: int) -> None:
        if self.document is not None and 0 <= page < self.document.pageCount():
            self.view.pageNavigator().jump(page, QPointF(), 0)

    def _show_page_number(self) -> None:
        count = self.document.pageCount() if self.document is not None else 0
        self.page_number.setText(f"Page {self.page + 1} of {count}")
        self.previous_page.setEnabled(self.page > 0)
        self.next_page.setEnabled(self.page < count - 1)

    # ---- the printer --------------------------------------------------------------------------

    def _add_printers(self) -> None:
        """The print system's printers, the default first chosen, and what state the chosen one is in."""
        row = QHBoxLayout()
        self.printer_caption = label("Printer", wrap=False)
        self.printer_box = combo("Printer", [])
        self.printer_caption.setBuddy(self.printer_box)
        row.addWidget(self.printer_caption)
        row.addWidget(self.printer_box, 1)
        self.column.addLayout(row)
        self.printer_state = label(name="Printer state")
        self.column.addWidget(self.printer_state)
        self._read_printers()
        self.printer_box.currentIndexChanged.connect(self._show_printer)

    def _read_printers(self) -> None:
        """Ask the print system again (a printer may have been paused or resumed since)."""
        chosen = self.printer_box.currentData()
        self.printer_box.blockSignals(True)
        self.printer_box.clear()
        try:
            found, default = self.controller.prints.printers()
        except ChairsideError as error:
            found, default = [], None
            self._unreachable = f"{error.message} {error.advice}"
        else:
            self._unreachable = None
        self.printers = {printer.name: printer for printer in found}
        for printer in found:
            self.printer_box.addItem(f"{printer.name} — {printer.words()}", printer.name)
        wanted = chosen if chosen in self.printers else default
        self.printer_box.setCurrentIndex(max(0, self.printer_box.findData(wanted)))
        self.printer_box.setVisible(bool(found))
        self.printer_caption.setVisible(bool(found))  # no printer to name: the words below say why
        self.printer_box.blockSignals(False)

    def chosen_printer(self) -> Printer | None:
        return self.printers.get(self.printer_box.currentData())

    def _show_printer(self) -> None:
        """Before the nurse presses Print: whether a copy sent now would come out, and if not, why."""
        printer = self.chosen_printer()
        if printer is None:
            words, tone = self._unreachable or NO_PRINTER, "error"
        elif (problem := printer.problem(self.page_size)) is not None:
            words, tone = problem, "advise" if printer.accepting else "error"
        else:
            words, tone = f"Ready: the pages go out as they are here, on {self.page_size} paper.", None
        self.printer_state.setText(words)
        set_tone(self.printer_state, tone)
        self.print_button.setEnabled(printer is not None and printer.takes(self.page_size))

    # ---- copies going out ---------------------------------------------------------------------

    def _may_send(self) -> bool:
        """A copy goes out only in someone's name: the audit line says who printed or saved it."""
        if self.controller.nurse_id is None:
            self.feedback.ask(NO_NURSE)
            return False
        return True

    def _trouble(self, error: ChairsideError) -> None:
        self.feedback.note(f"{error.message} {error.advice} {NOTHING_LOST}", "error")

    def _went_out(self, where: str, done: str, sent: dict[str, object] | None = None) -> None:
        recorded = [
            self.controller.record_output(replace(output, destination=where, sent=sent)) for output in self.outputs
        ]
        if all(recorded):
            self.feedback.saved(f"{done} Recorded in the audit trail.")
        else:
            self.feedback.note(
                f"{done} It could not be recorded in the audit trail just now: the message at the top of the "
                "window says why.",
                "error",
            )

    def save(self) -> None:
        """Ask where (the workstation's export folder, else the user's documents), then write the whole
        file or nothing, readable by this computer account only."""
        if not self._may_send():
            return
        day = local_stamp(self.controller.now())[:10]
        folder = self.folder or save_folder(self._export_folder())
        chosen, _kind = QFileDialog.getSaveFileName(
            self, "Save as PDF", str(folder / file_name(self.windowTitle(), day)), "PDF files (*.pdf)"
        )
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(f"{path.name}.pdf")
        try:
            written = write_file(path, self.pdf)
        except EnvironmentTrouble as error:
            self._trouble(error)
            return
        PreviewDialog.folder = written.parent
        self._went_out(str(written), f"Saved to {written}.")

    @staticmethod
    def _export_folder() -> str | None:
        """The workstation's export folder; none when its settings file cannot be read (the documents
        folder is offered instead, and the file's trouble is said where the settings are read)."""
        try:
            return load_workstation().export_folder
        except ChairsideError:
            return None

    def print_(self) -> None:
        if not self._may_send():
            return
        if follows_jobs():
            self.send_to_printer()
        elif self.document is not None:
            self._print_through_qt()

    def send_to_printer(self) -> Job | None:
        """The PDF itself to the chosen printer, on the clinic's paper; the job is followed from here."""
        self._read_printers()
        self._show_printer()
        printer = self.chosen_printer()
        if printer is None or not printer.takes(self.page_size):
            self.feedback.note(self.printer_state.text(), "error")
            return None
        pages = page_count(self.pdf)
        try:
            job, recorded = self.controller.prints.send(
                printer.name, self.pdf, self.windowTitle(), self.page_size, pages, self.outputs
            )
        except ChairsideError as error:
            self._trouble(error)
            return None
        self.job = job
        plural = "s" * (pages != 1)
        sent = f"Sent to {printer.name} as job {job.number}: {pages} page{plural} on {self.page_size} paper."
        followed = "Chairside says here and at the top of the window if it does not print."
        if recorded:
            self.feedback.saved(f"{sent} Recorded in the audit trail. {followed}")
        else:
            self.feedback.note(
                f"{sent} It could not be recorded in the audit trail just now: the message at the top of the "
                f"window says why. {followed}",
                "error",
            )
        return job

    def _job_ended(self, ended: Ended) -> None:
        if ended.job == self.job:
            if ended.printed:
                self.feedback.saved(ended.words())
            else:
                self.feedback.note(ended.words(), "error")

    def prepared_printer(self) -> QPrinter:
        """A printer set to the clinic's paper, before the nurse chooses which printer in the print dialog."""
        return prepare_printer(QPrinter(QPrinter.PrinterMode.HighResolution), self.page_size, self.windowTitle())

    def _print_through_qt(self) -> None:
        """Without CUPS: any printer the system has, chosen in the system's print dialog, on the clinic's paper."""
        printer = self.prepared_printer()
        assert self.document is not None
        chooser = QPrintDialog(printer, self)
        chooser.setMinMax(1, self.document.pageCount())
        if chooser.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> bool:
        """Send the pages to a printer already chosen, on the clinic's paper or not at all; the audit line
        follows only if they all went."""
        if self.document is None:
            return False
        if not paper_kept(printer, self.page_size):
            self.feedback.note(
                f"The printer “{destination(printer)}” cannot take {self.page_size} paper, the clinic's: nothing "
                "was printed. Choose another printer.",
                "error",
            )
            return False
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            sent = render_pages(self.document, printer, chosen_pages(printer, self.document.pageCount()))
        except EnvironmentTrouble as error:
            self._trouble(error)
            return False
        finally:
            QApplication.restoreOverrideCursor()
        where = destination(printer)
        facts = {"paper": self.page_size, "pages": sent, "sent": "through Qt: its outcome cannot be followed"}
        self._went_out(where, f"{sent} page{'s' * (sent != 1)} sent to {where}.", facts)
        return True


def show_pdf(
    parent: QWidget | None, controller: Controller, title: str, pdf: bytes, output: Output | Sequence[Output]
) -> None:
    """Preview ``pdf`` and let the signed-in nurse print or save it; returns when she closes the preview.

    ``output`` says what the document is for the audit trail (its name, and the patient and session
    when it has one); each copy's line fills in where it went, so its ``destination`` is not used.
    """
    dialog = PreviewDialog(controller, parent, title, pdf, output)
    try:
        dialog.exec()
    finally:
        dialog.deleteLater()
