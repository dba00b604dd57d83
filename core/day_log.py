"""The charge nurse's day log: every session opened on one local calendar date, on every chair and
workstation, with what needs her attention first and the day's totals.

The day's sessions come from the ``infusion_session`` projection (one query), their events from one
more, and each log is replayed with the same ``derive_state`` the chair's page uses, so the log and
the chair never disagree. Everything after the reading is a pure function of those records, the
protocol and "now", returning frozen dataclasses that the screen, the printout and the CSV all draw
from, with the same columns.

Exceptions, in the order she deals with them: a chair paused or with an alarm nobody has acknowledged,
a session not signed, a vial's rest still unaccounted for at the end of care, a missing second-nurse check,
a check that did not agree, a pump reading that did not agree with the order, an act-now alarm (with what
was done), vital signs overdue (now, taken late or missed), a dose over the protocol's soft limit, a
discharge with the prescriber's override, an infusion stopped early, a session ended without treatment
(with its reason), a screening answer that stopped treatment, and late entries. A late entry is one
saved ``late_entry_minutes`` or more after the moment it records: that is a rule of record keeping, not a
clinical number, so it is a clinic setting.

Technical alarms (the pump checked after a restart, the computer's clock behind the record) are listed
apart from the patient's act-now alarms, in the words the chair's screen uses (``core.attention``).

Reading the day log shows many patients' records, so the app reads it through ``view_day_log``, which
lets only charge nurses in and writes one "day log viewed" audit line with the date and filters.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from core import audit, records
from core import event_data as d
from core.attention import TECHNICAL_WORDS, Kind, needs
from core.audit import AuditAction
from core.audit_report import day_bounds
from core.clock import Clock
from core.dates import local_time, parse_day
from core.dosing import DoseCalculation, round_to
from core.event_words import CHECK_FIGURE_UNITS, CHECK_FIGURE_WORDS, EVENT_WORDS, check_verdict, stopped_early_words
from core.events import Event
from core.events import EventType as E
from core.hashing import sha256_json
from core.machine import Outcome, Step
from core.people import Account, Permission
from core.persistence.db import Database
from core.protocol import Phase, Protocol
from core.protocol_shelf import ProtocolShelf
from core.pump_check import PumpCheck
from core.record_values import PatientRecord, SessionSummary
from core.reports.output import Output, record_output, write_file
from core.session_state import PointStatus, SessionState, derive_state
from core.settings import clinic_settings
from core.signatures import signatures_in
from core.unit_of_work import UnitOfWork
from core.views import STEP_WORDS
from core.vitals import Tier


class ExceptionKind(StrEnum):
    """In the order the day log lists them: what cannot wait for tomorrow comes first."""

    PAUSED_OR_ALARM = "Paused, or an alarm open now"
    UNSIGNED = "Unsigned"
    VIAL_REST = "Vial's rest not accounted for"
    MISSING_CHECK = "Missing second-nurse check"
    FAILED_CHECK = "Second-nurse check did not agree"
    PUMP_MISMATCH = "Pump reading did not agree with the order"
    ACT_NOW_ALARM = "Act-now alarm"
    OVERDUE_VITALS = "Overdue vital signs"
    SOFT_LIMIT = "Dose over the soft limit"
    DISCHARGE_OVERRIDE = "Discharge with an override"
    STOPPED_EARLY = "Stopped early"
    NOT_TREATED = "Ended without treatment"
    SCREENING_STOP = "Stopped at screening"
    LATE_ENTRY = "Late entry"

    @property
    def rank(self) -> int:
        return list(ExceptionKind).index(self)


class Status(StrEnum):
    """What the status filter offers: where the session stands, or how its infusion ended."""

    OPEN = "open"
    TO_SIGN = "waiting for signature"
    SIGNED = "signed"
    COMPLETED = "completed"
    STOPPED_EARLY = "stopped early"
    NOT_TREATED = "not treated"


@dataclass(frozen=True)
class Flag:
    """One exception of one session, in words."""

    kind: ExceptionKind
    text: str


@dataclass(frozen=True)
class DayLogEntry:
    """One session as the day log shows it. Names are people's names; times are UTC except ``time``."""

    session_id: str
    patient_id: str
    opened_at: datetime
    time: str
    """Local HH:MM the session was opened."""
    chair: int
    patient: str
    mrn: str
    step: Step
    outcome: Outcome
    status: str
    dose_mg: Decimal | None
    """The dose calculated, as given or being given; None when none was calculated or none was given (a
    session ended without treatment): the log never shows a dose as given that was not."""
    dosed_by: str
    checked_by: str
    alerts: int
    """Act-now alerts raised by vital signs (the patient's: technical alarms are in ``technical``)."""
    open_alerts: int
    adverse_events: tuple[str, ...]
    overrides: tuple[str, ...]
    stopped_early: str
    drawn_mg: Decimal
    given_mg: Decimal | None
    """None while the infusion has not ended (the amount is not known yet)."""
    wasted_mg: Decimal
    """Drug drawn up and wasted (the rest of a vial wasted is ``vial_wasted_mg``)."""
    workstations: tuple[str, ...]
    nurse_ids: frozenset[str]
    """Everyone who recorded, checked, witnessed or signed anything in the session."""
    flags: tuple[Flag, ...]
    last_seq: int
    vial_wasted_mg: Decimal = Decimal(0)
    """The rests of vials drawn from, wasted before a witness."""
    returned_mg: Decimal = Decimal(0)
    """The rests of multi-dose vials returned to stock."""
    vial_left_mg: Decimal = Decimal(0)
    """The rests of vials still to account for."""
    technical: tuple[str, ...] = ()
    """Technical alarms (equipment, software), a kind apart from the patient's act-now alarms, in the words
    the chair's screen uses: those open now, and each check of the pump after a restart."""
    calculated_mg: Decimal | None = None
    """The dose calculated, whether or not it was given."""

    @property
    def dose_text(self) -> str:
        """The dose column in words: the dose, a dash when none was calculated, or that it was not given.
        (Paper says what an early stop gave on the session's own line under it.)"""
        if self.dose_mg is not None:
            return str(self.dose_mg)
        return "— (not given)" if self.calculated_mg is not None else "—"

    def dose_words(self, unit: str) -> str:
        """The dose with its unit and, when the infusion stopped short of it, what of it was given: for a
        screen's one cell, where nothing under it says so."""
        if self.dose_mg is None:
            return self.dose_text
        if self.given_mg is not None and self.given_mg < self.dose_mg:
            return f"{self.dose_mg}{unit} ({self.given_mg}{unit} given)"
        return f"{self.dose_mg}{unit}"

    @property
    def open(self) -> bool:
        """Still on its chair: care, or the signature, is not finished."""
        return self.step.active

    @property
    def alerts_text(self) -> str:
        if not self.alerts:
            return "none"
        return f"{self.alerts} ({self.open_alerts} open)" if self.open_alerts else str(self.alerts)


