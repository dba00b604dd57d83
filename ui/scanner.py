"""Wristband scans, recognised wherever the focus is, and only as scans.

A barcode scanner is a keyboard that types a whole code within a few milliseconds per character and
ends it with Enter (or Tab). Caught at the application, before any field or shortcut sees the keys, a
scan can neither be typed into a vitals field nor open chair 1 because its code contains a "1".

The catch must not cost a nurse her typing. Each printable key is held for a moment; keys that follow
it faster than anyone types are held with it. If the run ends in Enter or Tab and is long enough, it was
a scan: the keys are swallowed and the code is handed on. Otherwise (a pause, too few characters, any
other key) the held keys are replayed, in order, to the control they were meant for, shortcuts included.

Time comes from the key events' own timestamps (the window system's clock). Events whose timestamp is
0 come from software (Qt's test keys, input methods) and carry no time: they are never held and never
a scan, so a test's typing reaches its field at once however fast it is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLineEdit, QWidget

from core.views import PatientView
from ui.style import mark
from ui.widgets.forms import button, label

if TYPE_CHECKING:  # the window imports this module
    from ui.main_window import MainWindow

SCAN_GAP_MS = 35
"""The longest pause between two characters of a scan (scanners send a code in well under this)."""
SCAN_MIN_CHARACTERS = 4
RELEASE_MS = 60
"""How long a held key waits for the next before it is given to its control as ordinary typing."""
TERMINATORS = {Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab}
PENDING_MS = 120_000
"""How long a scan waits for the nurse to open the empty chair its patient sits in."""
CAUGHT = {QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride}
TYPING_MODIFIERS = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
MODIFIER_KEYS = {Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_AltGr, Qt.Key.Key_Meta}
"""Keys that type nothing themselves: a scanner presses Shift around each capital, as a keyboard does."""


@dataclass
class Held:
    event: QKeyEvent
    target: QWidget


def copy(event: QKeyEvent) -> QKeyEvent:
    """The event again (Qt reuses the one it delivers)."""
    again = QKeyEvent(event.type(), event.key(), event.modifiers(), event.text(), event.isAutoRepeat(), event.count())
    again.setTimestamp(event.timestamp())
    return again


def typed_character(event: QKeyEvent) -> bool:
    """A key that would type a character (a scan is made only of these, then its terminator)."""
    plain = not (event.modifiers() & ~TYPING_MODIFIERS)
    return plain and not event.isAutoRepeat() and bool(event.text()) and event.text().isprintable()


class ScanCatcher(QObject):
    """Installed on the application: tells a scan burst from typing and swallows only the scan."""

    scanned = Signal(str)

    def __init__(self, listening: Callable[[], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.listening = listening
        """Whether a scan could lead anywhere now (someone signed in, no dialog): otherwise keys pass at once."""
        self._held: list[Held] = []
        self._last = 0
        self._replaying = False
        self._release = QTimer(self)
        self._release.setSingleShot(True)
        self._release.setInterval(RELEASE_MS)
        self._release.timeout.connect(self.release)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if self._replaying or kind not in CAUGHT:
            return False
        if not isinstance(watched, QWidget) or not isinstance(event, QKeyEvent):
            return False  # the window's copy of a key: it is caught on its way to the focused control
        if not self._held and not self._may_be_scan(watched):
            return False
        if kind == QEvent.Type.ShortcutOverride:
            return self._override(event)
        if kind == QEvent.Type.KeyRelease:
            return self._key_up(watched, event)
        return self._key(watched, event)

    def _may_be_scan(self, target: QWidget) -> bool:
        """A password is typed, never scanned, and a fast typist's password ending in Enter must never be
        taken for a wristband; nor is anything scanned while no one is signed in."""
        secret = isinstance(target, QLineEdit) and target.echoMode() is not QLineEdit.EchoMode.Normal
        return not secret and self.listening()

    def _key_up(self, target: QWidget, event: QKeyEvent) -> bool:
        """While keys are held, their releases wait with them, so they are replayed in the order typed: a
        button pressed with Space is clicked by the release that follows its press, never before it."""
        if self._held and event.timestamp() and event.key() not in MODIFIER_KEYS:
            self._held.append(Held(copy(event), target))
            return True
        return False

    def _override(self, event: QKeyEvent) -> bool:
        """A key that may belong to a scan is kept from shortcuts (the board's chair numbers) until it is
        known to be typing; it then reaches them when replayed."""
        if event.timestamp() and (typed_character(event) or (self._held and event.key() in TERMINATORS)):
            event.accept()
            return True
        return False

    def _key(self, target: QWidget, event: QKeyEvent) -> bool:
        stamp = event.timestamp()
        if not stamp:
            self.release()
            return False
        if event.key() in MODIFIER_KEYS:
            return False  # neither ends a burst nor breaks it: the capital it brings is what counts
        if self._held and stamp - self._last > SCAN_GAP_MS:
            self.release()
        if typed_character(event):
            self._held.append(Held(copy(event), target))
            self._last = stamp
            self._release.start()
            return True
        pressed = [held.event for held in self._held if held.event.type() == QEvent.Type.KeyPress]
        plain = not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)  # a keypad Enter ends one too
        if event.key() in TERMINATORS and len(pressed) >= SCAN_MIN_CHARACTERS and plain:
            code = "".join(key.text() for key in pressed)
            self._held.clear()
            self._release.stop()
            self.scanned.emit(code)
            return True
        self.release()
        return False

    def release(self) -> None:
        """Not a scan: the held keys go to their controls as if they had never been held."""
        self._release.stop()
        held, self._held = self._held, []
        self._replaying = True
        try:
            for item in held:
                QApplication.sendEvent(item.target, item.event)
        finally:
            self._replaying = False


class ScanNotice(QFrame):
    """What a scan found when it could not go straight to a chair, across the top of the care area."""

    def __init__(self) -> None:
        super().__init__()
        frame_row = QHBoxLayout(self)
        mark(self, "role", "banner-advise")
        self.text = label(name="Scan message")
        frame_row.addWidget(self.text, 1)
        self.dismiss = button("Dismiss", "Dismiss scan message")
        self.dismiss.clicked.connect(self.hide)
        frame_row.addWidget(self.dismiss)
        self.hide()

    def say(self, text: str) -> None:
        self.text.setText(text)
        self.show()


class Scans(QObject):
    """Where a scan leads: the patient's chair if seated; else an empty chair's identify step with the
    patient found (or the registration form with the number filled in, for an unknown wristband).

    Which empty chair: the one whose page is open, or whose tile has the focus on the board. Otherwise
    the scan is kept and the board says so: the nurse opens the chair the patient is sitting in, and the
    patient is found there. Chairs are never chosen for her, since the patient sits in a real one."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.notice = ScanNotice()
        self.catcher = ScanCatcher(self._listening, self)
        self.catcher.scanned.connect(self.route)
        self._pending: str | None = None
        self._pending_since = QElapsedTimer()
        self.notice.dismiss.clicked.connect(self.forget)
        window.controller.user_changed.connect(self.forget)  # a lock or another nurse: the scan was not hers
        window.chair_list.chair_chosen.connect(self._chair_opened)

    def listen(self) -> None:
        """The catcher on the application, from the window's ``settle()``: nothing is scanned before
        someone signs in, and ``settle()`` runs at the latest then."""
        QApplication.instance().installEventFilter(self.catcher)

    def _listening(self) -> bool:
        controller = self.window.controller
        return controller.nurse_id is not None and not controller.locked and QApplication.activeModalWidget() is None

    def forget(self) -> None:
        """The scan waiting for a chair is dropped: it must never find its patient in a later nurse's chair."""
        self._pending = None
        self.notice.hide()

    def _wait_for_chair(self, code: str) -> None:
        self._pending = code
        self._pending_since.start()

    def stop(self) -> None:
        QApplication.instance().removeEventFilter(self.catcher)

    def _empty_chair_in_view(self, seated: set[int]) -> int | None:
        window = self.window
        if window.board_showing:
            focus = QApplication.focusWidget()
            chair = getattr(focus, "chair", None) if focus in window.board.tiles.values() else None
        else:
            chair = window.chair_list.current_chair()
        return chair if chair is not None and chair not in seated else None

    def route(self, code: str) -> None:
        window = self.window
        controller = window.controller
        if not self._listening():
            return  # signed out or a dialog opened while the burst came in
        views = controller.chairs() or []
        seated = {view.chair: view.patient for view in views}
        patient = controller.patient_by_record_number(code)
        where = next((chair for chair, p in seated.items() if patient is not None and p.id == patient.id), None)
        if where is not None:
            self.notice.hide()
            window.open_chair(where)
            return
        chair = self._empty_chair_in_view(set(seated))
        self._wait_for_chair(code)
        if chair is None:
            self.notice.say(self._waiting_words(code, patient))
            return
        self.notice.hide()
        window.open_chair(chair)
        self._chair_opened(chair)

    @staticmethod
    def _waiting_words(code: str, patient: PatientView | None) -> str:
        if patient is None:
            return (
                f"Wristband {code}: no patient has this record number. Open the empty chair the patient sits "
                "in to register them; the number is filled in there."
            )
        return (
            f"Wristband scanned: {patient.full_name} ({patient.mrn}) is not seated. Open the empty chair they "
            "sit in; the patient is found there."
        )

    def _chair_opened(self, chair: int) -> None:
        """A scan waiting for a chair is handed to the first empty chair opened."""
        code, self._pending = self._pending, None
        if code is None or self._pending_since.hasExpired(PENDING_MS):
            self.notice.hide()
            return  # a scan from minutes ago is not taken for the patient in the chair opened now
        if any(view.chair == chair for view in self.window.controller.chairs() or []):
            return  # a seated chair: the scan was for someone else's
        self.notice.hide()
        self.window.panel(chair).page("identify").take_scan(code)
