"""A template session (``core.history.templates``) copied for one session of a made-up history: new ids,
times, patient, course, chair and nurses, and every figure that follows from the day's weight worked out
again by the same rules ``Care`` uses (``core.dosing``, ``core.screening``), so the copy replays
(``core.session_state.derive_state``) to a signed session whose signatures cover exactly its entries.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cached_property
from json.encoder import encode_basestring
from typing import Any

from core import event_data as d
from core.dosing import (
    DoseCalculation,
    calculate_dose,
    check_mismatches,
    check_weight,
    parse_check_figures,
    parse_pump_reading,
    parse_weight,
    pump_mismatches,
    pump_order,
    round_to,
    weight_change_percent,
)
from core.events import Event
from core.events import EventType as E
from core.hashing import canonical_json, utc_moment
from core.history.templates import Template
from core.protocol import Protocol
from core.record_values import SessionSummary
from core.records import EVENT_COLUMNS, set_values, stored_json
from core.schedule_points import ScheduledPoint, replayed
from core.screening import screening_record
from core.session_state import RECHECK, derive_state
from core.signatures import identifiers

EVERY_ANSWER_NO = "no"


def _text(value: str | None) -> str:
    """A text field as ``canonical_json`` writes it (``None`` is ``null``)."""
    return "null" if value is None else encode_basestring(value)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Seat:
    """Who and where a copied session is: the patient as a signature covers them, the course and the day's
    place in it, the chair, the nurses, and the patient's weighing before this one (kg, session), if any."""

    session_id: str
    patient_id: str
    patient: Mapping[str, str]
    course: d.CoursePlace
    chair: int
    nurse_id: str
    checker_id: str
    weight_kg: Decimal
    previous: tuple[Decimal, str] | None
    opened_at: datetime
    workstation: str


@dataclass(frozen=True)
class Copied:
    """A copied session: each entry as the row ``core.records.insert_history`` writes (``EVENT_COLUMNS``:
    kinds, payloads and ids as text, times as UTC ``datetime``), its payload, its hashes, its time as text and
    its set of vitals' row; the summary row at the end; and what the history reads of it. The entries as
    ``Event`` values are made only when asked for (``events``): a history writes rows."""

    rows: list[tuple[Any, ...]]
    payloads: list[dict[str, Any]]
    content_hashes: list[str]
    """Each entry's ``core.content_hashes.event_content``."""
    summary_hashes: list[str]
    """The session's ``summary_content`` after each entry."""
    summary: SessionSummary
    recorded_texts: list[str]
    """Each entry's ``recorded_at`` as ``core.hashing.utc_moment`` writes it (its audit line's time too)."""
    vital_rows: list[tuple[Any, ...] | None]
    """Each entry's ``vital_set`` row (``VITAL_COLUMNS``), for a set of vitals; else ``None``."""
    weighed_kg: str | None
    """The weight recorded (the payload's ``kg``), if the session weighed the patient."""
    started_at: datetime | None
    """When the infusion first began, if it did."""
    adverse_events: int
    points: tuple[ScheduledPoint, ...] = ()
    """The session's scheduled points as its signature keeps them (``core.schedule_points``)."""

    @property
    def payload_texts(self) -> list[str]:
        """Each entry's payload as its column stores it (``core.records.stored_json``)."""
        return [row[_PAYLOAD] for row in self.rows]

    @cached_property
    def events(self) -> list[Event]:
        """The entries as values, for a reader that wants them (a test, a check): made from the rows."""
        return [_event(row, payload) for row, payload in zip(self.rows, self.payloads, strict=True)]


def _event(row: tuple[Any, ...], payload: dict[str, Any]) -> Event:
    """An entry's row (``EVENT_COLUMNS``) as the value ``Care`` made."""
    return Event(
        id=row[0],
        session_id=row[1],
        seq=row[2],
        type=E(row[3]),
        occurred_at=row[5],
        recorded_at=row[6],
        recorded_by=row[7],
        workstation=row[8],
        payload=payload,
        corrects=row[9],
        reason=row[10],
    )


