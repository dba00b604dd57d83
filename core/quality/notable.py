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


def notable(kind: str, payload: Mapping[str, Any]) -> bool:
    """Whether the entry of ``kind`` (its stored text) with ``payload`` is kept for the report."""
    rule = RULES.get(kind)
    return rule is not None and rule(payload)
