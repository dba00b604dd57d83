"""The outcome report's kept courses (``course_outcome``) and each patient's basis (``patient_basis``): found for a
report's period, written once a report has counted them, and the basis moved by every record they hang on.

Why a row can be trusted without a lock: a report reads the patients' bases before it reads anything it
counts, and keeps each row with the basis it read. A record written meanwhile moves the basis in its own
transaction, so a row counted from records that changed under the report names a basis that is no longer the
patient's, and no report reads it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection, Table, func, select
from sqlmodel import Session

from core.outcomes.course_table import INPUTS
from core.outcomes.grid import NO_SHAPE, SHAPE_CELL
from core.outcomes.kept import READ, KeptCourse, KeptRule, holds_from, local_midnight_after, shapes_key
from core.persistence.tables import (
    Course,
    CourseFacts,
    CourseOutcome,
    CourseOutcomeShapes,
    PatientBasis,
    PatientEventRecord,
)
from core.persistence.upsert import insert_for

_KEPT: Table = CourseOutcome.__table__  # type: ignore[attr-defined]
_BASIS: Table = PatientBasis.__table__  # type: ignore[attr-defined]
_SHAPES: Table = CourseOutcomeShapes.__table__  # type: ignore[attr-defined]
SHAPES_AT = READ.index("shapes_key")
_FACTS: Table = CourseFacts.__table__  # type: ignore[attr-defined]
_COURSES: Table = Course.__table__  # type: ignore[attr-defined]
_PATIENT_EVENTS: Table = PatientEventRecord.__table__  # type: ignore[attr-defined]
CHUNK = 5_000
"""Patients per query, and rows per insert."""


class KeptFound(NamedTuple):
    """What the kept rows give a report: the courses they stand for (each as ``core.outcomes.kept.READ``
    names its first values), the patients whose courses in the period must be counted from their records (one of
    them has no row that holds), and those patients' bases."""

    kept: tuple[Sequence[Any], ...]
    recount: tuple[str, ...]
    bases: dict[str, int]
    shapes: dict[str, str]
    """Each kept course's list of shapes by its key (``course_outcome_shapes``)."""


def kept_for_period(
    tx: Session, rule: KeptRule, began_from: datetime, began_before: datetime, until: datetime
) -> KeptFound:
    """The courses whose first infusion began from ``began_from`` to ``began_before`` (a margin wider than the
    report's period: the report decides by the local day), each with its kept row where one holds for a
    report with cut-off ``until`` under ``rule``. The bases are read first.

    Four reads, joined here (joined in the database, the same took three times as long): the bases; the
    courses begun in the span (``course_facts``, from its index alone); the lists of shapes, each read only
    when it is what its key names; and the rows kept under ``rule`` in the span, each read only when its
    bytes make a row of the grid whose cells name shapes its list has (a row cut short would shift every
    course after it). The patients of the courses without a row that holds are read last: a course's
    patient never changes."""
    connection = tx.connection()
    bases = dict(connection.execute(select(_BASIS.c.patient_id, _BASIS.c.changes)).all())
    begun_in = (_FACTS.c.first_started >= began_from, _FACTS.c.first_started < began_before)
    begun = set(connection.execute(select(_FACTS.c.course_id).where(*begun_in)).scalars().all())
    shapes = _shapes_named(connection)
    rows = select(*(_KEPT.c[name] for name in READ), _KEPT.c.basis).where(
        _KEPT.c.rule_key == rule.key,
        _KEPT.c.first_infusion >= began_from,
        _KEPT.c.first_infusion < began_before,
        _KEPT.c.holds_from <= until,
    )
    holding: dict[str, Sequence[Any]] = {}
    for row in connection.execute(rows).all():  # each row: READ's values, then the basis it was kept with
        if row[0] in begun and row[-1] == bases.get(row[1], 0) and row[SHAPES_AT] in shapes:
            holding[row[0]] = row
    for course_id in _misshapen(list(holding.values()), rule.cells, shapes):
        del holding[course_id]
    recount = _patients_of(connection, sorted(begun - holding.keys()))
    kept = tuple(row for row in holding.values() if row[1] not in recount)
    named = {key: text for key, (text, _) in shapes.items()}
    return KeptFound(kept, tuple(sorted(recount)), {p: bases.get(p, 0) for p in recount}, named)