_ROW = ("id", "session_id", "seq", "type", "payload", "occurred_at", "recorded_at", "recorded_by", "workstation")
_ROW += ("corrects", "reason")
"""The order ``Copier.copy`` makes an entry's row in (and ``_event`` reads it in)."""
if _ROW != EVENT_COLUMNS:
    raise RuntimeError(f"the copier makes entries' rows in an order the table no longer has: {EVENT_COLUMNS}")
_PAYLOAD = EVENT_COLUMNS.index("payload")
_WEIGHED_KIND, _STARTED_KIND, _ADVERSE_KIND = E.WEIGHED.value, E.STARTED.value, E.ADVERSE_EVENT.value


# How a copy's payload is made from its template entry's (``Copier._payload``).
_KEPT = "kept"
"""The template's own payload, the same in every copy."""
_OPENED, _OPENED_WITH_COURSE, _SCREENED, _WEIGHED, _DOSED, _CHECKED = (
    "opened",
    "opened with course",
    "screened",
    "weighed",
    "dosed",
    "checked",
)
_DRAWN, _RETURNED, _PUMP, _STOPPED, _WASTED, _SIGNED, _REMAPPED, _SIGNED_ENTRY = (
    "drawn",
    "returned",
    "pump",
    "stopped",
    "wasted",
    "signed",
    "remapped",
    "signed entry",
)
_HOW = {
    E.OPENED: _OPENED,
    E.SCREENED: _SCREENED,
    E.WEIGHED: _WEIGHED,
    E.DOSE_CALCULATED: _DOSED,
    E.CHECKED: _CHECKED,
    E.DRAWN: _DRAWN,
    E.RETURNED: _RETURNED,
    E.PUMP_PROGRAMMED: _PUMP,
    E.STOPPED_EARLY: _STOPPED,
    E.WASTED: _WASTED,
    E.SIGNED: _SIGNED,
}


@dataclass(frozen=True)
class _Step:
    """One entry of a template, and what every copy of it shares: how its payload is made (``how``, from
    ``given``, what the template entry says that the copy needs), the payload without its signatures and its
    two texts, who signed it and meaning what, and its fixed fields as canonical text (``type``, ``reason``,
    the session's state after it)."""

    original: Event
    kind: str
    how: str
    given: Any
    payload: dict[str, Any]
    stored: str
    canonical: str
    signatures: tuple[tuple[str, str], ...]
    at_once: bool
    """Saved when it happened (``occurred_at`` is ``recorded_at``)."""
    seq: int
    type: str
    reason: str
    active: str
    outcome: str
    step: str
    kind_value: str
    """The entry's kind as its column stores it."""
    in_utc: bool
    """Its times are in UTC (as ``Care`` reads them back), so a copy's, moved by a ``timedelta``, are too."""
    set_values: tuple[Any, ...] | None
    """For a set of vitals, its row's values after who took it and when (``core.records.set_values``): the
    same in every copy, as the set's payload and whether the infusion had begun before it are the template's."""


def _given(how: str, original: Event, template: Template) -> Any:
    """What a template entry says that its copies need, read once (``Copier._payload``)."""
    if how is _OPENED:
        return original.data_as(d.Opened)
    if how is _DOSED:
        return original.data_as(d.DoseCalculated).calculation.vial_id
    if how is _DRAWN:
        return original.data_as(d.DrugDrawn).lot
    if how is _RETURNED:
        return original.data_as(d.DrugReturned)
    if how is _STOPPED:
        started = next(e for e in template.events if e.type is E.STARTED)
        return original.data_as(d.StoppedEarly), original.occurred_at - started.occurred_at
    if how is _WASTED:
        return original.data_as(d.DrugWasted)
    if how is _CHECKED:
        return _check_slip(original, template)
    if how is _PUMP:
        return _pump_slip(original)
    return None


