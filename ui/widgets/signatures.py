"""The signatures on a session: who signed, when, what the signature means, and what it signs.

A signature whose signed content no longer matches the record (core recomputes every hash) means the
record changed after it was signed; that is shown as a red warning above the list, never hidden.
"""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QVBoxLayout

from core.session_state import SessionState
from core.signatures import Signature
from ui.controller import Controller
from ui.text import date_time
from ui.widgets.forms import label, set_tone


def signature_line(controller: Controller, signature: Signature) -> str:
    """One line of a signature, as a reader of the record would want it."""
    name = controller.staff_name(signature.signer_id)
    return f"{name} — {date_time(signature.signed_at)} — {signature.meaning.value} — {signature.subject}"


class SignaturesPanel(QGroupBox):
    def __init__(self, controller: Controller, title: str = "Signatures") -> None:
        super().__init__(title)
        self.controller = controller
        layout = QVBoxLayout(self)
        self.altered = label(name="Signatures altered")
        set_tone(self.altered, "act")
        self.altered.hide()
        layout.addWidget(self.altered)
        self.lines = label(name="Signature list")
        layout.addWidget(self.lines)

    def show_state(self, state: SessionState) -> None:
        lines = [signature_line(self.controller, s) for s in state.signatures]
        self.lines.setText("\n".join(lines) or "Nothing is signed yet.")
        broken = [signature_line(self.controller, s) for s in state.altered_signatures]
        self.altered.setText(
            "This record was changed after it was signed. These signatures no longer match what they "
            "signed:\n" + "\n".join(broken) + "\nDo not rely on this record; tell the charge nurse."
        )
        self.altered.setVisible(bool(broken))
