"""A clinic's CSV of outcome forms: recorded whole when every row is good, nothing recorded otherwise, each
problem said by its line; a sitting already recorded is skipped and said; the command line asks the
importing nurse's password."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from cli.commands import main
from core import audit
from core.care import Care
from core.clock import ManualClock
from core.persistence.db import Database
from core.promis import shipped
from core.views import PatientView
from tests.helpers.clinic import T0
from tests.helpers.people import ANA_PASSWORD

pytestmark = pytest.mark.both_stores

PI_ITEMS = "PAININ9,PAININ22,PAININ31,PAININ34"
HEADER = f"mrn,taken_on,mode,{PI_ITEMS},EDANX01,EDANX40,EDANX41,EDANX53,pain_intensity"
TODAY = T0.astimezone().date()
YESTERDAY = (TODAY - timedelta(days=1)).isoformat()


def csv(*rows: str) -> bytes:
    return "\n".join((HEADER, *rows)).encode()


def test_a_good_file_is_recorded_row_by_row_and_scored(care: Care, patient: PatientView, nurses):
    data = csv(
        f"MRN-1001,{YESTERDAY},paper,4,3,4,3,2,2,,1,7",
        f"mrn-1001 ,{TODAY.isoformat()},,1,1,1,1,,,,,",  # a slip of case and a space: the same record
    )
    result = care.import_assessments(data, nurses[0].id)
    assert result.imported and result.problems == () and result.words == "2 sittings recorded."
    first, second = (done.assessment for done in result.recorded)
    assert [done.line for done in result.recorded] == [2, 3]
    raw14 = shipped().form("PI_4a_v1.0").table[14][0]
    assert (first.mode, first.taken_on.isoformat(), first.pain_intensity) == ("paper", YESTERDAY, 7)
    assert first.time_point == "baseline"  # the day before the course's first infusion
    assert (first.forms[0].t_score, first.forms[1].words) == (raw14, "not scorable (3 of 4 answered)")
    assert (second.mode, second.mode_words) == ("import", "Imported from the clinic's file")
    assert [f.form_id for f in second.forms] == ["PI_4a_v1.0"]  # the anxiety form was not asked at all
    assert care.assessments(patient.id) == [first, second]
    assert audit.verify(care.db).ok


def test_a_bad_row_anywhere_records_nothing_and_every_problem_is_said_by_its_line(
    care: Care, patient: PatientView, nurses
):
    data = csv(
        f"MRN-1001,{YESTERDAY},paper,4,3,4,3,,,,,7",  # good
        "MRN-9999,2026-11-20,,4,3,4,3,,,,,",  # nobody has this record number
        "MRN-1001,20/11/2026,,4,3,4,3,,,,,",  # not YYYY-MM-DD
        f"MRN-1001,{YESTERDAY},,6,3,4,3,,,,,",  # 6 is out of range
        f"MRN-1001,{YESTERDAY},,4,3,4,3,,,,,11",  # pain 0-10 only
        f"MRN-1001,{YESTERDAY},email,4,3,4,3,,,,,",  # no such way of asking
        f"MRN-1001,{YESTERDAY},,4,3\x07,4,3,,,,,",  # a control character
        f"MRN-1001,{(TODAY + timedelta(days=1)).isoformat()},,4,3,4,3,,,,,",  # still to come
        f"MRN-1001,{YESTERDAY},,,,,,,,,,",  # nothing answered
        f"MRN-1001,{YESTERDAY},4,3",  # too few cells
    )
    result = care.import_assessments(data, nurses[0].id)
    assert not result.imported and result.recorded == ()
    said = {p.line: p.words for p in result.problems}
    assert sorted(said) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "No patient has the record number MRN-9999" in said[3]
    assert "“20/11/2026” is not a date" in said[4] and "YYYY-MM-DD" in said[4]
    assert said[5].startswith("Line 5: PAININ9: “6” is not a value it takes (1 to 5)")
    assert "pain_intensity: “11”" in said[6] and "(0 to 10)" in said[6]
    assert "mode “email”" in said[7]
    assert "control characters" in said[8]
    assert "is still to come" in said[9]
    assert "Nothing was answered" in said[10]
    assert "It has 4 cells where the header has 12" in said[11]
    assert result.words.startswith("Nothing was imported: 9 problems")
    assert care.assessments(patient.id) == []


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b"", 1, "The file is empty"),
        (b"\n\n", 1, "The file is empty"),
        (HEADER.encode(), 1, "no sittings under it"),
        (b"mrn,taken_on,PAININ9\nMRN-1001,2026-11-20,\xff\n", 2, "not UTF-8"),
        (b"mrn,taken_on,PAININ99\n", 1, "PAININ99 is not an item of any PROMIS form Chairside scores"),
        (b"mrn,taken_on,PAININ12\n", 1, "PAININ12 is an item of PI_8a_v1.0, which is not one of the protocol's"),
        (b"mrn,PAININ9\n", 1, "The header has no “taken_on” column"),
        (b"mrn,taken_on,PAININ9,PAININ9\n", 1, "The column PAININ9 is there twice"),
        (b'mrn,taken_on,PAININ9\n"MRN-1001,2026-11-20,4\n', 2, "This is not a CSV file"),
    ],
)
def test_a_file_that_cannot_be_read_as_the_format_says_what_is_wrong(
    care: Care, patient: PatientView, nurses, data: bytes, line: int, words: str
):
    result = care.import_assessments(data, nurses[0].id)
    assert not result.imported
    assert any(p.line == line and words in p.words for p in result.problems), result.problems
    assert care.assessments(patient.id) == []


def test_a_sitting_already_recorded_is_skipped_and_said(care: Care, patient: PatientView, nurses):
    care.record_assessment(
        patient.id,
        {"PI_4a_v1.0": {"PAININ9": 4, "PAININ22": 3, "PAININ31": 4, "PAININ34": 3}},
        mode="phone",
        by=nurses[0].id,
        taken_on=YESTERDAY,
        pain_intensity=7,
    )
    data = csv(
        f"MRN-1001,{YESTERDAY},,4,3,4,3,,,,,7",  # as entered on the screen yesterday
        f"MRN-1001,{YESTERDAY},,4,3,4,2,,,,,7",  # one answer differs: another sitting
        f"MRN-1001,{YESTERDAY},,4,3,4,2,,,,,7",  # the line above, twice
    )
    result = care.import_assessments(data, nurses[0].id)
    assert result.imported and [done.line for done in result.recorded] == [3]
    assert [p.line for p in result.skipped] == [2, 4]
    assert "already recorded (by phone" in result.skipped[0].words
    assert "the same answers as line 3" in result.skipped[1].words
    assert result.words == "1 sitting recorded; 2 already recorded, skipped."
    again = care.import_assessments(data, nurses[0].id)
    assert again.recorded == () and len(again.skipped) == 3
    assert len(care.assessments(patient.id)) == 2


def test_the_command_line_imports_in_the_name_of_the_nurse_who_gives_her_password(
    care: Care,
    database: Database,
    patient: PatientView,
    nurses,
    clock: ManualClock,
    tmp_path: Path,
    capsys,
    monkeypatch,
):
    path = tmp_path / "outcomes.csv"
    path.write_bytes(csv(f"MRN-1001,{YESTERDAY},phone,4,3,4,3,,,,,7"))
    argv = [
        "--database",
        database.url.render_as_string(hide_password=False),
        "outcomes",
        "import",
        str(path),
        "--as",
        "ana",
    ]
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": "not her password")
    assert main(lambda _url: 0, argv, clock) == 2
    assert care.assessments(patient.id) == []
    asked: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt="": asked.append(prompt) or ANA_PASSWORD)
    assert main(lambda _url: 0, argv, clock) == 0
    assert asked == ["Password of ana: "]
    out = capsys.readouterr().out
    assert "1 sitting recorded." in out and "Line 2: MRN-1001" in out and "(baseline)" in out
    (taken,) = care.assessments(patient.id)
    assert (taken.mode, taken.recorded_by) == ("phone", nurses[0].name)
    assert main(lambda _url: 0, argv, clock) == 0  # the same file again: skipped, said
    assert "already recorded" in capsys.readouterr().out
    path.write_bytes(csv("MRN-1001,yesterday,,4,3,4,3,,,,,"))
    assert main(lambda _url: 0, argv, clock) == 1
    assert "Line 2: taken_on" in capsys.readouterr().out
    assert main(lambda _url: 0, [*argv[:4], str(tmp_path / "none.csv"), "--as", "ana"], clock) == 2
    assert "There is no file" in capsys.readouterr().err
