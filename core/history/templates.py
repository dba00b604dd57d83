"""Sessions recorded once through ``Care`` on a scratch database, for a made-up history to copy.

A made-up history must hold what nurses would have recorded, entry for entry: the quickest way to be sure of
that is to let ``Care`` record one session of each kind (completed: plainly, with mild effects, after an act-now
alarm, or after the checks caught a slip; stopped early by the patient, stopped for an adverse event, not
treated after screening, abandoned before the infusion), on a ``ManualClock``,
into a temporary SQLite file with accounts of its own, and keep their entries. ``core.history.sessions``
then copies them for each session of the history with its own ids, times, patient, course and weight.
Recorded once per protocol and process (a few hundred milliseconds).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher

from core import passwords, records
from core.accounts import Accounts
from core.attention import needs
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.dosing import pump_order
from core.events import Event
from core.identify import Identified
from core.machine import Outcome, Step
from core.people import Account, Role
from core.persistence.db import Database, open_database, sqlite_url
from core.protocol import Protocol
from core.protocol import VitalKind as V
from core.refusals import SameNurse
from core.session_state import derive_state
from core.views import SilencedAlarm

KINDS = (
    "completed",
    "completed_mild",
    "completed_alarm",
    "completed_caught",
    "stopped",
    "stopped_ae",
    "not_treated",
    "abandoned",
)
"""The kinds of session a history is made of (``core.history.plan`` chooses among them)."""

_PASSWORD = "scratch template password 1"
_SCREEN_OK = {
    **dict.fromkeys(("cardiovascular", "psychosis", "liver", "raised_pressure", "substance_misuse", "allergy"), "no"),
    **dict.fromkeys(("pregnancy", "cardiac", "substance", "no_escort"), "no"),
}
_DISCHARGE_OK = {"escort": True, "instructions": True, "effects_resolved": True}
_START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class TemplateLine:
    """An audit line the template session wrote apart from its entries: a refusal (a near miss the rules
    caught) or an alarm silenced. A copy writes it at the same place among its entries, moved in time as they
    are, in the name of the copy's nurse or second nurse."""

    after: int
    """How many of the session's entries were recorded before it."""
    at: datetime
    action: str
    by_checker: bool
    detail: dict[str, Any]
    entry_keys: tuple[tuple[str, int], ...]
    """The detail's keys whose value is one of the session's entries (by its index): the copy's entry's id
    goes in its place (an alarm silenced names the act-now alert's entry)."""


@dataclass(frozen=True)
class Template:
    """One session as ``Care`` recorded it, and what its copies must replace: the ids of the nurse who gave
    care, the second nurse (check and witness), the patient, the course and the session; and after each
    entry, where the session stood (step, outcome, still open)."""

    kind: str
    events: tuple[Event, ...]
    after: tuple[tuple[str, str, bool], ...]
    nurse_id: str
    checker_id: str
    patient_id: str
    course_id: str
    session_id: str
    opened_at: datetime
    lines: tuple[TemplateLine, ...] = ()

    @property
    def outcome(self) -> str:
        return self.after[-1][1]


_KEPT: dict[str, dict[str, Template]] = {}


def templates(protocol: Protocol) -> dict[str, Template]:
    """One template session per kind (``KINDS``), recorded under ``protocol``; kept for the process."""
    found = _KEPT.get(protocol.content_hash)
    if found is None:
        found = _KEPT[protocol.content_hash] = _record(protocol)
    return found


def _record(protocol: Protocol) -> dict[str, Template]:
    cheap = passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    try:
        with tempfile.TemporaryDirectory(prefix="chairside-templates-") as folder:
            database = open_database(sqlite_url(Path(folder) / "templates.sqlite"), create=True)
            try:
                with database.filling():  # a scratch file: nothing in it needs to survive a power cut
                    return _recorded(database, protocol)
            finally:
                database.dispose()
    finally:
        passwords.use_hasher(cheap)


