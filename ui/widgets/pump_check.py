"""After a restart during an infusion: the nurse looks at the pump and says what she sees."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from core.session_state import SessionState
from ui.controller import Controller
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, card, label

QUESTION = "Chairside restarted while this infusion was running. Look at the pump: is it still running?"


class PumpCheck:
    """A red banner with two answers; hidden unless core says the pump needs checking."""

    def __init__(self, controller: Controller) -> None:
        self.controller = controller
        self.session_id: str | None = None
        self.widget = card("banner-act")
        layout = QVBoxLayout(self.widget)
        layout.addWidget(label(QUESTION, role="heading", name="Pump check"))
        row = QHBoxLayout()
        running = button("Pump is running", role="primary")
        stopped = button("Pump has stopped", role="danger")
        running.clicked.connect(lambda: self._answer(True))
        stopped.clicked.connect(lambda: self._answer(False))
        row.addWidget(running)
        row.addWidget(stopped)
        row.addStretch(1)
        layout.addLayout(row)
        self.feedback = Feedback("Pump check message")
        layout.addWidget(self.feedback)
        self.widget.hide()

    def show_state(self, state: SessionState | None) -> None:
        self.session_id = state.session_id if state else None
        self.widget.setVisible(bool(state and state.needs_pump_check))

    def _answer(self, running: bool) -> None:
        if self.session_id is not None:
            self.controller.confirm_pump(self.feedback, self.session_id, running)
