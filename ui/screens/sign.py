"""Sign: what happened in this session, in a few lines, and the signature that closes it."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QVBoxLayout, QWidget

from core.events import EventType as E
from core.machine import Outcome
from core.session_state import SessionState
from ui.controller import Controller
from ui.text import clock_time, countdown
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, label, set_tone


class SignPage(QWidget):
    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.controller = controller
        self.session_id: str | None = None
        layout = QVBoxLayout(self)
        box = QGroupBox("Sign the session")
        column = QVBoxLayout(box)
        self.outcome = label(role="title", name="Outcome")
        self.reasons = label(name="Stop reasons")
        set_tone(self.reasons, "advise")
        self.summary = label(name="Session summary")
        column.addWidget(self.outcome)
        column.addWidget(self.reasons)
        column.addWidget(self.summary)
        column.addWidget(
            label("Signing confirms this record is complete and correct. It cannot be undone.", role="hint")
        )
        self.sign = button("Sign session", role="primary")
        self.sign.clicked.connect(self._sign)
        column.addWidget(self.sign)
        self.feedback = Feedback("Sign message")
        column.addWidget(self.feedback)
        layout.addWidget(box)
        layout.addStretch(1)

    def show_state(self, state: SessionState) -> None:
        self.session_id = state.session_id
        words = {
            Outcome.COMPLETED: "Infusion completed",
            Outcome.STOPPED_EARLY: "Infusion stopped early",
            Outcome.NOT_TREATED: "Not treated",
            Outcome.IN_PROGRESS: "In progress",
        }
        self.outcome.setText(words[state.outcome])
        self.reasons.setText("Screening stopped treatment:\n" + "\n".join(state.screening_stop_reasons))
        self.reasons.setVisible(bool(state.screening_stop_reasons))
        self.summary.setText("\n".join(self._lines(state)))
        self.sign.setEnabled(E.SIGNED in state.allowed)

    def _lines(self, state: SessionState) -> list[str]:
        lines = []
        if state.dose is not None:
            dose = state.dose
            lines.append(f"Dose: {dose.dose_mg} mg at {dose.rate_ml_per_h} mL/h ({dose.vial_label})")
        if state.checked_by:
            lines.append(f"Checked by: {self.controller.staff_name(state.checked_by)}")
        infusion = state.infusion
        if infusion.started_at is not None:
            lines.append(
                f"Infusion: started {clock_time(infusion.started_at)}, ended {clock_time(infusion.ended_at)}, "
                f"{countdown(infusion.infused)} infused (min:s)"
            )
        for event in state.events:
            if event.type is E.PAUSED:
                lines.append(f"Paused {clock_time(event.occurred_at)}: {event.payload.get('reason', '')}")
            elif event.type is E.STOPPED_EARLY:
                lines.append(
                    f"Stopped early {clock_time(event.occurred_at)}: {event.payload.get('reason', '')} "
                    f"(about {event.payload.get('estimated_mg_given', '?')} mg given)"
                )
            elif event.type is E.DISCHARGED:
                score = self.controller.protocol.discharge.score_name
                lines.append(f"Discharged {clock_time(event.occurred_at)}: {score} {event.payload.get('score')}")
                if event.payload.get("override_reason"):
                    lines.append(f"Discharge override: {event.payload['override_reason']}")
        sets = sum(1 for event in state.events if event.type is E.VITALS)
        lines.append(f"Sets of vital signs: {sets}")
        return lines

    def _sign(self) -> None:
        if self.session_id is not None:
            self.controller.sign(self.feedback, self.session_id)
