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

from core.outcomes.grid import domains_of, slots_for
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
    ``holds_from``): its inputs to the figures, packed (``core.outcomes.course_table``), and its row of the
    report's grid of scores (``core.outcomes.grid.KeptCells``)."""

    course_id: str
    patient_id: str
    first_infusion: datetime
    """The moment its first infusion began: the report finds the kept courses of its period by it."""
    inputs: bytes
    t_scores: bytes
    ses: bytes
    shape_of: bytes
    shapes: str


READ = ("course_id", "patient_id", "inputs", "t_scores", "ses", "shape_of", "shapes_key")
"""What a report reads of a kept course, in this order: its ids, its packed inputs and its grid row, its list
of shapes named by its key (as ``CourseTable.of`` and ``ScoreGrid.put_kept`` take them)."""


def shapes_key(shapes: str) -> str:
    """The name a list of shapes is kept under (``course_outcome_shapes``): its SHA-256."""
    return hashlib.sha256(shapes.encode()).hexdigest()


class KeptRule(NamedTuple):
    """What a report reads kept courses by: the rules they were counted by (``rule_key``), and the width of
    their rows of the grid under those rules (a row of another width is not read)."""

    key: str
    cells: int


def kept_rule(protocol: Protocol, tables: PromisTables) -> KeptRule:
    return KeptRule(rule_key(protocol, tables), slots_for(protocol.outcomes, domains_of(protocol, tables)).width)


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
    rows = [row for row, c in enumerate(prepared.recounted) if c.span.ended and c.first_infusion is not None]
    made = []
    for row, cells in zip(rows, prepared.grid.kept(rows), strict=True):
        c = prepared.recounted[row]
        assert c.first_infusion is not None
        made.append(KeptCourse(c.row.id, c.row.patient_id, c.first_infusion, prepared.courses.packed(row), *cells))
    return made


def local_midnight_after(day: date) -> datetime:
    """The moment the clinic's local day after ``day`` begins, in UTC."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time()).astimezone().astimezone(UTC)
