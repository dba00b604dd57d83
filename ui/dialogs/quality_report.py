"""The clinic's quality report on screen, for charge nurses and administrators: a period's figures beside the
three periods before it, each cell its value over its count and denominator, the chosen row's definition under
the table; what each clinic-policy threshold would have done at its neighbouring values; the outliers; the
reasons given for overrides and who silenced alarms.

Core counts everything and decides whom the outlier listings may name (``care.quality_report``, which audits
each making); this window only shows the value it returns, as the PDF and the CSV do. Read when asked: on
opening (the last whole month), on Enter in a date and on "Show".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.dates import local_stamp
from core.figures import PER_100, Comparison, Figure, Period, count_words, number_words, value_words
from core.quality.report import PATIENT_COLUMN, QualityReport, quiet
from core.quality.scope import Scope
from core.reports.output import Output
from ui.controller import Controller
from ui.dialogs.base import one_line_rows, tab_order, whole_rows
from ui.dialogs.counted_report import CountedReport
from ui.dialogs.people import named_table
from ui.printouts import waiting
from ui.widgets.forms import button, combo, label
from ui.widgets.period import period_row
from ui.widgets.segmented import Segmented

ASK_READER = "Sign in as a charge nurse or an administrator to read the quality report."
PARTS = (
    ("figures", "Figures"),
    ("replay", "Threshold replay"),
    ("outliers", "Outliers"),
    ("said", "Reasons, silences"),
)
"""The report's parts, one in view at a time, so each keeps the dialog's height."""
REPLAY_COLUMNS = ("Limit", "−2 steps", "−1 step", "In force", "+1 step", "+2 steps")
OUTLIER_COLUMNS = ("When", "What")
REPLAY_READING = (
    "Each cell: the limit at that value (in the limit's unit), and how many of the period's sets would have "
    "alarmed (an act-now limit) or been flagged and not alarmed (an advisory one) under the whole protocol with "
    "it; hover for how many this limit alone fires on."
)
ROW = Qt.ItemDataRole.UserRole
EARLIER_WIDTH = 125
OWN_WIDTH = 190
STEP_WIDTH = 120
CHOOSE = "Choose a row to read its definition."
HEADER_ROOM = 2 * 10 + 2
"""A header section's padding on both sides and its border (``TABLE_SHEET``): what its words may not use."""


def last_month(today: date) -> tuple[date, date]:
    """The last whole calendar month before ``today``: the period shown on opening."""
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def cell_words(figure: Figure | None, *, counted: bool) -> str:
    """A period's cell: its value, with its count and denominator when ``counted`` (the report's own period;
    the earlier periods' say theirs on hover, in the PDF and in the CSV, so the measures keep their room). A
    rate's unit is said once, with its measure (``measure_words``)."""
    if figure is None or not figure.denominator:
        return "—"
    value = number_words(figure.value, figure.unit) if figure.unit == PER_100 and figure.value is not None else ""
    value = value or value_words(figure)
    if not counted:
        return value
    count = f"{figure.numerator} in {figure.denominator}" if figure.unit == PER_100 else count_words(figure)
    return f"{value} ({count})"


def header_words(words: str, fits: Callable[[str], bool]) -> str:
    """A period's name in its column's header, broken between words onto as many lines as it needs: a month
    ("September 2026") or a run of days ("2026-11-01 to 2026-11-14") is wider than an earlier period's
    column, and a header cut short would leave the reader guessing which period a column counts."""
    lines: list[str] = []
    for word in words.split(" "):
        if lines and fits(f"{lines[-1]} {word}"):
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


def measure_words(comparison: Comparison) -> str:
    unit = next((c.unit for c in comparison.cells if c is not None), "")
    return f"{comparison.measure} — {PER_100}" if unit == PER_100 else comparison.measure