def _template_dose(template: Template) -> DoseCalculation:
    dosed = next(e for e in template.events if e.type is E.DOSE_CALCULATED)
    return dosed.data_as(d.DoseCalculated).calculation


def _check_slip(original: Event, template: Template) -> tuple[Decimal, Decimal, Decimal] | None:
    """How far the second nurse's figures were from the calculation (weight, dose, rate), where they
    disagreed: a copy's checker is as far from its own calculation. None where she agreed (most checks)."""
    checked = original.data_as(d.Checked)
    if not checked.mismatches:
        return None
    calc, figures = _template_dose(template), checked.figures
    return (
        figures.weight_kg - calc.weight_kg,
        figures.dose_mg - calc.dose_mg,
        figures.rate_ml_per_h - calc.rate_ml_per_h,
    )


def _pump_slip(original: Event) -> tuple[Decimal, Decimal] | None:
    """How many times the order the pump was read at (rate, VTBI), where the reading disagreed: a copy's pump
    is misread by as much (a slip of the decimal point stays one). None where it agreed."""
    programmed = original.data_as(d.PumpProgrammed)
    if not programmed.mismatches:
        return None
    order, reading = programmed.order, programmed.read
    return reading.rate_ml_per_h / order.rate_ml_per_h, reading.vtbi_ml / order.vtbi_ml


