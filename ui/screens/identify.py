"""An empty chair: find the patient (or register them), confirm two identifiers (the name with the date
of birth or the record number), seat them.

The name is confirmed by a tap; the date of birth the patient says, or the record number read off (or
scanned from) the wristband, is typed and core compares it with the record. The chosen patient is shown
as a card with both identifiers before anything is recorded. Messages sit in space kept for them, so a
message never moves what the nurse is about to tap.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QFocusEvent, QFont, QFontMetrics, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.complete import day_complete
from core.course import usual_order
from core.identify import SEXES, Details, Identified, same_record_number
from core.views import PatientView
from ui.controller import Controller
from ui.style import TARGET
from ui.text import allergies_tone, allergies_words, banner_line, patient_line
from ui.widgets.advance import advance_when_complete
from ui.widgets.contact_fields import ContactFields
from ui.widgets.feedback import Feedback
from ui.widgets.forms import WrappingCheck, button, caption_for, card, choice, label, line_edit, set_tone

PATIENT_ID = Qt.ItemDataRole.UserRole
ORDER_LINES, SEAT_LINES = 2, 4
"""Space kept for a message, in lines, so a message does not push the buttons down."""
RESULTS_HEIGHT = 84
"""The search results' place, in pixels: four short rows, or a message of three lines in their stead."""
SIDE_BY_SIDE = 880
"""The page width, in pixels, from which the forms sit beside the search rather than below it."""


class RowCheck(QCheckBox):
    """A tick box the width of its row: a gloved tap anywhere on the row ticks it, not only on its text."""

    def __init__(self, text: str, name: str) -> None:
        super().__init__(text)
        self.setAccessibleName(name)
        self.setStyleSheet(  # its own sheet's height: TARGET less the border
            "QCheckBox { border: 1px solid #b8c2cc; border-radius: 6px; padding: 0 12px; "
            f"min-height: {TARGET - 2}px; }}"
        )

    def hitButton(self, pos: QPoint) -> bool:  # noqa: N802 (Qt's name)
        return self.rect().contains(pos)


class FocusField(QLineEdit):
    """A field that says when the nurse puts the cursor in it (a scan's mark ends there)."""

    def __init__(self, name: str, placeholder: str, on_focus: Callable[[], None]) -> None:
        super().__init__()
        self.setAccessibleName(name)
        self.setPlaceholderText(placeholder)
        self.setMinimumHeight(48)
        self._on_focus = on_focus

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt's name)
        self._on_focus()
        super().focusInEvent(event)


def hold_rows(grid: QGridLayout, *rows: int) -> None:
    """Rows of fields keep one height: the focus and a refused value draw a field's border thicker, which
    makes it two pixels taller and would move everything below it."""
    for row in rows:
        grid.setRowMinimumHeight(row, TARGET)


def reserved(feedback: Feedback, lines: int = ORDER_LINES) -> QWidget:
    """The message inside a slot that keeps its height when the message is hidden."""
    slot = QWidget()
    column = QVBoxLayout(slot)
    column.setContentsMargins(0, 0, 0, 0)
    column.addWidget(feedback, 0, Qt.AlignmentFlag.AlignTop)
    feedback.ensurePolished()  # the style sheet's font, which the message is shown in
    slot.setMinimumHeight(lines * feedback.fontMetrics().lineSpacing() + 20)
    return slot


class ResultsOrMessage(QWidget):
    """The search results, or in their place what the search has to say ("no patient found", "wristband
    scanned"): where the nurse looks after searching, in a place of fixed height that moves nothing below."""

    def __init__(self, results: QListWidget, message: Feedback) -> None:
        super().__init__()
        self.results = results
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(results)
        column.addWidget(message, 0, Qt.AlignmentFlag.AlignTop)
        self.setFixedHeight(RESULTS_HEIGHT)
        message.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in (QEvent.Type.ShowToParent, QEvent.Type.HideToParent):
            self.results.setVisible(event.type() == QEvent.Type.HideToParent)
        return False


