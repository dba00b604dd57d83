"""Two panes side by side where the page is wide enough, one under the other where it is not.

At 1280×800 the task and what goes with it (the dose beside its baseline vitals, the vitals beside the
pump) sit side by side; on a 1024×768 screen the same panes would push the page sideways, so the second
goes under the first and the page scrolls one way only, as SCREENS.md asks. Stacked, the pane with the
step's question comes first: ``lead_with_second`` puts the second on top while it holds what is next.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QBoxLayout, QScrollArea, QWidget

SIDE_BY_SIDE = 900
"""The page width in pixels from which the panes sit side by side: above what both need at their narrowest."""


class Panes(QWidget):
    """Lay out with ``box``; its direction follows the width the page is given."""

    def __init__(self, breakpoint: int = SIDE_BY_SIDE) -> None:
        super().__init__()
        self.breakpoint = breakpoint
        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self._watched: QWidget | None = None
        self._second_first = False

    @property
    def side_by_side(self) -> bool:
        return self.box.direction() is QBoxLayout.Direction.LeftToRight

    def lead_with_second(self, first: bool) -> None:
        """One under the other, the second pane on top (it holds what the nurse does next) or under."""
        if first != self._second_first:
            self._second_first = first
            self._fit(self.width() if self._watched is None else self._watched.width())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        """Follow the width of the scroll area showing the page: the page itself is never narrower than
        what its panes need side by side, so its own width would keep them there."""
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if parent is not None and parent.viewport() is not self._watched:
            self._watched = parent.viewport()
            self._watched.installEventFilter(self)
            self._fit(self._watched.width())
        super().showEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self._watched and event.type() is QEvent.Type.Resize:
            self._fit(self._watched.width())
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        if self._watched is None:
            self._fit(event.size().width())
        super().resizeEvent(event)

    def _fit(self, width: int) -> None:
        if width >= self.breakpoint:
            direction = QBoxLayout.Direction.LeftToRight
        elif self._second_first:
            direction = QBoxLayout.Direction.BottomToTop
        else:
            direction = QBoxLayout.Direction.TopToBottom
        if direction is not self.box.direction():
            self.box.setDirection(direction)
