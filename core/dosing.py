"""Weight, dose, volumes and pump rate, with the arithmetic written out for a second nurse.

All arithmetic is decimal, each figure rounded by the protocol's rule at the point the nurse would
round it, and every later figure computed from the rounded one — so the paper check and the
screen agree to the last digit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from core.errors import InputError, OverrideRequired
from core.protocol import Protocol

LB_TO_KG = Decimal("0.45359237")  # the international pound, exact by definition
_MAX_DECIMALS = 2


class WeightUnit(StrEnum):
    KG = "kg"
    LB = "lb"


@dataclass(frozen=True)
class Weight:
    """A weighed value as entered, and its exact value in kilograms."""

    entered: Decimal
    unit: WeightUnit

    @property
    def kg(self) -> Decimal:
        return self.entered if self.unit is WeightUnit.KG else self.entered * LB_TO_KG

    def describe(self) -> str:
        if self.unit is WeightUnit.KG:
            return f"{self.entered} kg"
        return f"{self.entered} lb × 0.45359237 = {_fmt(round_to(self.kg, Decimal('0.01')))} kg"


def round_to(value: Decimal, step: Decimal) -> Decimal:
    return value.quantize(step, rounding=ROUND_HALF_UP)


def _fmt(value: Decimal) -> str:
    return f"{value:f}"


PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")
"""ASCII digits with at most one decimal mark: what a keypad, a keyboard or a scanner sends for a number."""
MAX_DIGITS = 12
"""More digits than any weight, reading, dose or volume has: a scan or a held-down key, not a number."""


def parse_decimal(text: str, field: str, what: str) -> Decimal:
    """The one parser of every number a nurse types: digits, at most one decimal mark (a comma is taken as
    one), an optional sign, and no more digits than a reading can have. Anything else (an exponent like
    "1e30", "NaN", "Infinity", superscript or full-width digits, a thousands separator) is refused with the
    field's message, never turned into a number nobody typed or an overflow deeper down."""
    typed = text.strip()
    if not typed:
        raise InputError(field, f"Enter the {what}.")
    if not PLAIN_NUMBER.fullmatch(typed) or sum(map(str.isdigit, typed)) > MAX_DIGITS:
        raise InputError(field, f"“{printable(typed)}” is not a number.", f"Type the {what} in digits.")
    return Decimal(typed.replace(",", "."))


def printable(typed: str) -> str:
    """What was typed, safe to show back in a message: at most a few characters, none unshowable."""
    shown = "".join(char if char.isprintable() else "?" for char in typed[: MAX_DIGITS + 4])
    return shown + ("…" if len(typed) > MAX_DIGITS + 4 else "")


def parse_weight(text: str, unit: str | WeightUnit | None) -> Weight:
    """The weight as typed with its unit. A number without a unit is never guessed."""
    if unit is None or str(unit) not in {u.value for u in WeightUnit}:
        raise InputError("weight_unit", "Choose the unit the scale shows: kg or lb.")
    value = parse_decimal(text, "weight", "weight")
    if value <= 0:
        raise InputError("weight", "The weight must be more than zero.")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > _MAX_DECIMALS:
        raise InputError("weight", "Give the weight to at most two decimal places.")
    return Weight(entered=value, unit=WeightUnit(str(unit)))


@dataclass(frozen=True)
class LastWeight:
    """The patient's weight at an earlier session: what an implausible number is compared with."""

    kg: Decimal
    on: str
    """The local date it was weighed, as text."""

    def words(self) -> str:
        return f"The patient's last weight was {_fmt(round_to(self.kg, Decimal('0.1')))} kg ({self.on})."


def _possible_kg(protocol: Protocol, kg: Decimal) -> bool:
    return protocol.weight.reject_below_kg <= kg <= protocol.weight.reject_above_kg


def _usual_kg(protocol: Protocol, kg: Decimal) -> bool:
    return protocol.weight.advise_below_kg <= kg <= protocol.weight.advise_above_kg


