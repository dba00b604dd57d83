"""What every resource of one export is built with: the clinic's FHIR base, which codes may be written, how
ids and references are made, and, for a de-identified extract, what is dropped and how dates move.

Ids are UUIDs derived from Chairside's own ids, so the same record gets the same id in every export (a
transaction Bundle can be posted again without making copies). A de-identified export derives them under a
random key drawn for that export and kept nowhere, so its ids lead back to no record; each patient's dates
move by a random whole number of days, also drawn for that export and kept nowhere.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from core.fhir import codes
from core.fhir.codes import Code

CHAIRSIDE_IDS = uuid.UUID("5b0c8f2e-63a4-4c8e-9d1e-3f6a1c2b7e90")
"""The namespace of an identified export's ids (fixed, so ids are stable between exports)."""
MAX_SHIFT_DAYS = 365
"""A de-identified patient's dates move 1 to this many days earlier (never later: none lands in the future)."""

UNVERIFIED = frozenset((code.system, code.code) for code in codes.all_codes() if not code.verified)

Json = dict[str, Any]


@dataclass
class Context:
    """One export's settings and the little state it keeps (the patient whose dates are being shifted)."""

    base: str
    allow_unverified: bool = False
    deidentify: bool = False
    namespace: uuid.UUID = CHAIRSIDE_IDS
    shift: timedelta = timedelta()
    _draw: secrets.SystemRandom = field(default_factory=secrets.SystemRandom, repr=False)

    def __post_init__(self) -> None:
        self.base = self.base.rstrip("/")
        if self.deidentify:
            self.namespace = uuid.UUID(bytes=secrets.token_bytes(16), version=4)

    # ---- ids and references ----------------------------------------------------------------------------

    def id(self, kind: str, source_id: str) -> str:
        return str(uuid.uuid5(self.namespace, f"{kind}:{source_id}"))

    def ref(self, resource_type: str, source_id: str, kind: str | None = None) -> Json:
        return {"reference": f"{resource_type}/{self.id(kind or resource_type, source_id)}"}

    # ---- what a de-identified export leaves out or moves -------------------------------------------------

    def for_patient(self) -> None:
        """A new patient: in a de-identified export, a new random shift of 1 to ``MAX_SHIFT_DAYS`` days back
        (never 0, never forward, so no date lands in the future), drawn here and forgotten with the next
        patient."""
        if self.deidentify:
            self.shift = -timedelta(days=self._draw.randint(1, MAX_SHIFT_DAYS))

    def moment(self, at: datetime) -> str:
        """An instant as FHIR writes it (UTC, seconds), moved by the patient's shift."""
        return (at.astimezone(UTC) + self.shift).isoformat(timespec="seconds").replace("+00:00", "Z")

    def day(self, on: date) -> str:
        return (on + self.shift).isoformat()

    def free_text(self, text: str | None) -> str | None:
        """Words a nurse typed may name anyone: a de-identified export leaves them out."""
        if self.deidentify or not text:
            return None
        return text

    def identifier(self, kind: str, value: str) -> list[Json]:
        """A record number or Chairside id as an identifier, or nothing in a de-identified export."""
        if self.deidentify:
            return []
        return [{"system": self.base + codes.IDENTIFIER_PATHS[kind], "value": value}]

    # ---- codes -----------------------------------------------------------------------------------------

    @property
    def local_system(self) -> str:
        return self.base + codes.LOCAL_SYSTEM_PATH

    def coding(self, code: Code) -> Json | None:
        """The coding of ``code``, or None when the clinical reference has not confirmed it and the export
        was not asked for such codes: every standard coding of the export is made here, so none slips by."""
        if not (code.verified or self.allow_unverified):
            return None
        return {"system": code.system, "code": code.code, "display": code.display}

    def codings(self, *standard: Code | None) -> list[Json]:
        """The codings of those of ``standard`` that may be written."""
        return [coding for c in standard if c is not None and (coding := self.coding(c)) is not None]

    def concept(self, text: str | None, *standard: Code | None, local: str | None = None) -> Json:
        """A concept with its words, the standard codes that may be written, and the clinic's own code."""
        coding = self.codings(*standard)
        if local is not None:
            coding.append(self.local_coding(local, text or local))
        return present([("coding", coding), ("text", text)])

    def local_coding(self, code: str, display: str) -> Json:
        """A code of the clinic's own code system (always written: the clinic vouches for its own codes)."""
        return {"system": self.local_system, "code": code, "display": display}


def quantity(value: Decimal | int, unit: str, ucum: str) -> Json:
    return {"value": _number(value), "unit": unit, "system": codes.UCUM, "code": ucum}


def _number(value: Decimal | int) -> Decimal | int:
    """A Decimal as recorded (72, 36.6), never as a float that could print 36.600000000000001."""
    if isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 else value


def codings_in(value: Any) -> Iterator[tuple[str, str]]:
    """Every (system, code) pair anywhere in a resource."""
    if isinstance(value, dict):
        if "system" in value and "code" in value:
            yield value["system"], value["code"]
        for inner in value.values():
            yield from codings_in(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from codings_in(inner)


def flag_unverified(resource: Json, context: Context) -> Json:
    """``meta.tag`` says so when the resource carries a code the clinical reference has not confirmed."""
    if any(pair in UNVERIFIED for pair in codings_in(resource)):
        meta = resource.setdefault("meta", {})
        words = "Carries a code the clinical reference still marks unverified (exported on request)"
        meta.setdefault("tag", []).append(context.local_coding(codes.UNVERIFIED_TAG, words))
    return resource


def present(pairs: Iterable[tuple[str, Any]]) -> Json:
    """A dict of the pairs whose value is not None or empty (FHIR refuses empty elements)."""
    return {key: value for key, value in pairs if value not in (None, [], {}, "")}