@dataclass(frozen=True)
class ExceptionLine:
    kind: ExceptionKind
    text: str
    entry: DayLogEntry


@dataclass(frozen=True)
class Totals:
    sessions: int
    completed: int
    stopped_early: int
    not_treated: int
    in_progress: int
    """Infusion not ended yet (or not started)."""
    signed: int
    drawn_mg: Decimal
    given_mg: Decimal
    """Given in the sessions whose infusion has ended."""
    wasted_mg: Decimal
    """Drug drawn up and wasted."""
    vial_wasted_mg: Decimal = Decimal(0)
    """The rests of vials wasted before a witness."""
    returned_mg: Decimal = Decimal(0)
    """The rests of multi-dose vials returned to stock."""
    vial_left_mg: Decimal = Decimal(0)
    """The rests of vials still to account for."""


@dataclass(frozen=True)
class DayLogFilters:
    chair: int | None = None
    nurse_id: str | None = None
    status: Status | None = None

    def admits(self, entry: DayLogEntry) -> bool:
        if self.chair is not None and entry.chair != self.chair:
            return False
        if self.nurse_id is not None and self.nurse_id not in entry.nurse_ids:
            return False
        return self.status is None or _has_status(entry, self.status)

    def facts(self) -> dict[str, Any]:
        """The filters for the audit line (a nurse as her account id, which the trail shows by name)."""
        facts: dict[str, Any] = {}
        if self.chair is not None:
            facts["chair"] = self.chair
        if self.nurse_id is not None:
            facts["nurse"] = self.nurse_id
        if self.status is not None:
            facts["status"] = self.status.value
        return facts


