"""The signatures on a session: who signed, when, what the signature means, and what it signs.

A signature whose signed content no longer matches the record (core recomputes every hash) means the
record changed after it was signed; that is shown as a red warning above the list, never hidden.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout

from core.session_state import SessionState
from core.signatures import Signature
from ui.controller import Controller
from ui.text import date_time
from ui.widgets.forms import label, set_tone


def signature_line(controller: Controller, signature: Signature) -> str:
    """One signature on one line, as a reader of the record would want it."""
    name = controller.staff_name(signature.signer_id)
    return f"{name} — {signature.meaning.value} — {signature.subject} — {date_time(signature.signed_at)}"


class SignaturesPanel(QGroupBox):
    def __init__(self, controller: Controller, title: str = "Signatures") -> None:
        super().__init__(title)
        self.controller = controller
        self._shown: tuple[Signature, ...] | None = None
        layout = QVBoxLayout(self)
        self.altered = label(name="Signatures altered")
        set_tone(self.altered, "act")
        self.altered.hide()
        layout.addWidget(self.altered)
        self.none = label("Nothing is signed yet.", role="hint", name="No signatures")
        layout.addWidget(self.none)
        self.rows = QVBoxLayout()
        self.rows.setSpacing(8)
        layout.addLayout(self.rows)
        self.lines: list[QLabel] = []

    def show_state(self, state: SessionState) -> None:
        if state.signatures != self._shown:
            self._rebuild(state.signatures)
        broken = [signature_line(self.controller, s) for s in state.altered_signatures]
        self.altered.setText(
            "This record was changed after it was signed. These signatures no longer match what they "
            "signed:\n" + "\n".join(broken) + "\nDo not rely on this record; tell the charge nurse."
        )
        self.altered.setVisible(bool(broken))

    def _rebuild(self, signatures: tuple[Signature, ...]) -> None:
        for line in self.lines:
            self.rows.removeWidget(line)
            line.deleteLater()
        self.lines = []
        for number, signature in enumerate(signatures, start=1):
            name = escape(self.controller.staff_name(signature.signer_id))
            line = label(
                f"<b>{name}</b> — {escape(signature.meaning.value)}<br>"
                f"{escape(signature.subject)}, {date_time(signature.signed_at)}",
                name=f"Signature {number}",
            )
            line.setTextFormat(Qt.TextFormat.RichText)
            line.setAccessibleDescription(signature_line(self.controller, signature))
            self.rows.addWidget(line)
            self.lines.append(line)
        self.none.setVisible(not signatures)
        self._shown = signatures