class Copier:
    """Copies templates under one protocol; what never changes between copies is worked out once."""

    def __init__(self, protocol: Protocol, kept: Mapping[str, Template]) -> None:
        self.protocol = protocol
        self.kept = kept
        self._screened: dict[tuple[str, bool], dict[str, Any]] = {}
        self.by_weight: dict[tuple[Any, ...], Any] = {}
        """What follows from a weight alone (the dose, the pump's order, the draw-up), worked out once each."""
        self._holds_ids: dict[tuple[str, int], bool] = {}
        self._steps: dict[str, list[_Step]] = {}
        self._states: dict[tuple[str, str, bool], tuple[str, str, str]] = {}
        self._protocol = canonical_json([protocol.id, protocol.version, protocol.content_hash])
        self._kept_texts: dict[int, tuple[dict[str, Any], str, str]] = {}
        """The texts of payloads every copy shares (a template's entry as it was, a screening, a dose…)."""
        self._points: dict[str, tuple[ScheduledPoint, ...]] = {}
        """Each template's scheduled points as its signature kept them, replayed once."""

    def copy(self, kind: str, seat: Seat, new_id: Callable[[], str]) -> Copied:
        """The session's entries, each entry's content hash and its summary row's hash after it (as
        ``Work.append`` writes them in its audit line), and the summary row as it stands at the end."""
        template = self.kept[kind]
        steps = self._steps.get(kind)
        if steps is None:
            steps = self._steps[kind] = self._plan(template)
        shift = seat.opened_at - template.opened_at
        ids = {template.session_id: seat.session_id, template.patient_id: seat.patient_id}
        ids |= {template.nurse_id: seat.nurse_id, template.checker_id: seat.checker_id}
        ids |= {event.id: new_id() for event in template.events}
        texts: list[str] = []
        rows: list[tuple[Any, ...]] = []
        payloads: list[dict[str, Any]] = []
        summary_hashes: list[str] = []
        moments: list[str] = []
        vital_rows: list[tuple[Any, ...] | None] = []
        figures = _Figures(self.protocol, seat, self.by_weight)
        if type(seat.chair) is not int:  # only an int is written as its digits
            raise TypeError(f"a chair is a whole number, not {type(seat.chair).__name__}")
        session_id, station = seat.session_id, seat.workstation
        # The summary row's canonical text after each entry (``summary_content``: keys sorted ``active``,
        # ``chair``, ``id``, ``last_seq``, ``opened_at``, ``opened_by``, ``outcome``, ``patient_id``,
        # ``protocol``, ``step``): this copy's values written once, the state's and the entry's seq between.
        row_head = f',"chair":{seat.chair},"id":{_text(session_id)},"last_seq":'
        opened = f',"opened_at":{_text(utc_moment(seat.opened_at))},"opened_by":{_text(seat.nurse_id)},"outcome":'
        row_tail = f',"patient_id":{_text(seat.patient_id)},"protocol":{self._protocol},"step":'
        # An entry's canonical text (``core.signatures.canonical_text``, keys sorted: ``corrects``, ``id``,
        # ``occurred_at``, ``payload``, ``reason``, ``recorded_at``, ``recorded_by``, ``seq``, ``session_id``,
        # ``type``, ``workstation``), this copy's values written once; a test holds it to ``canonical``.
        session_tail = f',"session_id":{_text(session_id)},"type":'
        workstation = f',"workstation":{_text(station)}}}'
        people: dict[str, str] = {}
        weighed_kg: str | None = None
        started_at: datetime | None = None
        began: list[datetime] = []
        adverse = 0

        def first_entry() -> Event:  # the opening, as ``_screening`` reads it the first time
            return _event(rows[0], payloads[0])

        for step in steps:
            original = step.original
            at = original.recorded_at + shift
            occurred = at if step.at_once else original.occurred_at + shift
            if step.in_utc:  # as ``utc_moment`` writes it, without moving it to UTC again
                recorded = at.isoformat("T", "microseconds")
                occurred_text = recorded if step.at_once else occurred.isoformat("T", "microseconds")
            else:
                recorded = utc_moment(at)
                occurred_text = recorded if step.at_once else utc_moment(occurred)
            by = ids.get(original.recorded_by, original.recorded_by)
            by_text = people.get(by) or people.setdefault(by, _text(by))
            corrects = ids.get(original.corrects) if original.corrects else None
            event_id = ids[original.id]
            # Everything but the payload, around it.
            head = f'{{"corrects":{_text(corrects)},"id":{_text(event_id)},"occurred_at":"{occurred_text}","payload":'
            tail = (
                f',"reason":{step.reason},"recorded_at":"{recorded}","recorded_by":{by_text},"seq":{step.seq}'
                f"{session_tail}{step.type}{workstation}"
            )
            if step.how is _KEPT:
                payload, stored, text = step.payload, step.stored, step.canonical
            else:
                payload, kept = self._payload(step, ids, seat, figures, first_entry)
                signatures = step.signatures
                if signatures:
                    if step.how is _SIGNED:  # the whole log before it, and the patient as signed for
                        patient = canonical_json({"patient": payload["patient"]})
                        signed = hashlib.sha256(f"[{','.join([*texts, patient])}]".encode()).hexdigest()
                    else:  # ``signed_content``: the entry itself, without its signatures
                        bare, same = payload, kept
                        if "signatures" in payload:
                            bare, same = {k: v for k, v in payload.items() if k != "signatures"}, False
                        unsigned = f"{head}{self._texts(bare, same)[1]}{tail}"
                        signed = hashlib.sha256(f"[{unsigned}]".encode()).hexdigest()
                    entries = [
                        {
                            "signer_id": ids.get(signer, signer),
                            "meaning": meaning,
                            "signed_at": recorded,
                            "signed_hash": signed,
                        }
                        for signer, meaning in signatures
                    ]
                    payload, kept = {**payload, "signatures": entries}, False
                stored, text = self._texts(payload, kept)
            kind_value = step.kind_value
            rows.append(
                (
                    event_id,
                    session_id,
                    step.seq,
                    kind_value,
                    stored,
                    occurred,
                    at,
                    by,
                    station,
                    corrects,
                    original.reason,
                )
            )
            payloads.append(payload)
            values = step.set_values
            vital_rows.append(None if values is None else (event_id, session_id, step.seq, occurred, by, *values))
            if kind_value == _WEIGHED_KIND and weighed_kg is None:
                weighed_kg = payload["kg"]
            elif kind_value == _STARTED_KIND:
                began.append(occurred)
                if started_at is None:
                    started_at = occurred
            elif kind_value == _ADVERSE_KIND:
                adverse += 1
            moments.append(recorded)
            texts.append(f"{head}{text}{tail}")
            summary_hashes.append(
                _sha256(f"{step.active}{row_head}{step.seq}{opened}{step.outcome}{row_tail}{step.step}}}")
            )
        step_, outcome, active = template.after[-1]
        last = rows[-1]
        summary = SessionSummary(
            id=session_id,
            patient_id=seat.patient_id,
            chair=seat.chair,
            protocol_id=self.protocol.id,
            protocol_version=self.protocol.version,
            protocol_hash=self.protocol.content_hash,
            step=step_,
            outcome=outcome,
            active=active,
            opened_at=seat.opened_at,
            opened_by=seat.nurse_id,
            last_seq=last[2],
            updated_at=last[6],
            course_id=seat.course.id,
            began_at=min(began, default=None),
        )
        hashes = [hashlib.sha256(text.encode()).hexdigest() for text in texts]
        return Copied(
            rows,
            payloads,
            hashes,
            summary_hashes,
            summary,
            moments,
            vital_rows,
            weighed_kg,
            started_at,
            adverse,
            self._points_of(template, ids, shift),
        )

    def _points_of(self, template: Template, ids: Mapping[str, str], shift: timedelta) -> tuple[ScheduledPoint, ...]:
        """The copy's scheduled points: its template's, replayed once, moved by the copy's shift (every entry
        of a copy is its template's moved so), a recheck named by the copy's acknowledgement."""
        points = self._points.get(template.kind)
        if points is None:
            points = self._points[template.kind] = replayed(self.protocol, list(template.events)) or ()
        return tuple(
            point._replace(
                point_id=_recheck_of(point.point_id, ids),
                due_at=point.due_at + shift,
                taken_at=None if point.taken_at is None else point.taken_at + shift,
            )
            for point in points
        )

    def _plan(self, template: Template) -> list[_Step]:
        """What every copy of each of the template's entries shares, worked out once: how its payload is
        made, its fixed fields as canonical text, its signers, and the session's state after it."""
        steps = []
        started = min((e.seq for e in template.events if e.type is E.STARTED), default=None)
        for index, original in enumerate(template.events):
            if type(original.seq) is not int:  # only an int is written as its digits
                raise TypeError(f"an entry's seq is a whole number, not {type(original.seq).__name__}")
            stored = {k: v for k, v in original.payload.items() if k != "signatures"}
            how = _HOW.get(original.type, _KEPT)
            if original.type is E.OPENED and "course" in stored:
                how = _OPENED_WITH_COURSE
            if how is _KEPT and self._holds_any_id(template, index):
                how = _REMAPPED
            signatures = tuple(
                (entry["signer_id"], entry["meaning"]) for entry in original.payload.get("signatures", ())
            )
            if signatures and how is _KEPT:
                how = _SIGNED_ENTRY
            active, outcome, step = self._state_texts(template.after[index])
            values = None
            if original.type is E.VITALS:  # as ``core.records.vital_set_rows`` makes its row
                if how not in (_KEPT, _REMAPPED, _SIGNED_ENTRY):
                    raise RuntimeError(f"a set of vitals copied as {how!r}: its row would not be the template's")
                values = set_values(original.payload, started is not None and started < original.seq)
            steps.append(
                _Step(
                    original=original,
                    kind=template.kind,
                    how=how,
                    given=_given(how, original, template),
                    payload=stored,
                    stored=stored_json(stored),
                    canonical=canonical_json(stored),
                    signatures=signatures,
                    at_once=original.occurred_at == original.recorded_at,
                    seq=original.seq,
                    type=_text(original.type.value),
                    reason=_text(original.reason),
                    active='{"active":' + active,
                    outcome=outcome,
                    step=step,
                    kind_value=original.type.value,
                    in_utc=original.recorded_at.tzinfo is UTC and original.occurred_at.tzinfo is UTC,
                    set_values=values,
                )
            )
        return steps

    def _state_texts(self, state: tuple[str, str, bool]) -> tuple[str, str, str]:
        """Where a session stands (step, outcome, still open) as the summary's canonical text writes it."""
        found = self._states.get(state)
        if found is None:
            step, outcome, active = state
            found = self._states[state] = (canonical_json(active), canonical_json(outcome), canonical_json(step))
        return found

    def _texts(self, payload: dict[str, Any], kept: bool) -> tuple[str, str]:
        """The payload's stored text and its canonical text: worked out once for a payload the copier keeps
        and hands to every copy (``kept``), else for this copy alone."""
        if not kept:
            return stored_json(payload), canonical_json(payload)
        found = self._kept_texts.get(id(payload))
        if found is None or found[0] is not payload:
            found = self._kept_texts[id(payload)] = (payload, stored_json(payload), canonical_json(payload))
        return found[1], found[2]

    def _payload(
        self, step: _Step, ids: Mapping[str, str], seat: Seat, figures: _Figures, opening: Callable[[], Event]
    ) -> tuple[dict[str, Any], bool]:
        """The copy's payload, and whether it is one the copier keeps and hands to every copy alike (the
        template's own, a screening, what follows from a weight): its texts are then worked out once."""
        how, stored, given = step.how, step.payload, step.given
        if how is _OPENED_WITH_COURSE:  # the template's, its patient, chair and course replaced
            return {
                **stored,
                "patient_id": seat.patient_id,
                "chair": seat.chair,
                "course": seat.course.to_payload(),
            }, False
        if how is _OPENED:
            made = replace(given, patient_id=seat.patient_id, chair=seat.chair, course=seat.course)
            return made.to_payload(), False
        if how is _SCREENED:
            return self._screening(step.kind, step.original, opening, seat.course), True
        if how is _WEIGHED:
            return figures.weighed()
        if how is _DOSED:
            return figures.dosed(given), True
        if how is _CHECKED:
            return figures.checked(given), False
        if how is _DRAWN:
            return figures.drawn(given), True
        if how is _RETURNED:
            return figures.returned(ids[given.vial_of], given.lot), False
        if how is _PUMP:
            return figures.pump(given), True
        if how is _STOPPED:
            return figures.stopped(*given), False
        if how is _WASTED:
            return figures.wasted(given), False
        if how is _SIGNED:
            return {**stored, "patient": dict(seat.patient)}, False
        if how is _REMAPPED:
            return _remapped(stored, ids), False
        return stored, True

    def _screening(
        self, kind: str, original: Event, opening: Callable[[], Event], place: d.CoursePlace
    ) -> dict[str, Any]:
        """The questions a session at this place in its course asks, answered as the template's were (every
        question asked only at a course's start answered "no" on later days, so none is left unasked)."""
        first = place.day - 1 - len(place.missed) <= 0  # as ``derive_state`` reads the opening, unreplayed
        found = self._screened.get((kind, first))
        if found is None:
            opened = opening()
            state = derive_state(self.protocol, [opened], opened.recorded_at)
            assert (state.course_day, state.missed_days) == (place.day, place.missed)
            given = original.data_as(d.Screened).answers
            answers = {q.id: given.get(q.id, EVERY_ANSWER_NO) for q in self.protocol.screening.questions}
            record = screening_record(self.protocol, state, answers, confirm_stop=True)
            found = self._screened[(kind, first)] = record.to_payload()
        return found

    def _holds_any_id(self, template: Template, index: int) -> bool:
        key = (template.kind, index)
        found = self._holds_ids.get(key)
        if found is None:
            text = json.dumps(template.events[index].payload)
            known = {e.id for e in template.events} | {template.nurse_id, template.checker_id, template.patient_id}
            found = self._holds_ids[key] = any(value in text for value in known)
        return found


