"""A patient's outcome forms (PROMIS) as the nurse records them: at the chair before the first infusion and
at the end of the course, at a follow-up visit, or from a phone call later.

Each item of the protocol's forms is a row: its item id (and the clinic's licensed wording, when the clinic
has loaded it: ``core.outcomes.wording``; Chairside never ships it) and a row of large buttons for the values
it can take. A digit answers the item the keyboard is on and moves to the next, so a nurse reading a paper
form aloud types it in. The forms scroll; how the patient answered, the day, and Save stay in view, and no
answer changes under the wheel (they are buttons). Before saving, a form with items left unanswered is said
plainly, and the nurse goes back or saves it as it is: it is then kept "not scorable", never pro-rated.
"Saved" is said only once core has recorded it, with each form's score (or why there is none) and the
time point the sitting counts for.

Other screens open it for a patient with ``OutcomeFormsDialog.ask(controller, patient, parent, mode="phone")``.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.outcomes.forms import MODES, PAIN_RANGE, AssessmentView
from core.outcomes.wording import Wording, clinic_wording
from core.promis import ShortForm, shipped
from core.views import PatientView
from ui.controller import Controller
from ui.dialogs.base import Dialog
from ui.dialogs.contact_route import ContactRouteDialog, route_words
from ui.style import AMBER
from ui.widgets.forms import button, caption_for, label, line_edit, main_action, set_tone
from ui.widgets.segmented import Segmented

ASKED = {key: words for key, words in MODES.items() if key != "import"}
"""The ways a nurse records on this screen; a clinic's file comes in by the import."""
TWO_COLUMNS = 1100
"""The dialog width, in pixels, from which the forms stand in two columns (fewer scrolls at 1280×800)."""
DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(10)}
PAIN = "pain_intensity"


class ItemRow(QWidget):
    """One item: its id (and the clinic's wording, if loaded) and a large button for each value."""

    def __init__(self, form: ShortForm | None, item: str, values: list[int], wording: Wording | None) -> None:
        super().__init__()
        self.form = form
        self.item = item
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        words = wording.of(item) if wording is not None else None
        name = item if form is not None else "Pain intensity"
        self._caption_text = f"<b>{name}</b>" + (f"<br>{words}" if words else "")
        self.caption = label(self._caption_text, name=f"{item} caption")
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.setMinimumWidth(120)
        self.choices = Segmented(name, [(str(v), str(v)) for v in values])
        self.caption.setBuddy(self.choices)
        if words:  # the words across the row and the buttons under them, as the printed form reads
            grid.addWidget(self.caption, 0, 0, 1, 2)
            grid.addWidget(self.choices, 1, 0, 1, 2)
        else:
            grid.addWidget(self.caption, 0, 0)
            grid.addWidget(self.choices, 0, 1)
            grid.setColumnStretch(1, 1)

    def value(self) -> int | None:
        chosen = self.choices.value()
        return int(chosen) if chosen is not None else None

    def mark_missing(self, missing: bool) -> None:
        """Said by the item itself while the rest of its form is answered: the one the eye has to find."""
        warning = f'<br><b style="color: {AMBER}">⚠ not answered</b>'
        self.caption.setText(self._caption_text + (warning if missing else ""))
        self.choices.setAccessibleDescription("not answered" if missing else "")


class FormBox(QGroupBox):
    """One short form: its items, and how many of them are answered."""

    def __init__(self, form: ShortForm, wording: Wording | None) -> None:
        super().__init__()
        self.form = form
        self.setAccessibleName(form.domain)
        column = QVBoxLayout(self)
        column.setSpacing(6)
        self.rows = [ItemRow(form, item, sorted(form.values[item]), wording) for item in form.items]
        for row in self.rows:
            column.addWidget(row)
            row.choices.changed.connect(self.show_count)
        self.show_count()

    @property
    def answered(self) -> int:
        return sum(row.value() is not None for row in self.rows)

    def answers(self) -> dict[str, int | None]:
        return {row.item: row.value() for row in self.rows}

    def show_count(self) -> None:
        """In the form's title, where the eye goes from one form to the next; and each item skipped (left
        unanswered with a later one answered) marked, since a form with one left out is kept not scorable."""
        self.setTitle(f"{self.form.domain} · {self.form.id} — {self.answered} of {len(self.rows)} answered")
        later_answered = False
        for row in reversed(self.rows):
            answered = row.value() is not None
            row.mark_missing(not answered and later_answered)
            later_answered = later_answered or answered


