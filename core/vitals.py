"""Vital signs: parse what was typed, refuse the impossible, and sort the rest into tiers.

Tiers follow the protocol: *reject* (impossible or an entry error — never stored), *advise* (flagged
quietly), *act* (an alarm that needs acknowledgement and an action). Rises are measured against the
session's baseline set.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from core.dosing import parse_decimal
from core.errors import InputError
from core.protocol import Protocol, VitalKind, VitalThresholds


class Tier(StrEnum):
    NORMAL = "normal"
    ADVISE = "advise"
    ACT = "act"

    @property
    def rank(self) -> int:
        return (Tier.NORMAL, Tier.ADVISE, Tier.ACT).index(self)


@dataclass(frozen=True)
class Finding:
    kind: VitalKind
    value: Decimal
    tier: Tier
    why: str


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def parse_vitals(
    protocol: Protocol, typed: dict[VitalKind, str], partial_reason: str | None = None
) -> dict[VitalKind, Decimal]:
    """Values from the entry fields; blanks are allowed only with a reason for the partial set.

    An optional vital (temperature) may be left blank without a reason: it is taken when needed.
    """
    values: dict[VitalKind, Decimal] = {}
    for kind, text in typed.items():
        if text is None or not text.strip():
            continue
        limits = protocol.vitals[kind]
        value = parse_decimal(text, kind.value, limits.label.lower())
        _refuse_other_unit(kind, value, limits)
        _refuse_extra_digits(kind, text, limits)
        _refuse_impossible(kind, value, limits)
        values[kind] = _to_places(kind, value, limits)
    _refuse_blood_pressure(protocol, values)  # a reading nobody took comes before what is missing
    missing = [k for k in VitalKind if k not in values and not protocol.vitals[k].optional]
    if not values:
        raise InputError("vitals", "Enter at least one reading.", "Or record why the set could not be taken.")
    reason = (partial_reason or "").strip()
    if missing and not reason:
        names = ", ".join(protocol.vitals[k].label for k in missing)
        offered = ", ".join(protocol.vitals_schedule.partial_reasons)
        raise InputError(
            "partial_reason",
            f"Missing: {names}.",
            f"Enter them, or choose why this set is partial ({offered}).",
        )
    if reason and not missing:
        raise InputError(
            "partial_reason",
            f"Every reading is there, so the set is not partial ({reason}).",
            "Take the reason away, or clear the reading that was not taken.",
        )
    if reason and reason not in protocol.vitals_schedule.partial_reasons:
        offered = ", ".join(protocol.vitals_schedule.partial_reasons)
        raise InputError("partial_reason", f"“{reason}” is not one of the protocol's reasons.", f"Choose: {offered}.")
    return values


class ReadingsDisagree(InputError):
    """Two readings that cannot both be right (a blood pressure whose diastolic is not below its systolic):
    refused by the diastolic field, and recorded as a refusal with both readings."""

    def __init__(self, message: str, advice: str, entered: str) -> None:
        super().__init__(VitalKind.DIASTOLIC.value, message, advice)
        self.entered = entered


def _refuse_blood_pressure(protocol: Protocol, values: dict[VitalKind, Decimal]) -> None:
    """Systolic and diastolic checked together: a diastolic not below the systolic cannot be a reading.
    Digits run on from one field into the next ("1201" then "78" gives 120/178) end here, never as a set.
    A pulse pressure that is only narrow may be real (shock, tamponade: a low systolic must still alarm),
    so it is recorded and flagged instead (see ``classify``)."""
    systolic, diastolic = values.get(VitalKind.SYSTOLIC), values.get(VitalKind.DIASTOLIC)
    if systolic is None or diastolic is None or diastolic < systolic:
        return
    raise ReadingsDisagree(
        f"Diastolic {_fmt(diastolic)} is not below systolic {_fmt(systolic)}: check both readings and enter "
        "them again.",
        "Each reading goes in its own field.",
        f"{_fmt(systolic)}/{_fmt(diastolic)}",
    )


def _narrow(protocol: Protocol, values: dict[VitalKind, Decimal]) -> str | None:
    """Why the diastolic is flagged when it lies closer to the systolic than the protocol's minimum pulse
    pressure: real but rare in a seated outpatient, or two readings typed together ("126124")."""
    systolic, diastolic = values.get(VitalKind.SYSTOLIC), values.get(VitalKind.DIASTOLIC)
    least = protocol.vitals[VitalKind.DIASTOLIC].min_pulse_pressure_mmhg
    if systolic is None or diastolic is None or least is None or systolic - diastolic >= least:
        return None
    return (
        f"only {_fmt(systolic - diastolic)} mmHg below systolic (pulse pressure under {_fmt(least)}): "
        "check the reading, or two readings typed together"
    )


def _to_places(kind: VitalKind, value: Decimal, limits: VitalThresholds) -> Decimal:
    """The value at the protocol's precision; more digits than that were not measured, so are refused."""
    step = Decimal(1).scaleb(-limits.decimals)
    if value != value.quantize(step):
        if limits.decimals == 0:
            raise InputError(kind.value, f"{limits.label} is recorded in whole numbers.", "Round it and re-enter.")
        places = "1 decimal place" if limits.decimals == 1 else f"{limits.decimals} decimal places"
        raise InputError(kind.value, f"{limits.label} is recorded to {places}.", "Round it and re-enter.")
    return value.quantize(step)