@dataclass(frozen=True)
class DayLog:
    day: date
    filters: DayLogFilters
    filter_words: str
    entries: tuple[DayLogEntry, ...]
    """The sessions the filters admit, in the order they were opened."""
    exceptions: tuple[ExceptionLine, ...]
    totals: Totals
    chairs: tuple[int, ...]
    """Chairs with a session that day, whatever the filters (for the chair filter's choices)."""
    nurses: tuple[tuple[str, str], ...]
    """(account id, name) of everyone who took part that day, by name (for the nurse filter's choices)."""
    late_entry_minutes: int
    content_hash: str
    """SHA-256 of which sessions, and how far into each log, the log was made from: printed on every page."""
    trail_head: tuple[int, str] | None = None
    """The audit trail's last entry and its hash when the log was read: on paper, a note of the head kept
    outside the database (``core.anchors``)."""


def _has_status(entry: DayLogEntry, status: Status) -> bool:
    match status:
        case Status.OPEN:
            return entry.step not in {Step.SIGN, Step.DONE}
        case Status.TO_SIGN:
            return entry.step is Step.SIGN
        case Status.SIGNED:
            return entry.step is Step.DONE
    return entry.outcome.value == status.value


# ---- one session ----------------------------------------------------------------------------------


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


def _finished_at(events: Sequence[Event]) -> datetime | None:
    """When care ended (discharge, a session ended untreated, or screening that stopped treatment)."""
    for event in events:
        stopped = event.type is E.SCREENED and event.data_as(d.Screened).stop_reasons
        if event.type in {E.DISCHARGED, E.ABANDONED} or stopped:
            return event.occurred_at
    return None


def _vitals_flag(protocol: Protocol, state: SessionState, zone: tzinfo | None) -> str | None:
    """Sets overdue now, taken after they became overdue, or missed before care ended."""
    late = timedelta(minutes=protocol.vitals_schedule.overdue_after_minutes)
    finished = _finished_at(state.events)
    words = []
    for entry in state.vitals:
        if entry.point.phase is Phase.BEFORE or entry.due_at is None:
            continue
        overdue_from = entry.due_at + late
        label = entry.point.label
        if entry.status is PointStatus.OVERDUE:
            words.append(f"{label}: overdue, due {local_time(entry.due_at, zone)}")
        elif entry.status is PointStatus.DONE and entry.taken_at is not None and entry.taken_at >= overdue_from:
            words.append(f"{label}: taken {_minutes(entry.taken_at - entry.due_at)} min after it was due")
        elif entry.status is PointStatus.SKIPPED and (until := finished or state.now) and until >= overdue_from:
            words.append(f"{label}: missed")  # by the end of care, or passed over by a later set
    return "; ".join(words) or None


def _check_flag(state: SessionState, day_over: bool) -> str | None:
    """The drug went in, or was drawn up for a session that has ended, without a passing check of its dose."""
    checked = False
    for event in state.events:
        if event.type in {E.WEIGHED, E.DOSE_CALCULATED}:
            checked = False
        elif event.type is E.CHECKED:
            checked = not event.data_as(d.Checked).mismatches
        elif event.type is E.STARTED and not checked:
            return "Infusion started without a passing second-nurse check."
    ended = state.step in {Step.SIGN, Step.DONE} or day_over
    if state.controlled.drawn and not checked and state.infusion.started_at is None and ended:
        return f"{state.controlled.drawn_mg} mg drawn up for a dose no second nurse checked."
    return None


def _failed_checks(state: SessionState, name: Callable[[str], str], zone: tzinfo | None) -> str | None:
    """Each second-nurse check that did not agree: who, when, and her figures against the dose calculated."""
    calculated: DoseCalculation | None = None
    said = []
    for event in state.events:
        if event.type is E.WEIGHED:
            calculated = None
        elif event.type is E.DOSE_CALCULATED:
            calculated = event.data_as(d.DoseCalculated).calculation
        elif event.type is E.CHECKED:
            check = event.data_as(d.Checked)
            if check.mismatches:
                when, checker = local_time(event.occurred_at, zone), name(check.checker_id)
                said.append(f"{when} {checker} {check_verdict(check)}: {_against(check, calculated)}")
    return "; ".join(said) or None


