"""Which care entries may matter to the clinic's quality report: the one rule the ``quality_fact`` projection
is kept by (``core.records.quality_facts``), as each entry is written, as a history is written in bulk, and
when its rows are recounted from the entries.

Over ten years a busy clinic records some 300,000 sessions, each with a weighing, a dose, a second check, a
pump reading, a start, a discharge and a signature. Few of them are of interest to the report: an override,
a mismatch, a controlled-substance problem. Found among every entry of their kind, a report read and parsed
millions of payloads; kept apart as they are written, they are read alone. The rule looks at the stored
payload's own fields, as the report's typed judgement of each entry does after it (``core.quality``): an
entry it lets through that the report then finds unremarkable costs time, never a wrong count; an entry it
leaves out is never counted, so it errs on the side of keeping.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from core.events import EventType
from core.signatures import Meaning


def _first_mismatch(payload: Mapping[str, Any]) -> bool:
    mismatches = payload.get("mismatches")
    return isinstance(mismatches, list | tuple) and bool(mismatches) and mismatches[0] is not None


def _pump_mismatch(payload: Mapping[str, Any]) -> bool:
    second = payload.get("second")
    return _first_mismatch(payload) or (isinstance(second, Mapping) and _first_mismatch(second))


def _soft_limit_exceeded(payload: Mapping[str, Any]) -> bool:
    calculation = payload.get("calculation")
    return isinstance(calculation, Mapping) and calculation.get("soft_limit_exceeded") is True


def _without_a_witness(payload: Mapping[str, Any]) -> bool:
    """A waste with no "witnessed waste" signature (v1 named a ``witness_id`` instead: kept, for the typed
    payload to judge)."""
    signatures = payload.get("signatures") or ()
    witnessed = any(isinstance(s, Mapping) and s.get("meaning") == Meaning.WITNESSED_WASTE for s in signatures)
    return not witnessed or payload.get("witness_id") is not None


def _given(field: str) -> Callable[[Mapping[str, Any]], bool]:
    return lambda payload: payload.get(field) is not None


def _every(_payload: Mapping[str, Any]) -> bool:
    return True


RULES: Mapping[str, Callable[[Mapping[str, Any]], bool]] = {
    EventType.OPENED.value: _given("same_day_override"),
    EventType.WEIGHED.value: lambda payload: payload.get("change_confirmed") is True,
    EventType.DOSE_CALCULATED.value: _soft_limit_exceeded,
    EventType.STARTED.value: _given("go_ahead"),
    EventType.DISCHARGED.value: _given("override_reason"),
    EventType.CHECKED.value: _first_mismatch,
    EventType.PUMP_PROGRAMMED.value: _pump_mismatch,
    EventType.PUMP_CONFIRMED.value: _every,
    EventType.SIGNED.value: _given("controlled_problem"),
    EventType.WASTED.value: _without_a_witness,
    EventType.CORRECTED.value: _every,
    EventType.ADDENDUM.value: _every,
}
"""By kind (as stored), whether an entry may matter: an override given, a mismatch found, a problem signed
for, a waste with no witness's signature; every pump found after a restart, correction and addendum. The
report reads no other kind's entries this way."""
KINDS = frozenset(RULES)

_NOT_WHEN: Mapping[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    EventType.OPENED.value: (("same_day_override", ("null",)),),
    EventType.WEIGHED.value: (("change_confirmed", ("false", "null")),),
    EventType.DOSE_CALCULATED.value: (("soft_limit_exceeded", ("false", "null")),),
    EventType.STARTED.value: (("go_ahead", ("null",)),),
    EventType.DISCHARGED.value: (("override_reason", ("null",)),),
    EventType.CHECKED.value: (("mismatches", ("[]", "null")),),
    EventType.PUMP_PROGRAMMED.value: (("mismatches", ("[]", "null")), ("second", ("null",))),
    EventType.SIGNED.value: (("controlled_problem", ("null",)),),
}
"""For each kind whose rule reads fields (``RULES``), the fields it reads, each with the values that cannot make
it keep the entry: where every one of them is absent from the stored text, or there once with one of these
values, the rule cannot keep it (``may_be_notable``). A field's name between quotes can only be a key or a
whole string in a JSON text (a quote inside a string is escaped), and a key followed by ``: null`` only that
key's value; the kinds not here (every one kept, or a waste, whose rule reads a list) are always read."""

_PROBES = {
    kind: tuple((f'"{name}"', tuple(f'"{name}": {value}' for value in harmless)) for name, harmless in fields)
    for kind, fields in _NOT_WHEN.items()
}
"""``_NOT_WHEN`` as the texts looked for: each field's key, and the key with each harmless value."""

_ASCII_ESCAPED = re.compile(r"\\u00[2-7]")
"""An escape of a printable ASCII character (``\\u005f`` for ``_``), which could spell a field's name otherwise
than as written here; JSON writers escape only the other characters (``\\u00d7``), and quotes and backslashes
as ``\\"`` and ``\\\\``."""


def may_be_notable(kind: str, stored: str) -> bool:
    """Whether the entry of ``kind`` whose payload is stored as ``stored`` may keep a row: False only where the
    text itself shows every field its rule reads absent or harmless, so a recount of ten years parses the few
    payloads that may matter (about 11,000 of 2.3 million) and not every one. A text escaping a printable
    character (``_ASCII_ESCAPED``), or written another way (``"x":null``), is said to maybe matter, and is
    parsed and judged by the rule."""
    probes = _PROBES.get(kind)
    if probes is None:
        return kind in RULES
    for key, harmless in probes:
        found = stored.count(key)
        if found > 1:
            return True
        if found == 1:
            for written in harmless:
                if written in stored:
                    break
            else:
                return True
    return "\\u00" in stored and _ASCII_ESCAPED.search(stored) is not None


def notable(kind: str, payload: Mapping[str, Any]) -> bool:
    """Whether the entry of ``kind`` (its stored text) with ``payload`` is kept for the report."""
    rule = RULES.get(kind)
    return rule is not None and rule(payload)
