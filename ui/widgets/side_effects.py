"""The side-effect checklist: every item and grade comes from the protocol. A severe finding asks for
its adverse-event record (what, how severe, what was done, who was told) right here."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFrame, QGridLayout, QGroupBox, QVBoxLayout

from core.events import EventType as E
from core.session_state import SessionState
from ui.controller import Controller
from ui.text import clock_time
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, card, combo, label, line_edit, set_tone


class SideEffectsPanel(QGroupBox):
    def __init__(self, controller: Controller) -> None:
        super().__init__("Side effects")
        self.controller = controller
        self.session_id: str | None = None
        rules = controller.protocol.side_effects
        layout = QVBoxLayout(self)
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
        layout.addWidget(self._adverse_form())

    def _adverse_form(self) -> QFrame:
        """Shown while a severe side effect has no adverse-event record: signing waits for it."""
        self.adverse = card("banner-act")
        column = QVBoxLayout(self.adverse)
        self.adverse_what = label(role="heading", name="Adverse event to record")
        column.addWidget(self.adverse_what)
        self.adverse_action = line_edit("Action taken", "What was done (e.g. infusion paused, stayed with her)")
        self.adverse_told = line_edit("Who was told", "Who was told, and when (e.g. Dr Patel by phone, 14:10)")
        self.adverse_feedback = Feedback("Adverse event message")
        for caption, field, name in (
            ("Action taken", self.adverse_action, "adverse_action"),
            ("Who was told, and when", self.adverse_told, "adverse_told"),
        ):
            column.addWidget(label(caption))
            column.addWidget(field)
            self.adverse_feedback.bind(name, field)
        self.adverse_told.returnPressed.connect(self._record_adverse)
        record = button("Record adverse event", role="primary")
        record.clicked.connect(self._record_adverse)
        column.addWidget(record)
        column.addWidget(self.adverse_feedback)
        self.adverse.hide()
        self._pending: tuple[str, str] | None = None
        return self.adverse

    def show_state(self, state: SessionState) -> None:
        self.session_id = state.session_id
        self.record.setEnabled(E.SIDE_EFFECTS in state.allowed)
        self._show_pending(state)
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
            text += f" {rules.act_instruction}"
        self.last.setText(text)
        set_tone(self.last, "act" if last.payload.get("act_now") else "quiet")
        self.last.show()

    def _show_pending(self, state: SessionState) -> None:
        pending = state.pending_adverse_events[0] if state.pending_adverse_events else None
        self.adverse.setVisible(pending is not None)
        if pending is None:
            self._pending = None
            return
        rules = self.controller.protocol.side_effects
        what = next((item.label for item in rules.items if item.id == pending.item), pending.item)
        grade = next((g.label.lower() for g in rules.grades if g.id == pending.grade), pending.grade)
        self.adverse_what.setText(
            f"Adverse event to record: {what}, {grade}, at {clock_time(pending.occurred_at)}. {rules.act_instruction}"
        )
        self._pending = (pending.source_event_id, pending.item)

    def _record_adverse(self) -> None:
        if self.session_id is None or self._pending is None:
            return
        action, told = self.adverse_action.text(), self.adverse_told.text()
        if self.controller.record_adverse_event(self.adverse_feedback, self.session_id, self._pending, action, told):
            self.adverse_action.clear()
            self.adverse_told.clear()
            self.adverse_feedback.saved("Adverse event recorded.")

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
