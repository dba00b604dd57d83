"""How to reach a patient for follow-up questionnaires: a phone number and the way the patient prefers,
under the one text rule (``core.plain_text``), with a note (best times, who else may answer)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from core import event_data as d
from core.errors import InputError
from core.plain_text import REASON_MAX, optional_text, plain_text

WAYS: Mapping[str, str] = {
    "call": "Phone call",
    "text": "Text message",
    "visit": "At a clinic visit",
}
"""The ways a follow-up can be asked, as the due list says them."""
PHONE_MAX = 30
_PHONE = re.compile(r"[0-9+()\-. ]+")


def checked_route(phone: str | None, preferred: str, note: str | None) -> d.ContactRoute:
    number = plain_text(phone, "phone", "the phone number", PHONE_MAX)
    if not _PHONE.fullmatch(number) or sum(c.isdigit() for c in number) < 6:
        raise InputError(
            "phone",
            f"“{number}” is not a phone number.",
            "Type the digits, with + ( ) - or spaces if you like, e.g. +1 216 555 0142.",
        )
    if preferred not in WAYS:
        raise InputError("preferred", "Choose how the patient prefers to be asked.", ", ".join(WAYS.values()) + ".")
    return d.ContactRoute(number, preferred, optional_text(note, "contact_note", "the note", REASON_MAX))


@dataclass(frozen=True)
class ContactView:
    patient_id: str
    phone: str
    preferred: str
    note: str | None
    recorded_by: str
    recorded_at: datetime

    @property
    def words(self) -> str:
        """What a due list prints: the number first (what the nurse dials, and what a narrow column must not
        cut short), then the way the patient prefers and the note."""
        note = f" — {self.note}" if self.note else ""
        return f"{self.phone} ({WAYS.get(self.preferred, self.preferred).lower()}){note}"