class SexChoice(QWidget):
    """Female / Male / Other / Unknown as large toggle buttons: one tap, every answer in view."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.buttons = {}
        for code, (_letter, word) in SEXES.items():
            widget = choice(word, f"{prefix}{word}")
            fit_bold(widget, 6)  # four fit a narrow column
            self.group.addButton(widget)
            self.buttons[code] = widget
            row.addWidget(widget)

    def chosen(self) -> str | None:
        return next((code for code, widget in self.buttons.items() if widget.isChecked()), None)

    def clear(self) -> None:
        self.group.setExclusive(False)
        for widget in self.buttons.values():
            widget.setChecked(False)
        self.group.setExclusive(True)


def fit_bold(widget: QPushButton, padding: int) -> None:
    """A toggle just wide enough for its text in bold, as it shows once chosen (never cut off then)."""
    widget.ensurePolished()
    font = QFont(widget.font())
    font.setBold(True)
    width = QFontMetrics(font).horizontalAdvance(widget.text()) + 2
    # The style sheet's width wins; its height is TARGET less the border, as no padding is above or below.
    widget.setStyleSheet(f"min-width: {width}px; padding: 0 {padding}px; min-height: {TARGET - 2}px;")


class DetailsForm(QWidget):
    """Sex and allergies, as asked of the patient: allergies written, or "No known allergies" tapped."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(2)
        self.sex = SexChoice(prefix)
        self.allergies = line_edit(f"{prefix}Allergies", "e.g. penicillin (rash)")
        self.none_known = choice("No known allergies", f"{prefix}No known allergies")
        fit_bold(self.none_known, 8)
        self.none_known.toggled.connect(self._none_known)
        grid.addWidget(caption_for("Sex", self.sex), 0, 0)
        grid.addWidget(self.sex, 1, 0, 1, 2)
        grid.addWidget(caption_for("Allergies, as the patient says", self.allergies), 2, 0, 1, 2)
        grid.addWidget(self.allergies, 3, 0)
        grid.addWidget(self.none_known, 3, 1)
        grid.setColumnStretch(0, 1)

    def _none_known(self, on: bool) -> None:
        """ "No known allergies" and a written allergy contradict each other: tapping it clears the words
        (a nurse could not clear a field she cannot type in), and untapping it opens the field again."""
        if on:
            self.allergies.clear()
        self.allergies.setEnabled(not on)

    def details(self) -> Details:
        return Details(self.sex.chosen(), self.allergies.text(), self.none_known.isChecked())

    def clear(self) -> None:
        self.sex.clear()
        self.allergies.clear()
        self.none_known.setChecked(False)


class PatientCard(QWidget):
    """The chosen patient, large: name, date of birth and age, record number, sex and allergies."""

    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.controller = controller
        frame = card()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        column = QVBoxLayout(frame)
        column.setSpacing(2)
        self.name = label(role="title", name="Chosen patient")
        self.identifiers = label(role="heading", name="Chosen patient's identifiers")
        self.details = label(name="Chosen patient's sex and allergies")
        for widget in (self.name, self.identifiers, self.details):
            column.addWidget(widget)
        self.details.ensurePolished()  # two lines and a warning's margins kept, so the card's height holds
        self.details.setMinimumHeight(2 * self.details.fontMetrics().lineSpacing() + 18)
        self.show_patient(None)

    def show_patient(self, patient: PatientView | None) -> None:
        if patient is None:
            self.name.setText("No patient chosen")
            self.identifiers.setText("Scan the wristband, or search.")  # one line, as a patient's identifiers
            self.details.setText("Then choose the patient in the list, and confirm two identifiers with them.")
            set_tone(self.details, None)
            return
        today = self.controller.now().astimezone().date()
        self.name.setText(patient.full_name)
        self.identifiers.setText(f"Born {patient.birth_date.isoformat()} · {patient.age_on(today)} y · {patient.mrn}")
        line = banner_line(patient, today)
        if patient.details_confirmed_by and patient.details_confirmed_at:
            line += f" (asked by {patient.details_confirmed_by}, {patient.details_confirmed_at.astimezone():%Y-%m-%d})"
        self.details.setText(line)
        set_tone(self.details, allergies_tone(patient))


