"""Chairside's vocabulary: every word a screen or a printout shows for a stored code, in one place.

A session's events become lines a person reads (when, what in words with its figures, who, and
where): the charge nurse's day log opens a finished session read-only with these lines, so she can
see what happened without a chair page that would offer to record. Reading the payloads is core's
business (their shapes are core's), so the words are made here; how the lines look is the screen's.
The same module holds the words for the codes stored inside payloads (the identifiers confirmed, the
figures of a double check, the phases of a session) and the standard abbreviations of the vital
signs, with the key printed under any table that uses them: no screen or paper shows a code, an
enum's name or a field's name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta, tzinfo
from typing import Any

from core.controlled import controlled_words
from core.dates import local_stamp, local_time
from core.events import Event
from core.events import EventType as E
from core.protocol import Phase, Protocol, VitalKind
from core.signatures import Meaning, check_disagreed, signatures_in
from core.vitals import Tier

EVENT_WORDS = {
    E.OPENED: "Patient seated",
    E.SCREENED: "Screening",
    E.WEIGHED: "Weight",
    E.DOSE_CALCULATED: "Dose confirmed",
    E.CHECKED: "Second-nurse check",
    E.STARTED: "Infusion started",
    E.PAUSED: "Infusion paused",
    E.RESUMED: "Infusion resumed",
    E.STOPPED_EARLY: "Infusion stopped early",
    E.COMPLETED: "Infusion complete",
    E.PUMP_CONFIRMED: "Pump state confirmed",
    E.VITALS: "Vital signs",
    E.ALERT_ACKNOWLEDGED: "Alert acknowledged",
    E.SIDE_EFFECTS: "Side effects",
    E.ADVERSE_EVENT: "Adverse event",
    E.ABANDONED: "Ended without treatment",
    E.DISCHARGED: "Discharge",
    E.SIGNED: "Session signed",
    E.CORRECTED: "Correction",
    E.ADDENDUM: "Addendum",
    E.DRAWN: "Drug drawn up",
    E.WASTED: "Drug wasted",
    E.PUMP_PROGRAMMED: "Pump programmed and checked",
    E.RETURNED: "Vial returned to stock",
}

IDENTIFIER_WORDS = {"name": "name", "birth_date": "date of birth", "mrn": "record number"}

CHECK_FIGURE_WORDS = {"weight_kg": "weight", "dose_mg": "dose", "rate_ml_per_h": "pump rate"}
"""The figures of a second-nurse check (``core.dosing.check_mismatches`` names them by these keys)."""
CHECK_FIGURE_UNITS = {"weight_kg": "kg", "dose_mg": "mg", "rate_ml_per_h": "mL/h"}

AGREED = "agreed"
DID_NOT_AGREE = "did not agree"
"""A second-nurse check's verdict: the only two words for it, on screen and paper alike."""

PHASE_WORDS = {
    Phase.BEFORE: "Before the infusion",
    Phase.INFUSION: "During the infusion",
    Phase.OBSERVATION: "During observation",
}

VITAL_ABBREVIATIONS = {
    VitalKind.SYSTOLIC: "SBP",
    VitalKind.DIASTOLIC: "DBP",
    VitalKind.HEART_RATE: "HR",
    VitalKind.RESPIRATORY_RATE: "RR",
    VitalKind.SPO2: "SpO2",
    VitalKind.SEDATION: "RASS",
    VitalKind.TEMPERATURE: "Temp",
}
"""The standard short names for a table's head, so a narrow column never breaks a word; each table
that uses them prints ``vital_key`` under it."""

Names = Callable[[str], str]
"""A staff id to the person's name (an unknown id may come back as itself)."""


def vital_abbreviation(kind: VitalKind) -> str:
    return VITAL_ABBREVIATIONS.get(kind, kind.name.title())


