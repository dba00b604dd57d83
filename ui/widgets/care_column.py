"""The right-hand column shared by the infusion and observation pages: alerts, vitals, their trend, side effects."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from core.session_state import SessionState
from ui.controller import Controller
from ui.widgets.alerts import AlertsPanel
from ui.widgets.side_effects import SideEffectsPanel
from ui.widgets.trend import VitalsTrend
from ui.widgets.vitals_entry import VitalsSlot


class CareColumn(QVBoxLayout):
    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.alerts = AlertsPanel(controller)
        self.vitals = VitalsSlot("Vital signs")  # the chair panel moves its vitals entry in
        self.trend = VitalsTrend(controller)
        self.side_effects = SideEffectsPanel(controller)
        self.addWidget(self.alerts)
        self.addWidget(self.vitals)
        self.addWidget(self.trend)
        self.addWidget(self.side_effects)
        self.addStretch(1)

    def show_state(self, state: SessionState) -> None:
        self.alerts.show_state(state)
        self.trend.show_state(state)
        self.side_effects.show_state(state)