@dataclass(frozen=True)
class Digits:
    """How many digits a reading can have, from the protocol's impossible limits and recorded places:
    a blood pressure (20–300 mmHg) at most 3, a respiratory rate (2–80) 2, a temperature 2 and 1 after
    the decimal point. More than that is an entry error (two readings run together), never a reading."""

    whole: int
    decimals: int

    def words(self) -> str:
        whole = f"{self.whole} digit{'s' if self.whole != 1 else ''}"
        return f"{whole} and {self.decimals} after the decimal point" if self.decimals else whole


def digits_of(limits: VitalThresholds) -> Digits:
    widest = max(abs(limits.reject_below), abs(limits.reject_above))
    return Digits(len(str(int(widest))), limits.decimals)


def _refuse_extra_digits(kind: VitalKind, text: str, limits: VitalThresholds) -> None:
    """Checked before the range, so "126124" is said to be two numbers, not an impossible pressure."""
    typed = text.strip().replace(",", ".").lstrip("+-")
    whole = typed.partition(".")[0]
    allowed = digits_of(limits)
    whole_digits = len(whole.lstrip("0")) or 1
    if whole_digits > allowed.whole:
        label = limits.label[0].lower() + limits.label[1:] if limits.label[1:2].islower() else limits.label
        raise InputError(
            kind.value,
            f"“{text.strip()}” has {whole_digits} digits; a {label} reading has at most {allowed.words()}.",
            "Check the reading; if two readings ran together, type one in each field.",
        )


def _refuse_other_unit(kind: VitalKind, value: Decimal, limits: VitalThresholds) -> None:
    """A Fahrenheit temperature in the Celsius field is said to be so, not just called impossible."""
    other = limits.other_unit
    if other is not None and other.low <= value <= other.high:
        raise InputError(
            kind.value,
            f"{limits.label} {_fmt(value)} looks like {other.unit}.",
            f"Enter the {limits.label.lower()} in {limits.unit}.",
        )


def _refuse_impossible(kind: VitalKind, value: Decimal, limits: VitalThresholds) -> None:
    if limits.reject_below <= value <= limits.reject_above:
        return
    advice = f"Possible values are {_fmt(limits.reject_below)}–{_fmt(limits.reject_above)} {limits.unit}."
    if kind is VitalKind.SPO2 and value > limits.reject_above:
        advice = "SpO2 cannot exceed 100 %. Re-read the oximeter."
    raise InputError(
        kind.value,
        f"{limits.label} {_fmt(value)} {limits.unit} is not possible.",
        f"{advice} Measure again and re-enter.",
    )


def classify(
    protocol: Protocol, values: dict[VitalKind, Decimal], baseline: dict[VitalKind, Decimal] | None = None
) -> list[Finding]:
    """Each value's tier, the most worrying reason first within each vital; a narrow pulse pressure flags a
    diastolic that is otherwise unremarkable."""
    findings = []
    narrow = _narrow(protocol, values)
    for kind, value in values.items():
        limits = protocol.vitals[kind]
        tier, why = _absolute_tier(value, limits)
        if baseline and kind in baseline:
            rise = value - baseline[kind]
            if limits.act_rise is not None and rise >= limits.act_rise and tier is not Tier.ACT:
                tier, why = Tier.ACT, f"rose {_fmt(rise)} {limits.unit} from baseline"
            elif limits.advise_rise is not None and rise >= limits.advise_rise and tier is Tier.NORMAL:
                tier, why = Tier.ADVISE, f"rose {_fmt(rise)} {limits.unit} from baseline"
        if kind is VitalKind.DIASTOLIC and narrow is not None and tier is Tier.NORMAL:
            tier, why = Tier.ADVISE, narrow
        findings.append(Finding(kind, value, tier, why))
    return findings


def _absolute_tier(value: Decimal, limits: VitalThresholds) -> tuple[Tier, str]:
    unit = limits.unit
    if limits.act_above is not None and value >= limits.act_above:
        return Tier.ACT, f"at or above {_fmt(limits.act_above)} {unit}"
    if limits.act_below is not None and value <= limits.act_below:
        return Tier.ACT, f"at or below {_fmt(limits.act_below)} {unit}"
    if limits.advise_above is not None and value >= limits.advise_above:
        return Tier.ADVISE, f"at or above {_fmt(limits.advise_above)} {unit}"
    if limits.advise_below is not None and value <= limits.advise_below:
        return Tier.ADVISE, f"at or below {_fmt(limits.advise_below)} {unit}"
    return Tier.NORMAL, ""


def start_problems(protocol: Protocol, baseline: dict[VitalKind, Decimal]) -> list[str]:
    """Baseline values outside the protocol's start thresholds, and those not measured at all (need the
    prescriber's go-ahead): a vital the protocol sets a start threshold for cannot be judged clear of it
    unless it was measured, so a partial set is no quiet way around the thresholds."""
    problems = [
        f"{limits.label} not measured"
        for kind, limits in protocol.vitals.items()
        if kind not in baseline and (limits.start_above is not None or limits.start_below is not None)
    ]
    for kind, value in baseline.items():
        limits = protocol.vitals[kind]
        if limits.start_above is not None and value >= limits.start_above:
            problems.append(f"{limits.label} {_fmt(value)} is at or above {_fmt(limits.start_above)} {limits.unit}")
        if limits.start_below is not None and value <= limits.start_below:
            problems.append(f"{limits.label} {_fmt(value)} is at or below {_fmt(limits.start_below)} {limits.unit}")
    return problems
