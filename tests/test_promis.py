"""PROMIS short forms scored from the shipped tables: every table at its ends and in its middle, a form
with an item missing never scored, a form without a table refused by name, the shipped copy the very
file the clinical reference holds."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from core.errors import InputError
from core.paths import resource_path
from core.promis import TABLES, NotScorable, Scored, ShortForm, shipped

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "clinical" / "promis_tables.json"
FORMS = sorted(shipped().forms)


def answers_for(form: ShortForm, raw: int) -> dict[str, int]:
    """Item values adding up to ``raw``: each item as low as it goes, then raised in turn."""
    values = {item: min(form.values[item]) for item in form.items}
    for item in form.items:
        while sum(values.values()) < raw and values[item] < max(form.values[item]):
            values[item] += 1
    assert sum(values.values()) == raw
    return values


def test_the_shipped_tables_are_the_clinical_references_own():
    if not REFERENCE.exists():
        pytest.skip(f"the clinical reference is not beside this checkout ({REFERENCE})")
    shipped_copy = json.loads(resource_path(TABLES).read_text(encoding="utf-8"))
    assert shipped_copy == json.loads(REFERENCE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("form_id", FORMS)
def test_every_table_scores_its_ends_and_its_middle_as_written(form_id: str):
    """Against the shipped file read afresh (the test above holds it to the clinical reference)."""
    reference = json.loads(resource_path(TABLES).read_text(encoding="utf-8"), parse_float=Decimal)[form_id]
    form = shipped().form(form_id)
    low, high = form.raw_range
    for raw in (low, (low + high) // 2, high):
        scored = shipped().score(form_id, answers_for(form, raw))
        assert isinstance(scored, Scored) and scored.raw == raw
        t_score, se = reference["table"][str(raw)]
        assert (scored.t_score, scored.se) == (t_score, se)
        assert scored.table == f"{form_id} ({reference['version']})"


def test_a_form_with_an_item_unanswered_is_never_scored_nor_pro_rated():
    form = shipped().form("PI_4a_v1.0")
    answers: dict[str, int | None] = dict(answers_for(form, 12))
    answers[form.items[-1]] = None
    result = shipped().score("PI_4a_v1.0", answers)
    assert result == NotScorable("PI_4a_v1.0", 3, 4) and result.words == "not scorable (3 of 4 answered)"
    del answers[form.items[0]]
    assert shipped().score("PI_4a_v1.0", answers) == NotScorable("PI_4a_v1.0", 2, 4)


def test_a_form_without_a_shipped_table_is_refused_by_name():
    with pytest.raises(InputError, match=re.escape("no scoring table for the PROMIS form PI_6a_v1.0")) as caught:
        shipped().score("PI_6a_v1.0", {})
    assert "PI_4a_v1.0" in caught.value.advice


def test_a_value_an_item_cannot_take_or_an_item_of_another_form_is_refused():
    form = shipped().form("DEP_4a_v1.0")
    answers = answers_for(form, 8)
    with pytest.raises(InputError, match="takes one of 1, 2, 3, 4, 5; 6 was given"):
        shipped().score("DEP_4a_v1.0", {**answers, form.items[0]: 6})
    with pytest.raises(InputError, match=re.escape("PAININ9 is not an item of DEP_4a_v1.0")):
        shipped().score("DEP_4a_v1.0", {**answers, "PAININ9": 3})


def test_every_score_says_its_table_is_still_to_be_verified_while_the_file_says_so():
    form = shipped().form("PF_4a_v2.0")
    scored = shipped().score("PF_4a_v2.0", answers_for(form, 20))
    assert isinstance(scored, Scored) and scored.to_verify and form.higher_is_better
    assert scored.words.endswith("table still to be verified")
