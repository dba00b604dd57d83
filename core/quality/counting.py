"""What every figure of the quality report is built from: counts per 100 sessions, proportions (shared with
the outcome report's frame), and free-text reasons grouped."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from core.outcomes.metrics import COUNTED, PER_100, Figure, proportion

__all__ = ["Grouped", "grouped", "per_100", "proportion"]

TOP_REASONS = 8
"""Reasons listed by their words; the rest are counted together as "other reasons"."""
_SPACES = re.compile(r"\s+")


def per_100(key: str, section: str, measure: str, count: int, sessions: int, definition: str, note: str = "") -> Figure:
    """A count with its rate per 100 sessions (the denominator the definition names)."""
    return Figure(
        key=key,
        section=section,
        measure=measure,
        time_point="",
        numerator=count,
        denominator=sessions,
        value=100 * count / sessions if sessions else None,
        unit=PER_100,
        low=None,
        high=None,
        method=COUNTED,
        definition=definition,
        note=note,
    )


@dataclass(frozen=True)
class Grouped:
    """Free-text answers to one question (the reasons given for an override), grouped by their words: the
    same words count together whatever their case or spacing, shown as most often typed."""

    title: str
    rows: tuple[tuple[str, int], ...]
    """(words, how many), most frequent first; the last row gathers the rest ("other reasons")."""
    total: int


def grouped(title: str, answers: Iterable[str], top: int = TOP_REASONS) -> Grouped:
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    for answer in answers:
        words = _SPACES.sub(" ", answer).strip()
        key = words.casefold()
        counts[key] += 1
        spellings.setdefault(key, Counter())[words] += 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    rows = [(spellings[key].most_common(1)[0][0], count) for key, count in ordered[:top]]
    rest = sum(count for _, count in ordered[top:])
    if rest:
        rows.append((f"other reasons ({len(ordered) - top} different)", rest))
    return Grouped(title, tuple(rows), sum(counts.values()))
