"""A made-up clinic history written in bulk: the plan (``core.history.plan``) recorded as ``Care`` would have
recorded it, record by record and line by line, but inserted many rows at a time.

Every session is a copy of a template session ``Care`` recorded (``core.history.sessions``); registrations,
contact routes, course orders, days not given and outcome forms are built as ``Care`` builds them, with the
same content hashes; and every record gets the audit lines ``Care`` writes for it, in the order they would
have been written (by the moment each was saved, sessions on different chairs interleaved), chained after
the trail's head through ``core.audit.chained_rows``. So ``audit.verify`` passes on a history as on care
recorded by hand, and every session replays (``derive_state``) to a signed one.

Work is done a day at a time, so memory stays small for a ten-year history: each day's records are made,
put in the order they were saved, and written with the day's audit lines once enough have gathered.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from operator import itemgetter
from typing import Any

from core import audit, records
from core import event_data as d
from core.audit import AuditAction, BulkLine
from core.content_hashes import (
    course_content,
    details_content,
    patient_content,
    patient_event_content,
)
from core.course import CourseView, days_left, place_in_course
from core.events import EventType, PatientEvent
from core.history.plan import CoursePlan, DayPlan, PatientPlan, SittingPlan, plan_history
from core.history.sessions import Copied, Copier, Seat, new_ids, patient_at_signing
from core.history.templates import TemplateLine, templates
from core.outcomes.collector import collector_paused
from core.outcomes.contact import checked_route
from core.outcomes.forms import scored_forms
from core.outcomes.windows import CourseSpan, place
from core.persistence.db import Database
from core.promis import shipped
from core.protocol import Protocol
from core.protocol_shelf import ProtocolShelf
from core.record_values import DetailsRecord, PatientRecord, SessionSummary
from core.unit_of_work import UnitOfWork

PRESCRIBER = "Dr Demo Prescriber (made up)"
FLUSH_LINES = 40_000
"""Audit lines gathered before they and their records are written, in one transaction."""
_PLAIN = re.compile(r"[0-9A-Za-z._ -]*")
"""Text JSON writes as it is, between its quotes, in both forms (canonical and stored): an id, a kind, a hash."""
_WRITTEN, _SIGNATURE = AuditAction.RECORD_WRITTEN.value, AuditAction.SIGNATURE.value
_Unit = tuple[datetime, float, Callable[[], None]]
"""What one transaction of care wrote, at the moment it was saved (ties kept in the order made)."""
_saved = itemgetter(0, 1)
"""A unit's place in its day: the moment it was saved, then the order it was made in."""
_MISSED = ("Patient did not come", "Patient unwell, stayed at home", "Patient declined today's infusion")
_CANCELLED = ("No second nurse available", "Drug supply delayed", "Infusion pump fault, no spare")


@dataclass
class HistorySummary:
    """What was written: counts as a report would count them, and the days the history spans."""

    first_day: date
    last_day: date
    patients: int = 0
    courses: int = 0
    sessions: int = 0
    by_outcome: Counter[str] = field(default_factory=Counter)
    days_missed: int = 0
    days_cancelled: int = 0
    adverse_events: int = 0
    assessments: int = 0
    events: int = 0
    patient_events: int = 0
    audit_lines: int = 0


@dataclass
class _Patient:
    """What the history knows of one patient while it is written: who, her last weighing, the next place on
    her own stream, and her courses so far with the moments their infusions began."""

    plan: PatientPlan
    record: PatientRecord
    signing: dict[str, str]
    previous: tuple[Decimal, str] | None = None
    next_seq: int = 1
    courses: list[tuple[CourseView, list[tuple[datetime, date]]]] = field(default_factory=list)


_SIGNED_KIND = EventType.SIGNED.value


@dataclass
class _Batch:
    """Records made and not yet written, with their audit lines in the order they were saved."""

    patients: list[PatientRecord] = field(default_factory=list)
    details: list[DetailsRecord] = field(default_factory=list)
    courses: list[CourseView] = field(default_factory=list)
    sessions: list[SessionSummary] = field(default_factory=list)
    event_rows: list[tuple[Any, ...]] = field(default_factory=list)
    """Each entry as its row (``records.EVENT_COLUMNS``)."""
    vital_rows: list[tuple[Any, ...]] = field(default_factory=list)
    """Each set of vitals as its row (``records.VITAL_COLUMNS``)."""
    patient_events: list[tuple[PatientEvent, str]] = field(default_factory=list)
    lines: list[BulkLine] = field(default_factory=list)
    utc_texts: dict[tuple[datetime, int], str] = field(default_factory=dict)
    """Entries' times as their hashes wrote them (``records.insert_history``'s ``utc_texts``)."""
    schedule_points: list[dict[str, Any]] = field(default_factory=list)
    """Signed sessions' scheduled points, each with its session's signature (as ``Work.append`` keeps them)."""


