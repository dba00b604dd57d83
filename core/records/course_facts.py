"""Each course's sessions as the outcome report counts them, kept one row per course (``course_facts``).

A row is worked out by one rule (``core.outcomes.cohort.summarize``) from the course's order and its
sessions' openings, outcomes and infusion starts, and moved in the transaction of every record that changes
one of those (``core.unit_of_work.Work``): never by an entry that moves none of them, so a set of vital signs
costs nothing more. A history or a migration writes every row at once (``write_all_course_facts``);
``course_facts_out_of_step`` recounts them from the records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert
from sqlmodel import Session, col, select

from core.outcomes.cohort import CourseSummary, summarize
from core.persistence.tables import Course, CourseFacts, InfusionSession

CHUNK = 5_000
"""Course ids per query, and rows per insert."""

_FACTS = CourseFacts.__table__  # type: ignore[attr-defined]


def _chunks(ids: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def recount_course_facts(tx: Session, course_ids: Collection[str] | None = None) -> list[CourseSummary]:
    """The courses' summaries (every course's, without ``course_ids``) as their records stand now."""
    connection = tx.connection()
    courses = select(Course.id, Course.recorded_at)
    sessions = select(InfusionSession.course_id, InfusionSession.id, InfusionSession.opened_at)
    sessions = sessions.add_columns(InfusionSession.outcome, InfusionSession.began_at)
    if course_ids is None:
        ordered = list(connection.execute(courses))
        found = connection.execute(sessions.where(col(InfusionSession.course_id).is_not(None)))
        return _summaries(ordered, found)
    made: list[CourseSummary] = []
    for chunk in _chunks(sorted(course_ids)):
        ordered = list(connection.execute(courses.where(col(Course.id).in_(chunk))))
        found = connection.execute(sessions.where(col(InfusionSession.course_id).in_(chunk)))
        made += _summaries(ordered, found)
    return made


def _summaries(
    courses: Iterable[tuple[str, datetime]], sessions: Iterable[tuple[str, str, datetime, str, datetime | None]]
) -> list[CourseSummary]:
    of_course: dict[str, list[tuple[str, datetime, str, datetime | None]]] = defaultdict(list)
    for course_id, *session in sessions:
        of_course[course_id].append(tuple(session))  # type: ignore[arg-type]
    return [summarize(course_id, recorded_at, of_course.get(course_id, ())) for course_id, recorded_at in courses]


def refresh_course_facts(tx: Session, course_ids: Collection[str]) -> None:
    """The named courses' rows worked out again from their records, in the caller's transaction."""
    if not course_ids:
        return
    tx.flush()  # the session's pending rows (a course just ordered, a session just opened) are counted
    summaries = recount_course_facts(tx, course_ids)
    connection = tx.connection()
    connection.execute(delete(_FACTS).where(_FACTS.c.course_id.in_(list(course_ids))))
    _insert(connection, summaries)


def write_all_course_facts(tx: Session) -> int:
    """Every course's row worked out again at once (a made-up history just written); how many."""
    summaries = recount_course_facts(tx)
    connection = tx.connection()
    connection.execute(delete(_FACTS))
    _insert(connection, summaries)
    return len(summaries)


def _insert(connection: Connection, summaries: Sequence[CourseSummary]) -> None:
    for start in range(0, len(summaries), CHUNK):
        connection.execute(insert(_FACTS), [s._asdict() for s in summaries[start : start + CHUNK]])


def kept_course_facts(tx: Session) -> dict[str, CourseSummary]:
    """Every course's row as kept."""
    columns = [_FACTS.c[name] for name in CourseSummary._fields]
    return {row[0]: CourseSummary(*row) for row in tx.connection().execute(select(*columns))}


def course_facts_out_of_step(tx: Session) -> list[tuple[str, Any, Any]]:
    """The courses whose kept row is not what their records add up to now, each as (course, the row kept
    or None, the row recounted or None), in the courses' order: the check that the projection holds what
    the records say (``core.audit.verify`` and the tests run it)."""
    kept = kept_course_facts(tx)
    recounted = {s.course_id: s for s in recount_course_facts(tx)}
    return [
        (course_id, kept.get(course_id), recounted.get(course_id))
        for course_id in sorted(kept.keys() | recounted.keys())
        if kept.get(course_id) != recounted.get(course_id)
    ]
