"""Open alarms from vital signs: each stays until a nurse records the action taken."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from core.events import EventType as E
from core.session_state import SessionState
from ui.controller import Controller
from ui.text import clock_time
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, card, label, line_edit


class AlertsPanel(QWidget):
    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.controller = controller
        self.session_id: str | None = None
        self._shown: tuple[str, ...] = ()
        self.box = card("banner-act")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.box)
        layout = QVBoxLayout(self.box)
        layout.addWidget(label("Alert: act now", role="heading", name="Alerts"))
        self.rows = QGridLayout()
        layout.addLayout(self.rows)
        self.feedback = Feedback("Alert message")
        layout.addWidget(self.feedback)
        self.actions: list[QLineEdit] = []
        self.acks: list[QPushButton] = []
        self.hide()

    def show_state(self, state: SessionState) -> None:
        self.session_id = state.session_id
        ids = tuple(alert.event_id for alert in state.open_alerts)
        if ids != self._shown:
            self._rebuild(state)
        self.setVisible(bool(ids))
        for ack in self.acks:
            ack.setEnabled(E.ALERT_ACKNOWLEDGED in state.allowed)

    def _rebuild(self, state: SessionState) -> None:
        while self.rows.count():
            item = self.rows.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.actions, self.acks = [], []
        for number, alert in enumerate(state.open_alerts, start=1):
            text = f"{clock_time(alert.occurred_at)} — " + "; ".join(alert.findings)
            if alert.instructions:
                text += "\n" + " ".join(alert.instructions)
            self.rows.addWidget(label(text, name=f"Alert {number}"), number * 2, 0, 1, 2)
            action = line_edit(f"Action taken for alert {number}", "Action taken (paused, prescriber told…)")
            ack = button("Acknowledge", f"Acknowledge alert {number}", role="danger")
            alert_id = alert.event_id
            ack.clicked.connect(lambda _=False, a=alert_id, f=action: self._acknowledge(a, f))
            action.returnPressed.connect(lambda a=alert_id, f=action: self._acknowledge(a, f))
            self.rows.addWidget(action, number * 2 + 1, 0)
            self.rows.addWidget(ack, number * 2 + 1, 1)
            self.feedback.bind("action", action)
            self.actions.append(action)
            self.acks.append(ack)
        self._shown = tuple(alert.event_id for alert in state.open_alerts)

    def _acknowledge(self, alert_id: str, field: QLineEdit) -> None:
        if self.session_id is None:
            return
        self.feedback.bind("action", field)
        if self.controller.acknowledge(self.feedback, self.session_id, alert_id, field.text()) is not None:
            self.feedback.saved("Alert acknowledged and the action saved.")
