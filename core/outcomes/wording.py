"""The PROMIS items' wording, from a file the clinic supplies under its own permission; never shipped.

PROMIS item wording is the copyright holder's (PROMIS.md section 5): Chairside ships item identifiers and
response values only. A clinic that holds permission (HealthMeasures' written permission for electronic
administration) keeps the wording in a JSON file of its own and names it in the clinic setting
``promis_wording_file``; the form-entry screen then shows each item's words and the copyright notice,
and without it shows the item ids. The file::

    {"notice": "the copyright notice, as the permission requires it",
     "items": {"PAININ9": "the item's words, exactly as published", ...}}

Every item id must be an item of a form Chairside scores (a typo would otherwise leave an item unworded
without a word said); each text is under the one text rule (``core.plain_text``). A file that is missing,
unreadable or malformed is refused whole with a message that says what to fix: the screen then falls back
to the item ids, which are always enough to record the answers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from core.errors import ChairsideError, InputError
from core.paths import expanded
from core.plain_text import NOTE_MAX, REASON_MAX, optional_text
from core.promis import PromisTables, shipped

FILE_MAX = 1_000_000
"""A wording file is a few kilobytes; anything this large is not one."""
FIX = (
    "The forms show the item ids until it is corrected. Ask whoever looks after Chairside to correct the file "
    "or the clinic setting promis_wording_file."
)


@dataclass(frozen=True)
class Wording:
    """The clinic's licensed wording: each item's words by item id, and the notice shown with them."""

    notice: str
    items: Mapping[str, str]
    source: str
    """The file it was read from, as the setting names it."""

    def of(self, item: str) -> str | None:
        return self.items.get(item)


class WordingError(ChairsideError):
    """The clinic's wording file cannot be used: the message says which file and why."""


def load_wording(path: str | Path, tables: PromisTables | None = None) -> Wording:
    """The file read and checked whole; ``WordingError`` says what is wrong with it."""
    try:
        where = expanded(path)
    except InputError as unknown:
        raise WordingError(unknown.message, FIX) from None
    try:
        raw = where.read_bytes()[: FILE_MAX + 1]
    except FileNotFoundError:
        raise WordingError(f"The PROMIS wording file {where} is not there.", FIX) from None
    except OSError as error:
        raise WordingError(f"The PROMIS wording file {where} cannot be read ({error.strerror}).", FIX) from None
    if len(raw) > FILE_MAX:
        raise WordingError(f"The PROMIS wording file {where} is too large to be a wording file.", FIX)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise WordingError(f"The PROMIS wording file {where} is not a JSON file in UTF-8 ({error}).", FIX) from None
    return checked_wording(data, str(where), tables or shipped())


def checked_wording(data: object, source: str, tables: PromisTables) -> Wording:
    """``{"notice": str, "items": {item id: str}}``, each id an item of a shipped form, each text showable."""
    if not isinstance(data, Mapping) or set(data) != {"notice", "items"}:
        raise WordingError(f"The PROMIS wording file {source} must hold exactly a “notice” and its “items”.", FIX)
    notice, items = data["notice"], data["items"]
    if not isinstance(notice, str) or not isinstance(items, Mapping) or not items:
        raise WordingError(
            f"In the PROMIS wording file {source}, the notice must be text and the items a list of item ids "
            "with their words.",
            FIX,
        )
    known = {item for form in tables.forms.values() for item in form.items}
    strangers = sorted(str(item) for item in items if item not in known)
    if strangers:
        raise WordingError(
            f"The PROMIS wording file {source} words items no form Chairside scores has: {', '.join(strangers)}.",
            FIX,
        )
    kept_notice = _text(notice, "the copyright notice", NOTE_MAX, source)
    if kept_notice is None:
        raise WordingError(f"The PROMIS wording file {source} has no copyright notice.", FIX)
    kept: dict[str, str] = {}
    for item, words in items.items():
        text = _text(words, f"item {item}", REASON_MAX, source) if isinstance(words, str) else None
        if text is None:
            raise WordingError(f"In the PROMIS wording file {source}, item {item} has no words.", FIX)
        kept[item] = text
    return Wording(kept_notice, kept, source)


def _text(value: str, what: str, limit: int, source: str) -> str | None:
    try:
        return optional_text(value, "wording", what, limit, lines=True)
    except ChairsideError as error:
        raise WordingError(f"In the PROMIS wording file {source}: {error.message}", FIX) from None


def clinic_wording(path: str) -> tuple[Wording | None, str | None]:
    """The wording the clinic setting names: (wording, None); (None, None) when the clinic has named no
    file; (None, what is wrong) when the file cannot be used, for the screen to say beside the item ids."""
    if not path.strip():
        return None, None
    try:
        return load_wording(path), None
    except WordingError as error:
        return None, str(error)