def _recorded(database: Database, protocol: Protocol) -> dict[str, Template]:
    clock = ManualClock(_START)
    care = Care(database, protocol, clock, workstation="template")
    accounts = Accounts(database, clock, "template")
    admin = accounts.create_first_administrator("Template Admin", "tadmin", _PASSWORD, _PASSWORD)
    nurse = accounts.add(admin.id, "Template Nurse", "tnurse", Role.NURSE, _PASSWORD)
    checker = accounts.add(admin.id, "Template Checker", "tcheck", Role.NURSE, _PASSWORD)
    for account in (nurse, checker):
        accounts.change_password(account.id, _PASSWORD, _PASSWORD + "x", _PASSWORD + "x")
    found: dict[str, Template] = {}
    for number, kind in enumerate(KINDS):
        clock.advance(_START + timedelta(days=number) - clock.now())
        patient = care.register_patient(
            f"TEMPLATE-{number}", "Template", f"Patient {number}", "1970-01-01", nurse.id, confirm_new=True
        )
        today = clock.now().astimezone().date().isoformat()
        care.record_course(patient.id, "Dr Template", today, str(protocol.course.sessions), nurse.id)
        state = care.open_session(patient.id, 1, nurse.id, Identified(name=True, birth_date="1970-01-01"))
        script = _Script(care, clock, state.session_id, nurse, checker, patient.id)
        for _ in getattr(script, kind)():
            pass
        events = care.state(state.session_id).events
        after = []
        for index in range(1, len(events) + 1):
            reached = derive_state(protocol, list(events[:index]), events[index - 1].recorded_at)
            after.append((reached.step.value, reached.outcome.value, reached.step.active))
        if after[-1][0] != Step.DONE.value or after[-1][1] == Outcome.IN_PROGRESS.value:
            raise RuntimeError(f"the {kind} template did not end signed")
        first = events[0]
        lines = _lines_apart(care, state.session_id, events, checker.id, clock.now())
        found[kind] = Template(
            kind,
            tuple(events),
            tuple(after),
            nurse.id,
            checker.id,
            patient.id,
            first.payload["course"]["id"],
            state.session_id,
            first.occurred_at,
            lines,
        )
    return found


APART = (AuditAction.REFUSED.value, AuditAction.ALARM_SILENCED.value)
"""The audit lines a template's copies write apart from their entries."""


def _lines_apart(
    care: Care, session_id: str, events: Sequence[Event], checker_id: str, until: datetime
) -> tuple[TemplateLine, ...]:
    """The session's refusals and alarms silenced, each placed after the entries whose lines came before it
    in the trail."""
    index = {event.id: n for n, event in enumerate(events)}
    actions = (*APART, AuditAction.RECORD_WRITTEN.value)
    with care.door.reading() as tx:
        trail = records.audit_lines_between(tx, actions, events[0].recorded_at, until + timedelta(seconds=1))
    found, written = [], 0
    for line in trail:
        if line.session_id != session_id:
            continue
        if line.action == AuditAction.RECORD_WRITTEN.value:
            written += 1
            continue
        keys = tuple((key, index[value]) for key, value in line.detail.items() if value in index)
        found.append(TemplateLine(written, line.at, line.action, line.actor_id == checker_id, line.detail, keys))
    return tuple(found)