def _shapes_named(connection: Connection) -> dict[str, tuple[str, int]]:
    """Each kept list of shapes whose text is what its key names (its SHA-256), with how many it lists."""
    found = {}
    for key, text in connection.execute(select(_SHAPES.c.shapes_key, _SHAPES.c.shapes)).all():
        if shapes_key(text) == key:
            found[key] = (text, len(json.loads(text)))
    return found


def _misshapen(rows: list[Sequence[Any]], cells: int, shapes: dict[str, tuple[str, int]]) -> list[str]:
    """The courses among ``rows`` whose bytes are not a row of a grid ``cells`` wide, or whose cells name a
    shape their list does not have. Column by column, as arrays: a report reads some 60,000."""
    import numpy as np

    if not rows:
        return []
    columns = list(zip(*rows, strict=True))
    count = len(rows)
    bad = np.zeros(count, dtype=bool)
    for name, size in (
        ("inputs", 4 * len(INPUTS)),
        ("t_scores", 4 * cells),
        ("ses", 4 * cells),
        ("shape_of", 2 * cells),
    ):
        bad |= np.fromiter(map(len, columns[READ.index(name)]), dtype=np.int64, count=count) != size
    whole = np.flatnonzero(~bad)
    if cells and whole.size:
        shape_of = columns[READ.index("shape_of")]
        local = np.frombuffer(b"".join(shape_of[i] for i in whole.tolist()), dtype=SHAPE_CELL).reshape(-1, cells)
        keys = columns[SHAPES_AT]
        listed = np.fromiter((shapes[keys[i]][1] for i in whole.tolist()), dtype=np.int64, count=whole.size)
        bad[whole] = (local.max(axis=1) >= listed) | (local.min(axis=1) < NO_SHAPE)
    return [course_id for course_id, no in zip(columns[0], bad.tolist(), strict=True) if no]


def _patients_of(connection: Connection, course_ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(course_ids), CHUNK):
        chunk = list(course_ids[start : start + CHUNK])
        found.update(connection.execute(select(_COURSES.c.patient_id).where(_COURSES.c.id.in_(chunk))).scalars())
    return found


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
    values, shapes = [], {}
    for k, basis, holds in rows:
        key = shapes_key(k.shapes)
        shapes[key] = k.shapes
        said = {name: value for name, value in k._asdict().items() if name != "shapes"}
        values.append({**said, "shapes_key": key, "rule_key": rule_key, "basis": basis, "holds_from": holds})
    named = insert_for(connection, _SHAPES)
    # Over a list changed by hand (no report reads one that is not what its key names); in the keys' order, so
    # two reports keeping at once take their locks in one order.
    named = named.on_conflict_do_update(index_elements=["shapes_key"], set_={"shapes": named.excluded.shapes})
    if shapes:
        connection.execute(named, [{"shapes_key": key, "shapes": shapes[key]} for key in sorted(shapes)])
    statement = insert_for(connection, _KEPT)
    statement = statement.on_conflict_do_update(
        index_elements=["course_id"],
        set_={c.name: statement.excluded[c.name] for c in _KEPT.c if c.name != "course_id"},
    )
    for start in range(0, len(values), CHUNK):
        connection.execute(statement, values[start : start + CHUNK])
    return len(values)


def kept_course_outcomes(tx: Session) -> list[tuple[str, int, datetime, KeptCourse]]:
    """Every kept row: (rule key, basis, holds from, the course's part). A row whose list of shapes is not kept
    says its shapes are empty text, which no report writes."""
    said = [_KEPT.c[name] if name != "shapes" else func.coalesce(_SHAPES.c.shapes, "") for name in KeptCourse._fields]
    columns = select(_KEPT.c.rule_key, _KEPT.c.basis, _KEPT.c.holds_from, *said).outerjoin(
        _SHAPES, _SHAPES.c.shapes_key == _KEPT.c.shapes_key
    )
    texts: dict[str, str] = {}  # a few dozen lists of tables, each over a thousand characters: one copy each
    return [
        (key, basis, holds, KeptCourse(*row[:-1], texts.setdefault(row[-1], row[-1])))
        for key, basis, holds, *row in tx.connection().execute(columns)
    ]


def outcome_bases(tx: Session) -> dict[str, int]:
    """Every patient's basis (a patient with none has 0)."""
    return {
        patient_id: changes
        for patient_id, changes in tx.connection().execute(select(_BASIS.c.patient_id, _BASIS.c.changes))
    }