def build_history(
    database: Database,
    protocol: Protocol,
    *,
    nurses: Sequence[str],
    start: date,
    end: date,
    patients: int,
    seed: int = 16,
    workstation: str = "history",
) -> HistorySummary:
    """Write a made-up history of ``patients`` patients first seen from ``start`` until ``end`` (nothing is
    recorded on or after ``end``'s local midnight), cared for by ``nurses`` (account ids, who must exist),
    deterministic for ``seed``. Meant for demo and benchmark databases only: every person is made up, with
    record numbers ``DEMO-H…``."""
    plan = plan_history(
        shipped(),
        tuple(protocol.outcomes.forms),
        start=start,
        end=end,
        patients=patients,
        seed=seed,
        nurses=len(nurses),
        days=protocol.course.sessions,
    )
    writer = _Writer(database, protocol, list(nurses), seed, workstation, HistorySummary(start, end))
    # One connection, its batches written at a time; a new database's indexes made once, after the rows. The
    # cycle collector is held off meanwhile: its full passes walked every record and line of a batch held
    # alive (a seventh of the demo's fill) and found nothing, as records, entries and lines are trees.
    with collector_paused(), database.writing_alone(), database.indexed_after(records.HISTORY_TABLES):
        writer.write(plan)
    # Each course's row for the outcome report, all at once from the sessions written (a course's sessions
    # may span batches), as the write path makes one per record.
    with collector_paused(), writer.door.writing() as work:
        records.write_all_course_facts(work.tx)
    return writer.summary


