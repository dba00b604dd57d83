"""A patient's courses on screen, read only: each course in order with the gap between them, every day of
it in words, the sessions' dose, weight, peaks and adverse events, and the outcome chart; printable.

Opened from the chair ("Course…") for the patient in it, and by id for any patient (the charge nurse's
lists). Core reads the record whole (``Care.course_record``); opening it is a view of the patient's record
and is audited as one. The course summary printed from here is the same snapshot, through the print
preview, each copy audited by core.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.course_record import CourseRecord, PatientCourses
from core.dates import local_stamp
from core.reports.output import Output
from ui.controller import Controller
from ui.dialogs.base import Dialog, WrappedWords, tab_order
from ui.dialogs.people import named_table
from ui.dialogs.print_preview import show_pdf
from ui.printouts import waiting
from ui.style import TARGET
from ui.widgets.forms import button, label
from ui.widgets.outcome_chart import OutcomeCharts

DAY_COLUMNS = ("Day", "Status", "Weight, dose", "Vital signs", "Side effects, AE")
OUTCOME_COLUMNS = ("Answered", "Time point", "Forms (T ± SE)", "Pain 0–10", "Asked")
LIST_WIDTH = 220
CHART = "chart"
ASK_SIGN_IN = "Sign in to print the course summary."


def day_cells(course: CourseRecord) -> list[tuple[str, ...]]:
    """A row per day, and one more under a day with a second session; every cell's words whole on hover."""
    rows = []
    for day in course.days:
        sessions = list(day.sessions) or [None]
        for index, line in enumerate(sessions):
            status = f"{day.symbol} {day.words}" if index == 0 else f"also: {line.outcome_words if line else ''}"
            effects = "—"
            if line is not None:
                said = [f"{e.item} {e.grade.lower()}" for e in line.effects]
                said += [f"AE: {a.what} ({a.severity}), {a.action}" for a in line.adverse_events]
                effects = "; ".join(said) or "none"
            dose = "—"
            if line is not None and line.dose_mg is not None:
                given = line.given_mg if line.given_mg is not None and line.given_mg != line.dose_mg else None
                dose = f"{line.dose_mg} mg" + (f" ({given})" if given is not None else "")
            when = f"{day.day}\n{day.on:%a %d %b}" if day.on else str(day.day)
            weight = f"{line.weight_kg} kg" if line and line.weight_kg is not None else "—"
            rows.append(
                (
                    when if index == 0 else "",
                    status,
                    f"{weight}\n{dose}",
                    line.peaks.words if line else "—",
                    effects,
                )
            )
    return rows


def course_heading(course: CourseRecord) -> str:
    gap = f", {course.gap_days} days after course {course.number - 1}'s last infusion" if course.gap_days else ""
    return f"{course.label}: from {course.order.first_day:%a %d %b %Y}, {course.order.days} days{gap}"


def course_facts(course: CourseRecord) -> str:
    order = course.order
    return (
        f"Ordered by {order.prescriber}; transcribed by {course.ordered_by} on "
        f"{order.recorded_at.astimezone():%Y-%m-%d}; "
        f"protocol {order.protocol_id} {order.protocol_version}. {course.state_words.capitalize()}. "
        f"Days: {course.tally}."
    )


def trend_words(course: CourseRecord) -> str:
    weights = " → ".join(str(kg) for _, kg in course.weights)
    doses = " → ".join(str(mg) for _, mg in course.doses)
    return "; ".join(
        part for part in (f"Weight (kg): {weights}" if weights else "", f"dose (mg): {doses}" if doses else "") if part
    )


def list_words(course: CourseRecord) -> str:
    """Two or three short lines: which course and when, how long and whether it is over, the gap before it."""
    state = "ended" if course.replaced or course.span.ended else "in progress"
    gap = f"\n{course.gap_days} days after course {course.number - 1}" if course.gap_days is not None else ""
    return f"{course.label} · {course.order.first_day:%d %b %Y}\n{course.order.days} days · {state}{gap}"


