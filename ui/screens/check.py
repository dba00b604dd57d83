"""The independent double check: the second nurse signs in there and then and types her own figures.

She proves who she is with her own user name and password, so the record says truthfully who checked
(core refuses the nurse who calculated the dose, and any account that cannot sign). The first nurse's
figures are never shown before hers are entered; only after a mismatch are both sets shown side by
side, in place of the form, and then the check starts again from blank fields. An alert raised by the
baseline set stays in view here until it is acknowledged.

A second nurse still on the temporary password an administrator gave chooses her own right here: the
typed figures stay, the first nurse stays signed in, and the check is recorded once her password is.
The page fits the chair's area at 1280×800 without scrolling, its main action included.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from core.errors import TemporaryPasswordError
from core.event_data import Checked
from core.events import EventType as E
from core.session_state import SessionState
from ui.controller import Controller
from ui.dialogs.base import tab_order
from ui.widgets.action_bar import ActionBar
from ui.widgets.advance import advance_when_complete
from ui.widgets.alerts import AlertsPanel
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, card, label, line_edit, main_action, password_field, set_tone

FIGURES = (
    ("weight_kg", "check_weight", "Weight (kg)"),
    ("dose_mg", "check_dose", "Dose (mg)"),
    ("rate_ml_per_h", "check_rate", "Pump rate (mL/h)"),
)
SECRET_WIDTH = (160, 300)
"""A user name's or password's field: room for one, never a line across the page."""
FIGURE_WIDTH = (110, 200)
"""A figure's field: a few digits, so both columns fit beside the chair list at 1024 px."""


def captioned(
    grid: QGridLayout, at: tuple[int, int], text: str, field: QLineEdit, width: tuple[int, int] = SECRET_WIDTH
) -> None:
    """A caption beside its field, paired for screen readers; ``at`` is the caption's row and column."""
    caption = label(text, wrap=False)
    caption.setBuddy(field)
    field.setMinimumWidth(width[0])
    field.setMaximumWidth(width[1])
    row, column = at
    grid.addWidget(caption, row, column)
    grid.addWidget(field, row, column + 1)


