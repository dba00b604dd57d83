"""The garbage collector is paused while the app starts and runs again once the board is shown."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.clock import ManualClock
from core.persistence.db import sqlite_url
from ui import app


@pytest.fixture
def collector() -> Iterator[None]:
    running = gc.isenabled()
    yield
    if running:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.usefixtures("collector")
def test_a_paused_collector_runs_again_as_it_was_and_what_start_made_is_set_aside() -> None:
    gc.enable()
    assert app.pause_collector() is True and not gc.isenabled()
    app.resume_collector(True)
    assert gc.isenabled() and gc.get_freeze_count() > 0
    gc.disable()
    assert app.pause_collector() is False
    app.resume_collector(False)
    assert not gc.isenabled()  # one that was off (by whoever runs the app) stays off


@pytest.mark.usefixtures("own_log_handlers", "qapp", "collector")
def test_the_collector_is_paused_while_the_records_open_and_runs_once_the_board_is_shown(
    db_path: Path, database, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import core.startup
    from ui.main_window import MainWindow

    gc.enable()
    running: list[tuple[str, bool]] = []
    opening = core.startup.open_workplace

    def open_and_look(*args, **kwargs):
        running.append(("opening the records", gc.isenabled()))
        return opening(*args, **kwargs)

    monkeypatch.setattr(core.startup, "open_workplace", open_and_look)
    monkeypatch.setattr(MainWindow, "shutdown", lambda self: running.append(("board shown", gc.isenabled())))
    assert app.main(sqlite_url(db_path), clock=clock, quit_when_shown=True) == 0
    assert running[:2] == [("opening the records", False), ("board shown", True)] and gc.isenabled()


@pytest.mark.usefixtures("own_log_handlers", "qapp", "collector")
def test_the_collector_runs_again_when_the_app_cannot_start(
    tmp_path: Path, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    gc.enable()
    paused: list[bool] = []
    monkeypatch.setattr(app, "show_startup_problem", lambda error: paused.append(not gc.isenabled()))
    assert app.main(sqlite_url(tmp_path / "gone" / "chairside.sqlite"), clock=clock) == 2
    assert paused == [True] and gc.isenabled()  # paused while starting, running again after
