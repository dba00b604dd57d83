"""The charge nurse's day log on screen: a date's sessions on every chair and workstation, exceptions first.

Core builds the log and writes the "day log viewed" audit line each time it is read, so the window
reads it only when asked: on opening (today), on Enter in the date, on "Show" and when a filter is
chosen. A session still open is opened on its chair, where the work is; a finished one is shown here,
read only, entry by entry (itself a view of the patient's record, audited). The log goes out as a CSV
file or through the print preview, each copy audited by core.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QPlainTextEdit,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.dates import local_stamp
from core.day_log import DayLog, DayLogEntry, DayLogFilters, Status, Totals, export_csv, view_day_log
from core.event_words import event_lines
from core.reports.output import Output
from ui.controller import Controller
from ui.dialogs.base import Dialog, one_line_rows, tab_order
from ui.dialogs.people import named_table
from ui.dialogs.print_preview import show_pdf
from ui.printouts import waiting
from ui.widgets.forms import button, combo, label, line_edit, set_tone

SESSION = Qt.ItemDataRole.UserRole
EXCEPTION_COLUMNS = ("Exception", "Time", "Chair", "Patient", "MRN", "What")
SESSION_COLUMNS = (
    "Time",
    "Chair",
    "Patient",
    "MRN",
    "Dose",
    "Dosed by · checked by",
    "Status",
    "Alerts",
    "AE, overrides",
)
ABBREVIATED = {"AE, overrides": "Technical alarms, adverse events, overrides and early stops"}
"""Headers shortened to keep a row on one line, and their words in full on hover."""
EXCEPTION_ROWS = 4
"""Exceptions in view at once (more scroll): they come first, and the sessions keep room for a dozen rows."""
ASK_CHARGE_NURSE = "Sign in as a charge nurse to read the day log."


def totals_words(totals: Totals) -> str:
    """The day's counts and drug totals in a line or two: the vials' rests only where there are any."""
    rests = [
        f"{mg} {what}"
        for mg, what in (
            (totals.vial_wasted_mg, "wasted"),
            (totals.returned_mg, "returned"),
            (totals.vial_left_mg, "to account for"),
        )
        if mg
    ]
    return (
        f"{totals.sessions} sessions: {totals.completed} completed, {totals.stopped_early} stopped early, "
        f"{totals.not_treated} not treated, {totals.in_progress} not yet ended; {totals.signed} signed. "
        f"Drug (mg): {totals.drawn_mg} drawn up, {totals.given_mg} given (infusions ended), "
        f"{totals.wasted_mg} wasted" + (f"; vials' rests {', '.join(rests)}." if rests else ".")
    )


def session_cells(entry: DayLogEntry) -> tuple[str, ...]:
    """One line a cell, so a day's sessions are seen at once; the whole of a long cell is on its tooltip."""
    status = entry.status
    if entry.flags:
        status += " · exceptions: " + ", ".join(flag.kind.value.lower() for flag in entry.flags)
    beyond = list(entry.technical)  # each begins "Technical — ", as on the chair's screen
    beyond += [f"Adverse event: {words}" for words in entry.adverse_events]
    beyond += [f"Override: {words}" for words in entry.overrides]
    beyond += [f"Stopped early: {entry.stopped_early}"] if entry.stopped_early else []
    return (
        entry.time,
        str(entry.chair),
        entry.patient,
        entry.mrn,
        entry.dose_words(" mg"),  # with what was given when it fell short; "— (not given)" if not treated
        f"{entry.dosed_by or '—'} · {entry.checked_by or '—'}",
        status,
        entry.alerts_text,
        " · ".join(beyond) or "—",
    )


DATE_ROOM = 40
"""Pixels beside the date's digits in its field: the style sheet's padding and border, and the cursor."""