def vital_key(protocol: Protocol, kinds: Iterable[VitalKind] | None = None) -> str:
    """``SBP systolic blood pressure (mmHg); …``: the key to the short heads of a vitals table."""
    parts = []
    for kind in protocol.vitals if kinds is None else kinds:
        limits = protocol.vitals[kind]
        unit = "" if limits.unit in limits.label else f" ({limits.unit})"
        short, label = vital_abbreviation(kind), limits.label
        if label.split(" ")[0][1:].islower():  # "Heart rate" reads "heart rate" in a key; "SpO2" stays as it is
            label = label[0].lower() + label[1:]
        parts.append(f"{short}{unit}" if label == short else f"{short} {label}{unit}")
    return "; ".join(parts)


def identifiers_words(confirmed: Iterable[str]) -> str:
    """The identifiers a nurse confirmed, in the usual order: "name and date of birth"."""
    order = list(IDENTIFIER_WORDS)
    ordered = sorted(confirmed, key=lambda i: order.index(i) if i in order else len(order))
    return " and ".join(IDENTIFIER_WORDS.get(i, i.replace("_", " ")) for i in ordered)


def check_verdict(payload: Mapping[str, Any]) -> str:
    """ "agreed", or "did not agree on the dose and pump rate": the figures in words, never their keys."""
    mismatches = [str(m) for m in payload.get("mismatches") or ()]
    if not mismatches:
        return AGREED
    said = [CHECK_FIGURE_WORDS.get(m, m.replace("_", " ")) for m in mismatches]
    listed = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]
    return f"{DID_NOT_AGREE} on the {listed}"


def check_figures_words(payload: Mapping[str, Any]) -> str:
    """The second nurse's own figures with their units: "weight 72.4 kg, dose 36.2 mg, pump rate 155.4 mL/h"."""
    figures = payload.get("figures") or {}
    said = [(key, CHECK_FIGURE_WORDS[key], CHECK_FIGURE_UNITS[key]) for key in CHECK_FIGURE_WORDS if key in figures]
    return ", ".join(f"{words} {figures[key]} {unit}" for key, words, unit in said)


def headline(event: Event) -> str:
    """What an entry is, in a few words, verdict first where there is one (a narrow line is cut at its
    end): a check that did not agree says so, never just "check"."""
    if event.type is E.CHECKED:
        return f"Check {DID_NOT_AGREE}" if check_disagreed(event) else f"Check {AGREED}"
    return EVENT_WORDS.get(event.type, "Entry")


def stopped_early_words(payload: Mapping[str, Any]) -> str:
    """Why, after how long, and about how much was given: the same words on the screen and on paper."""
    reason = str(payload.get("reason", "")).rstrip(". ")
    return f"{reason} (after {payload.get('minutes_infused')} min, about {payload.get('estimated_mg_given')} mg given)"


def _vitals(protocol: Protocol, payload: Mapping[str, Any]) -> str:
    """Each reading with its unit (unless the label already names it), then whatever was flagged."""
    parts = []
    for key, value in payload.get("values", {}).items():
        limits = protocol.vitals.get(VitalKind(key)) if key in VitalKind._value2member_map_ else None
        if limits is None:
            parts.append(f"{key} {value}")
        else:
            unit = "" if limits.unit in limits.label else f" {limits.unit}"
            parts.append(f"{limits.label} {value}{unit}")
    found = [f.get("text", "") for f in payload.get("findings", ()) if f.get("tier") != Tier.NORMAL]
    return "; ".join(parts) + (f". Flagged: {'; '.join(found)}" if found else "")


def _side_effects(protocol: Protocol, payload: Mapping[str, Any]) -> str:
    labels = {item.id: item.label for item in protocol.side_effects.items}
    grades = {grade.id: grade.label for grade in protocol.side_effects.grades}
    felt = [
        f"{labels.get(item, item)} {grades.get(grade, grade).lower()}"
        for item, grade in payload.get("grades", {}).items()
        if grade != protocol.side_effects.grades[0].id
    ]
    return "; ".join(felt) if felt else "none"