class OutcomeFormsDialog(Dialog):
    def __init__(
        self, controller: Controller, patient: PatientView, parent: QWidget | None, mode: str | None = None
    ) -> None:
        """``mode``: how the patient is being asked, chosen already ("chair" from the chair, "phone" from a
        follow-up list); the nurse can still change it."""
        super().__init__(
            controller,
            parent,
            "Outcome forms",
            heading=f"Outcome forms: {patient.full_name}",
            width=760,
            height=560,
            spacing=6,
            remember="outcome_forms",
        )
        self.patient = patient
        self.saved: list[AssessmentView] = []
        self._confirming = False
        self._typed_one = False
        outcomes = controller.protocol.outcomes
        tables = shipped()
        self.wording, problem = clinic_wording(controller.clinic().promis_wording_file)

        who = QHBoxLayout()
        who.addWidget(label(f"Born {patient.birth_date.isoformat()} · {patient.mrn}", name="Forms patient"), 1)
        self.route = label(route_words(controller.contact_route(patient.id)), role="hint", name="Contact route")
        who.addWidget(self.route, 2)
        change_route = button("Contact route…", "Record or change the contact route")
        change_route.setAutoDefault(False)
        change_route.clicked.connect(self._change_route)
        who.addWidget(change_route)
        self.column.addLayout(who)
        self.column.addWidget(self._wording_line(problem))
        self.column.addLayout(self._how_and_when(mode))

        self.forms = [FormBox(tables.form(form_id), self.wording) for form_id in outcomes.forms]
        self.pain: ItemRow | None = None
        if outcomes.pain_intensity:
            self.pain = ItemRow(None, PAIN, list(PAIN_RANGE), None)
        self.rows = [row for box in self.forms for row in box.rows] + ([self.pain] if self.pain else [])
        for row in self.rows:
            row.choices.changed.connect(self._changed)
            for option in row.choices.buttons.values():
                option.installEventFilter(self)
        self.scroll = self._scrolling()
        self.column.addWidget(self.scroll, 1)
        self._bottom()
        self.rows[0].choices.setFocus()

    # ---- building ---------------------------------------------------------------------------------

    def _wording_line(self, problem: str | None) -> QLabel:
        if self.wording is not None:
            line = label(self.wording.notice, role="hint", name="Wording notice")
        elif problem is not None:
            line = label(problem, name="Wording problem")
            set_tone(line, "advise")
        else:
            line = label(
                "Items by their PROMIS id: read each item's words from the clinic's licensed form, and tap the "
                "number printed beside the answer the patient gives.",
                role="hint",
                name="Wording notice",
            )
        return line

    def _how_and_when(self, mode: str | None) -> QGridLayout:
        grid = QGridLayout()
        grid.setVerticalSpacing(2)
        self.mode = Segmented("How the patient answered", list(ASKED.items()))
        if mode in ASKED:
            self.mode.set_value(mode)
        self.taken_on = line_edit("Day answered", "YYYY-MM-DD")
        self.taken_on.setText(self.controller.now().astimezone().date().isoformat())
        self.taken_on.setMaximumWidth(200)
        grid.addWidget(caption_for("How the patient answered", self.mode), 0, 0)
        grid.addWidget(caption_for("Day answered", self.taken_on), 0, 1)
        grid.addWidget(self.mode, 1, 0)
        grid.addWidget(self.taken_on, 1, 1)
        grid.setColumnStretch(0, 1)
        return grid

    def _scrolling(self) -> QScrollArea:
        page = QWidget()
        self.grid = QGridLayout(page)
        self.grid.setContentsMargins(0, 0, 8, 0)
        self.grid.setSpacing(12)
        self._columns = 0
        self._lay_out(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(page)
        return scroll

    def _lay_out(self, columns: int) -> None:
        """The forms in reading order, one column or two; the pain item last, across the page."""
        if columns == self._columns:
            return
        self._columns = columns
        boxes: list[QWidget] = [*self.forms]
        for box in boxes:
            self.grid.removeWidget(box)
        for index, box in enumerate(boxes):
            self.grid.addWidget(box, index // columns, index % columns)
        if self.pain is not None:
            self.grid.removeWidget(self.pain_box if hasattr(self, "pain_box") else self.pain)
            if not hasattr(self, "pain_box"):
                self.pain_box = QGroupBox("Pain intensity · 0 (no pain) to 10 (worst imaginable), past 7 days")
                QVBoxLayout(self.pain_box).addWidget(self.pain)
            self.grid.addWidget(self.pain_box, (len(boxes) + columns - 1) // columns, 0, 1, columns)
        self.grid.setRowStretch(self.grid.rowCount(), 1)

    def _bottom(self) -> None:
        """Pinned under the forms: the question before an incomplete save, what was saved, and Save."""
        self.confirm = QFrame()
        self.confirm.setProperty("role", "banner-advise")
        box = QVBoxLayout(self.confirm)
        self.confirm_words = label(name="Before saving")
        box.addWidget(self.confirm_words)
        choices = QHBoxLayout()
        # Going back to ask the missing items is the way a form gets its score: the main choice, in front.
        self.go_back = button("Go back to the answers", role="primary")
        self.save_anyway = button("Save as it is", "Save, keeping them not scorable")
        for widget in (self.go_back, self.save_anyway):
            widget.setAutoDefault(False)
        self.go_back.clicked.connect(self._go_back)
        self.save_anyway.clicked.connect(lambda: self._save(confirmed=True))
        choices.addWidget(self.go_back)
        choices.addStretch(1)
        choices.addWidget(self.save_anyway)
        box.addLayout(choices)
        self.confirm.hide()
        self.column.addWidget(self.confirm)
        self.result = label(name="Saved forms")
        self.result.hide()
        self.column.addWidget(self.result)
        self.column.addWidget(self.message_line("Forms message", {"mode": self.mode, "taken_on": self.taken_on}))
        self.feedback.bind("responses", self.rows[0].choices)
        if self.pain is not None:
            self.feedback.bind(PAIN, self.pain.choices)
        self.save = main_action(button("Save forms", role="primary"))
        self.add_leave_and_act(button("Close", "Close the outcome forms"), self.save, self._save)

    # ---- the nurse's keys and taps ----------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() is QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and event.key() in DIGITS:
            row = next((r for r in self.rows if watched in r.choices.buttons.values()), None)
            if row is not None:
                self._type(row, DIGITS[event.key()])
                return True
        return super().eventFilter(watched, event)

    def _type(self, row: ItemRow, digit: int) -> None:
        """A digit answers the item the keyboard is on and goes to the next; on the 0-10 pain item, 1 then
        0 is 10 and the keyboard stays (it is the last item)."""
        if row is self.pain:
            value = 10 if digit == 0 and self._typed_one and row.value() == 1 else digit
            self._typed_one = digit == 1
            row.choices.set_value(str(value))
            self._changed()
            return
        if str(digit) not in row.choices.buttons:
            low, high = min(row.choices.buttons, key=int), max(row.choices.buttons, key=int)
            self.feedback.ask(f"{row.item} takes {low} to {high}.")
            return
        row.choices.set_value(str(digit))
        row.choices.changed.emit()
        following = self.rows[self.rows.index(row) + 1] if row is not self.rows[-1] else None
        if following is not None:
            following.choices.setFocus(Qt.FocusReason.TabFocusReason)
            self.scroll.ensureWidgetVisible(following, 0, 60)

    def _changed(self) -> None:
        """An answer changed: a question about an earlier, incomplete save no longer stands."""
        if self._confirming:
            self._go_back()
        if self.feedback.isVisible():
            self.feedback.clear()

    def _go_back(self) -> None:
        self._confirming = False
        self.confirm.hide()
        self.save.show()
        first = next(
            (r for box in self.forms if 0 < box.answered < len(box.rows) for r in box.rows if r.value() is None), None
        )
        if first is not None:
            first.choices.setFocus()
            self.scroll.ensureWidgetVisible(first, 0, 60)

    def _change_route(self) -> None:
        if ContactRouteDialog.ask(self.controller, self.patient, self) is not None:
            self.route.setText(route_words(self.controller.contact_route(self.patient.id)))

    # ---- saving -----------------------------------------------------------------------------------

    def answers(self) -> dict[str, dict[str, int | None]]:
        return {box.form.id: box.answers() for box in self.forms}

    def unanswered_words(self) -> list[str]:
        """What saving now would keep not scorable, or leave out, in the nurse's words."""
        lines = [
            f"{box.form.domain}: {box.answered} of {len(box.rows)} answered — it will be kept as not scorable."
            for box in self.forms
            if 0 < box.answered < len(box.rows)
        ]
        empty = [box.form.domain for box in self.forms if box.answered == 0]
        if empty and len(empty) < len(self.forms):
            lines.append(f"Not asked, so not recorded: {', '.join(empty)}.")
        return lines

    def _save(self, *, confirmed: bool = False) -> None:
        mode = self.mode.value()
        if mode is None:
            self.feedback.ask("Say how the patient answered: at the chair, at a visit, by phone or on paper.")
            self.mode.setFocus()
            return
        pain = self.pain.value() if self.pain is not None else None
        if not any(box.answered for box in self.forms) and pain is None:
            self.feedback.ask("Nothing is answered yet: tap each item's answer, or type it.")
            return
        missing = self.unanswered_words()
        if missing and not confirmed:
            self._confirming = True
            self.confirm_words.setText(
                "\n".join([*missing, "Nothing is pro-rated. Go back to ask the missing items, or save as it is."])
            )
            self.confirm.show()
            self.save.hide()
            self.go_back.setFocus()  # the safe choice is the one a key press makes
            return
        saved = self.controller.record_assessment(
            self.feedback,
            self.patient.id,
            self.answers(),
            mode=mode,
            taken_on=self.taken_on.text(),
            pain_intensity=str(pain) if pain is not None else None,
        )
        self._confirming = False
        self.confirm.hide()
        self.save.show()
        if saved is None:
            return
        self.saved.append(saved)
        self._show_saved(saved)
        for row in self.rows:
            row.choices.set_value(None)
        for box in self.forms:
            box.show_count()

    def _show_saved(self, view: AssessmentView) -> None:
        lines = [f"Saved: {view.mode_words.lower()}, answered {view.taken_on.isoformat()} — {self._counts_for(view)}"]
        lines += [f"{form.domain}: {form.words}" for form in view.forms]
        if view.pain_intensity is not None:
            lines.append(f"Pain intensity: {view.pain_intensity} of 10")
        self.result.setText("\n".join(lines))
        set_tone(self.result, "saved")
        self.result.show()
        self.feedback.saved("Saved in the record. The answers are cleared; close, or record another sitting.")

    def _counts_for(self, view: AssessmentView) -> str:
        if view.time_point is None:
            return "it falls in no time point's window: kept in the record, counted for none."
        point = self.controller.protocol.outcomes.time_point(view.time_point)
        number = next(
            (s.number for s in self.controller.course_spans(self.patient.id) if s.course_id == view.course_id), None
        )
        course = f" of course {number}" if number is not None else ""
        return f"counts for the {point.label.lower()}{course}."

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._lay_out(2 if event.size().width() >= TWO_COLUMNS else 1)

    @classmethod
    def ask(
        cls, controller: Controller, patient: PatientView, parent: QWidget | None, mode: str | None = None
    ) -> list[AssessmentView]:
        """Open it for ``patient`` (``mode``: "chair", "visit", "phone" or "paper", chosen already); the
        sittings recorded before the nurse closed it."""
        dialog = cls(controller, patient, parent, mode)
        dialog.exec()
        return dialog.saved