class QualityReportDialog(CountedReport):
    report: QualityReport | None

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent, "Quality report", width=1000, height=580, spacing=4, remember="quality")
        self.start_counting()
        self.explain(
            "Alarms, overrides and near misses of the period beside the three before it. Each cell is a value "
            "with its count and denominator; choose a row to read its definition.",
            role="hint",
        )
        self._add_period()
        self.column.addWidget(
            self.message_line("Quality report message", {"first_day": self.first, "last_day": self.last})
        )
        self.counts = label(role="heading", name="Sessions counted")
        self.part = Segmented("Part of the report", PARTS)
        self.part.set_value("figures")
        self.part.changed.connect(self._show_part)
        heading = QHBoxLayout()
        heading.addWidget(self.counts, 1)
        heading.addWidget(self.part)
        self.column.addLayout(heading)
        self.parts = QStackedWidget()
        self._figures_page()
        self.replay, self.replay_note = self._replay_page()
        self.outliers = self._table_page("Outliers", OUTLIER_COLUMNS, {0: 170}, 1)
        # An outlier's row says its figure last (after the patient, session, chair and alarm): it wraps, so the
        # figure it is listed for is read on screen, not only on hover.
        whole_rows(self.outliers)
        self.said = self.words_page("Reasons given and who silenced alarms")
        self.column.addWidget(self.parts, 1)
        close = button("Close", "Close the quality report")
        close.clicked.connect(self.reject)
        self.csv_button = button("Export CSV…", "Export the quality report as CSV")
        self.csv_button.clicked.connect(self.export)
        self.print_button = button("Print…", "Print the quality report", role="primary")
        self.print_button.clicked.connect(self.print_)
        self.add_buttons([close], [self.csv_button, self.print_button])
        tab_order(
            self.first,
            self.last,
            self.chair,
            self.version,
            self.opened_by,
            self.show_button,
            self.part,
            self.figures,
            self.csv_button,
            self.print_button,
            close,
        )
        self.load()
        self.first.setFocus()

    def _add_period(self) -> None:
        first, last = last_month(self.controller.now().astimezone().date())
        period = period_row(first, last, "Show the quality report", self.load)
        self.first, self.last, self.show_button = period.first, period.last, period.show
        choices = self.controller.care.quality_choices()
        everyone: list[tuple[str, object]] = [("Every chair", None)]
        self.chair = combo("Chair", everyone + [(f"Chair {n}", n) for n in choices.chairs])
        self.version = combo("Protocol version", [("Every version", None), *((v, v) for v in choices.versions)])
        self.opened_by = combo("Opened by", [("Any nurse", None), *((name, pid) for pid, name, _ in choices.nurses)])
        # The sessions counted, on a line of their own: each choice whole at 1024 pixels wide.
        scope = QHBoxLayout()
        for caption, field in (("Chair", self.chair), ("Version", self.version), ("Opened by", self.opened_by)):
            field.setMinimumContentsLength(max(len(field.itemText(i)) for i in range(field.count())))
            words = label(caption, wrap=False)
            words.setBuddy(field)
            scope.addWidget(words)
            scope.addWidget(field)
            scope.addSpacing(12)
        scope.addStretch(1)
        self.column.addLayout(period.layout)
        self.column.addLayout(scope)

    def _figures_page(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.figures = named_table("Quality figures", ("Measure", "", "", "", ""))
        # The measure takes the room left; the earlier periods a value each, the report's own its count too.
        one_line_rows(self.figures, {1: EARLIER_WIDTH, 2: EARLIER_WIDTH, 3: EARLIER_WIDTH, 4: OWN_WIDTH}, 0)
        # A measure's name at 1024 pixels, and the measures counted in none of the periods, run longer than a
        # line: they wrap, read on screen by a gloved finger that cannot hover for the whole words.
        whole_rows(self.figures)
        self.figures.itemSelectionChanged.connect(self._say_definition)
        layout.addWidget(self.figures, 1)
        self.definition = label(name="Definition of the chosen figure")
        self.definition.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.definition)
        self.parts.addWidget(page)

    def _replay_page(self) -> tuple[QTableWidget, QLabel]:
        """The replay's table, each limit's neighbouring values a column, and under it how to read it."""
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        table = named_table("Threshold replay", REPLAY_COLUMNS)
        one_line_rows(table, dict.fromkeys(range(1, len(REPLAY_COLUMNS)), STEP_WIDTH), 0)
        whole_rows(table)  # a limit's words end in its value ("at or above 180 mmHg"): never cut off
        layout.addWidget(table, 1)
        note = label(name="How to read the replay")
        layout.addWidget(note)
        self.parts.addWidget(page)
        return table, note

    def _table_page(self, name: str, columns: tuple[str, ...], widths: dict[int, int], stretch: int) -> QTableWidget:
        table = named_table(name, columns)
        one_line_rows(table, widths, stretch)
        self.parts.addWidget(table)
        return table

    def _show_part(self) -> None:
        self.parts.setCurrentIndex([key for key, _ in PARTS].index(self.part.value() or "figures"))

    # ---- reading ---------------------------------------------------------------------------------

    def load(self) -> None:
        """Count the period (months take a second, years longer); a date the reader can fix is said by its
        field."""
        reader = self.signed_in(ASK_READER)
        if reader is None or self.counting:
            return
        self.feedback.clear()
        days = self.period()
        if days is None:
            return
        first, last = days
        care = self.controller.care
        scope = Scope(self.chair.currentData(), self.version.currentData(), self.opened_by.currentData())
        self.count(lambda: care.quality_report(reader.id, first, last, scope=scope), "quality report", first, last)

    def show_report(self, report: QualityReport | None) -> None:
        self.report = report
        self.csv_button.setEnabled(report is not None)
        self.print_button.setEnabled(report is not None)
        for table in (self.figures, self.replay, self.outliers):
            table.clearSpans()
            table.setRowCount(0)
        self.said.clear()
        self.definition.clear()
        if report is None:
            self.counts.clear()
            # No period's name over columns that hold none of its figures (the last report's stay no longer).
            self.figures.setHorizontalHeaderLabels(["Measure", *[""] * (self.figures.columnCount() - 1)])
            return
        versions = ", ".join(report.protocol_versions) or "none"
        self.counts.setText(
            f"{report.period.words()}: {report.sessions} sessions opened; protocol {versions}. Counted: {report.scope}."
        )
        self._fill_figures(report)
        self._fill_replay(report)
        self._fill_outliers(report)
        self.said.setText(_said(report))

    def _fill_figures(self, report: QualityReport) -> None:
        """Each section under its heading; its measures counted in none of the periods in one line after."""
        self.figures.setHorizontalHeaderLabels(["Measure", *self._period_headers(report.periods)])
        rows: list[tuple[str, Comparison | None]] = []
        for section in report.sections:
            every = report.section(section)
            rows.append((section, None))
            rows += [(section, c) for c in every if not quiet(c)]
            silent = [c.measure for c in every if quiet(c)]
            if silent:
                rows.append((f"None in any of these periods: {'; '.join(silent)}", None))
        self.figures.setRowCount(len(rows))
        for row, (words, comparison) in enumerate(rows):
            if comparison is None:
                self._heading(self.figures, row, words, bold=words in report.sections)
                continue
            last = len(comparison.cells) - 1
            measure = measure_words(comparison)
            cells = [measure, *(cell_words(c, counted=i == last) for i, c in enumerate(comparison.cells))]
            tips = [measure, *(cell_words(c, counted=True) for c in comparison.cells)]
            for column, (text, tip) in enumerate(zip(cells, tips, strict=True)):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                item.setData(ROW, comparison)
                self.figures.setItem(row, column, item)
        self.definition.setText(CHOOSE)

    def _period_headers(self, periods: Sequence[Period]) -> list[str]:
        """Each period's name on as many lines as its column's width needs, measured in the header's font."""
        header = self.figures.horizontalHeader()
        header.ensurePolished()
        font = QFont(header.font())
        font.setWeight(QFont.Weight.DemiBold)  # the sections' weight in ``TABLE_SHEET``
        metrics = QFontMetrics(font)

        def fitting(column: int) -> Callable[[str], bool]:
            return lambda words: metrics.horizontalAdvance(words) <= header.sectionSize(column) - HEADER_ROOM

        return [header_words(p.words(), fitting(column)) for column, p in enumerate(periods, 1)]

    def _fill_replay(self, report: QualityReport) -> None:
        lines = report.replay.lines
        self.replay.setRowCount(len(lines))
        self.replay_note.setText(f"{REPLAY_READING} {report.replay.note}")
        for row, line in enumerate(lines):
            cells = [(line.words, f"{line.words}: recorded {line.recorded} sets")]
            for candidate in line.candidates:
                value = f"{candidate.value.normalize():f}"  # the unit is in the limit's words
                tip = f"{value} {line.unit}: {candidate.sets} sets; {candidate.crossing} by it"
                cells.append((f"{value}: {candidate.sets}", tip))
            for column, (text, tip) in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                self.replay.setItem(row, column, item)

    def _fill_outliers(self, report: QualityReport) -> None:
        rows: list[tuple[str, str] | str] = []
        for listing in report.listings:
            rows.append(listing.title)
            # Each row's moment first (the listing's first column, after the patient's when one is shown).
            moment = 1 if listing.columns[0] == PATIENT_COLUMN else 0
            for cells in listing.rows:
                rest = [f"{c}: {v}" for i, (c, v) in enumerate(zip(listing.columns, cells, strict=True)) if i != moment]
                rows.append((cells[moment], "  ·  ".join(rest)))
        if not rows:
            rows.append("No outlier in this period.")
        self.outliers.setRowCount(len(rows))
        for row, found in enumerate(rows):
            if isinstance(found, str):
                self._heading(self.outliers, row, found, bold=True)
                continue
            for column, text in enumerate(found):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.outliers.setItem(row, column, item)

    def _heading(self, table: QTableWidget, row: int, words: str, *, bold: bool) -> None:
        item = QTableWidgetItem(words)
        item.setToolTip(words)
        font = item.font()
        font.setBold(bold)
        item.setFont(font)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        table.setItem(row, 0, item)
        table.setSpan(row, 0, 1, table.columnCount())

    def _say_definition(self) -> None:
        chosen = self.figures.selectedItems()
        comparison = chosen[0].data(ROW) if chosen else None
        if not isinstance(comparison, Comparison):
            return
        latest = comparison.cells[-1]
        note = f" {latest.note}" if latest is not None and latest.note else ""
        method = f" Method: {latest.method}." if latest is not None and latest.method else ""
        self.definition.setText(f"{comparison.measure}: {comparison.definition}{method}{note}")

    # ---- sending it out ---------------------------------------------------------------------------

    def export(self) -> None:
        reader = self.signed_in(ASK_READER)
        report = self.report
        if reader is None or report is None:
            return
        from core.reports.quality_report import export_quality_csv  # ReportLab loads with the first printout

        workplace = self.controller.workplace
        first, last = report.period.first_day.isoformat(), report.period.last_day.isoformat()
        self.export_csv(
            "Export the quality report as CSV",
            f"quality-{first}-{last}.csv",
            lambda path: export_quality_csv(
                workplace.database, self.controller.now(), workplace.workstation.name, report, path, actor_id=reader.id
            ),
        )

    def printout(self) -> tuple[str, bytes, tuple[Output, ...]] | None:
        reader = self.signed_in(ASK_READER)
        report = self.report
        if reader is None or report is None:
            return None
        from core.reports.quality_report import quality_printout  # ReportLab loads with the first printout

        clinic, printed_at = self.controller.clinic(), local_stamp(self.controller.now())
        with waiting():
            printout = self.controller.run(
                None,
                lambda: quality_printout(report, clinic.clinic_name, clinic.page_size, printed_at, reader.name),
                writes=False,
            )
        if printout is None:
            return None
        return f"Quality report {report.period.words()}", printout.pdf, printout.outputs


def _said(report: QualityReport) -> str:
    lines = ["Reasons given for overrides, grouped by their words:"]
    for grouped in report.reasons:
        lines += [f"• {grouped.title}: {words} — {count}" for words, count in grouped.rows]
    if not report.reasons:
        lines.append("• None in this period.")
    lines += ["", "Who silenced alarms (silences, minutes in all):"]
    lines += [f"• {who}: {count}, {minutes} min" for who, count, minutes in report.silencers]
    if not report.silencers:
        lines.append("• Nobody silenced an alarm in this period.")
    return "\n".join(lines)
