"""Screening before treatment: one row per question in the protocol, no answer chosen in advance."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QFrame, QGridLayout, QGroupBox, QHBoxLayout, QVBoxLayout, QWidget

from core.session_state import SessionState
from ui.controller import Controller
from ui.style import mark
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, choice, label

ANSWERS = (("yes", "Yes"), ("no", "No"), ("unknown", "Unknown"))


class ScreenPage(QWidget):
    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.controller = controller
        self.session_id: str | None = None
        layout = QVBoxLayout(self)
        box = QGroupBox("Screening — ask the patient each question")
        grid = QGridLayout(box)
        grid.setColumnStretch(0, 1)
        self.feedback = Feedback("Screening message")
        self.groups: dict[str, QButtonGroup] = {}
        for row, question in enumerate(controller.protocol.screening.questions):
            grid.addWidget(label(question.text), row, 0)
            answers = QFrame()
            mark(answers, "role", "choices")
            buttons = QHBoxLayout(answers)
            buttons.setContentsMargins(2, 2, 2, 2)
            group = QButtonGroup(self)
            for value, word in ANSWERS:
                answer = choice(word, f"{question.text} {word}")
                answer.setProperty("answer", value)
                group.addButton(answer)
                buttons.addWidget(answer)
            grid.addWidget(answers, row, 1)
            self.groups[question.id] = group
            self.feedback.bind(f"screening.{question.id}", answers)
        layout.addWidget(box)
        self.record = button("Record screening", role="primary")
        self.record.clicked.connect(self._record)
        layout.addWidget(self.record)
        layout.addWidget(self.feedback)
        layout.addStretch(1)

    def show_state(self, state: SessionState) -> None:
        self.session_id = state.session_id

    def _record(self) -> None:
        if self.session_id is None:
            return
        answers = {}
        for question_id, group in self.groups.items():
            chosen = group.checkedButton()
            answers[question_id] = chosen.property("answer") if chosen else ""
        self.controller.screen(self.feedback, self.session_id, answers)