def decimal_slip(
    protocol: Protocol, weight: Weight, last: LastWeight | None = None, *, usual: bool = True
) -> Decimal | None:
    """The number as typed with its decimal point moved (700 → 70.0, 7245 → 72.45, 7 → 70.0), where that
    gives a usual adult weight in the unit chosen (``usual=False``: a possible one); the one nearest the
    last weight if several do."""
    fits = _usual_kg if usual else _possible_kg
    found = []
    for shift in (1, 2, 3, -1):
        value = weight.entered.scaleb(-shift)
        if fits(protocol, Weight(value, weight.unit).kg):
            found.append(value)
    if last is not None:
        found.sort(key=lambda value: abs(Weight(value, weight.unit).kg - last.kg))
    if not found:
        return None
    value = found[0]
    places = max(1, -int(value.normalize().as_tuple().exponent))
    return value.quantize(Decimal(1).scaleb(-places))


def unit_chosen_to_fit(protocol: Protocol, weight: Weight) -> bool:
    """The number is possible only in the unit chosen, and even so an unusual weight: 700 lb (317.5 kg),
    where 700 kg is impossible. A unit picked to make a wrong number fit looks exactly like this, so the
    weight is held against the patient's last one before it is used."""
    other = WeightUnit.LB if weight.unit is WeightUnit.KG else WeightUnit.KG
    return not _possible_kg(protocol, Weight(weight.entered, other).kg) and not _usual_kg(protocol, weight.kg)


def _slip_line(protocol: Protocol, weight: Weight, last: LastWeight | None, *, usual: bool = True) -> str | None:
    """The decimal point, asked about in the unit the nurse chose (700 lb → "70.0 lb?")."""
    slip = decimal_slip(protocol, weight, last, usual=usual)
    return f"Is the decimal point in the wrong place: {_fmt(slip)} {weight.unit.value}?" if slip is not None else None


def _unit_line(protocol: Protocol, weight: Weight) -> str | None:
    """The other unit, as a question of its own, only where the number as typed is a usual weight in it
    (40 lb → "Or does the scale show kg: 40 kg?"); never for 700, which no unit makes a usual weight."""
    other = WeightUnit.LB if weight.unit is WeightUnit.KG else WeightUnit.KG
    if not _usual_kg(protocol, Weight(weight.entered, other).kg):
        return None
    return f"Or does the scale show {other.value}: {_fmt(weight.entered)} {other.value}?"


def _lines(*lines: str | None) -> str:
    """One question a line, in the order asked."""
    return "\n".join(line for line in lines if line)


def unit_challenge(protocol: Protocol, weight: Weight, last: LastWeight | None, change: Decimal | None) -> InputError:
    """What the nurse is asked when only the unit makes the number fit (``unit_chosen_to_fit``), one
    question a line: the decimal point in the unit she chose, then the last weight (or that there is none)
    to hold it against. The other unit is never offered: the number is impossible in it."""
    other = WeightUnit.LB if weight.unit is WeightUnit.KG else WeightUnit.KG
    number = _fmt(weight.entered)
    kg = _fmt(round_to(weight.kg, Decimal("0.1")))
    said = f"{number} {weight.unit.value} is {kg} kg ({number} would be impossible in {other.value})."
    slip = _slip_line(protocol, weight, last, usual=False)
    if last is not None and change is not None:
        than = f"{last.words()[:-1]}, {abs(change)} % {'less' if change < 0 else 'more'} than this."
        return InputError(
            "confirm_change",
            _lines(said, slip, than),
            f"Read the scale and its unit again. If {number} {weight.unit.value} ({kg} kg) is right, confirm it.",
        )
    # Nothing to hold it against: a tick would be the same glance again. The weight is typed once more, in
    # kilograms, which the nurse reads or works out on purpose (the kg figure, said plainly, is what she enters).
    return InputError(
        "weight",
        _lines(said, slip, "There is no earlier weight of this patient to compare it with."),
        f"Read the scale again. If it does show {number} {weight.unit.value}, a weight this unusual is taken only "
        f"typed in kg, on purpose: type {kg} and choose kg.",
    )


