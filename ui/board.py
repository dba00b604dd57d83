"""The chair board, the home screen: one tile per chair, readable across the room, one tap to open.

Each tile shows what ``core.board`` works out: patient, step, a large countdown with its end time (a
pause's length, the time run over), what the chair needs (``core.attention``: act-now readings apart from
advisory ones, every missed set, how late each is) and what is still unsigned. The chair has one
priority, the highest of its needs: the tile's colour, its border, its written mark and every line of
what it needs use it, so nothing on a tile contradicts its badge and colour is never the only cue. A
technical need (the pump to check, the computer's clock) is marked apart from the patient's. A chair
opens with a click or tap, Enter or Space on a focused tile, or its number key (1–9).
The lock screen shows the same tiles in a compact form with initials only.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QKeySequence, QMouseEvent, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from core.attention import Kind
from core.board import Countdown as CountdownFacts
from core.board import Tile
from core.views import ChairView
from ui.style import PRIORITY_TONE, mark
from ui.text import clock_time, countdown
from ui.widgets.elided import Elided, NameLine
from ui.widgets.forms import label, set_tone

NUMBER_KEYS = 9
NEED_LINES = 2
"""Lines of what a chair needs that fit a tile beside eleven others on a 1280×800 screen: the first need
(on up to two lines) and the next one, or how many more; all of it is in the description and tooltip."""


def columns_for(chairs: int) -> int:
    """Four across suits a clinic's usual 4–12 chairs on a 1280-pixel screen; fewer chairs, wider tiles."""
    return max(1, min(4, chairs)) if chairs <= 12 else 5


def need_lines(tile: Tile) -> tuple[tuple[tuple[str, Kind], ...], str | None]:
    """The lines of what the chair needs, each with its kind (a technical line is told apart from the
    patient's), as many as a tile holds, all in the chair's one tone; the next vitals set, quiet, when
    nothing is owed. When more are owed than fit, the last line counts them and begins the next one."""
    lines = tuple((line, need.kind) for need in tile.needs for line in need.lines)
    if not tile.needs:
        return tuple((line, Kind.PATIENT) for line in tile.lines), "quiet"
    if len(lines) > NEED_LINES:
        following, kind = lines[NEED_LINES - 1]
        rest = (f"{len(lines) - NEED_LINES + 1} more: {following}", kind)
        lines = (*lines[: NEED_LINES - 1], rest)
    return lines, PRIORITY_TONE[tile.priority] if tile.priority else None


def summary(tile: Tile, patient: str) -> str:
    """Everything the tile shows, in one line: what a screen reader says and what tests read."""
    parts = [f"Chair {tile.chair}", patient, tile.step, who_and_day(tile)]
    if tile.countdown is not None:
        big, beside = clock_words(tile.countdown)
        parts.append(f"{big} {beside}".replace("\n", ", ").replace("\u00a0", " "))
    if tile.mark:
        parts.append(tile.mark)
    parts += tile.said
    if tile.unsigned:
        parts.append("still to sign: " + ", ".join(tile.unsigned))
    return "; ".join(part for part in parts if part)


def clock_words(clock: CountdownFacts) -> tuple[str, str]:
    """The big figure and the words beside it: time left, the time run over ("+03:12"), or a pause."""
    if clock.paused_for is not None:
        return "PAUSED", f"for {countdown(clock.paused_for)}\n{countdown(clock.left)} {clock.what}"
    if clock.over and clock.done_words:  # a wait that is over (observation): time since, and what is left to do
        return countdown(clock.over), f"{clock.what}\n{clock.done_words}"
    if clock.over:
        return f"+{countdown(clock.over)}", clock.what  # the wider figure leaves room for one word
    until = f"\n{clock.until_words}\u00a0{clock_time(clock.until)}" if clock.until else ""
    return countdown(clock.left), f"{clock.what}{until}"


def who_and_day(tile: Tile) -> str:
    """The nurse looking after the chair and the course day, on one line."""
    return " · ".join(part for part in (", ".join(tile.nurses), tile.day.capitalize()) if part)


