"""Each scheduled point of a signed session as it stood at signing: on time, late (by how much) or missed.

A clinic's quality review counts, over months and years, how its sets of vital signs, side-effect checks
and the rechecks alarms asked for were kept. Working that out means replaying each session
(``derive_state``); ten years is some 300,000 of them, so the answer is kept once, with the signature
(``schedule_point``), from the state the session was signed in: a later protocol never changes it.

The words are the day log's (``core.day_log._vitals_flag``): a point answered ``overdue_after_minutes`` or
more after it fell was *late*; one never answered, whose overdue moment had come by the end of care (or
passed over by a later set), was *missed*. A point that never fell (the infusion ended or stopped before
it, or never began) or whose overdue moment was still to come when care ended was never owed: it has no
row. The baseline set is owed by the moment the infusion first began (the start waits for it).

Pure: no storage, no clock. ``core.records.schedule_points`` writes the rows, the bulk history and the
upgrade write the same ones, and ``core.trail_check`` holds the kept rows to the session's entries.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from core.errors import ProtocolError
from core.events import Event
from core.events import EventType as E
from core.paths import resource_path
from core.protocol import Phase, Protocol, load_protocol, parse_protocol
from core.session_state import RECHECK, PointStatus, SessionState, VitalsPoint, signed_schedule

log = logging.getLogger(__name__)


class Schedule(StrEnum):
    VITALS = "vitals"
    SIDE_EFFECTS = "side_effects"
    RECHECK = "recheck"
    """A set of vital signs an alarm's acknowledgement asked for (its point id: ``recheck-<ack id>``)."""


class Kept(StrEnum):
    ON_TIME = "done"
    LATE = "late"
    MISSED = "missed"


class ScheduledPoint(NamedTuple):
    """One row of ``schedule_point`` less its session: in the table's column order after ``session_id``."""

    schedule: str
    point_id: str
    due_at: datetime
    taken_at: datetime | None
    status: str
    late_seconds: int | None
    """Seconds from when the point fell to when it was answered (negative when taken early); None: missed."""


class TimedPoint(NamedTuple):
    """A kept point as a review reads it (``records.schedule_points_between``): its session, the session's
    chair and protocol version, and the point's own fields."""

    session_id: str
    chair: int
    protocol_version: str
    schedule: str
    point_id: str
    due_at: datetime
    taken_at: datetime | None
    status: str
    late_seconds: int | None


class PointTally(NamedTuple):
    """A period's kept points counted, as a review of timeliness reads them: how many of each point (as
    stored: its schedule and id) had each status, the points in the order first met as they fell; the late
    ones in full, in the order they fell (their lateness is measured, the latest listed); and how many
    sessions had a point. A month is some 30,000 points and only the late ones are needed one by one."""

    counts: Mapping[tuple[str, str, str], int]
    """By (schedule, point id, status), in the order each was first met."""
    late: Sequence[TimedPoint]
    sessions: int


def tally_of(points: Iterable[TimedPoint]) -> PointTally:
    """``points`` (in the order they fell) counted."""
    every = list(points)
    counts = Counter((p.schedule, p.point_id, p.status) for p in every)
    late = [p for p in every if p.status == Kept.LATE]
    return PointTally(counts, late, len({p.session_id for p in every}))


def finished_at(events: Sequence[Event]) -> datetime | None:
    """When care ended (discharge, a session ended untreated, or screening that stopped treatment), as the
    day log reads it."""
    for event in events:
        stopped = event.type is E.SCREENED and event.payload.get("stop_reasons")  # as ``Screened`` has it
        if event.type in {E.DISCHARGED, E.ABANDONED} or stopped:
            return event.occurred_at
    return None


def points_at_signing(protocol: Protocol, state: SessionState) -> tuple[ScheduledPoint, ...]:
    """The points of a signed session (``state``: as it stood at or after its signature, under the rules it
    was recorded under), as the state lists them: the vital signs' schedule, the rechecks, then the
    side-effect checks."""
    until = finished_at(state.events) or _signed_at(state.events) or state.now
    assert until is not None  # a state is always worked out for a moment
    return _points(protocol, state.vitals, state.side_effect_checks, state.infusion.started_at, until)