def check_weight(protocol: Protocol, weight: Weight, last: LastWeight | None = None) -> list[str]:
    """Refuse an impossible weight, one question a line: a misplaced decimal point in the unit chosen, the
    other unit only where the number is a usual weight in it, and the patient's last weight; return
    advisories for an unusual one."""
    rules = protocol.weight
    kg = weight.kg
    if not _possible_kg(protocol, kg):
        raise InputError(
            "weight",
            _lines(
                f"{weight.describe()} is outside the possible range "
                f"({_fmt(rules.reject_below_kg)}–{_fmt(rules.reject_above_kg)} kg).",
                _slip_line(protocol, weight, last),
                _unit_line(protocol, weight),
                last.words() if last is not None else None,
            ),
            "Read the scale again and type the weight exactly as it shows, decimal point included.",
        )
    advisories = []
    if kg < rules.advise_below_kg or kg > rules.advise_above_kg:
        advisories.append(
            f"{_fmt(round_to(kg, Decimal('0.1')))} kg is unusual for an adult "
            f"(expected {_fmt(rules.advise_below_kg)}–{_fmt(rules.advise_above_kg)} kg): check the scale and unit."
        )
    return advisories


def weight_change_percent(kg: Decimal, previous_kg: Decimal) -> Decimal:
    """Signed change from the previous session's weight, to 0.1 %."""
    return round_to((kg - previous_kg) / previous_kg * 100, Decimal("0.1"))


@dataclass(frozen=True)
class DoseCalculation:
    """A complete preparation: what to draw, how to dilute, how to set the pump."""

    weight_entered: Decimal
    weight_unit: WeightUnit
    weight_kg: Decimal
    mg_per_kg: Decimal
    dose_mg: Decimal
    vial_id: str
    vial_label: str
    vial_mg_per_ml: Decimal
    drug_volume_ml: Decimal
    bag_ml: Decimal
    final_volume_ml: Decimal
    concentration_mg_per_ml: Decimal
    infusion_minutes: int
    rate_ml_per_h: Decimal
    soft_limit_exceeded: bool
    override_reason: str | None
    arithmetic: tuple[str, ...]
    advisories: tuple[str, ...]

    def to_payload(self) -> dict[str, object]:
        data = asdict(self)
        return {
            key: (str(value) if isinstance(value, Decimal) else list(value) if isinstance(value, tuple) else value)
            for key, value in data.items()
        }

    @classmethod
    def from_payload(cls, data: dict[str, object]) -> DoseCalculation:
        decimals = {name for name, kind in cls.__annotations__.items() if kind == "Decimal"}
        values: dict[str, object] = {}
        for key, value in data.items():
            if key in decimals:
                values[key] = Decimal(str(value))
            elif key in {"arithmetic", "advisories"}:
                values[key] = tuple(value)  # type: ignore[arg-type]
            elif key == "weight_unit":
                values[key] = WeightUnit(str(value))
            else:
                values[key] = value
        return cls(**values)  # type: ignore[arg-type]


