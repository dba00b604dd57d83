"""The controlled-substance record of one session: what was drawn from which vial and lot, what the
patient was given, what was wasted and who witnessed it, and whether those amounts add up.

Ketamine is a Schedule III controlled substance: every milligram drawn up must be accounted for as
given or wasted, and so must the rest of each vial drawn from: wasted before a witness, or, for a
multi-dose vial (the protocol's vial list says which), returned to stock. The session is not signed while
any vial's rest is unaccounted for. The amount given is known only once the infusion has ended (the full dose, the
estimate for a stopped infusion, or none if the session ended before starting), so the totals are
reconciled from then on and a difference is flagged until it is explained at signing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property

from core import event_data as d
from core.dosing import parse_decimal, round_to
from core.errors import InputError
from core.events import Event
from core.events import EventType as E
from core.protocol import Protocol
from core.pump_check import PumpCheck
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
    vial_ml: Decimal | None = None
    """What the vial held (a new vial is drawn from); None for a vial not in the protocol."""
    multi_dose: bool = False


@dataclass(frozen=True)
class Returned:
    """The rest of a multi-dose vial put back into stock: how much, by whom, when."""

    event_id: str
    vial_of: str
    mg: Decimal
    ml: Decimal
    by: str
    at: datetime


@dataclass(frozen=True)
class VialRest:
    """One vial drawn from: what was left in it after drawing up, and how that rest is accounted for."""

    drawn: Drawn
    rest_mg: Decimal
    wasted_mg: Decimal
    returned_mg: Decimal
    step: Decimal

    @cached_property
    def left_mg(self) -> Decimal:
        """Worked out once: every state of the session asks (whether it may return, what is left to sign)."""
        return round_to(self.rest_mg - self.wasted_mg - self.returned_mg, self.step)

    @property
    def left_ml(self) -> Decimal:
        return (self.left_mg / self.drawn.mg_per_ml).quantize(Decimal("0.01"))

    @property
    def may_return(self) -> bool:
        return self.drawn.multi_dose and self.left_mg > 0

    def problem(self) -> str | None:
        if self.left_mg <= 0:
            return None
        where = f"{self.left_mg} mg is left in the vial of lot {self.drawn.lot} ({self.drawn.vial_label})"
        if self.drawn.multi_dose:
            return f"{where}: return it to stock or waste it before a witness."
        return f"{where}, a single-dose vial: waste it before a witness."


@dataclass(frozen=True)
class Waste:
    event_id: str
    mg: Decimal
    how: str
    by: str
    witness_id: str | None
    at: datetime
    vial_of: str | None = None
    """The draw-up event of the vial whose rest this wastes; None for drug drawn up and not given."""


@dataclass(frozen=True)
class ControlledRecord:
    drawn: tuple[Drawn, ...]
    wasted: tuple[Waste, ...]
    """Wastes of drug drawn up (the rest of a vial wasted is in ``vials``)."""
    given_mg: Decimal | None
    """None while the infusion has not ended: the amount given is not known yet."""
    step: Decimal
    vials: tuple[VialRest, ...] = ()
    """Each vial drawn from, with its rest and how it is accounted for."""
    vial_wastes: tuple[Waste, ...] = ()
    """Wastes of what was left in a vial (not drawn up), each naming its vial in ``vial_of``."""
    returned: tuple[Returned, ...] = ()

    def vial(self, drawn_event_id: str) -> VialRest | None:
        return next((v for v in self.vials if v.drawn.event_id == drawn_event_id), None)

    @cached_property
    def vial_problem(self) -> str | None:
        """What is still left unaccounted for in the vials drawn from (None when nothing is): worked out once,
        since the record is kept with the session's fold and every state after an entry asks."""
        problems = [p for p in (v.problem() for v in self.vials) if p]
        return " ".join(problems) or None

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
    drawn = tuple(_drawn(protocol, e) for e in events if e.type is E.DRAWN)
    all_wasted = tuple(_waste(e) for e in events if e.type is E.WASTED)
    returned = tuple(_returned(e) for e in events if e.type is E.RETURNED)
    step = protocol.rounding.dose_mg
    vial_wastes = tuple(w for w in all_wasted if w.vial_of is not None)
    vials = tuple(
        VialRest(
            drawn=d,
            rest_mg=round_to(max(Decimal(0), d.vial_ml * d.mg_per_ml - d.mg), step),
            wasted_mg=sum((w.mg for w in vial_wastes if w.vial_of == d.event_id), Decimal(0)),
            returned_mg=sum((r.mg for r in returned if r.vial_of == d.event_id), Decimal(0)),
            step=step,
        )
        for d in drawn
        if d.vial_ml is not None
    )
    wasted = tuple(w for w in all_wasted if w.vial_of is None)
    return ControlledRecord(drawn, wasted, given_mg, step, vials, vial_wastes, returned)


