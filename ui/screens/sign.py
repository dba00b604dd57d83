"""Sign: what happened in this session, the signatures already on it, and the signature that closes it.

The nurse re-enters her password to sign. If core finds the controlled-substance totals do not add
up, it asks for the difference to be explained: the note field appears then, and the explanation is
part of what she signs. Once signed the session is read-only; later information is an addendum.
An alert still open (a session ended before the start after an alarming baseline) is acknowledged
here: core holds the signature until it is, and the page says why.
"""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QVBoxLayout, QWidget

from core.event_data import Discharged, Paused, StoppedEarly
from core.events import EventType as E
from core.machine import Outcome
from core.session_state import SessionState
from core.signatures import signing_meaning
from ui.controller import Controller
from ui.text import clock_time, countdown
from ui.widgets.action_bar import ActionBar
from ui.widgets.alerts import AlertsPanel
from ui.widgets.drawn import drawn_line
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, label, line_edit, main_action, password_field, set_tone
from ui.widgets.signatures import SignaturesPanel
from ui.widgets.waste import WastePanel

OUTCOME_WORDS = {
    Outcome.COMPLETED: "Infusion completed",
    Outcome.STOPPED_EARLY: "Infusion stopped early",
    Outcome.NOT_TREATED: "Not treated",
    Outcome.IN_PROGRESS: "In progress",
}


class SignPage(QWidget):
    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.controller = controller
        self.session_id: str | None = None
        self._seen_seq = 0
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.alerts = AlertsPanel(controller)
        left.addWidget(self.alerts)
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
            label(
                "Signing confirms this record is complete and correct. It cannot be undone; anything learned "
                "later is added as a signed addendum.",
                role="hint",
            )
        )
        self.feedback = Feedback("Sign message")
        self.note_caption = label("Explain the difference in the controlled-substance totals:")
        self.note = line_edit("Discrepancy note", "What happened to the drug not accounted for")
        self.note_caption.setBuddy(self.note)
        self.note_caption.hide()
        self.note.hide()
        self.feedback.bind("discrepancy_note", self.note, self.note_caption)
        column.addWidget(self.note_caption)
        column.addWidget(self.note)
        password_caption = label("Your password, to sign", name="What your signature means")
        self.password_caption = password_caption
        self.password = password_field("Your password (sign)")
        self.password.setMaximumWidth(360)
        password_caption.setBuddy(self.password)
        self.feedback.bind("password", self.password)
        column.addWidget(password_caption)
        column.addWidget(self.password)
        self.note.returnPressed.connect(self._note_entered)
        self.password.returnPressed.connect(self._sign)
        self.sign_hint = label(role="hint", name="Sign hint")
        self.sign_hint.hide()
        column.addWidget(self.sign_hint)
        self.sign = main_action(button("Sign session", role="primary"))
        self.sign.clicked.connect(self._sign)
        self.actions = ActionBar(self.feedback)  # pinned under the page by the chair panel
        self.actions.row.addStretch(1)
        self.actions.row.addWidget(self.sign)
        left.addWidget(box)
        left.addStretch(1)
        layout.addLayout(left, 5)

        right = QVBoxLayout()
        self.waste = WastePanel(controller)
        self.signatures = SignaturesPanel(controller, "Signed so far")
        right.addWidget(self.waste)
        right.addWidget(self.signatures)
        right.addStretch(1)
        layout.addLayout(right, 4)

    def show_state(self, state: SessionState) -> None:
        self.session_id = state.session_id
        self._seen_seq = state.events[-1].seq  # the signature covers what this page shows
        self.outcome.setText(OUTCOME_WORDS[state.outcome])
        self.reasons.setText("Screening stopped treatment:\n" + "\n".join(state.screening_stop_reasons))
        self.reasons.setVisible(bool(state.screening_stop_reasons))
        self.password_caption.setText(f"Your password, to sign the session as “{signing_meaning(state).value}”")
        self.summary.setText("\n".join(self._lines(state)))
        self.sign.setEnabled(E.SIGNED in state.allowed)
        held = state.held_back.get(E.SIGNED)
        self.sign_hint.setText(held or "")
        self.sign_hint.setVisible(held is not None)
        self.alerts.show_state(state)
        self.waste.show_state(state)
        self.signatures.show_state(state)

    def _lines(self, state: SessionState) -> list[str]:
        lines = []
        if state.dose is not None:
            dose = state.dose
            lines.append(f"Dose: {dose.dose_mg} mg at {dose.rate_ml_per_h} mL/h ({dose.vial_label})")
        if state.checked_by:
            lines.append(f"Checked by: {self.controller.staff_name(state.checked_by)}")
        lines += [drawn_line(self.controller, drawn) for drawn in state.controlled.drawn]
        infusion = state.infusion
        if infusion.started_at is not None:
            lines.append(
                f"Infusion: started {clock_time(infusion.started_at)}, ended {clock_time(infusion.ended_at)}, "
                f"{countdown(infusion.infused)} infused (min:s)"
            )
        for event in state.events:
            match event.data:
                case Paused(reason=reason):
                    lines.append(f"Paused {clock_time(event.occurred_at)}: {reason}")
                case StoppedEarly() as stop:
                    lines.append(
                        f"Stopped early {clock_time(event.occurred_at)}: {stop.reason} "
                        f"(about {stop.estimated_mg_given} mg given)"
                    )
                case Discharged() as discharge:
                    score = self.controller.protocol.discharge.score_name
                    lines.append(f"Discharged {clock_time(event.occurred_at)}: {score} {discharge.score}")
                    if discharge.override_reason:
                        by = discharge.prescriber
                        authorised = f" (authorised by {by})" if by else ""
                        lines.append(f"Discharge override{authorised}: {discharge.override_reason}")
        sets = sum(1 for event in state.events if event.type is E.VITALS)
        lines.append(f"Sets of vital signs: {sets}")
        return lines

    def _note_entered(self) -> None:
        """The note is asked for after a first attempt, which cleared the password: go there next."""
        if self.password.text():
            self._sign()
        else:
            self.password.setFocus()

    def _sign(self) -> None:
        if self.session_id is None:
            return
        password = self.password.text()
        self.password.clear()  # never kept, whether the session is signed or refused
        note = self.note.text() or None
        signed = self.controller.sign(self.feedback, self.session_id, password, note, self._seen_seq)
        if signed is None and not self.note.property("invalid"):
            self.password.setFocus()
