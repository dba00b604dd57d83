"""The window a nurse sees the moment Chairside is started, while the records are opened behind it.

Opening the records means loading the storage stack (SQLAlchemy, SQLModel, the tables) and the database,
which costs several times what showing a window does. Started from a desktop icon with nothing on screen
for that time, a nurse clicks again and starts a second copy. So the frame of the board shows first, at the
size and place the board will have, saying what is happening; the board takes its place once it can be
used. Nothing here can be pressed: nothing can be done before the records are open. This module imports
Qt and the style only, never ``core``'s storage, or it would cost what it is here to hide.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QVBoxLayout, QWidget

from ui.widgets.forms import card, label

SIZE = (1280, 800)
"""The board's window size, where the screen has room for it (``MainWindow`` uses the same)."""
OPENING_WORDS = "Opening the clinic's records…"
PATIENCE_MS = 500
"""How long to wait for the window system to put the window on screen before the records are opened
anyway: a window system that never says so must not delay the start."""


class OpeningWindow(QMainWindow):
    """The board's frame: the window's title and a calm line where the chairs will be."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Chairside")
        self.resize(*SIZE)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addStretch(1)
        message = card("card")
        inside = QVBoxLayout(message)
        inside.setContentsMargins(32, 24, 32, 24)
        words: QLabel = label(OPENING_WORDS, role="heading", name="Opening", wrap=False)
        words.setAlignment(Qt.AlignmentFlag.AlignCenter)
        inside.addWidget(words)
        layout.addWidget(message, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.setCentralWidget(central)


def show_fitted(window: QMainWindow) -> None:
    """1280×800 where the screen has room for it; on a smaller screen (a 1024×768 cart) the whole screen,
    so no part of a step is ever off the edge."""
    screen = window.screen() or QApplication.primaryScreen()
    room = screen.availableGeometry() if screen is not None else None
    if room is not None and (room.width() < window.width() or room.height() < window.height()):
        window.setGeometry(room)
        window.showMaximized()
    else:
        window.show()


def on_screen(window: QMainWindow) -> None:
    """Show ``window`` and paint it now, before the event loop runs: what comes next keeps the loop busy."""
    show_fitted(window)
    app = QApplication.instance()
    waited = QElapsedTimer()
    waited.start()
    handle = window.windowHandle()
    while handle is not None and not handle.isExposed() and waited.elapsed() < PATIENCE_MS:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    app.processEvents()
    window.repaint()


def take_place_of(window: QMainWindow, opening: QMainWindow) -> None:
    """Show ``window`` where ``opening`` stood (its size and place, maximised if it was), then close it for good."""
    if opening.isMaximized():
        window.setGeometry(opening.geometry())
        window.showMaximized()
    else:
        window.setGeometry(opening.geometry())
        show_fitted(window)
    opening.close()
    opening.deleteLater()  # its window gone from the screen's list too, not only hidden
