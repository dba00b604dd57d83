"""What a nurse can do, one function per action: validate, append, commit, return the new state.

Every action runs in one transaction; the state it returns was computed from the committed log, so
a screen that shows it is showing what is saved. Nothing here decides how things look.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from core import records
from core.clock import Clock
from core.dosing import (
    DoseCalculation,
    calculate_dose,
    check_mismatches,
    check_weight,
    parse_check_figures,
    parse_weight,
)
from core.errors import InputError, NotAllowedError
from core.events import Event
from core.events import EventType as E
from core.machine import Step
from core.persistence.db import Database
from core.persistence.tables import InfusionSession, Patient, Staff
from core.protocol import Protocol, VitalKind
from core.session_state import PointStatus, SessionState, derive_state
from core.vitals import Finding, classify, parse_vitals, start_problems

ROLES = ("nurse", "charge_nurse", "administrator")
STEP_WORDS = {
    Step.SCREEN: "Screening",
    Step.WEIGH: "Weigh",
    Step.DOSE: "Dose",
    Step.CHECK: "Second-nurse check",
    Step.READY: "Ready to start",
    Step.INFUSING: "Infusing",
    Step.PAUSED: "Paused",
    Step.OBSERVE: "Observation",
    Step.SIGN: "To sign",
    Step.DONE: "Signed",
}


@dataclass(frozen=True)
class StaffView:
    id: str
    name: str
    role: str


@dataclass(frozen=True)
class PatientView:
    id: str
    mrn: str
    family_name: str
    given_name: str
    birth_date: date

    @property
    def full_name(self) -> str:
        return f"{self.family_name.upper()}, {self.given_name}"


@dataclass(frozen=True)
class SessionRow:
    """A session as a list shows it, read from the projection (no replay)."""

    id: str
    chair: int
    patient_id: str
    step: Step
    outcome: str
    opened_at: datetime


@dataclass(frozen=True)
class ChairView:
    """One active session as the board shows it."""

    chair: int
    patient: PatientView
    state: SessionState


def _patient_view(row: Patient) -> PatientView:
    return PatientView(row.id, row.mrn, row.family_name, row.given_name, row.birth_date)


def _required(text: str | None, field: str, what: str) -> str:
    value = (text or "").strip()
    if not value:
        raise InputError(field, f"Enter {what}.")
    return value


def parse_birth_date(text: str, today: date) -> date:
    """YYYY-MM-DD only: day/month order is ambiguous between countries, so it is never guessed."""
    value = _required(text, "birth_date", "the date of birth (YYYY-MM-DD)")
    try:
        born = date.fromisoformat(value)
    except ValueError:
        raise InputError(
            "birth_date", f"“{value}” is not a date.", "Write it as YYYY-MM-DD, e.g. 1968-04-23."
        ) from None
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
    ) -> None:
        self.db = database
        self.protocol = protocol
        self.clock = clock
        self.workstation = workstation
        self.app_started_at = app_started_at or clock.now()

    # ---- people -------------------------------------------------------------------------------

    def add_staff(self, name: str, role: str = "nurse") -> StaffView:
        display = _required(name, "name", "the person's name")
        if role not in ROLES:
            raise InputError("role", f"“{role}” is not a role.", f"Choose one of: {', '.join(ROLES)}.")
        row = Staff(id=str(uuid.uuid4()), display_name=display, role=role, active=True, created_at=self.clock.now())
        with self.db.transaction() as tx:
            tx.add(row)
        return StaffView(row.id, row.display_name, row.role)

    def staff(self) -> list[StaffView]:
        with self.db.session() as tx:
            return [StaffView(s.id, s.display_name, s.role) for s in records.staff_list(tx)]

    def _require_staff(self, tx: Session, staff_id: str) -> Staff:
        row = tx.get(Staff, staff_id)
        if row is None or not row.active:
            raise NotAllowedError("That staff member is not active on this system.", "Choose who is recording.")
        return row

    # ---- patients -----------------------------------------------------------------------------

    def register_patient(self, mrn: str, family_name: str, given_name: str, birth_date: str, by: str) -> PatientView:
        row = Patient(
            id=str(uuid.uuid4()),
            mrn=_required(mrn, "mrn", "the medical record number"),
            family_name=_required(family_name, "family_name", "the family name"),
            given_name=_required(given_name, "given_name", "the given name"),
            birth_date=parse_birth_date(birth_date, self.clock.now().date()),
            created_at=self.clock.now(),
            created_by=by,
        )
        with self.db.transaction() as tx:
            self._require_staff(tx, by)
            if records.patient_by_mrn(tx, row.mrn) is not None:
                raise InputError("mrn", f"A patient with record number {row.mrn} already exists.", "Search for them.")
            tx.add(row)
        return _patient_view(row)

    def find_patients(self, text: str) -> list[PatientView]:
        if not text.strip():
            return []
        with self.db.session() as tx:
            return [_patient_view(p) for p in records.find_patients(tx, text)]

    def patient(self, patient_id: str) -> PatientView:
        with self.db.session() as tx:
            row = tx.get(Patient, patient_id)
            if row is None:
                raise NotAllowedError("That patient record was not found.", "Search again.")
            return _patient_view(row)

    # ---- reading sessions ---------------------------------------------------------------------

    def state(self, session_id: str) -> SessionState:
        with self.db.session() as tx:
            return derive_state(
                self.protocol, records.load_events(tx, session_id), self.clock.now(), self.app_started_at
            )

    def chairs(self) -> list[ChairView]:
        """Every open session, by chair, with its live state (the board and the restart offer)."""
        now = self.clock.now()
        with self.db.session() as tx:
            rows = records.active_sessions(tx)
            patients = records.patients_by_id(tx, [row.patient_id for row in rows])
            events = records.load_events_of(tx, [row.id for row in rows])
        return [
            ChairView(
                row.chair,
                _patient_view(patients[row.patient_id]),
                derive_state(self.protocol, events[row.id], now, self.app_started_at),
            )
            for row in rows
        ]

    def day_sessions(self, start: datetime, end: datetime) -> list[SessionRow]:
        """Sessions opened in [start, end), oldest first (the day's list)."""
        with self.db.session() as tx:
            return [
                SessionRow(r.id, r.chair, r.patient_id, Step(r.step), r.outcome, r.opened_at)
                for r in records.sessions_opened_between(tx, start, end)
            ]

    # ---- the log ------------------------------------------------------------------------------

    def _append(
        self,
        session_id: str,
        by: str,
        kind: E,
        build: Callable[[SessionState], dict[str, Any]] | None = None,
        *,
        corrects: str | None = None,
        reason: str | None = None,
    ) -> SessionState:
        """Check the action is allowed now, build its payload from the current state, and commit."""
        now = self.clock.now()
        with self.db.transaction() as tx:
            self._require_staff(tx, by)
            row = tx.get(InfusionSession, session_id)
            if row is None:
                raise NotAllowedError("That session was not found.", "Return to the board and open the chair again.")
            events = records.load_events(tx, session_id)
            state = derive_state(self.protocol, events, now, self.app_started_at)
            if kind in state.held_back:
                raise NotAllowedError(state.held_back[kind])
            if kind not in state.allowed:
                raise NotAllowedError(
                    f"This cannot be recorded now: the session is at “{STEP_WORDS[state.step]}”.",
                    "Follow the step shown on screen.",
                )
            payload = build(state) if build else {}
            event = Event(
                id=str(uuid.uuid4()),
                session_id=session_id,
                seq=row.last_seq + 1,
                type=kind,
                occurred_at=now,
                recorded_at=now,
                recorded_by=by,
                workstation=self.workstation,
                payload=payload,
                corrects=corrects,
                reason=reason,
            )
            records.insert_event(tx, event)
            new_state = derive_state(self.protocol, [*events, event], now, self.app_started_at)
            row.last_seq = event.seq
            row.step = new_state.step.value
            row.outcome = new_state.outcome.value
            row.active = new_state.step.active
            row.updated_at = now
            tx.add(row)
        return new_state

    # ---- the steps ----------------------------------------------------------------------------

    def open_session(self, patient_id: str, chair: int, by: str, identifiers: Collection[str]) -> SessionState:
        """Identify: the patient confirmed by two identifiers (never the chair) and seated."""
        if len(set(identifiers)) < 2 or not set(identifiers) <= {"name", "birth_date", "mrn"}:
            raise InputError("identifiers", "Confirm two identifiers: name with date of birth or record number.")
        now = self.clock.now()
        session_id = str(uuid.uuid4())
        with self.db.transaction() as tx:
            self._require_staff(tx, by)
            if tx.get(Patient, patient_id) is None:
                raise NotAllowedError("That patient record was not found.", "Search again.")
            if records.active_on_chair(tx, chair) is not None:
                raise NotAllowedError(
                    f"Chair {chair} already has an open session.", "Finish it or choose another chair."
                )
            if records.active_for_patient(tx, patient_id) is not None:
                raise NotAllowedError("This patient already has an open session.", "Open it from the board.")
            tx.add(
                InfusionSession(
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
            )
            tx.flush()
            records.insert_event(
                tx,
                Event(
                    id=str(uuid.uuid4()),
                    session_id=session_id,
                    seq=1,
                    type=E.OPENED,
                    occurred_at=now,
                    recorded_at=now,
                    recorded_by=by,
                    workstation=self.workstation,
                    payload={
                        "patient_id": patient_id,
                        "chair": chair,
                        "identifiers_confirmed": sorted(identifiers),
                        "protocol": {
                            "id": self.protocol.id,
                            "version": self.protocol.version,
                            "sha256": self.protocol.content_hash,
                        },
                    },
                ),
            )
        return self.state(session_id)

    def screen(self, session_id: str, answers: dict[str, str], by: str) -> SessionState:
        questions = self.protocol.screening.questions
        for question in questions:
            if answers.get(question.id) not in {"yes", "no", "unknown"}:
                raise InputError(f"screening.{question.id}", f"Answer: {question.text}")
        stops = [f"{q.text} — {answers[q.id]}" for q in questions if answers[q.id] in q.stop_if]
        payload = {"answers": {q.id: answers[q.id] for q in questions}, "stop_reasons": stops}
        return self._append(session_id, by, E.SCREENED, lambda _s: payload)

    def record_weight(self, session_id: str, text: str, unit: str | None, by: str) -> SessionState:
        weight = parse_weight(text, unit)
        advisories = check_weight(self.protocol, weight)
        payload = {
            "entered": str(weight.entered),
            "unit": weight.unit.value,
            "kg": str(weight.kg),
            "advisories": advisories,
        }
        return self._append(session_id, by, E.WEIGHED, lambda _s: payload)

    def _weight_of(self, state: SessionState) -> tuple[str, str]:
        for event in reversed(state.events):
            if event.type is E.WEIGHED:
                return event.payload["entered"], event.payload["unit"]
        raise NotAllowedError("No weight has been recorded for this session.", "Weigh the patient first.")

    def preview_dose(
        self, session_id: str, vial_id: str | None = None, override_reason: str | None = None
    ) -> DoseCalculation:
        """The calculation for the recorded weight, not yet saved (for the dose screen)."""
        entered, unit = self._weight_of(self.state(session_id))
        return calculate_dose(self.protocol, parse_weight(entered, unit), vial_id, override_reason)

    def confirm_dose(
        self, session_id: str, by: str, vial_id: str | None = None, override_reason: str | None = None
    ) -> SessionState:
        def build(state: SessionState) -> dict[str, Any]:
            entered, unit = self._weight_of(state)
            calc = calculate_dose(self.protocol, parse_weight(entered, unit), vial_id, override_reason)
            return {"calculation": calc.to_payload()}

        return self._append(session_id, by, E.DOSE_CALCULATED, build)

    def record_check(self, session_id: str, checker_id: str, weight: str, dose: str, rate: str) -> SessionState:
        """The second nurse's own figures, entered without seeing the first nurse's."""
        figures = parse_check_figures(weight, dose, rate)

        def build(state: SessionState) -> dict[str, Any]:
            if state.dose is None:
                raise NotAllowedError("There is no dose to check yet.", "Calculate the dose first.")
            if checker_id == state.dosed_by:
                raise NotAllowedError(
                    "The nurse who calculated the dose cannot also check it.",
                    "Ask a second nurse to do the independent check.",
                )
            mismatches = check_mismatches(self.protocol, state.dose, figures)
            return {
                "checker_id": checker_id,
                "figures": {k: str(v) for k, v in vars(figures).items()},
                "mismatches": mismatches,
            }

        return self._append(session_id, checker_id, E.CHECKED, build)

    def start_infusion(self, session_id: str, by: str, go_ahead: str | None = None) -> SessionState:
        def build(state: SessionState) -> dict[str, Any]:
            problems = start_problems(self.protocol, state.baseline)
            if problems and not (go_ahead or "").strip():
                raise InputError(
                    "go_ahead",
                    "Baseline outside the start thresholds: " + "; ".join(problems) + ".",
                    "Recheck, or record the prescriber's go-ahead (who and why) to start.",
                )
            return {"start_problems": problems, "go_ahead": (go_ahead or "").strip() or None}

        return self._append(session_id, by, E.STARTED, build)

    def pause(self, session_id: str, reason: str, by: str) -> SessionState:
        why = _required(reason, "reason", "why the infusion is paused")
        return self._append(session_id, by, E.PAUSED, lambda _s: {"reason": why})

    def resume(self, session_id: str, by: str) -> SessionState:
        return self._append(session_id, by, E.RESUMED)

    def complete(self, session_id: str, by: str) -> SessionState:
        return self._append(session_id, by, E.COMPLETED)

    def stop_early(self, session_id: str, reason: str, by: str) -> SessionState:
        why = _required(reason, "reason", "why the infusion is stopped early")

        def build(state: SessionState) -> dict[str, Any]:
            minutes = Decimal(state.infusion.infused.total_seconds()) / 60
            total = Decimal(self.protocol.dose.infusion_minutes)
            dose = state.dose.dose_mg if state.dose else Decimal(0)
            estimated = (dose * minutes / total).quantize(self.protocol.rounding.dose_mg)
            return {
                "reason": why,
                "minutes_infused": str(minutes.quantize(Decimal("0.1"))),
                "estimated_mg_given": str(estimated),
            }

        return self._append(session_id, by, E.STOPPED_EARLY, build)

    def confirm_pump(self, session_id: str, running: bool, by: str, note: str = "") -> SessionState:
        """After a restart: the nurse looks at the pump and says whether it is still running."""
        return self._append(session_id, by, E.PUMP_CONFIRMED, lambda _s: {"running": running, "note": note.strip()})

    def record_vitals(
        self, session_id: str, typed: dict[VitalKind, str], by: str, partial_reason: str | None = None
    ) -> tuple[SessionState, list[Finding]]:
        values = parse_vitals(self.protocol, typed, partial_reason)
        findings: list[Finding] = []

        def build(state: SessionState) -> dict[str, Any]:
            findings.extend(classify(self.protocol, values, state.baseline or None))
            owed = [p for p in state.vitals if p.status in {PointStatus.DUE, PointStatus.OVERDUE}]
            return {
                "point_id": owed[0].point.id if owed else None,
                "values": {k.value: str(v) for k, v in values.items()},
                "partial_reason": (partial_reason or "").strip() or None,
                "findings": [
                    {
                        "vital": f.kind.value,
                        "tier": f.tier.value,
                        "text": f"{self.protocol.vitals[f.kind].label} {f.value} {f.why}".strip(),
                    }
                    for f in findings
                ],
            }

        return self._append(session_id, by, E.VITALS, build), findings

    def acknowledge_alert(self, session_id: str, alert_event_id: str, action: str, by: str) -> SessionState:
        what = _required(action, "action", "the action taken (pause, notify prescriber, recheck…)")
        return self._append(
            session_id, by, E.ALERT_ACKNOWLEDGED, lambda _s: {"alert_event_id": alert_event_id, "action": what}
        )

    def record_side_effects(self, session_id: str, grades: dict[str, str], by: str) -> SessionState:
        items = {item.id for item in self.protocol.side_effects.items}
        grade_ids = [g.id for g in self.protocol.side_effects.grades]
        unknown = set(grades) - items
        if unknown:
            raise InputError("side_effects", f"Unknown checklist items: {', '.join(sorted(unknown))}.")
        for item, grade in grades.items():
            if grade not in grade_ids:
                raise InputError(f"side_effects.{item}", f"“{grade}” is not a grade.", f"Choose one of {grade_ids}.")
        act_rank = grade_ids.index(self.protocol.side_effects.act_at_grade)
        severe = sorted(item for item, grade in grades.items() if grade_ids.index(grade) >= act_rank)
        payload = {"grades": dict(sorted(grades.items())), "act_now": severe}
        return self._append(session_id, by, E.SIDE_EFFECTS, lambda _s: payload)

    def discharge(
        self,
        session_id: str,
        score: str,
        criteria: dict[str, bool],
        by: str,
        override_reason: str | None = None,
    ) -> SessionState:
        rules = self.protocol.discharge
        text = _required(score, "score", f"the {rules.score_name}")
        if not text.lstrip("-").isdigit() or not rules.score_min <= int(text) <= rules.score_max:
            raise InputError("score", f"The {rules.score_name} is a whole number {rules.score_min}–{rules.score_max}.")
        value = int(text)
        unmet = [c.text for c in rules.criteria if not criteria.get(c.id)]
        override = (override_reason or "").strip() or None

        def build(state: SessionState) -> dict[str, Any]:
            problems = list(unmet)
            if value < rules.score_threshold:
                problems.insert(0, f"{rules.score_name} {value} is below {rules.score_threshold}")
            if state.discharge_earliest and self.clock.now() < state.discharge_earliest:
                problems.insert(0, f"minimum observation of {self.protocol.observation.minimum_minutes} min not over")
            if problems and override is None:
                raise InputError(
                    "override_reason",
                    "Discharge criteria not met: " + "; ".join(problems) + ".",
                    "Wait, or record the prescriber's override with a reason.",
                )
            return {
                "score": value,
                "criteria": {c.id: bool(criteria.get(c.id)) for c in rules.criteria},
                "unmet": problems,
                "override_reason": override if problems else None,
            }

        return self._append(session_id, by, E.DISCHARGED, build)

    def abandon(self, session_id: str, reason: str, by: str) -> SessionState:
        why = _required(reason, "reason", "why the session ends without treatment")
        return self._append(session_id, by, E.ABANDONED, lambda _s: {"reason": why})

    def sign(self, session_id: str, by: str) -> SessionState:
        return self._append(session_id, by, E.SIGNED, lambda _s: {"meaning": "administered"})

    def correct(self, session_id: str, event_id: str, reason: str, note: str, by: str) -> SessionState:
        """A correction names the entry it corrects and why; the original stays in the record."""
        why = _required(reason, "reason", "why the entry is corrected")
        what = _required(note, "note", "what the correct information is")

        def build(state: SessionState) -> dict[str, Any]:
            if event_id not in {e.id for e in state.events}:
                raise NotAllowedError("That entry is not part of this session.", "Choose an entry from this session.")
            return {"note": what}

        return self._append(session_id, by, E.CORRECTED, build, corrects=event_id, reason=why)
