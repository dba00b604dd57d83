"""The step's actions, pinned under its page: the main action is never below the fold.

A page builds its bar (its message line, then a row of actions, the main one largest on the right) and
the chair panel puts it under the page's scroll area, so however tall the page, its question scrolls and
its answer stays in reach, on a 1280×800 laptop and on a 1024×768 all-in-one alike.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from ui.style import mark


class ActionBar(QFrame):
    """A message line over one row of actions, kept out of the page's scroll area by the chair panel."""

    def __init__(self, *message: QWidget) -> None:
        super().__init__()
        mark(self, "role", "action-bar")
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 2)
        column.setSpacing(4)
        for widget in message:
            column.addWidget(widget)
        self.row = QHBoxLayout()
        self.row.setSpacing(12)
        column.addLayout(self.row)