def _against(check: d.Checked, calculated: DoseCalculation | None) -> str:
    """Each figure the second nurse disagreed on, hers against the first nurse's calculation (the figures
    are named as ``core.dosing.check_mismatches`` names them, after the fields they compare)."""
    said = []
    for key in check.mismatches:
        if key not in CHECK_FIGURE_WORDS:
            continue
        unit = CHECK_FIGURE_UNITS[key]
        words = f"{CHECK_FIGURE_WORDS[key]} {getattr(check.figures, key)} {unit}"
        if calculated is not None:
            words += f" against {getattr(calculated, key)} {unit} calculated"
        said.append(words)
    return ", ".join(said)


def _pump_mismatches(state: SessionState, name: Callable[[str], str], zone: tzinfo | None) -> str | None:
    """Each reading of the pump, by the nurse or the second nurse, that did not agree with the order."""
    said = []
    for event in state.events:
        if event.type is E.PUMP_PROGRAMMED:
            check = PumpCheck.of(event)
            when = local_time(event.occurred_at, zone)
            second = name(check.second_by) if check.second_by else ""
            said += check.disagreements(f"{when} {name(check.by)}", f"{when} {second}")
    return "; ".join(said) or None


def _vial_rest_flag(state: SessionState, day_over: bool) -> str | None:
    """Care has ended (or the day has) and the rest of a vial drawn from is still to account for."""
    if state.step in {Step.SIGN, Step.DONE} or day_over:
        return state.controlled.vial_problem
    return None


def _discharge_overrides(state: SessionState, zone: tzinfo | None) -> str | None:
    """A discharge the criteria did not allow: what was not met, the prescriber's reason and her name."""
    said = []
    for event in state.events:
        if event.type is not E.DISCHARGED:
            continue
        discharge = event.data_as(d.Discharged)
        if discharge.override_reason:
            unmet = "; ".join(discharge.unmet) or "criteria not met"
            prescriber = discharge.prescriber or "prescriber not recorded"
            said.append(
                f"{local_time(event.occurred_at, zone)}: {unmet}. Reason: {discharge.override_reason}; "
                f"prescriber: {prescriber}"
            )
    return "; ".join(said) or None


def _technical(state: SessionState, zone: tzinfo | None) -> tuple[str, ...]:
    """The technical alarms: each check of the pump after a restart (the record keeps it), and those open
    now, in the words of the chair's screen (core.attention)."""
    found = []
    for event in state.events:
        if event.type is E.PUMP_CONFIRMED:
            seen = "running" if event.data_as(d.PumpConfirmed).running else "found stopped"
            at = local_time(event.occurred_at, zone)
            found.append(f"{TECHNICAL_WORDS}Pump checked after a restart at {at}: {seen}")
    found += [f"{need.said[0]} (open now)" for need in needs(state) if need.kind is Kind.TECHNICAL]
    return tuple(found)


def _attention_now(state: SessionState, zone: tzinfo | None) -> str | None:
    """A chair to go to now: its infusion paused (and why), or an act-now alarm nobody has acknowledged."""
    said = []
    if state.step is Step.PAUSED:
        paused = next((e for e in reversed(state.events) if e.type is E.PAUSED), None)
        since = f" since {local_time(paused.occurred_at, zone)}" if paused else ""
        said.append(f"Infusion paused{since}: {state.infusion.pause_reason or 'no reason recorded'}")
    for alert in state.open_alerts:
        said.append(f"Alarm at {local_time(alert.occurred_at, zone)} not acknowledged: {'; '.join(alert.findings)}")
    return "; ".join(said) or None


