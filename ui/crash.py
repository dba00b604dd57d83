"""Bugs: log the traceback, show one calm dialog with an incident id, and keep running.

Every record of care was committed before the screen said so, so an unexpected error loses nothing
that was saved; the nurse needs to know that, and where the details are for whoever looks after IT.
"""

from __future__ import annotations

import logging
import traceback
import uuid
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QHBoxLayout, QVBoxLayout

from ui.widgets.forms import button, label

log = logging.getLogger("chairside.crash")


def crash_text(log_path: Path, incident: str) -> str:
    return (
        "Something went wrong in Chairside. Everything already saved is safe. "
        f"The details are in {log_path}. Incident {incident}"
    )


class CrashDialog(QDialog):
    def __init__(self, text: str, details: str) -> None:
        super().__init__()
        self.details = details
        self.setWindowTitle("Chairside")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addWidget(label(text, name="What happened"))
        layout.addWidget(label("You can carry on working. Check that your last entry shows as saved.", role="hint"))
        row = QHBoxLayout()
        copy = button("Copy details")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.details))
        carry_on = button("Continue", role="primary")
        carry_on.clicked.connect(self.accept)
        row.addWidget(copy)
        row.addStretch(1)
        row.addWidget(carry_on)
        layout.addLayout(row)

    @classmethod
    def ask(cls, text: str, details: str) -> None:
        cls(text, details).exec()


class CrashHandler:
    """Installed as ``sys.excepthook`` by the app. Shows at most one dialog at a time."""

    def __init__(self, log_path: Path, show: Callable[[str, str], None] | None = None) -> None:
        self.log_path = log_path
        self.show = show or CrashDialog.ask
        self.showing = False
        self.last_incident: str | None = None

    def __call__(self, kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        incident = uuid.uuid4().hex[:8]
        self.last_incident = incident
        log.error("incident %s: unexpected error", incident, exc_info=(kind, value, tb))
        if self.showing:
            return  # one dialog is enough; the log has every incident
        details = f"Incident {incident}\n" + "".join(traceback.format_exception(kind, value, tb))
        self.showing = True
        try:
            self.show(crash_text(self.log_path, incident), details)
        finally:
            self.showing = False
