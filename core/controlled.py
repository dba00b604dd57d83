"""The controlled-substance record of one session: what was drawn from which vial and lot, what the
patient was given, what was wasted and who witnessed it, and whether those amounts add up.

Ketamine is a Schedule III controlled substance: every milligram drawn up must be accounted for as
given or wasted. The amount given is known only once the infusion has ended (the full dose, the
estimate for a stopped infusion, or none if the session ended before starting), so the totals are
reconciled from then on and a difference is flagged until it is explained at signing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from core.dosing import parse_decimal, round_to
from core.errors import InputError
from core.events import Event
from core.events import EventType as E
from core.protocol import Protocol
from core.signatures import Meaning, signatures_in

LOT_MAX = 40


@dataclass(frozen=True)
class Drawn:
    event_id: str
    lot: str
    vial_label: str
    mg_per_ml: Decimal
    ml: Decimal
    mg: Decimal
    by: str
    at: datetime


@dataclass(frozen=True)
class Waste:
    event_id: str
    mg: Decimal
    how: str
    by: str
    witness_id: str | None
    at: datetime


@dataclass(frozen=True)
class ControlledRecord:
    drawn: tuple[Drawn, ...]
    wasted: tuple[Waste, ...]
    given_mg: Decimal | None
    """None while the infusion has not ended: the amount given is not known yet."""
    step: Decimal

    @property
    def drawn_mg(self) -> Decimal:
        return round_to(sum((d.mg for d in self.drawn), Decimal(0)), self.step)

    @property
    def wasted_mg(self) -> Decimal:
        return round_to(sum((w.mg for w in self.wasted), Decimal(0)), self.step)

    @property
    def unaccounted_mg(self) -> Decimal:
        """Drawn minus wasted minus what is known to be given (nothing yet while infusing): the most
        that can still be wasted."""
        return round_to(self.drawn_mg - (self.given_mg or Decimal(0)) - self.wasted_mg, self.step)

    @property
    def left_to_account_mg(self) -> Decimal | None:
        """Drawn minus given minus wasted, once the amount given is known."""
        return None if self.given_mg is None else self.unaccounted_mg

    @property
    def problem(self) -> str | None:
        """Why the totals do not reconcile (None when they do, or cannot be judged yet)."""
        left = self.left_to_account_mg
        if left is None or left == 0:
            return None
        if left > 0:
            return f"{left} mg drawn up is not accounted for: record it as waste with a witness."
        return f"{-left} mg more was given and wasted than was drawn up: check the amounts recorded."


def controlled_record(protocol: Protocol, events: list[Event], given_mg: Decimal | None) -> ControlledRecord:
    drawn = tuple(
        Drawn(
            event_id=e.id,
            lot=e.payload["lot"],
            vial_label=e.payload["vial_label"],
            mg_per_ml=Decimal(e.payload["mg_per_ml"]),
            ml=Decimal(e.payload["ml"]),
            mg=Decimal(e.payload["mg"]),
            by=e.recorded_by,
            at=e.occurred_at,
        )
        for e in events
        if e.type is E.DRAWN
    )
    wasted = tuple(
        Waste(
            event_id=e.id,
            mg=Decimal(e.payload["mg"]),
            how=e.payload["how"],
            by=e.recorded_by,
            witness_id=_witness(e),
            at=e.occurred_at,
        )
        for e in events
        if e.type is E.WASTED
    )
    return ControlledRecord(drawn, wasted, given_mg, protocol.rounding.dose_mg)


def _witness(event: Event) -> str | None:
    """The witness is whoever signed the waste as witnessed; the signature is the record of it."""
    return next((s.signer_id for s in signatures_in(event) if s.meaning is Meaning.WITNESSED_WASTE), None)


def parse_lot(text: str) -> str:
    lot = " ".join(text.split())
    if not lot:
        raise InputError("lot", "Enter the lot number printed on the vial.")
    if len(lot) > LOT_MAX or not lot.isprintable():
        raise InputError("lot", f"A lot number is at most {LOT_MAX} printable characters.", "Copy it from the vial.")
    return lot


def parse_amount(text: str, field: str, what: str, most: Decimal, step: Decimal) -> Decimal:
    """A positive amount no larger than ``most``, at the protocol's rounding (never silently rounded)."""
    value = parse_decimal(text, field, what)
    if value <= 0:
        raise InputError(field, f"The {what} must be more than zero.")
    if value > most:
        raise InputError(field, f"{value} is more than the {most} possible here.", f"Check the {what}.")
    if round_to(value, step) != value:
        raise InputError(field, f"Give the {what} to {step} at most.", "Read it again from the syringe or bag.")
    return value
