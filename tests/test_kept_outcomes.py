"""Each settled course's part in the outcome report, kept once a report has counted it (``course_outcome``) and
read by the next report in place of the course's records: the report must say exactly what it says from the
records, whichever courses it takes as kept; a record the report counts moves the patient's basis so the
patient's rows stop holding; rows under other rules, from another basis, or for an earlier cut-off are not
read; and ``audit verify`` names a row changed by hand.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import delete, select, update

from core import audit, records, trail_check
from core.care import Care
from core.clock import ManualClock
from core.machine import Step
from core.outcomes.cohort import Cohort, day_bounds
from core.outcomes.course_table import INPUTS, PACKED
from core.outcomes.grid import SHAPE_CELL
from core.outcomes.kept import READ, kept_rule
from core.outcomes.metrics import find
from core.outcomes.report import csv_bytes, outcome_report
from core.outcomes.windows import earliest_counted
from core.persistence.db import Database
from core.persistence.tables import CourseFacts, CourseOutcome, CourseOutcomeShapes
from core.promis import shipped
from core.protocol import Protocol
from core.views import PatientView
from tests.helpers.answers import NORMAL
from tests.helpers.clinic import PRESCRIBER
from tests.helpers.sessions import session_at, signed
from tests.test_course_facts import a_year_generated
from tests.test_outcome_report import DAY1, LAST, PI_END, history, stricter_protocol_kept

pytestmark = pytest.mark.both_stores


def read_for(care: Care, first: date, last: date) -> Cohort:
    """The cohort a report under today's protocol reads: kept courses where their rows hold."""
    start, cutoff = day_bounds(first, last)
    rule = kept_rule(care.protocol, shipped())
    with care.door.reading() as tx:
        return records.outcome_cohort(tx, start, cutoff, cutoff, earliest_counted(care.protocol.outcomes, start), rule)


def from_records(care: Care, first: date, last: date, protocol: Protocol | None = None) -> bytes:
    """The report's CSV with every course counted from its records, as before any row was kept."""
    rules = protocol or care.protocol
    start, cutoff = day_bounds(first, last)
    with care.door.reading() as tx:
        cohort = records.outcome_cohort(tx, start, cutoff, cutoff, earliest_counted(rules.outcomes, start))
    assert not cohort.kept
    return csv_bytes(outcome_report(rules, cohort, first, last, care.clock.now()))


def read_kept(cohort: Cohort) -> list[dict[str, object]]:
    """The kept courses a report read, each by the names of its values."""
    return [dict(zip(READ, row[: len(READ)], strict=True)) for row in cohort.kept]


def read_ids(cohort: Cohort) -> set[str]:
    return {str(k["course_id"]) for k in read_kept(cohort)}


def kept_ids(care: Care) -> set[str]:
    with care.door.reading() as tx:
        return {k.course_id for _, _, _, k in records.kept_course_outcomes(tx)}


def basis(care: Care, patient_id: str) -> int:
    with care.door.reading() as tx:
        return records.outcome_bases(tx).get(patient_id, 0)


def test_a_report_made_again_reads_the_courses_kept_and_says_the_same(
    care: Care, patient: PatientView, nurses, clock: ManualClock
):
    history(care, patient, nurses, clock)
    assert kept_ids(care) == set()
    first_made = csv_bytes(care.outcome_report(DAY1, LAST))
    assert len(kept_ids(care)) == 2
    cohort = read_for(care, DAY1, LAST)
    assert read_ids(cohort) == kept_ids(care)
    assert (cohort.courses, cohort.sessions, cohort.assessments) == ((), (), ())  # nothing else read
    assert csv_bytes(care.outcome_report(DAY1, LAST)) == first_made == from_records(care, DAY1, LAST)


def test_a_report_whose_cut_off_comes_before_a_row_holds_counts_that_course_from_its_records(
    care: Care, patient: PatientView, nurses, clock: ManualClock
):
    """Maja's course ran after its first day: a report over that day alone does not take her row (kept by a
    report over the week), and says what the records said at its end."""
    history(care, patient, nurses, clock)
    care.outcome_report(DAY1, LAST)
    maja = care.current_course(patient.id).id
    assert maja in kept_ids(care)
    assert maja not in read_ids(read_for(care, DAY1, DAY1))
    assert csv_bytes(care.outcome_report(DAY1, DAY1)) == from_records(care, DAY1, DAY1)


