"""The row of a step's actions at the bottom of its page: the main action largest and on the right."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from ui.style import mark
from ui.widgets.forms import button


def main_button(text: str, name: str | None = None) -> QPushButton:
    """The step's main action: the largest button on the page, where the eye ends (bottom right)."""
    action = button(text, name, role="primary")
    mark(action, "size", "main")
    return action
