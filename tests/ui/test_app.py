"""Starting the app: problems in plain words (exit code 2), a clean quick start, and calm crash handling."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from core import about
from core.clock import ManualClock
from core.errors import ChairsideError, DatabaseMissing
from core.logs import log_file
from core.persistence.db import sqlite_url
from ui import app
from ui.crash import CrashHandler


@pytest.mark.usefixtures("own_log_handlers", "qapp")
def test_a_missing_database_is_explained_and_the_exit_code_is_2(
    tmp_path: Path, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[ChairsideError] = []
    monkeypatch.setattr(app, "show_startup_problem", shown.append)
    code = app.main(sqlite_url(tmp_path / "gone" / "chairside.sqlite"), clock=clock)
    assert code == 2
    (error,) = shown
    assert isinstance(error, DatabaseMissing)
    assert error.advice


def opening_windows() -> list[tuple[str, tuple[int, int]]]:
    """The opening windows on screen: each one's title and size."""
    from PySide6.QtWidgets import QApplication

    from ui.opening import OpeningWindow

    return [
        (w.windowTitle(), (w.width(), w.height()))
        for w in QApplication.topLevelWidgets()
        if isinstance(w, OpeningWindow) and w.isVisible()
    ]


@pytest.mark.usefixtures("own_log_handlers", "qapp")
def test_the_board_s_frame_shows_while_the_records_open_and_the_board_takes_its_place(
    db_path: Path, database, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import core.startup
    from ui.main_window import MainWindow

    opening = core.startup.open_workplace
    while_opening: list[list[tuple[str, tuple[int, int]]]] = []

    def open_and_look(*args, **kwargs):
        while_opening.append(opening_windows())
        return opening(*args, **kwargs)

    monkeypatch.setattr(core.startup, "open_workplace", open_and_look)
    boards: list[tuple[int, int]] = []
    titles: list[str] = []

    def shut(window: MainWindow) -> None:
        boards.append((window.width(), window.height()))
        titles.append(window.windowTitle())

    monkeypatch.setattr(MainWindow, "shutdown", shut)
    assert app.main(sqlite_url(db_path), clock=clock, quit_when_shown=True) == 0
    ((title, size),) = while_opening[0]
    assert title == "Chairside" and opening_windows() == []
    assert set(boards) == {size}  # the board stood where its frame did, at its size
    assert {t.split(" — ")[0] for t in titles} == {f"Chairside {about.VERSION}"}  # the board names its version
    from PySide6.QtWidgets import QApplication

    assert QApplication.applicationVersion() == about.VERSION
    assert not QApplication.windowIcon().isNull()


@pytest.mark.usefixtures("own_log_handlers", "qapp")
def test_the_board_s_frame_closes_when_the_records_cannot_be_opened(
    tmp_path: Path, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[list[tuple[str, tuple[int, int]]]] = []
    monkeypatch.setattr(app, "show_startup_problem", lambda error: shown.append(opening_windows()))
    assert app.main(sqlite_url(tmp_path / "gone" / "chairside.sqlite"), clock=clock) == 2
    assert [[title for title, _size in windows] for windows in shown] == [["Chairside"]]  # over the frame
    assert opening_windows() == []


@pytest.mark.usefixtures("own_log_handlers", "qapp")
def test_the_app_starts_shows_its_window_and_quits_when_asked(db_path: Path, database, clock: ManualClock) -> None:
    hook = sys.excepthook
    assert app.main(sqlite_url(db_path), clock=clock, quit_when_shown=True) == 0
    assert sys.excepthook is hook
    assert log_file().exists()


@pytest.mark.usefixtures("own_log_handlers", "qapp")
def test_when_shown_is_told_with_the_board_on_screen_before_it_closes(
    db_path: Path, database, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The start-up benchmark reads its CPU there: the board shown, nothing of closing it done yet."""
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow

    seen: list[str] = []
    monkeypatch.setattr(MainWindow, "shutdown", lambda _window: seen.append("closing"))

    def shown() -> None:
        boards = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen.append(f"{len(boards)} board shown")

    assert app.main(sqlite_url(db_path), clock=clock, quit_when_shown=True, when_shown=shown) == 0
    assert seen[0] == "1 board shown" and set(seen[1:]) == {"closing"}  # shut down (again as it closes) after


@pytest.mark.usefixtures("own_log_handlers")
def test_an_unexpected_error_is_logged_with_an_incident_id_and_shown_once(tmp_path: Path) -> None:
    from core.logs import configure_logging

    path = configure_logging()
    shown: list[str] = []

    def show(text: str, details: str) -> None:
        shown.append(text)
        handler(RuntimeError, RuntimeError("while the dialog is open"), None)  # a second error: logged only

    handler = CrashHandler(path, show)
    try:
        raise ZeroDivisionError("a bug")
    except ZeroDivisionError:
        handler(*sys.exc_info())  # type: ignore[arg-type]

    assert len(shown) == 1
    assert "Something went wrong in Chairside. Everything already saved is safe." in shown[0]
    assert str(path) in shown[0]
    incident = shown[0].rsplit("Incident ", 1)[1]
    logged = path.read_text(encoding="utf-8")
    assert f"incident {incident}" in logged
    assert "ZeroDivisionError: a bug" in logged
    assert "while the dialog is open" in logged
