"""The line under a form that says what was saved, or what to fix and what to do next.

An InputError names its field: the field gets a red border and the focus, and what was typed stays.
Every error is also announced to a screen reader, after the focus has moved, so it is heard after the
field's name rather than cut off by it, and brought into view on a page that scrolls (under a long form on a
1024×768 screen it was below the fold), then the field it names, so both are seen where they fit.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from core.errors import ChairsideError, EnvironmentTrouble, InputError
from ui.announce import announce
from ui.style import mark
from ui.widgets.forms import describe, set_tone
from ui.widgets.scrolling import scroll_area_of, show_whole


class Feedback(QLabel):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.setWordWrap(True)
        describe(self, name)
        self.hide()
        self._fields: dict[str, tuple[QWidget, QWidget | None]] = {}
        self._marked: list[QWidget] = []

    def bind(self, field: str, widget: QWidget, caption: QWidget | None = None) -> None:
        """``field`` is the name core uses in InputError.field for this widget.

        A field kept hidden until core asks for it (an override reason, a go-ahead) appears, with its
        caption, when core names it.
        """
        self._fields[field] = (widget, caption)

    def clear(self) -> None:
        for widget in self._marked:
            mark(widget, "invalid", None)
        self._marked.clear()
        self.setText("")
        self.hide()

    def _say(self, text: str, tone: str) -> None:
        self.setText(text)
        set_tone(self, tone)
        self.show()
        if tone in {"error", "act"}:
            QTimer.singleShot(0, self, self._bring_into_view)  # once the words just shown are laid out

    def _bring_into_view(self) -> None:
        scroll = scroll_area_of(self)
        if scroll is None or not self.isVisible():
            return
        show_whole(scroll, self, 8)
        focused = QApplication.focusWidget()
        if focused is not None and scroll.widget().isAncestorOf(focused):
            show_whole(scroll, focused, 8)  # the field to fix wins where both do not fit

    def input_error(self, error: InputError) -> None:
        self.clear()
        self._say(f"{error.message} {error.advice}".strip(), "error")
        widget, caption = self._fields.get(error.field, (None, None))
        if widget is not None:
            widget.show()
            if caption is not None:
                caption.show()
            mark(widget, "invalid", True)
            self._marked.append(widget)
            widget.setFocus()
        announce(self, self.text())

    def problem(self, error: ChairsideError) -> None:
        self.clear()
        prefix = "Not saved. " if isinstance(error, EnvironmentTrouble) else ""
        self._say(f"{prefix}{error.message} {error.advice}".strip(), "error")
        announce(self, self.text())

    def ask(self, text: str) -> None:
        """A prompt from the screen itself (nothing was sent to core)."""
        self.clear()
        self._say(text, "error")
        announce(self, text)

    def note(self, text: str, tone: str = "advise") -> None:
        self.clear()
        self._say(text, tone)
        if tone in {"error", "act"}:
            announce(self, text)

    def saved(self, text: str) -> None:
        self.clear()
        self._say(text, "saved")
