"""Paths a person typed or a setting holds, beginning ``~name``: that user's home folder, or words when this
computer knows no such user (``Path.expanduser`` raised a bare error for it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import InputError
from core.outcomes.wording import WordingError, load_wording
from core.paths import expanded, save_folder

NOBODY = "~no-such-user-of-chairside"


def test_a_home_folder_is_made_whole_and_an_unknown_user_s_is_refused_by_its_field():
    assert expanded("~/x.pdf") == Path.home() / "x.pdf"
    assert expanded("/srv/x.pdf") == Path("/srv/x.pdf")
    with pytest.raises(InputError) as refused:
        expanded(f"{NOBODY}/x.pdf", "out")
    assert refused.value.field == "out"
    assert refused.value.message == f"“{NOBODY}” is not a user of this computer, so {NOBODY}/x.pdf cannot be found."


def test_a_save_folder_in_an_unknown_user_s_home_falls_back_to_the_next_place(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("CHAIRSIDE_HOME", str(tmp_path))
    (tmp_path / "documents").mkdir()
    assert save_folder(f"{NOBODY}/exports") == tmp_path / "documents"


def test_a_wording_file_in_an_unknown_user_s_home_is_a_wording_error():
    with pytest.raises(WordingError, match="is not a user of this computer"):
        load_wording(f"{NOBODY}/wording.json")