def scrolled(page: QWidget, name: str) -> QScrollArea:
    """The page scrolls as a whole (its tables are as tall as their rows), so nothing is cut off at 1024×768;
    ``name``: what a screen reader says of it, as the keys scroll it."""
    scroll = QScrollArea()
    scroll.setAccessibleName(name)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(page)
    return scroll


def fit_rows(table: QTableWidget) -> None:
    """The table as tall as its rows at the width it has: the page around it scrolls instead."""
    table.resizeRowsToContents()
    fit_height(table)


def fit_height(table: QTableWidget) -> None:
    header = table.horizontalHeader()
    height = max(header.height(), header.sizeHint().height()) + table.verticalHeader().length()
    table.setFixedHeight(height + 2 * table.frameWidth() + 2)


def wrapping_rows(table: QTableWidget, stretch: tuple[int, ...]) -> None:
    """Every word in view, nothing cut short: the short columns fit their words, the ``stretch`` columns
    share the rest and wrap, and each row grows to its words whenever the columns change width (a course
    has a handful of days, so a row may take two or three lines at 1024 wide)."""
    table.setWordWrap(True)
    table.setTextElideMode(Qt.TextElideMode.ElideNone)
    table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    for column in stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    # A wrapping column that widens or narrows changes the rows' heights, and so the table's. The rows follow
    # their words by themselves: a stretched column's new width, once the page is laid out at its size, came
    # after the last fit (at 1024 wide a day's vital signs ended in "…", a line short).
    header.sectionResized.connect(lambda *_: fit_rows(table))
    table.setItemDelegate(WrappedWords(table))
    rows = table.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    rows.sectionResized.connect(lambda *_: fit_height(table))