class IdentifyPage(QWidget):
    def __init__(self, controller: Controller, chair: int) -> None:
        super().__init__()
        self.controller = controller
        self.chair = chair
        self.patients: dict[str, PatientView] = {}
        self._scanned = False
        """The record number identifier holds what one wristband scan read; any edit or new search ends it."""
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.columns.setContentsMargins(4, 0, 4, 4)
        self.columns.addWidget(self._find_column(chair), 5)
        side = QVBoxLayout()
        self.register = self._register_form()
        side.addWidget(self.register)
        self.asking = self._details_form()
        side.addWidget(self.asking)
        self.course = self._course_form()
        self.feedback.bind("course", self.course)
        side.addWidget(self.course)
        self.overriding = self._override_form()
        self.feedback.bind("same_day_override", self.override, self.overriding)
        side.addWidget(self.overriding)
        side.addStretch(1)
        self.columns.addLayout(side, 4)

    def _find_column(self, chair: int) -> QGroupBox:
        """Search, the chosen patient's card, the identifiers given and the seat button, top to bottom in
        the order the nurse works; every message has its place kept, so the seat button never moves."""
        find = QGroupBox("Find the patient")
        column = QVBoxLayout(find)
        column.setContentsMargins(0, 0, 0, 0)  # the group's own padding is margin enough
        self.search = FocusField("Search patient", "Record number or name (or scan the wristband)", self._end_scan)
        self.search.returnPressed.connect(self._search_typed)
        self.search.textEdited.connect(self._end_scan)
        search_button = button("Search", "Search")
        search_button.clicked.connect(self._search_typed)
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(search_button)
        column.addLayout(row)
        self.results = QListWidget()
        self.results.setAccessibleName("Search results")
        self.results.setWordWrap(True)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.currentItemChanged.connect(self._chosen_changed)
        self.search_feedback = Feedback("Search message")
        column.addWidget(ResultsOrMessage(self.results, self.search_feedback))
        self.card = PatientCard(self.controller)
        column.addWidget(self.card)
        self.name_check = RowCheck("Name: the patient said it, and it matches", "Full name matches")
        column.addWidget(self.name_check)
        column.addLayout(self._given_identifier())
        self.seat = button(f"Seat patient in chair {chair}", role="primary")
        self.seat.setMinimumHeight(56)
        self.seat.clicked.connect(self._seat)
        column.addWidget(self.seat)
        self.feedback = Feedback("Seat message")
        self.feedback.bind("identifiers", self.name_check)
        self.feedback.bind("identified_birth_date", self.birth_date)
        self.feedback.bind("identified_mrn", self.mrn)
        column.addWidget(reserved(self.feedback, SEAT_LINES))
        column.addStretch(1)
        return find

    def _given_identifier(self) -> QGridLayout:
        """The date of birth the patient says, or the record number read or scanned off the wristband."""
        given = QGridLayout()
        self.birth_date = FocusField("Date of birth given", "YYYY-MM-DD, as the patient says it", lambda: None)
        self.mrn = FocusField("Record number on the wristband", "typed, or scan the wristband", self._end_scan)
        self.mrn.textEdited.connect(self._end_scan)
        for field in (self.birth_date, self.mrn):
            field.returnPressed.connect(self._seat)
        given.setVerticalSpacing(2)
        given.addWidget(caption_for("Date of birth, as said", self.birth_date), 0, 0)
        given.addWidget(caption_for("or wristband number", self.mrn), 0, 1)
        given.addWidget(self.birth_date, 1, 0)
        given.addWidget(self.mrn, 1, 1)
        hold_rows(given, 1)
        return given

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        """Side by side where both columns fit, one above the other on a narrow screen: never cut off on
        the right, and the page scrolls (if at all) only down."""
        super().resizeEvent(event)
        stacked = event.size().width() < SIDE_BY_SIDE
        direction = QBoxLayout.Direction.TopToBottom if stacked else QBoxLayout.Direction.LeftToRight
        if self.columns.direction() != direction:
            self.columns.setDirection(direction)
            self.columns.setStretch(0, 0 if stacked else 5)
            self.columns.setStretch(1, 0 if stacked else 4)

    def _register_form(self) -> QGroupBox:
        register = QGroupBox("Register a new patient")
        form = QGridLayout(register)
        form.setContentsMargins(0, 0, 0, 0)  # the group's own padding is margin enough, as beside it
        form.setVerticalSpacing(2)
        self.register_feedback = Feedback("Register message")
        self.new: dict[str, QLineEdit] = {}
        entries = (
            ("mrn", "Medical record number", "", 0, 0),
            ("birth_date", "Date of birth", "YYYY-MM-DD", 0, 1),
            ("family_name", "Family name", "", 2, 0),
            ("given_name", "Given name", "", 2, 1),
        )
        for key, text, hint, row, col in entries:
            field = line_edit(text, hint)
            caption = label(text)
            caption.setBuddy(field)
            form.addWidget(caption, row, col)
            form.addWidget(field, row + 1, col)
            self.new[key] = field
            self.register_feedback.bind(key, field)
        hold_rows(form, 1, 3)
        advance_when_complete(self.new["birth_date"], day_complete)  # the names are free text: no end to judge
        self.new_details = DetailsForm("")
        self.register_feedback.bind("sex", self.new_details.sex)
        self.register_feedback.bind("allergies", self.new_details.allergies)
        form.addWidget(self.new_details, 4, 0, 1, 2)
        # How to reach the patient for follow-up questionnaires: optional, asked while the patient is here.
        self.new_contact = ContactFields(note=False, compact=True)
        self.new_contact.bind(self.register_feedback)
        form.addWidget(self.new_contact, 5, 0, 1, 2)
        add = button("Register patient", role=None)
        add.clicked.connect(self._register)
        form.addWidget(add, 6, 0, 1, 2)
        form.addWidget(self.register_feedback, 7, 0, 1, 2)
        # Below the message that explains it, so the button above does not move when it appears.
        self.confirm_new = WrappingCheck("A different person: none of the records listed is this patient.")
        self.confirm_new.hide()  # shown when core finds a record that may be the same person
        self.register_feedback.bind("confirm_new", self.confirm_new)
        form.addWidget(self.confirm_new, 8, 0, 1, 2)
        return register

    def _details_form(self) -> QGroupBox:
        """For a record made before sex and allergies were asked: asked now, in place of registering."""
        box = QGroupBox("Sex and allergies: not recorded yet")
        column = QVBoxLayout(box)
        column.addWidget(label("Ask the patient, and record what they say."))
        self.details_form = DetailsForm("Patient's ")
        column.addWidget(self.details_form)
        record = button("Record sex and allergies", role=None)
        record.clicked.connect(self._record_details)
        column.addWidget(record)
        self.details_feedback = Feedback("Details message")
        self.details_feedback.bind("sex", self.details_form.sex)
        self.details_feedback.bind("allergies", self.details_form.allergies)
        column.addWidget(self.details_feedback)
        box.hide()
        return box

    def _course_form(self) -> QGroupBox:
        """The prescriber's order, asked for when the patient has no course in force (first visit, or the
        last course ended): starting a course is always this deliberate step. It takes the place of the
        registration form, so the seat button stays where it was."""
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
        hold_rows(grid, 1, 2, 3)
        self.replacing = self._replacing_form()
        grid.addWidget(self.replacing, 4, 0, 1, 2)
        record = button("Record course order and seat", role="primary")
        record.clicked.connect(self._record_course)
        self.order["course_days"].returnPressed.connect(self._record_course)
        grid.addWidget(record, 5, 0, 1, 2)
        grid.addWidget(reserved(self.order_feedback), 6, 0, 1, 2)
        box.hide()
        return box

    def _override_form(self) -> QGroupBox:
        """Asked for when core finds the patient has already had an infusion today: beside the patient, in
        place of the registration form, so the seat button and its message stay where they were."""
        box = QGroupBox("Second infusion today")
        column = QVBoxLayout(box)
        caption = label("The prescriber's override (who and why), then seat the patient.")
        self.override = line_edit("Same-day override", "e.g. Dr Patel by phone: first bag leaked")
        caption.setBuddy(self.override)
        self.override.returnPressed.connect(self._seat)
        column.addWidget(caption)
        column.addWidget(self.override)
        box.hide()
        return box

    def _end_override(self) -> None:
        self.override.clear()
        self.overriding.hide()

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

    def _show_course(self, shown: bool) -> None:
        self.course.setVisible(shown)
        self._show_side()

    def _show_side(self) -> None:
        """One form beside the patient: what core asked for to seat them (a course order, a same-day
        override), the details not yet recorded, or the registration of a new patient."""
        patient = self.chosen
        registering = any(field.text() for field in self.new.values())  # never hide a half-typed registration
        asked = not (self.course.isHidden() and self.overriding.isHidden())
        asking = not registering and patient is not None and (patient.sex is None or patient.allergies is None)
        self.asking.setVisible(not asked and asking)
        self.register.setVisible(not asked and not asking)

    def _bring_into_view(self, widget: QWidget) -> None:
        """The page scrolls inside the chair panel: show what core just asked for."""
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if isinstance(parent, QScrollArea):
            area = parent  # after the layout has placed the widget that just appeared
            QTimer.singleShot(0, lambda: area.ensureWidgetVisible(widget))

    @property
    def chosen(self) -> PatientView | None:
        item = self.results.currentItem()
        return self.patients.get(item.data(PATIENT_ID)) if item is not None else None

    def _chosen_changed(self) -> None:
        """Another patient: what was confirmed for the last one does not carry over."""
        self.name_check.setChecked(False)
        self.birth_date.clear()
        self.mrn.clear()
        self._scanned = False
        self.feedback.clear()
        self.details_feedback.clear()
        self.details_form.clear()
        self._end_override()
        self.card.show_patient(self.chosen)
        self._show_side()

    def _end_scan(self) -> None:
        self._scanned = False

    def _record_course(self) -> None:
        patient = self.chosen
        if patient is None:
            self.order_feedback.ask("Choose the patient in the search results first.")
            return
        order = (self.order["prescriber"].text(), self.order["first_day"].text(), self.order["course_days"].text())
        replacing = not self.replacing.isHidden()
        replace = replacing and self.replace.isChecked()
        reason = self.replace_reason.text() if replacing else None
        recorded = self.controller.record_course(self.order_feedback, patient.id, order, replace, reason)
        if recorded is not None:
            for field in self.order.values():
                field.clear()
            self._clear_replacing()
            self.seat.setFocus()  # the focus stays on the page as the form goes, for the next step to take
            self._show_course(False)
            self._seat()

    def _show(self, patients: list[PatientView]) -> None:
        self.search_feedback.clear()  # the list, not what was said about the last search
        self.results.blockSignals(True)
        self.results.clear()
        self.patients = {patient.id: patient for patient in patients}
        for patient in patients:
            item = QListWidgetItem(patient_line(patient))
            item.setData(PATIENT_ID, patient.id)
            self.results.addItem(item)
        if len(patients) == 1:
            self.results.setCurrentRow(0)
        self.results.blockSignals(False)
        self._chosen_changed()

    def _search(self, scanned: str | None = None) -> None:
        """A new search starts afresh; only a scan (``scanned``, the wristband's code) fills the record number."""
        self._scanned = False
        found = self.controller.find_patients(self.search_feedback, self.search.text())
        if found is None:
            return
        self._show(found)
        match = [p for p in found if scanned is not None and same_record_number(scanned, p.mrn)]
        if scanned is not None and not match:
            self.search_feedback.note(
                f"No patient has the record number {scanned} on this wristband. If this is a new patient, "
                "register them: the record number is filled in.",
                "advise",
            )
            self.new["mrn"].setText(scanned)
            self.new["family_name"].setFocus()
            self._bring_into_view(self.register)
        elif not found:
            self.search_feedback.note("No patient found. Check the spelling, or register a new patient.", "quiet")
        elif match:
            self.results.setCurrentRow(found.index(match[0]))
            self.mrn.setText(scanned or "")
            self._scanned = True
            self.search_feedback.note(
                "Wristband scanned: record number filled in. Ask the patient to say their full name and tick it.",
                "quiet",
            )
            self.name_check.setFocus()
        else:
            self.search_feedback.clear()

    def _search_typed(self) -> None:
        """Search or Enter: what is in the field was typed (a scan arrives through ``take_scan``)."""
        self._search()

    def take_scan(self, code: str) -> None:
        """A wristband scan caught by the window: the patient it names is found and its number filled in."""
        self.search.setText(code)
        self._search(scanned=code)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        """An empty chair waits for a scan or a name typed in the search field."""
        super().showEvent(event)
        if not any(field.text() for field in self.new.values()):  # not while a registration is half-typed
            self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def _register(self) -> None:
        typed = {key: field.text() for key, field in self.new.items()}
        entered = (typed["mrn"], typed["family_name"], typed["given_name"], typed["birth_date"])
        confirmed = self.confirm_new.isVisible() and self.confirm_new.isChecked()
        details = self.new_details.details()
        route = self.new_contact.values() if self.new_contact.given else None
        if route is not None and not self.controller.check_contact(self.register_feedback, *route):
            return  # the route is checked first: a number mistyped is put right before the patient is kept
        patient = self.controller.register_patient(self.register_feedback, entered, details, confirmed)
        if patient is None:
            if self.confirm_new.isVisible() and not confirmed:  # core pointed out possible duplicates
                self._show(self.controller.similar_patients(*entered[1:]))
            return
        for field in self.new.values():
            field.clear()
        self.new_details.clear()
        self.confirm_new.box.setChecked(False)
        self.confirm_new.hide()
        self._show([patient])
        said = f"Registered {patient.full_name}. Confirm two identifiers, then seat."
        if route is None:
            self.register_feedback.saved(said)
            return
        kept = Feedback("Contact route message")  # the route's own outcome, said with the registration's
        if self.controller.record_contact(kept, patient.id, *route) is None:
            self.register_feedback.note(
                f"Registered {patient.full_name}, but the contact route was not kept: {kept.text()} "
                "Record it from the chair's Outcome forms… (Contact route…). Confirm two identifiers, then seat.",
                "act",
            )
            return
        self.new_contact.clear()
        self.register_feedback.saved(f"{said} Contact route kept: {route[0]}.")

    def _record_details(self) -> None:
        patient = self.chosen
        if patient is None:
            return
        updated = self.controller.record_details(self.details_feedback, patient.id, self.details_form.details())
        if updated is not None:
            self.patients[updated.id] = updated
            self.card.show_patient(updated)
            self._show_side()
            self.search_feedback.saved(f"Recorded: {allergies_words(updated)}.")

    def _seat(self) -> None:
        patient = self.chosen
        if patient is None:
            self.feedback.ask("Choose the patient in the search results first, or scan the wristband.")
            return
        identified = Identified(self.name_check.isChecked(), self.birth_date.text(), self.mrn.text(), self._scanned)
        override = None if self.overriding.isHidden() else self.override.text()
        if self.controller.open_session(self.feedback, patient.id, self.chair, identified, override) is None:
            self._show_side()
            if not self.overriding.isHidden():
                self._bring_into_view(self.overriding)
            if not self.course.isHidden():
                self._show_course(True)
                if not self.order["first_day"].text():
                    # The usual order, from core; the nurse checks both against the order itself.
                    usual = usual_order(self.controller.protocol, self.controller.now())
                    self.order["first_day"].setText(usual.first_day.isoformat())
                    self.order["course_days"].setText(str(usual.days))
                    self.order["prescriber"].setFocus()
                self._bring_into_view(self.course)
        else:
            self._end_override()
            self._show_course(False)
            self._clear_replacing()
            self.search.clear()
            self._show([])