def _detail(protocol: Protocol, event: Event, names: Names) -> str:
    """The figures and words of one entry; empty where the kind says it all."""
    p = event.payload
    match event.type:
        case E.OPENED:
            course = p.get("course") or {}
            words = f"chair {p.get('chair')}, identified by {identifiers_words(p.get('identifiers_confirmed', ()))}"
            if course:
                words += f", course day {course.get('day')} of {course.get('of')}"
            if p.get("same_day_override"):
                words += f"; second infusion today: {p['same_day_override']}"
            return words
        case E.SCREENED:
            stops = p.get("stop_reasons") or []
            return "stop: " + "; ".join(stops) if stops else "nothing stops treatment"
        case E.WEIGHED:
            words = f"{p.get('entered')} {p.get('unit')}" + (f" ({p.get('kg')} kg)" if p.get("unit") != "kg" else "")
            if p.get("change_confirmed"):
                words += f"; change of {p.get('change_percent')} % confirmed"
            if p.get("unit_confirmed"):
                words += f"; unit {p.get('unit')} confirmed (the number is impossible in the other unit)"
            return words
        case E.DOSE_CALCULATED:
            calc = p.get("calculation", {})
            words = (
                f"{calc.get('dose_mg')} mg from {calc.get('vial_label')}: {calc.get('drug_volume_ml')} mL, "
                f"pump {calc.get('rate_ml_per_h')} mL/h"
            )
            if calc.get("override_reason"):
                words += f"; over the soft limit: {calc['override_reason']}"
            return words
        case E.CHECKED:
            return f"by {names(p.get('checker_id', event.recorded_by))}, {check_verdict(p)} ({check_figures_words(p)})"
        case E.STARTED:
            return f"prescriber's go-ahead: {p['go_ahead']}" if p.get("go_ahead") else ""
        case E.PAUSED | E.ABANDONED:
            return str(p.get("reason", ""))
        case E.STOPPED_EARLY:
            return stopped_early_words(p)
        case E.PUMP_CONFIRMED:
            return ("running" if p.get("running") else "found stopped") + (f"; {p['note']}" if p.get("note") else "")
        case E.VITALS:
            return _vitals(protocol, p)
        case E.ALERT_ACKNOWLEDGED:
            return "; ".join(p.get("action_labels", []))
        case E.SIDE_EFFECTS:
            return _side_effects(protocol, p)
        case E.ADVERSE_EVENT:
            return f"{p.get('what')} ({p.get('severity')}); done: {p.get('action')}; told: {p.get('told')}"
        case E.DISCHARGED:
            words = f"score {p.get('score')}"
            if p.get("override_reason"):
                words += f"; override: {p['override_reason']} (unmet: {'; '.join(p.get('unmet', ()))})"
            return words
        case E.SIGNED:
            return f"difference explained: {p['discrepancy_note']}" if p.get("discrepancy_note") else ""
        case E.CORRECTED | E.ADDENDUM:
            return str(p.get("note", "")) + (f" (why: {event.reason})" if event.reason else "")
        case E.DRAWN:
            return f"lot {p.get('lot')}, {p.get('ml')} mL = {p.get('mg')} mg"
        case E.WASTED:
            witness = next((s.signer_id for s in signatures_in(event) if s.meaning is Meaning.WITNESSED_WASTE), None)
            return f"{p.get('mg')} mg, {p.get('how')}" + (f", witnessed by {names(witness)}" if witness else "")
        case E.PUMP_PROGRAMMED | E.RETURNED:
            return controlled_words(event, names)
    return ""


def event_line(
    protocol: Protocol, event: Event, names: Names, late_after: timedelta, zone: tzinfo | None = None
) -> str:
    """``HH:MM  What: detail — who (workstation)``; an entry saved ``late_after`` or more after the moment it
    records also says when it was entered, so a late entry reads as one."""
    detail = _detail(protocol, event, names)
    words = EVENT_WORDS.get(event.type, "Entry") + (f": {detail}" if detail else "")
    who = f"{names(event.recorded_by)}, at workstation {event.workstation}"
    line = f"{local_time(event.occurred_at, zone)}  {words} — {who}"
    if event.recorded_at - event.occurred_at >= late_after:
        line += f" [entered late, {local_stamp(event.recorded_at, zone)}]"
    return line


def event_lines(
    protocol: Protocol,
    events: tuple[Event, ...] | list[Event],
    names: Names,
    late_after: timedelta,
    zone: tzinfo | None = None,
) -> list[str]:
    """Every entry of a session in the order recorded."""
    return [event_line(protocol, event, names, late_after, zone) for event in events]