def _points(
    protocol: Protocol,
    vitals: Sequence[VitalsPoint],
    checks: Sequence[VitalsPoint],
    began: datetime | None,
    until: datetime,
) -> tuple[ScheduledPoint, ...]:
    vitals_late = timedelta(minutes=protocol.vitals_schedule.overdue_after_minutes)
    checks_late = timedelta(minutes=protocol.side_effects_schedule.overdue_after_minutes)
    found: list[ScheduledPoint] = []
    for entry in vitals:
        schedule = Schedule.RECHECK if entry.point.id.startswith(RECHECK) else Schedule.VITALS
        due_at = began if entry.point.phase is Phase.BEFORE else entry.due_at
        point = _kept(schedule, entry, due_at, vitals_late, until)
        if point is not None:
            found.append(point)
    for entry in checks:
        point = _kept(Schedule.SIDE_EFFECTS, entry, entry.due_at, checks_late, until)
        if point is not None:
            found.append(point)
    return tuple(found)


def _kept(
    schedule: Schedule, entry: VitalsPoint, due_at: datetime | None, late: timedelta, until: datetime
) -> ScheduledPoint | None:
    if due_at is None:
        return None  # it never fell
    point_id = entry.point.id
    if entry.status is PointStatus.DONE and entry.taken_at is not None:
        taken = entry.taken_at
        status = Kept.LATE if taken >= due_at + late else Kept.ON_TIME
        return ScheduledPoint(schedule, point_id, due_at, taken, status, _seconds(taken - due_at))
    if until >= due_at + late:
        return ScheduledPoint(schedule, point_id, due_at, None, Kept.MISSED, None)
    return None  # care ended before it was overdue


def _seconds(span: timedelta) -> int:
    return int(span.total_seconds() // 1)


def _signed_at(events: Sequence[Event]) -> datetime | None:
    return next((e.occurred_at for e in events if e.type is E.SIGNED), None)


def signed_part(events: Sequence[Event]) -> list[Event] | None:
    """A session's entries up to and including its signature (None: not signed): what the rows are of."""
    for n, event in enumerate(events):
        if event.type is E.SIGNED:
            return list(events[: n + 1])
    return None


def replayed(protocol: Protocol, events: Sequence[Event]) -> tuple[ScheduledPoint, ...] | None:
    """The rows of a session from its entries (None: it was never signed): its signed part's schedules
    (``signed_schedule``, what the state at signing has, folded lean). The upgrade, the bulk history's
    templates and ``audit verify`` use it; a signature keeps ``points_at_signing`` of its own state."""
    part = signed_part(events)
    if part is None:
        return None
    schedule = signed_schedule(protocol, part)
    until = finished_at(part) or part[-1].occurred_at
    return _points(protocol, schedule.vitals, schedule.side_effect_checks, schedule.started_at, until)


class Rules:
    """Which protocol a session is replayed under, found as ``core.protocol_shelf`` finds it (its copy kept in
    the records, else one Chairside shipped, else today's), for the upgrade and ``audit verify``, which stand
    below the door the shelf reads through: they hand it the kept copies' texts by hash."""

    EARLIER = "protocols/earlier"

    def __init__(self, kept: Mapping[str, str], current: Protocol | None = None) -> None:
        self.current = current or load_protocol()
        self.texts = dict(kept)
        folder = resource_path(self.EARLIER)
        for path in sorted(folder.glob("*.toml")) if folder.is_dir() else ():
            data = path.read_bytes()
            self.texts.setdefault(hashlib.sha256(data).hexdigest(), data.decode("utf-8"))
        self.known: dict[str, Protocol] = {self.current.content_hash: self.current}

    def of(self, events: Sequence[Event]) -> Protocol:
        """The rules of the session whose entries these are (its opening names their SHA-256)."""
        sha = events[0].payload["protocol"]["sha256"]  # ``Opened.protocol``, read alone
        found = self.known.get(sha)
        if found is None:
            found = self.known[sha] = self._parsed(sha)
        return found

    def every(self) -> Iterator[Protocol]:
        """Today's protocol, then each other one known that still reads (``audit verify`` finds by them the
        rules the outcome report's kept rows were counted under)."""
        yield self.current
        for sha, text in self.texts.items():
            if sha == self.current.content_hash:
                continue
            try:
                yield parse_protocol(text.encode("utf-8"), f"the copy of protocol {sha[:12]}", self.current)
            except ProtocolError:
                continue

    def _parsed(self, sha: str) -> Protocol:
        text = self.texts.get(sha)
        if text is None:
            log.warning("protocol %s is not kept in the records: replaying under today's", sha[:12])
            return self.current
        try:
            return parse_protocol(text.encode("utf-8"), f"the copy of protocol {sha[:12]}", self.current)
        except ProtocolError:
            log.warning("protocol %s no longer reads under this version: replaying under today's", sha[:12])
            return self.current
