"""The records the clinic's outcome report counts, read in bulk: a report over ten years of a busy clinic
(~300,000 sessions, ~60,000 courses, ~150,000 outcome sittings) reads them in a few queries of plain
columns, each narrowed by an index.

The patients read are those with a session opened in the report's period (from the day before its first
day, since an infusion that began just after midnight belongs to a session opened the evening before); of
them, every course and every record up to the cut-off that can count, since a patient's first course, the
course before and the course after decide what a course in the period counts as. A course's sessions come
as its row of ``course_facts`` (``CourseSummary``) when nothing that fed the row lies after the cut-off
(almost every course of a report over a past period); otherwise as they are, or for courses that began well
before the period, as what they add up to (``CourseMoments``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Result, Select, Text, case, cast, func, type_coerce
from sqlmodel import Session, col, select

from core.events import EventType
from core.outcomes.cohort import (
    TREATED,
    AdverseRow,
    Cohort,
    CourseMoments,
    CourseRow,
    CourseSummary,
    NotGivenRow,
    ScoresSeen,
    SessionRow,
    StopRow,
    StoredSitting,
)
from core.outcomes.kept import KeptRule
from core.persistence.tables import (
    Course,
    CourseFacts,
    InfusionSession,
    PatientEventRecord,
    SessionEvent,
    SittingScores,
)
from core.persistence.types import UTCDateTime
from core.records.kept_outcomes import KeptFound, kept_for_period

COUNTED_KINDS = (EventType.ADVERSE_EVENT.value, EventType.STOPPED_EARLY.value)
CORRECTING_KINDS = (EventType.CORRECTED.value, EventType.ADDENDUM.value)
NOT_GIVEN_KINDS = (EventType.DAY_MISSED.value, EventType.DAY_CANCELLED.value)


def outcome_cohort(
    tx: Session,
    opened_from: datetime,
    opened_before: datetime,
    until: datetime,
    counted_from: datetime,
    rule: KeptRule | None = None,
    among: Sequence[str] | None = None,
) -> Cohort:
    """The records of every patient with a session opened from ``opened_from`` (less a day) to
    ``opened_before``, each up to ``until`` (the cut-off: records of later moments are left out).

    ``counted_from``: the first moment an outcome form, an adverse event or an early stop can count for a
    course in the report (``core.outcomes.windows.earliest_counted``); those of earlier moments are not
    read. A patient's courses are read whole, since the courses before decide what a course in the report is
    (the first, the next, where a form answered between two of them counts); of those that began well before
    ``opened_from``, what their sessions add up to (``CourseMoments``), and the sessions of the rest.

    ``rule``: the rules the report counts by (``core.outcomes.kept.kept_rule``), to take each course whose
    first infusion began in the period from its kept row (``course_outcome``) where one holds. Then only the
    patients with such a course that has none are read from their records (a patient with no course begun in
    the period has no course in the report).

    ``among`` (with no ``rule``): the patients to read, of those ``patients_opened_between`` gives (``audit
    verify`` counts every course again a few thousand patients at a time: a course's part is its patient's
    records alone, and ten years' records at once were half a gigabyte)."""
    if rule is None:
        patients = list(among) if among is not None else patients_opened_between(tx, opened_from, opened_before)
        found = KeptFound((), (), {}, {})
    else:
        margin = timedelta(days=1)  # the report decides by the local day; these bounds are moments
        found = kept_for_period(tx, rule, opened_from - margin, opened_before + margin, until)
        patients = list(found.recount)
    courses, summaries = _courses(tx, patients, until)
    unkept = {c.patient_id for c in courses if c.id not in summaries}
    theirs = [c for c in courses if c.patient_id in unkept]
    summed = _summed(tx, sorted(unkept), theirs, until, opened_from - timedelta(days=1))
    moments = {course_id: found for course_id, found in summed.items() if course_id not in summaries}
    wanted = {c.id for c in theirs if c.id not in moments and c.id not in summaries}
    sessions = _sessions(tx, sorted(unkept), wanted, until)
    named_courses = set(summaries) | {k[0] for k in found.kept}
    adverse, stops, named = _counted_entries(tx, {s.id for s in sessions}, named_courses, until, counted_from)
    whose = {c.patient_id for c in courses}
    not_given, assessments = _patient_records(tx, patients, whose, until, counted_from)
    return Cohort(
        courses,
        sessions,
        adverse,
        stops,
        not_given,
        assessments,
        moments,
        summaries,
        named,
        found.kept,
        found.bases,
        found.shapes,
    )


def patients_of_courses(tx: Session, course_ids: Sequence[str]) -> dict[str, str]:
    """The patient of each of these courses that is there, by the course's id."""
    found: dict[str, str] = {}
    for ids in _chunks(sorted(course_ids)):
        query = select(Course.id, Course.patient_id).where(col(Course.id).in_(ids))
        found.update((course_id, patient_id) for course_id, patient_id in _rows(tx, query))
    return found


def patients_opened_between(tx: Session, opened_from: datetime, opened_before: datetime) -> list[str]:
    """The patients with a session opened in the period (or the day before it)."""
    opened = (
        select(InfusionSession.patient_id)
        .where(
            col(InfusionSession.opened_at) >= opened_from - timedelta(days=1),
            col(InfusionSession.opened_at) < opened_before,
        )
        .distinct()
    )
    # Read once and given to each query as a list: as a subquery, each query worked it out again.
    return sorted(patient_id for (patient_id,) in _rows(tx, opened))


_FACTS = CourseFacts.__table__  # type: ignore[attr-defined]

CHUNK = 5_000
"""Course ids per query: well under the bound parameters either database takes in one statement."""


def _chunks(ids: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def _rows(tx: Session, query: Select[Any]) -> Result[Any]:
    """The query's rows as the database connection gives them: the session's ORM layer around a query of
    plain columns cost a fifth of reading ten years' sessions, and does nothing here."""
    return tx.connection().execute(query)


def _courses(
    tx: Session, patients: Sequence[str], until: datetime
) -> tuple[tuple[CourseRow, ...], dict[str, CourseSummary]]:
    """The patients' courses ordered before the cut-off, and of them, those whose row of ``course_facts``
    stands for their sessions: fed by nothing after the cut-off."""
    columns = (Course.id, Course.patient_id, Course.first_day, Course.days, Course.recorded_at)
    kept = [_FACTS.c[name] for name in CourseSummary._fields]
    found: list[CourseRow] = []
    summaries: dict[str, CourseSummary] = {}
    for chunk in _chunks(patients):
        query = (
            select(*columns, *kept)
            .select_from(Course)
            .outerjoin(_FACTS, _FACTS.c.course_id == col(Course.id))
            .where(col(Course.patient_id).in_(chunk), col(Course.recorded_at) < until)
        )
        for row in _rows(tx, query):
            found.append(CourseRow(*row[:5]))
            if row[5] is not None and row[6] < until:
                summaries[row[0]] = CourseSummary(*row[5:])
    return tuple(found), summaries


def _before(moment: datetime | None, until: datetime) -> datetime | None:
    """A moment before the cut-off; None for one after it (not yet, as the records stood then)."""
    return moment if moment is not None and moment < until else None


def _summed(
    tx: Session, patients: Sequence[str], courses: Sequence[CourseRow], until: datetime, before: datetime
) -> dict[str, CourseMoments]:
    """The moments of the courses whose first infusion began before ``before`` (so none of them is in the
    report) and that are not their patient's last (whose every day decides whether it has ended), added
    up in the database: over ten years most of a report's patients' sessions are of such courses."""
    began = case((col(InfusionSession.began_at) < until, InfusionSession.began_at))
    treated = case((col(InfusionSession.outcome).in_(TREATED), func.coalesce(began, InfusionSession.opened_at)))
    moments = (type_coerce(moment, UTCDateTime) for moment in (func.min(began), func.min(treated), func.max(treated)))
    summed = select(InfusionSession.course_id, *moments)
    earlier = select(InfusionSession.id).where(col(InfusionSession.opened_at) < before).limit(1)
    if _rows(tx, earlier).first() is None:
        return {}  # no session at all opened before the period (a report over the whole history)
    last = {course.patient_id: course for course in sorted(courses, key=lambda c: (c.recorded_at, c.id))}
    keep = {course.id for course in last.values()}
    found: dict[str, CourseMoments] = {}
    for chunk in _chunks(patients):  # a patient's sessions are all in one chunk: each course is summed whole
        query = (
            summed.where(
                col(InfusionSession.patient_id).in_(chunk),
                col(InfusionSession.opened_at) < until,
                col(InfusionSession.course_id).is_not(None),
            )
            .group_by(col(InfusionSession.patient_id), col(InfusionSession.course_id))
            .having(func.min(began) < before)
        )
        found.update(
            (row[0], CourseMoments(*row))
            for row in _rows(tx, query)
            if row[1] is not None and row[1] < before and row[0] not in keep
        )
    return found


SESSION_COLUMNS = (
    InfusionSession.id,
    InfusionSession.patient_id,
    InfusionSession.course_id,
    InfusionSession.opened_at,
    InfusionSession.outcome,
    InfusionSession.began_at,
)
"""A session as ``SessionRow`` holds it, its last the moment its infusion first began."""


def _sessions(tx: Session, patients: Sequence[str], course_ids: set[str], until: datetime) -> tuple[SessionRow, ...]:
    """The sessions of the courses named (all of ``patients``'), with the moment each infusion first began
    (on the session's row).

    The sessions are found by patient, on the index that holds every column read (a third of the time of
    finding them by course, which fetched each row from the table), and those of other courses dropped."""
    found: list[SessionRow] = []
    opened_before = col(InfusionSession.opened_at) < until
    for chunk in _chunks(patients):
        query = select(*SESSION_COLUMNS).where(col(InfusionSession.patient_id).in_(chunk), opened_before)
        found += (SessionRow(*row[:5], _before(row[5], until)) for row in _rows(tx, query) if row[2] in course_ids)
    return tuple(found)


def _counted_entries(
    tx: Session, ours: set[str], kept: set[str], until: datetime, counted_from: datetime
) -> tuple[tuple[AdverseRow, ...], tuple[StopRow, ...], tuple[SessionRow, ...]]:
    """Of the entries of the sessions ``ours`` and of the courses ``kept`` (read as their summaries), only
    the adverse events and early stops from ``counted_from`` on with their payloads (few: the payload of
    the other entries is never read), each adverse event marked when a correction or an addendum names it;
    and the sessions of ``kept`` courses they name, for the safety figures to find each one's course.

    The entries are found on the index of kind and moment, and kept when their session is one of the
    patients': joining each to its session in the database took longer than the reading. The sessions
    named that are not ``ours`` are then read by id, a few thousand at most."""
    in_period = (col(SessionEvent.occurred_at) >= counted_from, col(SessionEvent.occurred_at) < until)
    corrections = select(SessionEvent.session_id, SessionEvent.corrects).where(
        col(SessionEvent.type).in_(CORRECTING_KINDS), *in_period, col(SessionEvent.corrects).is_not(None)
    )
    events = select(
        SessionEvent.id,
        SessionEvent.session_id,
        SessionEvent.type,
        SessionEvent.occurred_at,
        cast(SessionEvent.payload, Text),
    ).where(col(SessionEvent.type).in_(COUNTED_KINDS), *in_period)
    found = list(_rows(tx, events))
    named = _sessions_named(tx, {row[1] for row in found} - ours, kept, until)
    ours = ours | {s.id for s in named}
    corrected = {target for session_id, target in _rows(tx, corrections) if session_id in ours}
    adverse: list[AdverseRow] = []
    stops: list[StopRow] = []
    for event_id, session_id, kind, at, stored in found:
        if session_id not in ours:
            continue
        data = json.loads(stored)
        if kind == EventType.ADVERSE_EVENT.value:
            what = data.get("what", data["item"])
            adverse.append(AdverseRow(session_id, data["item"], what, data["severity"], at, event_id in corrected))
        else:
            stops.append(StopRow(session_id, data["reason"], at))
    return tuple(adverse), tuple(stops), named


def _sessions_named(tx: Session, session_ids: set[str], kept: set[str], until: datetime) -> tuple[SessionRow, ...]:
    """Of the sessions named, those of the ``kept`` courses, opened before the cut-off."""
    if not kept:
        return ()
    found: list[SessionRow] = []
    opened_before = col(InfusionSession.opened_at) < until
    for chunk in _chunks(sorted(session_ids)):
        query = select(*SESSION_COLUMNS).where(col(InfusionSession.id).in_(chunk), opened_before)
        found += (SessionRow(*row[:5], _before(row[5], until)) for row in _rows(tx, query) if row[2] in kept)
    return tuple(found)


def _patient_records(
    tx: Session, patients: Sequence[str], whose: set[str], until: datetime, counted_from: datetime
) -> tuple[tuple[NotGivenRow, ...], tuple[StoredSitting, ...]]:
    """The days not given of the patients' courses, and the sittings of outcome forms of ``whose`` (the same
    patients) from ``counted_from`` on, found on the index of their moments, with their scores in short
    (``sitting_scores``), read only for the sittings the report counts (``StoredSitting``)."""
    days = select(
        PatientEventRecord.course_id, PatientEventRecord.patient_id, PatientEventRecord.type, PatientEventRecord.payload
    ).where(
        col(PatientEventRecord.type).in_(NOT_GIVEN_KINDS),
        col(PatientEventRecord.occurred_at) < until,
        col(PatientEventRecord.course_id).is_not(None),
    )
    not_given = tuple(
        NotGivenRow(patient_id, course_id, int(data["day"]), kind == EventType.DAY_CANCELLED.value)
        for chunk in _chunks(patients)
        for course_id, patient_id, kind, data in _rows(tx, days.where(col(PatientEventRecord.patient_id).in_(chunk)))
    )
    forms = select(SittingScores.patient_id, SittingScores.taken_at, SittingScores.scores).where(
        col(SittingScores.taken_at) >= counted_from, col(SittingScores.taken_at) < until
    )
    seen = ScoresSeen()
    # By patient, on the index of moments that holds the patient too: the sittings of other patients (most of
    # them, where most courses are kept) are passed over in the index, never read from the table.
    sittings = tuple(
        StoredSitting(pid, at, stored, seen)
        for chunk in _chunks(sorted(whose))
        for pid, at, stored in _rows(tx, forms.where(col(SittingScores.patient_id).in_(chunk)))
    )
    return not_given, sittings
