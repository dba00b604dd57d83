"""Free text a nurse types (a name, a reason, allergies), checked once before it is kept.

Control characters (from a paste, a scanner's stray code, a damaged keyboard) could not be shown on a
screen, printed on paper or read by a screen reader, so they are refused with a message rather than
stored; so is text longer than the field can sensibly hold.
"""

from __future__ import annotations

import unicodedata

from core.errors import InputError

UNSHOWABLE = {"Cc", "Cs"}
"""Unicode categories with no glyph: control characters and lone surrogates."""


def plain_text(text: str | None, field: str, what: str, max_length: int) -> str:
    """Trimmed text with no control characters, refused by its field when empty, unshowable or too long."""
    value = (text or "").strip()
    if not value:
        raise InputError(field, f"Enter {what}.")
    if any(unicodedata.category(char) in UNSHOWABLE for char in value):
        raise InputError(field, f"What was typed for {what} holds characters that cannot be shown.", "Type it again.")
    if len(value) > max_length:
        raise InputError(
            field,
            f"What was typed for {what} is too long: {len(value)} characters, at most {max_length}.",
            "Shorten it, keeping what matters.",
        )
    return value
