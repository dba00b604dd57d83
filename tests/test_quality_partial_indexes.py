"""The two reads of the quality report answered from partial indexes, on either store: the pump readings a
second nurse also read (counted by period), and the late points (read in full by period). Hand-built: three
pump readings, one of them read by a second nurse too; a session with one point late among eleven. Each read
finds what the rows say, and the store answers it from its index, not from every row of the kind."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import records
from core.care import Care
from core.clock import ManualClock
from core.dosing import pump_order
from core.events import EventType as E
from core.machine import Step
from core.persistence.db import Database
from core.schedule_points import Kept
from tests.conftest import PRESCRIBER, T0
from tests.helpers.people import BEN_PASSWORD
from tests.helpers.sessions import session_at
from tests.test_patient_search import plan, statements
from tests.test_schedule_points import late_and_missed

pytestmark = pytest.mark.both_stores


def _read_twice(care: Care, patient, nurses) -> tuple[str, str]:
    """A session whose pump Ana read as ordered, at the wrong rate and as ordered again (three readings, hers
    alone); and another patient's, whose pump she read as ordered, then again with Ben reading it beside her
    (two readings, one with a second nurse's)."""
    ana = nurses[0].id
    alone = session_at(care, patient, nurses, Step.READY)
    state = care.state(alone)
    assert state.dose is not None
    order = pump_order(care.protocol, state.dose)
    care.record_pump(alone, "99", str(order.vtbi_ml), ana)
    care.record_pump(alone, str(order.rate_ml_per_h), str(order.vtbi_ml), ana)
    other = care.register_patient("MRN-1002", "Berg", "Ola", "1966-02-01", by=ana)
    care.record_course(other.id, PRESCRIBER, T0.astimezone().date().isoformat(), "5", by=ana)
    checked = session_at(care, other, nurses, Step.READY, chair=2)
    rate, vtbi = str(order.rate_ml_per_h), str(order.vtbi_ml)
    care.record_pump(checked, rate, vtbi, ana, second=("ben", BEN_PASSWORD, rate, vtbi))
    return alone, checked


def test_the_pump_readings_with_a_second_nurses_reading_are_counted_from_their_index(
    care: Care, patient, nurses, clock: ManualClock, database: Database
):
    alone, checked = _read_twice(care, patient, nurses)
    start, end = clock.now() - timedelta(hours=1), clock.now() + timedelta(hours=1)
    with statements(database) as sent, database.session() as tx:
        assert records.entries_counted(tx, [E.PUMP_PROGRAMMED], start, end) == {E.PUMP_PROGRAMMED: 5}
        assert records.second_pump_readings(tx, start, end) == 1
        assert records.second_pump_readings(tx, start, end, {alone}) == 0
        assert records.second_pump_readings(tx, start, end, {checked}) == 1
        assert records.second_pump_readings(tx, end, end + timedelta(hours=1)) == 0
    reads = [(sql, params) for sql, params in sent if "pump.programmed" in sql]
    assert len(reads) == 4
    for sql, params in reads:
        assert "ix_session_event_second_pump" in plan(database, sql, params)


def test_the_late_points_are_read_from_their_index(care: Care, patient, nurses, clock: ManualClock, database: Database):
    late_and_missed(care, patient, nurses, clock)  # its 20-minute set taken 7 minutes late: the one late point
    start, end = clock.now() - timedelta(days=1), clock.now() + timedelta(days=1)
    with database.session() as tx:
        every = records.schedule_points_between(tx, start, end)
        with statements(database) as sent:
            late = records.schedule_points_between(tx, start, end, Kept.LATE)
            missed = records.schedule_points_between(tx, start, end, Kept.MISSED)
    assert late == [point for point in every if point.status == Kept.LATE]
    assert [(point.point_id, point.late_seconds) for point in late] == [("infusion-20", 7 * 60)]
    assert missed == [point for point in every if point.status == Kept.MISSED] and len(missed) == 1
    (read_late, params), _ = sent
    assert "ix_schedule_point_late" in plan(database, read_late, params)
