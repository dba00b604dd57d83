"""A countdown card readable from across the room: caption, MM:SS, and one line under it."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QVBoxLayout

from ui.text import countdown
from ui.widgets.forms import label


class Countdown(QFrame):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.setProperty("role", "card")
        layout = QVBoxLayout(self)
        self.caption = label(role="heading", name=f"{name} caption")
        self.time = label("--:--", role="countdown", name=name, wrap=False)
        self.time.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.under = label(name=f"{name} detail")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.under.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.caption)
        layout.addWidget(self.time)
        layout.addWidget(self.under)

    def show_time(self, caption: str, left: timedelta, under: str) -> None:
        self.caption.setText(caption)
        self.time.setText(countdown(left))
        self.under.setText(under)
