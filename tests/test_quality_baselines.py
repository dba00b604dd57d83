"""Each set's baseline as the report's arrays fold it (``core.quality.rows.baselines_of``), held to the fold
written set by set: a full baseline set replaces the whole baseline, a partial one adds what it measured."""

from __future__ import annotations

import numpy as np
import pytest

from core.quality.rows import VITALS, baselines_of


def folded(session, values, before, partial) -> np.ndarray:
    """The baselines worked out one set at a time, in order."""
    bases = np.full(values.shape, np.nan)
    kept = np.full(values.shape[1], np.nan)
    for n in range(len(session)):
        if n == 0 or session[n] != session[n - 1]:
            kept = np.full(values.shape[1], np.nan)
        bases[n] = kept
        if before[n]:
            kept = np.where(np.isnan(values[n]), kept, values[n]) if partial[n] else values[n].copy()
    return bases


@pytest.mark.parametrize("with_partial", [False, True])
def test_baselines_are_the_fold_set_by_set(with_partial):
    rng = np.random.default_rng(20)
    n = 400
    session = np.sort(rng.integers(0, 40, n)).astype(np.int32)
    values = rng.uniform(40, 200, (n, len(VITALS)))
    values[rng.random(values.shape) < 0.2] = np.nan  # not measured
    before = rng.random(n) < 0.4
    partial = (rng.random(n) < 0.3) if with_partial else np.zeros(n, dtype=bool)
    expected = folded(session, values, before, partial)
    for layout in (np.ascontiguousarray(values), np.asfortranarray(values)):
        found = baselines_of(session, layout, before, partial)
        assert np.array_equal(found, expected, equal_nan=True)


def test_no_sets_have_no_baselines():
    found = baselines_of(np.zeros(0, np.int32), np.zeros((0, len(VITALS))), np.zeros(0, bool), np.zeros(0, bool))
    assert found.shape == (0, len(VITALS))
