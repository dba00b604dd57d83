"""An empty chair: find the patient (or register them), confirm two identifiers (the name with the date
of birth or the record number), seat them."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.course import usual_order
from core.services import PatientView
from ui.controller import Controller
from ui.text import patient_line
from ui.widgets.feedback import Feedback
from ui.widgets.forms import WrappingCheck, button, check_box, label, line_edit
from ui.widgets.scan_field import ScanField

PATIENT_ID = Qt.ItemDataRole.UserRole
IDENTIFIERS = (("name", "Full name"), ("birth_date", "Date of birth"), ("mrn", "Medical record number"))


class IdentifyPage(QWidget):
    def __init__(self, controller: Controller, chair: int) -> None:
        super().__init__()
        self.controller = controller
        self.chair = chair
        layout = QHBoxLayout(self)

        find = QGroupBox("Find the patient")
        column = QVBoxLayout(find)
        self.search = ScanField("Search patient", "Record number or name (or scan the wristband)")
        self.search.returnPressed.connect(self._search)
        search_button = button("Search", "Search")
        search_button.clicked.connect(self._search)
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(search_button)
        column.addLayout(row)
        self.results = QListWidget()
        self.results.setAccessibleName("Search results")
        self.results.setMinimumHeight(150)
        self.results.setMaximumHeight(220)  # the identifiers and the seat button stay in view below it
        self.results.setWordWrap(True)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        column.addWidget(self.results)
        self.search_feedback = Feedback("Search message")
        column.addWidget(self.search_feedback)

        column.addWidget(
            label("Ask the patient, and check against the wristband. Tick the name and one other that matches:")
        )
        self.identifiers = {key: check_box(f"{text} matches", f"{text} matches") for key, text in IDENTIFIERS}
        for box in self.identifiers.values():
            column.addWidget(box)
        self.seat = button(f"Seat patient in chair {chair}", role="primary")
        self.seat.clicked.connect(self._seat)
        column.addWidget(self.seat)
        self.override_caption = label("Prescriber's override for a second infusion today (who and why)")
        self.override = line_edit("Same-day override", "e.g. Dr Patel by phone: first bag leaked")
        self.override.returnPressed.connect(self._seat)
        for widget in (self.override_caption, self.override):
            widget.hide()  # shown when core finds an infusion already given today
            column.addWidget(widget)
        self.feedback = Feedback("Seat message")
        self.feedback.bind("identifiers", self.identifiers["name"])
        self.feedback.bind("same_day_override", self.override, self.override_caption)
        column.addWidget(self.feedback)
        self.course = self._course_form()
        self.feedback.bind("course", self.course)
        column.addWidget(self.course)
        layout.addWidget(find, 3)

        register = QGroupBox("Register a new patient")
        form = QGridLayout(register)
        self.register_feedback = Feedback("Register message")
        self.new: dict[str, QLineEdit] = {}
        entries = (
            ("mrn", "Medical record number", ""),
            ("family_name", "Family name", ""),
            ("given_name", "Given name", ""),
            ("birth_date", "Date of birth", "YYYY-MM-DD"),
        )
        for index, (key, text, hint) in enumerate(entries):
            field = line_edit(text, hint)
            caption = label(text)
            caption.setBuddy(field)
            form.addWidget(caption, index * 2, 0)
            form.addWidget(field, index * 2 + 1, 0)
            self.new[key] = field
            self.register_feedback.bind(key, field)
        self.new["birth_date"].returnPressed.connect(self._register)
        self.confirm_new = WrappingCheck("A different person: none of the records listed is this patient.")
        self.confirm_new.hide()  # shown when core finds a record that may be the same person
        self.register_feedback.bind("confirm_new", self.confirm_new)
        form.addWidget(self.confirm_new, 8, 0)
        add = button("Register patient", role=None)
        add.clicked.connect(self._register)
        form.addWidget(add, 9, 0)
        form.addWidget(self.register_feedback, 10, 0)
        form.setRowStretch(11, 1)
        layout.addWidget(register, 2)

    def _course_form(self) -> QGroupBox:
        """The prescriber's order, asked for when the patient has no course in force (first visit, or the
        last course ended): starting a course is always this deliberate step."""
        box = QGroupBox("Course order")
        grid = QGridLayout(box)
        grid.addWidget(label("Transcribe the prescriber's order, then seat the patient."), 0, 0, 1, 2)
        self.order = {
            "prescriber": line_edit("Prescriber", "Who ordered the course"),
            "first_day": line_edit("First day of the course", "YYYY-MM-DD"),
            "course_days": line_edit("Number of days", "as on the order"),
        }
        self.order_feedback = Feedback("Course order message")
        for row, (key, field) in enumerate(self.order.items(), start=1):
            grid.addWidget(label(field.accessibleName()), row, 0)
            grid.addWidget(field, row, 1)
            self.order_feedback.bind(key, field)
        self.replacing = self._replacing_form()
        grid.addWidget(self.replacing, 4, 0, 1, 2)
        record = button("Record course order and seat", role="primary")
        record.clicked.connect(self._record_course)
        self.order["course_days"].returnPressed.connect(self._record_course)
        grid.addWidget(record, 5, 1)
        grid.addWidget(self.order_feedback, 6, 0, 1, 2)
        box.hide()
        return box

    def _replacing_form(self) -> QWidget:
        """Shown only when core finds the patient's course still has days left: the new order replaces it
        only if the nurse says so and why."""
        form = QWidget()
        column = QVBoxLayout(form)
        column.setContentsMargins(0, 0, 0, 0)
        self.replace = WrappingCheck("The prescriber's new order replaces the course still in force.")
        self.replace_reason = line_edit("Why the new order replaces it", "e.g. the first day was mistyped")
        self.replace_reason.returnPressed.connect(self._record_course)
        column.addWidget(self.replace)
        column.addWidget(label(self.replace_reason.accessibleName()))
        column.addWidget(self.replace_reason)
        self.order_feedback.bind("replace_running", form)
        self.order_feedback.bind("replace_reason", self.replace_reason)
        form.hide()
        return form

    def _clear_replacing(self) -> None:
        self.replace.box.setChecked(False)
        self.replace_reason.clear()
        self.replacing.hide()

    def _bring_into_view(self, widget: QWidget) -> None:
        """The page scrolls inside the chair panel: show what core just asked for."""
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if isinstance(parent, QScrollArea):
            area = parent  # after the layout has placed the widget that just appeared
            QTimer.singleShot(0, lambda: area.ensureWidgetVisible(widget))

    def _record_course(self) -> None:
        item = self.results.currentItem()
        if item is None:
            self.order_feedback.ask("Choose the patient in the search results first.")
            return
        order = (self.order["prescriber"].text(), self.order["first_day"].text(), self.order["course_days"].text())
        replacing = not self.replacing.isHidden()
        replace = replacing and self.replace.isChecked()
        reason = self.replace_reason.text() if replacing else None
        recorded = self.controller.record_course(self.order_feedback, item.data(PATIENT_ID), order, replace, reason)
        if recorded is not None:
            for field in self.order.values():
                field.clear()
            self._clear_replacing()
            self.course.hide()
            self._seat()

    def _show(self, patients: list[PatientView]) -> None:
        self.results.clear()
        for patient in patients:
            item = QListWidgetItem(patient_line(patient))
            item.setData(PATIENT_ID, patient.id)
            self.results.addItem(item)
        if len(patients) == 1:
            self.results.setCurrentRow(0)

    def _search(self) -> None:
        found = self.controller.find_patients(self.search_feedback, self.search.text())
        if found is None:
            return
        self._show(found)
        if not found:
            self.search_feedback.note("No patient found. Check the spelling, or register a new patient.", "quiet")
        elif self.search.scanned and len(found) == 1 and found[0].mrn == self.search.text().strip():
            # The wristband itself gave the record number: that identifier is checked; one more is asked.
            self.identifiers["mrn"].setChecked(True)
            self.search_feedback.note(
                "Wristband scanned: the record number matches. Ask the patient to say their name and tick it.",
                "quiet",
            )

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        """An empty chair waits for a scan: the wristband's code lands in the search field."""
        super().showEvent(event)
        if not any(field.text() for field in self.new.values()):  # not while a registration is half-typed
            self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def _register(self) -> None:
        typed = {key: field.text() for key, field in self.new.items()}
        entered = (typed["mrn"], typed["family_name"], typed["given_name"], typed["birth_date"])
        confirmed = self.confirm_new.isVisible() and self.confirm_new.isChecked()
        patient = self.controller.register_patient(self.register_feedback, entered, confirmed)
        if patient is None:
            if self.confirm_new.isVisible() and not confirmed:  # core pointed out possible duplicates
                self._show(self.controller.similar_patients(*entered[1:]))
            return
        for field in self.new.values():
            field.clear()
        self.confirm_new.box.setChecked(False)
        self.confirm_new.hide()
        self._show([patient])
        self.register_feedback.saved(f"Registered {patient.full_name}. Confirm two identifiers, then seat.")

    def _seat(self) -> None:
        item = self.results.currentItem()
        if item is None:
            self.feedback.ask("Choose the patient in the search results first.")
            return
        chosen = tuple(key for key, box in self.identifiers.items() if box.isChecked())
        override = None if self.override.isHidden() else self.override.text()
        patient_id = item.data(PATIENT_ID)
        if self.controller.open_session(self.feedback, patient_id, self.chair, chosen, override) is None:
            if not self.course.isHidden() and not self.order["first_day"].text():
                # The usual order, from core; the nurse checks both against the order itself.
                usual = usual_order(self.controller.protocol, self.controller.now())
                self.order["first_day"].setText(usual.first_day.isoformat())
                self.order["course_days"].setText(str(usual.days))
                self.order["prescriber"].setFocus()
                self._bring_into_view(self.course)
        else:
            for box in self.identifiers.values():
                box.setChecked(False)
            self.override.clear()
            for widget in (self.override_caption, self.override, self.course):
                widget.hide()
            self._clear_replacing()
            self.results.clear()
            self.search.clear()
