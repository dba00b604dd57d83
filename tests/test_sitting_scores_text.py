"""A sitting's scores read from their short text piece by piece (``ScoresSeen.read_text``) are the scores the
JSON parser reads from it, whatever the texts inside hold: a table's name with ``],[`` in it, quotes,
backslashes, or what looks like a whole form."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from core.outcomes.cohort import ScoresSeen, StoredSitting, scores_text, stored_forms

TRICKY = st.sampled_from(["],[", '"', "\\", '],["PF",50.1,null,"t","s",false,8,8],[', "]]", "[[", ","])
TEXTS = st.lists(st.one_of(TRICKY, st.text(max_size=6)), max_size=4).map("".join)
NUMBERS = st.one_of(st.none(), st.decimals(min_value=10, max_value=90, places=1).map(float))
FORMS = st.fixed_dictionaries(
    {
        "form_id": st.one_of(st.sampled_from(["PF-4a", "PI-4a", "DEP-4a"]), TEXTS),
        "t_score": NUMBERS,
        "se": NUMBERS,
        "table": st.one_of(st.none(), TEXTS),
        "tables_sha256": st.one_of(st.none(), st.sampled_from(["ab12", "cd34"])),
        "to_verify": st.booleans(),
        "answered": st.integers(0, 8),
        "of": st.integers(0, 8),
    }
)


@given(sittings=st.lists(st.lists(FORMS, max_size=4), min_size=1, max_size=5))
def test_each_sitting_reads_as_the_json_parser_reads_it(sittings: list[list[dict]]) -> None:
    seen = ScoresSeen()  # shared, as by every sitting of one report: pieces seen before are found, not parsed
    for forms in sittings:
        stored = scores_text(forms)
        assert seen.read_text(stored) == stored_forms(forms)


def test_a_table_named_like_a_whole_form_is_not_read_as_one() -> None:
    """A quote-free name cut at each ``],[`` leaves a middle piece that is a form's text on its own, one
    already read in an earlier sitting; the piece before it, holding the name's opening quote, fails first."""
    seen = ScoresSeen()
    seen.read_text("[[1,2,3,4,5,6,7,8]]")  # its piece is now known
    tricky = {"form_id": "PF-4a", "t_score": 50.1, "table": "x],[1,2,3,4,5,6,7,8],[y", "to_verify": False}
    read = StoredSitting("p", None, scores_text([tricky]), seen).forms  # type: ignore[arg-type]
    assert read == stored_forms([tricky])
    assert len(read) == 1 and read[0].table == tricky["table"] and read[0].t_score == Decimal("50.1")
