"""The frame every Chairside dialog shares, so the dialogs look and behave alike and differ only in words.

A dialog is a column: a title, a few lines of explanation, its own controls, a message line, and a
row of buttons with the way out on the left and the action on the right. Account dialogs add a form
of captioned fields and send one change to core; what core says about a field lands on that field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from core.people import Account
from ui.controller import Controller
from ui.style import TARGET
from ui.widgets.feedback import Feedback
from ui.widgets.forms import label


def add_field(form: QFormLayout, text: str, field: QWidget) -> None:
    """A caption as tall as its gloved-size field and centred beside it; screen readers pair the two."""
    caption = label(text, wrap=False)
    caption.setMinimumHeight(TARGET)
    caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    form.addRow(caption, field)


def tab_order(*widgets: QWidget) -> None:
    """Tab walks the widgets in the order given: the reading order, whatever order they were built in."""
    for first, then in pairwise(widgets):
        QWidget.setTabOrder(first, then)


class Dialog(QDialog):
    """A window title, a minimum size, and a column headed by the dialog's title."""

    feedback: Feedback
    """The message line; each dialog places it where its controls end."""

    def __init__(
        self,
        controller: Controller,
        parent: QWidget | None,
        title: str,
        *,
        heading: str | None = None,
        width: int,
        height: int = 0,
        spacing: int = 12,
    ) -> None:
        """``heading``: the title inside the dialog where it says more than the window's title."""
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle(title)
        self.setMinimumSize(width, height)
        self.column = QVBoxLayout(self)
        self.column.setSpacing(spacing)
        self.column.addWidget(label(heading or title, role="title"))

    def explain(self, text: str, role: str | None = None) -> None:
        """A line of words under the title; ``role="hint"`` for the quieter kind."""
        self.column.addWidget(label(text, role=role))

    def message_line(self, name: str, fields: dict[str, QWidget] | None = None) -> Feedback:
        """The message line, knowing each field by the name core gives it in an InputError."""
        self.feedback = Feedback(name)
        for field, widget in (fields or {}).items():
            self.feedback.bind(field, widget)
        return self.feedback

    def add_buttons(self, ways_out: Sequence[QPushButton], actions: Sequence[QPushButton]) -> None:
        """The ways out on the left and the actions on the right, as in every Chairside dialog.

        No button is pressed by Enter: Enter in a field does the dialog's action through the field, and
        must never close the dialog or press a button that merely has the focus.
        """
        row = QHBoxLayout()
        for widget in (*ways_out, *actions):
            widget.setAutoDefault(False)
        for widget in ways_out:
            row.addWidget(widget)
        row.addStretch(1)
        for widget in actions:
            row.addWidget(widget)
        self.column.addLayout(row)

    def add_leave_and_act(
        self, leave: QPushButton, act: QPushButton, action: Callable[[], None], *beside_leave: QPushButton
    ) -> None:
        """``leave`` closes the dialog with nothing more done; ``act``, on the right, does ``action``.

        ``beside_leave``: lesser actions, kept away from the main one.
        """
        leave.clicked.connect(self.reject)
        act.clicked.connect(action)
        self.add_buttons([leave, *beside_leave], [act])

    def signed_in(self, prompt: str) -> Account | None:
        """Who is signed in, or None with ``prompt`` on the message line; core still checks what they may do."""
        user = self.controller.user
        if user is None:
            self.feedback.ask(prompt)
        return user


class AccountDialog(Dialog):
    """A form that sends one change of an account to core and closes once core has made it."""

    outcome: Account | None = None
    """The account as core returned it after the change; None until a change goes through."""

    def add_form(
        self, message: str, rows: Sequence[tuple[str, QWidget, str | None]], enter: Callable[[], None]
    ) -> None:
        """Captioned fields, then the message line named ``message``.

        Each row is (caption, widget, the field's name in core's InputError, or None for a read-only
        value). Enter in any typed field does ``enter``, the dialog's one action.
        """
        form = QFormLayout()
        for caption, widget, _field in rows:
            add_field(form, caption, widget)
            if isinstance(widget, QLineEdit):
                widget.returnPressed.connect(enter)
        self.column.addLayout(form)
        self.column.addWidget(self.message_line(message, {field: widget for _c, widget, field in rows if field}))

    def submit(self, call: Callable[[], Account], secrets: Sequence[QLineEdit] = (), *, own: bool = False) -> None:
        """Send the change to core; typed secrets are cleared whatever core answers.

        A change that went through is announced to the screens showing staff, and closes the dialog.
        ``own``: the change is to the signed-in person's account, which is read again first.
        """
        self.outcome = self.controller.run(self.feedback, call, writes=True)
        for field in secrets:
            field.clear()
        if self.outcome is not None:
            if own:
                self.controller.refresh_user()
            self.controller.staff_changed.emit()
            self.accept()

    def submit_as(
        self, prompt: str, call: Callable[[str], Account], secrets: Sequence[QLineEdit] = (), *, own: bool = False
    ) -> None:
        """``submit`` in the name of whoever is signed in (``call`` gets their id); ``prompt`` if nobody is."""
        user = self.signed_in(prompt)
        if user is not None:
            by = user.id
            self.submit(lambda: call(by), secrets, own=own)

    def answer(self) -> Account | None:
        """Wait for the person to finish; the changed account, or None if they left without a change."""
        self.exec()
        return self.outcome
