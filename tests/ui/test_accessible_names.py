"""Every control on every page has an accessible name: screen readers say it, and tests find it by it."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QLineEdit, QWidget

from ui.chair_panel import ChairPanel
from ui.dialogs.addendum import AddendumDialog
from ui.main_window import MainWindow

PAGES = ("identify", "screen", "weigh", "dose", "check", "infuse", "observe", "sign")
CONTROLS = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView)


def inside_combo(widget: QWidget) -> bool:
    """A combo box's own pop-up list: named through the combo box."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox):
            return True
        parent = parent.parentWidget()
    return False


def unnamed(root: QWidget) -> list[str]:
    return [
        f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r}"
        for kind in CONTROLS
        for w in root.findChildren(kind)
        if not w.accessibleName() and not inside_combo(w)
    ]


def every_page_and_the_addendum_dialog(window: MainWindow) -> None:
    """Builds what is otherwise made on demand; the dialog is a child of the window while it exists."""
    panel: ChairPanel = window.panel(1)
    for key in PAGES:
        panel.page(key)
    AddendumDialog(window.controller, window)


def test_every_control_on_every_page_is_named(window: MainWindow) -> None:
    every_page_and_the_addendum_dialog(window)
    assert unnamed(window) == []


def test_every_control_is_big_enough_for_a_gloved_finger(window: MainWindow) -> None:
    every_page_and_the_addendum_dialog(window)
    small = [
        f"{type(w).__name__} {w.accessibleName()!r}"
        for kind in (QAbstractButton, QLineEdit, QComboBox)
        for w in window.findChildren(kind)
        if w.minimumHeight() < 40 and w.sizeHint().height() < 40 and not inside_combo(w)
    ]
    assert small == []
