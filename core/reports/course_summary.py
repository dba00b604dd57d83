"""The course summary: one patient's courses on paper, each day in words, and the outcome chart.

Drawn from a ``core.course_record.PatientCourses`` snapshot, the same the course view shows, never from
the screen. Read in black and white: a day's status is a mark and words, the chart's time points are
told apart by marker shape, the baseline is a dashed line, the band of one MCID either side of it is
hatched, and the course's days are a light grey span (which carries no meaning alone: the course is
named under it). PROMIS forms are named by their ids; their items' wording is never printed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect, String
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from core.course_record import CourseDay, CourseRecord, PatientCourses, SessionLine
from core.dates import local_time
from core.outcomes.chart import MARK_GLYPHS, Measure, OutcomeChart
from core.reports.identity import identifiers
from core.reports.output import Output, Printout
from core.reports.session_summary import Printing
from core.reports.styles import INK, RULE, SANS, SANS_BOLD, SHADE, Styles, grid, text
from core.reports.templates import PageFrame, body_size, build_pdf

DAY_COLUMNS = ("Day", "Date", "What became of it", "Weight", "Dose (given)", "Vital signs (range)", "Side effects, AE")
DAY_WIDTHS = ("5.5%", "13%", "21%", "8.5%", "10%", "20%", "22%")
"""The date's column holds a whole YYYY-MM-DD: a date broken over two lines reads as another date."""
OUTCOME_COLUMNS = ("Answered", "Time point", "Forms (T ± SE)", "Pain 0–10", "Asked")
OUTCOME_WIDTHS = ("13%", "16%", "45%", "9%", "17%")
NOTHING = "—"
CHART_HEIGHT = 150
CHART_GAP = 14
TO_VERIFY = (
    "Scores marked “table to verify” come from raw-to-T tables still to be checked against the HealthMeasures "
    "manuals: read them as provisional."
)


def _mg(value: Decimal | None) -> str:
    return NOTHING if value is None else f"{value} mg"


def _dose(line: SessionLine) -> str:
    if line.dose_mg is None:
        return NOTHING
    given = f" ({line.given_mg})" if line.given_mg is not None and line.given_mg != line.dose_mg else ""
    return f"{line.dose_mg} mg{given}"


def _effects(line: SessionLine) -> str:
    """Each side effect at its worst, then each adverse event in bold words: what, how severe, what was done."""
    said = [text(f"{e.item}: {e.grade.lower()}") for e in line.effects]
    said += [f"<b>Adverse event:</b> {text(f'{a.what} ({a.severity}), {a.action}')}" for a in line.adverse_events]
    return "; ".join(said) or "none"


def _day_rows(day: CourseDay, s: Styles) -> list[list[object]]:
    """The day's row; a second session on one day (a second try) gets a row of its own under it."""
    status = f"<b>{day.symbol} {text(day.status.value)}</b>" + (f": {text(day.reason)}" if day.reason else "")
    sessions = list(day.sessions) or [None]
    rows = []
    for index, line in enumerate(sessions):
        first = index == 0
        rows.append(
            [
                Paragraph(str(day.day) if first else "", s.cell),
                Paragraph(day.on.isoformat() if first and day.on else "", s.cell),
                Paragraph(
                    status
                    if first
                    else f"also: {text(line.outcome_words) if line else ''}"
                    + (f" at {local_time(line.opened_at)}" if line else ""),
                    s.cell,
                ),
                Paragraph(f"{line.weight_kg} kg" if line and line.weight_kg else NOTHING, s.cell),
                Paragraph(_dose(line) if line else NOTHING, s.cell),
                Paragraph(text(line.peaks.words) if line else NOTHING, s.cell),
                Paragraph(_effects(line) if line else NOTHING, s.cell),
            ]
        )
    return rows


