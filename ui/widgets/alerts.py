"""Open alarms from vital signs: each stays until a nurse records what was done and asks about symptoms.

The actions and the questions are the protocol's, offered by core for the vitals that alarmed and the
step the session is at; the panel only lays them out as big toggles (several actions, one yes or no per
question) and hands the choices to core, which refuses an incomplete acknowledgement by the field.
"""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QFrame, QGridLayout, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

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

ACTION_COLUMNS = 2
ANSWER_WORDS = {"yes": "Yes", "no": "No"}


def _choices_frame() -> tuple[QFrame, QGridLayout]:
    frame = QFrame()
    mark(frame, "role", "choices")
    grid = QGridLayout(frame)
    grid.setContentsMargins(2, 2, 2, 2)
    return frame, grid


class AlertForm(QFrame):
    """One open alert: what alarmed, the actions taken, the symptom questions, a note, and Acknowledge."""

    def __init__(self, panel: AlertsPanel, number: int, alert: OpenAlert, state: SessionState) -> None:
        super().__init__()
        self.panel = panel
        self.alert = alert
        protocol = panel.controller.protocol
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # Act-now readings and the same set's advisory ones, each on its own line (core's words).
        text = f"{clock_time(alert.occurred_at)} — " + "\n".join(reading_words(alert.findings, alert.advisories))
        if alert.instructions:  # what the protocol says to do for each vital that alarmed
            text += "\n" + " ".join(alert.instructions)
        self.number = number
        self.words = text
        layout.addWidget(label(text, name=f"Alert {number}"))

        offered = alert_actions(protocol, alert, state.step)
        layout.addWidget(label("What was done? Choose all that apply.", role="hint"))
        self.actions_frame, grid = _choices_frame()
        self.actions: dict[str, QPushButton] = {}
        for index, action in enumerate(offered):
            words = self._action_words(action)
            toggle = choice(words, f"Alert {number}: {words}")
            grid.addWidget(toggle, index // ACTION_COLUMNS, index % ACTION_COLUMNS)
            self.actions[action.id] = toggle
        layout.addWidget(self.actions_frame)
        if any(action.effect in {AlertEffect.PAUSE, AlertEffect.STOP} for action in offered):
            pump = "Pause or stop the pump first: choosing it here records the pause or the stop."
            layout.addWidget(label(pump, role="hint", name=f"Alert {number} pump note"))

        self.answers: dict[str, QButtonGroup] = {}
        self.answer_frames: dict[str, QFrame] = {}
        questions = symptom_questions(protocol, alert)
        if questions:
            layout.addWidget(label("Ask the patient:", role="hint"))
        rows = QGridLayout()
        rows.setColumnStretch(0, 1)
        for row, question in enumerate(questions):
            rows.addWidget(label(question.text), row, 0)
            frame, buttons = _choices_frame()
            group = QButtonGroup(self)
            for column, value in enumerate(SYMPTOM_ANSWERS):
                answer = choice(ANSWER_WORDS[value], f"Alert {number}: {question.text} {ANSWER_WORDS[value]}")
                answer.setProperty("answer", value)
                group.addButton(answer)
                buttons.addWidget(answer, 0, column)
            rows.addWidget(frame, row, 1)
            self.answers[question.id] = group
            self.answer_frames[question.id] = frame
        layout.addLayout(rows)

        self.note = line_edit(f"Note for alert {number}", "Note (say what, if Other)")
        self.note.returnPressed.connect(self._acknowledge)
        self.acknowledge = button("Acknowledge", f"Acknowledge alert {number}", role="danger")
        self.acknowledge.clicked.connect(self._acknowledge)
        bottom = QHBoxLayout()
        bottom.addWidget(self.note, 1)
        bottom.addWidget(self.acknowledge)
        layout.addLayout(bottom)

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
        layout.addWidget(label("Alert: act now", role="heading", name="Alerts"))
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