def _drawn(protocol: Protocol, event: Event) -> Drawn:
    """A draw-up, with what its vial held and whether it is multi-dose: as recorded, else from the protocol."""
    data = event.data_as(d.DrugDrawn)
    try:
        vial = protocol.vial(data.vial_id)
    except KeyError:
        vial = None
    vial_ml = data.vial_ml if data.vial_ml is not None or vial is None else vial.vial_ml
    multi_dose = data.multi_dose if data.multi_dose is not None else bool(vial and vial.multi_dose)
    return Drawn(
        event_id=event.id,
        lot=data.lot,
        vial_label=data.vial_label,
        mg_per_ml=data.mg_per_ml,
        ml=data.ml,
        mg=data.mg,
        by=event.recorded_by,
        at=event.occurred_at,
        vial_ml=vial_ml,
        multi_dose=multi_dose,
    )


def _waste(event: Event) -> Waste:
    waste = event.data_as(d.DrugWasted)
    return Waste(
        event_id=event.id,
        mg=waste.mg,
        how=waste.how,
        by=event.recorded_by,
        witness_id=_witness(event),
        at=event.occurred_at,
        vial_of=waste.vial_of,
    )


def _returned(event: Event) -> Returned:
    back = event.data_as(d.DrugReturned)
    return Returned(
        event_id=event.id, vial_of=back.vial_of, mg=back.mg, ml=back.ml, by=event.recorded_by, at=event.occurred_at
    )


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


def controlled_words(event: Event, names: Callable[[str], str]) -> str:
    """The detail of a pump reading or a vial returned to stock, in words (for the record's lines)."""
    if isinstance(returned := event.data, d.DrugReturned):
        return f"{returned.mg} mg ({returned.ml} mL) left in the vial of lot {returned.lot}"
    check = PumpCheck.of(event)
    read = check.read
    words = f"rate {read.rate_ml_per_h} mL/h, VTBI {read.vtbi_ml} mL read off the pump"
    second = names(check.second_by) if check.second_by else ""
    wrong = check.disagreements("did not agree with the order", f"{second} did not agree")
    if not wrong:
        words += ", as ordered" + (f"; read too by {second}, as ordered" if second else "")
        return words
    if check.second_by and not check.second_mismatches:
        wrong.append(f"read too by {second}, as ordered")
    return words + "; " + "; ".join(wrong)


def vial_accounts(record: ControlledRecord, names: Callable[[str], str]) -> list[str]:
    """How the rest of each vial was accounted for, in words (returned or wasted, by whom), for the screens."""
    lines = []
    for vial in record.vials:
        lot = vial.drawn.lot
        for back in (r for r in record.returned if r.vial_of == vial.drawn.event_id):
            lines.append(f"Lot {lot}: {back.mg} mg left in the vial returned to stock by {names(back.by)}")
        for waste in (w for w in record.vial_wastes if w.vial_of == vial.drawn.event_id):
            witness = f", witnessed by {names(waste.witness_id)}" if waste.witness_id else ""
            lines.append(f"Lot {lot}: {waste.mg} mg left in the vial wasted by {names(waste.by)}{witness}")
    return lines


@dataclass(frozen=True)
class TallyRow:
    """One line of the controlled-substance totals: what it counts, in words, and the amount, in words."""

    what: str
    amount: str


def tally(record: ControlledRecord) -> list[TallyRow]:
    """The totals of the whole of every vial drawn from, in the order a controlled-drug register reads:
    what the vials held (the lots are named in the lines of ``vial_accounts`` and the vials' rows), drawn
    up, given, wasted from the dose drawn up, the vials' rest wasted, returned to stock, and what is still
    to account for. Every milligram of each vial is in exactly one of the lines
    after the first, so the lines add up to the vials' content once the amount given is known."""
    step = record.step

    def mg(amount: Decimal) -> str:
        return f"{round_to(amount, step)} mg"

    held = sum((v.drawn.vial_ml * v.drawn.mg_per_ml for v in record.vials if v.drawn.vial_ml), Decimal(0))
    rest_wasted = sum((w.mg for w in record.vial_wastes), Decimal(0))
    returned = sum((r.mg for r in record.returned), Decimal(0))
    vials_left = sum((v.left_mg for v in record.vials), Decimal(0))
    rows = []
    if record.vials:
        rows.append(TallyRow("In the vials", mg(held)))
    given = mg(record.given_mg) if record.given_mg is not None else "known when the infusion ends"
    rows += [
        TallyRow("Drawn up", mg(record.drawn_mg)),
        TallyRow("Given", given),
        TallyRow("Wasted from the dose", mg(record.wasted_mg)),
        TallyRow("Vial's rest wasted", mg(rest_wasted)),
        TallyRow("Returned to stock", mg(returned)),
    ]
    if record.given_mg is None:
        left = "the dose drawn up, once the infusion ends"
        if vials_left > 0:
            left = f"{mg(vials_left)} in the vial, and {left}"
    else:
        left = mg(record.unaccounted_mg + vials_left)
    rows.append(TallyRow("Left to account for", left))
    return rows
