"""The clinic's licensed PROMIS wording, read from its own file: checked whole, refused with a clear message,
never shipped. The wording here is made up (the real wording is the copyright holder's)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.outcomes.wording import WordingError, clinic_wording, load_wording
from core.paths import ROOT

MADE_UP = {
    "notice": "Made-up test wording © Nobody. Not PROMIS text.",
    "items": {"PAININ9": "Test item nine, made up", "PAININ22": "Test item twenty-two, made up"},
}


def written(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "wording.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def test_a_good_file_gives_each_item_its_words_and_the_notice(tmp_path: Path):
    wording = load_wording(written(tmp_path, MADE_UP))
    assert wording.notice == MADE_UP["notice"]
    assert (wording.of("PAININ9"), wording.of("PAININ31")) == ("Test item nine, made up", None)
    assert clinic_wording(str(written(tmp_path, MADE_UP)))[0] == wording


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("{not json", "is not a JSON file in UTF-8"),
        ({"items": MADE_UP["items"]}, "must hold exactly a “notice” and its “items”"),
        ({"notice": "n", "items": {"PAININ99": "x"}}, "words items no form Chairside scores has: PAININ99"),
        ({"notice": "n", "items": {"PAININ9": "bell\x07"}}, "characters that cannot be shown"),
        ({"notice": "", "items": {"PAININ9": "x"}}, "has no copyright notice"),
        ({"notice": "n", "items": {"PAININ9": 3}}, "item PAININ9 has no words"),
        ({"notice": "n", "items": {"PAININ9": "x" * 501}}, "too long"),
    ],
)
def test_a_file_that_cannot_be_used_is_refused_whole_with_what_to_fix(tmp_path: Path, content: object, said: str):
    path = written(tmp_path, content)
    with pytest.raises(WordingError) as refused:
        load_wording(path)
    assert said in str(refused.value) and str(path) in str(refused.value)
    assert "show the item ids" in refused.value.advice
    assert clinic_wording(str(path)) == (None, str(refused.value))


def test_a_missing_file_is_said_and_no_file_named_is_no_problem(tmp_path: Path):
    wording, problem = clinic_wording(str(tmp_path / "gone.json"))
    assert wording is None and problem is not None and "is not there" in problem
    assert clinic_wording("") == (None, None)


def test_no_wording_is_shipped():
    """Neither the resources nor the code carry an item's words: only ids and values."""
    shipped_json = [p for p in (ROOT / "resources").rglob("*.json") if "wording" in p.name.lower()]
    assert shipped_json == []