def _act_now_alarms(state: SessionState, name: Callable[[str], str], zone: tzinfo | None) -> str | None:
    """Each act-now alarm of the session: when, what, and when and by whom it was acknowledged with what."""
    acknowledged = {
        e.data_as(d.AlertAcknowledged).alert_event_id: e for e in state.events if e.type is E.ALERT_ACKNOWLEDGED
    }
    said = []
    for event in state.events:
        if event.type is not E.VITALS:
            continue
        acts = [f.text for f in event.data_as(d.VitalsRecorded).of_tier(Tier.ACT)]
        if not acts:
            continue
        words = f"{local_time(event.occurred_at, zone)} {'; '.join(acts)}"
        ack = acknowledged.get(event.id)
        if ack is None:
            words += ", not acknowledged yet"
        else:
            done = "; ".join(ack.data_as(d.AlertAcknowledged).action_labels) or "no action recorded"
            words += f", acknowledged {local_time(ack.occurred_at, zone)} by {name(ack.recorded_by)}: {done}"
        said.append(words)
    return "; ".join(said) or None


def _not_treated(state: SessionState, zone: tzinfo | None) -> str | None:
    """A session ended without treatment (screening aside, which has its own kind): when, why, and the dose
    calculated that was not given."""
    ended = next((e for e in state.events if e.type is E.ABANDONED), None)
    if ended is None:
        return None
    reason = (ended.data_as(d.Reason).reason or "no reason recorded").rstrip(". ")
    words = f"{local_time(ended.occurred_at, zone)}: {reason}"
    if state.dose is not None:
        words += f"; the dose calculated ({state.dose.dose_mg} mg) was not given"
    return words


def _flags(
    protocol: Protocol,
    state: SessionState,
    stopped: str,
    late_after: timedelta,
    day_over: bool,
    zone: tzinfo | None,
    name: Callable[[str], str] = str,
) -> tuple[Flag, ...]:
    found: list[Flag] = []
    now = _attention_now(state, zone)
    if now:
        found.append(Flag(ExceptionKind.PAUSED_OR_ALARM, now))
    if state.step is Step.SIGN:
        found.append(Flag(ExceptionKind.UNSIGNED, "Care has ended; the session is not signed."))
    elif state.step is not Step.DONE and day_over:
        where = STEP_WORDS[state.step].lower()
        found.append(Flag(ExceptionKind.UNSIGNED, f"Still open ({where}) after the day ended."))
    vials = _vial_rest_flag(state, day_over)
    if vials:
        found.append(Flag(ExceptionKind.VIAL_REST, vials))
    missing = _check_flag(state, day_over)
    if missing:
        found.append(Flag(ExceptionKind.MISSING_CHECK, missing))
    failed = _failed_checks(state, name, zone)
    if failed:
        found.append(Flag(ExceptionKind.FAILED_CHECK, failed))
    pump = _pump_mismatches(state, name, zone)
    if pump:
        found.append(Flag(ExceptionKind.PUMP_MISMATCH, pump))
    alarms = _act_now_alarms(state, name, zone)
    if alarms:
        found.append(Flag(ExceptionKind.ACT_NOW_ALARM, alarms))
    vitals = _vitals_flag(protocol, state, zone)
    if vitals:
        found.append(Flag(ExceptionKind.OVERDUE_VITALS, vitals))
    if state.dose is not None and state.dose.soft_limit_exceeded:
        limit = protocol.dose_limits.soft_max_mg
        reason = state.dose.override_reason or "no reason recorded"
        found.append(Flag(ExceptionKind.SOFT_LIMIT, f"{state.dose.dose_mg} mg, over {limit} mg: {reason}"))
    discharged = _discharge_overrides(state, zone)
    if discharged:
        found.append(Flag(ExceptionKind.DISCHARGE_OVERRIDE, discharged))
    if stopped:
        found.append(Flag(ExceptionKind.STOPPED_EARLY, stopped))
    untreated = _not_treated(state, zone)
    if untreated:
        found.append(Flag(ExceptionKind.NOT_TREATED, untreated))
    if state.screening_stop_reasons:
        reasons = "; ".join(state.screening_stop_reasons)
        found.append(Flag(ExceptionKind.SCREENING_STOP, f"Not treated: {reasons}"))
    late = [
        f"{EVENT_WORDS.get(e.type, e.type.value)} of {local_time(e.occurred_at, zone)} entered "
        f"{_minutes(e.recorded_at - e.occurred_at)} min later"
        for e in state.events
        if e.recorded_at - e.occurred_at >= late_after
    ]
    if late:
        found.append(Flag(ExceptionKind.LATE_ENTRY, "; ".join(late)))
    return tuple(found)


