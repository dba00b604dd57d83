"""The frame every Chairside dialog shares, so the dialogs look and behave alike and differ only in words.

A dialog is a column: a title, a few lines of explanation, its own controls, a message line, and a
row of buttons with the way out on the left and the action on the right. Account dialogs add a form
of captioned fields and send one change to core; what core says about a field lands on that field.

A dialog for reading many lines (the day log, the audit trail) is ``remember``-ed: it opens over
nearly all of the window it belongs to, can be resized, and opens again where and as large as it was
last left on this workstation, kept in the workstation's own settings file (``core.settings``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from core.errors import ChairsideError
from core.people import Account
from core.settings import WindowPlace, remember_window
from ui.controller import Controller
from ui.style import TARGET
from ui.widgets.feedback import Feedback
from ui.widgets.forms import label

log = logging.getLogger(__name__)
MARGIN = 8
"""Of the window a remembered dialog opens over, left showing around it at first."""
ROW_PADDING = 2 * 4 + 2
"""A table cell's padding above and below (``TABLE_SHEET``) and the grid line."""


def add_field(form: QFormLayout, text: str, field: QWidget) -> None:
    """A caption as tall as its gloved-size field and centred beside it; screen readers pair the two."""
    caption = label(text, wrap=False)
    caption.setMinimumHeight(TARGET)
    caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    caption.setBuddy(field)
    form.addRow(caption, field)


def one_line_rows(table: QTableWidget, widths: dict[int, int], stretch: int) -> None:
    """One line of text a row, so a reading dialog shows many rows at once; a cell too long for its column
    ends in "…" and says all of it on hover (each cell's tooltip), and the columns can be widened.
    ``widths``: columns given a width in pixels; ``stretch`` takes the room left; the rest fit their text."""
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    table.ensurePolished()  # rows are measured in the style sheet's font, not the default one
    rows = table.verticalHeader()
    rows.setMinimumSectionSize(0)
    rows.setDefaultSectionSize(table.fontMetrics().lineSpacing() + ROW_PADDING)
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    for column, width in widths.items():
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, width)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


CELL_TEXT_ROOM = 2 * 10 + 2 * 4
"""What a cell's text is drawn inside of its width: the style sheet's padding (``TABLE_SHEET``, 10 px a side) and
the style's text margins."""
CELL_TEXT_HEIGHT_ROOM = 2 * 4 + 4
"""And of its height: the padding (4 px top and bottom) and a little air."""


