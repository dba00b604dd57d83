"""A small trend of each vital across the session, beside the entry form on the infusion and observation pages.

A nurse glancing between sets wants the direction, not a graph to study: is the pressure creeping up,
is the saturation drifting towards its limit. So each vital gets one short row: its name, its readings
over the session's time as points on a line, the protocol's advisory and act-now ranges shaded behind
them, and the latest value in words. Everything must survive a black-and-white printout or a poor
screen, so nothing is told by colour alone: the act-now range is hatched, the advisory range dotted,
a flagged reading has its own shape, and the latest value says "advisory" or "act now".

The readings, their tiers and the limits all come from core (``core.trends`` and the protocol); this
module only places them. Each chart's text alternative, read by a screen reader and shown as its
tooltip, lists every reading with its time, the gaps of partial sets, corrections and the limits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from core.event_words import vital_abbreviation
from core.protocol import VitalKind, VitalThresholds
from core.session_state import SessionState
from core.trends import Reading, VitalTrend, vital_trends
from core.vitals import Tier
from ui.controller import Controller
from ui.style import AMBER, AMBER_BG, INK, LINE, PAPER, RED, RED_BG
from ui.text import clock_time
from ui.widgets.forms import label, set_tone

TIER_WORDS = {Tier.NORMAL: "", Tier.ADVISE: "advisory", Tier.ACT: "act now"}
SHORTEST_SPAN = timedelta(minutes=10)
"""A trend of one or two early sets is drawn over at least this long, so the points do not sit on the edges."""
CHART_HEIGHT = 26
MARGIN = 7.0  # room for a marker drawn on the chart's edge
SHORT_LEGEND = (
    "SBP, DBP: blood pressure. HR: heart rate. RR: breaths. Temp: temperature. "
    "Dotted: advisory. Hatched: act now. Square, triangle: flagged. Cross: corrected."
)
"""The key in one or two lines beside the vitals entry; the full one is its tooltip and description."""
"""The flowsheet's abbreviations, so each row is one line high and the trend fits beside the task at
1280×800; the protocol's full name is the caption's tooltip and description."""
Scale = Callable[[Decimal], float]
"""Where a value sits on a chart, top to bottom."""
LEGEND = (
    "SBP, DBP: systolic and diastolic blood pressure. HR: heart rate. RR: respiratory rate. RASS: sedation. "
    "T: temperature. Dotted band: advisory range. Hatched band: act now. "
    "Round point: inside the limits; square: advisory; "
    "triangle: act now; cross: corrected. Dashed lines: infusion start and end."
)


def number(value: Decimal, signed: bool) -> str:
    """A reading as the nurse typed it; a scale that runs through zero (RASS) shows its sign."""
    text = f"{value.normalize():f}"
    return f"+{text}" if signed and value > 0 else text


def _signed(limits: VitalThresholds) -> bool:
    return limits.reject_below < 0


def latest_text(trend: VitalTrend) -> str:
    """The value, and under it the tier in words, so a flag does not depend on the label's colour."""
    latest = trend.latest
    if latest is None:
        return "—"
    words = TIER_WORDS[latest.tier]
    value = f"{number(latest.value, _signed(trend.limits))} {trend.limits.unit}"
    return f"{value}\n{words}" if words else value


def _limits_text(limits: VitalThresholds) -> str:
    signed = _signed(limits)

    def bounds(below: Decimal | None, above: Decimal | None) -> str:
        parts = [
            f"{number(below, signed)} or below" if below is not None else "",
            f"{number(above, signed)} or above" if above is not None else "",
        ]
        return ", ".join(part for part in parts if part)

    advisory, act = bounds(limits.advise_below, limits.advise_above), bounds(limits.act_below, limits.act_above)
    text = f"Advisory: {advisory}; act now: {act}."
    if limits.advise_rise is not None or limits.act_rise is not None:
        rises = [
            f"{tier} on a rise of {number(rise, False)} {limits.unit} from baseline"
            for tier, rise in (("advisory", limits.advise_rise), ("act now", limits.act_rise))
            if rise is not None
        ]
        text += " Also " + " and ".join(rises) + "."
    return text


