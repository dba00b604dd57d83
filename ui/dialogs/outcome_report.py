"""The clinic's outcome report on screen, for the charge nurse: a period's figures, each with its count and
denominator, its interval and the method, and its definition under the table when the row is chosen.

Core counts everything (``care.outcome_report``); this window only shows the value it returns, as the PDF
and the CSV do. What the report was made under (protocol, MCID set, scoring tables and whether they are
still to be verified) and the study's figures, labelled for comparison and never as a target, are said
beside the figures, so no number is read without them. Read when asked: on opening, on Enter in a date
and on "Show".
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QStackedWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.dates import local_stamp
from core.figures import COUNTED, Figure, count_words, interval_words, value_words
from core.outcomes.report import STUDY_LABEL, OutcomeReport
from core.outcomes.stats import T_BASED, WILSON
from core.reports.output import Output
from ui.controller import Controller
from ui.dialogs.base import one_line_rows, tab_order, whole_rows
from ui.dialogs.counted_report import CountedReport
from ui.dialogs.people import named_table
from ui.printouts import waiting
from ui.widgets.forms import button, label, set_tone
from ui.widgets.period import period_row
from ui.widgets.segmented import Segmented

COLUMNS = ("Measure", "Time point", "Count", "Value", "95 % interval", "Method")
FIGURE = Qt.ItemDataRole.UserRole
ASK_CHARGE_NURSE = "Sign in as a charge nurse to read the clinic's outcome report."
PARTS = (("figures", "Figures"), ("basis", "Made under"), ("study", "Study, for comparison"))
"""The report's parts, one in view at a time, so the figures keep the height."""
PROVISIONAL = (
    "Some scores come from tables still to be verified against the HealthMeasures manuals: read them as provisional."
)
FIRST_SHOWN = timedelta(days=365)
"""The period shown on opening: the year to yesterday."""
NOTED = " ✱"
"""Marks a figure with a note (what it leaves out, and why): read with its definition when chosen."""
CHOOSE = "Choose a figure to read its definition; a figure marked ✱ also says what it leaves out."


def method_words(method: str) -> str:
    """The method in a word or two, as the table's narrow column shows it (said whole with the definition of
    the chosen row): "Wilson", "t-based", "Kaplan–Meier", "count", "rate"."""
    for whole, short in ((WILSON, "Wilson"), (T_BASED, "t-based"), (COUNTED, "count")):
        if method == whole:
            return short
    if "× 100" in method:
        return "rate"
    return method.split(",", maxsplit=1)[0].split(" (", maxsplit=1)[0]


def figure_cells(figure: Figure) -> tuple[str, ...]:
    """A figure's row; a domain's figure is read under its domain's heading, so its name is not repeated."""
    measure = figure.measure.removeprefix(f"{figure.domain}: ") if figure.domain else figure.measure
    measure += " (table to verify)" if figure.to_verify else ""
    measure += NOTED if figure.note else ""
    return (
        measure,
        figure.time_point or "—",
        count_words(figure),
        value_words(figure),
        interval_words(figure),
        method_words(figure.method),
    )


def made_under(report: OutcomeReport) -> str:
    """What the figures rest on, in a sentence or two: a later protocol never changes a report made earlier."""
    mcids = "; ".join(f"{m.domain} {m.t_points}" for m in report.mcids)
    forms = ", ".join(t.form_id for t in report.tables) or "none scored"
    check = f" {PROVISIONAL}" if report.tables_to_verify or report.tables_file_to_verify else ""
    return (
        f"Made under protocol {report.protocol_id} v{report.protocol_version} (sha256 "
        f"{report.protocol_sha256[:12]}). MCID (T points): {mcids}. Reliable change at z ≥ "
        f"{report.reliable_change_z}; repeat courses within {report.repeat_within_days} days. Forms scored: "
        f"{forms}.{check}"
    )