def calculate_dose(
    protocol: Protocol,
    weight: Weight,
    vial_id: str | None = None,
    override_reason: str | None = None,
    *,
    preview: bool = False,
) -> DoseCalculation:
    """Dose, volumes and rate for this weight; soft limit needs a reason, hard limit refuses.

    ``preview``: the figures above the soft limit are worked out even before the reason is given, so the
    nurse sees what she is asked to go ahead with (``reason_asked`` says what is asked); confirming, never."""
    advisories = check_weight(protocol, weight)
    steps = protocol.rounding
    try:
        vial = protocol.vial(vial_id or protocol.preparation.default_vial)
    except KeyError:
        raise InputError("vial", f"“{vial_id}” is not a vial this protocol allows.", "Choose a listed vial.") from None

    weight_kg = round_to(weight.kg, Decimal("0.01"))
    dose = round_to(weight_kg * protocol.dose.mg_per_kg, steps.dose_mg)
    limits = protocol.dose_limits
    if dose > limits.hard_max_mg:
        raise InputError(
            "dose",
            f"{_fmt(dose)} mg is above this protocol's hard limit of {_fmt(limits.hard_max_mg)} mg.",
            "Do not prepare this dose. Check the weight; if it is right, the prescriber must decide.",
        )
    soft = dose > limits.soft_max_mg
    reason = (override_reason or "").strip() or None
    if soft and reason is None and not preview:
        raise _reason_asked(protocol, dose)

    drug_ml = round_to(dose / vial.mg_per_ml, steps.volume_ml)
    bag = protocol.preparation.bag_ml
    carrier = protocol.preparation.diluent
    final_ml = bag if protocol.preparation.remove_drug_volume_first else round_to(bag + drug_ml, steps.volume_ml)
    concentration = round_to(dose / final_ml, steps.concentration_mg_per_ml)
    minutes = protocol.dose.infusion_minutes
    rate = round_to(final_ml * 60 / minutes, steps.rate_ml_per_h)

    if protocol.preparation.remove_drug_volume_first:
        volume_line = (
            f"Remove {_fmt(drug_ml)} mL from the {_fmt(bag)} mL {carrier} bag, then add the drug: {_fmt(final_ml)} mL"
        )
    else:
        volume_line = f"{_fmt(bag)} mL {carrier} bag + {_fmt(drug_ml)} mL = {_fmt(final_ml)} mL"
    arithmetic = (
        f"Weight: {weight.describe()}" if weight.unit is WeightUnit.LB else f"Weight: {_fmt(weight_kg)} kg",
        f"{_fmt(weight_kg)} kg × {_fmt(protocol.dose.mg_per_kg)} mg/kg = {_fmt(dose)} mg",
        f"{_fmt(dose)} mg ÷ {_fmt(vial.mg_per_ml)} mg/mL = {_fmt(drug_ml)} mL to draw ({vial.label})",
        volume_line,
        f"{_fmt(dose)} mg ÷ {_fmt(final_ml)} mL = {_fmt(concentration)} mg/mL",
        f"{_fmt(final_ml)} mL ÷ {minutes} min × 60 = {_fmt(rate)} mL/h",
    )
    if vial.must_dilute:
        advisories.append(f"{vial.label}: never give undiluted.")
    return DoseCalculation(
        weight_entered=weight.entered,
        weight_unit=weight.unit,
        weight_kg=weight_kg,
        mg_per_kg=protocol.dose.mg_per_kg,
        dose_mg=dose,
        vial_id=vial.id,
        vial_label=vial.label,
        vial_mg_per_ml=vial.mg_per_ml,
        drug_volume_ml=drug_ml,
        bag_ml=bag,
        final_volume_ml=final_ml,
        concentration_mg_per_ml=concentration,
        infusion_minutes=minutes,
        rate_ml_per_h=rate,
        soft_limit_exceeded=soft,
        override_reason=reason if soft else None,
        arithmetic=arithmetic,
        advisories=tuple(advisories),
    )


def _reason_asked(protocol: Protocol, dose: Decimal) -> OverrideRequired:
    return OverrideRequired(
        "override_reason",
        f"{_fmt(dose)} mg is above the soft limit of {_fmt(protocol.dose_limits.soft_max_mg)} mg.",
        "Check the weight. To go ahead, give the reason for the override.",
    )


def reason_asked(protocol: Protocol, calc: DoseCalculation) -> OverrideRequired | None:
    """What a previewed dose above the soft limit asks for while no reason is given; None otherwise."""
    if not calc.soft_limit_exceeded or calc.override_reason is not None:
        return None
    return _reason_asked(protocol, calc.dose_mg)


