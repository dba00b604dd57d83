"""Free text a nurse types (a name, a record number, a reason, allergies): one rule, checked before it is kept.

Text is kept in Unicode's composed form (NFC), so "é" typed on one keyboard matches "é" pasted from another
and the same name is not stored two ways. Control characters and lone surrogates (from a paste, a scanner's
stray code, a damaged keyboard) could not be shown on a screen, printed on paper or read by a screen reader,
and a lone surrogate cannot even be written to the database, so they are refused with a message rather than
stored; so is text longer than its field holds. The database enforces the same lengths (migration 0006).
"""

from __future__ import annotations

import unicodedata

from core.errors import InputError

UNSHOWABLE = {"Cc", "Cs"}
"""Unicode categories with no glyph: control characters and lone surrogates."""
LINE_BREAKS = {"\n"}
"""Allowed in text of several lines (an addendum, a note), and only there."""

NAME_MAX = 120
"""A person's family or given name, a prescriber, a member of staff (the columns' length)."""
MRN_MAX = 40
REASON_MAX = 500
"""Why something was done: a pause, a stop, an override, a correction."""
NOTE_MAX = 2000
"""A note or an addendum: a few paragraphs at most."""
SHORT_MAX = 80
"""A lot number, a workstation's name, a search."""


def plain_text(text: str | None, field: str, what: str, max_length: int, *, lines: bool = False) -> str:
    """Trimmed, composed text with nothing unshowable, refused by its field when empty or too long."""
    value = optional_text(text, field, what, max_length, lines=lines)
    if value is None:
        raise InputError(field, f"Enter {what}.")
    return value


def optional_text(text: str | None, field: str, what: str, max_length: int, *, lines: bool = False) -> str | None:
    """As ``plain_text``, for a field that may be left empty: None when it was."""
    value = unicodedata.normalize("NFC", text or "").strip()
    if not value:
        return None
    if unshowable(value, lines=lines):
        raise InputError(field, f"What was typed for {what} holds characters that cannot be shown.", "Type it again.")
    if len(value) > max_length:
        raise InputError(
            field,
            f"What was typed for {what} is too long: {len(value)} characters, at most {max_length}.",
            "Shorten it, keeping what matters.",
        )
    return value


def unshowable(text: str, *, lines: bool = False) -> bool:
    """Whether the text holds a character no screen, printer or screen reader can show."""
    allowed = LINE_BREAKS if lines else set()
    return any(unicodedata.category(char) in UNSHOWABLE and char not in allowed for char in text)