class CourseViewDialog(Dialog):
    def __init__(self, controller: Controller, patient_id: str, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent, "Courses", width=900, height=600, spacing=6, remember="course view")
        self.patient_id = patient_id
        self.record: PatientCourses | None = None
        self.who = label(role="heading", name="Patient of the courses")
        self.column.addWidget(self.who)
        self.column.addWidget(self.message_line("Course message"))
        body = QHBoxLayout()
        self.courses = QListWidget()
        self.courses.setAccessibleName("Courses and the outcome chart")
        self.courses.setFixedWidth(LIST_WIDTH)
        self.courses.setWordWrap(True)
        self.pages = QStackedWidget()
        body.addWidget(self.courses)
        body.addWidget(self.pages, 1)
        self.column.addLayout(body, 1)
        close = button("Close", "Close the course view")
        close.clicked.connect(self.reject)
        self.print_button = button("Print…", "Print the course summary", role="primary")
        self.print_button.clicked.connect(self.print_)
        self.add_buttons([close], [self.print_button])
        tab_order(self.courses, self.print_button, close)
        self.courses.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.load()
        self.courses.setFocus()

    def load(self) -> None:
        """Read the patient's courses whole; opening them is a view of the record, audited."""
        record = self.controller.run(
            self.feedback, lambda: self.controller.care.course_record(self.patient_id), writes=False
        )
        self.record = record
        self.print_button.setEnabled(record is not None)
        if record is None:
            return
        self.controller.record_view(self.patient_id, None)
        patient = record.patient
        self.who.setText(f"{patient.full_name} · born {patient.birth_date.isoformat()} · {patient.mrn}")
        self.setWindowTitle(f"Courses — {patient.full_name}")
        self.courses.clear()
        while self.pages.count():
            page = self.pages.widget(0)
            self.pages.removeWidget(page)
            page.deleteLater()
        for course in record.courses:
            self._add_entry(list_words(course), course.label)
            self.pages.addWidget(self._course_page(course))
        self._add_entry("Outcome chart\nevery measure over time", CHART)
        self.pages.addWidget(self._chart_page(record))
        if not record.courses:
            self.feedback.ask("No course order is recorded for this patient yet.")
        self.courses.setCurrentRow(max(0, len(record.courses) - 1))  # the latest course first

    def _add_entry(self, words: str, key: str) -> None:
        item = QListWidgetItem(words)
        item.setData(Qt.ItemDataRole.UserRole, key)
        item.setToolTip(words.replace("\n", " · "))
        lines = words.count("\n") + 1
        item.setSizeHint(item.sizeHint().expandedTo(self._row_size(lines)))
        self.courses.addItem(item)

    def _row_size(self, lines: int) -> QSize:
        """Each entry at least a gloved finger tall, and tall enough for its lines."""
        self.courses.ensurePolished()
        return QSize(LIST_WIDTH - 8, max(TARGET, lines * self.courses.fontMetrics().lineSpacing() + 14))

    def _course_page(self, course: CourseRecord) -> QWidget:
        page = QWidget()
        page.setAccessibleName(course.label)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(label(course_heading(course), role="heading", name=f"{course.label} heading"))
        column.addWidget(label(course_facts(course), name=f"{course.label} order"))
        days = named_table(f"{course.label} days", DAY_COLUMNS)
        wrapping_rows(days, stretch=(1, 3, 4))
        self._fill(days, day_cells(course))
        column.addWidget(days)
        trend = trend_words(course)
        if trend:
            column.addWidget(label(trend, role="hint", name=f"{course.label} trend"))
        column.addWidget(label("Outcome forms", role="heading", wrap=False))
        if course.outcomes:
            outcomes = named_table(f"{course.label} outcome forms", OUTCOME_COLUMNS)
            wrapping_rows(outcomes, stretch=(2,))
            rows = []
            for line in course.outcomes:
                point = line.point_label + ("" if line.counts or line.point_id is None else " (not the one counted)")
                forms = "\n".join(f.described for f in line.forms) or "—"  # a measure a line
                pain = "—" if line.pain_intensity is None else str(line.pain_intensity)
                rows.append((line.taken_on.isoformat(), point, forms, pain, line.mode))
            self._fill(outcomes, rows)
            column.addWidget(outcomes)
        else:
            column.addWidget(label("None recorded for this course.", role="hint"))
        column.addStretch(1)
        return scrolled(page, f"{course.label}, day by day")

    @staticmethod
    def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
        table.setRowCount(len(rows))
        for row, cells in enumerate(rows):
            for column, words in enumerate(cells):
                item = QTableWidgetItem(words)
                item.setToolTip(words)
                table.setItem(row, column, item)
        fit_rows(table)

    def _chart_page(self, record: PatientCourses) -> QWidget:
        self.chart = OutcomeCharts(record.chart)
        return scrolled(self.chart, "Outcome charts")

    # ---- printing -----------------------------------------------------------------------------

    def printout(self) -> tuple[str, bytes, Output] | None:
        """The course summary of the record as shown, for the print preview, with what it is for the audit."""
        user = self.signed_in(ASK_SIGN_IN)
        record = self.record
        if user is None or record is None:
            return None
        from core.reports.course_summary import course_printout  # ReportLab loads with the first printout
        from core.reports.session_summary import Printing

        clinic = self.controller.clinic()
        printing = Printing(clinic.clinic_name, clinic.page_size, local_stamp(self.controller.now()), user.name)
        with waiting():
            built = self.controller.run(None, lambda: course_printout(record, printing), writes=False)
        if built is None:
            return None
        return f"Course summary {record.patient.mrn}", built.pdf, built.outputs[0]

    def print_(self) -> None:
        built = self.printout()
        if built is not None:
            show_pdf(self, self.controller, *built)

    @classmethod
    def show_for(cls, controller: Controller, patient_id: str, parent: QWidget | None = None) -> None:
        """Open the course view of any patient by id and wait until it is closed."""
        dialog = cls(controller, patient_id, parent)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()