def _overrides(state: SessionState) -> tuple[str, ...]:
    """Every decision that went past a rule: who decided is in the session's entries."""
    found: list[str] = []
    same_day = state.events[0].data_as(d.Opened).same_day_override
    if same_day:
        found.append(f"Second infusion today: {same_day}")
    if state.weighed is not None and state.weighed.change_confirmed:
        found.append(f"Weight change of {state.weighed.change_percent} % confirmed")
    if state.dose is not None and state.dose.soft_limit_exceeded:
        found.append(f"Dose over the soft limit: {state.dose.override_reason or 'no reason recorded'}")
    for event in state.events:
        if event.type is E.STARTED:
            go_ahead = event.data_as(d.Started).go_ahead
            if go_ahead:
                found.append(f"Start go-ahead: {go_ahead}")
        elif event.type is E.DISCHARGED:
            discharge = event.data_as(d.Discharged)
            if discharge.override_reason:
                prescriber = discharge.prescriber or "prescriber not recorded"
                found.append(f"Discharge override: {discharge.override_reason} ({prescriber})")
    return tuple(found)


def _adverse_events(protocol: Protocol, state: SessionState) -> tuple[str, ...]:
    labels = {item.id: item.label for item in protocol.side_effects.items}
    recorded = [
        f"{adverse.what} ({adverse.severity})"
        for adverse in (e.data_as(d.AdverseEvent) for e in state.events if e.type is E.ADVERSE_EVENT)
    ]
    owed = [f"{labels.get(p.item, p.item)} ({p.grade}): record owed" for p in state.pending_adverse_events]
    return tuple(recorded + owed)


def _stopped_early(state: SessionState) -> str:
    stop = next((e for e in state.events if e.type is E.STOPPED_EARLY), None)
    if stop is None:
        return ""
    return stopped_early_words(stop.data_as(d.StoppedEarly))


def _people(events: Sequence[Event]) -> frozenset[str]:
    ids = {event.recorded_by for event in events}
    ids |= {event.data_as(d.Checked).checker_id for event in events if event.type is E.CHECKED}
    ids |= {signature.signer_id for event in events for signature in signatures_in(event)}
    return frozenset(ids)


def _status(state: SessionState) -> str:
    words = STEP_WORDS[state.step]
    return words if state.outcome is Outcome.IN_PROGRESS else f"{words} · {state.outcome.value}"


def entry_of(
    protocol: Protocol,
    row: SessionSummary,
    patient: PatientRecord | None,
    events: list[Event],
    names: Mapping[str, str],
    now: datetime,
    *,
    late_after: timedelta,
    day_over: bool,
    zone: tzinfo | None = None,
) -> DayLogEntry:
    """One session's line of the log, from its projection row, patient and events as of ``now``."""
    state = derive_state(protocol, events, now)
    stopped = _stopped_early(state)
    alerts = sum(1 for e in state.events if e.type is E.VITALS and e.data_as(d.VitalsRecorded).of_tier(Tier.ACT))
    controlled = state.controlled

    def name(staff_id: str) -> str:
        return names.get(staff_id, staff_id)

    return DayLogEntry(
        session_id=row.id,
        patient_id=row.patient_id,
        opened_at=row.opened_at,
        time=local_time(row.opened_at, zone),
        chair=row.chair,
        patient=f"{patient.family_name.upper()}, {patient.given_name}" if patient else "patient not found",
        mrn=patient.mrn if patient else "",
        step=state.step,
        outcome=state.outcome,
        status=_status(state),
        dose_mg=state.dose.dose_mg if state.dose and state.outcome is not Outcome.NOT_TREATED else None,
        dosed_by=names.get(state.dosed_by, state.dosed_by) if state.dosed_by else "",
        checked_by=names.get(state.checked_by, state.checked_by) if state.checked_by else "",
        alerts=alerts,
        open_alerts=len(state.open_alerts),
        adverse_events=_adverse_events(protocol, state),
        overrides=_overrides(state),
        stopped_early=stopped,
        drawn_mg=controlled.drawn_mg,
        given_mg=controlled.given_mg,
        wasted_mg=controlled.wasted_mg,
        workstations=tuple(sorted({e.workstation for e in events})),
        nurse_ids=_people(events),
        flags=_flags(protocol, state, stopped, late_after, day_over, zone, name),
        last_seq=row.last_seq,
        vial_wasted_mg=round_to(sum((w.mg for w in controlled.vial_wastes), Decimal(0)), controlled.step),
        returned_mg=round_to(sum((r.mg for r in controlled.returned), Decimal(0)), controlled.step),
        vial_left_mg=round_to(sum((v.left_mg for v in controlled.vials), Decimal(0)), controlled.step),
        technical=_technical(state, zone),
        calculated_mg=state.dose.dose_mg if state.dose else None,
    )