def _course(course: CourseRecord, s: Styles) -> list[Flowable]:
    order = course.order
    gap = (
        f" · {course.gap_days} days after the last infusion of course {course.number - 1}"
        if course.gap_days is not None
        else ""
    )
    head = Paragraph(f"{course.label}: {order.first_day.isoformat()}, {order.days} days{gap}", s.heading)
    facts = Paragraph(
        f"Ordered by {text(order.prescriber)}; transcribed by {text(course.ordered_by)} on "
        f"{order.recorded_at.astimezone():%Y-%m-%d}; protocol {text(order.protocol_id)} "
        f"{text(order.protocol_version)}. "
        f"<b>{text(course.state_words.capitalize())}.</b> Days: {text(course.tally)}.",
        s.body,
    )
    rows: list[list[object]] = []
    for day in course.days:
        rows += _day_rows(day, s)
    table = Table([[Paragraph(h, s.label) for h in DAY_COLUMNS], *rows], colWidths=list(DAY_WIDTHS), repeatRows=1)
    table.setStyle(grid())
    story: list[Flowable] = [KeepTogether([head, facts, Spacer(0, 3)]), table]
    trend = _trend(course)
    if trend:
        story.append(Paragraph(trend, s.small))
    story += _outcomes(course, s)
    return story


def _trend(course: CourseRecord) -> str:
    weights = " → ".join(str(kg) for _, kg in course.weights)
    doses = " → ".join(str(mg) for _, mg in course.doses)
    parts = [f"Weight (kg) by session: {weights}" if weights else "", f"dose (mg): {doses}" if doses else ""]
    return "; ".join(p for p in parts if p) + ("." if weights or doses else "")


def _outcomes(course: CourseRecord, s: Styles) -> list[Flowable]:
    if not course.outcomes:
        return [Paragraph("No outcome forms recorded for this course.", s.small)]
    rows: list[list[object]] = []
    for line in course.outcomes:
        forms = "<br/>".join(text(f.described) for f in line.forms) or NOTHING  # a measure a line
        point = text(line.point_label) + ("" if line.counts or line.point_id is None else " (not the one counted)")
        rows.append(
            [
                Paragraph(line.taken_on.isoformat(), s.cell),
                Paragraph(point, s.cell),
                Paragraph(forms, s.cell),
                Paragraph(NOTHING if line.pain_intensity is None else str(line.pain_intensity), s.cell),
                Paragraph(text(line.mode), s.cell),
            ]
        )
    table = Table(
        [[Paragraph(h, s.label) for h in OUTCOME_COLUMNS], *rows], colWidths=list(OUTCOME_WIDTHS), repeatRows=1
    )
    table.setStyle(grid())
    # The heading names its course and goes with the table, never left alone at the foot of a page.
    return [Spacer(0, 4), KeepTogether([Paragraph(f"{text(course.label)} outcome forms", s.label), table])]


# ---- the chart ----------------------------------------------------------------------------------


MARK_ROOM = 5.0
"""Points kept inside the plot at either end of the days, so a marker on the first or last day (drawn up to
4.5 pt about its point) stays clear of the T-score numbers beside the axis."""


def _x(day: date, chart: OutcomeChart, left: float, width: float) -> float:
    span = max(1, (chart.end - chart.start).days)
    return left + MARK_ROOM + (width - 2 * MARK_ROOM) * (day - chart.start).days / span


def _y(value: Decimal, measure: Measure, bottom: float, height: float) -> float:
    span = float(measure.highest - measure.lowest) or 1.0
    return bottom + height * float(value - measure.lowest) / span


def _hatch(drawing: Drawing, x0: float, y0: float, x1: float, y1: float, step: float = 4.0) -> None:
    """Diagonal lines across a rectangle, clipped to it by hand (ReportLab graphics have no hatch fill)."""
    width, height = x1 - x0, y1 - y0
    if width <= 0 or height <= 0:
        return
    offset = 0.0
    while offset < width + height:
        # The line x - x0 + (y - y0) = offset, from its lower-right end to its upper-left, inside the box.
        ax, ay = x0 + min(offset, width), y0 + max(0.0, offset - width)
        bx, by = x0 + max(0.0, offset - height), y0 + min(offset, height)
        drawing.add(Line(ax, ay, bx, by, strokeColor=RULE, strokeWidth=0.4))
        offset += step


