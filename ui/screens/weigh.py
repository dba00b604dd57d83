"""Weigh: the number from the scale and its unit. The unit is never assumed: the nurse picks it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QFrame, QGroupBox, QHBoxLayout, QVBoxLayout, QWidget

from core.dosing import WeightUnit
from core.session_state import SessionState
from ui.controller import Controller
from ui.style import mark
from ui.widgets.action_bar import ActionBar
from ui.widgets.feedback import Feedback
from ui.widgets.forms import WrappingCheck, button, caption_for, choice, line_edit, main_action


class WeighPage(QWidget):
    cancelled = Signal()
    """The nurse came to weigh again and changed her mind: back to the step the session is at."""

    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.controller = controller
        self.session_id: str | None = None
        layout = QVBoxLayout(self)
        box = QGroupBox("Weigh the patient")
        form = QVBoxLayout(box)
        row = QHBoxLayout()
        self.weight = line_edit("Weight", "e.g. 72.4")
        form.addWidget(
            caption_for("Type the weight exactly as the scale shows it, and the unit the scale shows.", self.weight)
        )
        self.weight.setMaximumWidth(220)
        self.weight.returnPressed.connect(self._record)
        row.addWidget(self.weight)
        self.units = QButtonGroup(self)
        units_box = QFrame()
        mark(units_box, "role", "choices")
        units_row = QHBoxLayout(units_box)
        units_row.setContentsMargins(2, 2, 2, 2)
        for unit in WeightUnit:
            button_ = choice(unit.value, f"Unit {unit.value}")
            button_.setProperty("unit", unit.value)
            self.units.addButton(button_)
            units_row.addWidget(button_)
        row.addWidget(units_box)
        row.addStretch(1)
        form.addLayout(row)
        self.confirm_change = WrappingCheck("The weight is right: I checked the scale and the unit and weighed again.")
        self.confirm_change.hide()  # shown when core finds the weight far from the last one, or its unit doubtful
        form.addWidget(self.confirm_change)
        self.record = main_action(button("Record weight", role="primary"))
        self.record.clicked.connect(self._record)
        self.cancel = button("Back without weighing")
        self.cancel.clicked.connect(self.cancelled.emit)
        self.cancel.hide()
        self.feedback = Feedback("Weight message")
        self.feedback.bind("weight", self.weight)
        self.feedback.bind("weight_unit", units_box)
        self.feedback.bind("confirm_change", self.confirm_change)
        self.actions = ActionBar(self.feedback)  # pinned under the page by the chair panel
        self.actions.row.addWidget(self.cancel)
        self.actions.row.addStretch(1)
        self.actions.row.addWidget(self.record)
        layout.addWidget(box)
        layout.addStretch(1)

    def show_state(self, state: SessionState) -> None:
        self.session_id = state.session_id

    def _record(self) -> None:
        if self.session_id is None:
            return
        chosen = self.units.checkedButton()
        unit = chosen.property("unit") if chosen else None
        confirmed = self.confirm_change.isVisible() and self.confirm_change.isChecked()
        if self.controller.record_weight(self.feedback, self.session_id, self.weight.text(), unit, confirmed):
            self.confirm_change.box.setChecked(False)  # a later weighing is judged afresh
            self.confirm_change.hide()
