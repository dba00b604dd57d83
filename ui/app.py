"""Starting Chairside: logging, the Qt application, the board's frame at once (``ui.opening``), then the
workplace (database, protocol, care) and the board in its place.

A problem the nurse or IT can act on (protocol file, missing or damaged database…) is shown in plain
words with exit code 2, never as a traceback. After start-up, bugs go to the crash handler.
"""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Callable

from core import about
from core.clock import Clock, SystemClock
from core.errors import ChairsideError
from core.logs import configure_logging
from core.paths import resource_path

log = logging.getLogger("chairside.app")
STARTUP_PROBLEM = 2

ICON = "icons/chairside.svg"
"""The application's icon, the one the menu entry names."""


def show_startup_problem(error: ChairsideError) -> None:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Critical, "Chairside cannot start", error.message)
    box.setInformativeText(error.advice)
    box.exec()


def pause_collector() -> bool:
    """Start-up creates some 100,000 objects that live as long as the app (modules, classes, tables, the
    window's widgets), and the cyclic garbage collector would scan them again and again while they are
    made: ~0.1 s of a start. It is paused until the board is shown; whether it was running is returned."""
    running = gc.isenabled()
    gc.disable()
    return running


def resume_collector(was_running: bool) -> None:
    """The board shown: what start-up made is set aside for good (``gc.freeze``: it is never garbage, the
    few hundred temporary objects left among it aside), so no later collection scans it; then the
    collector runs again as before. Frozen once per process (a test starts the app more than once)."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
    if was_running:
        gc.enable()


def main(
    database_url: str | None,
    *,
    clock: Clock | None = None,
    quit_when_shown: bool = False,
    when_painted: Callable[[], None] | None = None,
    when_shown: Callable[[], None] | None = None,
) -> int:
    """``when_painted``: called once the opening window is on screen, before the records are opened;
    ``when_shown``: with ``quit_when_shown``, called as the event loop's first turn after the board was shown
    ends, before the window and the records are closed. The start-up benchmark reads its CPU time at each (a
    bare window's it reads once its loop's first turn is over, the window still open: closing is no part of
    a start)."""
    collecting = pause_collector()
    try:
        return _start(database_url, clock, quit_when_shown, when_painted, when_shown, collecting)
    finally:
        resume_collector(collecting)  # whatever happened on the way


def _start(
    database_url: str | None,
    clock: Clock | None,
    quit_when_shown: bool,
    when_painted: Callable[[], None] | None,
    when_shown: Callable[[], None] | None,
    collecting: bool,
) -> int:
    log_path = configure_logging()
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from ui import accessible, pyside_hook, style

    pyside_hook.quicken()  # before ``core`` and the storage stack are imported
    from ui.opening import OpeningWindow, on_screen, take_place_of

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName(about.NAME)
    app.setApplicationVersion(about.VERSION)
    app.setDesktopFileName(about.INSTALLED_COMMAND)  # the menu entry's name (packaging/chairside.desktop)
    app.setWindowIcon(QIcon(str(resource_path(ICON))))
    style.apply(app)
    accessible.install()  # before the first window wakes the accessibility bridge: no password on the bus
    opening = OpeningWindow()
    on_screen(opening)
    if when_painted is not None:
        when_painted()
    from core.startup import open_workplace  # the storage stack: after the window, which it would delay

    try:
        workplace = open_workplace(database_url, clock or SystemClock())
    except ChairsideError as error:
        log.warning("cannot start: %s", error)
        show_startup_problem(error)
        opening.close()
        opening.deleteLater()
        return STARTUP_PROBLEM

    from ui.crash import CrashHandler
    from ui.main_window import MainWindow

    previous_hook = sys.excepthook
    sys.excepthook = CrashHandler(log_path)
    window = MainWindow(workplace)
    try:
        take_place_of(window, opening)
        resume_collector(collecting)
        if quit_when_shown:
            # exit() rather than quit(): quit() also closes the window, which posts a second quit
            # request that would linger after exec() returns and end the next event loop at once.
            QTimer.singleShot(0, lambda: app.exit(0))
        code = app.exec()
        if quit_when_shown and when_shown is not None:
            when_shown()
    finally:
        window.shutdown()
        window.close()
        window.deleteLater()
        sys.excepthook = previous_hook
        workplace.close()
    return 0 if quit_when_shown else code
