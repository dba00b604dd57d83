"""The day log on paper, tested the way it is read: the text taken back out of the PDF, on both paper
sizes, with a made-up extreme day of 60 sessions whose names are 40 characters long."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table

from core.attention import TECHNICAL_WORDS
from core.day_log import DayLog, DayLogEntry, DayLogFilters, ExceptionKind, Flag, arrange
from core.machine import Outcome, Step
from core.reports.day_log_pdf import day_log_pdf, day_log_story
from core.reports.plain import Plain
from core.reports.styles import MARGIN, PAGE_SIZES, Styles

DAY = date(2026, 11, 26)
FAMILY = "Featherstonehaugh-Montgomery-Wolfeschlegel"[:30]
GIVEN = "Arabella Constance"
"""A 40-character name once written "FAMILY, Given" (30 + 2 + 8 would be short: the given name adds 18)."""


def extreme_entry(n: int) -> DayLogEntry:
    """Session ``n`` of a day that went wrong in every way at once, with long words everywhere."""
    family = f"{FAMILY}{n:02d}"
    flags = tuple(
        Flag(kind, f"{kind.value} of session {n}: " + "words that go on and on " * 3) for kind in ExceptionKind
    )
    return DayLogEntry(
        session_id=f"session-{n:02d}",
        patient_id=f"patient-{n:02d}",
        opened_at=datetime(2026, 11, 26, 7, 0, tzinfo=UTC) + timedelta(minutes=9 * n),
        time=f"{7 + 9 * n // 60:02d}:{9 * n % 60:02d}",
        chair=n % 12 + 1,
        patient=f"{family.upper()}, {GIVEN}",
        mrn=f"MRN-{n:06d}-LONGRECORDNUMBER",
        step=Step.SIGN,
        outcome=Outcome.STOPPED_EARLY,
        status="To sign · stopped early",
        dose_mg=Decimal("99.9"),
        dosed_by="Maximiliana Ottilie Featherstonehaugh-Lee",
        checked_by="Bartholomew Ignatius Wolfeschlegelsteinh",
        alerts=12,
        open_alerts=3,
        adverse_events=("Hallucinations (severe)", "Visual disturbance (blurred or double vision, nystagmus) (severe)"),
        overrides=(
            "Second infusion today: Dr Amara Patel-Okonkwo by telephone, pain crisis overnight",
            "Weight change of 12.5 % confirmed",
            "Dose over the soft limit: Dr Amara Patel-Okonkwo, full dose as ordered",
            "Start go-ahead: Dr Amara Patel-Okonkwo, baseline blood pressure usual for this patient",
            "Discharge override: escort waiting in the car park, Aldrete 8",
        ),
        stopped_early="vital signs or sedation, after 23.5 min (about 58.7 mg)",
        drawn_mg=Decimal("100.0"),
        given_mg=Decimal("58.7"),
        wasted_mg=Decimal("41.3"),
        workstations=("bay-one-front-desk", "bay-two-window"),
        nurse_ids=frozenset({"a", "b"}),
        flags=flags,
        last_seq=80,
        vial_wasted_mg=Decimal("100.0"),
        returned_mg=Decimal("0"),
        vial_left_mg=Decimal("0"),
        technical=(
            f"{TECHNICAL_WORDS}Pump checked after a restart at 09:41: found stopped",
            f"{TECHNICAL_WORDS}The computer's clock is behind the record: check the time (open now)",
        ),
    )


@pytest.fixture(scope="module")
def extreme() -> DayLog:
    names = {"a": "Maximiliana Ottilie Featherstonehaugh-Lee", "b": "Bartholomew Ignatius Wolfeschlegelsteinh"}
    return arrange(DAY, [extreme_entry(n) for n in range(60)], names, DayLogFilters(), 15)


def text_of(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(BytesIO(pdf))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def squeezed(words: str) -> str:
    """Wrapped cells put line breaks inside names: compare without any white space."""
    return "".join(words.split())


@pytest.mark.parametrize(("paper", "width"), [("A4", 595), ("Letter", 612)])
def test_sixty_sessions_with_long_names_print_whole_on_the_clinic_paper(extreme: DayLog, paper: str, width: int):
    reader, words = text_of(day_log_pdf(extreme, "Test clinic", paper, "2026-11-26 18:02", "Helen Achterberg"))
    pages = len(reader.pages)
    assert all(round(page.mediabox.width) == width for page in reader.pages)  # portrait, the clinic's paper
    assert all(f"Page {n} of {pages}" in reader.pages[n - 1].extract_text() for n in range(1, pages + 1))
    flat = squeezed(words)
    for entry in extreme.entries:
        assert flat.count(squeezed(entry.patient)) == 1 + len(entry.flags)  # the table, and each exception
        assert squeezed(entry.mrn) in flat
    for override in extreme.entries[0].overrides:
        assert squeezed(override) in flat
    assert squeezed(f"Exceptions ({60 * len(ExceptionKind)})") in flat and squeezed("Sessions (60)") in flat
    assert flat.index("Exceptions(") < flat.index("Sessions(") < flat.index("Totals")
    technical = "Technical alarms: Pump checked after a restart at 09:41: found stopped;"  # said once, not twice
    assert flat.count(squeezed(technical)) == 60
    drug = "Drawn up Given Wasted Vials' rests wasted Vials' rests returned Vials' rests to account for"
    assert squeezed(f"{drug} 6000.0 mg 3522.0 mg 2478.0 mg 6000.0 mg 0 mg 0 mg") in flat
    assert extreme.content_hash in flat


def cells(story: list) -> list[tuple[str, Paragraph | Plain, float]]:
    """Every paragraph in a table cell with its column's head and the width it is given (across every
    column it spans), in the page's frame on A4."""
    found = []
    frame = PAGE_SIZES["A4"][0] - 2 * MARGIN - 12  # the frame's own padding, 6 points each side
    for table in (flowable for flowable in story if isinstance(flowable, Table)):
        table.wrap(frame, 10_000)
        head = [cell[0].text for cell in table._cellvalues[0]]
        for r, row in enumerate(table._cellvalues):
            for c, cell in enumerate(row):
                span = getattr(table, "_spanRanges", {}).get((c, r), (c, r, c, r))
                if span is None:
                    continue  # covered by a spanning cell
                width = sum(table._colWidths[span[0] : span[2] + 1]) - 6  # padding 3 + 3 (styles.grid)
                found += [(head[c], paragraph, width) for paragraph in cell]
    return found


