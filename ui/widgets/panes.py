"""Two panes side by side where the page is wide enough, one under the other where it is not.

At 1280×800 the task and what goes with it (the dose beside its baseline vitals, the vitals beside the
pump) sit side by side; on a 1024×768 screen the same panes would push the page sideways, so the second
goes under the first and the page scrolls one way only, as SCREENS.md asks.
"""

from __future__ import annotations

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QWidget

SIDE_BY_SIDE = 900
"""The page width in pixels from which the panes sit side by side: above what both need at their narrowest."""


class Panes(QWidget):
    """Lay out with ``box``; its direction follows the width the page is given."""

    def __init__(self, breakpoint: int = SIDE_BY_SIDE) -> None:
        super().__init__()
        self.breakpoint = breakpoint
        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.box.setContentsMargins(0, 0, 0, 0)

    @property
    def side_by_side(self) -> bool:
        return self.box.direction() is QBoxLayout.Direction.LeftToRight

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        wide = event.size().width() >= self.breakpoint
        if wide != self.side_by_side:
            self.box.setDirection(QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom)
        super().resizeEvent(event)
