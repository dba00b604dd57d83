"""The outcome report's kept courses (``course_outcome``) and each patient's basis (``patient_basis``): found for a
report's period, written once a report has counted them, and the basis moved by every record they hang on.

Why a row can be trusted without a lock: a report reads the patients' bases before it reads anything it
counts, and keeps each row with the basis it read. A record written meanwhile moves the basis in its own
transaction, so a row counted from records that changed under the report names a basis that is no longer the
patient's, and no report reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Table, func, select
from sqlmodel import Session

from core.outcomes.kept import KeptCourse, holds_from, local_midnight_after
from core.persistence.tables import Course, CourseFacts, CourseOutcome, PatientBasis, PatientEventRecord
from core.records.outcome_basis import upsert

_KEPT: Table = CourseOutcome.__table__  # type: ignore[attr-defined]
_BASIS: Table = PatientBasis.__table__  # type: ignore[attr-defined]
_FACTS: Table = CourseFacts.__table__  # type: ignore[attr-defined]
_COURSES: Table = Course.__table__  # type: ignore[attr-defined]
_PATIENT_EVENTS: Table = PatientEventRecord.__table__  # type: ignore[attr-defined]
CHUNK = 5_000
"""Patients per query, and rows per insert."""


class KeptFound(NamedTuple):
    """What the kept rows give a report: the courses they stand for, the patients whose courses in the period
    must be counted from their records (one of them has no row that holds), and those patients' bases."""

    kept: tuple[KeptCourse, ...]
    recount: tuple[str, ...]
    bases: dict[str, int]


def kept_for_period(
    tx: Session, rule_key: str, began_from: datetime, began_before: datetime, until: datetime
) -> KeptFound:
    """The courses whose first infusion began from ``began_from`` to ``began_before`` (a margin wider than the
    report's period: the report decides by the local day), each with its kept row where one holds for a
    report with cut-off ``until`` under ``rule_key``. The bases are read first, with the courses."""
    kept_columns = [_KEPT.c[name] for name in KeptCourse._fields]
    query = (
        select(
            _COURSES.c.id,
            _COURSES.c.patient_id,
            func.coalesce(_BASIS.c.changes, 0),
            _KEPT.c.basis,
            _KEPT.c.rule_key,
            _KEPT.c.holds_from,
            *kept_columns,
        )
        .select_from(_FACTS)
        .join(_COURSES, _COURSES.c.id == _FACTS.c.course_id)
        .outerjoin(_BASIS, _BASIS.c.patient_id == _COURSES.c.patient_id)
        .outerjoin(_KEPT, _KEPT.c.course_id == _FACTS.c.course_id)
        .where(_FACTS.c.first_started >= began_from, _FACTS.c.first_started < began_before)
    )
    kept: list[KeptCourse] = []
    recount: set[str] = set()
    bases: dict[str, int] = {}
    for _, patient_id, basis, kept_basis, key, holds, *row in tx.connection().execute(query):
        bases[patient_id] = basis
        if kept_basis == basis and key == rule_key and holds <= until:
            kept.append(KeptCourse(*row))
        else:
            recount.add(patient_id)
    return KeptFound(tuple(k for k in kept if k.patient_id not in recount), tuple(sorted(recount)), bases)


def outcomes_settled_at(tx: Session, patient_ids: Sequence[str]) -> dict[str, datetime]:
    """For each patient, the first cut-off their kept courses would hold for (``core.outcomes.kept.holds_from``):
    after their newest record the report counts (a course ordered, a session opened or begun, a record on the
    patient's own stream) and once the last day of their last course has passed."""
    connection = tx.connection()
    newest: dict[str, datetime] = {}
    last: dict[str, tuple[datetime, str, date, int]] = {}
    for start in range(0, len(patient_ids), CHUNK):
        chunk = list(patient_ids[start : start + CHUNK])
        courses = select(
            _COURSES.c.patient_id, _COURSES.c.recorded_at, _COURSES.c.id, _COURSES.c.first_day, _COURSES.c.days
        ).where(_COURSES.c.patient_id.in_(chunk))
        fed = (
            select(_COURSES.c.patient_id, func.max(_FACTS.c.fed_at))
            .join(_FACTS, _FACTS.c.course_id == _COURSES.c.id)
            .where(_COURSES.c.patient_id.in_(chunk))
            .group_by(_COURSES.c.patient_id)
        )
        own = (
            select(_PATIENT_EVENTS.c.patient_id, func.max(_PATIENT_EVENTS.c.occurred_at))
            .where(_PATIENT_EVENTS.c.patient_id.in_(chunk))
            .group_by(_PATIENT_EVENTS.c.patient_id)
        )
        for patient_id, recorded_at, course_id, first_day, days in connection.execute(courses):
            order = (recorded_at, course_id, first_day, days)
            if patient_id not in last or order[:2] > last[patient_id][:2]:
                last[patient_id] = order
        for patient_id, moment in [*connection.execute(fed), *connection.execute(own)]:
            if moment is not None and (patient_id not in newest or moment > newest[patient_id]):
                newest[patient_id] = moment
    found = {}
    for patient_id, (_, _, first_day, days) in last.items():
        if patient_id in newest:
            found[patient_id] = holds_from(
                newest[patient_id], local_midnight_after(first_day + timedelta(days=days - 1))
            )
    return found


def keep_course_outcomes(tx: Session, rule_key: str, rows: Iterable[tuple[KeptCourse, int, datetime]]) -> int:
    """The courses' rows written (over any kept before): each with the basis its patient had when the report
    read it, and the first cut-off it holds for. How many."""
    connection = tx.connection()
    values = [{**k._asdict(), "rule_key": rule_key, "basis": basis, "holds_from": holds} for k, basis, holds in rows]
    statement = upsert(connection, _KEPT)
    statement = statement.on_conflict_do_update(
        index_elements=["course_id"],
        set_={c.name: statement.excluded[c.name] for c in _KEPT.c if c.name != "course_id"},
    )
    for start in range(0, len(values), CHUNK):
        connection.execute(statement, values[start : start + CHUNK])
    return len(values)


def kept_course_outcomes(tx: Session) -> list[tuple[str, int, datetime, KeptCourse]]:
    """Every kept row: (rule key, basis, holds from, the course's part)."""
    columns = [_KEPT.c.rule_key, _KEPT.c.basis, _KEPT.c.holds_from, *(_KEPT.c[name] for name in KeptCourse._fields)]
    return [
        (key, basis, holds, KeptCourse(*row)) for key, basis, holds, *row in tx.connection().execute(select(*columns))
    ]


def outcome_bases(tx: Session) -> dict[str, int]:
    """Every patient's basis (a patient with none has 0)."""
    return {
        patient_id: changes
        for patient_id, changes in tx.connection().execute(select(_BASIS.c.patient_id, _BASIS.c.changes))
    }
