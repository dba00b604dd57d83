"""Each course's sessions kept as the outcome report counts them (``course_facts``): moved with every record
that changes them, built by the history and the migration as by the write path, and read by the report only
where nothing that fed a row lies after its cut-off. The report must say exactly the same either way: made
from the kept rows, and from the records (the rows taken away, so every course is read as before).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from alembic import command
from sqlalchemy import delete, inspect

from core import records
from core.care import Care
from core.clock import ManualClock
from core.events import EventType
from core.history.build import build_history
from core.machine import Step
from core.outcomes.cohort import AdverseRow, Cohort, StopRow, day_bounds, summarize
from core.outcomes.report import csv_bytes, outcome_report
from core.outcomes.windows import earliest_counted
from core.persistence.db import Database
from core.persistence.migrate import alembic_config
from core.persistence.tables import CourseFacts
from core.protocol import Protocol
from core.views import PatientView
from tests.helpers.answers import NORMAL
from tests.helpers.clinic import PRESCRIBER
from tests.helpers.sessions import session_at, signed
from tests.test_outcome_cohort_summed import made_up
from tests.test_outcome_metrics import (
    JAN,
    JUNE_END,
    YEAR,
    at,
    completion_cohort,
    forms_cohort,
    report,
    return_cohort,
)
from tests.test_outcome_report import DAY1, LAST, history, stricter_protocol_kept

pytestmark = pytest.mark.both_stores


# ---- the figures, from hand-built cohorts -----------------------------------------------------------------


def kept(cohort: Cohort) -> Cohort:
    """The cohort as the report reads it from ``course_facts``: every course as its summary, no session but
    those an adverse event or a stop names."""
    of: dict[str, list] = {}
    for s in cohort.sessions:
        if s.course_id is not None:
            of.setdefault(s.course_id, []).append((s.id, s.opened_at, s.outcome, s.started_at))
    summaries = {c.id: summarize(c.id, c.recorded_at, of.get(c.id, ())) for c in cohort.courses}
    named = {e.session_id for e in cohort.adverse_events} | {e.session_id for e in cohort.stops}
    return Cohort(
        courses=cohort.courses,
        adverse_events=cohort.adverse_events,
        stops=cohort.stops,
        not_given=cohort.not_given,
        assessments=cohort.assessments,
        summaries=summaries,
        event_sessions=tuple(s for s in cohort.sessions if s.id in named),
    )


def with_safety(cohort: Cohort, seed: int) -> Cohort:
    """``cohort`` with adverse events (some corrected) and early stops in a few of its sessions."""
    rng = random.Random(seed)
    chosen = rng.sample(list(cohort.sessions), k=min(30, len(cohort.sessions)))
    adverse = tuple(
        AdverseRow(
            s.id, "nausea", "Nausea or vomiting", rng.choice(("mild", "severe")), s.opened_at, rng.random() < 0.2
        )
        for s in chosen
    )
    stops = tuple(StopRow(s.id, rng.choice(("nausea", "asked to stop")), s.opened_at) for s in chosen[:10])
    return Cohort(cohort.courses, cohort.sessions, adverse, stops, cohort.not_given, cohort.assessments)


HAND_BUILT = [
    pytest.param(completion_cohort, (JAN, JUNE_END), id="completion"),
    pytest.param(return_cohort, YEAR, id="return"),
    pytest.param(forms_cohort, YEAR, id="forms"),
    *(
        pytest.param(lambda seed=seed: with_safety(made_up(seed), seed), period, id=f"made-up-{seed}-{period[0]}")
        for seed in (1, 2)
        for period in ((date(2024, 1, 1), date(2024, 12, 31)), (date(2023, 1, 1), date(2025, 12, 31)))
    ),
]


@pytest.mark.parametrize(("made", "period"), HAND_BUILT)
def test_the_figures_from_kept_courses_are_those_from_their_sessions(protocol: Protocol, made, period):
    whole = made()
    assert csv_bytes(report(protocol, kept(whole), *period)) == csv_bytes(report(protocol, whole, *period))


# ---- the rows, moved with the records ---------------------------------------------------------------------


def out_of_step(care: Care) -> list:
    with care.door.reading() as tx:
        return records.course_facts_out_of_step(tx)


def from_records(care: Care, first: date, last: date, protocol: Protocol | None = None) -> bytes:
    """The report's CSV made with no row kept, so every course is read from its records (found by the sessions
    opened in the period, as a report under an older protocol finds them); the rows are then made again."""
    rules = protocol or care.protocol
    start, cutoff = day_bounds(first, last)
    with care.door.writing() as work:
        work.tx.execute(delete(CourseFacts))
    with care.door.reading() as tx:
        cohort = records.outcome_cohort(tx, start, cutoff, cutoff, earliest_counted(rules.outcomes, start))
    with care.door.writing() as work:
        records.write_all_course_facts(work.tx)
    return csv_bytes(outcome_report(rules, cohort, first, last, care.clock.now()))


def kept_courses(care: Care, first: date, last: date) -> set[str]:
    """The courses the report over ``first`` to ``last`` reads from their rows."""
    start, cutoff = day_bounds(first, last)
    with care.door.reading() as tx:
        cohort = records.outcome_cohort(tx, start, cutoff, cutoff, earliest_counted(care.protocol.outcomes, start))
    return set(cohort.summaries)


def test_every_record_that_changes_a_course_moves_its_row(care: Care, patient: PatientView, nurses, clock: ManualClock):
    """A course ordered, its sessions opened, started, stopped or signed, a day not given, forms: the rows
    recounted from the records are the rows kept, after each."""
    first, _ = nurses
    assert out_of_step(care) == []
    other = care.register_patient("MRN-3003", "Lind", "Ana", "1975-03-04", by=first.id)
    care.record_course(other.id, PRESCRIBER, DAY1.isoformat(), "5", by=first.id)
    assert out_of_step(care) == []
    session_id = session_at(care, other, nurses, Step.INFUSING, chair=3)
    assert out_of_step(care) == []
    care.stop_early(session_id, "Asked to stop", first.id)
    assert out_of_step(care) == []
    history(care, patient, nurses, clock)
    assert out_of_step(care) == []
    with care.door.reading() as tx:
        assert len(records.kept_course_facts(tx)) == 3


def test_the_check_finds_a_row_that_is_not_what_its_records_say(care: Care, patient: PatientView, nurses, clock):
    signed(care, patient, nurses, clock)
    with care.door.writing() as work:
        work.tx.execute(CourseFacts.__table__.update().values(completed=4))  # type: ignore[attr-defined]
    ((course_id, was, now),) = out_of_step(care)
    assert course_id == care.current_course(patient.id).id
    assert (was.completed, now.completed) == (4, 1)


def test_a_set_of_vital_signs_leaves_the_rows_alone(care: Care, patient: PatientView, nurses, clock):
    """Only a record that moves a session's outcome or its infusion's start moves its course's row."""
    first, _ = nurses
    session_id = session_at(care, patient, nurses, Step.INFUSING)
    with care.door.reading() as tx:
        before = records.kept_course_facts(tx)
    with care.door.writing() as work:
        work.tx.execute(CourseFacts.__table__.update().values(completed=9))  # type: ignore[attr-defined]
    clock.advance(minutes=5)
    care.record_vitals(session_id, NORMAL, first.id)
    with care.door.reading() as tx:
        assert {c: s.completed for c, s in records.kept_course_facts(tx).items()} == {c: 9 for c in before}


