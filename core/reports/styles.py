"""Every size, font and paragraph style the printouts use, in one place.

Printouts are read in black and white, photocopied and faxed: emphasis is weight, boxes and words,
never colour alone. The fonts are bundled (DejaVu, in resources/fonts) so a printout looks the same on
every workstation and carries any patient's name, whatever its accents.
"""

from __future__ import annotations

from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import TableStyle

from core.paths import resource_path

PAGE_SIZES = {"A4": A4, "Letter": LETTER}
MARGIN = 16 * mm
HEADER_HEIGHT = 14 * mm
FOOTER_HEIGHT = 12 * mm

SANS = "ChairsideSans"
SANS_BOLD = "ChairsideSans-Bold"
MONO = "ChairsideMono"
FONT_FILES = {SANS: "DejaVuSans.ttf", SANS_BOLD: "DejaVuSans-Bold.ttf", MONO: "DejaVuSansMono.ttf"}

INK = colors.black
RULE = colors.Color(0.45, 0.45, 0.45)
SHADE = colors.Color(0.9, 0.9, 0.9)
"""Light grey for table heads and flagged rows: it survives a photocopier and never carries meaning alone."""


@cache
def register_fonts() -> None:
    """Once per process: ReportLab keeps registered fonts globally."""
    for name, file in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(resource_path(f"fonts/{file}"))))
    pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD, italic=SANS, boldItalic=SANS_BOLD)


def text(value: object) -> str:
    """Free text made safe for Paragraph markup: a name with '&' or '<' prints as typed."""
    return escape("" if value is None else str(value))


class Styles:
    """The paragraph styles by use; made after the fonts are registered."""

    def __init__(self) -> None:
        register_fonts()
        base = ParagraphStyle("body", fontName=SANS, bulletFontName=SANS, fontSize=9.5, leading=12.5, textColor=INK)
        self.body = base
        self.small = ParagraphStyle("small", parent=base, fontSize=8, leading=10)
        self.fine = ParagraphStyle("fine", parent=base, fontSize=7, leading=8.5)
        self.title = ParagraphStyle("title", parent=base, fontName=SANS_BOLD, fontSize=15, leading=19, spaceAfter=4)
        self.heading = ParagraphStyle(
            "heading", parent=base, fontName=SANS_BOLD, fontSize=11, leading=14, spaceBefore=8, spaceAfter=3
        )
        self.label = ParagraphStyle("label", parent=base, fontName=SANS_BOLD, fontSize=8.5, leading=11)
        self.cell = ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5)
        self.cell_bold = ParagraphStyle("cell_bold", parent=self.cell, fontName=SANS_BOLD)
        self.right = ParagraphStyle("right", parent=self.cell, alignment=TA_RIGHT)
        self.mono = ParagraphStyle("mono", parent=base, fontName=MONO, fontSize=8.5, leading=11)
        self.warning = ParagraphStyle(
            "warning",
            parent=base,
            fontName=SANS_BOLD,
            borderColor=INK,
            borderWidth=1,
            borderPadding=5,
            spaceBefore=6,
            spaceAfter=8,
        )
        self.large = ParagraphStyle("large", parent=base, fontSize=12, leading=16)
        self.large_bold = ParagraphStyle("large_bold", parent=self.large, fontName=SANS_BOLD)
        # The patient's going-home sheet: large type (12 pt and up) for readers without their glasses.
        self.sheet_title = ParagraphStyle("sheet_title", parent=self.large_bold, fontSize=18, leading=22, spaceAfter=2)
        self.sheet_heading = ParagraphStyle(
            "sheet_heading", parent=self.large_bold, fontSize=14, leading=17, spaceBefore=5, spaceAfter=1
        )
        self.sheet_item = ParagraphStyle(
            "sheet_item",
            parent=self.large,
            leading=14.5,
            leftIndent=16,
            bulletIndent=3,
            bulletFontName=SANS,
            bulletFontSize=12,
            spaceAfter=1,
        )


CELL_PADDING = 3
"""Points left and right of the words in a ruled table's cell."""
CELL_FONT = ("FONT", (0, 0), (-1, -1), SANS, 8.5)
"""Every table sets its cells' font: ReportLab's default, Helvetica, would be listed in the file though never
drawn (the cells hold paragraphs), and not embedded."""


def grid(head_rows: int = 1) -> TableStyle:
    """A plain ruled table with a shaded head row, readable in black and white."""
    head = [("BACKGROUND", (0, 0), (-1, head_rows - 1), SHADE)] if head_rows else []
    return TableStyle(
        [
            *head,
            CELL_FONT,
            ("GRID", (0, 0), (-1, -1), 0.4, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
    )


def key_values() -> TableStyle:
    """Label/value pairs without rules: the summary's facts block."""
    return TableStyle(
        [
            CELL_FONT,
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ]
    )
