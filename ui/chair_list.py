"""The chairs this workstation shows, each with its patient, step and time left; amber or red when due."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from core.board import Tile
from core.views import ChairView
from ui.board import clock_words
from ui.style import PRIORITY_BG

CHAIR = Qt.ItemDataRole.UserRole
COLOUR = Qt.ItemDataRole.UserRole + 1


def status_line(tile: Tile) -> str:
    """The tile's step and clock, in one line: the list says what the board says, worked out in core."""
    if tile.countdown is None:
        return tile.step
    big, beside = clock_words(tile.countdown)
    return f"{tile.step} · {big} {beside.splitlines()[0]}"


class ChairList(QListWidget):
    chair_chosen = Signal(int)
    """The nurse selected a chair."""

    def __init__(self, chairs: list[int]) -> None:
        super().__init__()
        self.setAccessibleName("Chairs")
        self.setMinimumWidth(200)  # on a 1024-pixel screen the chair's pages need the room; long words wrap
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

    def show_chairs(self, tiles: dict[int, Tile], views: dict[int, ChairView]) -> None:
        """Set each row's words and colour only when they changed: this runs every second."""
        for row in range(self.count()):
            item = self.item(row)
            chair = item.data(CHAIR)
            tile, view = tiles.get(chair), views.get(chair)
            lines = [f"Chair {chair}"]
            colour = None
            if tile is None or view is None:
                lines.append("Empty")
            else:
                lines += [view.patient.full_name, status_line(tile)]
                if tile.lead is not None and tile.priority is not None:
                    lines.append(f"{tile.mark}: {tile.lead.short or tile.lead.text}")
                    colour = PRIORITY_BG[tile.priority]
            text = "\n".join(lines)
            if item.text() != text:
                item.setText(text)
            if item.data(COLOUR) != colour:
                item.setData(COLOUR, colour)
                item.setBackground(QBrush(QColor(colour)) if colour else QBrush())