# ---- the day ------------------------------------------------------------------------------------


def totals_of(entries: Sequence[DayLogEntry]) -> Totals:
    def count(outcome: Outcome) -> int:
        return sum(1 for e in entries if e.outcome is outcome)

    return Totals(
        sessions=len(entries),
        completed=count(Outcome.COMPLETED),
        stopped_early=count(Outcome.STOPPED_EARLY),
        not_treated=count(Outcome.NOT_TREATED),
        in_progress=count(Outcome.IN_PROGRESS),
        signed=sum(1 for e in entries if e.step is Step.DONE),
        drawn_mg=sum((e.drawn_mg for e in entries), Decimal(0)),
        given_mg=sum((e.given_mg for e in entries if e.given_mg is not None), Decimal(0)),
        wasted_mg=sum((e.wasted_mg for e in entries), Decimal(0)),
        vial_wasted_mg=sum((e.vial_wasted_mg for e in entries), Decimal(0)),
        returned_mg=sum((e.returned_mg for e in entries), Decimal(0)),
        vial_left_mg=sum((e.vial_left_mg for e in entries), Decimal(0)),
    )


def exceptions_of(entries: Sequence[DayLogEntry]) -> tuple[ExceptionLine, ...]:
    """Every flag of every session, by kind in ``ExceptionKind`` order, then by the time the session opened."""
    lines = [ExceptionLine(flag.kind, flag.text, entry) for entry in entries for flag in entry.flags]
    return tuple(sorted(lines, key=lambda line: (line.kind.rank, line.entry.opened_at, line.entry.chair)))


def _filter_words(filters: DayLogFilters, names: Mapping[str, str]) -> str:
    parts = []
    if filters.chair is not None:
        parts.append(f"chair {filters.chair}")
    if filters.nurse_id is not None:
        parts.append(f"nurse {names.get(filters.nurse_id, filters.nurse_id)}")
    if filters.status is not None:
        parts.append(f"status {filters.status.value}")
    return "Only " + ", ".join(parts) if parts else "All sessions"


def arrange(
    day: date,
    everything: Sequence[DayLogEntry],
    names: Mapping[str, str],
    filters: DayLogFilters,
    late_entry_minutes: int,
) -> DayLog:
    """The day's entries filtered, with their exceptions and totals, and the filters' choices."""
    shown = tuple(entry for entry in everything if filters.admits(entry))
    people = {person for entry in everything for person in entry.nurse_ids}
    nurses = sorted(((person, names.get(person, person)) for person in people), key=lambda pair: pair[1].lower())
    return DayLog(
        day=day,
        filters=filters,
        filter_words=_filter_words(filters, names),
        entries=shown,
        exceptions=exceptions_of(shown),
        totals=totals_of(shown),
        chairs=tuple(sorted({entry.chair for entry in everything})),
        nurses=tuple(nurses),
        late_entry_minutes=late_entry_minutes,
        content_hash=sha256_json({"day": day.isoformat(), "sessions": [[e.session_id, e.last_seq] for e in shown]}),
    )


