"""A severe side effect waiting for its adverse-event record, across the top of the chair.

Shown on whatever page the chair is at, like the pump check: the record (what was done, who was
told) is part of acting on the finding, and the session cannot be signed until it is made.
"""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from core.session_state import SessionState
from ui.controller import Controller
from ui.text import clock_time
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, caption_for, card, label, line_edit


class AdverseEventBanner:
    def __init__(self, controller: Controller) -> None:
        self.controller = controller
        self.session_id: str | None = None
        self._pending: tuple[str, str] | None = None
        self.widget = card("banner-act")
        column = QVBoxLayout(self.widget)
        self.what = label(role="heading", name="Adverse event to record")
        column.addWidget(self.what)
        self.action = line_edit("Action taken", "What was done (e.g. infusion paused, stayed with her)")
        self.told = line_edit("Who was told", "Who was told, and when (e.g. Dr Patel by phone, 14:10)")
        self.feedback = Feedback("Adverse event message")
        for caption, field, name in (
            ("Action taken", self.action, "adverse_action"),
            ("Who was told, and when", self.told, "adverse_told"),
        ):
            column.addWidget(caption_for(caption, field))
            column.addWidget(field)
            self.feedback.bind(name, field)
        self.told.returnPressed.connect(self._record)
        record = button("Record adverse event", role="primary")
        record.clicked.connect(self._record)
        column.addWidget(record)
        column.addWidget(self.feedback)
        self.widget.hide()

    def show_state(self, state: SessionState | None) -> None:
        self.session_id = state.session_id if state else None
        pending = state.pending_adverse_events[0] if state and state.pending_adverse_events else None
        self.widget.setVisible(pending is not None)
        if pending is None:
            self._pending = None
            return
        rules = self.controller.protocol.side_effects
        what = next((item.label for item in rules.items if item.id == pending.item), pending.item)
        grade = next((g.label.lower() for g in rules.grades if g.id == pending.grade), pending.grade)
        when = clock_time(pending.occurred_at)
        todo = rules.act_instruction[state.phase] if state else ""  # before, during or after the infusion
        self.what.setText(f"Adverse event to record: {what}, {grade}, at {when}. {todo}")
        self._pending = (pending.source_event_id, pending.item)

    def _record(self) -> None:
        if self.session_id is None or self._pending is None:
            return
        action, told = self.action.text(), self.told.text()
        if self.controller.record_adverse_event(self.feedback, self.session_id, self._pending, action, told):
            self.action.clear()
            self.told.clear()