def _recheck_of(point_id: str, ids: Mapping[str, str]) -> str:
    """A recheck's point is named by the acknowledgement that asked for it: the copy's own."""
    if point_id.startswith(RECHECK):
        return RECHECK + ids[point_id.removeprefix(RECHECK)]
    return point_id


def _remapped(value: Any, ids: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return ids.get(value, value)
    if isinstance(value, list):
        return [_remapped(item, ids) for item in value]
    if isinstance(value, dict):
        return {key: _remapped(item, ids) for key, item in value.items()}
    return value


class _Figures:
    """The day's weight and everything worked out from it, entry by entry, as ``Care`` works it out."""

    def __init__(self, protocol: Protocol, seat: Seat, kept: dict[tuple[Any, ...], Any]) -> None:
        self.protocol = protocol
        self.seat = seat
        self.kept = kept
        self.weight = self._kept(("weight", seat.weight_kg), lambda: parse_weight(str(seat.weight_kg), "kg"))
        self.calc: DoseCalculation | None = None
        self.drawn_mg = Decimal(0)
        self.given_mg: Decimal | None = None

    def _kept(self, key: tuple[Any, ...], made: Callable[[], Any]) -> Any:
        """What follows from the day's weight alone (and what the template gives), worked out once each."""
        found = self.kept.get(key)
        if found is None:
            found = self.kept[key] = made()
        return found

    def weighed(self) -> tuple[dict[str, Any], bool]:
        """The weighing, and whether it is one every copy at this weight shares (no earlier weight): the
        earlier weight and the change from it follow the weight's own keys, as ``Weighed`` writes them."""
        weight = self.weight

        def alone() -> dict[str, Any]:
            advisories = tuple(check_weight(self.protocol, weight))
            return d.Weighed(entered=weight.entered, unit=weight.unit, kg=weight.kg, advisories=advisories).to_payload()

        payload: dict[str, Any] = self._kept(("weighed", self.seat.weight_kg), alone)
        if self.seat.previous is None:
            return payload, True
        before, session_id = self.seat.previous
        change = weight_change_percent(weight.kg, before)
        said = {"previous": d.PreviousWeight(before, session_id).to_payload(), "change_percent": str(change)}
        if abs(change) > self.protocol.weight.advise_change_percent:
            said["change_confirmed"] = True
        return payload | said, False

    def dosed(self, vial_id: str) -> dict[str, Any]:
        key = ("dose", self.seat.weight_kg, vial_id)
        if key not in self.kept:
            calc = calculate_dose(self.protocol, self.weight, vial_id, None)
            self.kept[key] = (calc, d.DoseCalculated(calc).to_payload())
        self.calc, payload = self.kept[key]
        return payload  # type: ignore[no-any-return]

    def checked(self, slip: tuple[Decimal, Decimal, Decimal] | None) -> dict[str, Any]:
        """``slip``: how far the template's second nurse was from the calculation (None: she agreed)."""
        key = ("check", self.seat.weight_kg, self._calc().vial_id, slip)
        if key not in self.kept:
            calc = self._calc()
            weight, dose, rate = slip or (0, 0, 0)
            figures = parse_check_figures(
                str(calc.weight_kg + weight), str(calc.dose_mg + dose), str(calc.rate_ml_per_h + rate)
            )
            mismatches = tuple(check_mismatches(self.protocol, calc, figures))
            self.kept[key] = d.Checked("", figures, mismatches, "").to_payload()
        return {**self.kept[key], "checker_id": self.seat.checker_id, "dosed_by": self.seat.nurse_id}

    def drawn(self, lot: str) -> dict[str, Any]:
        calc = self._calc()

        def made() -> tuple[Any, Decimal, dict[str, Any]]:
            vial = next(v for v in self.protocol.vials if v.id == calc.vial_id)
            mg = round_to(calc.drug_volume_ml * vial.mg_per_ml, self.protocol.rounding.dose_mg)
            drawn = d.DrugDrawn(
                lot=lot,
                vial_id=vial.id,
                vial_label=vial.label,
                mg_per_ml=vial.mg_per_ml,
                vial_ml=vial.vial_ml,
                multi_dose=vial.multi_dose,
                ml=calc.drug_volume_ml,
                mg=mg,
            )
            return vial, mg, drawn.to_payload()

        self.vial, self.drawn_mg, payload = self._kept(("drawn", self.seat.weight_kg, calc.vial_id, lot), made)
        return payload  # type: ignore[no-any-return]

    def returned(self, drawn_id: str, lot: str) -> dict[str, Any]:
        """The rest of the vial back to stock: the same for every copy at this weight but for the draw-up it
        names (``vial_of``, its first key, replaced in place)."""
        vial, step = self.vial, self.protocol.rounding.dose_mg

        def made() -> dict[str, Any]:
            left = round_to(vial.vial_ml * vial.mg_per_ml - self.drawn_mg, step)
            ml = (left / vial.mg_per_ml).quantize(Decimal("0.01"))
            return d.DrugReturned("", lot, vial.label, left, ml).to_payload()

        payload: dict[str, Any] = self._kept(("returned", self.seat.weight_kg, vial.id, lot), made)
        return payload | {"vial_of": drawn_id}

    def pump(self, slip: tuple[Decimal, Decimal] | None) -> dict[str, Any]:
        """``slip``: how many times the order the template's pump was read at (None: as ordered)."""
        key = ("pump", self.seat.weight_kg, self._calc().vial_id, slip)
        if key not in self.kept:
            order = pump_order(self.protocol, self._calc())
            rate, vtbi = slip or (1, 1)
            reading = parse_pump_reading(str(order.rate_ml_per_h * rate), str(order.vtbi_ml * vtbi))
            payload = d.PumpProgrammed(order, reading, tuple(pump_mismatches(order, reading)), None).to_payload()
            self.kept[key] = payload
        return self.kept[key]  # type: ignore[no-any-return]

    def stopped(self, original: d.StoppedEarly, infused: timedelta) -> dict[str, Any]:
        minutes = Decimal(infused.total_seconds()) / 60
        total = Decimal(self.protocol.dose.infusion_minutes)
        estimated = (self._calc().dose_mg * minutes / total).quantize(self.protocol.rounding.dose_mg)
        self.given_mg = estimated
        return replace(original, estimated_mg_given=estimated).to_payload()

    def wasted(self, original: d.DrugWasted) -> dict[str, Any]:
        given = self.given_mg if self.given_mg is not None else self._calc().dose_mg
        left = round_to(self.drawn_mg - given, self.protocol.rounding.dose_mg)
        return replace(original, mg=left, signatures=()).to_payload()

    def _calc(self) -> DoseCalculation:
        assert self.calc is not None, "a template's dose comes before what follows from it"
        return self.calc


def patient_at_signing(mrn: str, family_name: str, given_name: str, birth_date: str) -> dict[str, str]:
    """The patient as a signature covers them (``Care.sign`` keeps the same in the signing entry)."""
    return identifiers(mrn, family_name, given_name, birth_date)


_NOT_VERSION = ~(0xF000 << 64) & ~(0xC000 << 48)
_VERSION_4 = (0x4000 << 64) | (0x8000 << 48)


def new_ids(draw: Callable[[], int]) -> Iterator[str]:
    """Record ids from a seeded source, shaped as version-4 UUIDs: a plan copied twice gets the same ids.
    Each is ``str(uuid.UUID(int=drawn, version=4))`` written out directly (its version and variant bits set,
    its hex digits grouped), without making a ``UUID`` for each of a history's millions of records."""
    while True:
        digits = f"{draw() & _NOT_VERSION | _VERSION_4:032x}"
        yield f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"
