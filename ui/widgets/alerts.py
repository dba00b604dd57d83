"""Open alarms from vital signs: each stays until a nurse records what was done and asks about symptoms.

The actions and the questions are the protocol's, offered by core for the vitals that alarmed and the
step the session is at; the panel only lays them out as big toggles (several actions, one yes or no per
question) and hands the choices to core, which refuses an incomplete acknowledgement by the field.

The form is compact, as it is the first thing the nurse does and must be in view with its Acknowledge:
the actions are laid out as many to a row as fit with every button's words whole, and the symptom
questions two to a row where the pane is wide enough.
"""

from __future__ import annotations

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from core.alerts import SYMPTOM_ANSWERS, alert_actions, symptom_questions
from core.attention import reading_words
from core.events import EventType as E
from core.protocol import AlertAction, AlertEffect
from core.session_state import OpenAlert, SessionState
from ui.announce import announce
from ui.controller import Controller
from ui.style import mark
from ui.text import clock_time
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, card, choice, label, line_edit

ACTION_COLUMNS = 3
"""The most actions to a row; fewer where the pane is too narrow for their words."""
QUESTION_COLUMNS = 3
"""The most symptom questions to a row; fewer where their words would not fit on two lines."""
QUESTION_WORDS = 150
ANSWER_WORDS = {"yes": "Yes", "no": "No"}
SPACING = 6
ANSWER_WIDTH = 72
"""Each Yes / No answer's width: a large target, its word whole."""


def _choices_frame() -> tuple[QFrame, QGridLayout]:
    frame = QFrame()
    mark(frame, "role", "choices")
    grid = QGridLayout(frame)
    grid.setContentsMargins(2, 2, 2, 2)
    grid.setSpacing(SPACING)
    return frame, grid


def words_width(widget: QPushButton) -> int:
    """The width a button needs for its words whole, with the style sheet's padding and border."""
    return widget.fontMetrics().horizontalAdvance(widget.text()) + 2 * 16 + 4


def columns_that_fit(widths: list[int], room: int, most: int) -> int:
    """As many columns as ``most`` whose widest cell still fits ``room``, at least one."""
    for columns in range(most, 1, -1):
        if columns * max(widths, default=0) + (columns - 1) * SPACING <= room:
            return columns
    return 1


