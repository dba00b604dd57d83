"""A text field that can tell a wristband scan from typing.

A barcode scanner "types" like a keyboard, but a whole code arrives within a few milliseconds per
character and ends with Enter; no one types that fast. Knowing the difference lets a scan count as
checking the wristband's record number, while a number typed from memory does not.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QLineEdit

from ui.style import TARGET

SCAN_GAP_MS = 35
"""The longest pause between two characters of a scan (scanners send a code in well under this)."""
SCAN_MIN_CHARACTERS = 4


class ScanField(QLineEdit):
    def __init__(self, name: str, placeholder: str = "") -> None:
        super().__init__()
        self.setAccessibleName(name)
        self.setPlaceholderText(placeholder)
        self.setMinimumHeight(TARGET)
        self._since = QElapsedTimer()
        self._keys = 0
        self._longest_gap = 0
        self.scanned = False
        """Whether what was entered when Enter was last pressed came from a scanner."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() in {Qt.Key.Key_Return, Qt.Key.Key_Enter}:
            self.scanned = self._keys >= SCAN_MIN_CHARACTERS and self._longest_gap <= SCAN_GAP_MS
            self._keys, self._longest_gap = 0, 0
        elif event.text() and event.text().isprintable():
            if self._keys:
                self._longest_gap = max(self._longest_gap, self._since.elapsed())
            else:
                self._longest_gap = 0
            self._since.restart()
            self._keys += 1
        else:  # editing keys (backspace, arrows): a person is at the keyboard
            self._keys, self._longest_gap = 0, SCAN_GAP_MS + 1
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt's name)
        self._keys, self._longest_gap = 0, 0
        super().focusInEvent(event)
