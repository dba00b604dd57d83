"""The side-effect checklist: every item, grade and time it is due comes from the protocol."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QGridLayout, QGroupBox, QVBoxLayout

from core.events import EventType as E
from core.session_state import PointStatus, SessionState
from ui.controller import Controller
from ui.text import clock_time
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, combo, label, set_tone


class SideEffectsPanel(QGroupBox):
    def __init__(self, controller: Controller) -> None:
        super().__init__("Side effects")
        self.controller = controller
        self.session_id: str | None = None
        rules = controller.protocol.side_effects
        layout = QVBoxLayout(self)
        self.due = label(name="Side effects check due")
        layout.addWidget(self.due)
        layout.addWidget(label("Grade what you see; leave an item blank if it was not assessed.", role="hint"))
        grid = QGridLayout()
        grid.setColumnStretch(0, 1)
        self.feedback = Feedback("Side effects message")
        self.grades: dict[str, QComboBox] = {}
        grades = [(grade.label, grade.id) for grade in rules.grades]
        for row, item in enumerate(rules.items):
            caption = label(item.label, name=item.label)
            choice = combo(f"{item.label} grade", grades, "Not assessed")
            choice.setMinimumWidth(190)
            caption.setBuddy(choice)
            grid.addWidget(caption, row, 0)
            grid.addWidget(choice, row, 1)
            self.grades[item.id] = choice
            self.feedback.bind(f"side_effects.{item.id}", choice)
        layout.addLayout(grid)
        self.record = button("Record side effects", role="primary")
        self.record.clicked.connect(self._record)
        layout.addWidget(self.record)
        layout.addWidget(self.feedback)
        self.last = label(name="Side effects last recorded")
        self.last.hide()
        layout.addWidget(self.last)

    def show_state(self, state: SessionState) -> None:
        self.session_id = state.session_id
        self.record.setEnabled(E.SIDE_EFFECTS in state.allowed)
        self._show_due(state)
        last = next((e for e in reversed(state.events) if e.type is E.SIDE_EFFECTS), None)
        if last is None:
            self.last.hide()
            return
        rules = self.controller.protocol.side_effects
        names = {item.id: item.label for item in rules.items}
        words = {grade.id: grade.label.lower() for grade in rules.grades}
        graded = ", ".join(f"{names.get(i, i)} {words.get(g, g)}" for i, g in last.payload["grades"].items())
        text = f"Last recorded {clock_time(last.occurred_at)}: {graded or 'nothing graded'}."
        if last.payload.get("act_now"):
            text += f" {rules.act_instruction[state.phase]}"
        self.last.setText(text)
        set_tone(self.last, "act" if last.payload.get("act_now") else "quiet")
        self.last.show()

    def _show_due(self, state: SessionState) -> None:
        """Amber when a check is due, red when late, as the vitals prompt; quiet otherwise."""
        entry = state.next_side_effects
        attention = state.side_effects_attention
        if entry is not None and attention is not None:
            word = "Overdue" if attention is PointStatus.OVERDUE else "Due now"
            when = f" (due {clock_time(entry.due_at)})" if entry.due_at else ""
            self.due.setText(f"{word}: {entry.point.label}{when}")
            set_tone(self.due, "act" if attention is PointStatus.OVERDUE else "advise")
        elif entry is not None:
            when = f" at {clock_time(entry.due_at)}" if entry.due_at else ""
            self.due.setText(f"Next check: {entry.point.label}{when}")
            set_tone(self.due, "quiet")
        else:
            self.due.setText("No side-effect check is outstanding.")
            set_tone(self.due, "quiet")

    def _record(self) -> None:
        if self.session_id is None:
            return
        chosen = {item: box.currentData() for item, box in self.grades.items() if box.currentIndex() >= 0}
        if not chosen:
            self.feedback.ask("Grade at least one item first.")
            return
        if self.controller.record_side_effects(self.feedback, self.session_id, chosen) is not None:
            for box in self.grades.values():
                box.setCurrentIndex(-1)
            self.feedback.saved("Side effects saved.")