class ChairTile(QFrame):
    """One chair, compact enough for twelve on a 1280×800 screen. ``private`` tiles (the lock screen) name
    the patient by initials and open nothing."""

    opened = Signal(int)

    def __init__(self, chair: int, *, private: bool = False) -> None:
        super().__init__()
        self.chair = chair
        self.private = private
        prefix = "Locked chair" if private else "Chair"
        mark(self, "role", "tile")
        self.setAccessibleName(f"{prefix} {chair}")
        if not private:
            self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        layout = QVBoxLayout(self)
        layout.setSpacing(0)
        layout.setContentsMargins(8, 2, 8, 3)
        top = QHBoxLayout()
        self.title = Elided("heading", f"{prefix} {chair} title")
        top.addWidget(self.title, 1)
        self.mark = label(role="tile-mark", name=f"{prefix} {chair} alarm", wrap=False)
        self.mark.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        top.addWidget(self.mark)
        layout.addLayout(top)
        self.patient = NameLine("heading", f"{prefix} {chair} patient")
        self.step = Elided(None, f"{prefix} {chair} status")
        self.nurse = Elided("hint", f"{prefix} {chair} nurse")
        self.clock = label(role="tile-clock-small" if private else "tile-clock", name=f"{prefix} {chair} time left")
        self.clock.setWordWrap(False)
        self.until = label(role="hint", name=f"{prefix} {chair} ends")  # wraps: the clock times stay whole
        # Never wider than the tile, and never squeezed shorter than its two lines (a crowded board takes
        # the room from the lines of what is needed, which shorten to one, never from the clock's words).
        self.until.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.until.setMinimumHeight(2 * self.until.fontMetrics().lineSpacing())
        # The lock screen's tiles are narrower: its lines are smaller so the part that matters stays whole.
        # What matters most may take two lines (an act-now reading with its value), the rest one each.
        self.need = Elided(
            "tile-next-small" if private else "tile-next", f"{prefix} {chair} attention", lines=1 if private else 2
        )
        self.more = [Elided(None, f"{prefix} {chair} attention, line {n}") for n in range(2, NEED_LINES + 1)]
        self.unsigned = Elided(None, f"{prefix} {chair} unsigned")
        clock_row = QHBoxLayout()
        clock_row.setSpacing(6)
        clock_row.addWidget(self.clock)
        clock_row.addWidget(self.until, 1)
        for widget in (self.clock, self.until):
            widget.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        layout.addWidget(self.patient)
        layout.addWidget(self.step)
        layout.addWidget(self.nurse)
        layout.addLayout(clock_row)
        for line in (self.need, *self.more, self.unsigned):
            layout.addWidget(line)
        layout.addStretch(1)
        self._shown: tuple[object, ...] | None = None
        self.show_tile(None, None)  # every chair starts empty until the first refresh

    def show_tile(self, tile: Tile | None, view: ChairView | None) -> None:
        """Redraw only when something the nurse can see has changed (the board ticks every second)."""
        if tile is None or view is None:
            if self._shown != ():
                self._shown = ()
                self._empty()
            return
        name = view.patient.initials if self.private else view.patient.full_name
        described = summary(tile, name)
        if (described,) == self._shown:
            return
        self._shown = (described,)
        self.title.setText(f"Chair {self.chair}")  # the badge beside it leaves no room for more
        self.patient.setText(name)  # initials only, on the lock screen
        self.patient.show()
        self.step.setText(tile.step)
        self.step.show()
        self._show_line(self.nurse, "" if self.private else who_and_day(tile), None)
        self._show_clock(tile, tile.priority.value if tile.priority else None)
        # The lock screen keeps what is due in view too (no name there: nothing identifies the patient).
        lines, tone = need_lines(tile)
        # A technical need's line begins with its own mark (core's words), apart from the patient's lines.
        blank = ("", Kind.PATIENT)
        for widget, (text, kind) in zip((self.need, *self.more), (*lines, *[blank] * NEED_LINES), strict=False):
            self._show_line(widget, text, tone)
            mark(widget, "kind", kind.value if kind is Kind.TECHNICAL else None)
        if not self.private:
            unsigned = "Still to sign: " + ", ".join(tile.unsigned) if tile.unsigned else ""
            self._show_line(self.unsigned, unsigned, "notice")
        priority = tile.priority.value if tile.priority else None
        kind = tile.lead.kind.value if tile.lead else None
        mark(self, "priority", priority)
        mark(self, "kind", kind)
        mark(self, "paused", bool(tile.countdown and tile.countdown.paused))
        self.mark.setText(tile.mark)
        set_tone(self.mark, PRIORITY_TONE[priority] if priority else None)
        mark(self.mark, "kind", kind)
        self.mark.setMargin(2)
        self.mark.setVisible(priority is not None)
        self.setAccessibleDescription(described)
        self.setToolTip(described.replace("; ", "\n"))

    def _empty(self) -> None:
        self.title.setText(f"Chair {self.chair}")
        self.patient.setText("" if self.private else "Empty")
        self.patient.setVisible(not self.private)
        self.step.setText("" if self.private else "Open to seat a patient")
        self.step.setVisible(not self.private)
        lines = (self.nurse, self.clock, self.until, self.need, *self.more, self.unsigned)
        for widget in (*lines, self.mark):
            widget.hide()
        mark(self, "priority", None)
        mark(self, "kind", None)
        mark(self, "paused", False)
        self.setAccessibleDescription(f"Chair {self.chair}; empty")
        self.setToolTip("")

    def _show_clock(self, tile: Tile, priority: str | None) -> None:
        clock = tile.countdown
        self.clock.setVisible(clock is not None)
        self.until.setVisible(clock is not None)
        if clock is None:
            return
        big, beside = clock_words(clock)
        self.clock.setText(big)
        mark(self.clock, "paused", clock.paused)  # in the chair's one colour (the tile's priority), never its own
        mark(self.clock, "priority", priority)
        self.until.setText(beside)

    @staticmethod
    def _show_line(widget: QLabel, text: str, tone: str | None) -> None:
        widget.setVisible(bool(text))
        if text:
            widget.setText(text)
            set_tone(widget, tone)
            widget.setMargin(0)  # compact: the tile's own colour and border carry the priority

    # ---- opening --------------------------------------------------------------------------------

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        inside = self.rect().contains(event.position().toPoint())
        if not self.private and event.button() is Qt.MouseButton.LeftButton and inside:
            self.opened.emit(self.chair)
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if not self.private and event.key() in {Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space}:
            self.opened.emit(self.chair)
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt's name)
        mark(self, "focused", True)  # a thick outline: the style sheet cannot see a QFrame's focus
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt's name)
        mark(self, "focused", False)
        super().focusOutEvent(event)


