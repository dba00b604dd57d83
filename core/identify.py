"""Who is in the chair: the two identifiers compared against the record, and the details the banner
shows (sex, allergies) as a nurse confirmed them.

A tick alone only says that someone meant to check. The date of birth the patient says and the record
number read or scanned off the wristband are compared here, against the record, so a slip of the finger
on the wrong line of a list is caught before the patient is seated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.dates import parse_day
from core.errors import InputError
from core.plain_text import plain_text

SEXES = {"female": ("F", "Female"), "male": ("M", "Male"), "other": ("X", "Other"), "unknown": ("U", "Unknown")}
"""The recorded sex (code: banner letter, word), as patient banners write it."""
ALLERGIES_MAX = 300
"""Room for several allergies with their reactions, e.g. "penicillin (rash); latex (hives)"."""


@dataclass(frozen=True)
class Identified:
    """What the nurse confirmed at the chair: the name by asking (a tap), and the date of birth as the
    patient says it or the record number as read or scanned off the wristband, as typed (compared here)."""

    name: bool = False
    birth_date: str = ""
    mrn: str = ""
    scanned: bool = False
    """The record number came from a wristband scan rather than from the keyboard."""


@dataclass(frozen=True)
class Details:
    """Sex and allergies as the nurse confirmed them with the patient (allergies as written, or none known)."""

    sex: str | None
    allergies: str = ""
    no_known_allergies: bool = False


def same_record_number(typed: str, recorded: str) -> bool:
    """Spaces around a code and letter case are slips; anything else (a missing leading zero) is not."""
    return record_number_key(typed) == record_number_key(recorded)


def record_number_key(text: str) -> str:
    """A record number as compared (``same_record_number``), kept beside the number so a scan or a typed
    number is found by an index whatever its letter case."""
    return text.strip().casefold()


def confirmed_identifiers(identified: Identified, mrn: str, born: date) -> list[str]:
    """The identifiers that hold, refused unless they are the name with the date of birth or the record
    number. The name is always one of them: the date of birth and the record number can both be read
    off one wristband or chart, so together they do not show that the person in the chair is the one on
    the paper. Whatever was typed must match the record, even if the other identifier would do, and a
    mismatch is said before a missing tick: it may be another patient."""
    confirmed = ["name"]
    if identified.birth_date.strip():
        said = parse_day(identified.birth_date, "identified_birth_date", "the date of birth", "1968-04-23")
        if said != born:
            raise InputError(
                "identified_birth_date",
                f"The date of birth given, {said.isoformat()}, is not the one on this record.",
                "Ask the patient again. If it still differs, this may be another patient: check the wristband "
                "and search again.",
            )
        confirmed.append("birth_date")
    if identified.mrn.strip():
        if not same_record_number(identified.mrn, mrn):
            raise InputError(
                "identified_mrn",
                f"The record number {identified.mrn.strip()} is not this patient's.",
                "Read the wristband again. If it shows another number, this may be another patient: search again.",
            )
        confirmed.append("mrn")
    if not identified.name:
        raise InputError(
            "identifiers",
            "Confirm the patient's name: the two identifiers are the name with the date of birth or record number.",
            "Ask the patient to say their full name, check it against the wristband and tick it.",
        )
    if len(confirmed) < 2:
        raise InputError(
            "identifiers",
            "Confirm a second identifier with the name: the date of birth or the record number.",
            "Ask the date of birth and type it, or scan the wristband (or type its record number).",
        )
    return sorted(confirmed)


def checked_details(details: Details) -> Details:
    """A sex from the list, and allergies either written or confirmed as none known, never both."""
    if details.sex not in SEXES:
        raise InputError("sex", "Choose the patient's sex.", "Tap Female, Male, Other or Unknown.")
    allergies = details.allergies.strip()
    if details.no_known_allergies and allergies:
        raise InputError(
            "allergies",
            "Allergies are written and 'No known allergies' is chosen too.",
            "Ask the patient again: clear the text, or untick 'No known allergies'.",
        )
    if not details.no_known_allergies and not allergies:
        raise InputError(
            "allergies",
            "Record the patient's allergies.",
            "Ask the patient: write what they are allergic to, or tap 'No known allergies'.",
        )
    if allergies:  # shown on every banner and printout: only characters a screen and paper can show
        allergies = plain_text(allergies, "allergies", "the allergies", ALLERGIES_MAX)
    return Details(details.sex, allergies, details.no_known_allergies)
