"""Bringing what the nurse needs into the part of a scrolling page she can see."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QScrollArea, QWidget


def scroll_area_of(widget: QWidget) -> QScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    return parent


def show_whole(scroll: QScrollArea, widget: QWidget, margin: int = 0) -> None:
    """Scroll so all of ``widget`` is in view: ``ensureWidgetVisible`` keeps only a text field's cursor in
    view, and the field's lower edge can stay below the fold."""
    centre = widget.mapTo(scroll.widget(), widget.rect().center())
    scroll.ensureVisible(centre.x(), centre.y(), widget.width() // 2 + margin, widget.height() // 2 + margin)


class KeepInView(QObject):
    """Brings fields into view again whenever the part of their page in view gets shorter: a page is often
    laid out again a moment after a refusal (the banner's words settling, a notice appearing above it), and
    what the refusal asks for must not slide below the fold while the nurse reads it. ``bring`` decides
    whether anything is still asked for."""

    def __init__(self, parent: QWidget, bring: Callable[[], None]) -> None:
        super().__init__(parent)
        self._bring = bring
        self._viewport: QWidget | None = None

    def watch(self, scroll: QScrollArea) -> None:
        if self._viewport is not scroll.viewport():
            if self._viewport is not None:
                self._viewport.removeEventFilter(self)
            self._viewport = scroll.viewport()
            self._viewport.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        shorter = isinstance(event, QResizeEvent) and event.size().height() < event.oldSize().height()
        if watched is self._viewport and shorter:
            QTimer.singleShot(0, self, self._bring)
        return False