class CheckPage(QWidget):
    weigh_again = Signal()
    """The first nurse wants to record the weight again after a disagreement."""

    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.controller = controller
        self.session_id: str | None = None
        self._dismissed: str | None = None
        self._checked_event: str | None = None
        self._temporary: TemporaryPasswordError | None = None
        """The refusal of the second nurse's temporary password while she chooses her own."""
        layout = QVBoxLayout(self)
        self.alerts = AlertsPanel(controller)
        layout.addWidget(self.alerts)
        self.entry = QGroupBox("Second-nurse check")
        column = QVBoxLayout(self.entry)
        column.addWidget(
            label(
                "Second nurse: read the scale and work out the dose and pump rate yourself from the protocol; "
                "the first nurse's figures are not shown. Then sign the check as yours with your user name and "
                "password."
            )
        )
        self.username = line_edit("Second nurse user name", "e.g. ben.okafor")
        self.password = password_field("Second nurse password")
        self.new_password = password_field("Second nurse new password")
        self.new_repeat = password_field("Second nurse new password again")
        self.fields = {key: line_edit(f"Check {text[0].lower()}{text[1:]}") for key, _field, text in FIGURES}
        for key, field in self.fields.items():
            advance_when_complete(field, controller.check_figure_complete(key))
        # The figures first, then the signature: she signs for what she has just worked out, and her last
        # figure, complete, hands the keyboard straight to her user name.
        columns = QHBoxLayout()
        figures = QGridLayout()
        for row, (key, _field, text) in enumerate(FIGURES):
            captioned(figures, (row, 0), text, self.fields[key], FIGURE_WIDTH)
        columns.addLayout(figures, 1)
        columns.addSpacing(24)
        who = QGridLayout()
        captioned(who, (0, 0), "Your user name", self.username)
        captioned(who, (1, 0), "Your password", self.password)
        who.setRowStretch(2, 1)
        columns.addLayout(who, 1)
        column.addLayout(columns)
        column.addWidget(self._choosing())

        self.feedback = Feedback("Check message")
        for name, field in (
            ("username", self.username),
            ("password", self.password),
            ("current_password", self.password),
            ("new_password", self.new_password),
            ("repeat", self.new_repeat),
            *((field_name, self.fields[key]) for key, field_name, _text in FIGURES),
        ):
            self.feedback.bind(name, field)
        self.record = main_action(button("Record check", role="primary"))
        self.record.clicked.connect(self._record)
        for field in (self.username, self.password, self.new_password, self.new_repeat, *self.fields.values()):
            field.returnPressed.connect(self._record)
        # The action bar under the page (with "Record check") follows it in Tab order: the chair panel sees to it.
        tab_order(*self.fields.values(), self.username, self.password, self.new_password, self.new_repeat)
        layout.addWidget(self.entry)
        self.comparison = self._comparison()
        layout.addWidget(self.comparison)
        layout.addStretch(1)
        # Pinned under the page by the chair panel: the check's answer, or after a mismatch the way on.
        self.actions = ActionBar(self.feedback)
        self.actions.row.addWidget(self.weigh)
        self.actions.row.addStretch(1)
        self.actions.row.addWidget(self.again)
        self.actions.row.addWidget(self.record)

    def _choosing(self) -> QWidget:
        """Where a second nurse still on her temporary password chooses her own, shown only then."""
        self.choosing = card("banner-advise")
        choose = QGridLayout(self.choosing)
        self.choosing_words = label(name="Choose your own password")
        choose.addWidget(self.choosing_words, 0, 0, 1, 4)
        captioned(choose, (1, 0), "New password", self.new_password)
        captioned(choose, (1, 2), "New password again", self.new_repeat)
        choose.setColumnStretch(1, 1)
        choose.setColumnStretch(3, 1)
        self.choosing.hide()
        self.username.textEdited.connect(self._forget_temporary)  # someone else checks instead
        return self.choosing

    def _comparison(self) -> QWidget:
        """Both nurses' figures side by side, with the way on: check again, or weigh again."""
        comparison = card("banner-act")
        grid = QGridLayout(comparison)
        grid.addWidget(label("The figures do not agree", role="heading", name="Check mismatch"), 0, 0, 1, 3)
        for column, text in enumerate(("", "First nurse", "Second nurse"), start=0):
            grid.addWidget(label(text, role="heading"), 1, column)
        self.cells: dict[str, tuple[QLabel, QLabel, QLabel]] = {}
        for row, (key, _field, text) in enumerate(FIGURES, start=2):
            cells = (label(text), label(name=f"First nurse {text}"), label(name=f"Second nurse {text}"))
            for column, cell in enumerate(cells):
                grid.addWidget(cell, row, column)
            self.cells[key] = cells
        grid.addWidget(
            label("Find the difference together (weight, unit, vial, arithmetic), then the second nurse checks again."),
            5,
            0,
            1,
            3,
        )
        self.again = main_action(button("Check again", role="primary"))
        self.again.clicked.connect(self._again)
        self.weigh = main_action(button("Weigh again"))
        self.weigh.clicked.connect(self.weigh_again.emit)
        for action in (self.again, self.weigh):
            action.hide()  # in the action bar, shown with the comparison
        comparison.hide()
        return comparison

    def show_state(self, state: SessionState) -> None:
        self.session_id = state.session_id
        self.alerts.show_state(state)
        last = next((e for e in reversed(state.events) if e.type is E.CHECKED), None)
        self._checked_event = last.id if last else None
        showing = bool(state.last_check_mismatches) and last is not None and last.id != self._dismissed
        if showing and state.dose is not None and last is not None:
            first = {"weight_kg": state.dose.weight_kg, "dose_mg": state.dose.dose_mg}
            first["rate_ml_per_h"] = state.dose.rate_ml_per_h
            for key, (caption, mine, theirs) in self.cells.items():
                mine.setText(str(first[key]))
                theirs.setText(str(vars(last.data_as(Checked).figures)[key]))
                tone = "act" if key in state.last_check_mismatches else None
                for cell in (caption, mine, theirs):
                    set_tone(cell, tone)
                    cell.setMargin(8)  # the same with or without a tone, so the columns stay aligned
        if showing and self.comparison.isHidden():
            for field in self.fields.values():
                field.clear()
        # The comparison takes the form's place: one step on screen, "Check again" in view.
        self.comparison.setVisible(showing)
        self.entry.setVisible(not showing)
        self._show_actions(comparing=showing)
        self.record.setEnabled(not showing and E.CHECKED in state.allowed)

    def _show_actions(self, *, comparing: bool) -> None:
        """The bar offers the check's own answer, or after a mismatch: check again, or weigh again."""
        self.record.setVisible(not comparing)
        self.again.setVisible(comparing)
        self.weigh.setVisible(comparing)

    def _again(self) -> None:
        self._dismissed = self._checked_event
        self.comparison.hide()
        self.entry.show()
        self._show_actions(comparing=False)
        self.record.setEnabled(True)
        self.fields["weight_kg"].setFocus()

    def _record(self) -> None:
        if self.session_id is None:
            return
        password = self.password.text()
        if self._temporary is not None:
            chosen = self._choose_password()
            if chosen is None:
                return
            password = chosen
        self.password.clear()  # never kept, whether the check is recorded or refused
        figures = tuple(field.text() for field in self.fields.values())
        weight, dose, rate = figures
        recorded = self.controller.record_check(
            self.feedback, self.session_id, self.username.text(), password, (weight, dose, rate)
        )
        if isinstance(recorded, TemporaryPasswordError):
            self._offer_new_password(recorded, password)
        elif recorded is not None:
            # The second nurse walks away: her user name must not wait here for the next check.
            self.username.clear()
        elif not any(field.property("invalid") for field in (self.username, *self.fields.values())):
            self.password.setFocus()  # refused as a whole (wrong password, same nurse): type it again

    def _offer_new_password(self, refusal: TemporaryPasswordError, temporary: str) -> None:
        """Her password was right but is the one she was given: she chooses her own here, figures kept.

        The temporary password waits, masked, in its field (cleared with every password field when the
        screen locks) to prove the change; nothing else of hers is kept.
        """
        self._temporary = refusal
        self.password.setText(temporary)
        self.choosing_words.setText(
            f"{refusal.message} Choose your own now, twice: the check is then recorded with it, "
            "and the figures stay as typed."
        )
        self.choosing.show()
        self.new_password.setFocus()

    def _choose_password(self) -> str | None:
        """Replace her temporary password through core (audited as any change); the new one, or None."""
        assert self._temporary is not None
        new = self.new_password.text()
        changed = self.controller.choose_own_password(
            self.feedback, self._temporary.account_id, self.password.text(), new, self.new_repeat.text()
        )
        self.new_password.clear()
        self.new_repeat.clear()
        if changed is None:
            if self.new_repeat.hasFocus():
                self.new_password.setFocus()  # both were cleared: she types them again from the first
            return None
        self._forget_temporary()
        return new

    def _forget_temporary(self) -> None:
        if self._temporary is not None:
            self._temporary = None
            self.password.clear()
        self.new_password.clear()
        self.new_repeat.clear()
        self.choosing.hide()
