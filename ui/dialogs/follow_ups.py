"""The charge nurse's follow-up list on screen: every course's follow-up forms overdue, due, upcoming,
missed and done today, most urgent first, with how to reach each patient; from a row, the patient's answers
(by phone, most often), courses and contact route.

Core makes the list and writes a "follow-up list viewed" audit line each time it is read (it shows many
patients' names and numbers), so the window reads it on opening and after a change made from it. The
status filter is a row of large buttons, each with its count; a status is said in words and a shape,
never in colour alone. From a chosen row the nurse records the patient's answers or how to reach the
patient, or reads the patient's courses; after a change the list is read again at once, and the row stays
chosen. Actions on the chosen row's patient are listed in one place
(``_row_actions``), each a method that receives the patient's id.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QTableWidgetItem, QWidget

from core.dates import local_stamp
from core.outcomes.due import STATUS_SYMBOLS, STATUS_WORDS, FollowUp, FollowUpList, Status
from core.reports.output import Output
from ui.controller import Controller
from ui.dialogs.base import Dialog, one_line_rows, tab_order, whole_rows
from ui.dialogs.course_view import CourseViewDialog
from ui.dialogs.follow_up_contact import FollowUpContactDialog
from ui.dialogs.outcome_forms import OutcomeFormsDialog
from ui.dialogs.people import named_table
from ui.dialogs.print_preview import show_pdf
from ui.printouts import waiting
from ui.widgets.forms import button, label
from ui.widgets.segmented import Segmented

ITEM = Qt.ItemDataRole.UserRole
ALL = "all"
FILTERS: tuple[tuple[str, str], ...] = (
    (ALL, "All"),
    *((status.value, f"{STATUS_SYMBOLS[status]} {STATUS_WORDS[status]}") for status in Status),
)
"""The filter's buttons: every status of the list, most urgent first, and all of them."""
COLUMNS = ("Status", "Patient", "MRN", "Course", "Follow-up", "When", "How to reach")
"""What she acts on, left to right, one line a row; the chosen row is said whole under the table (with the
date of birth and the window's dates), and every row on paper."""
ASK_CHARGE_NURSE = "Sign in as a charge nurse to read the follow-up list."
NONE_CHOSEN = "Choose a row to see it whole here (date of birth, the window's dates) and to record a contact route."


PATIENT_WIDTH = 140
REACH_WIDTH = 180
CELL_ROOM = 2 * 10 + 6
"""A cell's padding on both sides (``TABLE_SHEET``) and a little more, so a phone number never touches the grid."""
NO_BREAK = "\u00a0"
NUMBER_SIGNS = frozenset("0123456789+()-. ")


def unbroken_number(contact: str) -> str:
    """How to reach the patient, its phone number kept on one line where the cell wraps: a number broken over
    two lines ("+1 555 0100" / "0133") is misread and misdialled. The rest ("(phone call) — Mornings") may
    wrap."""
    number, opening, rest = contact.partition(" (")
    if not opening or not number or not set(number) <= NUMBER_SIGNS:
        return contact
    return f"{number.replace(' ', NO_BREAK)}{opening}{rest}"


def row_cells(item: FollowUp) -> tuple[str, ...]:
    """A cell a column; a long one wraps (``whole_rows``), its whole words on its tooltip too."""
    person = item.patient
    return (
        item.status_words,
        person.name,
        person.mrn,
        str(item.course_number),
        item.label,
        item.when_words,
        unbroken_number(item.contact),
    )


def whole_words(item: FollowUp) -> str:
    """The chosen row in full: who (with the date of birth, to check on the phone), which follow-up, its
    window and where it stands, and how to reach the patient."""
    person = item.patient
    return (
        f"{person.name} · MRN {person.mrn} · born {person.birth_date.isoformat()} — {item.label} of course "
        f"{item.course_number}: window {item.window_words}; {item.status_words.split(' ', 1)[1].lower()}, "
        f"{item.when_words}.\nHow to reach: {item.contact}"
    )


def same(one: FollowUp, other: FollowUp) -> bool:
    """The same follow-up, whatever became of its status since."""
    return (one.patient.patient_id, one.course_id, one.point_id) == (
        other.patient.patient_id,
        other.course_id,
        other.point_id,
    )


