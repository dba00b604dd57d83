"""A course's part in the clinic's outcome report, kept once it can no longer change, so the next report reads
one row for the course instead of counting its sessions and placing its patient's forms again.

A course's part (``KeptCourse``) is everything the figures take from it: its counts, its days, whether it was
the patient's first and when the next began, and the score that counts at each time point. What the report
works out from its own period (whether a form was due by its last day, how long a patient was followed for a
return) is not in it.

The part is the same for every report whose cut-off is at or after the moment the patient's records settled
(``holds_from``): every record of the patient before it, and every day of the last course passed (so the
course has ended, whatever a later cut-off). It depends on the rules it was counted by: the protocol, which
scoring table's forms measure which domain, and the clinic's time zone (local days): ``rule_key`` names them,
and a report under other rules counts the course from its records. The patient's ``patient_basis``, moved by
every record the report counts, says whether the records are still the ones counted.
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from core.outcomes.grid import KeptCells
from core.outcomes.local_days import LocalDays
from core.promis import PromisTables
from core.protocol import Protocol

if TYPE_CHECKING:
    from core.outcomes.metrics import Prepared


ZONE_YEARS = (date(2000, 1, 1), date(2045, 12, 31))
"""The years whose offsets name the clinic's time zone in ``rule_key``: a clinic's records lie within them."""
SETTLED = timedelta(microseconds=1)
"""A row holds for a cut-off after its newest record: a record at the cut-off itself is not in the report."""


class KeptCourse(NamedTuple):
    """A course's part in the report as ``course_outcome`` keeps it (its columns, less the rules, the basis and
    ``holds_from``); days are ordinals of the clinic's local dates."""

    course_id: str
    patient_id: str
    first_day: date
    days: int
    recorded_at: datetime
    number: int
    """1 for the patient's first course, 2 for the next, …"""
    first_infusion: datetime
    first_infusion_day: int
    first_treated: datetime | None
    """The first moment of its treated sessions, as ``course_spans`` takes it (a baseline's window's anchor)."""
    last_infusion_day: int | None
    completed: int
    stopped_early: int
    started: int
    on_protocol: bool
    cancelled: int
    missed: int
    not_treated: int
    no_record: int
    first_of_patient: bool
    """The patient's first course in which an infusion began."""
    next_began_day: int | None
    """The day the patient's next such course's first infusion began; None when there is none."""
    t_scores: bytes
    ses: bytes
    shape_of: bytes
    shapes: str
    """The score that counts at each time point and domain: the course's row of the report's grid
    (``core.outcomes.grid.KeptCells``)."""

    def cells(self) -> KeptCells:
        return KeptCells(self.t_scores, self.ses, self.shape_of, self.shapes)


def rule_key(protocol: Protocol, tables: PromisTables) -> str:
    """What a kept course was counted by: the protocol's file, each form's domain and direction, and the
    clinic's time zone (its offsets and their changes over ``ZONE_YEARS``)."""
    forms = sorted((form_id, shape.domain, shape.higher_is_better) for form_id, shape in tables.forms.items())
    said = json.dumps([protocol.content_hash, forms, zone_fingerprint()], separators=(",", ":"))
    return hashlib.sha256(said.encode()).hexdigest()


def zone_fingerprint() -> str:
    """The local zone's offsets and the moments they change: two zones that give every moment of a clinic's
    years the same local day share it. Worked out once per zone the process runs in (a few hundredths of a
    second)."""
    return _zone_fingerprint(time.tzname, time.timezone, time.altzone)


@cache
def _zone_fingerprint(names: tuple[str, str], offset: int, summer: int) -> str:
    days = LocalDays(*ZONE_YEARS)
    return hashlib.sha256(repr(days.offsets()).encode()).hexdigest()


def holds_from(newest: datetime, last_day_ends: datetime) -> datetime:
    """The first cut-off a patient's kept courses hold for: after the newest record of the patient that the
    report counts, and once the last course's last day has passed."""
    return max(newest + SETTLED, last_day_ends)


def kept_from(prepared: Prepared) -> list[KeptCourse]:
    """The report's courses counted from their records, each as a kept row: those that have ended (a course
    still running has no part yet that a later report would share)."""
    counted = [
        c
        for c in prepared.in_report
        if c.settled is None and c.span.ended and c.first_infusion is not None and c.first_infusion_day is not None
    ]
    row_of = {c.row.id: index for index, c in enumerate(prepared.in_report)}
    made = []
    for c in counted:
        span = c.span
        assert c.first_infusion is not None and c.first_infusion_day is not None
        following = prepared.next_course.get(c.row.id)
        began = following.first_infusion_day if following is not None else None
        not_given = c.days_not_given()
        made.append(
            KeptCourse(
                course_id=c.row.id,
                patient_id=c.row.patient_id,
                first_day=c.row.first_day,
                days=c.row.days,
                recorded_at=c.row.recorded_at,
                number=span.number,
                first_infusion=c.first_infusion,
                first_infusion_day=c.first_infusion_day.toordinal(),
                first_treated=span.first_started_at,
                last_infusion_day=span.last_infusion_day.toordinal() if span.last_infusion_day else None,
                completed=c.completed,
                stopped_early=c.stopped_early,
                started=c.started_count,
                on_protocol=c.on_protocol(),
                cancelled=not_given["cancelled"],
                missed=not_given["missed"],
                not_treated=not_given["not_treated"],
                no_record=not_given["no_record"],
                first_of_patient=prepared.first_course.get(c.row.patient_id) is c,
                next_began_day=began.toordinal() if began is not None else None,
                **prepared.grid.kept(row_of[c.row.id])._asdict(),
            )
        )
    return made


def local_midnight_after(day: date) -> datetime:
    """The moment the clinic's local day after ``day`` begins, in UTC."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time()).astimezone().astimezone(UTC)
