"""Cells printed as typed (core.reports.plain): what a nurse typed prints literally, long text wraps inside its
column, a character with no glyph shows as a mark, and a cell's lines break where a paragraph's would."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table

from core.care import Care
from core.clock import ManualClock
from core.day_log import day_log
from core.persistence.db import Database
from core.reports.day_log_pdf import day_log_pdf
from core.reports.plain import REPLACEMENT, Labelled, Plain, set_lines
from core.reports.session_summary import Printing, session_summary
from core.reports.styles import Styles, grid
from core.reports.templates import PageFrame, build_pdf
from tests.helpers.clinic import PRESCRIBER, T0
from tests.helpers.sessions import prepare

PRINTING = Printing("Test clinic", "A4", "2026-11-26 16:05", "Ben Okafor")
MARKUP = "<b>line</b> & <i>flush</i> A&amp;B <br/> 3 < 4 > 2"
"""Text that a paragraph would take for markup (and drop, or fail on): it must print exactly as typed."""
LONG = " ".join(["occlusion alarm at the distal line, flushed and re-sited;"] * 6)[:300]


def read(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def squeezed(words: str) -> str:
    return "".join(words.split())


def fits(cell: Plain, width: float) -> list[str]:
    """The cell's lines at ``width``, each checked to fit it as drawn: its spaces may be narrowed a little (as a
    paragraph's are), never its letters."""
    cell.wrap(width, 10_000)
    style = cell.style
    narrowing = style.spaceShrinkage * stringWidth(" ", style.fontName, style.fontSize)
    for words, room, spaces in set_lines(cell.text, style.fontName, style.fontSize, width, style.spaceShrinkage):
        assert room >= -narrowing * spaces - 1e-6, words
        assert abs(width - room - stringWidth(words, style.fontName, style.fontSize)) < 1e-6, words
    return cell.lines(width)


def test_markup_typed_by_a_nurse_prints_literally_on_the_summary(care: Care, patient, nurses, clock: ManualClock):
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=2)
    care.pause(sid, MARKUP, first.id)
    clock.advance(minutes=1)
    care.resume(sid, first.id)
    clock.advance(minutes=1)
    care.pause(sid, LONG, first.id)
    words = read(session_summary(care.session_snapshot(sid), PRINTING))
    assert f"Paused: {MARKUP}" in " ".join(words.split())
    assert squeezed(f"Paused: {LONG}") in squeezed(words)  # wrapped over lines, every word there


def test_markup_in_a_name_prints_literally_on_the_day_log(care: Care, database: Database, nurses, clock: ManualClock):
    first, _ = nurses
    family = "Smith & <b>Sons</b>"
    patient = care.register_patient("MRN-<&>-1", family, "Ann", "1960-02-02", by=first.id, confirm_new=True)
    care.record_course(patient.id, PRESCRIBER, T0.astimezone().date().isoformat(), "5", by=first.id)
    prepare(care, patient, nurses)
    log = day_log(database, care.protocol, T0.astimezone().date(), clock.now() + timedelta(minutes=1))
    words = read(day_log_pdf(log, "Test clinic", "A4", "2026-11-26 18:02", "Ben Okafor"))
    assert squeezed(f"{family.upper()}, Ann") in squeezed(words)
    assert "(MRN-<&>-1)" in words


def test_a_300_character_note_wraps_within_its_cell():
    s = Styles()
    width = 0.69 * 400  # the summary's "What" column, on a narrow frame
    cell = Plain(LONG, s.cell)
    lines = fits(cell, width)
    assert len(lines) >= 4
    assert " ".join(lines) == " ".join(LONG.split())  # every word, in order, none cut
    assert cell.height == len(lines) * s.cell.leading


def test_a_word_longer_than_the_column_is_broken_between_letters():
    word = "x" * 300
    lines = fits(Plain(word, Styles().cell), 80)
    assert len(lines) > 3 and "".join(lines) == word


def test_a_line_break_typed_starts_a_new_line():
    assert fits(Plain("first line\nsecond", Styles().cell), 300) == ["first line", "second"]


def test_characters_with_no_glyph_print_as_a_mark():
    s = Styles()
    cell = Plain("bell\x07 tab\there nul\x00 lone\ud800", s.cell)
    assert cell.text == f"bell{REPLACEMENT} tab here nul{REPLACEMENT} lone{REPLACEMENT}"
    table = Table([[Plain("Head", s.label)], [cell]], colWidths=["100%"])
    table.setStyle(grid())
    words = read(build_pdf([table], PageFrame("Test clinic", "Test", "2026-11-26 18:02", "Ben Okafor"), "A4"))
    assert f"bell{REPLACEMENT} tab here nul{REPLACEMENT} lone{REPLACEMENT}" in words


@pytest.mark.parametrize("width", [60, 90, 140, 230])
@pytest.mark.parametrize(
    "words",
    [
        "FEATHERSTONEHAUGH-MONTGOMERY-WOLFE07, Arabella Constance",
        "Dose: Maximiliana Ottilie Featherstonehaugh-Lee",
        "20 min into infusion: missed; End of infusion: missed; 15 min after end: missed",
        "To sign · stopped early",
    ],
)
def test_a_plain_cell_breaks_its_lines_where_a_paragraph_would(words: str, width: float):
    """So a cell looks the same whichever of the two holds it."""
    s = Styles()
    paragraph = Paragraph(words, s.cell)
    paragraph.wrap(width, 10_000)
    expected = [" ".join(line[1]) for line in paragraph.blPara.lines]
    assert fits(Plain(words, s.cell), width) == expected


def test_reportlab_runs_its_c_accelerator():
    """rl-accel is pinned in pyproject.toml: ReportLab's text widths and PDF numbers come from its C module,
    not the pure-Python fallbacks it uses silently when the module is missing (the printouts' speed)."""
    from reportlab.lib import rl_accel

    assert not rl_accel._py_funcs, f"ReportLab falls back to Python for {sorted(rl_accel._py_funcs)}"
    assert type(rl_accel.instanceStringWidthTTF).__name__ == "builtin_function_or_method"


def test_a_labelled_cell_prints_its_words_literally_and_wraps_within_the_column():
    """The day log's line under a session: bold labels, then what was recorded, markup and all."""
    s = Styles()
    runs = [("Overrides: ", s.cell_bold.fontName), (f"{MARKUP}; {LONG}. ", s.cell.fontName)]
    cell = Labelled(runs, s.cell)
    width = 300
    cell.wrap(width, 10_000)
    narrowing = s.cell.spaceShrinkage * stringWidth(" ", s.cell_bold.fontName, s.cell.fontSize)
    lines = cell.lines_at(width)
    assert len(lines) >= 4
    for words, room, spaces in lines:
        assert room >= -narrowing * spaces - 1e-6, words
    assert " ".join(cell.lines(width)) == " ".join(f"Overrides: {MARKUP}; {LONG}.".split())
    table = Table([[Plain("Head", s.label)], [cell]], colWidths=[width + 6])
    table.setStyle(grid())
    words = read(build_pdf([table], PageFrame("Test clinic", "Test", "2026-11-26 18:02", "Ben Okafor"), "A4"))
    assert f"Overrides: {MARKUP}" in " ".join(words.split())
