"""The clinic reports' command line with files a person might give by mistake: the PDF and the CSV named
alike, each named as the other kind, a folder that is not there. Each is said by its option with what to do,
nothing is written, and no traceback reaches the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.persistence.db import sqlite_url
from tests.test_cli import run as cli

SPAN = ("--from", "2026-11-01", "--to", "2026-11-30")

pytestmark = pytest.mark.sqlite_only


@pytest.mark.parametrize("report", ["quality", "outcomes"])
@pytest.mark.parametrize(
    ("files", "says"),
    [
        (("--out", "same.pdf", "--csv", "same.pdf"), "would both be written to"),
        (("--out", "same.pdf", "--csv", "./same.pdf"), "would both be written to"),
        (("--out", "report.csv"), "--out writes the report as a PDF, but"),
        (("--csv", "report.pdf"), "--csv writes the report as CSV, but"),
    ],
)
def test_a_pdf_and_a_csv_each_go_to_a_file_of_their_own(
    database, db_path: Path, tmp_path: Path, capsys, monkeypatch, report: str, files: tuple[str, ...], says: str
):
    monkeypatch.chdir(tmp_path)
    assert cli("--database", sqlite_url(db_path), "report", report, *SPAN, *files) == 2
    err = capsys.readouterr().err
    assert says in err and "Give each its own file" in err and "Traceback" not in err
    assert not list(tmp_path.glob("same.*")) and not list(tmp_path.glob("report.*"))


def test_a_file_in_a_folder_that_is_not_there_is_named_by_its_whole_path(
    database, db_path: Path, tmp_path: Path, capsys, monkeypatch
):
    """Given as typed, relative: the message said "Nowhere/q.pdf", a name that is not the file's."""
    monkeypatch.chdir(tmp_path)
    assert cli("--database", sqlite_url(db_path), "report", "quality", *SPAN, "--out", "nowhere/q.pdf") == 2
    err = capsys.readouterr().err
    assert f"The file {tmp_path / 'nowhere' / 'q.pdf'} could not be written" in err, err
    assert "Choose a folder you can write to" in err and "Traceback" not in err