def _marker(drawing: Drawing, shape: str, x: float, y: float, size: float = 3.2) -> None:
    black = {"fillColor": INK, "strokeColor": INK, "strokeWidth": 0.6}
    if shape == "square":
        drawing.add(Rect(x - size, y - size, 2 * size, 2 * size, **black))
    elif shape == "circle":
        drawing.add(Circle(x, y, size, **black))
    elif shape == "triangle":
        drawing.add(Polygon([x - size, y - size, x + size, y - size, x, y + size * 1.2], **black))
    elif shape == "diamond":
        drawing.add(Polygon([x, y - size * 1.3, x + size, y, x, y + size * 1.3, x - size, y], **black))
    elif shape == "star":
        drawing.add(Polygon([x - size, y, x, y + size * 1.4, x + size, y, x, y - size * 1.4], **black))
    else:  # a ring: answered outside every window
        drawing.add(Circle(x, y, size, fillColor=None, strokeColor=INK, strokeWidth=0.9))


def measure_drawing(chart: OutcomeChart, measure: Measure, width: float) -> Drawing:
    """One measure's small chart: value axis left, dates under it, course spans shaded, each baseline
    dashed with its band hatched, each score a marker by time point with its SE as a whisker."""
    drawing = Drawing(width, CHART_HEIGHT, initialFontName=SANS)
    left, bottom, right, top = 30.0, 26.0, width - 8.0, CHART_HEIGHT - 22.0
    inner_w, inner_h = right - left, top - bottom
    title = f"{measure.domain} ({measure.scale}) — {measure.better}"
    drawing.add(String(left, CHART_HEIGHT - 10, title, fontName=SANS_BOLD, fontSize=8))
    if measure.to_verify:
        drawing.add(String(right, CHART_HEIGHT - 10, "table to verify", fontName=SANS, fontSize=6.5, textAnchor="end"))
    for course in chart.courses:
        x0 = _x(course.first, chart, left, inner_w)
        x1 = max(_x(course.last, chart, left, inner_w), x0 + 2)
        drawing.add(Rect(x0, bottom, x1 - x0, inner_h, fillColor=SHADE, strokeColor=None))
        drawing.add(String(x0 + 1, top - 8, f"C{course.number}", fontName=SANS_BOLD, fontSize=6.5))
    for base in measure.baselines:
        x0, x1 = _x(base.on, chart, left, inner_w), _x(base.until, chart, left, inner_w)
        x1 = max(x1, x0 + 6)
        if base.low is not None and base.high is not None:
            y0 = _y(max(base.low, measure.lowest), measure, bottom, inner_h)
            y1 = _y(min(base.high, measure.highest), measure, bottom, inner_h)
            _hatch(drawing, x0, y0, x1, y1)
            drawing.add(Rect(x0, y0, x1 - x0, y1 - y0, fillColor=None, strokeColor=RULE, strokeWidth=0.4))
        y = _y(base.value, measure, bottom, inner_h)
        drawing.add(Line(x0, y, x1, y, strokeColor=INK, strokeWidth=0.9, strokeDashArray=[3, 2]))
    drawing.add(Rect(left, bottom, inner_w, inner_h, fillColor=None, strokeColor=INK, strokeWidth=0.6))
    steps = 5 if measure.scale == "T" else 2
    value = measure.lowest
    while value <= measure.highest:
        y = _y(value, measure, bottom, inner_h)
        drawing.add(Line(left - 2, y, left, y, strokeColor=INK, strokeWidth=0.5))
        drawing.add(String(left - 4, y - 2.5, f"{value:g}", fontName=SANS, fontSize=6.5, textAnchor="end"))
        value += steps
    for day in _date_ticks(chart):
        x = _x(day, chart, left, inner_w)
        drawing.add(Line(x, bottom - 2, x, bottom, strokeColor=INK, strokeWidth=0.5))
        drawing.add(String(x, bottom - 10, day.isoformat(), fontName=SANS, fontSize=6, textAnchor="middle"))
    for point in measure.points:
        x, y = _x(point.on, chart, left, inner_w), _y(point.value, measure, bottom, inner_h)
        if point.se is not None:
            low = _y(max(point.value - point.se, measure.lowest), measure, bottom, inner_h)
            high = _y(min(point.value + point.se, measure.highest), measure, bottom, inner_h)
            drawing.add(Line(x, low, x, high, strokeColor=INK, strokeWidth=0.6))
            for end in (low, high):
                drawing.add(Line(x - 2, end, x + 2, end, strokeColor=INK, strokeWidth=0.6))
        _marker(drawing, point.mark, x, y)
    if measure.mcid is not None:
        band = f"band: baseline ± {measure.mcid} (MCID); {measure.better_words}"
    else:
        band = f"no MCID in the protocol; {measure.better_words}"
    drawing.add(String(left, 2, band, fontName=SANS, fontSize=6.5))
    return drawing


