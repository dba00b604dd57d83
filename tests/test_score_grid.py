"""The report's scores as whole hundredths: exact at every boundary the figures compare at, kept and read back
as the very cells and tables they were, and never finer than a table may be."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import numpy as np
import pytest

from core.outcomes.cohort import FormScore
from core.outcomes.grid import NO_SHAPE, NONE, ScoreGrid, Shape, Slots, hundredths
from core.outcomes.metrics import _reliable
from core.paths import resource_path
from core.promis import TABLES, PromisTables

SLOTS = Slots(("baseline", "end", "3m"), ("Pain interference", "Depression"))


def form(form_id: str, t: str, se: str | None, table: str = "T1", verify: bool = False) -> FormScore:
    return FormScore(form_id, Decimal(t), Decimal(se) if se else None, table, "ab" * 32, verify, 4, 4)


def test_a_score_is_its_hundredths_exactly_and_a_finer_one_is_refused():
    assert hundredths(Decimal("47.1")) == 4710
    assert hundredths(Decimal("-3.25")) == -325
    with pytest.raises(ValueError, match=re.escape("A stored score of PI_4a, 47.125, is finer than a hundredth")):
        hundredths(Decimal("47.125"), "PI_4a")


def test_a_table_finer_than_a_hundredth_is_refused_when_read():
    data = _shipped_data()
    form_id = next(key for key in data if not key.startswith("_"))
    raw = next(iter(data[form_id]["table"]))
    data[form_id]["table"][raw] = [41.125, 2.1]
    with pytest.raises(ValueError, match=f"{form_id}'s table gives 41.125"):
        PromisTables(data)


def _shipped_data() -> dict:
    return json.loads(resource_path(TABLES).read_text(encoding="utf-8"))


def test_a_change_exactly_at_the_reliable_index_counts_and_one_a_hundredth_short_does_not():
    """z = 1.96, SEs 3 and 4 (√(9 + 16) = 5): a change of 9.8 is exactly 1.96 × 5."""
    s = np.array([300**2 + 400**2] * 4, dtype=np.int64)
    d = np.array([980, 979, -980, -979], dtype=np.int64)
    assert _reliable(d, s, Decimal("1.96")) == (1, 1)
    # A z with more digits than a float holds exactly: 9.8 / 5 = 1.96 against 1.9600000000000001.
    assert _reliable(d, s, Decimal("1.9600000000000001")) == (0, 0)


def test_a_kept_row_reads_back_as_the_cells_and_tables_it_was():
    grid = ScoreGrid.empty(2, SLOTS)
    grid.put(
        [
            (0, SLOTS.column("baseline", "Pain interference"), form("PI_4a", "61.2", "2.3")),
            (0, SLOTS.column("3m", "Depression"), form("DEP_4a", "48.0", None, table="T2", verify=True)),
            (1, SLOTS.column("end", "Pain interference"), form("PI_4a", "55.0", "2.0")),
        ]
    )
    kept = grid.kept([0, 1])
    assert kept[0].shapes == json.dumps(
        [["PI_4a", "T1", "ab" * 32, False], ["DEP_4a", "T2", "ab" * 32, True]], separators=(",", ":")
    )

    read = ScoreGrid.empty(3, SLOTS)
    read.put([(0, SLOTS.column("end", "Depression"), form("DEP_4a", "48.0", None, table="T2", verify=True))])
    read.put_kept([2, 1], *zip(*kept, strict=True))
    assert (read.t[2] == grid.t[0]).all() and (read.t[1] == grid.t[1]).all()
    assert (read.se[2] == grid.se[0]).all() and read.se[2, SLOTS.column("3m", "Depression")] == NONE
    assert read.shapes == [Shape("DEP_4a", "T2", "ab" * 32, True), Shape("PI_4a", "T1", "ab" * 32, False)]
    named = [read.shapes[i] if i != NO_SHAPE else None for i in read.shape[2]]
    assert named == [grid.shapes[i] if i != NO_SHAPE else None for i in grid.shape[0]]
    assert [read.shapes[i] for i in read.shape[1] if i != NO_SHAPE] == [Shape("PI_4a", "T1", "ab" * 32, False)]
