"""An empty chair: find the patient (or register them), confirm two identifiers, seat them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

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
        self.results.setWordWrap(True)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        column.addWidget(self.results, 1)
        self.search_feedback = Feedback("Search message")
        column.addWidget(self.search_feedback)

        column.addWidget(label("Ask the patient, and check against the wristband. Tick the two that match:"))
        self.identifiers = {key: check_box(f"{text} matches", f"{text} matches") for key, text in IDENTIFIERS}
        for box in self.identifiers.values():
            column.addWidget(box)
        self.seat = button(f"Seat patient in chair {chair}", role="primary")
        self.seat.clicked.connect(self._seat)
        column.addWidget(self.seat)
        self.feedback = Feedback("Seat message")
        self.feedback.bind("identifiers", self.identifiers["name"])
        column.addWidget(self.feedback)
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
                "Wristband scanned: the record number matches. Ask the patient's name or date of birth and tick it.",
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
        if self.controller.open_session(self.feedback, item.data(PATIENT_ID), self.chair, chosen) is not None:
            for box in self.identifiers.values():
                box.setChecked(False)
            self.results.clear()
            self.search.clear()
