"""The quality report reads each period's sets of vital signs and scheduled points the short way: every set
once, column by column from its day's packed row, with a ``SetRow`` only for the period's alarms, and the
points counted with the late ones alone in full. Here each short reading is held to the long one it replaced (every
set a ``SetRow``, read through the ORM; every point a ``TimedPoint``): the same columns, the same figures, the
same replay, scoped or not, on either store."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from math import isnan

import pytest
from sqlmodel import col, select

from core import records
from core.care import Care
from core.care.quality_report import _scoped
from core.clock import ManualClock
from core.persistence.db import Database
from core.persistence.tables import VitalSet
from core.protocol import Protocol
from core.protocol import VitalKind as V
from core.quality.alarms import alarm_report
from core.quality.replay import replay
from core.quality.rows import AROUND, VITALS, AlarmRows, SetColumns, SetRow, columns_of
from core.quality.timeliness import timeliness, timeliness_of
from core.schedule_points import Kept, tally_of
from tests.helpers.answers import NORMAL
from tests.helpers.clinic import PRESCRIBER, T0
from tests.helpers.sessions import prepare, signed
from tests.test_quality_alarms import a_day_of_alarms
from tests.test_schedule_points import late_and_missed

pytestmark = pytest.mark.both_stores

START, END = T0 + timedelta(minutes=5), T0 + timedelta(days=1)


def every_set(database: Database, since: datetime, end: datetime) -> list[SetRow]:
    """Every set taken in [since, end), each a ``SetRow``, the long way."""
    with database.session() as tx:
        found = tx.exec(select(VitalSet).where(col(VitalSet.taken_at) >= since, col(VitalSet.taken_at) < end))
        return [
            SetRow(
                v.id,
                v.session_id,
                v.seq,
                v.taken_at,
                v.recorded_by,
                v.before_start,
                v.partial,
                v.point_id,
                tuple(getattr(v, kind.value) for kind in VITALS),
                v.act,
                v.advise,
            )
            for v in found
        ]


def rows_of(columns: SetColumns) -> list[tuple]:
    """The columns as rows, in one order: each text as itself, each flag a ``bool``, None where not measured."""
    words = columns.words
    rows = zip(
        columns.ids.tolist(),
        columns.sessions.tolist(),
        columns.seqs.tolist(),
        columns.nurses.tolist(),
        columns.in_period.tolist(),
        columns.before_start.tolist(),
        columns.partial.tolist(),
        columns.alarmed.tolist(),
        columns.flagged.tolist(),
        columns.values.tolist(),
        strict=True,
    )
    return sorted(
        (
            set_id.decode().rstrip(),
            words[session],
            seq,
            words[nurse],
            *(bool(flag) for flag in flags),
            *(None if isnan(value) else value for value in values),
        )
        for set_id, session, seq, nurse, *flags, values in rows
    )


@pytest.fixture
def a_day(care: Care, patient, nurses, clock: ManualClock):
    """The alarms' day (Maja and Jane, chairs 1 and 2); then Lena's session, whose one finding is advisory
    (chair 3), and Ola's, with nothing found (chair 4). The period starts 5 minutes after T0: Maja's
    baseline, taken at T0, is read only as the margin her rise from it is measured against."""
    first, _ = nurses
    found = a_day_of_alarms(care, patient, nurses, clock)
    made = {}
    for name, chair in (("Lena", 3), ("Ola", 4)):
        clock.advance(minutes=30)
        someone = care.register_patient(f"MRN-{chair}", name, name, f"198{chair}-02-02", by=first.id)
        care.record_course(someone.id, PRESCRIBER, T0.astimezone().date().isoformat(), "5", by=first.id)
        if chair == 3:
            made["flagged"] = prepare(care, someone, nurses, chair=chair)
            care.start_infusion(made["flagged"], first.id)
            clock.advance(minutes=10)
            care.record_vitals(made["flagged"], {**NORMAL, V.HEART_RATE: "115"}, first.id)  # advisory at 110
        else:
            made["quiet"] = signed(care, someone, nurses, clock, chair=chair)
    return {**found, **made}


def test_the_sets_read_once_are_every_set_and_the_rows_those_the_alarm_figures_read(
    a_day, care: Care, database: Database
):
    with care.door.reading() as tx:
        rows = records.alarm_rows(tx, START, END)
    long = every_set(database, START - AROUND, END)
    assert {row.session_id for row in long} == {a_day[name] for name in ("maja", "jane", "flagged", "quiet")}
    assert rows_of(rows.every_set()) == rows_of(columns_of(long, START, END))
    alarms = [row for row in long if row.act and START <= row.taken_at < END]
    assert sorted(rows.sets) == sorted(alarms) and len(alarms) == 3
    assert [row.taken_at for row in rows.sets] == sorted(row.taken_at for row in rows.sets)
    assert min(row.taken_at for row in long) < START  # Maja's baseline, in the margin
    assert set(rows.opened_with_sets) == {a_day[name] for name in ("jane", "flagged", "quiet")}  # not Maja's


def test_the_figures_and_the_replay_are_those_of_every_set_read_as_a_row(
    a_day, care: Care, database: Database, protocol: Protocol, nurses
):
    with care.door.reading() as tx:
        rows = records.alarm_rows(tx, START, END)
    long = replace(rows, sets=every_set(database, START - AROUND, END), columns=None)
    protocols = {protocol.content_hash: protocol}
    names = {nurses[0].id: "Ana"}

    def same(short: AlarmRows, full: AlarmRows) -> None:
        assert alarm_report(short, protocols, names) == alarm_report(full, protocols, names)
        assert replay(protocol, short) == replay(protocol, full)

    same(rows, long)
    assert alarm_report(rows, protocols, names).find("alarms").numerator == 3
    chair_2 = {a_day["jane"]}
    same(_scoped(rows, chair_2), _scoped(long, chair_2))
    assert _scoped(rows, chair_2).every_set().session_ids() == chair_2


@pytest.fixture
def two_days(care: Care, patient, nurses, clock: ManualClock):
    """A session with a point late and one missed, then the next day's with every point on time."""
    sid, _, start = late_and_missed(care, patient, nurses, clock)
    clock.advance(minutes=24 * 60)
    other = signed(care, patient, nurses, clock, chair=2)
    return sid, other, start


def test_the_points_counted_are_the_points_read_one_by_one(two_days, care: Care):
    sid, other, start = two_days
    since, until = start - timedelta(hours=1), start + timedelta(days=2)
    for sessions in (None, {sid}, {other}, set()):
        with care.door.reading() as tx:
            counted = records.schedule_point_tally(tx, since, until, sessions)
            points = records.schedule_points_between(tx, since, until)
        if sessions is not None:
            points = [point for point in points if point.session_id in sessions]
        by_hand = tally_of(points)
        assert list(counted.counts.items()) == list(by_hand.counts.items())  # in the order first met
        assert (counted.late, counted.sessions) == (by_hand.late, by_hand.sessions)
        assert timeliness_of(counted, care.protocol) == timeliness(points, care.protocol)
    with care.door.reading() as tx:
        every = records.schedule_point_tally(tx, since, until)
        next_day = records.schedule_point_tally(tx, start + timedelta(hours=12), until)
    assert [point.session_id for point in every.late] == [sid] and every.late[0].status == Kept.LATE
    assert every.sessions == 2
    assert next_day.late == [] and next_day.sessions == 1 and Kept.LATE not in {s for *_, s in next_day.counts}