def study_words(report: OutcomeReport) -> str:
    lines = [f"The study's figures — {STUDY_LABEL.lower()}:"]
    lines += [f"• {s.measure}: {s.figure}. {s.definition} ({s.source}; {s.caveat})" for s in report.study]
    return "\n".join(lines)


class OutcomeReportDialog(CountedReport):
    report: OutcomeReport | None

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent, "Outcome report", width=960, height=560, spacing=4, remember="outcomes")
        self.start_counting()
        self.explain(
            "The clinic's figures for the courses whose first infusion began in the period. Every figure says "
            "its count and denominator; choose a row to read its definition.",
            role="hint",
        )
        self._add_period()
        self.column.addWidget(
            self.message_line("Outcome report message", {"first_day": self.first, "last_day": self.last})
        )
        self.counts = label(role="heading", name="Courses counted")
        self.part = Segmented("Part of the report", PARTS)
        self.part.set_value("figures")
        self.part.changed.connect(self._show_part)
        heading = QHBoxLayout()
        heading.addWidget(self.counts, 1)
        heading.addWidget(self.part)
        self.column.addLayout(heading)
        self.parts = QStackedWidget()
        self._figures_page()
        self.basis = self.words_page("What the report was made under")
        self.study = self.words_page("The study's figures, for comparison")
        self.column.addWidget(self.parts, 1)
        self.provisional = label(name="Scores still to be verified")
        set_tone(self.provisional, "advise")
        self.column.addWidget(self.provisional)
        close = button("Close", "Close the outcome report")
        close.clicked.connect(self.reject)
        self.csv_button = button("Export CSV…", "Export the outcome report as CSV")
        self.csv_button.clicked.connect(self.export)
        self.print_button = button("Print…", "Print the outcome report", role="primary")
        self.print_button.clicked.connect(self.print_)
        self.add_buttons([close], [self.csv_button, self.print_button])
        tab_order(
            self.first, self.last, self.show_button, self.part, self.figures, self.csv_button, self.print_button, close
        )
        self.load()
        self.first.setFocus()

    def _add_period(self) -> None:
        today = self.controller.now().astimezone().date()
        # A report counts days that have ended: it opens on the year to yesterday.
        period = period_row(today - FIRST_SHOWN, today - timedelta(days=1), "Show the outcome report", self.load)
        self.first, self.last, self.show_button = period.first, period.last, period.show
        self.column.addLayout(period.layout)

    def _figures_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.figures = named_table("Outcome figures", COLUMNS)
        # The numbers are never cut: count, value and interval fit their text (a year of a busy clinic reads
        # "2002 of 2145"). The measure takes the room left, said whole with the chosen row's definition, as is
        # the method, named in a word or two.
        one_line_rows(self.figures, {1: 120, 5: 85}, 0)
        whole_rows(self.figures)  # at 1024 wide a measure's name ran past its column: it wraps, never "…"
        self.figures.itemSelectionChanged.connect(self._say_definition)
        layout.addWidget(self.figures, 1)
        self.definition = label(name="Definition of the chosen figure")
        self.definition.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.definition)
        self.parts.addWidget(page)
        return page

    def _show_part(self) -> None:
        self.parts.setCurrentIndex([key for key, _ in PARTS].index(self.part.value() or "figures"))

    # ---- reading ---------------------------------------------------------------------------------

    def load(self) -> None:
        """Count the period's figures (a report over years takes seconds); a date the nurse can fix is said by
        its field at once, and nothing is shown stale."""
        if self.signed_in(ASK_CHARGE_NURSE) is None or self.counting:
            return
        self.feedback.clear()
        days = self.period()
        if days is None:
            return
        first, last = days
        care = self.controller.care
        self.count(lambda: care.outcome_report(first, last), "outcome report", first, last)

    def show_report(self, report: OutcomeReport | None) -> None:
        self.report = report
        self.csv_button.setEnabled(report is not None)
        self.print_button.setEnabled(report is not None)
        if report is None:
            self.figures.clearSpans()
            self.figures.setRowCount(0)
            self.counts.clear()
            self.basis.clear()
            self.study.clear()
            self.definition.clear()
            self.provisional.hide()
            return
        self._fill(report)
        self.basis.setText(made_under(report) + "\n\nHow it counts:\n" + "\n".join(f"• {r}" for r in report.rules))
        self.study.setText(study_words(report))
        self.provisional.setText(PROVISIONAL)
        self.provisional.setVisible(report.tables_to_verify or report.tables_file_to_verify)
        self.counts.setText(
            f"{report.first_day.isoformat()} to {report.last_day.isoformat()}: {report.courses} courses of "
            f"{report.patients} patients, {report.sessions_started} sessions started."
        )

    def _fill(self, report: OutcomeReport) -> None:
        """Each section under its heading, and within the change section each domain under its own, so a
        row says what it counts (improved by the MCID, worsened, …) without the domain's long name cut short."""
        rows: list[tuple[str, Figure | None]] = []
        for section in report.sections:
            figures = report.section(section)
            if figures:
                rows.append((section, None))
            domain = ""
            for figure in figures:
                if figure.domain and figure.measure.startswith(f"{figure.domain}: ") and figure.domain != domain:
                    domain = figure.domain
                    rows.append((f"  {domain}", None))
                rows.append((section, figure))
        self.figures.clearSpans()
        self.figures.setRowCount(len(rows))
        for row, (heading, figure) in enumerate(rows):
            if figure is None:
                self._heading(row, heading)
                continue
            for column, text in enumerate(figure_cells(figure)):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{text}\n{figure.note}" if figure.note else text)
                item.setData(FIGURE, figure)
                self.figures.setItem(row, column, item)
        self.definition.setText(CHOOSE)

    def _heading(self, row: int, words: str) -> None:
        item = QTableWidgetItem(words)
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.figures.setItem(row, 0, item)
        self.figures.setSpan(row, 0, 1, len(COLUMNS))

    def _say_definition(self) -> None:
        chosen = self.figures.selectedItems()
        figure = chosen[0].data(FIGURE) if chosen else None
        if not isinstance(figure, Figure):
            return
        note = f" {figure.note}" if figure.note else ""
        self.definition.setText(f"{figure.measure}: {figure.definition} Method: {figure.method}.{note}")

    # ---- sending it out ---------------------------------------------------------------------------

    def export(self) -> None:
        """Ask where, then core writes the whole file or nothing and records where it went."""
        reader = self.signed_in(ASK_CHARGE_NURSE)
        report = self.report
        if reader is None or report is None:
            return
        from core.reports.outcome_report import export_outcome_csv  # ReportLab loads with the first printout

        workplace = self.controller.workplace
        self.export_csv(
            "Export the outcome report as CSV",
            f"outcomes-{report.first_day.isoformat()}-{report.last_day.isoformat()}.csv",
            lambda path: export_outcome_csv(
                workplace.database, self.controller.now(), workplace.workstation.name, report, path, actor_id=reader.id
            ),
        )

    def printout(self) -> tuple[str, bytes, tuple[Output, ...]] | None:
        """The report as shown, as the PDF the print preview shows and sends, with what it is for the audit."""
        reader = self.signed_in(ASK_CHARGE_NURSE)
        report = self.report
        if reader is None or report is None:
            return None
        from core.reports.outcome_report import outcome_printout  # ReportLab loads with the first printout

        clinic, printed_at = self.controller.clinic(), local_stamp(self.controller.now())
        with waiting():
            printout = self.controller.run(
                None,
                lambda: outcome_printout(report, clinic.clinic_name, clinic.page_size, printed_at, reader.name),
                writes=False,
            )
        if printout is None:
            return None
        period = f"{report.first_day.isoformat()} to {report.last_day.isoformat()}"
        return f"Outcome report {period}", printout.pdf, printout.outputs
