"""Telling whether two patient records may be the same person.

A second record for one patient splits their history (a course, their outcomes, an allergy on one
record and not the other). Names are compared without case, accents or punctuation, also with family
and given names swapped (a common registration slip), and are "similar" when nearly the same letters.
"""

from __future__ import annotations

import unicodedata
from difflib import SequenceMatcher

SIMILAR = 0.8
"""The share of matching letters from which two names are pointed out: catches one or two typos."""
KEY_LENGTH = 120
"""A name's search key is cut to this many characters (its column's width): no one types more to find it."""


def name_key(text: str) -> str:
    """A name as searched for: without case, accents or punctuation, kept beside the name so an index finds
    it by its first letters (``Ångström-Berg`` is found by typing ``angstrom``)."""
    return _plain(text)[:KEY_LENGTH]


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = (c for c in decomposed if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in letters).split())


def similar_names(family: str, given: str, other_family: str, other_given: str) -> bool:
    name = f"{_plain(family)} {_plain(given)}"
    for other in (f"{_plain(other_family)} {_plain(other_given)}", f"{_plain(other_given)} {_plain(other_family)}"):
        if SequenceMatcher(None, name, other).ratio() >= SIMILAR:
            return True
    return False
