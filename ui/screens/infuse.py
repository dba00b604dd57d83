"""Ready, infusing or paused: the countdown from core, the infusion controls, vitals and side effects.

While ready, the page also shows who checked the dose and takes the drawn-up record (vial lot and
volume), which core needs before the infusion may start; a waste can be recorded while core allows it.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QGridLayout, QGroupBox, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from core.events import EventType as E
from core.machine import Step
from core.session_state import SessionState
from ui.controller import Controller
from ui.text import clock_time
from ui.widgets.care_column import CareColumn
from ui.widgets.countdown import Countdown
from ui.widgets.drawn import DrawnPanel
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, combo, label, line_edit, set_tone
from ui.widgets.waste import WastePanel

OTHER = "other…"
"""Offered after the protocol's reasons: the nurse then says why in her own words."""


class InfusePage(QWidget):
    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.controller = controller
        self.session_id: str | None = None
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.countdown = Countdown("Time left")
        left.addWidget(self.countdown)
        self.pump_note = label(name="Pump note")
        set_tone(self.pump_note, "act")
        self.pump_note.hide()
        left.addWidget(self.pump_note)
        self.checked = label(name="Dose checked by")
        set_tone(self.checked, "quiet")
        self.checked.hide()
        left.addWidget(self.checked)
        self.drawn = DrawnPanel(controller)
        left.addWidget(self.drawn)

        box = QGroupBox("Infusion")
        grid = QGridLayout(box)
        grid.setColumnStretch(0, 1)
        self.feedback = Feedback("Infusion message")
        self.start_hint = label(role="hint", name="Start hint")
        grid.addWidget(self.start_hint, 0, 0, 1, 2)
        self.go_ahead_caption = label("Prescriber's go-ahead (who and why):")
        self.go_ahead = line_edit("Prescriber's go-ahead")
        self.go_ahead_caption.setBuddy(self.go_ahead)
        self.go_ahead_caption.hide()
        self.go_ahead.hide()
        self.feedback.bind("go_ahead", self.go_ahead, self.go_ahead_caption)
        grid.addWidget(self.go_ahead_caption, 1, 0, 1, 2)
        grid.addWidget(self.go_ahead, 2, 0, 1, 2)
        self.start = button("Start infusion", role="primary")
        self.start.clicked.connect(self._start)
        grid.addWidget(self.start, 3, 0, 1, 2)

        reasons = controller.protocol.reasons
        self.pause_reason = combo("Pause reason", _offered(reasons.pause), "Why pause?")
        self.pause_reason.currentIndexChanged.connect(self._reason_changed)
        self.pause = button("Pause")
        self.pause.clicked.connect(self._pause)
        grid.addWidget(self.pause_reason, 4, 0)
        grid.addWidget(self.pause, 4, 1)
        self.pause_other = line_edit("Pause reason details", "Say why")
        self.pause_other.hide()
        grid.addWidget(self.pause_other, 5, 0, 1, 2)
        self.resume = button("Resume", role="primary")
        self.resume.clicked.connect(self._resume)
        grid.addWidget(self.resume, 6, 0, 1, 2)
        self.complete = button("Infusion complete", role="primary")
        self.complete.clicked.connect(self._complete)
        grid.addWidget(self.complete, 7, 0, 1, 2)
        self.stop_reason = combo("Stop early reason", _offered(reasons.stop_early), "Why stop early?")
        self.stop_reason.currentIndexChanged.connect(self._reason_changed)
        self.stop = button("Stop early", role="danger")
        self.stop.clicked.connect(self._stop)
        grid.addWidget(self.stop_reason, 8, 0)
        grid.addWidget(self.stop, 8, 1)
        self.stop_other = line_edit("Stop early reason details", "Say why")
        self.stop_other.hide()
        grid.addWidget(self.stop_other, 9, 0, 1, 2)
        grid.addWidget(self.feedback, 10, 0, 1, 2)
        left.addWidget(box)
        self.waste = WastePanel(controller)
        left.addWidget(self.waste)
        left.addStretch(1)
        layout.addLayout(left, 5)

        self.column = CareColumn(controller)
        layout.addLayout(self.column, 6)

    def show_state(self, state: SessionState) -> None:
        self.session_id = state.session_id
        step, allowed, infusion = state.step, state.allowed, state.infusion
        if step is Step.READY:
            self.countdown.show_time("Ready to start", infusion.remaining, "The countdown starts with the infusion.")
        elif step is Step.PAUSED:
            self.countdown.show_time(
                "Paused — time left", infusion.remaining, f"Paused: {infusion.pause_reason or ''}. Resume when ready."
            )
        elif infusion.remaining > timedelta():
            self.countdown.show_time(
                "Infusing — time left", infusion.remaining, f"Ends at {clock_time(infusion.ends_at)}"
            )
        else:
            self.countdown.show_time(
                "Infusion time is over", infusion.remaining, "Stop the pump, then press Infusion complete."
            )

        pressed = next((b for b in (self.start, self.pause, self.resume) if b.hasFocus()), None)
        start_held = state.held_back.get(E.STARTED)
        self.start_hint.setText(start_held or "")
        self.start_hint.setVisible(step is Step.READY and start_held is not None)
        self.start.setVisible(step is Step.READY)
        self.start.setEnabled(E.STARTED in allowed)
        for widget in (self.pause_reason, self.pause):
            widget.setVisible(step is Step.INFUSING)
        self.pause.setEnabled(E.PAUSED in allowed)
        self.pause_other.setVisible(step is Step.INFUSING and self.pause_reason.currentData() == OTHER)
        self.resume.setVisible(step is Step.PAUSED)
        self.resume.setEnabled(E.RESUMED in allowed)
        self.complete.setVisible(step is Step.INFUSING)
        self.complete.setEnabled(E.COMPLETED in allowed)
        for widget in (self.stop_reason, self.stop):
            widget.setVisible(step in {Step.INFUSING, Step.PAUSED})
        self.stop_other.setVisible(step in {Step.INFUSING, Step.PAUSED} and self.stop_reason.currentData() == OTHER)
        self.stop.setEnabled(E.STOPPED_EARLY in allowed)
        if pressed is not None and pressed.isHidden():
            # The button just used has gone: the keyboard goes to the one that takes its place (Pause
            # becomes Resume and back), not to whatever control happens to follow in the Tab order.
            after = self.resume if pressed is self.pause else self.pause_reason
            if after.isVisible():
                after.setFocus(Qt.FocusReason.OtherFocusReason)
        self._show_pump_note(state)
        self._show_check(state)
        self.drawn.show_state(state)
        self.waste.show_state(state)
        self.column.show_state(state)

    def _show_check(self, state: SessionState) -> None:
        checks = {event.id for event in state.events if event.type is E.CHECKED}
        signed = [s for s in state.signatures if s.event_id in checks and s.signer_id == state.checked_by]
        if signed:
            last = signed[-1]
            name = self.controller.staff_name(last.signer_id)
            self.checked.setText(f"Dose checked by {name} at {clock_time(last.signed_at)} — {last.meaning.value}")
        self.checked.setVisible(bool(signed))

    def _show_pump_note(self, state: SessionState) -> None:
        stopped_at = state.pump_found_stopped_at
        if stopped_at is not None:
            self.pump_note.setText(
                f"The pump was found stopped ({clock_time(stopped_at)}). Pause with a reason, or stop early."
            )
        self.pump_note.setVisible(stopped_at is not None)

    def _reason_changed(self) -> None:
        self.pause_other.setVisible(self.pause_reason.currentData() == OTHER)
        self.stop_other.setVisible(self.stop_reason.currentData() == OTHER)

    def _start(self) -> None:
        if self.session_id is None:
            return
        if self.controller.start(self.feedback, self.session_id, self.go_ahead.text() or None) is not None:
            self.go_ahead.clear()
            self.go_ahead.hide()
            self.go_ahead_caption.hide()

    def _pause(self) -> None:
        if self.session_id is None:
            return
        reason = self._reason(self.pause_reason, self.pause_other)
        if self.controller.pause(self.feedback, self.session_id, reason) is not None:
            self.pause_reason.setCurrentIndex(-1)
            self.pause_other.clear()

    def _reason(self, choice: QComboBox, words: QLineEdit) -> str:
        """The reason chosen, or the nurse's words for "other"; the field core may point at is bound."""
        chosen = choice.currentData()
        if chosen == OTHER:
            self.feedback.bind("reason", words)
            return words.text()
        self.feedback.bind("reason", choice)
        return chosen or ""

    def _resume(self) -> None:
        if self.session_id is not None:
            self.controller.resume(self.feedback, self.session_id)

    def _complete(self) -> None:
        if self.session_id is not None:
            self.controller.complete(self.feedback, self.session_id)

    def _stop(self) -> None:
        if self.session_id is None:
            return
        reason = self._reason(self.stop_reason, self.stop_other)
        if self.controller.stop_early(self.feedback, self.session_id, reason) is not None:
            self.stop_reason.setCurrentIndex(-1)
            self.stop_other.clear()


def _offered(reasons: list[str]) -> list[tuple[str, object]]:
    return [(reason, reason) for reason in [*reasons, OTHER]]
