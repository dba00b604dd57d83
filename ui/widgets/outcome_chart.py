"""The patient's outcome chart on screen: one small chart per measure, from ``core.outcomes.chart``.

Each measure has its own value axis (T, or 0-10 for pain) with dates under it; each course's days are a
light grey span named C1, C2 …; each course's baseline is a dashed line with the band of one MCID either
side of it hatched; each score is a marker whose shape says its time point, with its standard error as a
whisker. The title says which way is better. Nothing is told by colour alone: the same chart reads on a
black-and-white printout (``core.reports.course_summary`` draws it from the same values). The chart's
text alternative (tooltip and accessible description) lists every score in words.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QGridLayout, QSizePolicy, QVBoxLayout, QWidget

from core.outcomes.chart import MARK_GLYPHS, Measure, OutcomeChart
from ui.style import INK, LINE, PAPER
from ui.widgets.forms import label, set_tone

CHART_HEIGHT = 230
CHART_MIN_WIDTH = 300
MARK_ROOM = 8.0
"""Room kept inside the plot at either end of the days, so a marker on the first or last day (drawn 6 px about
its point) stays clear of the T-score numbers beside the axis."""
SPAN_GREY = "#e2e4e8"
TO_VERIFY = (
    "Scores marked “table to verify” come from raw-to-T tables still to be checked against the HealthMeasures "
    "manuals: read them as provisional."
)


def legend_words(chart: OutcomeChart) -> str:
    marks = ", ".join(f"{MARK_GLYPHS[shape]} {words}" for shape, words in chart.legend)
    return (
        f"Markers: {marks}. Whisker: ± standard error. Dashed line: the course's baseline; hatched band: within one "
        "MCID of it (no meaningful change); grey span: the course's days (C1, C2 …)."
    )


def measure_words(measure: Measure) -> str:
    """Every score of the measure in words, for the tooltip and a screen reader."""
    said = [
        f"{p.on.isoformat()} {p.point_label}: {p.value}" + (f" ± {p.se}" if p.se is not None else "")
        for p in measure.points
    ]
    bases = [
        f"course {b.course_number} baseline {b.value}" + (f", band {b.low} to {b.high}" if b.low is not None else "")
        for b in measure.baselines
    ]
    return f"{measure.domain}, {measure.better_words}. " + "; ".join(said + bases) + "."


class MeasureChart(QWidget):
    """One measure's chart, painted from core's values."""

    def __init__(self, chart: OutcomeChart, measure: Measure) -> None:
        super().__init__()
        self.chart = chart
        self.measure = measure
        self.setMinimumSize(CHART_MIN_WIDTH, CHART_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        words = measure_words(measure)
        self.setAccessibleName(f"Outcome chart: {measure.domain}")
        self.setAccessibleDescription(words)
        self.setToolTip(words)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(420, CHART_HEIGHT)

    def _plot(self) -> QRectF:
        return QRectF(44, 30, self.width() - 56, self.height() - 30 - 46)

    def x_of(self, day: date) -> float:
        plot = self._plot()
        span = max(1, (self.chart.end - self.chart.start).days)
        return plot.left() + MARK_ROOM + (plot.width() - 2 * MARK_ROOM) * (day - self.chart.start).days / span

    def y_of(self, value: Decimal) -> float:
        plot = self._plot()
        span = float(self.measure.highest - self.measure.lowest) or 1.0
        return plot.bottom() - plot.height() * float(value - self.measure.lowest) / span

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(PAPER))
        plot = self._plot()
        m = self.measure
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor(INK))
        metrics = QFontMetrics(bold)
        room = self.width() - 16 - metrics.horizontalAdvance(m.better) - 12  # the title never runs into "better"
        title = metrics.elidedText(f"{m.domain} ({m.scale})", Qt.TextElideMode.ElideMiddle, max(room, 0))
        painter.drawText(QRectF(8, 2, self.width() - 16, 24), Qt.AlignmentFlag.AlignVCenter, title)
        painter.drawText(
            QRectF(8, 2, self.width() - 16, 24), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, m.better
        )
        small = QFont(self.font())
        small.setPixelSize(13)
        painter.setFont(small)
        for course in self.chart.courses:
            x0, x1 = self.x_of(course.first), self.x_of(course.last)
            painter.fillRect(QRectF(x0, plot.top(), max(x1 - x0, 3), plot.height()), QColor(SPAN_GREY))
            painter.setPen(QColor(INK))
            painter.drawText(QPointF(x0 + 2, plot.top() + 13), f"C{course.number}")
        for base in m.baselines:
            x0, x1 = self.x_of(base.on), max(self.x_of(base.until), self.x_of(base.on) + 8)
            if base.low is not None and base.high is not None:
                top = self.y_of(min(base.high, m.highest))
                bottom = self.y_of(max(base.low, m.lowest))
                band = QRectF(x0, top, x1 - x0, bottom - top)
                painter.setPen(QPen(QColor(LINE), 1))
                painter.setBrush(QBrush(QColor("#7d8590"), Qt.BrushStyle.BDiagPattern))
                painter.drawRect(band)
            pen = QPen(QColor(INK), 2, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            y = self.y_of(base.value)
            painter.drawLine(QPointF(x0, y), QPointF(x1, y))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(INK), 1))
        painter.drawRect(plot)
        step = Decimal(5 if m.scale == "T" else 2)
        value = m.lowest
        while value <= m.highest:
            y = self.y_of(value)
            painter.drawLine(QPointF(plot.left() - 4, y), QPointF(plot.left(), y))
            painter.drawText(QRectF(0, y - 9, plot.left() - 6, 18), Qt.AlignmentFlag.AlignRight, f"{value:g}")
            value += step
        ticks = _ticks(self.chart, max(2, min(4, int(plot.width() // 110))))
        for index, day in enumerate(ticks):
            x = self.x_of(day)
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4))
            align = Qt.AlignmentFlag.AlignHCenter
            box = QRectF(x - 50, plot.bottom() + 5, 100, 18)
            if index == 0:
                align, box = Qt.AlignmentFlag.AlignLeft, QRectF(x - 4, plot.bottom() + 5, 100, 18)
            elif index == len(ticks) - 1:
                align, box = Qt.AlignmentFlag.AlignRight, QRectF(x - 96, plot.bottom() + 5, 100, 18)
            painter.drawText(box, align, day.isoformat())
        for point in m.points:
            x, y = self.x_of(point.on), self.y_of(point.value)
            if point.se is not None:
                low = self.y_of(max(point.value - point.se, m.lowest))
                high = self.y_of(min(point.value + point.se, m.highest))
                painter.setPen(QPen(QColor(INK), 1.5))
                painter.drawLine(QPointF(x, low), QPointF(x, high))
                painter.drawLine(QPointF(x - 4, low), QPointF(x + 4, low))
                painter.drawLine(QPointF(x - 4, high), QPointF(x + 4, high))
            _marker(painter, point.mark, x, y)
        painter.setPen(QColor(INK))
        band = f"band: baseline ± {m.mcid} (MCID)" if m.mcid is not None else "no MCID in the protocol"
        if m.to_verify:
            band += " · table to verify"
        painter.drawText(QRectF(plot.left(), plot.bottom() + 22, plot.width(), 20), Qt.AlignmentFlag.AlignLeft, band)
        painter.end()


def _ticks(chart: OutcomeChart, count: int) -> list[date]:
    """``count`` dates from the first to the last, as many as the width prints apart (two for a short span)."""
    span = chart.end - chart.start
    if span.days < 8 or count <= 2:
        return [chart.start, chart.end]
    return [chart.start + span * n / (count - 1) for n in range(count)]


def _marker(painter: QPainter, shape: str, x: float, y: float, size: float = 6.0) -> None:
    painter.setPen(QPen(QColor(INK), 1.5))
    painter.setBrush(QColor(INK))
    if shape == "square":
        painter.drawRect(QRectF(x - size, y - size, 2 * size, 2 * size))
    elif shape == "circle":
        painter.drawEllipse(QPointF(x, y), size, size)
    elif shape == "triangle":
        painter.drawPolygon(QPolygonF([QPointF(x - size, y + size), QPointF(x + size, y + size), QPointF(x, y - size)]))
    elif shape in {"diamond", "star"}:
        tall = size * 1.3
        painter.drawPolygon(
            QPolygonF([QPointF(x, y - tall), QPointF(x + size, y), QPointF(x, y + tall), QPointF(x - size, y)])
        )
    else:  # a ring: answered outside every window
        painter.setBrush(QColor(PAPER))
        painter.drawEllipse(QPointF(x, y), size, size)


class OutcomeCharts(QWidget):
    """The small multiples, two a row (one at a narrow width), with the key and the note on unverified tables."""

    def __init__(self, chart: OutcomeChart) -> None:
        super().__init__()
        self.chart = chart
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        self.charts = [MeasureChart(chart, measure) for measure in chart.measures]
        if chart.unscored:
            column.addWidget(label(chart.unscored_words, name="Outcome chart not charted"))
        if chart.empty:
            column.addWidget(label("No scored outcome form is recorded yet.", name="Outcome chart empty"))
            column.addStretch(1)
            return
        column.addWidget(label(legend_words(chart), role="hint", name="Outcome chart key"))
        if chart.to_verify:
            note = label(TO_VERIFY, name="Tables to verify")
            set_tone(note, "advise")
            column.addWidget(note)
        grid = QGridLayout()
        grid.setSpacing(10)
        for index, widget in enumerate(self.charts):
            grid.addWidget(widget, index // 2, index % 2)
        column.addLayout(grid)
        column.addStretch(1)
