"""Words that never widen what holds them: past the room they have, their end gives way to "…".

A QLabel that does not wrap asks for the width of its whole text, so one long patient name or pause reason
could push a tile, the banner or the whole window past the screen. This label asks for no width at all
and draws as much as fits, on one line or wrapped over a few; ``text()`` and what a screen reader reads
stay whole.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy

from ui.style import mark
from ui.widgets.forms import describe


def wrapped(text: str, metrics: QFontMetrics, width: int, most: int) -> list[str]:
    """The text broken between words into at most ``most`` lines of ``width``; the last line takes what is
    left, cut short with "…" if it does not fit. A word longer than a line is cut where it meets the edge."""
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < most - 1:
        line = words.pop(0)
        while words and metrics.horizontalAdvance(f"{line} {words[0]}") <= width:
            line = f"{line} {words.pop(0)}"
        if metrics.horizontalAdvance(line) > width:  # one word wider than the line: the rest goes on below
            words.insert(0, line)
            break
        lines.append(line)
    if words:
        lines.append(metrics.elidedText(" ".join(words), Qt.TextElideMode.ElideRight, width))
    return lines


def one_line_name(name: str, metrics: QFontMetrics, width: int) -> str:
    """ "FAMILY, Given" on one line of ``width``: where it does not fit, the family name gives way first and
    the given names keep at least half the line, so a long family name never hides them."""
    if metrics.horizontalAdvance(name) <= width or ", " not in name:
        return metrics.elidedText(name, Qt.TextElideMode.ElideRight, width)
    family, given = name.split(", ", 1)
    room = max(width - metrics.horizontalAdvance(family + "…"), width // 2)
    tail = metrics.elidedText(f", {given}", Qt.TextElideMode.ElideRight, room)
    return metrics.elidedText(family, Qt.TextElideMode.ElideRight, width - metrics.horizontalAdvance(tail)) + tail


class Elided(QLabel):
    """Words on at most ``lines`` lines that never widen their holder; ``text()`` keeps them whole, and so
    does the tooltip. With more than one line it asks for the height its words take at its width, and
    makes do with one line where its holder has no more room."""

    def __init__(self, role: str | None, name: str, *, lines: int = 1) -> None:
        super().__init__()
        self.most = lines
        self._counted = 1
        if role:
            mark(self, "role", role)
        describe(self, name)  # the line's own words stay what a screen reader reads
        vertical = QSizePolicy.Policy.Preferred if lines > 1 else QSizePolicy.Policy.Fixed
        self.setSizePolicy(QSizePolicy.Policy.Ignored, vertical)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)  # a click goes to what holds it

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        super().setText(text)
        if self.most > 1 and self._count() != self._counted:
            self._counted = self._count()
            self.updateGeometry()  # more or fewer lines: the holder gives it the height, if it has it
        self.setToolTip(text)  # whole, for a pointer resting on a line cut short

    def _area(self, rect: QRect) -> QRect:
        return rect.adjusted(self.margin(), 0, -self.margin(), 0)

    def _lines(self, width: int, most: int | None = None) -> list[str]:
        if (most or self.most) == 1:  # the text as it is, spacing and all, cut short at the edge
            return [self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, max(1, width))]
        return wrapped(self.text(), self.fontMetrics(), max(1, width), most or self.most)

    def _height(self, count: int) -> int:
        margins = self.contentsMargins()
        return count * self.fontMetrics().lineSpacing() + margins.top() + margins.bottom()

    def _count(self) -> int:
        """Lines the words take at the present width (its holder asks for that much height, if it has it)."""
        return max(1, len(self._lines(self._area(self.contentsRect()).width())))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().sizeHint()
        if self.most > 1:
            hint.setHeight(self._height(self._count()))
        return hint

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """As narrow as "…": it gives way rather than need the width of its words."""
        hint = super().minimumSizeHint()
        hint.setWidth(self.fontMetrics().horizontalAdvance("…") + 2 * self.margin())
        if self.most > 1:  # squeezed (a full board, a narrow banner): one line, cut short
            hint.setHeight(self._height(1))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if self.most > 1 and self._count() != self._counted:
            self._counted = self._count()
            self.updateGeometry()  # wider or narrower: the words take more or fewer lines

    def shown(self) -> str:
        """The words as drawn at the present size: as many lines as fit (fewer when squeezed below its
        height, as on a full board), the last one cut short."""
        area = self._area(self.contentsRect())
        fit = max(1, min(self.most, area.height() // self.fontMetrics().lineSpacing()))
        return "\n".join(self._lines(area.width(), fit))

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        """The words drawn as ``QStyle.drawItemText`` draws a label's enabled text: in the pen of the palette's
        brush for the label's text role, within its area. Drawn here rather than by asking for the widget's
        style, whose first use from Python makes PySide6 build every enum of QStyle (some 600 values, ~6 ms
        of the first paint of every start); a disabled line, which the style may dim, is still the style's."""
        painter = QPainter(self)
        area = self._area(self.contentsRect())
        palette, role = self.palette(), self.foregroundRole()
        if not self.isEnabled():
            self.style().drawItemText(painter, area, self.alignment(), palette, False, self.shown(), role)
            return
        text = self.shown()
        if text:
            painter.setPen(QPen(palette.brush(role), painter.pen().widthF()))
            painter.drawText(area, self.alignment(), text)


class NameLine(Elided):
    """A patient's name ("FAMILY, Given"): on a line too short for it, both parts show their beginnings."""

    def _lines(self, width: int, most: int | None = None) -> list[str]:
        lines = super()._lines(width, most)
        if len(lines) == 1 and lines[0] != self.text():
            return [one_line_name(self.text(), self.fontMetrics(), max(1, width))]
        return lines
