"""The kinds of entry a limit or a rule refused: the near misses a clinic reviews to see where care slips.

Each refusal is one ``care.refused`` audit line (``CareBase._refused``), written apart from the entry it
refused, which records nothing. Its detail names the kind (``"kind"``) beside what was typed and what the
nurse was told, so near misses can be counted by kind without reading the words. Lines written before the
kind was named are read by their older keys (``kind_of``), as the audit trail's view does.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from core.errors import NotPermitted


class Refusal(StrEnum):
    """What refused an entry: a hard limit or a rule refuses outright; a soft limit (``SOFT``) until a
    confirmation, an override or a reason is given."""

    WEIGHT_IMPLAUSIBLE = "weight_implausible"
    WEIGHT_UNIT = "weight_unit"
    WEIGHT_CHANGE_UNCONFIRMED = "weight_change_unconfirmed"
    DOSE_HARD_LIMIT = "dose_hard_limit"
    DOSE_SOFT_LIMIT = "dose_soft_limit"
    SAME_DAY_WITHOUT_OVERRIDE = "same_day_without_override"
    START_WITHOUT_GO_AHEAD = "start_without_go_ahead"
    VITAL_IMPOSSIBLE = "vital_impossible"
    READINGS_DISAGREE = "readings_disagree"
    SAME_NURSE_CHECKING = "same_nurse_checking"
    DISCHARGE_CRITERIA = "discharge_criteria"
    RETURN_SINGLE_DOSE = "return_single_dose"


WORDS: Mapping[Refusal, str] = {
    Refusal.WEIGHT_IMPLAUSIBLE: "Weight outside what a patient can weigh",
    Refusal.WEIGHT_UNIT: "Weight in a unit that only makes the number fit",
    Refusal.WEIGHT_CHANGE_UNCONFIRMED: "Weight change from the last session, not confirmed",
    Refusal.DOSE_HARD_LIMIT: "Dose above the hard limit",
    Refusal.DOSE_SOFT_LIMIT: "Dose above the soft limit, without a reason",
    Refusal.SAME_DAY_WITHOUT_OVERRIDE: "Second infusion the same day, without the prescriber's override",
    Refusal.START_WITHOUT_GO_AHEAD: "Start outside the start thresholds, without a go-ahead",
    Refusal.VITAL_IMPOSSIBLE: "Vital sign no patient can have",
    Refusal.READINGS_DISAGREE: "Readings that cannot both be right",
    Refusal.SAME_NURSE_CHECKING: "The same nurse as her own second check",
    Refusal.DISCHARGE_CRITERIA: "Discharge before the criteria were met, without the prescriber's override",
    Refusal.RETURN_SINGLE_DOSE: "Single-dose vial's rest returned to stock",
}
"""How a report or a trail names each kind."""

SOFT = frozenset(
    {
        Refusal.WEIGHT_CHANGE_UNCONFIRMED,
        Refusal.DOSE_SOFT_LIMIT,
        Refusal.SAME_DAY_WITHOUT_OVERRIDE,
        Refusal.START_WITHOUT_GO_AHEAD,
        Refusal.DISCHARGE_CRITERIA,
    }
)
"""The soft limits. Their refusal is also how the screen asks for what lets the entry go ahead (the
confirmation, the reason, the override or go-ahead appears once the limit has spoken), so each line says the
limit asked, not that care slipped: the entry that followed in the session (its payload names the override)
or the lack of one tells an override from a near miss. A second infusion the same day has no session yet:
its line names the patient and the chair."""

_BEFORE_KINDS: Mapping[str, Refusal] = {
    "implausible weight": Refusal.WEIGHT_IMPLAUSIBLE,
    "weight unit that makes the number fit": Refusal.WEIGHT_UNIT,
    "hard dose limit": Refusal.DOSE_HARD_LIMIT,
    "soft dose limit": Refusal.DOSE_SOFT_LIMIT,
    "impossible vital sign": Refusal.VITAL_IMPOSSIBLE,
    "diastolic not below systolic": Refusal.READINGS_DISAGREE,
    "discharge": Refusal.DISCHARGE_CRITERIA,
    "return to stock": Refusal.RETURN_SINGLE_DOSE,
}
"""The words older lines named their refusal by (under ``limit``, ``what`` or ``refused``)."""


class SameNurse(NotPermitted):
    """A nurse named as her own second check (of the dose, or of the pump): refused, and kept as a near miss
    once the entry's transaction has been rolled back."""


def refusal_detail(kind: Refusal, said: str, **values: Any) -> dict[str, Any]:
    """A refusal line's detail: its kind, what the nurse was told, and the values that were refused."""
    return {"kind": kind.value, "said": said, **values}


def kind_of(detail: Mapping[str, Any]) -> Refusal | None:
    """The kind of a ``care.refused`` line, older lines' too; None for a line of no known kind."""
    named = detail.get("kind")
    if isinstance(named, str):
        try:
            return Refusal(named)
        except ValueError:  # a kind named by a later version of Chairside
            return None
    for key in ("limit", "what", "refused"):
        said = detail.get(key)
        if isinstance(said, str):
            found = _BEFORE_KINDS.get(said)
            if found is not None:
                return found
    return None
