"""The page around every printout, read back from the PDF: identifiers and page n of m on every page."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader
from reportlab.platypus import PageBreak, Paragraph

from core.reports.styles import Styles, text
from core.reports.templates import PageFrame, build_pdf

PATIENT = "NGUYỄN-FEATHERSTONEHAUGH, Thị Lan Arabella Victoria · born 1961-05-09 · MRN DEMO-000107"
FRAME = PageFrame("DEMO clinic", "Session summary", "2026-11-26 10:42", "Ana Reyes", PATIENT, "ab" * 32)


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def test_every_page_carries_the_patient_the_page_count_the_printer_and_the_hash():
    styles = Styles()
    story = [Paragraph("first", styles.body), PageBreak(), Paragraph("second", styles.body), PageBreak()]
    story.append(Paragraph("third", styles.body))
    read = pages(build_pdf(story, FRAME, "A4"))
    assert len(read) == 3
    for number, page in enumerate(read, start=1):
        assert PATIENT in page  # a long name shrinks to fit rather than being cut
        assert f"Page {number} of 3" in page
        assert "Printed 2026-11-26 10:42 by Ana Reyes" in page
        assert "ab" * 32 in page


def test_free_text_prints_as_typed_and_the_same_input_gives_the_same_bytes():
    styles = Styles()
    story = [Paragraph(text('Reason: BP <90 & patient said "stop"'), styles.body)]
    first = build_pdf(story, FRAME, "Letter")
    assert 'Reason: BP <90 & patient said "stop"' in pages(first)[0]
    assert first == build_pdf([Paragraph(text('Reason: BP <90 & patient said "stop"'), styles.body)], FRAME, "Letter")
    assert PdfReader(BytesIO(first)).pages[0].mediabox.width == 612  # Letter, in points
