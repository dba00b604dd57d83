"""A field refused by core, or focused, keeps its size: a thicker border must not move what is below it."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from ui import style
from ui.style import mark
from ui.widgets.forms import combo, line_edit


def test_a_refused_or_focused_field_moves_nothing_below_it(qtbot: QtBot):
    style.apply(QApplication.instance())  # type: ignore[arg-type]
    page = QWidget()
    qtbot.addWidget(page)
    column = QVBoxLayout(page)
    fields = [line_edit("Weight"), combo("Vial", [("20 mL", 1)])]
    below = line_edit("Below")
    for widget in [*fields, below]:
        column.addWidget(widget)
    column.addStretch(1)
    page.resize(300, 300)
    page.show()
    qtbot.waitExposed(page)
    where = below.y()
    for field in fields:
        field.setFocus()
        mark(field, "invalid", True)
        QApplication.processEvents()
        assert below.y() == where, f"{field.accessibleName()} grew when refused or focused"
        mark(field, "invalid", None)
