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

from collections.abc import Callable, Iterable
from datetime import timedelta, tzinfo

from core import event_data as d
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
    E.DAY_MISSED: "Course day missed by the patient",
    E.DAY_CANCELLED: "Course day cancelled by the clinic",
    E.ASSESSED: "Outcome forms answered",
    E.CONTACT: "Contact route for follow-ups",
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


def check_verdict(check: d.Checked) -> str:
    """ "agreed", or "did not agree on the dose and pump rate": the figures in words, never their keys."""
    mismatches = check.mismatches
    if not mismatches:
        return AGREED
    said = [CHECK_FIGURE_WORDS.get(m, m.replace("_", " ")) for m in mismatches]
    listed = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]
    return f"{DID_NOT_AGREE} on the {listed}"


def check_figures_words(check: d.Checked) -> str:
    """The second nurse's own figures with their units: "weight 72.4 kg, dose 36.2 mg, pump rate 155.4 mL/h"."""
    figures = vars(check.figures)
    return ", ".join(f"{words} {figures[key]} {CHECK_FIGURE_UNITS[key]}" for key, words in CHECK_FIGURE_WORDS.items())


def headline(event: Event) -> str:
    """What an entry is, in a few words, verdict first where there is one (a narrow line is cut at its
    end): a check that did not agree says so, never just "check"."""
    if event.type is E.CHECKED:
        return f"Check {DID_NOT_AGREE}" if check_disagreed(event) else f"Check {AGREED}"
    return EVENT_WORDS.get(event.type, "Entry")


def recorded_words(event: Event, by: str, here: str, *, saved_here: bool = False) -> str:
    """The chair's line on its last entry: what, when and by whom, and from which workstation when it was
    another than ``here`` (several carts record on one chair's session); ``saved_here`` while it waits in
    this workstation's journal for the database, said first, since a narrow line is cut at its end."""
    where = f" on {event.workstation}" if event.workstation != here else ""
    said = f"{headline(event)} at {local_time(event.recorded_at)} by {by}{where}"
    if saved_here:
        return f"Saved here, not yet in the clinic's record: {said}"
    # "Recorded", not "Saved": a check that did not agree is recorded too, and must not read as a pass.
    return f"Recorded: {said}"


def stopped_early_words(stop: d.StoppedEarly) -> str:
    """Why, after how long, and about how much was given: the same words on the screen and on paper."""
    reason = stop.reason.rstrip(". ")
    return f"{reason} (after {stop.minutes_infused} min, about {stop.estimated_mg_given} mg given)"


def _vitals(protocol: Protocol, vitals: d.VitalsRecorded) -> str:
    """Each reading with its unit (unless the label already names it), then whatever was flagged."""
    parts = []
    for kind, value in vitals.values.items():
        limits = protocol.vitals.get(kind)
        if limits is None:
            parts.append(f"{kind.value} {value}")
        else:
            unit = "" if limits.unit in limits.label else f" {limits.unit}"
            parts.append(f"{limits.label} {value}{unit}")
    found = [f.text for f in vitals.findings if f.tier is not Tier.NORMAL]
    return "; ".join(parts) + (f". Flagged: {'; '.join(found)}" if found else "")


def _side_effects(protocol: Protocol, check: d.SideEffects) -> str:
    labels = {item.id: item.label for item in protocol.side_effects.items}
    grades = {grade.id: grade.label for grade in protocol.side_effects.grades}
    felt = [
        f"{labels.get(item, item)} {grades.get(grade, grade).lower()}"
        for item, grade in check.grades.items()
        if grade != protocol.side_effects.grades[0].id
    ]
    return "; ".join(felt) if felt else "none"


def _detail(protocol: Protocol, event: Event, names: Names) -> str:
    """The figures and words of one entry; empty where the kind says it all."""
    match event.data:
        case d.Opened() as opened:
            words = f"chair {opened.chair}, identified by {identifiers_words(opened.identifiers_confirmed)}"
            if opened.course:
                words += f", course day {opened.course.day} of {opened.course.of}"
            if opened.same_day_override:
                words += f"; second infusion today: {opened.same_day_override}"
            return words
        case d.Screened(stop_reasons=stops):
            return "stop: " + "; ".join(stops) if stops else "nothing stops treatment"
        case d.Weighed() as weighed:
            unit = weighed.unit.value
            words = f"{weighed.entered} {unit}" + (f" ({weighed.kg} kg)" if unit != "kg" else "")
            if weighed.change_confirmed:
                words += f"; change of {weighed.change_percent} % confirmed"
            if weighed.unit_confirmed:
                words += f"; unit {unit} confirmed (the number is impossible in the other unit)"
            return words
        case d.DoseCalculated(calculation=calc):
            words = (
                f"{calc.dose_mg} mg from {calc.vial_label}: {calc.drug_volume_ml} mL, pump {calc.rate_ml_per_h} mL/h"
            )
            if calc.override_reason:
                words += f"; over the soft limit: {calc.override_reason}"
            return words
        case d.Checked() as check:
            return f"by {names(check.checker_id)}, {check_verdict(check)} ({check_figures_words(check)})"
        case d.Started(go_ahead=go_ahead):
            return f"prescriber's go-ahead: {go_ahead}" if go_ahead else ""
        case d.Paused(reason=reason) | d.Reason(reason=reason):
            return reason
        case d.StoppedEarly() as stop:
            return stopped_early_words(stop)
        case d.PumpConfirmed(running=running, note=note):
            return ("running" if running else "found stopped") + (f"; {note}" if note else "")
        case d.VitalsRecorded() as vitals:
            return _vitals(protocol, vitals)
        case d.AlertAcknowledged(action_labels=labels):
            return "; ".join(labels)
        case d.SideEffects() as check:
            return _side_effects(protocol, check)
        case d.AdverseEvent() as adverse:
            return f"{adverse.what} ({adverse.severity}); done: {adverse.action}; told: {adverse.told}"
        case d.Discharged() as discharge:
            words = f"score {discharge.score}"
            if discharge.override_reason:
                words += f"; override: {discharge.override_reason} (unmet: {'; '.join(discharge.unmet)})"
            return words
        case d.SessionSigned(discrepancy_note=note):
            return f"difference explained: {note}" if note else ""
        case d.Note(note=note):
            return note + (f" (why: {event.reason})" if event.reason else "")
        case d.DrugDrawn() as drawn:
            return f"lot {drawn.lot}, {drawn.ml} mL = {drawn.mg} mg"
        case d.DrugWasted() as waste:
            witness = next((s.signer_id for s in signatures_in(event) if s.meaning is Meaning.WITNESSED_WASTE), None)
            return f"{waste.mg} mg, {waste.how}" + (f", witnessed by {names(witness)}" if witness else "")
        case d.PumpProgrammed() | d.DrugReturned():
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