def test_a_form_answered_after_the_rows_were_kept_is_counted(
    care: Care, patient: PatientView, nurses, clock: ManualClock
):
    """Chidi's end-of-course form, phoned in after the week's report kept his course, moves his basis: his row
    no longer holds, and the report counts his course from its records, the form in it."""
    history(care, patient, nurses, clock)
    before = care.outcome_report(DAY1, LAST)
    assert find(before.figures, "forms_completed", "End of course").numerator == 1
    (chidi,) = [k for k in read_kept(read_for(care, DAY1, LAST)) if k["patient_id"] != patient.id]
    chidi_id, course_id = str(chidi["patient_id"]), str(chidi["course_id"])
    moved_from = basis(care, chidi_id)
    on = (DAY1 + timedelta(days=2)).isoformat()
    care.record_assessment(chidi_id, {"PI_4a_v1.0": PI_END}, mode="phone", by=nurses[0].id, taken_on=on)
    assert basis(care, chidi_id) == moved_from + 1
    assert course_id not in read_ids(read_for(care, DAY1, LAST))
    after = care.outcome_report(DAY1, LAST)
    assert find(after.figures, "forms_completed", "End of course").numerator == 2
    assert csv_bytes(after) == from_records(care, DAY1, LAST)
    assert course_id in read_ids(read_for(care, DAY1, LAST))  # kept again, newly counted
    assert csv_bytes(care.outcome_report(DAY1, LAST)) == csv_bytes(after)


def test_each_record_the_report_counts_moves_the_basis_and_a_set_of_vital_signs_does_not(
    care: Care, patient: PatientView, nurses, clock: ManualClock
):
    first, _ = nurses
    start = basis(care, patient.id)
    chidi = care.register_patient("MRN-2002", "Okafor", "Chidi", "1980-05-02", by=first.id)
    care.record_course(chidi.id, PRESCRIBER, DAY1.isoformat(), "2", by=first.id)
    ordered = basis(care, chidi.id)
    assert ordered == 1
    sid = session_at(care, chidi, nurses, Step.INFUSING, chair=2)
    infusing = basis(care, chidi.id)
    assert infusing > ordered  # opened, then begun
    care.record_vitals(sid, NORMAL, first.id)
    assert basis(care, chidi.id) == infusing
    care.stop_early(sid, "Nausea", first.id)
    assert basis(care, chidi.id) == infusing + 1
    course = care.current_course(chidi.id)
    clock.advance(timedelta(days=1))
    care.record_day_not_given(course.id, 2, by_clinic=False, reason="Did not come", by=first.id)
    assert basis(care, chidi.id) == infusing + 2
    assert basis(care, patient.id) == start  # another patient's records move only theirs


def test_rows_under_other_rules_or_from_another_basis_are_not_read(
    care: Care, patient: PatientView, nurses, clock: ManualClock, protocol: Protocol
):
    history(care, patient, nurses, clock)
    care.outcome_report(DAY1, LAST)
    (one, other) = sorted(kept_ids(care))
    with care.door.writing() as work:
        work.tx.execute(update(CourseOutcome).where(CourseOutcome.course_id == one).values(rule_key="0" * 64))
        work.tx.execute(update(CourseOutcome).where(CourseOutcome.course_id == other).values(basis=99))
    assert read_for(care, DAY1, LAST).kept == ()
    assert csv_bytes(care.outcome_report(DAY1, LAST)) == from_records(care, DAY1, LAST)
    older = stricter_protocol_kept(care, protocol)
    with care.door.writing() as work:
        work.tx.execute(delete(CourseOutcome))
    made = csv_bytes(care.outcome_report(DAY1, LAST, older))
    assert made == from_records(care, DAY1, LAST, older)
    assert kept_ids(care) == set()  # kept under today's protocol only


def test_a_row_whose_list_of_tables_is_gone_or_changed_is_counted_from_its_records_and_named_by_verify(
    care: Care, patient: PatientView, nurses, clock: ManualClock, database: Database
):
    history(care, patient, nurses, clock)
    first_made = csv_bytes(care.outcome_report(DAY1, LAST))
    with care.door.writing() as work:
        work.tx.execute(delete(CourseOutcomeShapes))
    check = audit.verify(database)
    assert not check.ok and "names a list of scoring tables that is not kept" in check.problem
    assert read_for(care, DAY1, LAST).kept == ()
    assert csv_bytes(care.outcome_report(DAY1, LAST)) == first_made  # counted again, and kept again
    assert read_ids(read_for(care, DAY1, LAST)) == kept_ids(care)
    with care.door.writing() as work:
        work.tx.execute(update(CourseOutcomeShapes).values(shapes='[["PI_4a_v1.0",null,null,false]]'))
    check = audit.verify(database)
    assert not check.ok and "was changed" in check.problem
    assert read_for(care, DAY1, LAST).kept == ()  # a list that is not what its key names is not read
    assert csv_bytes(care.outcome_report(DAY1, LAST)) == first_made
    assert audit.verify(database).ok  # the report kept the list again over the one changed


def test_a_kept_row_cut_short_or_naming_a_table_its_list_lacks_is_counted_from_its_records(
    care: Care, patient: PatientView, nurses, clock: ManualClock
):
    """Kept rows are read as one run of bytes: one a cell short would shift every course after it."""
    history(care, patient, nurses, clock)
    first_made = csv_bytes(care.outcome_report(DAY1, LAST))
    one, other = sorted(kept_ids(care))
    with care.door.reading() as tx:
        (cells,) = tx.execute(select(CourseOutcome.t_scores).where(CourseOutcome.course_id == one)).one()
        (shape_of,) = tx.execute(select(CourseOutcome.shape_of).where(CourseOutcome.course_id == other)).one()
    beyond = np.frombuffer(shape_of, dtype=SHAPE_CELL).copy()
    beyond[0] = 99
    with care.door.writing() as work:
        work.tx.execute(update(CourseOutcome).where(CourseOutcome.course_id == one).values(t_scores=cells[:-4]))
        work.tx.execute(update(CourseOutcome).where(CourseOutcome.course_id == other).values(shape_of=beyond.tobytes()))
    assert read_for(care, DAY1, LAST).kept == ()
    assert csv_bytes(care.outcome_report(DAY1, LAST)) == first_made
    assert read_ids(read_for(care, DAY1, LAST)) == {one, other}  # kept again, whole


