"""The chairs this workstation shows, each with its patient, step and time left; amber or red when due."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from core.attention import Need
from core.machine import Step
from core.services import STEP_WORDS, ChairView
from ui.style import PRIORITY_BG
from ui.text import clock_time, countdown

CHAIR = Qt.ItemDataRole.UserRole


def status_line(view: ChairView) -> str:
    state = view.state
    if state.step in {Step.INFUSING, Step.PAUSED}:
        return f"{STEP_WORDS[state.step]} · {countdown(state.infusion.remaining)} left"
    if state.step is Step.OBSERVE:
        return f"Observation · discharge from {clock_time(state.discharge_earliest)}"
    return STEP_WORDS[state.step]


class ChairList(QListWidget):
    chair_chosen = Signal(int)
    """The nurse selected a chair."""

    def __init__(self, chairs: list[int]) -> None:
        super().__init__()
        self.setAccessibleName("Chairs")
        self.setMinimumWidth(270)
        self.setMaximumWidth(330)
        self.setWordWrap(True)
        self.setSpacing(3)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for chair in chairs:
            item = QListWidgetItem(f"Chair {chair}\nEmpty")
            item.setData(CHAIR, chair)
            self.addItem(item)
        self.currentItemChanged.connect(self._chosen)

    def _chosen(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is not None:
            self.chair_chosen.emit(item.data(CHAIR))

    def current_chair(self) -> int | None:
        item = self.currentItem()
        return item.data(CHAIR) if item else None

    def choose(self, chair: int) -> None:
        for row in range(self.count()):
            if self.item(row).data(CHAIR) == chair:
                self.setCurrentRow(row)

    def show_chairs(self, views: dict[int, ChairView], needs: dict[int, Need | None]) -> None:
        for row in range(self.count()):
            item = self.item(row)
            chair = item.data(CHAIR)
            view = views.get(chair)
            lines = [f"Chair {chair}"]
            colour = None
            if view is None:
                lines.append("Empty")
            else:
                lines += [view.patient.full_name, status_line(view)]
                need = needs.get(chair)
                if need:
                    lines.append(need.text)
                    colour = PRIORITY_BG[need.priority]
            text = "\n".join(lines)
            if item.text() != text:
                item.setText(text)
            item.setBackground(QBrush(QColor(colour)) if colour else QBrush())
