"""A report's heading is never left alone at the foot of a page with what it heads overleaf (the outcome report
printed "Session adherence" as page 1's last line, its definitions and figures on page 2)."""

from __future__ import annotations

import io

from pypdf import PdfReader
from reportlab.platypus import Paragraph, Spacer, Table

from core.reports.styles import FOOTER_HEIGHT, HEADER_HEIGHT, MARGIN, PAGE_SIZES, Styles
from core.reports.templates import FRAME_PADDING, PageFrame, build_pdf

FRAME = PageFrame(clinic="Test clinic", document="Heading check", printed_at="2026-11-26 13:00", printed_by="Ana")
HEADING, LABEL, FOLLOWING = "Session adherence", "Slowest acknowledgements", "What the heading heads"


def pages_of(story) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(build_pdf(story, FRAME, "A4"))).pages]


def test_a_heading_or_a_tables_label_goes_overleaf_with_what_it_heads():
    s = Styles()
    room = PAGE_SIZES["A4"][1] - 2 * MARGIN - HEADER_HEIGHT - FOOTER_HEIGHT - 2 * FRAME_PADDING
    for style, words in ((s.heading, HEADING), (s.label, LABEL)):
        overleaf = 0
        for gap in range(60, 0, -2):  # the heading lower and lower on page 1, across the point it would be alone
            pages = pages_of([Spacer(0, room - gap), Paragraph(words, style), Paragraph(FOLLOWING, s.body)])
            where = [i for i, page in enumerate(pages) if words in page]
            assert where and FOLLOWING in pages[where[0]], (words, gap, pages)
            overleaf += where[0] == 1
        assert overleaf, "the heading never reached the foot of page 1: the test proves nothing"


def test_a_heading_over_a_long_table_starts_where_there_is_room_and_the_table_splits():
    """Kept with the whole table, the heading and a listing longer than the page left would start overleaf,
    leaving half a page blank."""
    s = Styles()
    room = PAGE_SIZES["A4"][1] - 2 * MARGIN - HEADER_HEIGHT - FOOTER_HEIGHT - 2 * FRAME_PADDING
    for style, words in ((s.heading, HEADING), (s.label, LABEL)):
        rows = Table([[f"row {n}", "figure"] for n in range(80)])
        pages = pages_of([Spacer(0, room / 2), Paragraph(words, style), rows])
        assert words in pages[0] and "row 0" in pages[0] and "row 79" in pages[-1]
