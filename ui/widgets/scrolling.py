"""Bringing what the nurse needs into the part of a scrolling page she can see."""

from __future__ import annotations

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
