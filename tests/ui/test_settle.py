"""What the start leaves until the board is on screen is ready before anyone can need it (MainWindow.settle)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.people import Account
from core.startup import Workplace
from tests.helpers.people import ANA_PASSWORD
from ui.alarm_sound import NO_SOUND, AlarmSound
from ui.main_window import MainWindow


def test_a_tone_asked_for_before_the_sound_is_ready_makes_it_ready_first(qtbot: QtBot, tmp_path: Path):
    sound = AlarmSound(tmp_path)
    said: list[str] = []
    sound.unavailable.connect(said.append)
    assert not sound.ready and sound.effects == {}  # nothing of Qt Multimedia made yet
    played = sound.play("high")
    assert sound.ready
    assert sound.effects or said == [NO_SOUND]  # the tone made, or said to be unavailable: never silently skipped
    assert played or said == [NO_SOUND]
    assert (tmp_path / "high.wav").exists() or not sound.effects


def test_the_window_settles_by_itself_once_the_event_loop_has_painted_it(qtbot: QtBot, workplace: Workplace):
    window = MainWindow(workplace)
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    assert not window.settled and not window.alarm.ready  # building the window leaves them for later
    window.show()
    qtbot.waitUntil(lambda: window.settled)
    assert window.alarm.ready


def test_a_sign_in_settles_the_window_even_before_the_event_loop_has_turned(
    qtbot: QtBot, workplace: Workplace, nurses: tuple[Account, Account]
):
    """Nothing a signed-in nurse does may come before the idle watch, the scan catcher and the wheel guard."""
    window = MainWindow(workplace)
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    assert not window.settled
    signed_in = window.controller.sign_in(window.lock_screen.feedback, "ana", ANA_PASSWORD)  # the window never shown
    assert signed_in is not None and window.controller.nurse_id == nurses[0].id
    assert window.settled and window.alarm.ready
    qtbot.wait(80)
    assert window.idle.since.elapsed() >= 50
    key = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Shift, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, key)  # any key anywhere counts as activity
    assert window.idle.since.elapsed() < 50  # the idle watch saw it: its clock started again


def test_the_signed_in_board_s_tiles_are_built_once_the_first_screen_is_painted(
    qtbot: QtBot, workplace: Workplace, nurses: tuple[Account, Account]
):
    """The lock screen shows first, with tiles of its own; the board behind it is filled by ``settle()``, so
    it is whole before anyone can sign in to see it."""
    window = MainWindow(workplace)
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    assert window.board.grid is None  # left for later
    assert len(window.lock_screen.grid.tiles) == len(workplace.chairs)  # what shows first is whole
    window.show()
    qtbot.waitUntil(lambda: window.settled)
    assert window.board.grid is not None and sorted(window.board.tiles) == workplace.chairs
    assert window.controller.sign_in(window.lock_screen.feedback, "ana", ANA_PASSWORD) is not None
    assert window.board.isVisible() and all(tile.isVisible() for tile in window.board.tiles.values())


def test_a_sign_in_before_the_window_settled_finds_the_board_filled(
    qtbot: QtBot, workplace: Workplace, nurses: tuple[Account, Account]
):
    window = MainWindow(workplace)
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    grid = window.board.grid
    assert window.controller.sign_in(window.lock_screen.feedback, "ana", ANA_PASSWORD) is not None
    assert grid is None and window.board.grid is not None