class AlertForm(QFrame):
    """One open alert: what alarmed, the actions taken, the symptom questions, a note, and Acknowledge."""

    def __init__(self, panel: AlertsPanel, number: int, alert: OpenAlert, state: SessionState) -> None:
        super().__init__()
        self.panel = panel
        self.alert = alert
        protocol = panel.controller.protocol
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        # Act-now readings and the same set's advisory ones, each on its own line (core's words).
        text = f"{clock_time(alert.occurred_at)} — " + "\n".join(reading_words(alert.findings, alert.advisories))
        if alert.instructions:  # what the protocol says to do for each vital that alarmed
            text += "\n" + " ".join(alert.instructions)
        self.number = number
        self.words = text
        layout.addWidget(label(text, name=f"Alert {number}"))

        offered = alert_actions(protocol, alert, state.step)
        questions = symptom_questions(protocol, alert)
        asked = "What was done? Choose all that apply"
        if any(action.effect in {AlertEffect.PAUSE, AlertEffect.STOP} for action in offered):
            asked += " (pause or stop the pump itself first)"
        asked += ", then ask the patient." if questions else "."
        layout.addWidget(label(asked, role="hint", name=f"Alert {number} pump note"))
        self.actions_frame, self.actions_grid = _choices_frame()
        self.actions: dict[str, QPushButton] = {}
        for action in offered:
            words = self._action_words(action)
            toggle = choice(words, f"Alert {number}: {words}")
            self.actions[action.id] = toggle
        layout.addWidget(self.actions_frame)

        self.answers: dict[str, QButtonGroup] = {}
        self.answer_frames: dict[str, QFrame] = {}
        self.questions_grid = QGridLayout()
        self.questions_grid.setHorizontalSpacing(12)
        self.questions_grid.setVerticalSpacing(0)
        self._questions: list[tuple[QLabel, QFrame]] = []
        for question in questions:
            asked_words = label(question.text)
            asked_words.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # wraps
            frame, buttons = _choices_frame()
            buttons.setContentsMargins(0, 0, 0, 0)
            group = QButtonGroup(self)
            for column, value in enumerate(SYMPTOM_ANSWERS):
                answer = choice(ANSWER_WORDS[value], f"Alert {number}: {question.text} {ANSWER_WORDS[value]}")
                mark(answer, "narrow", True)  # as tall as any target, narrow enough for two to a row
                answer.setFixedWidth(ANSWER_WIDTH)
                answer.setProperty("answer", value)
                group.addButton(answer)
                buttons.addWidget(answer, 0, column)
            self._questions.append((asked_words, frame))
            self.answers[question.id] = group
            self.answer_frames[question.id] = frame
        layout.addLayout(self.questions_grid)
        self._columns: tuple[int, int] | None = None
        self._flow(ACTION_COLUMNS, 1)

        self.note = line_edit(f"Note for alert {number}", "Note (say what, if Other)")
        self.note.returnPressed.connect(self._acknowledge)
        self.acknowledge = button("Acknowledge", f"Acknowledge alert {number}", role="danger")
        self.acknowledge.clicked.connect(self._acknowledge)
        bottom = QHBoxLayout()
        bottom.addWidget(self.note, 1)
        bottom.addWidget(self.acknowledge)
        layout.addLayout(bottom)

    def _flow(self, action_columns: int, question_columns: int) -> None:
        """Lay the actions and the questions out this many to a row (the Tab order stays theirs)."""
        if self._columns == (action_columns, question_columns):
            return
        self._columns = (action_columns, question_columns)
        for toggle in self.actions.values():
            self.actions_grid.removeWidget(toggle)
        for index, toggle in enumerate(self.actions.values()):
            self.actions_grid.addWidget(toggle, index // action_columns, index % action_columns)
        for column in range(ACTION_COLUMNS):
            self.actions_grid.setColumnStretch(column, 1 if column < action_columns else 0)
        for words, frame in self._questions:
            self.questions_grid.removeWidget(words)
            self.questions_grid.removeWidget(frame)
        for index, (words, frame) in enumerate(self._questions):
            row, column = index // question_columns, 2 * (index % question_columns)
            self.questions_grid.addWidget(words, row, column)
            self.questions_grid.addWidget(frame, row, column + 1)
        for column in range(2 * QUESTION_COLUMNS):
            self.questions_grid.setColumnStretch(column, 1 if column % 2 == 0 and column < 2 * question_columns else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        room = event.size().width() - 8
        widths = []
        for toggle in self.actions.values():
            toggle.ensurePolished()  # the style sheet's font, not the default one
            toggle.setMinimumWidth(words_width(toggle))  # never narrower than its words
            widths.append(toggle.minimumWidth())
        answers = 2 * ANSWER_WIDTH + SPACING + 8
        # As many questions to a row as keep room for their words (on two lines at most) beside the answers.
        questions = columns_that_fit([answers + QUESTION_WORDS + 12], room, QUESTION_COLUMNS)
        self._flow(columns_that_fit(widths, room - 4, ACTION_COLUMNS), questions)
        super().resizeEvent(event)

    def _action_words(self, action: AlertAction) -> str:
        if action.effect is AlertEffect.RECHECK:
            return f"{action.label} in {self.panel.controller.protocol.alert_response.recheck_minutes} min"
        return action.label

    def chosen_actions(self) -> list[str]:
        return [action_id for action_id, toggle in self.actions.items() if toggle.isChecked()]

    def symptom_answers(self) -> dict[str, str]:
        answers = {}
        for question_id, group in self.answers.items():
            checked = group.checkedButton()
            if checked is not None:
                answers[question_id] = checked.property("answer")
        return answers

    def bind(self, feedback: Feedback) -> None:
        """Point the shared message line's fields at this alert's controls."""
        feedback.bind("actions", self.actions_frame)
        feedback.bind("note", self.note)
        for question_id, frame in self.answer_frames.items():
            feedback.bind(f"symptoms.{question_id}", frame)

    def _acknowledge(self) -> None:
        self.panel.acknowledge(self)


class AlertsPanel(QWidget):
    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.controller = controller
        self.session_id: str | None = None
        self._shown: tuple[tuple[str, tuple[str, ...]], ...] = ()
        self.box = card("banner-act")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.box)
        layout = QVBoxLayout(self.box)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(2)
        self.heading = label("Alert: act now", role="heading", name="Alerts")
        layout.addWidget(self.heading)
        self.forms_layout = QVBoxLayout()
        layout.addLayout(self.forms_layout)
        self.feedback = Feedback("Alert message")
        layout.addWidget(self.feedback)
        self.forms: list[AlertForm] = []
        self.hide()

    def show_state(self, state: SessionState) -> None:
        self.session_id = state.session_id
        protocol = self.controller.protocol
        shown = tuple(
            (alert.event_id, tuple(a.id for a in alert_actions(protocol, alert, state.step)))
            for alert in state.open_alerts
        )
        if shown != self._shown:  # rebuilt only when the alerts or what they offer change: choices stay
            self._rebuild(state, shown)
            self._shown = shown
        self.setVisible(bool(shown))
        for form in self.forms:
            form.acknowledge.setEnabled(E.ALERT_ACKNOWLEDGED in state.allowed)

    def _rebuild(self, state: SessionState, shown: tuple[tuple[str, tuple[str, ...]], ...]) -> None:
        """Forms that stay as they were are kept, so a new alarm takes nothing from what the nurse is
        choosing or typing in another, nor the focus; what each new one found is announced."""
        kept = 0
        while kept < min(len(shown), len(self._shown)) and shown[kept] == self._shown[kept]:
            kept += 1
        self.feedback.clear()  # it may point at controls about to go
        for form in self.forms[kept:]:
            self.forms_layout.removeWidget(form)
            form.deleteLater()
        new = [AlertForm(self, n, alert, state) for n, alert in enumerate(state.open_alerts, start=1) if n > kept]
        self.forms = self.forms[:kept] + new
        known = {event_id for event_id, _ in self._shown}
        for form in new:
            self.forms_layout.addWidget(form)
            if form.alert.event_id not in known:
                announce(self, f"Alert {form.number}: {form.words}")  # after the window's urgent "act now"

    def acknowledge(self, form: AlertForm) -> None:
        if self.session_id is None:
            return
        form.bind(self.feedback)
        state = self.controller.acknowledge(
            self.feedback,
            self.session_id,
            form.alert.event_id,
            form.chosen_actions(),
            form.symptom_answers(),
            form.note.text(),
        )
        if state is not None:
            self.feedback.saved("Alert acknowledged and saved.")
