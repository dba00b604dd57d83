"""The floor a printout is measured against: the same pages and rows as a plain ReportLab document.

A bare one-page document says what any PDF costs; it does not say what a printout of ten pages and two
hundred table rows must cost whatever the code around it does. The twin made here does: from a printout's
own story (laid out once, so every table's column widths and row heights are known) it builds

* every table again with the same rows, columns, column widths and row heights, each cell holding its words
  as a plain string (drawn as it stands, one line per line break: no wrapping, no markup), ruled, in the
  same embedded font, its head row repeated on each page;
* every paragraph outside a table as a ReportLab ``Paragraph`` of its plain words, in its own style;
* spacers as they are; anything else (the summary's vitals chart) as a blank of its size, so not drawn;

in a ``SimpleDocTemplate`` with the same paper and body frame, so it breaks onto the same number of pages.
It leaves out what is Chairside's own: the page header and footer (page n of m, identifiers, hash), setting
the cells' words in lines that fit, the chart. The bench prints both page counts, so a twin that came out
shorter would show.
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.reports.plain import Plain
from core.reports.styles import FOOTER_HEIGHT, HEADER_HEIGHT, MARGIN, PAGE_SIZES, SANS, grid
from core.reports.templates import body_size

PLAIN_GRID = TableStyle([*grid(0).getCommands(), ("FONT", (0, 0), (-1, -1), SANS, 8.5, 10.5)])
"""The printouts' ruled grid (``core.reports.styles.grid``), its font given the leading plain strings need."""


def words_of(cell: object) -> str:
    """A cell's words as plain text, line breaks kept."""
    if isinstance(cell, Plain):
        return cell.text
    if isinstance(cell, Paragraph):
        return cell.getPlainText()
    if isinstance(cell, list | tuple):
        return "\n".join(words_of(part) for part in cell)
    return "" if cell is None or isinstance(cell, Flowable) else str(cell)


def flat(story: list[Flowable]) -> list[Flowable]:
    out: list[Flowable] = []
    for flowable in story:
        out += flat(flowable._content) if isinstance(flowable, KeepTogether) else [flowable]
    return out


def twin_story(story: list[Flowable], page_size: str) -> tuple[list[Flowable], int]:
    """The plain twin of a story already laid out, and how many table rows it holds."""
    width, height = body_size(page_size)
    twin: list[Flowable] = []
    rows = 0
    for flowable in flat(story):
        if isinstance(flowable, Table):
            if not hasattr(flowable, "_rowHeights"):
                flowable.wrap(width, height)
            data = [[words_of(cell) for cell in row] for row in flowable._cellvalues]
            table = Table(
                data,
                colWidths=list(flowable._colWidths),
                rowHeights=list(flowable._rowHeights),
                repeatRows=flowable.repeatRows,
            )
            table.setStyle(PLAIN_GRID)
            twin.append(table)
            rows += len(data)
        elif isinstance(flowable, Paragraph):
            twin.append(Paragraph(escape(flowable.getPlainText()), flowable.style))
        elif isinstance(flowable, Spacer):
            twin.append(Spacer(flowable.width, flowable.height))
        else:
            twin.append(Spacer(*flowable.wrap(width, height)))
    return twin, rows


def plain_document(twin: list[Flowable], page_size: str) -> bytes:
    """The twin built as plain ReportLab builds a document: same paper and body frame, no header or footer."""
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=PAGE_SIZES[page_size],
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + HEADER_HEIGHT,
        bottomMargin=MARGIN + FOOTER_HEIGHT,
        invariant=1,
        initialFontName=SANS,
    )
    doc.build(list(twin))
    return out.getvalue()


def plain_twin(
    make_story: Callable[[], list[Flowable]], build: Callable[[list[Flowable]], bytes], page_size: str
) -> tuple[Callable[[], bytes], int]:
    """A call that builds the plain twin of the printout ``make_story`` makes (laid out by ``build``, the
    printout's own builder, so its tables have their sizes), and the twin's count of table rows."""
    story = make_story()
    build(list(story))  # ReportLab takes the flowables off the list it is given as it places them
    twin, rows = twin_story(story, page_size)

    def floor() -> bytes:
        fresh, _ = twin_story(twin, page_size)  # new flowables each time: ReportLab keeps layout state on them
        return plain_document(fresh, page_size)

    return floor, rows
