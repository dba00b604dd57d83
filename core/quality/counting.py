"""Free-text answers grouped for the quality report: the reasons given for overrides, counted by their words."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

TOP_REASONS = 8
"""Reasons listed by their words; the rest are counted together as "other reasons"."""
_SPACES = re.compile(r"\s+")


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