def test_a_course_still_running_is_not_kept(care: Care, patient: PatientView, nurses, clock: ManualClock):
    signed(care, patient, nurses, clock)  # day 1 of 5
    clock.advance(timedelta(days=1))
    made = csv_bytes(care.outcome_report(DAY1, DAY1))
    assert kept_ids(care) == set()
    assert made == from_records(care, DAY1, DAY1)


def test_audit_verify_names_a_kept_row_changed_by_hand(
    care: Care, patient: PatientView, nurses, clock: ManualClock, database: Database
):
    history(care, patient, nurses, clock)
    care.outcome_report(DAY1, LAST)
    assert audit.verify(database).ok
    course_id = sorted(kept_ids(care))[0]
    with care.door.reading() as tx:
        (packed,) = tx.execute(select(CourseOutcome.inputs).where(CourseOutcome.course_id == course_id)).one()
    inputs = np.frombuffer(packed, dtype=PACKED).copy()
    inputs[INPUTS.index("completed")] += 1  # one more session completed than the records say
    with care.door.writing() as work:
        work.tx.execute(
            update(CourseOutcome).where(CourseOutcome.course_id == course_id).values(inputs=inputs.tobytes())
        )
    check = audit.verify(database)
    assert not check.ok
    assert f"kept row for course {course_id} was changed" in check.problem


def test_a_generated_history_says_the_same_from_kept_rows_over_any_period(
    database: Database, protocol: Protocol, nurses
):
    care = a_year_generated(database, protocol, nurses)
    first, last = date(2025, 1, 6), date(2026, 1, 4)
    whole = csv_bytes(care.outcome_report(first, last))
    assert kept_ids(care)
    assert whole == from_records(care, first, last)
    assert csv_bytes(care.outcome_report(first, last)) == whole
    for begins in (date(2025, 3, 1), date(2025, 7, 1), date(2025, 10, 15)):
        ends = begins + timedelta(days=60)
        assert csv_bytes(care.outcome_report(begins, ends)) == from_records(care, begins, ends)
    assert audit.verify(database).ok
    with care.door.writing() as work:  # course rows gone: the rows kept still stand for their courses
        work.tx.execute(delete(CourseFacts))
        records.write_all_course_facts(work.tx)
    assert csv_bytes(care.outcome_report(first, last)) == whole


@pytest.mark.sqlite_only
def test_a_report_is_made_when_the_store_will_not_take_its_kept_courses(
    care: Care, patient: PatientView, nurses, clock: ManualClock, db_path: Path, caplog: pytest.LogCaptureFixture
):
    """Another program holds the write lock past the wait: the report is made all the same, and its courses
    are counted from their records again next time."""
    history(care, patient, nurses, clock)
    blocker = sqlite3.connect(db_path, timeout=0)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        made = csv_bytes(care.outcome_report(DAY1, LAST))
    finally:
        blocker.rollback()
        blocker.close()
    assert made == from_records(care, DAY1, LAST)
    assert kept_ids(care) == set()
    assert "were not all kept" in caplog.text


def test_verify_counts_the_kept_courses_a_few_patients_at_a_time_and_names_the_first_row_changed(
    database: Database, protocol: Protocol, nurses, monkeypatch: pytest.MonkeyPatch
):
    """Counted three patients at a time, a generated year's kept rows all hold; a row changed by hand in the
    last batch is named, and with a row of the first batch changed too, the first course's, as when every
    course was counted at once."""
    care = a_year_generated(database, protocol, nurses)
    care.outcome_report(date(2025, 1, 6), date(2026, 1, 4))
    monkeypatch.setattr(trail_check, "PATIENTS_AT_ONCE", 3)
    assert audit.verify(database).ok
    with care.door.reading() as tx:
        kept = {k.course_id: k.patient_id for _, _, _, k in records.kept_course_outcomes(tx)}
    patients = sorted(set(kept.values()))
    assert len(patients) > 6  # more than two batches
    last_batch, first_batch = (min(c for c, p in kept.items() if p == patients[n]) for n in (-1, 0))
    for course_id, named in ((last_batch, last_batch), (first_batch, min(first_batch, last_batch))):
        with care.door.writing() as work:
            work.tx.execute(update(CourseOutcome).where(CourseOutcome.course_id == course_id).values(ses=b""))
        check = audit.verify(database)
        assert not check.ok
        assert f"kept row for course {named} was changed" in check.problem
