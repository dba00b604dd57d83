"""Entries saved on this workstation while the database was away, whose sessions moved on there meanwhile:
for each, a nurse adds it late (after what was recorded meanwhile, with its own time) or withdraws it with
a reason. Both are recorded; nothing saved here is dropped unseen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QWidget

from core.care.here import HeldEntry
from ui.controller import Controller
from ui.dialogs.base import Dialog
from ui.widgets.forms import button, label, line_edit

ENTRY = Qt.ItemDataRole.UserRole


class HeldEntriesDialog(Dialog):
    def __init__(self, controller: Controller, parent: QWidget | None) -> None:
        super().__init__(controller, parent, "Entries saved on this workstation", width=900, height=520, spacing=10)
        self.explain(
            "These were saved here while the clinic's database could not be reached, and someone recorded on the "
            "same session there meanwhile. Add each one late, after what was recorded meanwhile (it keeps its own "
            "time), or withdraw it and say why.",
            role="hint",
        )
        self.entries = QListWidget()
        self.entries.setAccessibleName("Entries to decide")
        self.entries.setSpacing(4)
        self.entries.setWordWrap(True)
        self.entries.itemSelectionChanged.connect(self._chosen)
        self.column.addWidget(self.entries, 1)
        row = QHBoxLayout()
        self.reason = line_edit("Why it is withdrawn", "Why it is withdrawn: entered again on paper, a mistake…")
        row.addWidget(label("Why", wrap=False))
        row.addWidget(self.reason, 1)
        self.column.addLayout(row)
        self.column.addWidget(self.message_line("Entries message", {"withdraw_reason": self.reason}))
        self.late = button("Add it late", "Add the entry late")
        self.late.clicked.connect(self._add_late)
        self.withdraw = button("Withdraw it", "Withdraw the entry")
        self.withdraw.clicked.connect(self._withdraw)
        close = button("Close", "Close entries to decide")
        for action in (self.withdraw, self.late):
            action.setMinimumHeight(64)
        self.add_buttons([close, self.withdraw], [self.late])  # far apart: one is not tapped for the other
        close.clicked.connect(self.reject)
        self._fill()

    def _fill(self) -> None:
        self.entries.clear()
        for held in self.controller.held_here():
            chair = f"Chair {held.chair} · " if held.chair is not None else ""
            item = QListWidgetItem(f"{chair}{held.words}")
            item.setData(ENTRY, held)
            self.entries.addItem(item)
        self.entries.clearSelection()  # nothing chosen for her: a second tap must not decide the next entry
        self._chosen()

    def _held(self) -> HeldEntry | None:
        chosen = self.entries.selectedItems()
        data = chosen[0].data(ENTRY) if chosen else None
        return data if isinstance(data, HeldEntry) else None

    def _chosen(self) -> None:
        for widget in (self.late, self.withdraw, self.reason):
            widget.setEnabled(self._held() is not None)

    def _add_late(self) -> None:
        held = self._held()
        if held is not None and self.controller.add_late(self.feedback, held.event.id) is not None:
            self._fill()
            self.feedback.saved(f"Added late: {held.title}{chair_of(held)}, with its own time.")

    def _withdraw(self) -> None:
        held = self._held()
        if held is not None and self.controller.withdraw(self.feedback, held.event.id, self.reason.text()):
            self.reason.clear()
            self._fill()
            self.feedback.saved(
                f"Withdrawn: {held.title}, chair {held.chair}; the audit trail keeps what it said and why."
            )

    @classmethod
    def ask(cls, controller: Controller, parent: QWidget | None) -> None:
        cls(controller, parent).exec()


def chair_of(held: HeldEntry) -> str:
    return f", chair {held.chair}" if held.chair is not None else ""
