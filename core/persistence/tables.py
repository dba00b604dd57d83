"""The tables. Records of care are inserted only: the event table is append-only (triggers enforce it).

``infusion_session`` is a projection of each session's events kept in the same transaction, so the
board and the day log need not replay every log; the events stay the truth.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.persistence.store_index import StoreIndex
from core.persistence.types import UTCDateTime

ACTIVE = {"sqlite": "active = 1", "postgresql": "active"}
"""An open session, as each store's partial indexes say it (SQLite keeps a boolean as 0 or 1)."""
SAVED_APART = dict.fromkeys(("sqlite", "postgresql"), "recorded_at <> occurred_at")
"""An entry saved at another moment than it records (kept in a journal, added late), as each store says it."""
SECOND_PUMP_READING = {
    "sqlite": "type = 'pump.programmed' AND json_extract(payload, '$.second') IS NOT NULL",
    "postgresql": "type = 'pump.programmed' AND (payload ->> 'second') IS NOT NULL",
}
"""A pump reading a second nurse also read, as each store says it: the quality report's denominator of the
second readings, counted by period from a partial index instead of each reading's payload (ten years are
290,000 readings, and reading their rows took most of a second). A read must say it in these words for the
store to know the index holds it (``records.second_pump_readings``)."""
LATE_POINT = dict.fromkeys(("sqlite", "postgresql"), "status = 'late'")
"""A scheduled point answered late, as each store says it: the quality report reads a period's late points
one by one, some 11,000 among three million over ten years, from a partial index that holds them alone (the
read says it in these words: ``records.schedule_points_between``)."""
PATTERNS = "text_pattern_ops"
"""PostgreSQL's operator class that answers LIKE 'x%' from an index whatever the server's collation."""


