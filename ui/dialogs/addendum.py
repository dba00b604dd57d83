"""An addendum to a signed session: what was learned after signing, signed in its own right.

A signed session is read-only and has left the board, so it is found here among the day's sessions.
Nothing is chosen for the nurse: adding to the wrong patient's record is the mistake to avoid, so she
picks the session herself and sees its signatures before writing. The signed record stays as it was.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.event_data import Note
from core.events import EventType as E
from core.session_state import SessionState
from core.views import STEP_WORDS, SessionRow
from ui.controller import Controller
from ui.dialogs.base import Dialog
from ui.printouts import Printouts
from ui.text import clock_time, date_time
from ui.widgets.forms import button, label, line_edit, password_field
from ui.widgets.signatures import SignaturesPanel

SESSION = Qt.ItemDataRole.UserRole


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """Local midnight to the next local midnight (23 or 25 hours long on a clock-change day)."""
    return datetime.combine(day, time()).astimezone(), datetime.combine(day + timedelta(days=1), time()).astimezone()


class AddendumDialog(Dialog):
    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(
            controller,
            parent,
            "Add an addendum",
            heading="Add an addendum to a signed session",
            width=1040,
            height=700,
            spacing=10,
        )
        self.added: SessionState | None = None
        self.day = self.controller.now().astimezone().date()
        self.explain(
            "A signed session cannot be changed. Choose the session, then write what was learned later: "
            "the addendum is signed with your password and kept with the session.",
            role="hint",
        )

        days = QHBoxLayout()
        earlier = button("◀ Day before", "Day before")
        later = button("Day after ▶", "Day after")
        earlier.clicked.connect(lambda: self._move(-1))
        later.clicked.connect(lambda: self._move(1))
        self.day_label = label(role="heading", name="Day shown", wrap=False)
        days.addWidget(earlier)
        days.addWidget(self.day_label, 1, Qt.AlignmentFlag.AlignCenter)
        days.addWidget(later)
        self.column.addLayout(days)

        body = QHBoxLayout()
        self.sessions = QListWidget()
        self.sessions.setAccessibleName("Sessions of the day")
        self.sessions.setMinimumWidth(380)
        self.sessions.setSpacing(4)
        # Chosen means selected: the list's focus alone only moves the cursor, so nothing is picked for her.
        self.sessions.itemSelectionChanged.connect(self._chosen)
        body.addWidget(self.sessions, 4)
        details = QWidget()
        right = QVBoxLayout(details)
        right.setContentsMargins(0, 0, 8, 0)
        self.status = label(name="Session chosen")
        right.addWidget(self.status)
        self.signatures = SignaturesPanel(controller)
        self.signatures.hide()
        right.addWidget(self.signatures)
        self.addenda = label(name="Addenda so far")
        self.addenda.hide()
        right.addWidget(self.addenda)
        right.addStretch(1)
        scroll = QScrollArea()  # a long-signed session's signatures must never be cut off
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setAccessibleName("Session chosen and its signatures")  # a Tab stop: the keys scroll it
        scroll.setWidget(details)
        side = QVBoxLayout()
        side.addWidget(scroll, 1)

        form = QGridLayout()
        form.setColumnStretch(1, 1)
        self.note = line_edit("Addendum", "What was learned, and from whom")
        self.password = password_field("Your password (addendum)")
        for row, (text, field) in enumerate((("Addendum", self.note), ("Your password", self.password))):
            caption = label(text)
            caption.setBuddy(field)
            form.addWidget(caption, row, 0)
            form.addWidget(field, row, 1)
        self.note.returnPressed.connect(self._note_entered)
        self.password.returnPressed.connect(self._add)
        side.addLayout(form)
        side.addWidget(self.message_line("Addendum message", {"addendum": self.note, "password": self.password}))
        body.addLayout(side, 5)
        self.column.addLayout(body, 1)

        self.print_summary = button("Print summary…", "Print the session summary")
        self.print_summary.setAutoDefault(False)
        self.print_summary.clicked.connect(self._print)
        side.addWidget(self.print_summary)
        close = button("Close", "Close addendum")
        self.add = button("Add addendum", role="primary")
        for widget in (earlier, later):
            widget.setAutoDefault(False)
        self.add_leave_and_act(close, self.add, self._add)
        self._fill()
        self.sessions.setFocus()

    # ---- the day's sessions ---------------------------------------------------------------------

    def _move(self, days: int) -> None:
        self.day += timedelta(days=days)
        self._fill()

    def _fill(self) -> None:
        self.day_label.setText(self.day.strftime("%A %Y-%m-%d"))
        self.sessions.blockSignals(True)
        self.sessions.clear()
        for row in self.controller.day_sessions(*day_bounds(self.day)) or []:
            item = QListWidgetItem(self._row_text(row))
            item.setData(SESSION, row)
            self.sessions.addItem(item)
        self.sessions.blockSignals(False)
        if self.sessions.count() == 0:
            self.sessions.addItem("No sessions were opened on this day.")
            self.sessions.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        self._chosen()

    def _row_text(self, row: SessionRow) -> str:
        patient = self.controller.run(None, lambda: self.controller.care.patient(row.patient_id), writes=False)
        who = patient.full_name if patient is not None else "patient not found"
        return f"Chair {row.chair} · {clock_time(row.opened_at)} · {who}\n{STEP_WORDS[row.step]} · {row.outcome}"

    def _row(self) -> SessionRow | None:
        chosen = self.sessions.selectedItems()
        data = chosen[0].data(SESSION) if chosen else None
        return data if isinstance(data, SessionRow) else None

    def _print(self) -> None:
        row = self._row()
        if row is not None:
            Printouts(self.controller, self).session_summary(row.id)

    def _chosen(self) -> None:
        row = self._row()
        state = self.controller.state(row.id) if row is not None else None
        self.feedback.clear()
        self.print_summary.setEnabled(state is not None)
        if row is None or state is None:
            self.status.setText("Choose a session from the list.")
            self.signatures.hide()
            self.addenda.hide()
            self._allow(False)
            return
        self.controller.record_view(row.patient_id, row.id)
        self._show(state)

    def _show(self, state: SessionState) -> None:
        open_to_addenda = E.ADDENDUM in state.allowed
        if open_to_addenda:
            self.status.setText("Signed. Anything added now is an addendum.")
        else:
            self.status.setText("Not signed yet: record on the patient's chair, not here.")
        self.signatures.show_state(state)
        self.signatures.show()
        notes = [
            f"{date_time(e.occurred_at)} {self.controller.staff_name(e.recorded_by)}: {e.data_as(Note).note}"
            for e in state.events
            if e.type is E.ADDENDUM
        ]
        self.addenda.setText("Addenda:\n" + "\n".join(notes))
        self.addenda.setVisible(bool(notes))
        self._allow(open_to_addenda)

    def _allow(self, allowed: bool) -> None:
        for widget in (self.note, self.password, self.add):
            widget.setEnabled(allowed)

    # ---- adding -----------------------------------------------------------------------------------

    def _note_entered(self) -> None:
        """Enter in the note moves on to the password, which signs it."""
        if self.password.text():
            self._add()
        else:
            self.password.setFocus()

    def _add(self) -> None:
        row = self._row()
        if row is None:
            self.feedback.ask("Choose the session first.")
            return
        password = self.password.text()
        self.password.clear()  # never kept, whether the addendum is added or refused
        state = self.controller.add_addendum(self.feedback, row.id, self.note.text(), password)
        if state is None:
            if not self.note.property("invalid"):
                self.password.setFocus()
            return
        self.added = state
        self.note.clear()
        self._show(state)
        self.feedback.saved("Addendum added and signed.")

    @classmethod
    def ask(cls, controller: Controller, parent: QWidget | None = None) -> SessionState | None:
        """The session's state after the last addendum added, or None if none was added."""
        dialog = cls(controller, parent)
        dialog.exec()
        return dialog.added