class FollowUpsDialog(Dialog):
    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent, "Follow-ups due", width=960, height=600, spacing=6, remember="follow-ups")
        self.found: FollowUpList | None = None
        self.rules = label(role="hint", name="How the list is made")
        self.column.addWidget(self.rules)
        self.filter = Segmented("Show", FILTERS)
        self.filter.set_value(ALL)
        self.filter.changed.connect(self._filter_chosen)
        self.column.addWidget(self.filter)
        self.heading = label(role="heading", name="Follow-ups shown", wrap=False)
        self.column.addWidget(self.heading)
        self.table = named_table("Follow-ups", COLUMNS)
        # The patient's name and how to reach her wrap (at 1024 wide both were cut short, "HAVERKAM…", "+1 555
        # 01…", and they are what the list is for), the phone number whole on its line; "when" takes the rest.
        one_line_rows(self.table, {1: PATIENT_WIDTH, len(COLUMNS) - 1: REACH_WIDTH}, 5)
        whole_rows(self.table)
        self.table.itemSelectionChanged.connect(self._offer_row_actions)
        self.column.addWidget(self.table, 1)
        self.whole = label(NONE_CHOSEN, name="Chosen follow-up")
        self.column.addWidget(self.whole)
        self.column.addWidget(self.message_line("Follow-ups message"))
        close = button("Close", "Close the follow-up list")
        close.clicked.connect(self.reject)
        self.print_button = button("Print…", "Print the follow-up list", role="primary")
        self.print_button.clicked.connect(self.print_)
        self.row_buttons = [self._row_button(words, name, act) for words, name, act in self._row_actions()]
        self.add_buttons([close], [*self.row_buttons, self.print_button])
        tab_order(self.filter, self.table, *self.row_buttons, self.print_button, close)
        self.load()
        self.filter.setFocus()

    # ---- what can be done for the chosen row's patient ------------------------------------------------

    def _row_actions(self) -> list[tuple[str, str, Callable[[str], None]]]:
        """(words, accessible name, the action given the chosen row's patient id), in the order shown: a new
        action on the patient of a row is one more line here."""
        return [
            ("Record answers…", "Record the chosen patient's answers to the outcome forms", self.record_answers),
            ("Courses…", "Open the chosen patient's courses and outcome chart", self.open_courses),
            ("Record contact…", "Record how to reach the chosen patient", self.record_contact),
        ]

    def record_answers(self, patient_id: str) -> None:
        """The patient's answers, most often taken by phone: the list is read again, and a follow-up the
        answers count for moves to done."""
        chosen = self.chosen()
        patient = self.controller.run(self.feedback, lambda: self.controller.care.patient(patient_id), writes=False)
        if patient is None:
            return
        if OutcomeFormsDialog.ask(self.controller, patient, self, mode="phone"):
            self.load(keep=chosen)

    def open_courses(self, patient_id: str) -> None:
        CourseViewDialog.show_for(self.controller, patient_id, self)

    def _row_button(self, words: str, name: str, act: Callable[[str], None]) -> QPushButton:
        widget = button(words, name)
        widget.clicked.connect(lambda: self._for_chosen(act))
        return widget

    def _for_chosen(self, act: Callable[[str], None]) -> None:
        item = self.chosen()
        if item is None:
            self.feedback.ask("Choose a patient's row in the list first.")
            return
        act(item.patient.patient_id)

    def record_contact(self, patient_id: str) -> None:
        """Record how to reach the patient; the list is read again, and the row stays chosen."""
        chosen = self.chosen()
        who = self._who(patient_id)
        recorded = FollowUpContactDialog.ask(self.controller, patient_id, who, self)
        if recorded is None:
            return
        self.load(keep=chosen)
        self.feedback.saved(f"Recorded for {who}: {recorded.words}.")

    def _who(self, patient_id: str) -> str:
        item = next((i for i in self.found.items if i.patient.patient_id == patient_id), None) if self.found else None
        if item is None:
            return "the patient"
        person = item.patient
        return f"{person.name} · MRN {person.mrn} · born {person.birth_date.isoformat()}"

    def _offer_row_actions(self) -> None:
        item = self.chosen()
        for widget in self.row_buttons:
            widget.setEnabled(item is not None)
        self.whole.setText(whole_words(item) if item is not None else NONE_CHOSEN)

    # ---- reading --------------------------------------------------------------------------------------

    def load(self, keep: FollowUp | None = None) -> None:
        """Read the list for today (core checks who may, and records the reading); ``keep``: the row to
        have chosen again, if it is still shown."""
        reader = self.signed_in(ASK_CHARGE_NURSE)
        if reader is None:
            return
        care, by = self.controller.care, reader.id
        found = self.controller.run(self.feedback, lambda: care.view_follow_ups(by), writes=False)
        self.found = found
        self.print_button.setEnabled(found is not None)
        if found is None:  # what was on screen no longer matches what was asked: show nothing rather than mislead
            self.table.setRowCount(0)
            self.heading.setText("")
            self._offer_row_actions()
            return
        self.rules.setText(
            f"After each course's last infusion: upcoming in the next {found.ahead_days} days, due and overdue "
            f"now, missed or done in windows closed in the last {found.look_back_days} days. Print the list to "
            "read its rules. Each reading is audited."
        )
        self.rules.setToolTip("\n".join(found.rules))
        counts = found.counts
        for value, option in self.filter.buttons.items():
            words = dict(FILTERS)[value]
            count = len(found.items) if value == ALL else counts[Status(value)]
            option.setText(f"{words}\n{count}")
            option.setAccessibleName(f"Show {words.split(' ', 1)[-1]}, {count}")
        self._show(keep)

    def status(self) -> Status | None:
        value = self.filter.value()
        return None if value in {None, ALL} else Status(value)

    def _filter_chosen(self) -> None:
        if self.filter.value() is None:  # a tap on the chosen one un-chooses it: show everything again
            self.filter.set_value(ALL)
        self._show(self.chosen())

    def _show(self, keep: FollowUp | None = None) -> None:
        found = self.found
        if found is None:
            return
        status = self.status()
        shown = found.of(status)
        what = "All follow-ups" if status is None else f"{STATUS_WORDS[status]} follow-ups"
        nothing = ": none" if not shown else ""
        self.heading.setText(f"{what} on {found.on:%A} {found.on.isoformat()} ({len(shown)}){nothing}")
        self.table.clearSelection()
        self.table.setRowCount(len(shown))
        for row, item in enumerate(shown):
            for column, text in enumerate(row_cells(item)):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                cell.setData(ITEM, item)
                if column == 0 and item.status is Status.OVERDUE:
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                self.table.setItem(row, column, cell)
        self._fit_numbers(shown)
        again = next((row for row, item in enumerate(shown) if keep is not None and same(item, keep)), None)
        if again is not None:
            self.table.selectRow(again)
        self._offer_row_actions()

    def _fit_numbers(self, shown: Sequence[FollowUp]) -> None:
        """How to reach as wide as the longest phone number shown, which may not break."""
        metrics = self.table.fontMetrics()
        numbers = [unbroken_number(item.contact).partition(" (")[0] for item in shown]
        widest = max((metrics.horizontalAdvance(n) for n in numbers if NO_BREAK in n), default=0)
        self.table.horizontalHeader().resizeSection(len(COLUMNS) - 1, max(REACH_WIDTH, widest + CELL_ROOM))

    def chosen(self) -> FollowUp | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0).data(ITEM)
        return item if isinstance(item, FollowUp) else None

    # ---- printing -------------------------------------------------------------------------------------

    def printout(self) -> tuple[str, bytes, Output] | None:
        """The list as shown (the status chosen), as the PDF the print preview shows and sends."""
        reader = self.signed_in(ASK_CHARGE_NURSE)
        found = self.found
        if reader is None or found is None:
            return None
        from core.reports.follow_ups_pdf import filter_words, follow_ups_pdf  # ReportLab loads with the first

        status = self.status()
        clinic, printed_at = self.controller.clinic(), local_stamp(self.controller.now())
        with waiting():
            pdf = self.controller.run(
                None,
                lambda: follow_ups_pdf(found, clinic.clinic_name, clinic.page_size, printed_at, reader.name, status),
                writes=False,
            )
        if pdf is None:
            return None
        day = found.on.isoformat()
        return f"Follow-ups due {day}", pdf, Output(f"follow-ups due {day} ({filter_words(status).lower()}), PDF", "")

    def print_(self) -> None:
        built = self.printout()
        if built is not None:
            self.preview(*built)

    def preview(self, title: str, pdf: bytes, output: Output) -> None:
        """The print preview, which prints or saves each copy and audits it."""
        show_pdf(self, self.controller, title, pdf, output)

    @classmethod
    def ask(cls, controller: Controller, parent: QWidget | None = None) -> None:
        dialog = cls(controller, parent)
        dialog.exec()
