"""Every printout as a file a records office keeps: valid to ``qpdf --check``, every font embedded (no
standard font listed and never drawn), and on every page the hash of the record it was printed from, so
separated pages can be matched to the record and to each other."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from core.care import Care
from core.clock import ManualClock
from core.content_hashes import record_hash
from tests.print_system import tool
from tests.test_printout_words import pages_of, printouts, rich_day

HASH = re.compile(r"SHA-256(?: of the records of the (\d+) sessions on this sheet)? ([0-9a-f]{64})")


@pytest.fixture
def made(care: Care, nurses, clock: ManualClock, tmp_path: Path) -> dict[str, Path]:
    files = {}
    for name, pdf in printouts(care, rich_day(care, nurses, clock), clock).items():
        files[name] = tmp_path / f"{name.replace(' ', '-')}.pdf"
        files[name].write_bytes(pdf)
    return files


def test_every_printout_passes_qpdf_and_embeds_every_font_it_lists(made: dict[str, Path]) -> None:
    for name, path in made.items():
        checked = subprocess.run([tool("qpdf"), "--check", str(path)], capture_output=True, text=True, check=False)
        assert checked.returncode == 0, f"{name}: {checked.stdout}{checked.stderr}"
        fonts = subprocess.run([tool("pdffonts"), str(path)], capture_output=True, text=True, check=True).stdout
        listed = fonts.splitlines()[2:]
        assert listed, f"{name}: no fonts"
        for line in listed:
            assert "Helvetica" not in line, f"{name}: {line}"
            assert re.search(r"\s(yes)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", line), f"{name}: not embedded: {line}"


def test_every_page_of_every_printout_carries_the_hash_of_its_record(care: Care, made: dict[str, Path]) -> None:
    for name, path in made.items():
        pages = pages_of(path.read_bytes())
        footers = [HASH.findall(" ".join(page.split()))[-1:] for page in pages]  # the footer is drawn last
        assert all(footers), f"{name}: a page without its record's hash"
        assert len({footer[0][1] for footer in footers}) == 1, f"{name}: pages disagree"


def test_a_handoff_of_several_chairs_is_hashed_over_the_sessions_it_prints_and_says_so(
    care: Care, made: dict[str, Path]
) -> None:
    views = {view.chair: view for view in care.chairs()}
    events = [event for chair in (1, 3, 4) for event in views[chair].state.events]
    assert footer(made["handoff"]) == ("3", record_hash(events))
    assert footer(made["handoff of the paused chair"]) == ("", record_hash(views[1].state.events))


def footer(path: Path) -> tuple[str, str]:
    """The hash at the foot of the first page, and how many sessions it covers ("" for one)."""
    return HASH.findall(" ".join(pages_of(path.read_bytes())[0].split()))[-1]