class WrappedWords(QStyledItemDelegate):
    """Asks for the height a cell's words take at the width they are drawn in. Qt measures wrapped words at the
    cell's whole width, but the style sheet's padding narrows the text drawn: a line more than measured, and
    the last one was cut off ("… SpO2 low 98 · RR low …" at 1024 wide, the sedation never shown)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802 (Qt's name)
        size = super().sizeHint(option, index)
        words = index.data(Qt.ItemDataRole.DisplayRole)
        width = option.rect.width() - CELL_TEXT_ROOM  # the cell's width when a row is fitted, else nothing
        if not isinstance(words, str) or not words or width <= 0:
            return size
        font = index.data(Qt.ItemDataRole.FontRole)
        metrics = QFontMetrics(font) if isinstance(font, QFont) else option.fontMetrics
        drawn = metrics.boundingRect(QRect(0, 0, width, 1_000_000), Qt.TextFlag.TextWordWrap, words)
        return QSize(size.width(), max(size.height(), drawn.height() + CELL_TEXT_HEIGHT_ROOM))


def whole_rows(table: QTableWidget) -> None:
    """Each row as tall as its words need at the width its columns have, none cut short with "…": for the rows a
    reader acts on or reads at arm's length (a phone number to call, a limit's value), which a gloved finger
    cannot hover over for the whole words."""
    table.setWordWrap(True)
    table.setTextElideMode(Qt.TextElideMode.ElideNone)
    table.setItemDelegate(WrappedWords(table))
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)


def fitted(place: QRect, room: QRect) -> QRect:
    """``place`` made no larger than ``room`` and moved inside it, so no part is off the screen."""
    width, height = min(place.width(), room.width()), min(place.height(), room.height())
    left = min(max(place.x(), room.left()), room.right() + 1 - width)
    top = min(max(place.y(), room.top()), room.bottom() + 1 - height)
    return QRect(left, top, width, height)


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
        remember: str | None = None,
    ) -> None:
        """``heading``: the title inside the dialog where it says more than the window's title.
        ``width`` and ``height``: the least it needs. ``remember``: the name its place is kept under, for a
        resizable dialog that opens where it was left (see the module's docstring)."""
        super().__init__(parent)
        self.controller = controller
        self.remember = remember
        self._placed = False
        self.setWindowTitle(title)
        self.setMinimumSize(width, height)
        self.setSizeGripEnabled(remember is not None)
        self.column = QVBoxLayout(self)
        self.column.setSpacing(spacing)
        self.column.addWidget(label(heading or title, role="title"))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        if self.remember is not None and not self._placed:
            self._placed = True
            self.setGeometry(self._first_place(self.remember))
        super().showEvent(event)

    def _room(self) -> QRect:
        """The free area of the screen the dialog opens on: no part of it is ever placed off the screen."""
        return (self.parentWidget() or self).screen().availableGeometry()

    def _first_place(self, name: str) -> QRect:
        """Where it was left on this workstation, or over nearly all of the window it belongs to."""
        room = self._room()
        kept = self.controller.workplace.workstation.windows.get(name)
        if kept is not None:
            return fitted(QRect(kept.x, kept.y, kept.width, kept.height), room)
        owner = self.parentWidget()
        over = owner.window().geometry() if owner is not None else room
        return fitted(over.adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN), room)

    def done(self, result: int) -> None:
        """However it closes, a remembered dialog keeps where it was left for the next time."""
        if self.remember is not None and self._placed:
            self._keep_place(self.remember)
        super().done(result)

    def _keep_place(self, name: str) -> None:
        """A place that cannot be written is only logged: the nurse's work is not held up by it."""
        where = self.geometry()
        place = WindowPlace(x=where.x(), y=where.y(), width=where.width(), height=where.height())
        workstation = self.controller.workplace.workstation
        workstation.windows[name] = place
        try:
            remember_window(name, place)
        except (ChairsideError, OSError) as error:
            log.warning("could not keep where the %s window was left: %s", name, error)

    def explain(self, text: str, role: str | None = None) -> None:
        """A line of words under the title; ``role="hint"`` for the quieter kind."""
        self.column.addWidget(label(text, role=role))

    def message_line(self, name: str, fields: dict[str, QWidget] | None = None) -> Feedback:
        """The message line, knowing each field by the name core gives it in an InputError."""
        self.feedback = Feedback(name)
        for field, widget in (fields or {}).items():
            self.feedback.bind(field, widget)
        return self.feedback

    def add_buttons(
        self, ways_out: Sequence[QPushButton], actions: Sequence[QPushButton], between: QWidget | None = None
    ) -> None:
        """The ways out on the left and the actions on the right, as in every Chairside dialog.

        No button is pressed by Enter: Enter in a field does the dialog's action through the field, and
        must never close the dialog or press a button that merely has the focus. ``between``: words set
        between them (the day log's totals), where they take no height of their own.
        """
        row = QHBoxLayout()
        for widget in (*ways_out, *actions):
            widget.setAutoDefault(False)
        for widget in ways_out:
            row.addWidget(widget)
        if between is None:
            row.addStretch(1)
        else:
            row.addSpacing(8)
            row.addWidget(between, 1)
            row.addSpacing(8)
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

    def export_csv(self, title: str, name: str, write: Callable[[Path], Path]) -> None:
        """Ask where a CSV file goes (``name`` suggested in the home folder), then ``write`` it there: core
        writes the whole file or nothing and records where it went; "saved" only once it has."""
        suggested = str(Path.home() / name)
        chosen, _kind = QFileDialog.getSaveFileName(self, title, suggested, "CSV files (*.csv)")
        if not chosen:
            return
        path = Path(chosen) if chosen.lower().endswith(".csv") else Path(f"{chosen}.csv")
        written = self.controller.run(self.feedback, lambda: write(path), writes=False)
        if written is not None:
            self.feedback.saved(f"Saved to {written}.")

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