class TileGrid(QWidget):
    """The tiles in rows; arrow keys move between them."""

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """As small as the tiles can be: the board scrolls only when twelve squeezed tiles still do not
        fit, and otherwise the tiles share the room (a wrapped need line is the first to give way)."""
        return self.minimumSizeHint()

    def __init__(self, chairs: list[int], *, private: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tiles = {chair: ChairTile(chair, private=private) for chair in chairs}
        self.columns = columns_for(len(chairs))
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(10)
        for index, tile in enumerate(self.tiles.values()):
            grid.addWidget(tile, index // self.columns, index % self.columns)
        for column in range(self.columns):
            grid.setColumnStretch(column, 1)

    def show_chairs(self, tiles: dict[int, Tile], views: dict[int, ChairView]) -> None:
        for chair, widget in self.tiles.items():
            widget.show_tile(tiles.get(chair), views.get(chair))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        steps = {
            Qt.Key.Key_Left: -1,
            Qt.Key.Key_Right: 1,
            Qt.Key.Key_Up: -self.columns,
            Qt.Key.Key_Down: self.columns,
        }
        order = list(self.tiles.values())
        focused = self.focusWidget()
        if event.key() in steps and focused in order:
            index = order.index(focused) + steps[event.key()]  # type: ignore[arg-type]
            if 0 <= index < len(order):
                order[index].setFocus(Qt.FocusReason.OtherFocusReason)
            return
        super().keyPressEvent(event)


class ChairBoard(QWidget):
    """Home: every chair this workstation shows."""

    opened = Signal(int)
    """The nurse chose a chair to work on."""

    def __init__(self, chairs: list[int], parent: QWidget | None = None) -> None:
        """``parent``: where the board will be shown, so it is built in its place (see ``MainWindow``).

        Its tiles are built by ``fill()``, not here: the board shows only to someone signed in, and its
        window fills it once the first screen (the lock screen, with tiles of its own) is painted, or at the
        first sign-in if sooner (``MainWindow.settle``); reading ``tiles`` fills it too."""
        super().__init__(parent)
        self.chairs = chairs
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(
            label(
                "Open a chair with a tap, or its number key; Esc comes back here.",
                role="hint",
                name="Board hint",
            )
        )
        self.scroll = QScrollArea()
        layout.addWidget(self.scroll, 1)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a Tab stop of its own: Tab goes tile to tile
        self.grid: TileGrid | None = None
        for chair in chairs:
            if chair <= NUMBER_KEYS:
                key = QShortcut(QKeySequence(str(chair)), self)  # the window's, but only while the board shows
                key.activated.connect(lambda chair=chair: self.opened.emit(chair))

    def fill(self) -> TileGrid:
        """The tiles, built now if they are not yet (once): some 7 ms a start need not wait for."""
        if self.grid is None:
            self.grid = TileGrid(self.chairs, parent=self.scroll)  # setWidget moves it into the viewport
            self.scroll.setWidget(self.grid)
            for tile in self.grid.tiles.values():
                tile.opened.connect(self.opened)
        return self.grid

    @property
    def tiles(self) -> dict[int, ChairTile]:
        return self.fill().tiles

    def show_chairs(self, tiles: dict[int, Tile], views: dict[int, ChairView]) -> None:
        self.fill().show_chairs(tiles, views)

    def focus_chair(self, chair: int) -> None:
        if chair in self.tiles:
            self.tiles[chair].setFocus(Qt.FocusReason.OtherFocusReason)