# ---- the report, from the rows and from the records -------------------------------------------------------


def test_the_report_from_the_rows_is_the_report_from_the_records(
    care: Care, patient: PatientView, nurses, clock: ManualClock
):
    history(care, patient, nurses, clock)
    assert len(kept_courses(care, DAY1, LAST)) == 2
    assert csv_bytes(care.outcome_report(DAY1, LAST)) == from_records(care, DAY1, LAST)


def test_a_course_fed_after_the_cut_off_is_read_from_its_records(
    care: Care, patient: PatientView, nurses, clock: ManualClock
):
    """Maja's course had sessions after the first day: a report over that day alone reads her course's
    sessions as they stood then (the later ones are not in it), and Chidi's, all of whose records came
    before, from its row."""
    history(care, patient, nurses, clock)
    maja = care.current_course(patient.id).id
    assert maja not in kept_courses(care, DAY1, DAY1)
    assert len(kept_courses(care, DAY1, DAY1)) == 1
    assert csv_bytes(care.outcome_report(DAY1, DAY1)) == from_records(care, DAY1, DAY1)


def test_a_corrected_adverse_event_counts_alike_from_the_rows(care: Care, patient: PatientView, nurses, clock):
    first, _ = nurses
    sid = session_at(care, patient, nurses, Step.INFUSING)
    state = care.record_side_effects(sid, {"nausea": "severe"}, first.id)
    (pending,) = state.pending_adverse_events
    state = care.record_adverse_event(sid, pending.source_event_id, "nausea", "Antiemetic", "Dr Patel", first.id)
    entry = next(e for e in state.events if e.type is EventType.ADVERSE_EVENT)
    care.correct(sid, entry.id, "Recorded in error", "No adverse event", first.id)
    care.stop_early(sid, "Nausea", first.id)
    clock.advance(timedelta(days=1))
    assert kept_courses(care, DAY1, DAY1)
    made = care.outcome_report(DAY1, DAY1)
    assert csv_bytes(made) == from_records(care, DAY1, DAY1)
    assert any(f.key == "stop_reason" for f in made.figures)


