"""The real main window on a test's database, and a nurse who drives it by what she sees on the screen.

Plain builders, imported by the UI fixtures (tests/ui/conftest.py) and by tests that open a second
window or restart the app themselves."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from core.care import Care
from core.people import Account
from core.persistence.db import Database
from core.protocol import Protocol, VitalKind
from core.settings import WorkstationSettings, clinic_settings
from core.startup import Workplace
from tests.helpers.people import PASSWORDS
from ui import style
from ui.main_window import MainWindow
from ui.widgets.scrolling import scroll_area_of

W = TypeVar("W", bound=QWidget)


def make_workplace(database: Database, protocol: Protocol, care: Care) -> Workplace:
    """What ``open_workplace`` builds at start, but on the test database and the test's clock."""
    return Workplace(database, protocol, care, clinic_settings(database), WorkstationSettings(name="test-ws"))


def open_window(qtbot: QtBot, workplace: Workplace) -> MainWindow:
    """The main window in the clinic's style, shown and exposed and settled as at a start (its application-wide
    filters and alarm sound ready: ``MainWindow.settle``), shut down with the test."""
    style.apply(QApplication.instance())  # type: ignore[arg-type]
    window = MainWindow(workplace)
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.settled)
    return window


def named(widget: QWidget, name: str) -> bool:
    """A control by its accessible name; a label that shows information by its object name, since its
    accessible name is the text it shows (ui.widgets.forms.describe)."""
    return name in (widget.accessibleName(), widget.objectName())


def in_its_view(widget: QWidget) -> bool:
    """The whole of ``widget`` lies inside the visible part of the scroll area holding it."""
    scroll = scroll_area_of(widget)
    assert scroll is not None, f"{widget.accessibleName()} is not on a page that scrolls"
    top = widget.mapTo(scroll.viewport(), QPoint(0, 0)).y()
    return top >= 0 and top + widget.height() <= scroll.viewport().height()


class Nurse:
    """Drives the window the way a nurse does: finds controls by their accessible names and uses them."""

    def __init__(self, qtbot: QtBot, window: MainWindow) -> None:
        self.qtbot = qtbot
        self.window = window

    def find(self, kind: type[W], name: str) -> W:
        found = [w for w in self.window.findChildren(kind) if named(w, name) and w.isVisible()]
        assert len(found) == 1, f"{len(found)} visible {kind.__name__} named {name!r}"
        return found[0]

    def sees(self, name: str, kind: type[QWidget] = QWidget) -> bool:
        return any(named(w, name) and w.isVisible() for w in self.window.findChildren(kind))

    def text(self, name: str) -> str:
        return self.find(QLabel, name).text()

    def type(self, name: str, text: str, *, enter: bool = False) -> None:
        field = self.find(QLineEdit, name)
        field.setFocus()
        self.qtbot.keyClicks(field, text)
        if enter:
            self.qtbot.keyClick(field, Qt.Key.Key_Return)

    def click(self, name: str) -> None:
        target = self.find(QAbstractButton, name)
        assert target.isEnabled(), f"{name!r} is disabled"
        where = QPoint(12, target.height() // 2) if isinstance(target, QRadioButton | QCheckBox) else None
        if where is None:
            self.qtbot.mouseClick(target, Qt.MouseButton.LeftButton)
        else:
            self.qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=where)

    def entry(self, menu: str, name: str) -> QAction | None:
        """The entry a menu button offers the nurse, by its words without the "…", or None."""
        found = [a for a in self.find(QAbstractButton, menu).menu().actions() if a.text().removesuffix("…") == name]
        return found[0] if found and found[0].isVisible() else None

    def pick(self, menu: str, name: str) -> None:
        entry = self.entry(menu, name)
        assert entry is not None and entry.isEnabled(), f"{name!r} is not offered under {menu!r}"
        entry.trigger()

    def choose(self, name: str, text: str) -> None:
        box = self.find(QComboBox, name)
        index = box.findText(text)
        assert index >= 0, f"{text!r} is not offered in {name!r}"
        box.setCurrentIndex(index)

    def enter_vitals(self, values: dict[VitalKind, str]) -> None:
        """Type each reading and press Enter in the last field, as at the chair."""
        labels = self.window.controller.protocol.vitals
        kinds = list(values)
        for kind in kinds:
            self.type(labels[kind].label, values[kind], enter=kind is kinds[-1])

    def on_duty(self, person: Account) -> None:
        """Sign in at the lock screen with the person's own user name and password, as she would."""
        assert person.username is not None
        self.window.controller.sign_out()
        self.type("User name", person.username)
        self.type("Password or PIN", PASSWORDS[person.username], enter=True)
        assert self.window.controller.nurse_id == person.id, self.text("Sign-in message")

    def chair(self, chair: int) -> None:
        """Open the chair: its tile on the board, or its line in the list beside another chair's pages."""
        if self.window.board_showing:
            tile = self.window.board.tiles[chair]
            self.qtbot.mouseClick(tile, Qt.MouseButton.LeftButton, pos=tile.rect().center())
            return
        chairs = self.window.chair_list
        item = next(
            chairs.item(r) for r in range(chairs.count()) if chairs.item(r).text().startswith(f"Chair {chair}\n")
        )
        self.qtbot.mouseClick(chairs.viewport(), Qt.MouseButton.LeftButton, pos=chairs.visualItemRect(item).center())
