"""The page around every printout: a header naming the document and the patient, a footer with page n
of m, who printed it and when, and the hash of the record it was printed from.

Both patient identifiers go on every page, because pages get separated. "Page n of m" needs the page
count before the first footer is drawn, so the canvas keeps each finished page and draws the frames
when the document is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, CondPageBreak, Flowable, Frame, PageTemplate, Paragraph

from core.reports.styles import (
    FOOTER_HEIGHT,
    HEADER_HEIGHT,
    INK,
    MARGIN,
    MONO,
    PAGE_SIZES,
    RULE,
    SANS,
    SANS_BOLD,
    register_fonts,
)


@dataclass(frozen=True)
class PageFrame:
    clinic: str
    document: str
    printed_at: str
    """Local date and time of printing, as text."""
    printed_by: str
    patient: str | None = None
    """The identifiers printed on every page (name, date of birth, record number); None for a list."""
    record_hash: str | None = None
    hash_words: str = "Record SHA-256"
    """What the hash is of, before it on every page (a sheet of several sessions says so)."""


def fit(canvas: Canvas, words: str, font: str, size: float, width: float) -> float:
    """The largest size up to ``size`` at which ``words`` fit ``width``: long names shrink, never cut."""
    while size > 5 and stringWidth(words, font, size) > width:
        size -= 0.25
    canvas.setFont(font, size)
    return size


def draw_frame(canvas: Canvas, frame: PageFrame, page: int, pages: int) -> None:
    width, height = canvas._pagesize
    inner = width - 2 * MARGIN
    canvas.saveState()
    canvas.setFillColor(INK)
    top = height - MARGIN
    canvas.setFont(SANS_BOLD, 10)
    canvas.drawString(MARGIN, top - 10, frame.document)
    fit(canvas, frame.clinic, SANS, 8, inner / 2)
    canvas.drawRightString(width - MARGIN, top - 10, frame.clinic)
    if frame.patient:
        fit(canvas, frame.patient, SANS_BOLD, 9.5, inner)
        canvas.drawString(MARGIN, top - 23, frame.patient)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN, top - HEADER_HEIGHT + 4, width - MARGIN, top - HEADER_HEIGHT + 4)

    bottom = MARGIN
    canvas.line(MARGIN, bottom + FOOTER_HEIGHT - 2, width - MARGIN, bottom + FOOTER_HEIGHT - 2)
    canvas.setFont(SANS_BOLD, 8)
    canvas.drawRightString(width - MARGIN, bottom + FOOTER_HEIGHT - 12, f"Page {page} of {pages}")
    fit(canvas, f"Printed {frame.printed_at} by {frame.printed_by}", SANS, 8, inner - 60)
    canvas.drawString(MARGIN, bottom + FOOTER_HEIGHT - 12, f"Printed {frame.printed_at} by {frame.printed_by}")
    if frame.record_hash:
        words = f"{frame.hash_words} {frame.record_hash}"
        fit(canvas, words, MONO, 6.5, inner)
        canvas.drawString(MARGIN, bottom + 2, words)
    canvas.restoreState()


def numbered_canvas(frame: PageFrame) -> type[Canvas]:
    """A canvas that holds its pages until the end, then draws each page's frame with the total."""

    class FramedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                draw_frame(self, frame, number, len(self._held))
                super().showPage()
            super().save()

    return FramedCanvas


FRAME_PADDING = 6
"""ReportLab's own padding inside a frame, on each side."""


def body_size(page_size: str) -> tuple[float, float]:
    """The width and height a page's story flows into, inside the margins, header, footer and padding."""
    width, height = PAGE_SIZES[page_size]
    inner_height = height - 2 * MARGIN - HEADER_HEIGHT - FOOTER_HEIGHT
    return width - 2 * MARGIN - 2 * FRAME_PADDING, inner_height - 2 * FRAME_PADDING


HEADING_ROOM = {"heading": 72.0, "label": 48.0}
"""The page left (points) for a heading, or a table's label, to start there: itself and the first lines of what it
heads. With less it starts the next page, never left alone at a page's foot with its figures overleaf; with
more, a long table under it starts on the same page and splits, leaving no half page blank."""


def headings_kept(story: list[Flowable]) -> list[Flowable]:
    """The story with a conditional page break before each heading and each table's label."""
    kept: list[Flowable] = []
    for flowable in story:
        style = getattr(flowable, "style", None) if isinstance(flowable, Paragraph) else None
        room = HEADING_ROOM.get(getattr(style, "name", ""), 0.0)
        if room:
            kept.append(CondPageBreak(room))
        kept.append(flowable)
    return kept


def build_pdf(story: list[Flowable], frame: PageFrame, page_size: str) -> bytes:
    """The finished document as bytes; ``invariant`` keeps the same input byte-for-byte the same."""
    register_fonts()
    out = BytesIO()
    size = PAGE_SIZES[page_size]
    doc = BaseDocTemplate(
        out,
        pagesize=size,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + HEADER_HEIGHT,
        bottomMargin=MARGIN + FOOTER_HEIGHT,
        title=f"{frame.document} — {frame.patient}" if frame.patient else frame.document,
        author=frame.clinic,
        creator="Chairside",
        invariant=1,
        # ReportLab starts every page in Helvetica, which is then listed in the file though never drawn, and
        # not embedded: strict PDF checkers flag it. Pages start in the embedded font instead.
        initialFontName=SANS,
    )
    body = Frame(
        doc.leftMargin,
        doc.bottomMargin,
        doc.width,
        doc.height,
        FRAME_PADDING,
        FRAME_PADDING,
        FRAME_PADDING,
        FRAME_PADDING,
        id="body",
        showBoundary=0,
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[body])])
    doc.build(headings_kept(story), canvasmaker=numbered_canvas(frame))
    return out.getvalue()
