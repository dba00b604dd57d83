"""PROMIS short forms scored from the raw-sum tables shipped with Chairside (``resources/promis``).

A form is scored only when every one of its items is answered: the raw sum of the item values is turned
into a T-score (and its standard error, where the table has one) by the form's own table, never by
another version's, never pro-rated and never extrapolated (PROMIS.md section 2.1). A form whose table
is not shipped is refused by name rather than scored by guess. Every score names the table it came from,
and says so while the tables are still to be checked against the HealthMeasures manuals, as the file
that carries them says they are. Only item identifiers and values are kept: the items' wording is the
copyright holder's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from core.errors import InputError
from core.paths import resource_path

TABLES = "promis/promis_tables.json"
FIVE_POINT = frozenset(range(1, 6))
"""The values of an item the tables describe in words only ("5-point item, 5 = best")."""


@dataclass(frozen=True)
class ShortForm:
    id: str
    domain: str
    version: str
    items: tuple[str, ...]
    higher_is_better: bool
    raw_range: tuple[int, int]
    values: Mapping[str, frozenset[int]]
    """The scored values each item may take."""
    table: Mapping[int, tuple[Decimal, Decimal | None]]
    """Raw sum -> (T-score, SE or None)."""


@dataclass(frozen=True)
class Scored:
    form_id: str
    table: str
    """The table it came from: the form and its version, as the file names it."""
    raw: int
    t_score: Decimal
    se: Decimal | None
    to_verify: bool
    """The table is still to be checked against the HealthMeasures manual: said on every score."""

    @property
    def words(self) -> str:
        se = f" (SE {self.se})" if self.se is not None else ""
        check = " — table still to be verified" if self.to_verify else ""
        return f"T {self.t_score}{se}, raw {self.raw}{check}"


@dataclass(frozen=True)
class NotScorable:
    form_id: str
    answered: int
    of: int

    @property
    def words(self) -> str:
        return f"not scorable ({self.answered} of {self.of} answered)"


class PromisTables:
    """The short forms whose tables Chairside ships, by form id (e.g. ``PI_4a_v1.0``)."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        about = data.get("_about", {})
        self.to_verify = "verify" in str(about.get("authority", "")).lower()
        self.forms = {key: _form(key, entry) for key, entry in data.items() if not key.startswith("_")}

    def form(self, form_id: str) -> ShortForm:
        found = self.forms.get(form_id)
        if found is None:
            raise InputError(
                "form_id",
                f"Chairside has no scoring table for the PROMIS form {form_id}, so it cannot score it.",
                f"Use one of: {', '.join(sorted(self.forms))}.",
            )
        return found

    def score(self, form_id: str, responses: Mapping[str, int | None]) -> Scored | NotScorable:
        """``responses``: each item's scored value (None or absent: not answered)."""
        form = self.form(form_id)
        strangers = sorted(set(responses) - set(form.items))
        if strangers:
            raise InputError("responses", f"{', '.join(strangers)} is not an item of {form_id}.", "Check the form.")
        answered = {item: value for item, value in responses.items() if value is not None}
        for item, value in answered.items():
            if value not in form.values[item]:
                allowed = ", ".join(str(v) for v in sorted(form.values[item]))
                raise InputError("responses", f"{item} takes one of {allowed}; {value} was given.", "Check the answer.")
        if len(answered) < len(form.items):
            return NotScorable(form_id, len(answered), len(form.items))
        raw = sum(answered.values())
        if raw not in form.table:  # outside the form's range: never extrapolated
            low, high = form.raw_range
            raise InputError(
                "responses", f"A raw score of {raw} is outside {form_id}'s {low}–{high}.", "Check the answers."
            )
        t_score, se = form.table[raw]
        return Scored(form_id, f"{form_id} ({form.version})", raw, t_score, se, self.to_verify)


FINEST = Decimal("0.01")
"""The finest T-score or SE a table may give: the outcome report keeps scores as whole hundredths
(``core.outcomes.grid``), so a finer one would be rounded there unseen. PROMIS tables give tenths."""


def _to_hundredths(form_id: str, value: object) -> Decimal:
    found = Decimal(str(value))
    if found != found.quantize(FINEST):
        raise ValueError(f"{form_id}'s table gives {found}: Chairside keeps T-scores and SEs to a hundredth.")
    return found


@cache
def shipped() -> PromisTables:
    """The tables shipped with Chairside, read once."""
    return PromisTables(json.loads(resource_path(TABLES).read_text(encoding="utf-8"), parse_float=Decimal))


def _form(key: str, entry: Mapping[str, Any]) -> ShortForm:
    values = {
        item: frozenset(int(v) for v in answers.values()) if isinstance(answers, Mapping) else FIVE_POINT
        for item, answers in entry["response_values"].items()
    }
    table = {
        int(raw): (_to_hundredths(key, pair[0]), _to_hundredths(key, pair[1]) if pair[1] is not None else None)
        for raw, pair in entry["table"].items()
    }
    low, high = entry["raw_range"]
    return ShortForm(
        id=key,
        domain=entry["domain"],
        version=entry["version"],
        items=tuple(entry["items"]),
        higher_is_better=entry["direction"] == "higher_is_better",
        raw_range=(int(low), int(high)),
        values={item: values.get(item, FIVE_POINT) for item in entry["items"]},
        table=table,
    )
