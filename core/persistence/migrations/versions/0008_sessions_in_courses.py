"""Each session names its course; entries can be found by kind.

Revision ID: 0008
Revises: 0007

Until now a session was matched to its course by date whenever a course's record or a report needed it.
The clinic's outcome report counts sessions, days not given and outcome forms per course over years of
records, so each session now names its course (``infusion_session.course_id``, a foreign key, so nothing
but a real course's id can stand there). Sessions opened since the course order was kept on the opening
entry take the course it names; older ones take the patient's newest course ordered on or before the
day the session opened, as the date match did. A session with no course before it stays without one.

Adverse events and outcome forms are read by kind across all records (rates per session, course and
patient; the forms of every course): an index on each stream's ``type`` keeps that from reading every
entry ever recorded.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

from core.persistence.text_lengths import limit_lengths, unlimit_lengths

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

LIMITS = {"infusion_session": {"course_id": 36}}


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        course = sa.ForeignKey("course.id", name="fk_infusion_session_course_id")
        op.add_column("infusion_session", sa.Column("course_id", sqlmodel.sql.sqltypes.AutoString(length=36), course))
    else:
        # SQLite takes a reference in a plain ADD COLUMN, which alembic will not write; a batch rebuild would
        # drop the table's triggers and partial indexes (one open session per chair and per patient).
        op.execute("ALTER TABLE infusion_session ADD COLUMN course_id VARCHAR(36) REFERENCES course (id)")
    op.create_index("ix_infusion_session_course_id", "infusion_session", ["course_id"], unique=False)
    _limit_course_id()
    op.create_index("ix_session_event_type", "session_event", ["type"], unique=False)
    op.create_index("ix_patient_event_type", "patient_event", ["type"], unique=False)
    _name_each_sessions_course(op.get_bind())


def _limit_course_id() -> None:
    """The length the database enforces, as for every text column (``core.persistence.text_lengths``); on
    SQLite a trigger of its own, beside the ones 0006 gave the table's other columns."""
    if op.get_context().dialect.name == "postgresql":
        limit_lengths("infusion_session", LIMITS["infusion_session"])
        return
    for action in ("INSERT", "UPDATE"):
        op.execute(
            f"CREATE TRIGGER infusion_session_course_length_{action.lower()} BEFORE {action} ON infusion_session "
            "WHEN length(NEW.course_id) > 36 BEGIN "
            "SELECT RAISE(ABORT, 'text in infusion_session is longer than its column allows'); END"
        )


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        unlimit_lengths("infusion_session", LIMITS["infusion_session"])
    else:
        for action in ("insert", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS infusion_session_course_length_{action}")
    op.drop_index("ix_patient_event_type", table_name="patient_event")
    op.drop_index("ix_session_event_type", table_name="session_event")
    op.drop_index("ix_infusion_session_course_id", table_name="infusion_session")
    if op.get_context().dialect.name == "postgresql":
        op.drop_constraint("fk_infusion_session_course_id", "infusion_session", type_="foreignkey")
    op.drop_column("infusion_session", "course_id")  # SQLite 3.35+ drops a column that no index names


def _name_each_sessions_course(bind: sa.Connection) -> None:
    opened = bind.execute(
        sa.text(
            "SELECT s.id, s.patient_id, s.opened_at, e.payload FROM infusion_session s "
            "JOIN session_event e ON e.session_id = s.id AND e.type = 'session.opened'"
        )
    ).all()
    courses: dict[str, list[tuple[Any, str]]] = {}
    for course_id, patient_id, first_day in bind.execute(sa.text("SELECT id, patient_id, first_day FROM course")):
        courses.setdefault(patient_id, []).append((_day(first_day), course_id))
    for days in courses.values():
        days.sort()
    update = sa.text("UPDATE infusion_session SET course_id = :course_id WHERE id = :session_id")
    for session_id, patient_id, opened_at, payload in opened:
        named = _course_named(payload)
        course_id = named or _course_by_date(courses.get(patient_id, []), _moment(opened_at))
        if course_id is not None:
            bind.execute(update, {"course_id": course_id, "session_id": session_id})


def _course_named(payload: Any) -> str | None:
    data = json.loads(payload) if isinstance(payload, str) else payload
    course = (data or {}).get("course")
    return course.get("id") if isinstance(course, dict) else None


def _course_by_date(days: list[tuple[Any, str]], opened_at: datetime) -> str | None:
    """The newest course ordered to begin on or before the day the session opened (the clinic's day)."""
    on = opened_at.astimezone().date()
    found = None
    for first_day, course_id in days:
        if first_day <= on:
            found = course_id
    return found


def _moment(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _day(value: Any) -> Any:
    return value if not isinstance(value, str) else datetime.fromisoformat(value).date()
