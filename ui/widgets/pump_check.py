"""After a restart during an infusion: the nurse looks at the pump and says what she sees.

The question and its answers are core's (``core.attention.pump_question``), worded for the step: a running
infusion is asked whether the pump still runs, a paused one whether the pump is still on hold. The answer
the record expects is the main button; the other, which means acting on the pump, is in the alarm colour.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from core.attention import PumpQuestion, pump_question
from core.session_state import SessionState
from ui.controller import Controller
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, card, label


class PumpCheck:
    """A red banner with two answers; hidden unless core says the pump needs checking."""

    def __init__(self, controller: Controller) -> None:
        self.controller = controller
        self.session_id: str | None = None
        self._asked: PumpQuestion | None = None
        self.widget = card("banner-act")
        layout = QVBoxLayout(self.widget)
        self.question = label(role="heading", name="Pump check")
        layout.addWidget(self.question)
        row = QHBoxLayout()
        self.expected = button("Pump is as recorded", role="primary")  # worded for the step when shown
        self.other = button("Pump is not as recorded", role="danger")
        self.expected.clicked.connect(lambda: self._answer(expected=True))
        self.other.clicked.connect(lambda: self._answer(expected=False))
        row.addWidget(self.expected)
        row.addWidget(self.other)
        row.addStretch(1)
        layout.addLayout(row)
        self.feedback = Feedback("Pump check message")
        layout.addWidget(self.feedback)
        self.widget.hide()

    def show_state(self, state: SessionState | None) -> None:
        self.session_id = state.session_id if state else None
        asking = bool(state and state.needs_pump_check)
        if state is not None and asking:
            asked = pump_question(state)
            if asked != self._asked:
                self._asked = asked
                self.question.setText(asked.question)
                for widget, words in ((self.expected, asked.expected), (self.other, asked.other)):
                    widget.setText(words)
                    widget.setAccessibleName(words)
        self.widget.setVisible(asking)

    def _answer(self, *, expected: bool) -> None:
        if self.session_id is None or self._asked is None:
            return
        running = self._asked.expected_running if expected else not self._asked.expected_running
        self.controller.confirm_pump(self.feedback, self.session_id, running)
