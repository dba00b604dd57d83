"""The side-effect check: "No side effects" in one tap, and every item one tap away for what is present.

Most checks find nothing, so the panel offers that as its main action: one tap records every item of
the protocol's checklist at its "none" grade (core knows which grade that is). When something is
present, "Some side effects…" opens the whole checklist in a dialog of its own, two columns of items,
each a row of large grade buttons (ui.widgets.segmented) with the grades that need action set apart in
red. A dialog, not rows on the page: sixteen rows of 64 px buttons do not fit beside the vitals, the
trend and the alerts, wherever the page puts this panel, while a dialog has the window to itself and
fits 1280×800 without scrolling (at 1024×768 the captions go above their buttons and the list scrolls
up and down, never sideways). It is window-modal, so the chair cannot change under it, and the lock
closes it like every dialog. An item left blank is recorded as not assessed.

Every item, grade and time it is due comes from the protocol.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core import event_data
from core.events import EventType as E
from core.protocol import SideEffectItem, SideEffects
from core.session_state import PointStatus, SessionState
from ui.controller import Controller
from ui.dialogs.base import Dialog
from ui.style import mark
from ui.text import clock_time
from ui.widgets.feedback import Feedback
from ui.widgets.forms import button, label, set_tone
from ui.widgets.segmented import Segmented

CAPTION_WIDTH = 130
"""The narrowest an item's caption may be beside its grades before it goes above them instead."""
COLUMN_GAP = 28
MARGIN = 16
"""Kept clear around the dialog inside the window, so it reads as a dialog over the chair's page."""


def summary(rules: SideEffects, grades: Mapping[str, str]) -> str:
    """What was found, in the checklist's order, and only a count of the items found absent or not assessed:
    sixteen "none"s would hide the one that matters."""
    words = {grade.id: grade.label.lower() for grade in rules.grades}
    found = [
        f"{item.label} {words.get(grades[item.id], grades[item.id])}"
        for item in rules.items
        if grades.get(item.id, rules.none_grade) != rules.none_grade
    ]
    absent = sum(1 for grade in grades.values() if grade == rules.none_grade)
    unassessed = sum(1 for item in rules.items if item.id not in grades)
    if not found and not unassessed:
        return "no side effects (every item none)"
    parts = [", ".join(found)] if found else []
    if absent:
        parts.append(f"{absent} {'other ' if found else ''}item{'s' if absent > 1 else ''} none")
    if unassessed:
        parts.append(f"{unassessed} not assessed")
    return "; ".join(parts)


class SideEffectsPanel(QGroupBox):
    def __init__(self, controller: Controller) -> None:
        super().__init__("Side effects")
        self.controller = controller
        self.session_id: str | None = None
        self.owed: str | None = None
        layout = QVBoxLayout(self)
        self.due = label(name="Side effects check due")
        layout.addWidget(self.due)
        row = QHBoxLayout()
        row.setSpacing(12)
        self.none = button("No side effects", role="primary")
        self.none.setAccessibleDescription("Records every item of the checklist as none, in one tap.")
        self.some = button("Some side effects…", "Some side effects")
        self.some.setAccessibleDescription("Opens the checklist to grade each item that is present.")
        for action in (self.none, self.some):
            mark(action, "tall", True)
            row.addWidget(action, 1)
        self.none.clicked.connect(self._record_none)
        self.some.clicked.connect(self._grade)
        layout.addLayout(row)
        self.feedback = Feedback("Side effects message")
        layout.addWidget(self.feedback)
        self.last = label(name="Side effects last recorded")
        self.last.hide()
        layout.addWidget(self.last)

    def show_state(self, state: SessionState) -> None:
        self.session_id = state.session_id
        allowed = E.SIDE_EFFECTS in state.allowed
        self.none.setEnabled(allowed)
        self.some.setEnabled(allowed)
        self._show_due(state)
        last = next((e for e in reversed(state.events) if e.type is E.SIDE_EFFECTS), None)
        if last is None:
            self.last.hide()
            return
        rules = self.controller.protocol.side_effects
        check = last.data_as(event_data.SideEffects)
        text = f"Last recorded {clock_time(last.occurred_at)}: {summary(rules, check.grades)}."
        if check.act_now:
            text += f" {rules.act_instruction[state.phase]}"
        self.last.setText(text)
        set_tone(self.last, "act" if check.act_now else "quiet")
        self.last.show()

    def _show_due(self, state: SessionState) -> None:
        """Amber when a check is due, red when late, as the vitals prompt; quiet otherwise."""
        entry = state.next_side_effects
        attention = state.side_effects_attention
        self.owed = entry.point.label if entry is not None and attention is not None else None
        if entry is not None and attention is not None:
            word = "Overdue" if attention is PointStatus.OVERDUE else "Due now"
            when = f" (due {clock_time(entry.due_at)})" if entry.due_at else ""
            self.due.setText(f"{word}: {entry.point.label}{when}")
            set_tone(self.due, "act" if attention is PointStatus.OVERDUE else "advise")
        elif entry is not None:
            when = f" at {clock_time(entry.due_at)}" if entry.due_at else ""
            self.due.setText(f"Next check: {entry.point.label}{when}")
            set_tone(self.due, "quiet")
        else:
            self.due.setText("No side-effect check is outstanding.")
            set_tone(self.due, "quiet")

    def _record_none(self) -> None:
        if self.session_id is None:
            return
        if self.controller.record_no_side_effects(self.feedback, self.session_id) is not None:
            self.feedback.saved("No side effects: saved, every item none.")

    def _grade(self) -> None:
        if self.session_id is None:
            return
        dialog = GradingDialog(self.controller, self.window(), self.session_id, self.owed)
        dialog.accepted.connect(lambda: self.feedback.saved("Side effects saved."))
        dialog.finished.connect(self._back)
        dialog.open()
        dialog.activateWindow()  # the keyboard goes with the eye, to the checklist's first item
        next(iter(dialog.rows.values())).setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def _back(self) -> None:
        """The keyboard returns to where the checklist was opened from, as after any dialog."""
        self.window().activateWindow()
        self.some.setFocus(Qt.FocusReason.PopupFocusReason)


