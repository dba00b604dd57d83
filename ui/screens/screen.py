"""Screening before treatment: one row per question this session asks, no answer chosen in advance.

Core says which questions the session asks (the course-start checklist only at the course's first
session); the page shows those and sends only their answers. An answer that stops treatment turns the
alarm colour the moment it is tapped; recording it asks for confirmation first ("Go back" returns to the
answers as they were), and nothing is recorded until the nurse confirms.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from core.protocol import Asked, ScreeningQuestion
from core.screening import ANSWER_WORDS, questions_for, review, stop_rule, stops, stops_if
from core.session_state import SessionState
from ui.controller import Controller
from ui.style import mark
from ui.widgets.action_bar import ActionBar
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, choice, label, main_action, set_tone
from ui.widgets.panes import Panes

ANSWERS = tuple(ANSWER_WORDS.items())
TITLES = {
    Asked.COURSE_START: "Before the course's first infusion — contraindications",
    Asked.EVERY_SESSION: "Every session — ask the patient each question",
}


class ScreenPage(QWidget):
    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.controller = controller
        self.session_id: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(4)
        self.feedback = Feedback("Screening message")
        self.groups: dict[str, QButtonGroup] = {}
        self.rows: dict[str, tuple[QWidget, QWidget]] = {}
        self.boxes: dict[Asked, QGroupBox] = {}
        self.checklist_done = label(
            "The course-start checklist was answered before this course's first infusion.",
            role="hint",
            name="Course-start checklist answered",
        )
        self.checklist_done.hide()
        layout.addWidget(self.checklist_done)
        self.questions = {q.id: q for q in controller.protocol.screening.questions}
        # Said beside "Record screening" (in the pinned row, so no question moves below the fold).
        self.rule = label(stop_rule(controller.protocol.screening.questions), name="Which answers stop treatment")
        mark(self.rule, "role", "heading")
        for asked, title in TITLES.items():
            questions = [q for q in controller.protocol.screening.questions if q.asked is asked]
            if questions:
                self.boxes[asked] = self._box(title, questions)
                layout.addWidget(self.boxes[asked])
        self.asked: list[str] = []
        self.state: SessionState | None = None
        self.stopping = label(role="hint", name="Answers that stop treatment")
        # Wraps in the row between the buttons, in what room they leave: never widening the window.
        self.stopping.setMinimumWidth(160)
        self.stopping.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.stopping.hide()
        self.record = main_action(button("Record screening", role="primary"))
        self.record.clicked.connect(self._record)
        # Asked only when answers stop treatment: the safe way back first, then the stop itself.
        self.go_back = main_action(button("Go back", "Go back to the answers", role="primary"))
        self.go_back.clicked.connect(self._go_back)
        self.confirm = main_action(button("Confirm: not treated today", role="danger"))
        self.confirm.clicked.connect(self._confirm_stop)
        # Pinned under the questions by the chair panel. What stops treatment is said in the row itself, in
        # the rule's place (and the confirmation's question there too), so the bar never grows over the last
        # question the nurse just answered.
        self.actions = ActionBar(self.feedback)
        self.actions.row.addWidget(self.confirm)
        self.actions.row.addWidget(self.rule, 3)
        self.actions.row.addWidget(self.stopping, 10)
        self.actions.row.addStretch(1)  # the stop and the way back are never side by side
        self.actions.row.addWidget(self.go_back)
        self.actions.row.addWidget(self.record)
        self._asking(False)
        layout.addStretch(1)

    def _box(self, title: str, questions: list[ScreeningQuestion]) -> QGroupBox:
        """The questions in two columns where the page is wide (a course's first session fits 1280×800
        unscrolled), in one where it is not; down the first column, then the second, in Tab order too."""
        box = QGroupBox(title)
        column = QVBoxLayout(box)
        column.setContentsMargins(6, 2, 6, 2)
        panes = Panes()
        panes.box.setSpacing(16)
        half = (len(questions) + 1) // 2
        for part in (questions[:half], questions[half:]):
            if part:
                panes.box.addWidget(self._rows(part), 1, Qt.AlignmentFlag.AlignTop)
        column.addWidget(panes)
        return box

    def _rows(self, questions: list[ScreeningQuestion]) -> QWidget:
        """One row per question: its words, then its answers, Yes / No / Unknown, each a large button."""
        rows = QWidget()
        grid = QGridLayout(rows)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(8)
        grid.setColumnStretch(0, 1)
        uniform = bool(stop_rule(questions))
        for row, question in enumerate(questions):
            text = label(question.text if uniform else f"{question.text} ({stops_if(question)})")
            grid.addWidget(text, row, 0)
            answers = QFrame()
            mark(answers, "role", "choices")
            buttons = QHBoxLayout(answers)
            buttons.setContentsMargins(2, 2, 2, 2)
            buttons.setSpacing(8)
            group = QButtonGroup(self)
            for value, word in ANSWERS:
                answer = choice(word, f"{question.text} {word}")
                answer.setProperty("answer", value)
                mark(answer, "compact", True)
                answer.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
                group.addButton(answer)
                buttons.addWidget(answer)
            grid.addWidget(answers, row, 1)
            group.buttonToggled.connect(lambda _b, _on: self._show_stops())
            self.groups[question.id] = group
            self.rows[question.id] = (text, answers)
            self.feedback.bind(f"screening.{question.id}", answers)
        return rows

    def first_focus(self, _state: SessionState) -> QWidget | None:
        """The first question asked, on its "No": never on a "Yes", which would stop the treatment."""
        if not self.asked:
            return self.record
        return next(b for b in self.groups[self.asked[0]].buttons() if b.property("answer") == "no")

    def show_state(self, state: SessionState) -> None:
        if state.session_id != self.session_id:
            self._asking(False)
        self.state = state
        self.session_id = state.session_id
        self.asked = [q.id for q in questions_for(self.controller.protocol, state)]
        for question_id, widgets in self.rows.items():
            for widget in widgets:
                widget.setVisible(question_id in self.asked)
        kinds = {q.asked for q in self.controller.protocol.screening.questions if q.id in self.asked}
        for asked, box in self.boxes.items():
            box.setVisible(asked in kinds)
        start_box = self.boxes.get(Asked.COURSE_START)
        self.checklist_done.setVisible(start_box is not None and start_box.isHidden())

    def _answers(self) -> dict[str, str]:
        answers = {}
        for question_id in self.asked:
            chosen = self.groups[question_id].checkedButton()
            answers[question_id] = chosen.property("answer") if chosen else ""
        return answers

    def _stops_said(self) -> list[str]:
        """Each answer that stops treatment, as its question and the answer's own word on its button."""
        said = []
        for question_id, group in self.groups.items():
            chosen = group.checkedButton()
            value = chosen.property("answer") if chosen else None
            if question_id in self.asked and stops(self.questions[question_id], value):
                said.append(f"{self.questions[question_id].text} — {ANSWER_WORDS[value]}")
        return said

    def _show_stops(self) -> None:
        """Each answer that stops treatment in the alarm colour, and said under the questions, at once."""
        for question_id, group in self.groups.items():
            chosen = group.checkedButton()
            value = chosen.property("answer") if chosen else None
            stopping = question_id in self.asked and stops(self.questions[question_id], value)
            for answer in group.buttons():
                mark(answer, "stops", stopping and answer is chosen)
            mark(self.rows[question_id][1], "stops", stopping)
        said = self._stops_said()
        self.stopping.setText("Stops treatment today: " + "; ".join(said) if said else "")
        set_tone(self.stopping, "act" if said else None)
        self.stopping.setProperty("asking", False)
        self._asking(False)  # an answer changed while the stop was being confirmed: ask again

    def _asking(self, on: bool) -> None:
        """The confirmation of a stop in place of "Record screening", or back again."""
        self.confirm.setVisible(on)
        self.go_back.setVisible(on)
        self.record.setVisible(not on)
        if not on and self.stopping.property("asking"):  # back from the question: the stops as they are
            self.stopping.setProperty("asking", False)
            said = self._stops_said()
            self.stopping.setText("Stops treatment today: " + "; ".join(said) if said else "")
        self.stopping.setVisible(on or bool(self.stopping.text()))
        self.rule.setVisible(not self.stopping.isVisibleTo(self.actions) and bool(self.rule.text()))

    def _record(self) -> None:
        if self.session_id is None or self.state is None:
            return
        answers, state, protocol = self._answers(), self.state, self.controller.protocol
        reasons = self.controller.run(self.feedback, lambda: review(protocol, state, answers), writes=False)
        if reasons is None:
            return  # a question is unanswered: the message is by it
        if not reasons:
            self.controller.screen(self.feedback, self.session_id, answers)
            return
        # Said with the answers' own words (as on their buttons), in the row beside the two answers to it.
        self.stopping.setProperty("asking", True)
        self.stopping.setText(
            "Not treated today: " + "; ".join(self._stops_said()) + ". Nothing is recorded until you confirm."
        )
        set_tone(self.stopping, "act")
        self._asking(True)
        self.go_back.setFocus()

    def _go_back(self) -> None:
        self._asking(False)
        self.feedback.clear()
        self.record.setFocus()

    def _confirm_stop(self) -> None:
        if self.session_id is None:
            return
        if self.controller.screen(self.feedback, self.session_id, self._answers(), confirm_stop=True) is not None:
            self._asking(False)