class DayLogDialog(Dialog):
    def __init__(self, controller: Controller, parent: QWidget | None = None, chairs_here: list[int] | None = None):
        """``chairs_here``: the chairs this workstation shows, where an open session can be opened."""
        super().__init__(controller, parent, "Day log", width=940, height=600, spacing=4, remember="day log")
        self.chairs_here = chairs_here if chairs_here is not None else controller.workplace.chairs
        self.log: DayLog | None = None
        self.chair_to_open: int | None = None
        """The chair to open once the dialog has closed (a session still open is looked at on its chair)."""
        self.explain(
            "Every session of the day on every chair and workstation, exceptions first; each reading is audited. "
            "Double-click a row, or press Enter on it, to open it.",
            role="hint",
        )
        self._add_filters()
        self.column.addWidget(self.message_line("Day log message", {"date": self.day}))
        self.pages = QStackedWidget()
        self.pages.addWidget(self._log_page())
        self.pages.addWidget(self._session_page())
        self.column.addWidget(self.pages, 1)
        close = button("Close", "Close day log")
        close.clicked.connect(self.reject)
        self.open_button = button("Open session", "Open the chosen session")
        self.open_button.clicked.connect(self.open_chosen)
        self.csv_button = button("Export CSV…", "Export the day log as CSV")
        self.csv_button.clicked.connect(self.export)
        self.print_button = button("Print…", "Print the day log", role="primary")
        self.print_button.clicked.connect(self.print_)
        self.add_buttons([close], [self.open_button, self.csv_button, self.print_button], between=self.totals)
        tab_order(
            self.day,
            self.chair,
            self.nurse,
            self.status,
            self.show_button,
            self.exceptions,
            self.sessions,
            self.open_button,
            self.csv_button,
            self.print_button,
            close,
        )
        self.load()
        self.day.setFocus()

    # ---- building -------------------------------------------------------------------------------

    def _add_filters(self) -> None:
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        self.day = line_edit("Date", "YYYY-MM-DD")
        self.day.setText(self.controller.now().astimezone().date().isoformat())
        # The whole date in view (its padding, border and a focus ring besides): "026-11-26" misleads.
        self.day.ensurePolished()  # measured in the style sheet's font, not the default one
        self.day.setMinimumWidth(self.day.fontMetrics().horizontalAdvance("0000-00-00") + DATE_ROOM)
        chairs = range(1, self.controller.clinic().chairs + 1)
        self.chair = combo("Chair filter", [("Any chair", None), *((f"Chair {n}", n) for n in chairs)])
        self.nurse = combo("Nurse filter", [("Anyone", None)])
        self.status = combo("Status filter", [("Any status", None), *((s.value.capitalize(), s) for s in Status)])
        self.show_button = button("Show", "Show the day log", role="primary")
        self.show_button.setAutoDefault(False)
        # Each caption beside its field, on one row: the tables below get the height.
        for column, (caption, widget) in enumerate(
            (("Date", self.day), ("Chair", self.chair), ("Nurse", self.nurse), ("Status", self.status))
        ):
            words = label(caption, wrap=False)
            words.setBuddy(widget)
            grid.addWidget(words, 0, 2 * column)
            grid.addWidget(widget, 0, 2 * column + 1)
        grid.addWidget(self.show_button, 0, 8)
        grid.setColumnStretch(9, 1)
        self.day.returnPressed.connect(self.load)
        self.show_button.clicked.connect(self.load)
        for chosen in (self.chair, self.nurse, self.status):
            chosen.currentIndexChanged.connect(self.load)
        self.column.addLayout(grid)

    def _log_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.exceptions_title = label(role="heading", name="Exceptions heading", wrap=False)
        self.exceptions = named_table("Exceptions", EXCEPTION_COLUMNS)
        one_line_rows(self.exceptions, {0: 200, 3: 260}, 5)
        self.sessions_title = label(role="heading", name="Sessions heading", wrap=False)
        self.sessions = named_table("Sessions", SESSION_COLUMNS)
        one_line_rows(self.sessions, {2: 190, 5: 230, 6: 170}, 8)
        for column, words in enumerate(SESSION_COLUMNS):
            self.sessions.horizontalHeaderItem(column).setToolTip(ABBREVIATED.get(words, words))
        self.totals = label(name="Totals")
        set_tone(self.totals, "quiet")
        for table, other in ((self.exceptions, self.sessions), (self.sessions, self.exceptions)):
            table.itemActivated.connect(lambda item, table=table: self._open_row(table, item.row()))
            table.itemSelectionChanged.connect(lambda table=table, other=other: self._one_chosen(table, other))
        layout.addWidget(self.exceptions_title)
        layout.addWidget(self.exceptions)
        layout.addWidget(self.sessions_title)
        layout.addWidget(self.sessions, 1)
        return page

    def _session_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.session_title = label(role="heading", name="Session shown")
        self.entries = QPlainTextEdit()
        self.entries.setAccessibleName("Session entries")
        self.entries.setReadOnly(True)
        self.entries.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        back = button("◀ Back to the day log", "Back to the day log")
        back.setAutoDefault(False)
        back.clicked.connect(self.back_to_log)
        layout.addWidget(self.session_title)
        layout.addWidget(self.entries, 1)
        layout.addWidget(back, 0, Qt.AlignmentFlag.AlignLeft)
        return page

    # ---- reading --------------------------------------------------------------------------------

    def filters(self) -> DayLogFilters:
        status = self.status.currentData()  # Qt hands the status back as plain text
        return DayLogFilters(self.chair.currentData(), self.nurse.currentData(), Status(status) if status else None)

    def load(self) -> None:
        """Read the log for the date and filters as chosen; core checks them and records the reading."""
        reader = self.signed_in(ASK_CHARGE_NURSE)
        if reader is None:
            return
        workplace, day, filters = self.controller.workplace, self.day.text(), self.filters()
        log = self.controller.run(
            self.feedback,
            lambda: view_day_log(
                workplace.database,
                workplace.protocol,
                self.controller.care.clock,
                workplace.workstation.name,
                reader,
                day,
                filters,
            ),
            writes=False,
        )
        self.back_to_log()
        self.log = log
        for widget in (self.open_button, self.csv_button, self.print_button):
            widget.setEnabled(log is not None)
        if log is None:  # what was on screen no longer matches what was asked: show nothing rather than mislead
            for table in (self.exceptions, self.sessions):
                table.setRowCount(0)
            for text in (self.exceptions_title, self.sessions_title, self.totals):
                text.setText("")
            return
        self._offer_nurses(log)
        self._show(log)

    def _offer_nurses(self, log: DayLog) -> None:
        """Everyone who took part that day, and the nurse chosen, who stays chosen."""
        chosen = self.nurse.currentData()
        self.nurse.blockSignals(True)  # refilling the list is not a choice: no second reading
        self.nurse.clear()
        self.nurse.addItem("Anyone", None)
        for person, name in log.nurses:
            self.nurse.addItem(name, person)
        if chosen is not None and self.nurse.findData(chosen) < 0:  # she took no part that day: still the filter
            self.nurse.addItem(self.controller.staff_name(chosen), chosen)
        self.nurse.setCurrentIndex(max(0, self.nurse.findData(chosen)))
        self.nurse.blockSignals(False)

    def _show(self, log: DayLog) -> None:
        self.exceptions_title.setText(f"Exceptions ({len(log.exceptions)}) · {log.day:%A} {log.day.isoformat()}")
        self.exceptions.setRowCount(len(log.exceptions))
        for row, line in enumerate(log.exceptions):
            entry = line.entry
            cells = (line.kind.value, entry.time, str(entry.chair), entry.patient, entry.mrn, line.text)
            self._fill_row(self.exceptions, row, cells, entry)
        self._no_taller_than_its_rows(self.exceptions)
        words = "" if log.entries else ": none were opened on this day"
        self.sessions_title.setText(f"Sessions ({len(log.entries)}){words} · {log.filter_words}")
        self.sessions.setRowCount(len(log.entries))
        for row, entry in enumerate(log.entries):
            self._fill_row(self.sessions, row, session_cells(entry), entry)
        self.totals.setText(totals_words(log.totals))

    @staticmethod
    def _no_taller_than_its_rows(table: QTableWidget) -> None:
        """As tall as its rows, up to ``EXCEPTION_ROWS`` of them: the sessions take the rest of the height."""
        table.ensurePolished()
        header = table.horizontalHeader()
        frame = 2 * table.frameWidth() + max(header.height(), header.sizeHint().height())
        rows = min(max(1, table.rowCount()), EXCEPTION_ROWS) * table.verticalHeader().defaultSectionSize()
        table.setFixedHeight(frame + rows)

    @staticmethod
    def _fill_row(table: QTableWidget, row: int, cells: tuple[str, ...], entry: DayLogEntry) -> None:
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            item.setData(SESSION, entry)
            table.setItem(row, column, item)

    # ---- opening a session ------------------------------------------------------------------------

    @staticmethod
    def _one_chosen(table: QTableWidget, other: QTableWidget) -> None:
        """One session is chosen at a time across both lists, so "Open session" opens the one last chosen."""
        if table.selectionModel().hasSelection():
            other.clearSelection()

    def chosen(self) -> DayLogEntry | None:
        for table in (self.exceptions, self.sessions):
            rows = table.selectionModel().selectedRows()
            if rows:
                entry = table.item(rows[0].row(), 0).data(SESSION)
                return entry if isinstance(entry, DayLogEntry) else None
        return None

    def _open_row(self, table: QTableWidget, row: int) -> None:
        entry = table.item(row, 0).data(SESSION)
        if isinstance(entry, DayLogEntry):
            self.open_session(entry)

    def open_chosen(self) -> None:
        entry = self.chosen()
        if entry is None:
            self.feedback.ask("Choose a session in either list first.")
            return
        self.open_session(entry)

    def open_session(self, entry: DayLogEntry) -> None:
        """A session still open is opened on its chair, where it can be cared for; a finished one is read here."""
        if entry.open and entry.chair in self.chairs_here:
            self.chair_to_open = entry.chair
            self.accept()
            return
        state = self.controller.state(entry.session_id)
        if state is None or self.log is None:
            self.feedback.ask("That session could not be read just now. Try again.")
            return
        self.controller.record_view(entry.patient_id, entry.session_id)
        late_after = timedelta(minutes=self.log.late_entry_minutes)
        lines = event_lines(self.controller.protocol, state.events, self.controller.staff_name, late_after)
        where = (
            f" It is still open on chair {entry.chair}, which this workstation does not show: care for it there."
            if entry.open
            else " Read only: anything learned later is added as a signed addendum."
        )
        self.session_title.setText(
            f"{entry.patient} ({entry.mrn}) · chair {entry.chair} · opened {entry.time} · {entry.status}.{where}"
        )
        self.entries.setPlainText("\n".join(lines))
        self.pages.setCurrentIndex(1)
        self.entries.setFocus()

    def back_to_log(self) -> None:
        self.pages.setCurrentIndex(0)

    # ---- sending it out ---------------------------------------------------------------------------

    def export(self) -> None:
        """Ask where, then core writes the whole file or nothing and records where it went."""
        reader = self.signed_in(ASK_CHARGE_NURSE)
        log = self.log
        if reader is None or log is None:
            return
        workplace = self.controller.workplace
        self.export_csv(
            "Export the day log as CSV",
            f"day-log-{log.day.isoformat()}.csv",
            lambda path: export_csv(
                workplace.database, self.controller.now(), workplace.workstation.name, log, path, actor_id=reader.id
            ),
        )

    def printout(self) -> tuple[str, bytes, Output] | None:
        """The day log as shown, as the PDF the print preview shows and sends, with what it is for the audit."""
        reader = self.signed_in(ASK_CHARGE_NURSE)
        log = self.log
        if reader is None or log is None:
            return None
        from core.reports.day_log_pdf import day_log_pdf  # ReportLab loads with the first printout

        clinic, printed_at = self.controller.clinic(), local_stamp(self.controller.now())
        with waiting():
            pdf = self.controller.run(
                None,
                lambda: day_log_pdf(log, clinic.clinic_name, clinic.page_size, printed_at, reader.name),
                writes=False,
            )
        if pdf is None:
            return None
        title = f"Day log {log.day.isoformat()}"
        return title, pdf, Output(f"day log {log.day.isoformat()} ({log.filter_words.lower()}), PDF", "")

    def print_(self) -> None:
        built = self.printout()
        if built is not None:
            self.preview(*built)

    def preview(self, title: str, pdf: bytes, output: Output) -> None:
        """The print preview, which prints or saves each copy and audits it."""
        show_pdf(self, self.controller, title, pdf, output)

    @classmethod
    def ask(
        cls, controller: Controller, parent: QWidget | None = None, chairs_here: list[int] | None = None
    ) -> int | None:
        """The chair to open after the dialog closes, if a session still open was chosen."""
        dialog = cls(controller, parent, chairs_here)
        dialog.exec()
        return dialog.chair_to_open
