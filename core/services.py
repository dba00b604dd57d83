"""What a nurse can do, one function per action: validate, append, commit, return the new state.

Every action runs in one transaction; the state it returns was computed from the committed log, so
a screen that shows it is showing what is saved. Nothing here decides how things look.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from core import event_data as d
from core import records
from core.accounts import Accounts
from core.alerts import Acknowledgement, check_acknowledgement
from core.audit import AuditAction
from core.clock import Clock
from core.content_hashes import course_content, details_content, patient_content
from core.controlled import parse_amount, parse_lot
from core.course import CourseView, days_left, parse_course_days, place_in_course
from core.dates import parse_day
from core.discharge import DischargeRefused, contradictions
from core.dosing import (
    DoseCalculation,
    LastWeight,
    Weight,
    calculate_dose,
    check_mismatches,
    check_weight,
    parse_check_figures,
    parse_pump_reading,
    parse_weight,
    printable,
    pump_mismatches,
    pump_order,
    round_to,
    unit_challenge,
    unit_chosen_to_fit,
    weight_change_percent,
)
from core.errors import InputError, NotAllowedError, NotFound, NotNow, NotPermitted
from core.events import Event
from core.events import EventType as E
from core.identify import Details, Identified, checked_details, confirmed_identifiers
from core.machine import Outcome, Step
from core.matching import similar_names
from core.people import Permission
from core.persistence.db import Database, gone_notice
from core.persistence.tables import Course, InfusionSession, Patient, PatientDetails
from core.plain_text import MRN_MAX, NAME_MAX, NOTE_MAX, REASON_MAX, SHORT_MAX, optional_text, plain_text
from core.protocol import AlertEffect, Protocol, VitalKind
from core.protocol_shelf import ProtocolShelf
from core.screening import screening_record
from core.session_state import PointStatus, SessionState, derive_state
from core.settings import clinic_settings
from core.signatures import Meaning, identifiers, signature_entry, signed_content, signing_meaning
from core.unit_of_work import UnitOfWork, Work
from core.views import STEP_WORDS, ChairView, PatientView, SessionRow, SilencedAlarm
from core.vitals import Finding, ReadingsDisagree, classify, parse_vitals, start_problems

TREATED = frozenset({Outcome.COMPLETED.value, Outcome.STOPPED_EARLY.value})
"""Session outcomes in which the infusion ran: a course day, and what makes a second one the same day."""
WHOLE_NUMBER = re.compile(r"-?[0-9]+")
"""Typed scores: ASCII digits only, since int() also takes "1_0", "+9" and other scripts' digits."""
TEXT_LIMITS = {
    "mrn": MRN_MAX,
    "family_name": NAME_MAX,
    "given_name": NAME_MAX,
    "prescriber": NAME_MAX,
    "score": SHORT_MAX,
    "note": NOTE_MAX,
    "addendum": NOTE_MAX,
    "discrepancy_note": NOTE_MAX,
}
"""Each field's longest, by the field's name (any other free text is a reason: ``REASON_MAX``)."""
SEVERAL_LINES = {"note", "addendum", "discrepancy_note"}


def _required(text: str | None, field: str, what: str) -> str:
    """The one text rule (``core.plain_text``), with the field's own length."""
    return plain_text(text, field, what, TEXT_LIMITS.get(field, REASON_MAX), lines=field in SEVERAL_LINES)


def _optional(text: str | None, field: str, what: str) -> str | None:
    return optional_text(text, field, what, TEXT_LIMITS.get(field, REASON_MAX), lines=field in SEVERAL_LINES)


def _course_view(row: Course) -> CourseView:
    return CourseView(
        row.id,
        row.patient_id,
        row.prescriber,
        row.protocol_id,
        row.protocol_version,
        row.first_day,
        row.days,
        row.recorded_by,
        row.recorded_at,
    )


def parse_birth_date(text: str, today: date) -> date:
    """YYYY-MM-DD only: day/month order is ambiguous between countries, so it is never guessed."""
    born = parse_day(text, "birth_date", "the date of birth", "1968-04-23")
    if born > today or born.year < today.year - 120:
        raise InputError("birth_date", f"{born.isoformat()} cannot be a date of birth.", "Check the year.")
    return born


