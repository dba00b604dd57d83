"""UI fixtures: the real main window on a test database, a fake clock, and a nurse who drives it.

The window's ``Care`` is the ``care`` fixture, so the clock is the ManualClock the test moves, and
every assertion about what was recorded can read the same database through ``care``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest
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
from core.clock import ManualClock
from core.people import Account
from core.persistence.db import Database
from core.protocol import Protocol, VitalKind
from core.settings import WorkstationSettings, clinic_settings
from core.startup import Workplace
from core.views import PatientView
from tests.conftest import ADMIN_PASSWORD, ANA_PASSWORD, BEN_PASSWORD
from tests.test_session_flow import NORMAL, prepare
from ui import style
from ui.controller import Controller
from ui.main_window import MainWindow
from ui.widgets.scrolling import scroll_area_of

W = TypeVar("W", bound=QWidget)


def make_workplace(database: Database, protocol: Protocol, care: Care) -> Workplace:
    return Workplace(database, protocol, care, clinic_settings(database), WorkstationSettings(name="test-ws"))


@pytest.fixture
def workplace(database: Database, protocol: Protocol, care: Care) -> Workplace:
    """What ``open_workplace`` builds at start, but on the test database and the test's clock."""
    return make_workplace(database, protocol, care)


def open_window(qtbot: QtBot, workplace: Workplace) -> MainWindow:
    style.apply(QApplication.instance())  # type: ignore[arg-type]
    window = MainWindow(workplace)
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def window(qtbot: QtBot, workplace: Workplace, nurses: tuple[Account, Account]) -> Iterator[MainWindow]:
    """The main window with two nurses' accounts, showing the sign-in screen: nobody is signed in yet."""
    yield open_window(qtbot, workplace)


def named(widget: QWidget, name: str) -> bool:
    """A control by its accessible name; a label that shows information by its object name, since its
    accessible name is the text it shows (ui.widgets.forms.describe)."""
    return name in (widget.accessibleName(), widget.objectName())


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


@pytest.fixture
def nurse(qtbot: QtBot, window: MainWindow) -> Nurse:
    return Nurse(qtbot, window)


PASSWORDS = {"ana": ANA_PASSWORD, "ben": BEN_PASSWORD, "admin": ADMIN_PASSWORD}


@pytest.fixture
def normal_vitals() -> dict[VitalKind, str]:
    """A set of readings inside every limit of the protocol."""
    return dict(NORMAL)


@pytest.fixture
def ready_session(care: Care, patient: PatientView, nurses: tuple[Account, Account]) -> str:
    """A session on chair 1, checked and with baseline vitals, not yet started."""
    return prepare(care, patient, nurses)


@pytest.fixture
def restart(qtbot: QtBot, database: Database, protocol: Protocol, clock: ManualClock) -> Callable[[], Nurse]:
    """Starts the app again on the same database, as after a crash: a new Care whose start time is now."""

    def start_again() -> Nurse:
        care = Care(database, protocol, clock, workstation="test-ws", app_started_at=clock.now())
        return Nurse(qtbot, open_window(qtbot, make_workplace(database, protocol, care)))

    return start_again


@pytest.fixture
def controller(qtbot: QtBot, workplace: Workplace) -> Controller:
    """The screens' way to core, without a window (for a dialog on its own)."""
    style.apply(QApplication.instance())  # type: ignore[arg-type]
    return Controller(workplace)


@pytest.fixture
def ana(controller: Controller, nurses: tuple[Account, Account]) -> Account:
    """Ana is signed in: every copy that goes out is recorded in her name."""
    controller.user = controller.accounts.sign_in("ana", ANA_PASSWORD)
    return controller.user


def in_its_view(widget: QWidget) -> bool:
    """The whole of ``widget`` lies inside the visible part of the scroll area holding it."""
    scroll = scroll_area_of(widget)
    assert scroll is not None, f"{widget.accessibleName()} is not on a page that scrolls"
    top = widget.mapTo(scroll.viewport(), QPoint(0, 0)).y()
    return top >= 0 and top + widget.height() <= scroll.viewport().height()