def _date_ticks(chart: OutcomeChart) -> list[date]:
    """The first and last day, and up to two between them far enough apart to print."""
    span = (chart.end - chart.start).days
    if span < 8:
        return [chart.start, chart.end]
    return [chart.start + (chart.end - chart.start) * n / 3 for n in range(4)]


def legend_words(chart: OutcomeChart) -> str:
    marks = ", ".join(f"{MARK_GLYPHS[shape]} {label}" for shape, label in chart.legend)
    return (
        f"Markers: {marks}. Whisker: ± the score's standard error. Dashed line: the course's baseline; hatched: "
        "within one MCID of it (no meaningful change); grey span: the course's days (C1, C2 …)."
    )


def chart_story(chart: OutcomeChart, s: Styles, width: float) -> list[Flowable]:
    heading = Paragraph("Outcome chart", s.heading)
    unscored = [Paragraph(text(chart.unscored_words), s.body)] if chart.unscored else []
    if chart.empty:
        return [heading, *unscored, Paragraph("No scored outcome form is recorded yet.", s.body)]
    half = (width - CHART_GAP) / 2
    drawings = [measure_drawing(chart, m, half) for m in chart.measures]
    rows = [drawings[i : i + 2] for i in range(0, len(drawings), 2)]
    if len(rows[-1]) == 1:
        rows[-1].append("")  # type: ignore[arg-type]
    table = Table(rows, colWidths=[half + CHART_GAP / 2, half + CHART_GAP / 2])
    table.setStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
    story: list[Flowable] = [heading, *unscored, Paragraph(legend_words(chart), s.small)]
    if chart.to_verify:
        story.append(Paragraph(TO_VERIFY, s.warning))
    story.append(table)
    return story


def course_summary_story(record: PatientCourses, s: Styles, width: float) -> list[Flowable]:
    intro = (
        f"Every course of the patient in order, as recorded on {record.made_at.astimezone():%Y-%m-%d %H:%M}. "
        "A day is completed, stopped early, not treated (the session ended without an infusion), missed by the "
        "patient or cancelled by the clinic (with the reason recorded), today, still to come, not given because "
        "a new course was ordered, or past with no record. Weight and dose per session; vital signs as the "
        "range of the readings that stand; side effects at their worst grade."
    )
    story: list[Flowable] = [Paragraph("Course summary", s.title), Paragraph(intro, s.small)]
    if not record.courses:
        story.append(Paragraph("No course order is recorded for this patient.", s.body))
    for course in record.courses:
        story += _course(course, s)
    if record.loose_sessions:
        story.append(
            Paragraph(
                f"{len(record.loose_sessions)} earlier session(s) were recorded before sessions named their "
                "course; they are in the day logs.",
                s.small,
            )
        )
    story += [Spacer(0, 6), *chart_story(record.chart, s, width)]
    return story


def course_printout(record: PatientCourses, printing: Printing) -> Printout:
    """The course summary of one patient, with the audit line each copy needs."""
    frame = PageFrame(
        clinic=printing.clinic,
        document="Course summary",
        printed_at=printing.printed_at,
        printed_by=printing.printed_by,
        patient=identifiers(record.patient),
    )
    width, _ = body_size(printing.page_size)
    pdf = build_pdf(course_summary_story(record, Styles(), width), frame, printing.page_size)
    return Printout(pdf, (Output("course summary", "", record.patient.id),))


def course_pdf(record: PatientCourses, printing: Printing) -> bytes:
    return course_printout(record, printing).pdf