def over_soft_limit_words(protocol: Protocol, calc: DoseCalculation) -> str | None:
    """The mark beside figures above the soft limit."""
    if not calc.soft_limit_exceeded:
        return None
    return f"Over the soft limit of {_fmt(protocol.dose_limits.soft_max_mg)} mg"


@dataclass(frozen=True)
class CheckFigures:
    """What the second nurse works out on her own, without seeing the first nurse's figures."""

    weight_kg: Decimal
    dose_mg: Decimal
    rate_ml_per_h: Decimal

    def to_payload(self) -> dict[str, str]:
        return {key: str(value) for key, value in vars(self).items()}

    @classmethod
    def from_payload(cls, data: Mapping[str, str]) -> CheckFigures:
        return cls(**{key: Decimal(value) for key, value in data.items()})


def parse_check_figures(weight: str, dose: str, rate: str) -> CheckFigures:
    return CheckFigures(
        weight_kg=parse_decimal(weight, "check_weight", "weight in kg"),
        dose_mg=parse_decimal(dose, "check_dose", "dose in mg"),
        rate_ml_per_h=parse_decimal(rate, "check_rate", "pump rate in mL/h"),
    )


CHECK_WEIGHT_STEP = Decimal("0.1")
"""The second nurse reads the scale to 0.1 kg: the weights are compared at that step."""


def check_mismatches(protocol: Protocol, calc: DoseCalculation, figures: CheckFigures) -> list[str]:
    """Fields where the second nurse disagrees, each compared at the protocol's rounding."""
    steps = protocol.rounding
    pairs = (
        ("weight_kg", calc.weight_kg, figures.weight_kg, CHECK_WEIGHT_STEP),
        ("dose_mg", calc.dose_mg, figures.dose_mg, steps.dose_mg),
        ("rate_ml_per_h", calc.rate_ml_per_h, figures.rate_ml_per_h, steps.rate_ml_per_h),
    )
    return [name for name, first, second, step in pairs if round_to(first, step) != round_to(second, step)]


# ---- the pump, programmed and checked before the start ----------------------------------------------

PUMP_FIGURES = {"rate_ml_per_h": "rate", "vtbi_ml": "volume to be infused"}
"""The two figures read off the pump, and what they are called in a sentence."""