def test_a_report_under_a_kept_older_protocol_is_the_same_from_the_rows(
    care: Care, patient: PatientView, nurses, clock: ManualClock, protocol: Protocol
):
    history(care, patient, nurses, clock)
    older = stricter_protocol_kept(care, protocol)
    assert csv_bytes(care.outcome_report(DAY1, LAST, older)) == from_records(care, DAY1, LAST, older)


def a_year_generated(database: Database, protocol: Protocol, nurses) -> Care:
    """Fourteen patients' made-up year (2025), and the clinic the morning after it."""
    build_history(
        database,
        protocol,
        nurses=[n.id for n in nurses],
        start=date(2025, 1, 6),
        end=date(2026, 1, 5),
        patients=14,
        seed=3,
    )
    care = Care(database, protocol, ManualClock(at(date(2026, 1, 6))), "test-ws")
    return care


def test_a_generated_history_keeps_each_course_s_row(database: Database, protocol: Protocol, nurses):
    care = a_year_generated(database, protocol, nurses)
    assert out_of_step(care) == []
    first, last = date(2025, 1, 6), date(2026, 1, 4)
    assert kept_courses(care, first, last)
    assert csv_bytes(care.outcome_report(first, last)) == from_records(care, first, last)
    middle = date(2025, 7, 1)
    assert csv_bytes(care.outcome_report(middle, middle + timedelta(days=60))) == from_records(
        care, middle, middle + timedelta(days=60)
    )


def test_the_upgrade_builds_the_rows_the_write_path_keeps(
    care: Care, patient: PatientView, nurses, clock: ManualClock, database: Database
):
    """0016: the courses ordered before it get the rows the write path gives them."""
    history(care, patient, nurses, clock)
    with care.door.reading() as tx:
        written = records.kept_course_facts(tx)
    config = alembic_config(database.engine)
    command.downgrade(config, "0015")
    with database.engine.connect() as connection:
        assert "course_facts" not in inspect(connection).get_table_names()
    command.upgrade(config, "head")
    with care.door.reading() as tx:
        assert records.kept_course_facts(tx) == written
        assert records.course_facts_out_of_step(tx) == []


def test_a_new_course_has_its_row_before_any_session(care: Care, patient: PatientView, nurses, clock):
    first, _ = nurses
    other = care.register_patient("MRN-2002", "Okafor", "Chidi", "1980-05-02", by=first.id)
    care.record_course(other.id, PRESCRIBER, DAY1.isoformat(), "5", by=first.id)
    with care.door.reading() as tx:
        row = records.kept_course_facts(tx)[care.current_course(other.id).id]
    assert (row.completed, row.started, row.sessions, row.first_treated) == (0, 0, "", None)
