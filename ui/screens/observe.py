"""Observation after the infusion: its countdown, vitals, side effects and the discharge decision.

The discharge is signed: the nurse types her password, and her signature means she verified the
criteria (or recorded the prescriber's override). The controlled-substance totals are shown here too,
since the amount given is known from now on and any drug left over is wasted with a witness.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QVBoxLayout, QWidget

from core.events import EventType as E
from core.session_state import SessionState
from ui.controller import Controller
from ui.text import clock_time
from ui.widgets.care_column import CareColumn
from ui.widgets.countdown import Countdown
from ui.widgets.feedback import Feedback
from ui.widgets.forms import WrappingCheck, button, label, line_edit, password_field
from ui.widgets.waste import WastePanel


class ObservePage(QWidget):
    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.controller = controller
        self.session_id: str | None = None
        rules = controller.protocol.discharge
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.countdown = Countdown("Observation time left")
        left.addWidget(self.countdown)

        box = QGroupBox("Discharge")
        form = QVBoxLayout(box)
        self.feedback = Feedback("Discharge message")
        caption = label(f"{rules.score_name} ({rules.score_min}–{rules.score_max})")
        self.score = line_edit(rules.score_name)
        self.score.setMaximumWidth(160)
        caption.setBuddy(self.score)
        self.feedback.bind("score", self.score)
        form.addWidget(caption)
        form.addWidget(self.score)
        self.criteria: dict[str, WrappingCheck] = {}
        for criterion in rules.criteria:
            tick = WrappingCheck(criterion.text)
            form.addWidget(tick)
            self.criteria[criterion.id] = tick
        self.override_caption = label("Criteria not met: the prescriber's override and its reason:")
        self.override = line_edit("Discharge override reason")
        self.override_caption.setBuddy(self.override)
        self.feedback.bind("override_reason", self.override, self.override_caption)
        self.override_caption.hide()
        self.override.hide()
        form.addWidget(self.override_caption)
        form.addWidget(self.override)
        password_caption = label("Your password, to sign the discharge as verified")
        self.password = password_field("Your password (discharge)")
        self.password.setMaximumWidth(360)
        password_caption.setBuddy(self.password)
        self.feedback.bind("password", self.password)
        form.addWidget(password_caption)
        form.addWidget(self.password)
        for field in (self.score, self.override, self.password):
            field.returnPressed.connect(self._discharge)
        self.discharge_hint = label(role="hint", name="Discharge hint")
        self.discharge_hint.hide()
        form.addWidget(self.discharge_hint)
        self.record = button("Record discharge", role="primary")
        self.record.clicked.connect(self._discharge)
        form.addWidget(self.record)
        form.addWidget(self.feedback)
        left.addWidget(box)
        self.waste = WastePanel(controller)
        left.addWidget(self.waste)
        left.addStretch(1)
        layout.addLayout(left, 5)

        self.column = CareColumn(controller)
        layout.addLayout(self.column, 6)

    def show_state(self, state: SessionState) -> None:
        self.session_id = state.session_id
        earliest = state.discharge_earliest
        left = state.observation_left
        if left > timedelta():
            self.countdown.show_time("Observation — time left", left, f"Discharge from {clock_time(earliest)}")
        else:
            self.countdown.show_time("Minimum observation over", timedelta(), f"Since {clock_time(earliest)}")
        self.record.setEnabled(E.DISCHARGED in state.allowed)
        held = state.held_back.get(E.DISCHARGED)
        self.discharge_hint.setText(held or "")
        self.discharge_hint.setVisible(held is not None)
        self.waste.show_state(state)
        self.column.show_state(state)

    def _discharge(self) -> None:
        if self.session_id is None:
            return
        ticked = {key: box.isChecked() for key, box in self.criteria.items()}
        password = self.password.text()
        self.password.clear()  # never kept, whether the discharge is recorded or refused
        recorded = self.controller.discharge(
            self.feedback, self.session_id, self.score.text(), ticked, password, self.override.text() or None
        )
        if recorded is None and not any(field.property("invalid") for field in (self.score, self.override)):
            self.password.setFocus()
