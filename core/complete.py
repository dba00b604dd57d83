"""When a typed value is finished, so its field may hand the keyboard on without a Tab.

A value is complete when it is a possible value and no character typed after it could still lead to
one. From the protocol's impossible limits and decimal places: systolic "124" is complete (a fourth
digit passes 300 mmHg) and so is "95" (950 is impossible); heart rate "25" is not (250 is possible);
a temperature recorded to one decimal place is complete at "36.8", never at "36"; a second nurse's dose
is complete at "36.2", as it is compared to 0.1 mg. A complete value can only be spoilt by more typing,
so moving on cannot cut a reading short.

Only the plain forms a nurse types count: digits without leading zeros, one decimal mark (point or
comma) and at most the recorded places, a sign only on a scale with negative values (RASS). Anything
else is never complete: the field keeps the keyboard and Enter gives core's message about it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from core.dates import parse_day
from core.dosing import CHECK_WEIGHT_STEP
from core.errors import InputError
from core.protocol import Protocol, VitalKind

_TYPED = re.compile(r"([+-]?)(\d*)(?:([.,])(\d*))?")
NEXT_CHARACTERS = "0123456789."
"""What could be typed after a value and still belong to a number (a comma is the same mark as a point)."""


@dataclass(frozen=True)
class NumberShape:
    """The values a field can hold: inclusive limits and the decimal places they are recorded to."""

    low: Decimal
    high: Decimal
    decimals: int

    @property
    def step(self) -> Decimal:
        return Decimal(1).scaleb(-self.decimals)

    def possible(self, text: str) -> bool:
        """A whole value, typed in plain form, inside the limits."""
        parts = self._parts(text)
        if parts is None:
            return False
        sign, digits, mark, fraction = parts
        if not digits or (mark and not fraction):
            return False
        magnitude = Decimal(f"{digits}.{fraction or 0}")
        return self._meets(sign, magnitude, magnitude)

    def could_become(self, text: str) -> bool:
        """The text is the start of (or is) some possible value."""
        parts = self._parts(text)
        if parts is None:
            return False
        sign, digits, mark, fraction = parts
        if not digits:
            widest = max(abs(self.low), abs(self.high))
            return any(self._meets(start, Decimal(0), widest) for start in ([sign] if sign else ["", "-"]))
        if mark:
            start = Decimal(f"{digits}.{fraction or 0}")
            room = Decimal(1).scaleb(-len(fraction))
            return self._meets(sign, start, start + room - self.step)
        whole = int(digits)
        widest = max(abs(self.low), abs(self.high))
        spans = [(Decimal(whole), Decimal(whole + 1) - self.step)]
        if whole:
            tens = 10
            while whole * tens <= widest:
                spans.append((Decimal(whole * tens), Decimal((whole + 1) * tens) - self.step))
                tens *= 10
        return any(self._meets(sign, start, end) for start, end in spans)

    def complete(self, text: str) -> bool:
        """Possible, and nothing more typed could make another possible value: the field is done."""
        return self.possible(text) and not any(self.could_become(text + more) for more in NEXT_CHARACTERS)

    def _parts(self, text: str) -> tuple[str, str, str, str] | None:
        """Sign, whole digits, decimal mark and fraction digits of a plain typed number, or None."""
        match = _TYPED.fullmatch(text)
        if match is None:
            return None
        sign, digits, mark, fraction = (part or "" for part in match.groups())
        if sign and self.low >= 0:
            return None
        if len(digits) > 1 and digits.startswith("0"):
            return None
        if mark and (not digits or not self.decimals or len(fraction) > self.decimals):
            return None
        return sign, digits, mark, fraction

    def _meets(self, sign: str, smallest: Decimal, largest: Decimal) -> bool:
        """Some value on the recorded step, of these magnitudes and this sign, lies inside the limits."""
        if sign == "-":
            low, high = -largest, min(-smallest, -self.step)
        elif sign == "+":
            low, high = max(smallest, self.step), largest
        else:
            low, high = smallest, largest
        low = max(low, self.low.quantize(self.step, rounding=ROUND_CEILING))
        high = min(high, self.high.quantize(self.step, rounding=ROUND_FLOOR))
        return low <= high


def vital_shape(protocol: Protocol, kind: VitalKind) -> NumberShape:
    """A vital's possible values: inside the impossible limits, to its recorded places."""
    limits = protocol.vitals[kind]
    return NumberShape(limits.reject_below, limits.reject_above, limits.decimals)


def check_shapes(protocol: Protocol) -> dict[str, NumberShape]:
    """The second nurse's figures, each finished at the places it is compared to (core.dosing): the
    weight at 0.1 kg, the dose and the pump rate at the protocol's rounding. The largest rate is the
    fullest bag (the hard dose limit drawn from the weakest vial) over the infusion's minutes."""
    dose_decimals = -protocol.rounding.dose_mg.as_tuple().exponent
    rate_decimals = -protocol.rounding.rate_ml_per_h.as_tuple().exponent
    weight_decimals = -CHECK_WEIGHT_STEP.as_tuple().exponent
    weakest = min(vial.mg_per_ml for vial in protocol.vials)
    fullest = protocol.preparation.bag_ml + protocol.dose_limits.hard_max_mg / weakest
    rules = protocol.weight
    return {
        "weight_kg": NumberShape(rules.reject_below_kg, rules.reject_above_kg, weight_decimals),
        "dose_mg": NumberShape(Decimal(0), protocol.dose_limits.hard_max_mg, dose_decimals),
        "rate_ml_per_h": NumberShape(Decimal(0), fullest * 60 / protocol.dose.infusion_minutes, rate_decimals),
    }


def day_complete(text: str) -> bool:
    """A whole YYYY-MM-DD date of the calendar: nothing typed after it could still be a date."""
    try:
        parse_day(text, "day")
    except InputError:
        return False
    return True


def drawn_shape(protocol: Protocol) -> NumberShape:
    """A volume drawn up: more than nothing, at most a whole vial of the largest kind, to the protocol's
    volume step, so "3.62" is complete."""
    step = protocol.rounding.volume_ml
    exponent = step.as_tuple().exponent
    largest = max(vial.vial_ml for vial in protocol.vials)
    return NumberShape(step, largest, -exponent if isinstance(exponent, int) else 0)


def pump_shape(protocol: Protocol, figure: str) -> NumberShape:
    """A figure read off the pump ("rate_ml_per_h" or "vtbi_ml"): more than zero, to the protocol's step for
    it, so "155.4" is complete and the keyboard moves on to the VTBI."""
    step = protocol.rounding.rate_ml_per_h if figure == "rate_ml_per_h" else protocol.pump.vtbi_ml
    exponent = step.as_tuple().exponent
    return NumberShape(step, Decimal(9999), -exponent if isinstance(exponent, int) else 0)
