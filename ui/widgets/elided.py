"""One line of words that never widens what holds it: its end gives way to "…" when the room is narrow.

A QLabel that does not wrap asks for the width of its whole text, so one long patient name or pause reason
could push a tile, the banner or the whole window past the screen. This label asks for no width at all
and draws as much as fits; ``text()`` and what a screen reader reads stay whole.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy

from ui.style import mark
from ui.widgets.forms import describe


class Elided(QLabel):
    """One line that never widens its holder; ``text()`` keeps the whole line, and so does its tooltip."""

    def __init__(self, role: str | None, name: str) -> None:
        super().__init__()
        if role:
            mark(self, "role", role)
        describe(self, name)  # the line's own words stay what a screen reader reads
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)  # a click goes to what holds it

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        super().setText(text)
        self.setToolTip(text)  # whole, for a pointer resting on a line cut short

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        area = self.contentsRect().adjusted(self.margin(), 0, -self.margin(), 0)
        shown = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, area.width())
        self.style().drawItemText(
            painter, area, self.alignment(), self.palette(), self.isEnabled(), shown, self.foregroundRole()
        )