def day_log(
    database: Database,
    protocol: Protocol,
    day: date,
    now: datetime,
    filters: DayLogFilters | None = None,
    zone: tzinfo | None = None,
) -> DayLog:
    """The log of ``day`` (a local calendar date in ``zone``, this computer's by default) as of ``now``."""
    start, end = day_bounds(day, zone)
    late_minutes = clinic_settings(database).late_entry_minutes
    shelf = ProtocolShelf(protocol)
    with database.session() as tx:
        rows = records.sessions_opened_between(tx, start, end)
        patients = records.patients_by_id(tx, [row.patient_id for row in rows])
        events = records.load_events_of(tx, [row.id for row in rows])
        names = records.staff_names(tx)
        rules = {row.id: shelf.for_hash(tx, row.protocol_hash) for row in rows}
    entries = [
        entry_of(
            rules[row.id],
            row,
            patients.get(row.patient_id),
            events[row.id],
            names,
            now,
            late_after=timedelta(minutes=late_minutes),
            day_over=now >= end,
            zone=zone,
        )
        for row in rows
    ]
    log = arrange(day, entries, names, filters or DayLogFilters(), late_minutes)
    return replace(log, trail_head=audit.head(database))


def view_day_log(
    database: Database,
    protocol: Protocol,
    clock: Clock,
    workstation: str,
    reader: Account,
    day: str,
    filters: DayLogFilters | None = None,
    zone: tzinfo | None = None,
) -> DayLog:
    """The log for a charge nurse signed in to the app, with one "day log viewed" audit line.

    ``day`` is the date as typed (YYYY-MM-DD). The account is read again, so someone deactivated since
    signing in is refused.
    """
    door = UnitOfWork(database, clock.now, workstation)
    door.permit(reader.id, Permission.REVIEW_DAY)
    chosen = parse_day(day, "date")
    log = day_log(database, protocol, chosen, clock.now(), filters, zone)
    detail = {"date": chosen.isoformat(), **log.filters.facts(), "sessions_shown": len(log.entries)}
    with door.writing(reader.id, Permission.REVIEW_DAY) as work:
        work.audit(AuditAction.DAY_LOG_VIEWED, detail=detail)
    return log


# ---- the same columns as a spreadsheet -----------------------------------------------------------

CSV_COLUMNS = (
    "Date",
    "Time",
    "Chair",
    "Patient",
    "MRN",
    "Dose mg",
    "Dosing nurse",
    "Checking nurse",
    "Status",
    "Alerts",
    "Open alerts",
    "Technical alarms",
    "Adverse events",
    "Overrides",
    "Stopped early",
    "Exceptions",
    "Drawn mg",
    "Given mg",
    "Wasted mg",
    "Vial rest wasted mg",
    "Vial rest returned mg",
    "Vial rest to account for mg",
    "Workstations",
    "Session",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """Text a spreadsheet shows as typed: a name or reason starting like a formula is never run as one."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def csv_row(log: DayLog, entry: DayLogEntry) -> list[str]:
    values: list[object] = [
        log.day.isoformat(),
        entry.time,
        entry.chair,
        entry.patient,
        entry.mrn,
        entry.dose_text,
        entry.dosed_by,
        entry.checked_by,
        entry.status,
        entry.alerts,
        entry.open_alerts,
        "; ".join(entry.technical),
        "; ".join(entry.adverse_events),
        "; ".join(entry.overrides),
        entry.stopped_early,
        "; ".join(f"{flag.kind.value}: {flag.text}" for flag in entry.flags),
        entry.drawn_mg,
        entry.given_mg,
        entry.wasted_mg,
        entry.vial_wasted_mg,
        entry.returned_mg,
        entry.vial_left_mg,
        " ".join(entry.workstations),
        entry.session_id,
    ]
    return [_cell(value) for value in values]


def csv_bytes(log: DayLog) -> bytes:
    """One row per session under a header row, as UTF-8 with a byte-order mark so that spreadsheet
    programs read accented names correctly."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_row(log, entry) for entry in log.entries)
    return out.getvalue().encode("utf-8-sig")


def export_csv(
    database: Database,
    at: datetime,
    workstation: str,
    log: DayLog,
    path: Path,
    *,
    actor_id: str | None = None,
    os_account: str | None = None,
) -> Path:
    """Write the CSV whole or not at all, then the audit line saying what went where and who asked."""
    written = write_file(path, csv_bytes(log))
    output = Output(f"day log {log.day.isoformat()} ({log.filter_words.lower()}), CSV", str(written))
    record_output(database, at, workstation, output, actor_id=actor_id, os_account=os_account)
    return written