def describe(trend: VitalTrend) -> str:
    """The chart in words: every reading and gap in time order, then the limits it is drawn against."""
    limits = trend.limits
    signed = _signed(limits)
    lines: list[tuple[datetime, str]] = []
    for reading in trend.readings:
        text = f"{clock_time(reading.at)} {number(reading.value, signed)}"
        if reading.tier is not Tier.NORMAL:
            text += f" {TIER_WORDS[reading.tier]} ({reading.finding})"
        if reading.correction is not None:
            text += f", corrected: {reading.correction}"
        lines.append((reading.at, text))
    for gap in trend.gaps:
        lines.append((gap.at, f"{clock_time(gap.at)} not taken ({gap.reason or 'no reason given'})"))
    lines.sort(key=lambda line: line[0])
    count = len(trend.readings)
    head = f"{limits.label} ({limits.unit}), {count} reading{'' if count == 1 else 's'}"
    body = "; ".join(text for _at, text in lines) if lines else "none recorded yet"
    return f"{head}: {body}. {_limits_text(limits)}"


def value_range(trend: VitalTrend) -> tuple[float, float]:
    """The vertical extent: every reading and every limit, padded, never past the possible values."""
    limits = trend.limits
    marks = [r.value for r in trend.readings]
    marks += [
        v for v in (limits.act_below, limits.act_above, limits.advise_below, limits.advise_above) if v is not None
    ]
    low, high = float(min(marks)), float(max(marks))
    pad = max((high - low) * 0.12, 1.0)
    return max(low - pad, float(limits.reject_below)), min(high + pad, float(limits.reject_above))