def test_no_cell_runs_into_the_next_one(extreme: DayLog):
    """Every line of every cell fits its column: a long name or word wraps or breaks, never overflows; and
    times and chair numbers are never broken in two."""
    found = cells(day_log_story(extreme, Styles()))
    assert len(found) > 60 * 8
    for column, paragraph, width in found:
        paragraph.wrap(width, 10_000)
        style = paragraph.style
        if isinstance(paragraph, Plain):  # text as typed: every line within the column, its spaces narrowed at most
            squeeze = style.spaceShrinkage * stringWidth(" ", style.fontName, style.fontSize)
            lines = paragraph.lines_at(width)
            assert all(room >= -squeeze * spaces - 0.01 for _, room, spaces in lines), (paragraph.text, width)
            if column in {"Time", "Chair", "Dose mg"} and paragraph.text != column:
                assert len(lines) == 1, (column, paragraph.text)
            continue
        lines = paragraph.blPara.lines
        squeeze = style.spaceShrinkage * stringWidth(" ", style.fontName, style.fontSize)
        for line in lines:
            spare, words = (line.extraSpace, line.wordCount) if hasattr(line, "extraSpace") else (line[0], len(line[1]))
            # ReportLab narrows the spaces of a line a little to fit it, never the words.
            assert spare >= -squeeze * (words - 1) - 0.01, (paragraph.text, width)
        if column in {"Time", "Chair", "Dose mg"} and paragraph.text != column:
            assert len(lines) == 1, (column, paragraph.text)


def test_an_empty_day_says_so(extreme: DayLog):
    empty = replace(arrange(DAY, [], {}, DayLogFilters(chair=3), 15))
    _, words = text_of(day_log_pdf(empty, "Test clinic", "A4", "2026-11-26 18:02", "Helen Achterberg"))
    assert "No sessions were opened on this day." in words
    assert "Only chair 3" in words