@dataclass(frozen=True)
class PumpOrder:
    """What the pump must show, in the pump's own terms: drug and amount in the carrier, rate, VTBI, time."""

    drug: str
    dose_mg: Decimal
    carrier: str
    bag_ml: Decimal
    concentration_mg_per_ml: Decimal
    rate_ml_per_h: Decimal
    vtbi_ml: Decimal
    minutes: int

    @property
    def bag(self) -> str:
        return f"{self.carrier}, {_fmt(self.bag_ml)} mL bag"

    @property
    def contents(self) -> str:
        """Drug, amount and carrier, as the bag's label reads."""
        return (
            f"{self.drug.capitalize()} {_fmt(self.dose_mg)} mg in {self.bag} "
            f"({_fmt(self.concentration_mg_per_ml)} mg/mL)"
        )

    @property
    def settings(self) -> str:
        return f"Rate {_fmt(self.rate_ml_per_h)} mL/h · VTBI {_fmt(self.vtbi_ml)} mL · {self.minutes} min"

    def resuming(self, left: timedelta) -> str:
        """While paused: the pump resumes at the same rate for the time left, so what is left to infuse is
        that much, not the whole order (the pump counts its VTBI down; it is never programmed afresh)."""
        ml = (self.rate_ml_per_h * Decimal(int(left.total_seconds())) / 3600).quantize(Decimal("0.1"), ROUND_HALF_UP)
        minutes = -(-int(left.total_seconds()) // 60)
        return f"On resuming: Rate {_fmt(self.rate_ml_per_h)} mL/h · about {_fmt(ml)} mL left · {minutes} min"

    def figure(self, key: str) -> Decimal:
        return {"rate_ml_per_h": self.rate_ml_per_h, "vtbi_ml": self.vtbi_ml}[key]

    def to_payload(self) -> dict[str, object]:
        return {key: (str(value) if isinstance(value, Decimal) else value) for key, value in asdict(self).items()}

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> PumpOrder:
        return cls(
            drug=data["drug"],
            dose_mg=Decimal(data["dose_mg"]),
            carrier=data["carrier"],
            bag_ml=Decimal(data["bag_ml"]),
            concentration_mg_per_ml=Decimal(data["concentration_mg_per_ml"]),
            rate_ml_per_h=Decimal(data["rate_ml_per_h"]),
            vtbi_ml=Decimal(data["vtbi_ml"]),
            minutes=data["minutes"],
        )


def pump_order(protocol: Protocol, calc: DoseCalculation) -> PumpOrder:
    """The pump's settings for a confirmed dose: the rate as calculated, the VTBI the whole final volume at
    the step the pump takes, and the protocol's infusion time."""
    return PumpOrder(
        drug=protocol.drug,
        dose_mg=calc.dose_mg,
        carrier=protocol.preparation.diluent,
        bag_ml=calc.bag_ml,
        concentration_mg_per_ml=calc.concentration_mg_per_ml,
        rate_ml_per_h=calc.rate_ml_per_h,
        vtbi_ml=round_to(calc.final_volume_ml, protocol.pump.vtbi_ml),
        minutes=calc.infusion_minutes,
    )


@dataclass(frozen=True)
class PumpReading:
    """Rate and VTBI as a nurse read them off the pump's screen."""

    rate_ml_per_h: Decimal
    vtbi_ml: Decimal

    def figure(self, key: str) -> Decimal:
        return {"rate_ml_per_h": self.rate_ml_per_h, "vtbi_ml": self.vtbi_ml}[key]

    def to_payload(self) -> dict[str, str]:
        return {"rate_ml_per_h": str(self.rate_ml_per_h), "vtbi_ml": str(self.vtbi_ml)}

    @classmethod
    def from_payload(cls, data: Mapping[str, str]) -> PumpReading:
        return cls(Decimal(data["rate_ml_per_h"]), Decimal(data["vtbi_ml"]))


def parse_pump_reading(rate: str, vtbi: str, prefix: str = "pump") -> PumpReading:
    """The two figures as typed (fields ``{prefix}_rate`` and ``{prefix}_vtbi``); never rounded."""
    figures = []
    fields = ((rate, f"{prefix}_rate", "rate on the pump (mL/h)"), (vtbi, f"{prefix}_vtbi", "VTBI on the pump (mL)"))
    for text, field, what in fields:
        value = parse_decimal(text, field, what)
        if value <= 0:
            raise InputError(field, f"The {what} must be more than zero.", "Read it again off the pump.")
        figures.append(value)
    return PumpReading(*figures)


def pump_mismatches(order: PumpOrder, reading: PumpReading) -> list[str]:
    """The figures the pump shows that differ from the order (keys of ``PUMP_FIGURES``)."""
    return [key for key in PUMP_FIGURES if reading.figure(key) != order.figure(key)]


def pump_disagreement(order: PumpOrder, read: PumpReading, mismatches: Sequence[str], who: str) -> str:
    """A mismatch in words, from a recorded reading: what the pump showed and what was ordered."""
    units = {"rate_ml_per_h": "mL/h", "vtbi_ml": "mL"}
    parts = [
        f"{PUMP_FIGURES[key]} {read.figure(key)} {units[key]} on the pump, {order.figure(key)} {units[key]} ordered"
        for key in mismatches
        if key in PUMP_FIGURES
    ]
    return f"{who}: " + "; ".join(parts)