class TrendChart(QWidget):
    """One vital's readings over the session, drawn against the protocol's ranges."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setAccessibleName(f"{name} trend")
        self.setMinimumSize(80, CHART_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.trend: VitalTrend | None = None
        self.span: tuple[datetime, datetime] | None = None
        self.marks: tuple[datetime, ...] = ()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(240, CHART_HEIGHT)

    def show_trend(
        self, trend: VitalTrend, span: tuple[datetime, datetime] | None, marks: tuple[datetime, ...]
    ) -> None:
        self.trend, self.span, self.marks = trend, span, marks
        text = describe(trend)
        if text != self.accessibleDescription():
            self.setAccessibleDescription(text)
            self.setToolTip(text)
        self.update()

    # ---- drawing --------------------------------------------------------------------------------

    def _frame(self) -> QRectF:
        return QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)

    def _scale(self) -> Scale:
        """Value to height, over the trend's range, inside the frame less a marker's room top and bottom."""
        assert self.trend is not None
        area = self._frame().adjusted(0, 3, 0, -3)
        low, high = value_range(self.trend)
        return lambda value: area.bottom() - (float(value) - low) / (high - low) * area.height()

    def _x(self, moment: datetime) -> float:
        assert self.span is not None
        start, end = self.span
        area = self._frame().adjusted(MARGIN, 0, -MARGIN, 0)
        return area.left() + (moment - start) / (end - start) * area.width()

    def positions(self) -> list[tuple[Reading, QPointF]]:
        """Where each reading is drawn, in the order recorded (none before a time span is known)."""
        if self.trend is None or self.span is None:
            return []
        y = self._scale()
        return [(reading, QPointF(self._x(reading.at), y(reading.value))) for reading in self.trend.readings]

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        frame = self._frame()
        painter.fillRect(frame, QColor(PAPER))
        if self.trend is not None:
            self._bands(painter, frame, self._scale())
        if self.span is not None:
            painter.setPen(QPen(QColor("#5b6573"), 1, Qt.PenStyle.DashLine))
            for moment in self.marks:
                x = self._x(moment)
                painter.drawLine(QPointF(x, frame.top()), QPointF(x, frame.bottom()))
        points = self.positions()
        standing = [at for reading, at in points if reading.correction is None]
        painter.setPen(QPen(QColor(INK), 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if len(standing) > 1:
            painter.drawPolyline(QPolygonF(standing))
        for reading, at in points:
            self._marker(painter, reading, at)
        painter.setPen(QPen(QColor(LINE), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(frame)
        painter.end()

    def _bands(self, painter: QPainter, frame: QRectF, y: Scale) -> None:
        assert self.trend is not None
        limits = self.trend.limits
        top, bottom = frame.top(), frame.bottom()
        advise = (QColor(AMBER_BG), QBrush(QColor(AMBER), Qt.BrushStyle.Dense6Pattern))
        act = (QColor(RED_BG), QBrush(QColor(RED), Qt.BrushStyle.BDiagPattern))
        bands = []
        if limits.advise_above is not None:
            end = y(limits.act_above) if limits.act_above is not None else top
            bands.append((advise, end, y(limits.advise_above)))
        if limits.act_above is not None:
            bands.append((act, top, y(limits.act_above)))
        if limits.advise_below is not None:
            start = y(limits.act_below) if limits.act_below is not None else bottom
            bands.append((advise, y(limits.advise_below), start))
        if limits.act_below is not None:
            bands.append((act, y(limits.act_below), bottom))
        for (fill, pattern), upper, lower in bands:
            band_top, band_bottom = max(upper, top), min(lower, bottom)
            if band_bottom <= band_top:
                continue
            band = QRectF(frame.left(), band_top, frame.width(), band_bottom - band_top)
            painter.fillRect(band, fill)
            painter.fillRect(band, pattern)

    @staticmethod
    def _marker(painter: QPainter, reading: Reading, at: QPointF) -> None:
        ink = QColor(INK)
        if reading.correction is not None:
            painter.setPen(QPen(ink, 1.5))
            for dx in (-4.0, 4.0):
                painter.drawLine(at + QPointF(-dx, -4), at + QPointF(dx, 4))
            return
        painter.setPen(QPen(ink, 1))
        painter.setBrush(ink)
        if reading.tier is Tier.ACT:
            painter.drawPolygon(QPolygonF([at + QPointF(0, -6), at + QPointF(5.5, 4), at + QPointF(-5.5, 4)]))
        elif reading.tier is Tier.ADVISE:
            painter.drawRect(QRectF(at.x() - 4, at.y() - 4, 8, 8))
        else:
            painter.drawEllipse(at, 3.5, 3.5)


class VitalsTrend(QGroupBox):
    """Every vital's trend, one row each, on one shared time axis from the first set to now."""

    def __init__(self, controller: Controller) -> None:
        super().__init__("Vital signs this session")
        self.controller = controller
        self._seen: tuple[str, str, str] | None = None
        protocol = controller.protocol
        layout = QVBoxLayout(self)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(1, 1)
        self.charts: dict[VitalKind, TrendChart] = {}
        self.latest: dict[VitalKind, QLabel] = {}
        self.captions: dict[VitalKind, QLabel] = {}
        for row, kind in enumerate(VitalKind):
            limits = protocol.vitals[kind]
            caption = label(vital_abbreviation(kind), wrap=False)  # as on paper: one set of short names
            caption.setToolTip(limits.label)
            caption.setAccessibleDescription(limits.label)
            chart = TrendChart(limits.label)
            latest = label(name=f"{limits.label} latest", wrap=False)
            latest.setMinimumWidth(80)
            grid.addWidget(caption, row, 0)
            grid.addWidget(chart, row, 1)
            grid.addWidget(latest, row, 2)
            self.charts[kind] = chart
            self.latest[kind] = latest
            self.captions[kind] = caption
        axis_row = QWidget()
        axis = QHBoxLayout(axis_row)
        axis.setContentsMargins(0, 0, 0, 0)
        self.axis_start = label(role="hint", name="Trend start", wrap=False)
        self.axis_end = label(role="hint", name="Trend end", wrap=False)
        axis.addWidget(self.axis_start)
        axis.addStretch(1)
        axis.addWidget(self.axis_end)
        grid.addWidget(axis_row, len(self.charts), 1)
        layout.addLayout(grid)
        legend = label(SHORT_LEGEND, role="hint", name="Trend legend")
        legend.setToolTip(LEGEND)
        legend.setAccessibleDescription(LEGEND)
        layout.addWidget(legend)

    def show_state(self, state: SessionState) -> None:
        """Redrawn only when a new entry was saved or the minute shown at the axis's end moved on.

        The board calls this every second; redrawing six charts each time would show nothing new.
        """
        now = self.controller.now()
        seen = (state.session_id, state.events[-1].id, clock_time(now))
        if seen == self._seen:
            return
        self._seen = seen
        trends = vital_trends(self.controller.protocol, state.events)
        times = [reading.at for trend in trends.values() for reading in trend.readings]
        span = None
        if times:
            start = min(times)
            end = max(now, *times, start + SHORTEST_SPAN)
            span = (start, end)
        self.axis_start.setText(clock_time(span[0]) if span else "")
        self.axis_end.setText(clock_time(span[1]) if span else "")
        marks = tuple(m for m in (state.infusion.started_at, state.infusion.ended_at) if m is not None)
        for kind, trend in trends.items():
            # An optional vital (temperature) gets its row once it has been taken in this session.
            shown = bool(trend.readings) or not trend.limits.optional
            for widget in (self.captions[kind], self.charts[kind], self.latest[kind]):
                widget.setVisible(shown)
            self.charts[kind].show_trend(trend, span, marks)
            latest = self.latest[kind]
            latest.setText(latest_text(trend))
            tier = trend.latest.tier if trend.latest else Tier.NORMAL
            set_tone(latest, None if tier is Tier.NORMAL else tier.value)