@dataclass
class _Script:
    """The steps of each kind of session, as the demo day records them, a few minutes apart."""

    care: Care
    clock: ManualClock
    sid: str
    nurse: Account
    checker: Account
    patient_id: str

    def _wait(self, minutes: int) -> None:
        self.clock.advance(minutes=minutes)

    def _vitals(self, drift: int = 0, **given: int) -> None:
        values = {
            V.SYSTOLIC: 124 + 3 * drift,
            V.DIASTOLIC: 78 + 2 * drift,
            V.HEART_RATE: 72 + 2 * drift,
            V.RESPIRATORY_RATE: 14,
            V.SPO2: 98,
            V.SEDATION: 0,
        }
        values.update({V(kind): value for kind, value in given.items()})
        self.care.record_vitals(self.sid, {k: str(v) for k, v in values.items()}, self.nurse.id)

    def _dose_confirmed(self) -> None:
        """Screened, weighed, the dose confirmed and the first vitals taken: how every session that gets as far
        as the drug begins."""
        care, sid, by = self.care, self.sid, self.nurse.id
        self._wait(2)
        care.screen(sid, _SCREEN_OK, by)
        self._wait(2)
        care.record_weight(sid, "72.4", "kg", by)
        self._wait(2)
        care.confirm_dose(sid, by, vial_id="ketamine-10")
        self._wait(3)
        self._vitals()

    def _prepare(self, caught: bool = False) -> Iterator[None]:
        """``caught``: the second nurse's first check disagrees on the dose, and the first pump reading on the
        rate; each is done again and agrees (near misses the checks caught)."""
        care, sid, by = self.care, self.sid, self.nurse.id
        self._dose_confirmed()
        self._wait(2)
        calc = care.state(sid).dose
        assert calc is not None and self.checker.username is not None
        figures = (str(calc.weight_kg), str(calc.dose_mg), str(calc.rate_ml_per_h))
        if caught:
            assert self.nurse.username is not None
            try:  # the nurse who calculated the dose tries to check it herself: refused, a line in the trail
                care.record_check(sid, self.nurse.username, _PASSWORD + "x", *figures)
            except SameNurse:
                pass
            else:
                raise RuntimeError("a nurse checked her own dose")
            self._wait(1)
            slipped = (figures[0], str(calc.dose_mg + 10), figures[2])
            care.record_check(sid, self.checker.username, _PASSWORD + "x", *slipped)
            self._wait(2)
        care.record_check(sid, self.checker.username, _PASSWORD + "x", *figures)
        self._wait(1)
        state = care.record_drawn(sid, "HIST-LOT", str(calc.drug_volume_ml), by)
        for vial in state.controlled.vials:
            if vial.may_return:
                care.return_to_stock(sid, vial.drawn.event_id, by)
        self._wait(2)
        order = pump_order(care.protocol, calc)
        if caught:
            care.record_pump(sid, str(order.rate_ml_per_h * 10), str(order.vtbi_ml), by)
            self._wait(1)
        care.record_pump(sid, str(order.rate_ml_per_h), str(order.vtbi_ml), by)
        care.start_infusion(sid, by)
        yield

    def _observe(self, effects: dict[str, str]) -> None:
        self._wait(1)
        self._vitals()
        self.care.record_side_effects(self.sid, effects, self.nurse.id)
        for wait in (14, 15):
            self._wait(wait)
            self._vitals()
        self._wait(1)
        self.care.record_side_effects(self.sid, dict.fromkeys(effects, "none"), self.nurse.id)

    def _finish(self, score: str = "10") -> None:
        self._wait(1)
        self.care.discharge(self.sid, score, _DISCHARGE_OK, self.nurse.id, _PASSWORD + "x")
        self._wait(4)
        seen = self.care.state(self.sid).events[-1].seq
        self.care.sign(self.sid, self.nurse.id, _PASSWORD + "x", seen_seq=seen)

    def _waste(self) -> None:
        left = self.care.state(self.sid).controlled.left_to_account_mg
        assert left is not None and self.checker.username is not None
        self.care.record_waste(
            self.sid,
            str(left),
            "Rest of the bag into the controlled-drug waste container",
            self.nurse.id,
            _PASSWORD + "x",
            self.checker.username,
            _PASSWORD + "x",
        )

    def _alarm(self) -> None:
        """An act-now alarm ten minutes in (systolic 185), acknowledged three minutes later: the infusion
        paused and the prescriber told; resumed two minutes later, every later set on the infusion's clock."""
        self._vitals(1, systolic=185)
        state = self.care.state(self.sid)
        alert = state.open_alerts[0].event_id
        self._wait(1)
        need = next(need for need in needs(state) if need.key == alert)
        silenced = SilencedAlarm(1, need.priority.value, need.text, self.patient_id, self.sid, need.key)
        self.care.record_alarm_silenced(self.nurse.id, [silenced], 2)
        self._wait(2)
        symptoms = {question.id: "no" for question in self.care.protocol.alert_response.symptoms}
        self.care.acknowledge_alert(self.sid, alert, ["pause", "notify"], symptoms, self.nurse.id, "BP rechecked")
        self._wait(2)
        self.care.resume(self.sid, self.nurse.id)

    def _infuse(self, mild: bool = False, alarm: bool = False, late: bool = False) -> None:
        """``late``: the second set taken seven minutes after it fell (the protocol calls it overdue at five),
        the third on time again."""
        for n in range(1, 4):
            wait = 7 if alarm and n == 2 else 10  # after the alarm's pause, on the infusion's clock
            self._wait(wait + (7 if late and n == 2 else -7 if late and n == 3 else 0))
            if alarm and n == 1:
                self._alarm()
                continue
            self._vitals(n, **({"systolic": 152} if mild and n == 2 else {}))
            if n == 2:
                grades = (
                    {"nausea": "mild", "dissociation": "mild"} if mild else {"nausea": "none", "dissociation": "none"}
                )
                self.care.record_side_effects(self.sid, grades, self.nurse.id)
        self._wait(10)
        self.care.complete(self.sid, self.nurse.id)

    def completed(self) -> Iterator[None]:
        yield from self._prepare()
        self._infuse()
        self._observe({"nausea": "none", "dissociation": "none"})
        self._finish()

    def completed_mild(self) -> Iterator[None]:
        yield from self._prepare()
        self._infuse(mild=True)
        self._observe({"nausea": "mild", "dizziness": "mild", "dissociation": "none"})
        self._finish()

    def completed_alarm(self) -> Iterator[None]:
        yield from self._prepare()
        self._infuse(alarm=True)
        self._observe({"nausea": "none", "dissociation": "none"})
        self._finish()

    def completed_caught(self) -> Iterator[None]:
        yield from self._prepare(caught=True)
        self._infuse(late=True)
        self._observe({"nausea": "none", "dissociation": "none"})
        self._finish()

    def stopped(self) -> Iterator[None]:
        yield from self._prepare()
        self._wait(10)
        self._vitals(1)
        self._wait(6)
        self.care.record_side_effects(self.sid, {"dissociation": "moderate", "anxiety": "moderate"}, self.nurse.id)
        self._wait(2)
        reason = "Distressing dissociation and anxiety; patient asked to stop. Prescriber informed."
        self.care.stop_early(self.sid, reason, self.nurse.id)
        self._observe({"dissociation": "mild", "anxiety": "none"})
        self._wait(1)
        self._waste()
        self._finish("9")

    def stopped_ae(self) -> Iterator[None]:
        yield from self._prepare()
        self._wait(10)
        self._vitals(1)
        self._wait(4)
        state = self.care.record_side_effects(self.sid, {"vomiting": "severe", "nausea": "moderate"}, self.nurse.id)
        source = state.events[-1].id
        self._wait(1)
        reason = "Severe vomiting during the infusion; infusion stopped, prescriber informed."
        self.care.stop_early(self.sid, reason, self.nurse.id)
        self._wait(2)
        self.care.record_adverse_event(
            self.sid,
            source,
            "vomiting",
            "Infusion stopped; antiemetic given as prescribed; stayed with the patient.",
            "The prescriber, by phone, at once",
            self.nurse.id,
        )
        self._observe({"vomiting": "mild", "nausea": "mild"})
        self._wait(1)
        self._waste()
        self._finish("9")

    def not_treated(self) -> Iterator[None]:
        self._wait(2)
        answers = {**_SCREEN_OK, "pregnancy": "unknown"}
        self.care.screen(self.sid, answers, self.nurse.id, confirm_stop=True)
        self._wait(3)
        seen = self.care.state(self.sid).events[-1].seq
        self.care.sign(self.sid, self.nurse.id, _PASSWORD + "x", seen_seq=seen)
        yield

    def abandoned(self) -> Iterator[None]:
        care, sid, by = self.care, self.sid, self.nurse.id
        self._dose_confirmed()
        self._wait(11)
        care.abandon(sid, "IV access not obtained after two attempts; rebooked with the vascular access team.", by)
        self._wait(2)
        seen = care.state(sid).events[-1].seq
        care.sign(sid, by, _PASSWORD + "x", seen_seq=seen)
        yield