class _Writer:
    def __init__(
        self,
        database: Database,
        protocol: Protocol,
        nurses: list[str],
        seed: int,
        workstation: str,
        summary: HistorySummary,
    ) -> None:
        self.database = database
        self.protocol = protocol
        self.nurses = nurses
        self.workstation = workstation
        self.summary = summary
        self.copier = Copier(protocol, templates(protocol))
        draw = random.Random(seed * 7919 + 1).getrandbits
        self.ids = new_ids(lambda: draw(128))
        self.batch = _Batch()
        self.tables = shipped()
        self.door = UnitOfWork(database, lambda: datetime.combine(summary.first_day, time(0)).astimezone(), workstation)

    def _id(self) -> str:
        return next(self.ids)

    # ---- order: each day's work, every record in the order it was saved ------------------------------

    def write(self, plan: Sequence[PatientPlan]) -> None:
        tasks: list[tuple[date, int, int, Any]] = []
        for order, patient in enumerate(plan):
            tasks.append((patient.registered_on, 0, order, ("register", patient)))
            for course in patient.courses:
                tasks.append((course.ordered_on, 1, order, ("order", patient, course)))
                for day in course.days:
                    tasks.append((day.on, 2, order, ("day", patient, course, day)))
                for sitting in course.sittings:
                    tasks.append((sitting.on, 3, order, ("sitting", patient, course, sitting)))
        tasks.sort(key=lambda t: t[:3])
        self._kept_protocol = False
        known: dict[int, _Patient] = {}
        index = 0
        while index < len(tasks):
            today = tasks[index][0]
            units: list[_Unit] = []
            while index < len(tasks) and tasks[index][0] == today:
                _day, _rank, _order, task = tasks[index]
                units.extend(self._units(task, known, len(units)))
                index += 1
            # In the order saved: (moment, order made) is unique, so one sort gives the order a heap would,
            # and a day's units come in runs already in order (a session's entries), which the sort merges.
            units.sort(key=_saved)
            for _at, _n, written in units:
                written()
            if len(self.batch.lines) >= FLUSH_LINES:
                self._flush()
        self._flush()

    def _units(self, task: tuple[Any, ...], known: dict[int, _Patient], counted: int) -> list[_Unit]:
        """The task's records as units saved at a moment each (a unit: what one transaction of care wrote),
        each a list of steps run in that order when the day's units are put in time order."""
        kind = task[0]
        if kind == "register":
            return self._register(task[1], known, counted)
        person = known[task[1].number]
        if kind == "order":
            return self._order(person, task[2], counted)
        if kind == "day":
            return self._day(person, task[2], task[3], counted)
        return self._sitting(person, task[2], task[3], counted)

    def _local(self, on: date, minute: int) -> datetime:
        return datetime.combine(on, time(0)).astimezone() + timedelta(minutes=minute)

    # ---- what each task writes -------------------------------------------------------------------------

    def _register(self, plan: PatientPlan, known: dict[int, _Patient], counted: int) -> list[_Unit]:
        by = self.nurses[plan.number % len(self.nurses)]
        at = self._local(plan.registered_on, 9 * 60 + plan.number % 420)
        record = PatientRecord(self._id(), plan.mrn, plan.family_name, plan.given_name, plan.birth_date, at, by)
        signing = patient_at_signing(plan.mrn, plan.family_name, plan.given_name, plan.birth_date.isoformat())
        person = known[plan.number] = _Patient(plan, record, signing)

        def registered() -> None:
            self.batch.patients.append(record)
            self.summary.patients += 1
            self._line(
                at, by, AuditAction.PATIENT_REGISTERED, record.id, None, {"content_hash": patient_content(record)}
            )
            details = DetailsRecord(self._id(), record.id, ("female", "male")[plan.number % 2], "", True, by, at)
            self.batch.details.append(details)
            detail = {"details_id": details.id, "content_hash": details_content(details)}
            self._line(at, by, AuditAction.PATIENT_DETAILS_CONFIRMED, record.id, None, detail)

        def contact() -> None:
            route = checked_route(plan.phone, plan.preferred, None)
            self._patient_event(
                person,
                None,
                EventType.CONTACT,
                at + timedelta(minutes=1),
                at + timedelta(minutes=1),
                by,
                route.to_payload(),
            )

        return [(at, counted, registered), (at + timedelta(minutes=1), counted + 1, contact)]

    def _order(self, person: _Patient, plan: CoursePlan, counted: int) -> list[_Unit]:
        by = self.nurses[(person.plan.number + plan.number) % len(self.nurses)]
        at = self._local(plan.ordered_on, 12 * 60 + person.plan.number % 240)
        course = CourseView(
            self._id(),
            person.record.id,
            PRESCRIBER,
            self.protocol.id,
            self.protocol.version,
            plan.first_day,
            len(plan.days),
            by,
            at,
        )

        def ordered() -> None:
            person.courses.append((course, []))
            self.batch.courses.append(course)
            self.summary.courses += 1
            detail = {"course_id": course.id, "content_hash": course_content(course)}
            self._line(at, by, AuditAction.COURSE_ORDERED, person.record.id, None, detail)

        return [(at, counted, ordered)]

    def _course_of(self, person: _Patient, plan: CoursePlan) -> tuple[CourseView, list[tuple[datetime, date]]]:
        return person.courses[plan.number - 1]

    def _day(self, person: _Patient, plan: CoursePlan, day: DayPlan, counted: int) -> list[_Unit]:
        nurse = self.nurses[day.nurse]
        if day.kind == "absent":
            return []
        if day.kind in ("missed", "cancelled"):
            at = self._local(day.on, 17 * 60 + plan.start_minute % 60)

            def not_given() -> None:
                course, _ = self._course_of(person, plan)
                reasons = _MISSED if day.kind == "missed" else _CANCELLED
                kind = EventType.DAY_MISSED if day.kind == "missed" else EventType.DAY_CANCELLED
                payload = d.DayNotGiven(day.day, day.on.isoformat(), reasons[person.plan.number % len(reasons)])
                self._patient_event(person, course.id, kind, at, at, nurse, payload.to_payload())
                if day.kind == "missed":
                    self.summary.days_missed += 1
                else:
                    self.summary.days_cancelled += 1

            return [(at, counted, not_given)]
        opened_at = self._local(day.on, plan.start_minute)
        units: list[_Unit] = []
        made: dict[str, Copied] = {}

        def copy() -> None:
            course, treated = self._course_of(person, plan)
            place_ = place_in_course(self.protocol, course, day.on, [on for _, on in treated])
            seat = Seat(
                session_id=self._id(),
                patient_id=person.record.id,
                patient=person.signing,
                course=d.CoursePlace(course.id, place_.day, place_.of, tuple(place_.missed)),
                chair=plan.chair,
                nurse_id=nurse,
                checker_id=self.nurses[day.checker],
                weight_kg=day.weight_kg,
                previous=person.previous,
                opened_at=opened_at,
                workstation=self.workstation,
            )
            made["copied"] = copied = self.copier.copy(day.kind, seat, self._id)
            last = copied.summary
            if copied.weighed_kg is not None:
                person.previous = (Decimal(copied.weighed_kg), seat.session_id)
            if copied.started_at is not None and last.outcome in ("completed", "stopped early"):
                treated.append((copied.started_at, day.on))
            self.batch.sessions.append(last)
            self.summary.sessions += 1
            self.summary.events += len(copied.rows)
            self.summary.by_outcome[last.outcome] += 1
            self.summary.adverse_events += copied.adverse_events

        def first() -> None:
            copy()
            self._session_lines(made, 0)

        template = self.copier.kept[day.kind]
        shift = opened_at - template.opened_at
        for n, original in enumerate(template.events):
            at = original.recorded_at + shift
            units.append((at, counted + n, partial(self._session_lines, made, n) if n else first))
        for line in template.lines:  # between the entries it came between (its order a half step before the next)
            actor, at = self.nurses[day.checker] if line.by_checker else nurse, line.at + shift
            units.append((at, counted + line.after - 0.5, partial(self._line_apart, made, line, actor, at)))
        return units

    def _sitting(self, person: _Patient, plan: CoursePlan, sitting: SittingPlan, counted: int) -> list[_Unit]:
        by = self.nurses[(person.plan.number + plan.number + 1) % len(self.nurses)]
        if sitting.mode == "chair":
            # At the chair: before the first infusion (the session opens, the forms are answered while
            # the nurse prepares), or once the last session of the course is over.
            minute = plan.start_minute + (1 if sitting.aim == "baseline" else 100)
            taken_at = recorded_at = self._local(sitting.on, minute)
        else:
            recorded_at = self._local(sitting.on, 15 * 60 + person.plan.number % 120)
            taken_at = datetime.combine(sitting.on + timedelta(days=1), time(0)).astimezone() - timedelta(
                microseconds=1
            )

        def assessed() -> None:
            spans = self._spans(person, recorded_at)
            placed = place(self.protocol.outcomes, spans, taken_at)
            course_id = placed.course_id if placed is not None else (spans[-1].course_id if spans else None)
            forms = scored_forms(self.tables, sitting.answers)
            payload = d.Assessed(
                placed.point_id if placed is not None else None,
                sitting.on.isoformat(),
                sitting.mode,
                "en",
                forms,
                sitting.pain,
            )
            self._patient_event(person, course_id, EventType.ASSESSED, taken_at, recorded_at, by, payload.to_payload())
            self.summary.assessments += 1

        return [(recorded_at, counted, assessed)]

    def _spans(self, person: _Patient, now: datetime) -> list[CourseSpan]:
        """The patient's courses as ``Care.course_spans`` would have read them at ``now``."""
        today = now.astimezone().date()
        ordered = [(c, t) for c, t in person.courses if c.recorded_at <= now]
        spans = []
        for number, (course, treated) in enumerate(ordered, start=1):
            began = sorted(moment for moment, _ in treated if moment <= now)
            days = [moment.astimezone().date() for moment in began]
            replaced = number < len(ordered)
            ended = replaced or days_left(self.protocol, course, today, days) == 0
            spans.append(
                CourseSpan(
                    course.id,
                    course.patient_id,
                    number,
                    course.first_day,
                    course.days,
                    began[0] if began else None,
                    days[-1] if days else None,
                    ended,
                )
            )
        return spans

    # ---- records and their audit lines, as the one door writes them ----------------------------------

    def _line(
        self,
        at: datetime,
        actor: str | None,
        action: AuditAction,
        patient_id: str | None,
        session_id: str | None,
        detail: dict[str, Any],
        texts: tuple[str, str] | None = None,
        at_text: str | None = None,
    ) -> None:
        canonical, stored = texts if texts is not None else (None, None)
        self.batch.lines.append(
            BulkLine(
                at, actor, action.value, self.workstation, patient_id, session_id, detail, canonical, stored, at_text
            )
        )

    def _line_apart(self, made: dict[str, Copied], line: TemplateLine, actor: str, at: datetime) -> None:
        """A template's refusal or alarm silenced, for the copied session, by ``actor`` at ``at``: naming the
        copy's entries where the template's named its own."""
        copied = made["copied"]
        detail = dict(line.detail)
        for key, index in line.entry_keys:
            detail[key] = copied.rows[index][0]
        summary = copied.summary
        self._line(at, actor, AuditAction(line.action), summary.patient_id, summary.id, detail)

    def _session_lines(self, made: dict[str, Copied], n: int) -> None:
        """``Work.append`` for the copied session's ``n``-th entry: the record written, with its hash and the
        summary's, then each signature. Their details are ids, kinds and hashes (text that JSON writes as it
        is), in two shapes: their canonical and stored texts are written out here rather than encoded twice
        for each of millions of lines."""
        copied = made["copied"]
        row, at_text = copied.rows[n], copied.recorded_texts[n]
        content_hash, summary_hash = copied.content_hashes[n], copied.summary_hashes[n]
        batch, workstation, patient_id = self.batch, self.workstation, copied.summary.patient_id
        batch.event_rows.append(row)
        vitals = copied.vital_rows[n]
        if vitals is not None:
            batch.vital_rows.append(vitals)
        event_id, session_id, kind, at, by = row[0], row[1], row[3], row[6], row[7]
        if kind == _SIGNED_KIND:  # the points the signature keeps, in its transaction as Care writes them
            batch.schedule_points += records.schedule_point_rows(session_id, copied.points)
        detail = {"event_id": event_id, "type": kind, "content_hash": content_hash, "summary_hash": summary_hash}
        canonical = stored = None
        if _PLAIN.fullmatch(event_id) and _PLAIN.fullmatch(kind):
            canonical = (
                f'{{"content_hash":"{content_hash}","event_id":"{event_id}","summary_hash":"{summary_hash}",'
                f'"type":"{kind}"}}'
            )
            stored = (
                f'{{"event_id": "{event_id}", "type": "{kind}", "content_hash": "{content_hash}", '
                f'"summary_hash": "{summary_hash}"}}'
            )
        batch.utc_texts[(at, at.fold)] = at_text
        batch.lines.append(
            BulkLine(at, by, _WRITTEN, workstation, patient_id, session_id, detail, canonical, stored, at_text)
        )
        for entry in copied.payloads[n].get("signatures", ()):
            meaning, signed_hash = entry["meaning"], entry["signed_hash"]
            signed = {"event_id": event_id, "meaning": meaning, "signed_hash": signed_hash}
            canonical = stored = None
            if _PLAIN.fullmatch(event_id) and _PLAIN.fullmatch(meaning) and _PLAIN.fullmatch(signed_hash):
                canonical = f'{{"event_id":"{event_id}","meaning":"{meaning}","signed_hash":"{signed_hash}"}}'
                stored = f'{{"event_id": "{event_id}", "meaning": "{meaning}", "signed_hash": "{signed_hash}"}}'
            batch.lines.append(
                BulkLine(
                    at,
                    entry["signer_id"],
                    _SIGNATURE,
                    workstation,
                    patient_id,
                    session_id,
                    signed,
                    canonical,
                    stored,
                    at_text,
                )
            )

    def _patient_event(
        self,
        person: _Patient,
        course_id: str | None,
        kind: EventType,
        occurred_at: datetime,
        recorded_at: datetime,
        by: str,
        payload: dict[str, Any],
    ) -> None:
        """``Work.append_to_patient``: the record on the patient's own stream and its line."""
        event = PatientEvent(
            id=self._id(),
            patient_id=person.record.id,
            course_id=course_id,
            seq=person.next_seq,
            type=kind,
            occurred_at=occurred_at,
            recorded_at=recorded_at,
            recorded_by=by,
            workstation=self.workstation,
            payload=payload,
        )
        person.next_seq += 1
        self.batch.patient_events.append((event, records.stored_json(payload)))
        self.summary.patient_events += 1
        detail: dict[str, Any] = {
            "event_id": event.id,
            "type": event.type,
            "content_hash": patient_event_content(event),
        }
        if course_id is not None:
            detail["course_id"] = course_id
        self._line(recorded_at, by, AuditAction.RECORD_WRITTEN, person.record.id, None, detail)

    def _flush(self) -> None:
        batch, self.batch = self.batch, _Batch()
        if not batch.lines:
            return
        with self.door.writing() as work:
            if not self._kept_protocol:
                ProtocolShelf(self.protocol).keep(work.tx, batch.lines[0].at)
                self._kept_protocol = True
            lines = audit.chained_rows(work.tx, batch.lines)
            records.insert_history(
                work.tx,
                patients=batch.patients,
                details=batch.details,
                courses=batch.courses,
                sessions=batch.sessions,
                event_rows=batch.event_rows,
                vital_rows=batch.vital_rows,
                patient_events=batch.patient_events,
                audit_rows=lines,
                utc_texts=batch.utc_texts,
                schedule_points=batch.schedule_points,
            )
        self.summary.audit_lines += len(batch.lines)
