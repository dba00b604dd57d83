"""A patient's route for follow-up questionnaires as the nurse asks it: a phone number and the way the
patient prefers (large buttons, every way in view), with an optional note. Used at registration and in the
contact route's own dialog; core checks it (``core.outcomes.contact``)."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLineEdit, QWidget

from core.outcomes.contact import WAYS, ContactView
from ui.style import TARGET, mark
from ui.widgets.feedback import Feedback
from ui.widgets.forms import caption_for, line_edit
from ui.widgets.segmented import Segmented


class ContactFields(QWidget):
    def __init__(self, prefix: str = "", *, note: bool = True, compact: bool = False) -> None:
        """``prefix``: said before each field's name, where the screen has other phone fields; ``compact``:
        without captions (a registration form with little height to spare)."""
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(2)
        self.phone = line_edit(f"{prefix}Phone", "e.g. +1 216 555 0142")
        self.way = Segmented(f"{prefix}Preferred way", list(WAYS.items()))
        if compact:  # no captions: the placeholder and the ways' own words say what they are
            self.phone.setPlaceholderText("Phone for follow-ups (optional)")
            grid.addWidget(self.phone, 0, 0)
            grid.addWidget(self.way, 1, 0)
            for option in self.way.buttons.values():  # a choice of how to call, not of care: the usual height
                mark(option, "role", "choice")
                # "Text message" whole in a narrow column; its own sheet's height is TARGET less the border.
                option.setStyleSheet(f"padding: 0 4px; min-height: {TARGET - 2}px;")
        else:
            grid.addWidget(caption_for("Phone for follow-ups", self.phone), 0, 0)
            grid.addWidget(self.phone, 1, 0)
            grid.addWidget(caption_for("Preferred way", self.way), 2, 0)
            grid.addWidget(self.way, 3, 0)
        self.note: QLineEdit | None = None
        if note:
            self.note = line_edit(f"{prefix}Contact note", "Best times, who else may answer (optional)")
            grid.addWidget(caption_for("Note", self.note), 4, 0)
            grid.addWidget(self.note, 5, 0)

    def bind(self, feedback: Feedback) -> None:
        """Core's words about a field land on it."""
        feedback.bind("phone", self.phone)
        feedback.bind("preferred", self.way)
        if self.note is not None:
            feedback.bind("contact_note", self.note)

    @property
    def given(self) -> bool:
        """Anything asked: a number or a way (a route is optional at registration)."""
        return bool(self.phone.text().strip()) or self.way.value() is not None

    def values(self) -> tuple[str, str, str | None]:
        """Phone, preferred way ("" when none is chosen: core says to choose one), note."""
        return self.phone.text(), self.way.value() or "", self.note.text() if self.note is not None else None

    def show_route(self, route: ContactView | None) -> None:
        self.phone.setText(route.phone if route else "")
        self.way.set_value(route.preferred if route else None)
        if self.note is not None:
            self.note.setText(route.note or "" if route else "")

    def clear(self) -> None:
        self.show_route(None)