class Staff(SQLModel, table=True):
    """A person's account. Never deleted: records name whoever made them, so accounts are deactivated.

    Only hashes of secrets are kept (argon2). Changes to an account are written to the audit trail.
    """

    __tablename__ = "staff"
    __table_args__ = (UniqueConstraint("username", name="uq_staff_username"),)

    id: str = Field(primary_key=True, max_length=36)
    display_name: str = Field(max_length=120)
    role: str = Field(max_length=20)
    active: bool = True
    created_at: datetime = Field(sa_type=UTCDateTime)
    username: str | None = Field(default=None, max_length=40)
    password_hash: str | None = Field(default=None, max_length=200)
    pin_hash: str | None = Field(default=None, max_length=200)
    must_change_password: bool = False
    failed_sign_ins: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_sign_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    password_changed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deactivated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Patient(SQLModel, table=True):
    """A registered patient. The keys are the record number and names as searched for (``core.identify.
    record_number_key``, ``core.matching.name_key``), written with the row, so a wristband scan, a typed
    number or a name's first letters are found by an index among tens of thousands of patients."""

    __tablename__ = "patient"
    __table_args__ = (
        # Prefix searches (LIKE 'x%') use these on PostgreSQL whatever the server's collation.
        StoreIndex("ix_patient_family_key", "family_key", options={"postgresql": {"ops": {"family_key": PATTERNS}}}),
        StoreIndex("ix_patient_given_key", "given_key", options={"postgresql": {"ops": {"given_key": PATTERNS}}}),
    )

    id: str = Field(primary_key=True, max_length=36)
    mrn: str = Field(max_length=40, unique=True)
    family_name: str = Field(max_length=120)
    given_name: str = Field(max_length=120)
    birth_date: date = Field(index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by: str = Field(foreign_key="staff.id", max_length=36)
    mrn_key: str = Field(max_length=120, index=True)
    family_key: str = Field(max_length=120)
    given_key: str = Field(max_length=120)


class PatientDetails(SQLModel, table=True):
    """Sex and allergies as a nurse confirmed them with the patient, with who and when. Written once; a
    later confirmation is a new row, so the banner reads the newest and the earlier ones stay."""

    __tablename__ = "patient_details"

    id: str = Field(primary_key=True, max_length=36)
    patient_id: str = Field(foreign_key="patient.id", max_length=36, index=True)
    sex: str = Field(max_length=16)
    allergies: str = Field(max_length=500)
    """What the patient is allergic to, as the nurse wrote it; empty when none are known."""
    no_known_allergies: bool
    confirmed_by: str = Field(foreign_key="staff.id", max_length=36)
    confirmed_at: datetime = Field(sa_type=UTCDateTime)


class Course(SQLModel, table=True):
    """A prescriber's order for a course of sessions, as transcribed; a new order is a new row."""

    __tablename__ = "course"
    __table_args__ = (
        # A course's number among its patient's courses, counted from the index alone (the follow-up list).
        Index("ix_course_patient_id_recorded_at_id", "patient_id", "recorded_at", "id"),
    )

    id: str = Field(primary_key=True, max_length=36)
    patient_id: str = Field(foreign_key="patient.id", max_length=36, index=True)
    protocol_id: str = Field(max_length=80)
    protocol_version: str = Field(max_length=20)
    prescriber: str = Field(max_length=120)
    first_day: date
    days: int
    recorded_by: str = Field(foreign_key="staff.id", max_length=36)
    recorded_at: datetime = Field(sa_type=UTCDateTime)


class ProtocolCopy(SQLModel, table=True):
    """The text of every protocol a session ran under, kept with the records: a later version (or an
    edited file) never changes how an earlier session replays. Written once, never changed."""

    __tablename__ = "protocol_copy"

    content_hash: str = Field(primary_key=True, max_length=64)
    protocol_id: str = Field(max_length=80)
    protocol_version: str = Field(max_length=20)
    text: str
    stored_at: datetime = Field(sa_type=UTCDateTime)


class InfusionSession(SQLModel, table=True):
    __tablename__ = "infusion_session"
    __table_args__ = (
        # One open session per chair and per patient, across every workstation.
        StoreIndex("uq_session_active_chair", "chair", unique=True, where=ACTIVE),
        StoreIndex("uq_session_active_patient", "patient_id", unique=True, where=ACTIVE),
        # A course's treated sessions and when each opened, from the index alone (the follow-up list).
        Index("ix_infusion_session_course_id_outcome_opened_at_id", "course_id", "outcome", "opened_at", "id"),
        # What each of a patient's courses' sessions add up to (the outcome report), from the index alone.
        Index(
            "ix_infusion_session_patient_course_moments",
            "patient_id",
            "course_id",
            "outcome",
            "opened_at",
            "began_at",
            "id",
        ),
    )

    id: str = Field(primary_key=True, max_length=36)
    patient_id: str = Field(foreign_key="patient.id", max_length=36, index=True)
    chair: int
    protocol_id: str = Field(max_length=80)
    protocol_version: str = Field(max_length=20)
    protocol_hash: str = Field(max_length=64)
    step: str = Field(max_length=20)
    outcome: str = Field(max_length=20)
    active: bool = True
    opened_at: datetime = Field(sa_type=UTCDateTime, index=True)
    opened_by: str = Field(foreign_key="staff.id", max_length=36)
    last_seq: int = 0
    updated_at: datetime = Field(sa_type=UTCDateTime)
    course_id: str | None = Field(default=None, foreign_key="course.id", max_length=36, index=True)
    began_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


class SessionEvent(SQLModel, table=True):
    __tablename__ = "session_event"
    __table_args__ = (
        UniqueConstraint("session_id", "seq", name="uq_event_session_seq"),
        # Entries of a kind in a period, and whose (the follow-up list's infusion starts), from the index alone.
        Index("ix_session_event_type_occurred_at_session_id", "type", "occurred_at", "session_id"),
        # The few entries saved at another moment than they record (journal, late): a report counts them.
        StoreIndex("ix_session_event_saved_apart", "occurred_at", where=SAVED_APART),
        # The pump readings with a second nurse's reading, by moment (and whose), from the index alone.
        StoreIndex("ix_session_event_second_pump", "type", "occurred_at", "session_id", where=SECOND_PUMP_READING),
    )

    id: str = Field(primary_key=True, max_length=36)
    session_id: str = Field(foreign_key="infusion_session.id", max_length=36, index=True)
    seq: int
    type: str = Field(max_length=40, index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    recorded_by: str = Field(foreign_key="staff.id", max_length=36)
    workstation: str = Field(max_length=80)
    corrects: str | None = Field(default=None, foreign_key="session_event.id", max_length=36)
    reason: str | None = None


class PatientEventRecord(SQLModel, table=True):
    """A record on a patient's own stream (a course day not given and why), kept like a session's events:
    inserted only, ``seq`` unique per patient so two writers cannot both take the same place."""

    __tablename__ = "patient_event"
    __table_args__ = (
        UniqueConstraint("patient_id", "seq", name="uq_patient_event_seq"),
        # Records of a kind in a period (the follow-up list's outcome forms), without reading every one; and
        # a patient's records of a kind in order (the contact route in force), without reading the others.
        Index("ix_patient_event_type_occurred_at", "type", "occurred_at"),
        Index("ix_patient_event_type_patient_id_seq", "type", "patient_id", "seq"),
    )

    id: str = Field(primary_key=True, max_length=36)
    patient_id: str = Field(foreign_key="patient.id", max_length=36, index=True)
    course_id: str | None = Field(default=None, foreign_key="course.id", max_length=36, index=True)
    seq: int
    type: str = Field(max_length=40, index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    recorded_by: str = Field(foreign_key="staff.id", max_length=36)
    workstation: str = Field(max_length=80)
    corrects: str | None = Field(default=None, foreign_key="patient_event.id", max_length=36)
    reason: str | None = None


class SittingScores(SQLModel, table=True):
    """What an outcome-form sitting (a patient's ``outcome.assessed`` record) says of its forms' scores, kept
    beside the record in short (``core.outcomes.cohort.scores_text``): a report over a year of a ten-year
    clinic reads some 15,000 sittings, and parsing each record's answers with its scores was a fifth of the
    report. Written with the record, in its transaction; ``core.audit.verify`` checks it against the record."""

    __tablename__ = "sitting_scores"
    __table_args__ = (Index("ix_sitting_scores_taken_at_patient_id", "taken_at", "patient_id"),)

    id: str = Field(primary_key=True, foreign_key="patient_event.id", max_length=36)
    patient_id: str = Field(foreign_key="patient.id", max_length=36)
    taken_at: datetime = Field(sa_type=UTCDateTime)
    scores: str


class CourseFacts(SQLModel, table=True):
    """What each course's sessions add up to for the outcome report (``core.outcomes.cohort.CourseSummary``),
    one row per course, moved in the transaction of each record that changes it (a course ordered, a session
    of it opened, its outcome or the moment its infusion began moved): a report over ten years reads some
    60,000 of these instead of 290,000 sessions. ``core.records.course_facts_out_of_step`` recounts them
    from the records."""

    __tablename__ = "course_facts"
    # The courses begun in a period, read from the index alone (the outcome report's kept courses' check).
    __table_args__ = (Index("ix_course_facts_first_started_course", "first_started", "course_id"),)

    course_id: str = Field(primary_key=True, foreign_key="course.id", max_length=36)
    fed_at: datetime = Field(sa_type=UTCDateTime)
    completed: int
    stopped_early: int
    started: int
    first_started: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    first_treated: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    last_treated: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    sessions: str


class CourseOutcome(SQLModel, table=True):
    """A course's part in the clinic's outcome report, as counted once its patient's records had settled
    (``core.outcomes.kept.KeptCourse``): its inputs to the figures (its counts and days, whether it was the
    patient's first and when the next began), packed, and its row of the report's grid of scores. A report
    over ten years reads these for the courses it has counted before instead of every course's sessions and
    sittings.

    A row stands only for what it was counted under (``rule_key``: the protocol, the scoring tables' domains
    and the clinic's time zone) and from (``basis``: the patient's ``patient_basis`` then), and for a report
    whose cut-off is at or after ``holds_from``; otherwise the report counts the course from its records. So
    the rows are never moved by a record: one that changes a patient's courses or forms moves the patient's
    basis, and a later report counts them again and keeps the new row."""

    __tablename__ = "course_outcome"
    __table_args__ = (Index("ix_course_outcome_rule_key_first_infusion", "rule_key", "first_infusion"),)

    course_id: str = Field(primary_key=True, foreign_key="course.id", max_length=36)
    patient_id: str = Field(foreign_key="patient.id", max_length=36, index=True)
    rule_key: str = Field(max_length=64)
    basis: int
    holds_from: datetime = Field(sa_type=UTCDateTime)
    first_infusion: datetime = Field(sa_type=UTCDateTime)
    inputs: bytes = Field(sa_type=LargeBinary)
    t_scores: bytes = Field(sa_type=LargeBinary)
    ses: bytes = Field(sa_type=LargeBinary)
    shape_of: bytes = Field(sa_type=LargeBinary)
    shapes_key: str = Field(max_length=64)
    """The SHA-256 of its cells' list of shapes, kept once in ``course_outcome_shapes``."""


class CourseOutcomeShapes(SQLModel, table=True):
    """Each list of shapes the kept courses' cells name (``core.outcomes.grid.KeptCells.shapes``), once, by its
    SHA-256: a clinic's courses share a few dozen, each over a thousand characters (the tables' names and the
    tables file's hash), which every kept course repeated."""

    __tablename__ = "course_outcome_shapes"

    shapes_key: str = Field(primary_key=True, max_length=64)
    shapes: str


class PatientBasis(SQLModel, table=True):
    """How many times a record that the outcome report counts was written for the patient: a course ordered,
    a session opened, an infusion begun or ended, a form answered, a day not given. Moved in that record's
    transaction; a kept course row (``course_outcome``) counted from another basis no longer stands."""

    __tablename__ = "patient_basis"

    patient_id: str = Field(primary_key=True, foreign_key="patient.id", max_length=36)
    changes: int


class VitalSet(SQLModel, table=True):
    """Each set of vital signs recorded (a ``vitals.recorded`` entry) in plain columns, kept beside the entry
    in its transaction: what a clinic's review of alarms counts over months and years (how often each
    limit fired, and what neighbouring limits would have done, replaying the readings) without reading and
    parsing every entry's payload. The entry stays the truth.

    ``before_start``: taken before the infusion first began, so part of the baseline a rise is measured
    from (a full set replaces it, a partial one adds what it measured). ``act`` and ``advise``: the vitals
    at each tier as the set was classified when recorded (comma-separated), under the protocol in force."""

    __tablename__ = "vital_set"
    __table_args__ = (Index("ix_vital_set_taken_at", "taken_at"),)

    id: str = Field(primary_key=True, foreign_key="session_event.id", max_length=36)
    session_id: str = Field(foreign_key="infusion_session.id", max_length=36)
    seq: int
    taken_at: datetime = Field(sa_type=UTCDateTime)
    recorded_by: str = Field(foreign_key="staff.id", max_length=36)
    before_start: bool
    partial: bool
    point_id: str | None = Field(default=None, max_length=60)
    systolic: float | None = None
    diastolic: float | None = None
    heart_rate: float | None = None
    respiratory_rate: float | None = None
    spo2: float | None = None
    sedation: float | None = None
    temperature: float | None = None
    act: str = Field(default="", max_length=120)
    advise: str = Field(default="", max_length=120)


class QualitySetDay(SQLModel, table=True):
    """Each UTC day's sets of vital signs (``vital_set``'s rows) packed into a few columns of machine numbers,
    appended to in each set's transaction: ten years are two million sets, and a review of alarms over them
    read each as a row of nineteen values, most of its time spent making Python objects. Read back as arrays
    (``core.records.set_days``), a day at a time. ``records.set_days_recounted`` holds the rows to
    ``vital_set``.

    ``words``: the day's distinct texts (sessions, nurses, points, the ``act`` and ``advise`` columns), one a
    line, which ``numbers`` name by their place; per set, in the order appended: ``ids`` 36 bytes (the id,
    space-padded), ``moments`` a little-endian int64 (microseconds since 1970 UTC), ``numbers`` six int32
    (seq, session, nurse, point or -1, act, advise), ``flags`` one byte (1: before the start, 2: partial),
    ``readings`` a float64 per vital in ``vital_set``'s order (NaN: not measured)."""

    __tablename__ = "quality_set_day"

    day: date = Field(primary_key=True)
    sets: int
    words: str
    ids: bytes
    moments: bytes
    numbers: bytes
    flags: bytes
    readings: bytes


class ScheduledPointRecord(SQLModel, table=True):
    """Each scheduled point of a signed session (a set of vital signs, a side-effect check, a recheck an
    alarm asked for) as it stood at signing, written with the signature: on time (``done``), ``late`` or
    ``missed``, when it fell and when it was answered (``core.schedule_points`` says which points have a
    row). A clinic's review of timeliness reads it by period instead of replaying every session; a later
    protocol never changes it. The entries stay the truth (``audit verify`` replays them)."""

    __tablename__ = "schedule_point"
    # As they fell, with all a count of them reads: a period's points counted from the index alone, in order.
    __table_args__ = (
        Index("ix_schedule_point_as_they_fell", "due_at", "session_id", "schedule", "point_id", "status"),
        # The late points alone, as they fell: the few a report reads in full.
        StoreIndex("ix_schedule_point_late", "due_at", "session_id", "schedule", "point_id", where=LATE_POINT),
    )

    session_id: str = Field(primary_key=True, foreign_key="infusion_session.id", max_length=36)
    schedule: str = Field(primary_key=True, max_length=20)
    point_id: str = Field(primary_key=True, max_length=60)
    due_at: datetime = Field(sa_type=UTCDateTime)
    taken_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: str = Field(max_length=10)
    late_seconds: int | None = None


class QualityPointDay(SQLModel, table=True):
    """The scheduled points that fell on each day (UTC) counted by schedule, point and status, with the first
    of them as they fell (its moment and session), moved with each signature's points: a review of
    timeliness over years sums these (ten years are some 100,000) instead of reading three million points,
    and reads the points themselves only for the part of a day at each end of its period.
    ``records.point_counts_recounted`` holds the rows to ``schedule_point``."""

    __tablename__ = "quality_point_day"

    day: date = Field(primary_key=True)
    schedule: str = Field(primary_key=True, max_length=20)
    point_id: str = Field(primary_key=True, max_length=60)
    status: str = Field(primary_key=True, max_length=10)
    points: int
    first_due: datetime = Field(sa_type=UTCDateTime)
    first_session: str = Field(max_length=36)


class QualityPointSpan(SQLModel, table=True):
    """When each signed session's first and last scheduled points fell, written with them: the sessions with a
    point in a period are counted from these (on the index of first and last), not found among every point."""

    __tablename__ = "quality_point_span"
    __table_args__ = (Index("ix_quality_point_span_first_last", "first_due", "last_due"),)

    session_id: str = Field(primary_key=True, foreign_key="infusion_session.id", max_length=36)
    first_due: datetime = Field(sa_type=UTCDateTime)
    last_due: datetime = Field(sa_type=UTCDateTime)


class QualityFact(SQLModel, table=True):
    """Each care entry that may matter to the clinic's quality report (an override given, a mismatch found, a
    controlled-substance problem, a pump found after a restart, a correction: ``core.quality.notable``), kept
    beside it in its transaction by kind and moment: a report over months or years reads these few instead of
    every entry of their kinds (ten years are millions), each then judged by its typed payload. The entry
    stays the truth (``records.quality_facts_recounted`` holds the rows to the entries)."""

    __tablename__ = "quality_fact"
    __table_args__ = (Index("ix_quality_fact_type_occurred_at", "type", "occurred_at"),)

    id: str = Field(primary_key=True, foreign_key="session_event.id", max_length=36)
    session_id: str = Field(foreign_key="infusion_session.id", max_length=36)
    type: str = Field(max_length=40)
    occurred_at: datetime = Field(sa_type=UTCDateTime)


class ClinicSetting(SQLModel, table=True):
    """Clinic-wide settings as a history: the newest row per key is in force."""

    __tablename__ = "clinic_setting"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=60, index=True)
    value: Any = Field(sa_column=Column(JSON, nullable=False))
    changed_by: str | None = Field(default=None, foreign_key="staff.id", max_length=36)
    changed_at: datetime = Field(sa_type=UTCDateTime)
    reason: str | None = None


class AuditEntry(SQLModel, table=True):
    """One line of the audit trail, chained to the line before by a hash (see ``core.audit``).

    ``seq`` is the chain position: a unique key, so two writers can never fork the chain.
    """

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_action_at", "action", "at"),)

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    actor_id: str | None = Field(default=None, foreign_key="staff.id", max_length=36, index=True)
    action: str = Field(max_length=40)
    workstation: str = Field(max_length=80)
    patient_id: str | None = Field(default=None, foreign_key="patient.id", max_length=36, index=True)
    session_id: str | None = Field(default=None, foreign_key="infusion_session.id", max_length=36)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    prev_hash: str = Field(max_length=64)
    entry_hash: str = Field(max_length=64)
