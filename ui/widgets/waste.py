"""The controlled-substance totals of a session, the wastes recorded, and the form to record one.

Every milligram drawn up is given or wasted in front of a witness. The rest of each vial drawn from is
accounted for too: returned to stock (a multi-dose vial) with one tap, or wasted with the same form, before
a witness. The totals and whether they add up come from core; the form is folded away until the nurse
opens it or core says something is not accounted for. The nurse signs with her password; the witness
signs by typing her own user name and password there and then. Both passwords are cleared after every
attempt.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.controlled import TallyRow, VialRest, Waste, tally, vial_accounts
from core.events import EventType as E
from core.session_state import SessionState
from ui.controller import Controller
from ui.text import clock_time
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, label, line_edit, password_field, set_tone

TALLY_COLUMNS = 2
"""Pairs of (what, amount) a row of the totals: the whole vial's record in a few lines."""
LONG_AMOUNT = 16
"""Characters beyond which an amount is words rather than a figure, and may wrap."""


class VialRests(QWidget):
    """What is left in each vial drawn from, until it is returned to stock or wasted; then what became of it.

    "Returned to stock" is offered only where core allows it (a multi-dose vial); "Waste the rest…" asks
    for the waste form, aimed at that vial."""

    waste_rest = Signal(str, str)
    """The nurse will waste the rest of a vial: its draw-up's event id, and what is left, in words."""
    returned = Signal()
    """A vial's rest was recorded as returned to stock."""

    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.controller = controller
        self.session_id: str | None = None
        self.feedback = Feedback("Vial message")
        self._rows = QVBoxLayout(self)
        self._rows.setContentsMargins(0, 0, 0, 0)
        self.done = label(name="Vials accounted for")
        set_tone(self.done, "quiet")
        self._rows.addWidget(self.done)
        self._open: list[QWidget] = []
        self._rows.addWidget(self.feedback)
        self._shown: tuple[object, ...] = ()

    def show_state(self, state: SessionState) -> None:
        self.session_id = state.session_id
        record = state.controlled
        done = vial_accounts(record, self.controller.staff_name)
        self.done.setText("\n".join(done))
        self.done.setVisible(bool(done))
        left = [vial for vial in record.vials if vial.left_mg > 0]
        shown = tuple((vial.drawn.event_id, vial.left_mg, E.RETURNED in state.allowed) for vial in left)
        if shown != self._shown:  # rebuilt only when a vial's rest changed, so focus and clicks are kept
            self._shown = shown
            for row in self._open:
                row.hide()
                row.setParent(None)  # gone at once: a row waiting for deletion would still be drawn
                row.deleteLater()
            self._open = [self._row(vial, E.RETURNED in state.allowed, E.WASTED in state.allowed) for vial in left]
            for index, row in enumerate(self._open):
                self._rows.insertWidget(index, row)
                row.show()  # added to a panel already on screen: shown explicitly
        self.setVisible(bool(done) or bool(left))

    def _row(self, vial: VialRest, may_return: bool, may_waste: bool) -> QWidget:
        row = QWidget()
        column = QVBoxLayout(row)
        column.setContentsMargins(0, 0, 0, 0)
        words = label(vial.problem() or "", name=f"Rest of the vial of lot {vial.drawn.lot}")
        set_tone(words, "advise")
        column.addWidget(words)
        buttons = QHBoxLayout()
        if vial.drawn.multi_dose and may_return:
            back = button("Returned to stock", f"Rest of lot {vial.drawn.lot} returned to stock", role="primary")
            back.clicked.connect(lambda _c=False, vid=vial.drawn.event_id: self._return(vid))
            buttons.addWidget(back)
        if may_waste:
            waste = button("Waste the rest…", f"Waste the rest of lot {vial.drawn.lot}")
            text = f"The rest of the vial of lot {vial.drawn.lot}: {vial.left_mg} mg left."
            waste.clicked.connect(lambda _c=False, vid=vial.drawn.event_id, t=text: self.waste_rest.emit(vid, t))
            buttons.addWidget(waste)
        buttons.addStretch(1)
        column.addLayout(buttons)
        return row

    def first_button(self) -> QWidget | None:
        """The first vial's first answer, for the keyboard."""
        return self._open[0].findChild(QPushButton) if self._open else None

    def _return(self, drawn_event_id: str) -> None:
        if self.session_id is None:
            return
        if self.controller.return_to_stock(self.feedback, self.session_id, drawn_event_id) is not None:
            self.feedback.saved("Returned to stock.")
            self.returned.emit()