class GradingDialog(Dialog):
    """The whole checklist, each item a row of grade buttons; what is left blank is not assessed."""

    def __init__(self, controller: Controller, parent: QWidget, session_id: str, owed: str | None) -> None:
        heading = f"Side-effect check: {owed}" if owed else "Side-effect check"
        super().__init__(controller, parent, "Side-effect check", heading=heading, width=480, spacing=10)
        self.session_id = session_id
        rules = controller.protocol.side_effects
        self.explain(
            "Grade what you see; an item left blank is recorded as not assessed. "
            "Red grades need the protocol's action and an adverse-event record.",
            role="hint",
        )
        options = [(grade.id, grade.label) for grade in rules.grades]
        self.rows = {item.id: Segmented(item.label, options, rules.act_grades) for item in rules.items}
        self.message_line("Side-effect check message", {f"side_effects.{i}": row for i, row in self.rows.items()})
        room = parent.window().size()
        self.scroll = self._checklist(rules.items, beside=self._fits_beside(room.width()))
        self.column.addWidget(self.scroll, 1)
        self.column.addWidget(self.feedback)
        self.record = button("Record side effects", role="primary")
        self.add_leave_and_act(button("Cancel"), self.record, self._record)
        self._fit(room.width(), room.height())

    def _fits_beside(self, width: int) -> bool:
        """Captions beside their grades when two such columns fit the window, else above them."""
        grades = max(row.sizeHint().width() for row in self.rows.values())
        margins = self.column.contentsMargins()
        return 2 * (CAPTION_WIDTH + 12 + grades) + COLUMN_GAP + 2 * MARGIN + margins.left() + margins.right() <= width

    def _checklist(self, items: list[SideEffectItem], *, beside: bool) -> QScrollArea:
        """Two columns in the protocol's order, down the left then down the right, as the eye reads."""
        sheet = QWidget()
        columns = QHBoxLayout(sheet)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(COLUMN_GAP)
        half = (len(items) + 1) // 2
        for part in (items[:half], items[half:]):
            grid = QGridLayout()
            grid.setHorizontalSpacing(12)
            grid.setVerticalSpacing(8 if beside else 4)
            for index, item in enumerate(part):
                caption = label(item.label)
                if index and not beside:
                    caption.setContentsMargins(0, 10, 0, 0)  # apart from the row above, close to its own
                caption.setBuddy(self.rows[item.id])
                if beside:
                    caption.setMinimumWidth(CAPTION_WIDTH)
                    grid.addWidget(caption, index, 0, Qt.AlignmentFlag.AlignVCenter)
                    grid.addWidget(self.rows[item.id], index, 1)
                else:
                    grid.addWidget(caption, 2 * index, 0)
                    grid.addWidget(self.rows[item.id], 2 * index + 1, 0)
            grid.setColumnStretch(0 if not beside else 1, 1)
            grid.setRowStretch(grid.rowCount(), 1)
            columns.addLayout(grid, 1)
        scroll = QScrollArea()
        scroll.setWidget(sheet)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a Tab stop of its own: Tab goes row to row, in view
        return scroll

    def _fit(self, width: int, height: int) -> None:
        """As large as the checklist needs and no larger than the window, so nothing is cut off."""
        sheet = self.scroll.widget().sizeHint()
        rest = self.sizeHint().height() - self.scroll.sizeHint().height()
        margins = self.column.contentsMargins()
        wanted_width = max(self.minimumWidth(), sheet.width() + margins.left() + margins.right())
        wanted_height = rest + sheet.height() + 4
        if wanted_height > height - 2 * MARGIN:  # the list scrolls: room for its scroll bar beside it
            wanted_width += self.scroll.verticalScrollBar().sizeHint().width() + 4
        self.resize(min(wanted_width, width - 2 * MARGIN), min(wanted_height, height - 2 * MARGIN))

    def _record(self) -> None:
        chosen = {item: value for item, row in self.rows.items() if (value := row.value()) is not None}
        if not chosen:
            self.feedback.ask("Grade at least one item first, or Cancel and choose “No side effects”.")
            return
        if self.controller.record_side_effects(self.feedback, self.session_id, chosen) is not None:
            self.accept()
