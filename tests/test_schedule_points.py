"""Each scheduled point of a signed session is kept, with the signature, as it stood at signing: when it fell,
when it was answered, on time (``done``), late or missed. The answers below are worked out by hand from the
story's clock; sessions signed before the table existed get the same rows when the database is upgraded."""

from __future__ import annotations

from contextlib import closing
from datetime import datetime, timedelta

import pytest
from alembic import command
from sqlmodel import select

from core import records
from core.care import Care
from core.clock import ManualClock
from core.machine import Step
from core.persistence.db import Database, open_database
from core.persistence.migrate import alembic_config
from core.persistence.tables import ScheduledPointRecord
from core.protocol import Protocol
from core.protocol import VitalKind as V
from core.schedule_points import points_at_signing, replayed
from tests.helpers.answers import DISCHARGE_OK, NO_SIDE_EFFECTS, NORMAL, no_symptoms
from tests.helpers.people import ANA_PASSWORD
from tests.helpers.sessions import seen, session_at

pytestmark = pytest.mark.both_stores


def kept(database: Database) -> list[tuple]:
    with database.session() as tx:
        rows = tx.exec(select(ScheduledPointRecord).order_by(ScheduledPointRecord.session_id))
        return sorted(
            (r.session_id, r.schedule, r.point_id, r.due_at, r.taken_at, r.status, r.late_seconds) for r in rows
        )


def late_and_missed(care: Care, patient, nurses, clock: ManualClock) -> tuple[str, str, datetime]:
    """Started at T0 (the baseline taken then); an alarm on the set 10 minutes in (heart rate 130),
    acknowledged a minute later, its recheck (due 5 minutes after) taken a minute early; the side-effect
    check at 21 minutes; the 20-minute set taken 7 minutes late; the 30-minute set never taken (the end's
    set, at 40 minutes, passes it over); the rest on time; discharged and signed at 70 minutes. The session
    and the acknowledgement's id, and the start."""
    first, _ = nurses
    sid = session_at(care, patient, nurses, Step.INFUSING)
    start = clock.now()
    clock.advance(minutes=10)
    state, _ = care.record_vitals(sid, {**NORMAL, V.HEART_RATE: "130"}, first.id)
    clock.advance(minutes=1)
    state = care.acknowledge_alert(sid, state.open_alerts[0].event_id, ["recheck"], no_symptoms(care), first.id)
    ack_id = state.events[-1].id
    clock.advance(minutes=4)  # 15: the recheck is due at 16, taken a minute early
    care.record_vitals(sid, NORMAL, first.id)
    clock.advance(minutes=6)  # 21
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    clock.advance(minutes=6)  # 27: the 20-minute set, 7 minutes late
    care.record_vitals(sid, NORMAL, first.id)
    clock.advance(minutes=13)  # 40: the infusion's end; nothing was taken at 30
    care.complete(sid, first.id)
    care.record_vitals(sid, NORMAL, first.id)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    clock.advance(minutes=15)
    care.record_vitals(sid, NORMAL, first.id)
    clock.advance(minutes=15)
    care.record_vitals(sid, NORMAL, first.id)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, first.id)
    care.discharge(sid, "10", DISCHARGE_OK, first.id, ANA_PASSWORD)
    care.sign(sid, first.id, ANA_PASSWORD, seen_seq=seen(care, sid))
    return sid, ack_id, start


def by_hand(sid: str, ack_id: str, start: datetime) -> list[tuple]:
    def at(minutes: int) -> datetime:
        return start + timedelta(minutes=minutes)

    return sorted(
        [
            (sid, "vitals", "baseline", at(0), at(0), "done", 0),
            (sid, "vitals", "infusion-10", at(10), at(10), "done", 0),
            (sid, "vitals", "infusion-20", at(20), at(27), "late", 420),
            (sid, "vitals", "infusion-30", at(30), None, "missed", None),
            (sid, "vitals", "end", at(40), at(40), "done", 0),
            (sid, "vitals", "observation-15", at(55), at(55), "done", 0),
            (sid, "vitals", "observation-30", at(70), at(70), "done", 0),
            (sid, "recheck", f"recheck-{ack_id}", at(16), at(15), "done", -60),
            (sid, "side_effects", "infusion-20", at(20), at(21), "done", 60),
            (sid, "side_effects", "end", at(40), at(40), "done", 0),
            (sid, "side_effects", "before-discharge", at(70), at(70), "done", 0),
        ]
    )


def test_a_signed_sessions_points_are_kept_on_time_late_and_missed_as_worked_out_by_hand(
    care: Care, patient, nurses, clock: ManualClock, database: Database
):
    sid, ack_id, start = late_and_missed(care, patient, nurses, clock)
    assert kept(database) == by_hand(sid, ack_id, start)


def test_nothing_is_kept_before_the_signature(care: Care, patient, nurses, clock: ManualClock, database: Database):
    session_at(care, patient, nurses, Step.SIGN)
    assert kept(database) == []


def test_a_session_that_never_began_keeps_only_the_points_that_fell(
    care: Care, patient, nurses, clock: ManualClock, database: Database
):
    """Abandoned before the start, the baseline taken: the schedule never ran (no infusion point fell, and
    no start was waiting for the baseline)."""
    first, _ = nurses
    sid = session_at(care, patient, nurses, Step.CHECK)
    clock.advance(minutes=5)
    care.abandon(sid, "patient unwell", first.id)
    care.sign(sid, first.id, ANA_PASSWORD, seen_seq=seen(care, sid))
    assert kept(database) == []


def test_the_rows_are_the_replayed_signed_part_of_the_log(
    care: Care, patient, nurses, clock: ManualClock, protocol: Protocol
):
    """What the upgrade and ``audit verify`` work out from the entries is what the signature wrote."""
    sid, ack_id, start = late_and_missed(care, patient, nurses, clock)
    state = care.state(sid)
    assert replayed(protocol, list(state.events)) == points_at_signing(protocol, state)
    assert sorted((sid, *p) for p in points_at_signing(protocol, state)) == by_hand(sid, ack_id, start)


def test_the_period_is_read_by_when_each_point_fell(care: Care, patient, nurses, clock: ManualClock, database):
    sid, _, start = late_and_missed(care, patient, nurses, clock)
    with database.session() as tx:
        found = records.schedule_points_between(tx, start + timedelta(minutes=20), start + timedelta(minutes=40))
    assert [(p.schedule, p.point_id, p.status) for p in found] == [
        ("side_effects", "infusion-20", "done"),
        ("vitals", "infusion-20", "late"),
        ("vitals", "infusion-30", "missed"),
    ]
    assert {(p.session_id, p.chair, p.protocol_version) for p in found} == {(sid, 1, care.protocol.version)}


def test_points_signed_before_the_table_existed_get_the_same_rows_on_upgrade(
    care: Care, patient, nurses, clock: ManualClock, database: Database
):
    late_and_missed(care, patient, nurses, clock)
    before = kept(database)
    command.downgrade(alembic_config(database.engine), "0013")
    with closing(database.engine.connect()) as connection:
        assert "schedule_point" not in database.engine.dialect.get_table_names(connection)
    address = database.url.render_as_string(hide_password=False)
    database.dispose()
    upgraded = open_database(address, backup_stamp=clock.now())
    try:
        assert kept(upgraded) == before and len(before) == 11
    finally:
        upgraded.dispose()