class WastePanel(QGroupBox):
    """The totals (core's words), the wastes recorded, and the waste form, folded until the nurse opens it.

    While the form is open the totals are folded away (the form says what it wastes) and ``form_shown``
    tells the page, which puts the form in place of the panels it belongs with, so it fits the screen."""

    form_shown = Signal(bool)

    def __init__(self, controller: Controller, vials: bool = True) -> None:
        super().__init__("Controlled substance")
        self.setAccessibleName("Controlled substance")
        self.controller = controller
        self.session_id: str | None = None
        self._opened = False
        self._vial_of: str | None = None
        self._state: SessionState | None = None
        """The vial whose rest the form wastes; None: drug drawn up and not given."""
        layout = QVBoxLayout(self)
        self.vials = VialRests(controller)
        self.vials.waste_rest.connect(self.waste_rest)
        self._with_vials = vials
        layout.addWidget(self.vials)
        self.tally = QWidget()
        self._tally = QGridLayout(self.tally)
        self._tally.setContentsMargins(0, 0, 0, 0)
        self._tally.setVerticalSpacing(2)
        for column in range(TALLY_COLUMNS):
            self._tally.setColumnStretch(2 * column + 1, 1)
        self.totals: dict[str, QLabel] = {}
        self._rows: tuple[str, ...] = ()
        layout.addWidget(self.tally)
        self.problem = label(name="Controlled substance problem")
        self.problem.hide()
        layout.addWidget(self.problem)
        self.wastes = label(name="Wastes recorded")
        set_tone(self.wastes, "quiet")
        self.wastes.hide()
        layout.addWidget(self.wastes)

        self.open = button("Record a waste…", "Open waste form")
        self.open.clicked.connect(self._open)
        layout.addWidget(self.open, 0, Qt.AlignmentFlag.AlignLeft)
        self.form = QWidget()
        grid = QGridLayout(self.form)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(1, 1)
        self.what = label("Waste it in front of the witness; both of you sign here.", role="hint", name="What to waste")
        grid.addWidget(self.what, 0, 0, 1, 2)
        self.mg = line_edit("Amount wasted (mg)")
        self.mg.setMaximumWidth(160)
        self.how = line_edit("How wasted", "e.g. drug waste bin")
        self.password = password_field("Your password (waste)")
        self.witness = line_edit("Witness user name")
        self.witness_password = password_field("Witness password")
        rows: tuple[tuple[str, QLineEdit], ...] = (
            ("Amount (mg)", self.mg),
            ("How", self.how),
            ("Your password", self.password),
            ("Witness user name", self.witness),
            ("Witness password", self.witness_password),
        )
        for row, (text, field) in enumerate(rows, start=1):
            caption = label(text)
            caption.setBuddy(field)
            field.returnPressed.connect(self._record)
            grid.addWidget(caption, row, 0)
            grid.addWidget(field, row, 1)
        self.record = button("Record waste", role="primary")
        self.record.clicked.connect(self._record)
        self.cancel = button("Cancel", "Cancel the waste")
        self.cancel.clicked.connect(self._close)
        actions = QHBoxLayout()
        actions.addWidget(self.cancel)
        actions.addStretch(1)
        actions.addWidget(self.record)
        grid.addLayout(actions, len(rows) + 1, 0, 1, 2)
        self.form.hide()
        layout.addWidget(self.form)

        self.feedback = Feedback("Waste message")
        self.feedback.bind("waste_mg", self.mg)
        self.feedback.bind("how", self.how)
        self.feedback.bind("witness_username", self.witness)
        self.feedback.bind("witness_password", self.witness_password)
        self.feedback.bind("password", self.password)
        layout.addWidget(self.feedback)

    def show_state(self, state: SessionState) -> None:
        if state.session_id != self.session_id:
            self._opened = False
        self.session_id = state.session_id
        self._state = state
        record = state.controlled
        self._show_tally(tally(record))
        self.vials.show_state(state)  # the vials' rows, beside the totals; the open form says which it wastes
        self.vials.setVisible(self._with_vials and self.vials.isVisibleTo(self) and not self._opened)
        problem = record.problem
        if problem is not None:
            self.problem.setText(problem)
            left = record.left_to_account_mg or Decimal(0)
            set_tone(self.problem, "advise" if left > 0 else "act")
        self.problem.setVisible(problem is not None)
        self.wastes.setText("\n".join(self._waste_line(state, waste) for waste in record.wasted))
        self.wastes.setVisible(bool(record.wasted) and not self._opened)
        allowed = E.WASTED in state.allowed
        aimed = record.vial(self._vial_of) if self._vial_of is not None else None
        if self._vial_of is not None and (aimed is None or aimed.left_mg <= 0):
            self._aim(None, "")
        self._unfold(allowed and self._opened)
        self.open.setVisible(allowed and not self._opened)
        self.setVisible(bool(record.drawn) or bool(record.wasted))

    def _show_tally(self, rows: list[TallyRow]) -> None:
        """Core's lines, two to a row; rebuilt only when the lines themselves change."""
        if tuple(row.what for row in rows) != self._rows:
            self._rows = tuple(row.what for row in rows)
            while self._tally.count():
                old = self._tally.takeAt(0).widget()
                if old is not None:
                    old.hide()
                    old.setParent(None)  # gone at once: a label waiting for deletion would still be drawn
                    old.deleteLater()
            self.totals = {}
            for index, row in enumerate(rows):
                line, column = divmod(index, TALLY_COLUMNS)
                self._tally.addWidget(label(row.what, role="hint"), line, 2 * column)
                self.totals[row.what] = label(name=f"{row.what} (controlled substance)")
                self._tally.addWidget(self.totals[row.what], line, 2 * column + 1)
        for row in rows:
            amount = self.totals[row.what]
            amount.setWordWrap(len(row.amount) > LONG_AMOUNT)  # a figure stays on one line; a sentence wraps
            amount.setText(row.amount)

    def _unfold(self, on: bool) -> None:
        """The form, or the totals: one at a time."""
        if on == self.form.isVisibleTo(self):
            return
        self.form.setVisible(on)
        self.tally.setVisible(not on)
        self.wastes.setVisible(not on and bool(self.wastes.text()))
        self.form_shown.emit(on)

    def waste_rest(self, drawn_event_id: str, words: str) -> None:
        """The form, aimed at what is left in one vial."""
        self._aim(drawn_event_id, words)
        self._open()

    def _aim(self, vial_of: str | None, words: str) -> None:
        self._vial_of = vial_of
        self.what.setText(
            f"{words} Waste it in front of the witness; both of you sign here."
            if vial_of
            else "Waste it in front of the witness; both of you sign here."
        )

    def _waste_line(self, state: SessionState, waste: Waste) -> str:
        signed = [
            f"{self.controller.staff_name(s.signer_id)} ({s.meaning.value})"
            for s in state.signatures
            if s.event_id == waste.event_id
        ]
        return f"Wasted {waste.mg} mg at {clock_time(waste.at)}, {waste.how}. Signed: {' and '.join(signed)}."

    def _open(self) -> None:
        self._opened = True
        self.open.hide()
        self.vials.hide()
        self._unfold(True)
        self.mg.setFocus()

    def _close(self) -> None:
        """Cancelled: nothing typed is kept, the totals come back."""
        for field in (self.mg, self.how, self.password, self.witness, self.witness_password):
            field.clear()
        self._opened = False
        self._aim(None, "")
        self.feedback.clear()
        if self._state is not None:
            self.show_state(self._state)

    def _record(self) -> None:
        if self.session_id is None:
            return
        password, witness_password = self.password.text(), self.witness_password.text()
        self.password.clear()  # never kept, whether the waste is recorded or refused
        self.witness_password.clear()
        state = self.controller.record_waste(
            self.feedback,
            self.session_id,
            (self.mg.text(), self.how.text()),
            password,
            (self.witness.text(), witness_password),
            self._vial_of,
        )
        if state is None:
            fields = (self.mg, self.how, self.password, self.witness, self.witness_password)
            if not any(field.property("invalid") for field in fields):
                self.password.setFocus()  # refused as a whole: both passwords are typed again
            return
        for field in (self.mg, self.how, self.witness):
            field.clear()
        self._opened = False
        self._aim(None, "")
        self._unfold(False)
        self.show_state(state)
        self.feedback.saved("Waste recorded and signed.")