class Care:
    """The nurse's actions on sessions, patients and staff, bound to a database, protocol and clock."""

    def __init__(
        self,
        database: Database,
        protocol: Protocol,
        clock: Clock,
        workstation: str,
        app_started_at: datetime | None = None,
        accounts: Accounts | None = None,
    ) -> None:
        self.db = database
        self.protocol = protocol
        self.shelf = ProtocolShelf(protocol)
        self.clock = clock
        self.workstation = workstation
        self.app_started_at = app_started_at or clock.now()
        self.accounts = accounts or Accounts(database, clock, workstation)
        self.door = UnitOfWork(database, clock.now, workstation)
        self._open_logs: dict[str, tuple[int, list[Event], PatientView]] = {}
        """Open sessions' logs as last read (last_seq, events, patient): the board re-reads only changes."""

    # ---- who looked, who silenced -----------------------------------------------------------------

    def record_view(self, by: str, patient_id: str, session_id: str | None = None) -> None:
        """A nurse opened a patient's record on screen: who looked at whose record is audited. Only an
        account that may see patients' records can be recorded as having looked at one."""
        with self.door.writing(by, Permission.RECORD_CARE) as work:
            if work.tx.get(Patient, patient_id) is None:
                raise NotFound("That patient record was not found.", "Search for the patient again.")
            work.audit(AuditAction.PATIENT_VIEWED, patient_id=patient_id, session_id=session_id)

    def record_alarm_silenced(self, by: str, silenced: list[SilencedAlarm], minutes: int) -> None:
        """Who silenced which chair's alarm, and for how long: one line per patient, so each record shows it."""
        with self.door.writing(by, Permission.RECORD_CARE) as work:
            for alarm in silenced:
                detail = {"chair": alarm.chair, "priority": alarm.priority, "need": alarm.need, "minutes": minutes}
                work.audit(
                    AuditAction.ALARM_SILENCED, patient_id=alarm.patient_id, session_id=alarm.session_id, detail=detail
                )

    # ---- patients -----------------------------------------------------------------------------

    def register_patient(
        self,
        mrn: str,
        family_name: str,
        given_name: str,
        birth_date: str,
        by: str,
        confirm_new: bool = False,
        details: Details | None = None,
    ) -> PatientView:
        """A new record, unless one with the same birth date and a similar name may be this person:
        then the nurse looks at those first and confirms this is someone else (``confirm_new``).

        The registration form always sends ``details`` (sex and allergies), which must then be complete;
        records made without them (imports, tests of other rules) show "not recorded" until confirmed."""
        checked = checked_details(details) if details is not None else None
        row = Patient(
            id=str(uuid.uuid4()),
            mrn=_required(mrn, "mrn", "the medical record number"),
            family_name=_required(family_name, "family_name", "the family name"),
            given_name=_required(given_name, "given_name", "the given name"),
            birth_date=parse_birth_date(birth_date, self.clock.now().date()),
            created_at=self.clock.now(),
            created_by=by,
        )
        with self.door.writing(by, Permission.RECORD_CARE) as work:
            if records.patient_by_mrn(work.tx, row.mrn) is not None:
                raise InputError("mrn", f"A patient with record number {row.mrn} already exists.", "Search for them.")
            alike = self._alike(work.tx, row.family_name, row.given_name, row.birth_date)
            if alike and not confirm_new:
                raise InputError(
                    "confirm_new",
                    "Already registered with the same date of birth and a similar name: "
                    + "; ".join(f"{p.full_name} ({p.mrn})" for p in alike)
                    + ".",
                    "If it is the same person, use that record (listed on the left); if not, confirm a new one.",
                )
            work.tx.add(row)
            work.tx.flush()
            work.audit(AuditAction.PATIENT_REGISTERED, patient_id=row.id, detail={"content_hash": patient_content(row)})
            if checked is not None:
                self._add_details(work, row.id, checked)
            return records.patient_view(work.tx, row)

    def record_details(self, patient_id: str, details: Details, by: str) -> PatientView:
        """Sex and allergies confirmed with the patient now (a record made without them, or a change):
        a new row, so the earlier answer and who gave it stay."""
        checked = checked_details(details)
        with self.door.writing(by, Permission.RECORD_CARE) as work:
            row = work.tx.get(Patient, patient_id)
            if row is None:
                raise NotFound("That patient record was not found.", "Search again.")
            self._add_details(work, patient_id, checked)
            self._open_logs = {k: v for k, v in self._open_logs.items() if v[2].id != patient_id}  # banner anew
            return records.patient_view(work.tx, row)

    @staticmethod
    def _add_details(work: Work, patient_id: str, details: Details) -> None:
        row = PatientDetails(
            id=str(uuid.uuid4()),
            patient_id=patient_id,
            sex=details.sex or "",
            allergies=details.allergies,
            no_known_allergies=details.no_known_allergies,
            confirmed_by=work.actor_id,
            confirmed_at=work.at,
        )
        work.tx.add(row)
        work.tx.flush()
        detail = {"details_id": row.id, "content_hash": details_content(row)}
        work.audit(AuditAction.PATIENT_DETAILS_CONFIRMED, patient_id=patient_id, detail=detail)

    def similar_patients(self, family_name: str, given_name: str, birth_date: str) -> list[PatientView]:
        """Records that may be the person being registered (same birth date, similar name)."""
        born = parse_birth_date(birth_date, self.clock.now().date())
        with self.door.reading() as tx:
            return self._alike(tx, family_name, given_name, born)

    @staticmethod
    def _alike(tx: Session, family_name: str, given_name: str, born: date) -> list[PatientView]:
        return records.patient_views(
            tx,
            [
                other
                for other in records.patients_born_on(tx, born)
                if similar_names(family_name, given_name, other.family_name, other.given_name)
            ],
        )

    def find_patients(self, text: str) -> list[PatientView]:
        query = optional_text(text, "search", "the search", SHORT_MAX)
        if query is None:
            return []
        with self.door.reading() as tx:
            return records.patient_views(tx, records.find_patients(tx, query))

    def patient(self, patient_id: str) -> PatientView:
        with self.door.reading() as tx:
            row = tx.get(Patient, patient_id)
            if row is None:
                raise NotFound("That patient record was not found.", "Search again.")
            return records.patient_view(tx, row)

    # ---- reading sessions ---------------------------------------------------------------------

    def state(self, session_id: str) -> SessionState:
        with self.door.reading() as tx:
            events = records.load_events(tx, session_id)
            protocol = self.shelf.for_events(tx, events)
        if not events:  # a typed or pasted id (the command line): say so rather than fail
            raise InputError("session_id", f"There is no session {session_id}.", "Check the session's id.")
        return derive_state(protocol, events, self.clock.now(), self.app_started_at)

    def storage_gone(self) -> str | None:
        """What every screen says once the database file has gone while open (deleted, moved, replaced, its
        disk unplugged), with where the rescue copy of what it held was written; None while it is there."""
        return gone_notice(self.db, self.clock.now())

    def chairs(self) -> list[ChairView]:
        """Every open session, by chair, with its live state (the board and the restart offer)."""
        now = self.clock.now()
        with self.door.reading() as tx:
            rows = records.active_sessions(tx)
            # A log only grows, and its projection's last_seq moves in the same transaction, so only
            # the sessions written since the last look (on any workstation) are read again.
            stale = [row for row in rows if row.id not in self._open_logs or self._open_logs[row.id][0] != row.last_seq]
            rows_of = records.patients_by_id(tx, [row.patient_id for row in stale])
            patients = {view.id: view for view in records.patient_views(tx, list(rows_of.values()))}
            events = records.load_events_of(tx, [row.id for row in stale])
            rules = {row.id: self.shelf.for_hash(tx, row.protocol_hash) for row in rows}
        for row in stale:
            self._open_logs[row.id] = (row.last_seq, events[row.id], patients[row.patient_id])
        self._open_logs = {row.id: self._open_logs[row.id] for row in rows}
        return [
            ChairView(
                row.chair,
                self._open_logs[row.id][2],
                derive_state(rules[row.id], self._open_logs[row.id][1], now, self.app_started_at),
            )
            for row in rows
        ]

    def day_sessions(self, start: datetime, end: datetime) -> list[SessionRow]:
        """Sessions opened in [start, end), oldest first (the day's list)."""
        with self.door.reading() as tx:
            return [
                SessionRow(r.id, r.chair, r.patient_id, Step(r.step), r.outcome, r.opened_at)
                for r in records.sessions_opened_between(tx, start, end)
            ]

    # ---- the log ------------------------------------------------------------------------------

    def _payload(
        self, state: SessionState, kind: E, build: Callable[[SessionState], d.EventData] | None
    ) -> d.EventData:
        """The entry's content if the session allows it now; otherwise why not."""
        if kind in state.held_back:
            raise NotNow(state.held_back[kind])
        if kind not in state.allowed:
            raise NotNow(
                f"This cannot be recorded now: the session is at “{STEP_WORDS[state.step]}”.",
                "Follow the step shown on screen.",
            )
        return build(state) if build else d.EventData()

    def _append(
        self,
        session_id: str,
        by: str,
        kind: E,
        build: Callable[[SessionState], d.EventData] | None = None,
        *,
        corrects: str | None = None,
        reason: str | None = None,
        signers: Sequence[tuple[str, Meaning]] = (),
        authenticate: Callable[[], Sequence[tuple[str, Meaning]]] | None = None,
        then: Callable[[SessionState], Sequence[tuple[E, d.EventData]]] | None = None,
    ) -> SessionState:
        """Check the action is allowed now, build its payload from the current state, and commit it with
        its audit lines. ``signers`` (already authenticated) sign the entry, or for ``session.signed``
        everything before it. ``authenticate`` asks for passwords only once everything the nurse can fix
        has been checked, so nobody retypes a password because a note was missing. ``then`` names entries
        that follow from this one (a pause an acknowledgement reports), each checked against the state
        before it and committed in the same transaction: all are recorded, or none.
        """
        if authenticate is not None:
            self._payload(self.state(session_id), kind, build)
            signers = [*signers, *authenticate()]
        with self.door.writing(by, Permission.RECORD_CARE) as work:
            now = work.at
            row = work.tx.get(InfusionSession, session_id)
            if row is None:
                raise NotFound("That session was not found.", "Return to the board and open the chair again.")
            events = records.load_events(work.tx, session_id)
            state = derive_state(self.shelf.for_events(work.tx, events), events, now, self.app_started_at)
            payload = self._payload(state, kind, build)
            event = Event(
                id=str(uuid.uuid4()),
                session_id=session_id,
                seq=row.last_seq + 1,
                type=kind,
                occurred_at=now,
                recorded_at=now,
                recorded_by=by,
                workstation=self.workstation,
                payload=payload.to_payload(),
                corrects=corrects,
                reason=reason,
            )
            if signers:
                signed = signed_content(event, events)
                entries = [signature_entry(signer, meaning, now, signed) for signer, meaning in signers]
                event = replace(event, payload={**event.payload, "signatures": entries})
            events, new_state = self._insert(work, row, events, event)
            for follow, follow_payload in then(new_state) if then else ():
                self._payload(new_state, follow, None)
                event = replace(
                    event,
                    id=str(uuid.uuid4()),
                    seq=row.last_seq + 1,
                    type=follow,
                    payload=follow_payload.to_payload(),
                    corrects=None,
                    reason=None,
                )
                events, new_state = self._insert(work, row, events, event)
        return new_state

    def _insert(
        self, work: Work, row: InfusionSession, events: list[Event], event: Event
    ) -> tuple[list[Event], SessionState]:
        """Write one entry with its audit lines and move the session's projection along with it."""
        events = [*events, event]
        new_state = derive_state(self.shelf.for_events(work.tx, events), events, work.at, self.app_started_at)
        row.last_seq = event.seq
        row.step = new_state.step.value
        row.outcome = new_state.outcome.value
        row.active = new_state.step.active
        row.updated_at = work.at
        work.append(event, row)
        return events, new_state

    # ---- the steps ----------------------------------------------------------------------------

    # ---- courses ------------------------------------------------------------------------------

    def record_course(
        self,
        patient_id: str,
        prescriber: str,
        first_day: str,
        days: str,
        by: str,
        *,
        replace_running: bool = False,
        replace_reason: str | None = None,
    ) -> CourseView:
        """The prescriber's order, transcribed once per course; recording one is how a new course begins.

        While the patient's course still has days left, a new order would silently start again at day
        1, so it is taken only when the nurse says it replaces that course (``replace_running``) and
        why; the reason and the course replaced are kept in the audit trail with the new order.
        """
        who = _required(prescriber, "prescriber", "the prescriber who ordered the course")
        first = parse_day(first_day, "first_day")
        count = parse_course_days(days, self.protocol)
        row = Course(
            id=str(uuid.uuid4()),
            patient_id=patient_id,
            protocol_id=self.protocol.id,
            protocol_version=self.protocol.version,
            prescriber=who,
            first_day=first,
            days=count,
            recorded_by=by,
            recorded_at=self.clock.now(),
        )
        with self.door.writing(by, Permission.RECORD_CARE) as work:
            if work.tx.get(Patient, patient_id) is None:
                raise NotFound("That patient record was not found.", "Search again.")
            detail: dict[str, Any] = {"course_id": row.id, "content_hash": course_content(row)}
            running = self._course_in_force(work.tx, patient_id)
            if running is not None:
                detail |= self._replacing(running, replace_running, replace_reason)
            work.tx.add(row)
            work.tx.flush()
            work.audit(AuditAction.COURSE_ORDERED, patient_id=patient_id, detail=detail)
        return _course_view(row)

    def _course_in_force(self, tx: Session, patient_id: str) -> tuple[CourseView, int] | None:
        """The patient's course and its days left, if it has any left (begun or not)."""
        row = records.latest_course(tx, patient_id)
        if row is None:
            return None
        course = _course_view(row)
        left = days_left(self.protocol, course, self._today(), self._treated_days(tx, patient_id, course))
        return (course, left) if left else None

    @staticmethod
    def _replacing(running: tuple[CourseView, int], confirmed: bool, reason: str | None) -> dict[str, Any]:
        """A new order over a course in force only on purpose, with the reason (for the audit trail)."""
        course, left = running
        if not confirmed:
            raise InputError(
                "replace_running",
                f"The course of {course.days} days ordered by {course.prescriber} from "
                f"{course.first_day.isoformat()} is still in force: {left} {'day' if left == 1 else 'days'} left.",
                "Keep that course; if the prescriber's new order replaces it, confirm that and say why.",
            )
        why = _required(reason, "replace_reason", "why the new order replaces the course in force")
        return {"replaces_course_id": course.id, "replace_reason": why}

    def _today(self) -> date:
        """Course days are calendar days where the clinic is."""
        return self.clock.now().astimezone().date()

    @staticmethod
    def _treated_days(tx: Session, patient_id: str, course: CourseView) -> list[date]:
        """The local dates of the course's sessions in which the infusion ran."""
        return [
            s.opened_at.astimezone().date()
            for s in records.sessions_of(tx, patient_id)
            if s.outcome in TREATED and s.opened_at.astimezone().date() >= course.first_day
        ]

    def current_course(self, patient_id: str) -> CourseView | None:
        with self.door.reading() as tx:
            row = records.latest_course(tx, patient_id)
            return _course_view(row) if row else None

    def _course_place(self, tx: Session, patient_id: str, override: str | None) -> d.CoursePlace:
        """Day n of the course in force, or why the session cannot open; a second infusion today needs
        the prescriber's override."""
        row = records.latest_course(tx, patient_id)
        if row is None:
            raise InputError(
                "course",
                "There is no course order for this patient yet.",
                "Record the prescriber's order (prescriber, first day, number of days) first.",
            )
        course = _course_view(row)
        today = self._today()
        treated = self._treated_days(tx, patient_id, course)
        place = place_in_course(self.protocol, course, today, treated)
        if today in treated and override is None:
            raise InputError(
                "same_day_override",
                "This patient has already had an infusion today.",
                "A second infusion the same day needs the prescriber's override: record who and why.",
            )
        return d.CoursePlace(course.id, place.day, place.of, tuple(place.missed))

    def open_session(
        self,
        patient_id: str,
        chair: int,
        by: str,
        identified: Identified,
        same_day_override: str | None = None,
    ) -> SessionState:
        """Identify: the patient confirmed by two identifiers (never the chair), compared against the
        record, and seated on day n of the course in force."""
        override = _optional(same_day_override, "same_day_override", "why a second infusion today")
        session_id = str(uuid.uuid4())
        with self.door.writing(by, Permission.RECORD_CARE) as work:
            now = work.at
            patient = work.tx.get(Patient, patient_id)
            if patient is None:
                raise NotFound("That patient record was not found.", "Search again.")
            identifiers = confirmed_identifiers(identified, patient.mrn, patient.birth_date)
            if records.active_on_chair(work.tx, chair) is not None:
                raise NotNow(f"Chair {chair} already has an open session.", "Finish it or choose another chair.")
            if records.active_for_patient(work.tx, patient_id) is not None:
                raise NotNow("This patient already has an open session.", "Open it from the board.")
            course = self._course_place(work.tx, patient_id, override)
            self.shelf.keep(work.tx, now)
            session = InfusionSession(
                id=session_id,
                patient_id=patient_id,
                chair=chair,
                protocol_id=self.protocol.id,
                protocol_version=self.protocol.version,
                protocol_hash=self.protocol.content_hash,
                step=Step.SCREEN.value,
                outcome="in progress",
                active=True,
                opened_at=now,
                opened_by=by,
                last_seq=1,
                updated_at=now,
            )
            work.tx.add(session)
            work.tx.flush()
            opened = Event(
                id=str(uuid.uuid4()),
                session_id=session_id,
                seq=1,
                type=E.OPENED,
                occurred_at=now,
                recorded_at=now,
                recorded_by=by,
                workstation=self.workstation,
                payload=d.Opened(
                    patient_id=patient_id,
                    chair=chair,
                    identifiers_confirmed=tuple(identifiers),
                    record_number_scanned="mrn" in identifiers and identified.scanned,
                    course=course,
                    same_day_override=override,
                    protocol=d.ProtocolRef(self.protocol.id, self.protocol.version, self.protocol.content_hash),
                ).to_payload(),
            )
            work.append(opened, session)
        return self.state(session_id)

    def screen(self, session_id: str, answers: dict[str, str], by: str, *, confirm_stop: bool = False) -> SessionState:
        """The questions asked depend on the session's place in its course (see core.screening). Answers
        that stop treatment are refused (``StopToConfirm``, nothing recorded) until ``confirm_stop``."""
        return self._append(
            session_id,
            by,
            E.SCREENED,
            lambda state: screening_record(self.protocol, state, answers, confirm_stop=confirm_stop),
        )

    def record_weight(
        self, session_id: str, text: str, unit: str | None, by: str, confirm_change: bool = False
    ) -> SessionState:
        """The weight of the day. Far from the last session's weight, it is more often a wrong unit, a
        shoe or a coat than a real change: the nurse confirms it before the dose is worked out from it."""
        weight = parse_weight(text, unit)
        previous = self._previous_weight(session_id)
        last = None
        if previous is not None:
            last = LastWeight(previous.data_as(d.Weighed).kg, f"{previous.occurred_at.astimezone():%Y-%m-%d}")
        try:
            advisories = check_weight(self.protocol, weight, last)
        except InputError as refused:
            self._refused_by_limit(session_id, by, "implausible weight", weight.entered, weight.unit.value, refused)
            raise
        weighed = d.Weighed(entered=weight.entered, unit=weight.unit, kg=weight.kg, advisories=tuple(advisories))
        if unit_chosen_to_fit(self.protocol, weight):
            change = weight_change_percent(weight.kg, last.kg) if last is not None else None
            if change is None or abs(change) > self.protocol.weight.advise_change_percent:
                if (
                    not confirm_change or last is None
                ):  # with nothing to compare, a tick does not do: see unit_challenge
                    challenge = unit_challenge(self.protocol, weight, last, change)
                    self._refused_by_limit(
                        session_id,
                        by,
                        "weight unit that makes the number fit",
                        weight.entered,
                        weight.unit.value,
                        challenge,
                    )
                    raise challenge
                weighed = replace(weighed, unit_confirmed=True)
        if previous is not None:
            before = previous.data_as(d.Weighed).kg
            change = weight_change_percent(weight.kg, before)
            weighed = replace(weighed, previous=d.PreviousWeight(before, previous.session_id), change_percent=change)
            if abs(change) > self.protocol.weight.advise_change_percent:
                if not confirm_change:
                    when = previous.occurred_at.astimezone()
                    raise InputError(
                        "confirm_change",
                        f"{weight.describe()} is {abs(change)} % {'more' if change > 0 else 'less'} than the "
                        f"{round_to(before, Decimal('0.1'))} kg weighed on {when:%Y-%m-%d}.",
                        "Check the scale and the unit and weigh again; if the weight is right, confirm the change.",
                    )
                weighed = replace(weighed, change_confirmed=True)
        return self._append(session_id, by, E.WEIGHED, lambda _s: weighed)

    def _refused_by_limit(
        self, session_id: str, by: str, limit: str, entered: Decimal, unit: str, refusal: InputError
    ) -> None:
        """A near miss for the quality report: what was typed, which limit refused it, and what was said."""
        self._refused(session_id, by, {"limit": limit, "entered": f"{entered} {unit}", "said": refusal.message})

    def _previous_weight(self, session_id: str) -> Event | None:
        with self.door.reading() as tx:
            row = tx.get(InfusionSession, session_id)
            return records.last_weight_elsewhere(tx, row.patient_id, session_id) if row else None

    @staticmethod
    def _weight_of(state: SessionState) -> Weight:
        if state.weight is None:
            raise NotNow("No weight has been recorded for this session.", "Weigh the patient first.")
        return state.weight

    def preview_dose(
        self, session_id: str, vial_id: str | None = None, override_reason: str | None = None
    ) -> DoseCalculation:
        """The calculation for the recorded weight, not yet saved (for the dose screen): above the soft limit
        its figures too, before the reason is given (``core.dosing.reason_asked`` says what is asked)."""
        weight = self._weight_of(self.state(session_id))
        return calculate_dose(self.protocol, weight, vial_id, override_reason, preview=True)

    def confirm_dose(
        self, session_id: str, by: str, vial_id: str | None = None, override_reason: str | None = None
    ) -> SessionState:
        def build(state: SessionState) -> d.DoseCalculated:
            calc = calculate_dose(self.protocol, self._weight_of(state), vial_id, override_reason)
            return d.DoseCalculated(calc)

        try:
            return self._append(session_id, by, E.DOSE_CALCULATED, build)
        except InputError as refused:
            # The dose limits' near misses, for the quality report: a dose refused by the hard limit, and an
            # override the soft limit asked for (whether or not a reason then follows).
            limit = {"dose": "hard dose limit", "override_reason": "soft dose limit"}.get(refused.field)
            if limit is not None:
                self._refused(session_id, by, {"limit": limit, "said": refused.message})
            raise

    def record_check(
        self, session_id: str, username: str, password: str, weight: str, dose: str, rate: str
    ) -> SessionState:
        """The second nurse signs in there and then and enters her own figures, blind to the first nurse's."""
        figures = parse_check_figures(weight, dose, rate)
        self._payload(self.state(session_id), E.CHECKED, None)  # a stale screen costs no failed sign-in
        checker = self.accounts.authenticate(username, password, "second-nurse check")

        def build(state: SessionState) -> d.Checked:
            if state.dose is None:
                raise NotNow("There is no dose to check yet.", "Calculate the dose first.")
            if checker.id == state.dosed_by:
                raise NotPermitted(
                    "The nurse who calculated the dose cannot also check it.",
                    "Ask a second nurse to do the independent check.",
                )
            mismatches = check_mismatches(self.protocol, state.dose, figures)
            return d.Checked(checker.id, figures, tuple(mismatches), state.dosed_by)

        state = self.state(session_id)
        if state.dose is not None and check_mismatches(self.protocol, state.dose, figures):
            meaning = Meaning.DID_NOT_AGREE  # her signature says what she found, never "verified"
        else:
            meaning = Meaning.VERIFIED
        return self._append(session_id, checker.id, E.CHECKED, build, signers=[(checker.id, meaning)])

    def record_drawn(self, session_id: str, lot: str, ml: str, by: str) -> SessionState:
        """The controlled-substance record: the vial's lot and the volume drawn up from it."""
        lot_number = parse_lot(lot)

        def build(state: SessionState) -> d.DrugDrawn:
            if state.dose is None:
                raise NotNow("There is no confirmed dose to draw up.", "Confirm the dose first.")
            vial = next(v for v in self.protocol.vials if v.id == state.dose.vial_id)
            step = self.protocol.rounding.volume_ml
            volume = parse_amount(ml, "drawn_ml", "volume drawn up (mL)", vial.vial_ml, step)
            return d.DrugDrawn(
                lot=lot_number,
                vial_id=vial.id,
                vial_label=vial.label,
                mg_per_ml=vial.mg_per_ml,
                vial_ml=vial.vial_ml,
                multi_dose=vial.multi_dose,
                ml=volume,
                mg=round_to(volume * vial.mg_per_ml, self.protocol.rounding.dose_mg),
            )

        return self._append(session_id, by, E.DRAWN, build)

    def record_waste(
        self,
        session_id: str,
        mg: str,
        how: str,
        by: str,
        password: str,
        witness_username: str = "",
        witness_password: str = "",
        vial_of: str | None = None,
    ) -> SessionState:
        """Drug drawn up but not given, wasted in front of a witness; both sign (the witness by signing in).
        With ``vial_of`` (a draw-up's event id), what is wasted is the rest left in that vial."""
        method = _required(how, "how", "how the drug was wasted (e.g. into the drug waste container)")

        def build(state: SessionState) -> d.DrugWasted:
            most = state.controlled.unaccounted_mg
            if vial_of is not None:
                vial = state.controlled.vial(vial_of)
                if vial is None or vial.left_mg <= 0:
                    raise NotNow("Nothing is left to waste in that vial.", "Look at the session again.")
                most = vial.left_mg
            amount = parse_amount(mg, "waste_mg", "amount wasted (mg)", most, self.protocol.rounding.dose_mg)
            return d.DrugWasted(amount, method, vial_of=vial_of or None)

        def authenticate() -> list[tuple[str, Meaning]]:
            witnessed = clinic_settings(self.db).waste_witness_required or bool(witness_username.strip())
            witness = self._witness(by, witness_username, witness_password) if witnessed else None
            self._confirm_signer(by, password)
            signers = [(by, Meaning.WASTED)]
            return [*signers, (witness, Meaning.WITNESSED_WASTE)] if witness else signers

        return self._append(session_id, by, E.WASTED, build, authenticate=authenticate)

    def return_to_stock(self, session_id: str, drawn_event_id: str, by: str) -> SessionState:
        """The rest of a multi-dose vial goes back to stock: all of it, recorded with who and when. The rest of
        a single-dose vial never does (it is wasted before a witness): that refusal is kept in the audit trail."""

        def build(state: SessionState) -> d.DrugReturned:
            vial = state.controlled.vial(drawn_event_id)
            if vial is None or vial.left_mg <= 0:
                raise NotNow("Nothing is left in that vial to return.", "Look at the session again.")
            return d.DrugReturned(drawn_event_id, vial.drawn.lot, vial.drawn.vial_label, vial.left_mg, vial.left_ml)

        state = self.state(session_id)
        vial = state.controlled.vial(drawn_event_id)
        if vial is not None and not vial.drawn.multi_dose and vial.left_mg > 0:
            self._refused(
                session_id, by, {"refused": "return to stock", "lot": vial.drawn.lot, "mg": str(vial.left_mg)}
            )
            raise NotPermitted(
                f"{vial.drawn.vial_label} is a single-dose vial: what is left in it cannot go back to stock.",
                "Waste it before a witness.",
            )
        return self._append(session_id, by, E.RETURNED, build)

    def record_pump(
        self, session_id: str, rate: str, vtbi: str, by: str, second: tuple[str, str, str, str] | None = None
    ) -> SessionState:
        """Pump programmed and checked: the rate and VTBI as the nurse reads them off the pump, compared with
        the order. A reading that disagrees is recorded too (it counts as a near miss) and holds the start
        back until a reading agrees. ``second`` is a second nurse's (user name, password, rate, VTBI): she
        signs in with her own password and reads the pump herself; her reading is signed as verified only
        when it agrees."""
        reading = parse_pump_reading(rate, vtbi)
        second_reading = None
        if second is not None and any(part.strip() for part in second):
            username, password, second_rate, second_vtbi = second
            second_reading = parse_pump_reading(second_rate, second_vtbi, "second_pump")
            if not username.strip():
                raise InputError("second_username", "Enter the second nurse's user name.", "She signs in here.")
            if not password:
                raise InputError("second_password", "Enter the second nurse's password.", "She types it herself.")
        checker_id: list[str] = []

        def build(state: SessionState) -> d.PumpProgrammed:
            if state.dose is None:
                raise NotNow("There is no confirmed dose to program the pump for.", "Confirm the dose first.")
            order = pump_order(self.protocol, state.dose)
            second_read = None
            if second_reading is not None:
                second_read = d.PumpSecondReading(
                    checker_id[0] if checker_id else None,  # known once she has signed in
                    second_reading,
                    tuple(pump_mismatches(order, second_reading)),
                )
            return d.PumpProgrammed(order, reading, tuple(pump_mismatches(order, reading)), second_read)

        def authenticate() -> list[tuple[str, Meaning]]:
            if second is None or second_reading is None:
                return []
            try:
                checker = self.accounts.authenticate(second[0], second[1], "second-nurse pump reading")
            except NotAllowedError as refused:
                raise NotPermitted(f"Second nurse: {refused.message}", refused.advice) from refused
            if checker.id == by:
                raise NotPermitted(
                    "The nurse who programmed the pump cannot also be the second reader.",
                    "Ask another nurse to read the pump.",
                )
            if not checker.can_record_care:
                raise NotPermitted("The second reader must be a nurse.", "Ask a nurse to read the pump.")
            checker_id.append(checker.id)
            state = self.state(session_id)
            agrees = state.dose is not None and not pump_mismatches(
                pump_order(self.protocol, state.dose), second_reading
            )
            return [(checker.id, Meaning.VERIFIED)] if agrees else []

        return self._append(session_id, by, E.PUMP_PROGRAMMED, build, authenticate=authenticate)

    def _signing(self, by: str, password: str, meaning: Meaning) -> Callable[[], list[tuple[str, Meaning]]]:
        def confirmed() -> list[tuple[str, Meaning]]:
            self._confirm_signer(by, password)
            return [(by, meaning)]

        return confirmed

    def _confirm_signer(self, by: str, password: str) -> None:
        """The person signing types her own password again, there and then."""
        try:
            self.accounts.confirm_identity(by, password, "signature")
        except NotAllowedError as refused:
            raise NotPermitted(f"Your password: {refused.message}", refused.advice) from refused

    def _witness(self, by: str, username: str, password: str) -> str:
        """The waste witness signs in with her own account; she must be another nurse."""
        if not username.strip():
            raise InputError("witness_username", "Enter the witness's user name.", "The witness signs in here.")
        if not password:
            raise InputError("witness_password", "Enter the witness's password.", "The witness types it herself.")
        try:
            witness = self.accounts.authenticate(username, password, "waste witness")
        except NotAllowedError as refused:
            raise NotPermitted(f"Witness: {refused.message}", refused.advice) from refused
        if witness.id == by:
            raise NotPermitted(
                "The nurse wasting the drug cannot also witness it.", "Ask another nurse to watch and sign in."
            )
        if not witness.can_record_care:
            raise NotPermitted("A waste witness must be a nurse.", "Ask a nurse to witness the waste.")
        return witness.id

    def start_infusion(self, session_id: str, by: str, go_ahead: str | None = None) -> SessionState:
        why = _optional(go_ahead, "go_ahead", "the prescriber's go-ahead (who and why)")

        def build(state: SessionState) -> d.Started:
            problems = start_problems(self.protocol, state.baseline)
            if problems and why is None:
                raise InputError(
                    "go_ahead",
                    "Baseline outside the start thresholds: " + "; ".join(problems) + ".",
                    "Take a fresh full set, or record the prescriber's go-ahead (who and why) to start.",
                )
            return d.Started(tuple(problems), why)

        return self._append(session_id, by, E.STARTED, build)

    def pause(self, session_id: str, reason: str, by: str) -> SessionState:
        why = _required(reason, "reason", "why the infusion is paused")
        return self._append(session_id, by, E.PAUSED, lambda _s: d.Paused(why))

    def resume(self, session_id: str, by: str) -> SessionState:
        return self._append(session_id, by, E.RESUMED)

    def complete(self, session_id: str, by: str) -> SessionState:
        return self._append(session_id, by, E.COMPLETED)

    def stop_early(self, session_id: str, reason: str, by: str) -> SessionState:
        why = _required(reason, "reason", "why the infusion is stopped early")
        return self._append(session_id, by, E.STOPPED_EARLY, lambda state: self._stop_payload(state, why))

    def _stop_payload(self, state: SessionState, why: str, alert_event_id: str | None = None) -> d.StoppedEarly:
        """An early stop, with the dose given worked out from the time infused."""
        minutes = Decimal(state.infusion.infused.total_seconds()) / 60
        total = Decimal(self.protocol.dose.infusion_minutes)
        dose = state.dose.dose_mg if state.dose else Decimal(0)
        estimated = (dose * minutes / total).quantize(self.protocol.rounding.dose_mg)
        return d.StoppedEarly(why, minutes.quantize(Decimal("0.1")), estimated, alert_event_id)

    def confirm_pump(self, session_id: str, running: bool, by: str, note: str = "") -> SessionState:
        """After a restart: the nurse looks at the pump and says whether it is still running."""
        said = _optional(note, "note", "the note") or ""
        return self._append(session_id, by, E.PUMP_CONFIRMED, lambda _s: d.PumpConfirmed(running, said))

    def record_vitals(
        self, session_id: str, typed: dict[VitalKind, str], by: str, partial_reason: str | None = None
    ) -> tuple[SessionState, list[Finding]]:
        try:
            values = parse_vitals(self.protocol, typed, partial_reason)
        except ReadingsDisagree as refused:  # two readings that cannot both be right: both recorded
            self._refused(session_id, by, {"limit": refused.limit, "entered": refused.entered, "said": refused.message})
            raise
        except InputError as refused:
            if refused.field in {kind.value for kind in VitalKind}:  # a reading the limits call impossible
                typed_as = printable(str(typed.get(VitalKind(refused.field), "")).strip())  # as far as showable
                self._refused(
                    session_id, by, {"limit": "impossible vital sign", "entered": typed_as, "said": refused.message}
                )
            raise
        findings: list[Finding] = []

        def build(state: SessionState) -> d.VitalsRecorded:
            findings.extend(classify(self.protocol, values, state.baseline or None))
            # The latest scheduled point owed: a set says how the patient is now, so the earlier were missed.
            # (A recheck an alarm asked for is answered by any set taken once it is due, filed or not.)
            scheduled = {point.id for point in self.protocol.vitals_schedule.points}
            owed = [
                p
                for p in state.vitals
                if p.status in {PointStatus.DUE, PointStatus.OVERDUE} and p.point.id in scheduled
            ]
            return d.VitalsRecorded(
                point_id=owed[-1].point.id if owed else None,
                values=dict(values),
                partial_reason=_optional(partial_reason, "partial_reason", "why a reading was not taken"),
                findings=tuple(
                    d.VitalFinding(f.kind, f.tier, f"{self.protocol.vitals[f.kind].label} {f.value} {f.why}".strip())
                    for f in findings
                ),
            )

        return self._append(session_id, by, E.VITALS, build), findings

    def acknowledge_alert(
        self,
        session_id: str,
        alert_event_id: str,
        actions: Collection[str],
        symptoms: Mapping[str, str],
        by: str,
        note: str = "",
    ) -> SessionState:
        """An act-now alarm answered: the actions taken (ids from the protocol's list), a yes or no to each
        symptom question, an optional note; who and when are the entry's own. Refused by the field when
        no action is named or a question is unanswered, and then nothing is recorded.

        "Paused" and "stopped" say what the nurse did at the pump (the alarm never touches it), so the
        pause, or the early stop, is recorded in the same transaction, with the alert as its reason,
        when the infusion is still running. That is both the simplest and the safest choice: holding the
        acknowledgement back until a pause was recorded elsewhere would keep a high alarm sounding for a
        second step that adds nothing, and recording the two apart could leave, for a moment or for good,
        a record that says "paused" beside a countdown that still runs. A stop outranks a pause.
        A recheck makes a set of vital signs due the protocol's ``recheck_minutes`` later.
        """
        checked: list[Acknowledgement] = []

        def build(state: SessionState) -> d.AlertAcknowledged:
            alert = next((a for a in state.open_alerts if a.event_id == alert_event_id), None)
            if alert is None:
                raise NotNow("That alert is not open any more.", "Look at the session again.")
            checked.append(check_acknowledgement(self.protocol, alert, state.step, actions, symptoms, note))
            return checked[0].record()

        def then(state: SessionState) -> list[tuple[E, d.EventData]]:
            ack = checked[0]
            link = ack.alert.event_id
            if ack.has(AlertEffect.STOP):
                return [(E.STOPPED_EARLY, self._stop_payload(state, ack.reason, link))]
            if ack.has(AlertEffect.PAUSE) and state.step is Step.INFUSING:
                return [(E.PAUSED, d.Paused(ack.reason, link))]
            return []

        return self._append(session_id, by, E.ALERT_ACKNOWLEDGED, build, then=then)

    def record_side_effects(self, session_id: str, grades: dict[str, str], by: str) -> SessionState:
        items = {item.id for item in self.protocol.side_effects.items}
        grade_ids = [g.id for g in self.protocol.side_effects.grades]
        unknown = set(grades) - items
        if unknown:
            raise InputError("side_effects", f"Unknown checklist items: {', '.join(sorted(unknown))}.")
        for item, grade in grades.items():
            if grade not in grade_ids:
                raise InputError(f"side_effects.{item}", f"“{grade}” is not a grade.", f"Choose one of {grade_ids}.")
        severe = sorted(item for item, grade in grades.items() if grade in self.protocol.side_effects.act_grades)

        def build(state: SessionState) -> d.SideEffects:
            # The check owed now, if any, is the one this answers; one between points answers none.
            owed = state.next_side_effects if state.side_effects_attention is not None else None
            point = owed.point.id if owed is not None else None
            return d.SideEffects(dict(sorted(grades.items())), tuple(severe), point)

        return self._append(session_id, by, E.SIDE_EFFECTS, build)

    def record_no_side_effects(self, session_id: str, by: str) -> SessionState:
        """A full check with nothing found: every item of the checklist at the protocol's "none" grade.

        One call, so "No side effects" is one tap at the chair and never a partial check by accident.
        """
        rules = self.protocol.side_effects
        return self.record_side_effects(session_id, {item.id: rules.none_grade for item in rules.items}, by)

    def record_adverse_event(
        self, session_id: str, source_event_id: str, item: str, action: str, told: str, by: str
    ) -> SessionState:
        """A severe side effect becomes an adverse event: what, how severe, what was done, who was told."""
        done = _required(action, "adverse_action", "what was done (e.g. infusion paused, stayed with the patient)")
        who = _required(told, "adverse_told", "who was told, and when (e.g. Dr Patel by phone, 14:10)")

        def build(state: SessionState) -> d.AdverseEvent:
            pending = next(
                (p for p in state.pending_adverse_events if (p.source_event_id, p.item) == (source_event_id, item)),
                None,
            )
            if pending is None:
                raise NotNow(
                    "That side effect has no adverse event waiting to be recorded.", "Look at the session again."
                )
            names = {entry.id: entry.label for entry in self.protocol.side_effects.items}
            return d.AdverseEvent(source_event_id, item, names.get(item, item), pending.grade, done, who)

        return self._append(session_id, by, E.ADVERSE_EVENT, build)

    def discharge(
        self,
        session_id: str,
        score: str,
        criteria: dict[str, bool],
        by: str,
        password: str,
        override_reason: str | None = None,
        prescriber: str | None = None,
    ) -> SessionState:
        """The nurse signs that the discharge criteria were verified (or overridden by the prescriber, named,
        with the reason). A criterion the record contradicts (core.discharge) counts as not met, ticked or
        not. Every refusal for criteria not met is an audit line, so near misses can be counted."""
        rules = self.protocol.discharge
        text = _required(score, "score", f"the {rules.score_name}")
        if not WHOLE_NUMBER.fullmatch(text) or not rules.score_min <= int(text) <= rules.score_max:
            raise InputError("score", f"The {rules.score_name} is a whole number {rules.score_min}–{rules.score_max}.")
        value = int(text)
        override = _optional(override_reason, "override_reason", "why discharge goes ahead")
        who = _optional(prescriber, "prescriber", "the prescriber who agreed")

        def build(state: SessionState) -> d.Discharged:
            denied = {c.criterion_id: c for c in contradictions(self.protocol, state)}
            problems = [
                denied[c.id].words if c.id in denied else c.text
                for c in rules.criteria
                if c.id in denied or not criteria.get(c.id)
            ]
            if value < rules.score_threshold:
                problems.insert(0, f"{rules.score_name} {value} is below {rules.score_threshold}")
            if state.discharge_earliest and self.clock.now() < state.discharge_earliest:
                problems.insert(0, f"minimum observation of {self.protocol.observation.minimum_minutes} min not over")
            if problems and (override is None or who is None):
                field = "override_reason" if override is None else "prescriber"
                raise DischargeRefused(
                    field,
                    "Discharge criteria not met: " + "; ".join(problems) + ".",
                    "Wait, or record the prescriber's override: her name and the reason.",
                    problems,
                    [c.payload() for c in denied.values()],
                )
            return d.Discharged(
                score=value,
                criteria={c.id: bool(criteria.get(c.id)) and c.id not in denied for c in rules.criteria},
                contradicted=tuple(c.record() for c in denied.values()),
                unmet=tuple(problems),
                override_reason=override if problems else None,
                prescriber=who if problems else None,
            )

        try:
            return self._append(
                session_id, by, E.DISCHARGED, build, authenticate=self._signing(by, password, Meaning.VERIFIED)
            )
        except DischargeRefused as refused:
            detail = {"what": "discharge", "problems": refused.problems, "contradicted": refused.contradicted}
            self._refused(session_id, by, detail)
            raise

    def _refused(self, session_id: str, by: str, detail: dict[str, Any]) -> None:
        """One audit line for an entry refused by a limit or a rule, written apart from the refused entry
        (which records nothing): the near misses the quality report counts."""
        with self.door.writing(by) as work:
            row = work.tx.get(InfusionSession, session_id)
            patient_id = row.patient_id if row else None
            work.audit(AuditAction.REFUSED, patient_id=patient_id, session_id=session_id, detail=detail)

    def abandon(self, session_id: str, reason: str, by: str) -> SessionState:
        why = _required(reason, "reason", "why the session ends without treatment")
        return self._append(session_id, by, E.ABANDONED, lambda _s: d.Reason(why))

    def sign(
        self, session_id: str, by: str, password: str, discrepancy_note: str | None = None, *, seen_seq: int
    ) -> SessionState:
        """The nurse signs the session (as administered, or as not treated and reviewed: see
        ``signing_meaning``); from then on it is read-only.

        ``seen_seq`` is the last entry the nurse had on screen: a signature covers every entry before
        it, so one recorded meanwhile (from another workstation) must be seen before it is signed.
        Totals of drug drawn, given and wasted that do not add up are not a reason to leave a session
        unsigned for ever, but the difference must be explained in the signed record.
        """
        note = _optional(discrepancy_note, "discrepancy_note", "the note on the difference")

        def build(state: SessionState) -> d.SessionSigned:
            if state.events[-1].seq != seen_seq:
                raise NotNow(
                    "Something was recorded on this session since it was shown to you, so it was not signed.",
                    "Read the session again as it stands now, then sign.",
                )
            problem = state.controlled.problem
            if problem and note is None:
                raise InputError(
                    "discrepancy_note",
                    f"The controlled-substance totals do not add up: {problem}",
                    "Record the waste first, or explain the difference to sign.",
                )
            return d.SessionSigned(problem, note if problem else None, d.PatientAtSigning(**who))

        current = self.state(session_id)
        patient = self.patient(current.events[0].data_as(d.Opened).patient_id)
        # Who the patient was at signing is part of what the signature covers.
        who = identifiers(patient.mrn, patient.family_name, patient.given_name, patient.birth_date.isoformat())
        meaning = signing_meaning(current)
        return self._append(session_id, by, E.SIGNED, build, authenticate=self._signing(by, password, meaning))

    def add_addendum(
        self, session_id: str, note: str, by: str, password: str, corrects: str | None = None
    ) -> SessionState:
        """Information added after signing: a signed entry of its own; the signed record stays as it was."""
        what = _required(note, "addendum", "the addendum")

        def build(state: SessionState) -> d.Note:
            if corrects is not None and corrects not in {e.id for e in state.events}:
                raise NotFound("That entry is not part of this session.", "Choose an entry from this session.")
            return d.Note(what)

        signing = self._signing(by, password, Meaning.AMENDED)
        return self._append(session_id, by, E.ADDENDUM, build, corrects=corrects, authenticate=signing)

    def correct(self, session_id: str, event_id: str, reason: str, note: str, by: str) -> SessionState:
        """A correction names the entry it corrects and why; the original stays in the record."""
        why = _required(reason, "reason", "why the entry is corrected")
        what = _required(note, "note", "what the correct information is")

        def build(state: SessionState) -> d.Note:
            if event_id not in {e.id for e in state.events}:
                raise NotFound("That entry is not part of this session.", "Choose an entry from this session.")
            return d.Note(what)

        return self._append(session_id, by, E.CORRECTED, build, corrects=event_id, reason=why)
