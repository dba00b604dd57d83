"""Drawn up: the vial's lot and the volume taken from it, the first line of the controlled-substance record.

Ketamine is a controlled substance, so core holds the infusion back until this is recorded. The dose's
own volume is shown as a hint to read against the syringe; what the nurse types is what she drew.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QGroupBox, QVBoxLayout, QWidget

from core.controlled import Drawn
from core.events import EventType as E
from core.session_state import SessionState
from ui.controller import Controller
from ui.dialogs.base import tab_order
from ui.text import clock_time
from ui.widgets.advance import advance_when_complete
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, label, line_edit
from ui.widgets.waste import VialRests


def drawn_line(controller: Controller, drawn: Drawn) -> str:
    by = controller.staff_name(drawn.by)
    return f"Drawn up: {drawn.ml} mL ({drawn.mg} mg) from lot {drawn.lot} by {by} at {clock_time(drawn.at)}"


class DrawnPanel(QGroupBox):
    recorded = Signal()
    """A draw-up was recorded: the rest of its vial is what the nurse accounts for next."""

    def __init__(self, controller: Controller) -> None:
        super().__init__("Drawn up")
        self.controller = controller
        self.session_id: str | None = None
        self._again = False
        layout = QVBoxLayout(self)
        self.records = label(name="Drawn up record")
        self.records.hide()
        layout.addWidget(self.records)
        self.vials = VialRests(controller)  # what is left in each vial: back to stock, or wasted
        layout.addWidget(self.vials)

        self.form = QWidget()
        grid = QGridLayout(self.form)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(1, 1)
        self.vial = label(name="Vial to draw from")
        grid.addWidget(self.vial, 0, 0, 1, 2)
        # The volume first: typed to the protocol's places it is complete and hands the keyboard to the lot
        # number, where Enter records both, so the draw-up costs one key.
        self.ml = line_edit("Volume drawn up (mL)")
        self.ml.setMaximumWidth(160)
        advance_when_complete(self.ml, controller.drawn_volume_complete())
        self.lot = line_edit("Lot number", "As printed on the vial")
        self.expected = label(role="hint", name="Volume expected")
        for row, (text, field) in ((1, ("Volume (mL)", self.ml)), (3, ("Lot number", self.lot))):
            caption = label(text)
            caption.setBuddy(field)
            field.returnPressed.connect(self._record)
            grid.addWidget(caption, row, 0)
            grid.addWidget(field, row, 1)
        grid.addWidget(self.expected, 2, 1)
        self.record = button("Record drawn up", role="primary")
        self.record.clicked.connect(self._record)
        grid.addWidget(self.record, 4, 0, 1, 2)
        tab_order(self.ml, self.lot, self.record)
        layout.addWidget(self.form)
        self.again = button("Draw up again…", "Draw up again (another vial)")
        self.again.clicked.connect(self._draw_again)
        layout.addWidget(self.again, 0, Qt.AlignmentFlag.AlignLeft)

        self.feedback = Feedback("Drawn up message")
        self.feedback.bind("lot", self.lot)
        self.feedback.bind("drawn_ml", self.ml)
        layout.addWidget(self.feedback)

    def show_state(self, state: SessionState) -> None:
        if state.session_id != self.session_id:
            self._again = False
        self.session_id = state.session_id
        drawn = state.controlled.drawn
        self.records.setText("\n".join(drawn_line(self.controller, d) for d in drawn))
        self.records.setVisible(bool(drawn))
        self.vials.show_state(state)
        allowed = E.DRAWN in state.allowed and state.dose is not None
        if state.dose is not None:
            dose = state.dose
            self.vial.setText(f"Vial: {dose.vial_label}")
            self.expected.setText(f"The dose is {dose.drug_volume_ml} mL ({dose.dose_mg} mg).")
        self.form.setVisible(allowed and (not drawn or self._again))
        # Another vial is drawn from once the rest of the last one is accounted for (one open vial at a time,
        # and the panel stays short enough to sit beside the pump unscrolled).
        rest_open = any(vial.left_mg > 0 for vial in state.controlled.vials)
        self.again.setVisible(allowed and bool(drawn) and not self._again and not rest_open)
        self.setVisible(allowed or bool(drawn))

    def _draw_again(self) -> None:
        self._again = True
        self.form.show()
        self.again.hide()
        self.ml.setFocus()

    def _record(self) -> None:
        if self.session_id is None:
            return
        state = self.controller.record_drawn(self.feedback, self.session_id, self.lot.text(), self.ml.text())
        if state is not None:
            self.lot.clear()
            self.ml.clear()
            self._again = False
            self.recorded.emit()
