"""Each set of vital signs is kept in plain columns beside its entry, in the entry's transaction: its values,
whether the infusion had begun (a set before it is part of the baseline), whether it was partial, and the
vitals at each tier as classified when recorded. Sets recorded before the table existed get the same rows
when the database is upgraded."""

from __future__ import annotations

from contextlib import closing

import pytest
from alembic import command
from sqlmodel import select

from core.care import Care
from core.clock import ManualClock
from core.events import EventType as E
from core.persistence.db import Database, open_database
from core.persistence.migrate import alembic_config
from core.persistence.tables import VitalSet
from core.protocol import Protocol
from core.protocol import VitalKind as V
from tests.helpers.answers import NORMAL, no_symptoms
from tests.helpers.sessions import prepare

pytestmark = pytest.mark.both_stores


def kept(database: Database) -> list[dict]:
    with database.session() as tx:
        return [row.model_dump() for row in tx.exec(select(VitalSet).order_by(VitalSet.session_id, VitalSet.seq))]


def sets_through_a_session(care: Care, patient, nurses, clock: ManualClock) -> str:
    """The baseline (in ``prepare``), a low SpO2 before the start (acknowledged), then, infusing, a high
    heart rate and a partial set."""
    first, _ = nurses
    sid = prepare(care, patient, nurses)
    state, _ = care.record_vitals(sid, {**NORMAL, V.SPO2: "88"}, first.id)
    care.acknowledge_alert(sid, state.open_alerts[0].event_id, ["recheck"], no_symptoms(care), first.id)
    care.record_vitals(sid, NORMAL, first.id)
    care.start_infusion(sid, first.id)
    clock.advance(minutes=10)
    care.record_vitals(sid, {**NORMAL, V.HEART_RATE: "115"}, first.id)
    care.record_vitals(sid, {V.SPO2: "97"}, first.id, partial_reason="asleep")
    return sid


def test_each_set_is_kept_in_columns_with_its_entry(care: Care, patient, nurses, clock: ManualClock, database):
    sid = sets_through_a_session(care, patient, nurses, clock)
    entries = [e for e in care.state(sid).events if e.type is E.VITALS]
    rows = kept(database)
    assert [r["id"] for r in rows] == [e.id for e in entries]
    assert [r["before_start"] for r in rows] == [True, True, True, False, False]
    assert [r["act"] for r in rows] == ["", "spo2", "", "", ""]
    assert [r["partial"] for r in rows] == [False, False, False, False, True]
    assert rows[3]["advise"] == "heart_rate" and rows[3]["heart_rate"] == 115.0
    assert rows[4]["spo2"] == 97.0 and rows[4]["systolic"] is None
    assert rows[0]["point_id"] == "baseline" and rows[3]["point_id"] == "infusion-10"
    for row, entry in zip(rows, entries, strict=True):
        assert (row["session_id"], row["seq"], row["taken_at"]) == (sid, entry.seq, entry.occurred_at)
        assert row["recorded_by"] == nurses[0].id
        values = entry.payload["values"]
        assert {v: row[v] for v in V} == {v: float(values[v]) if v in values else None for v in V}


def test_sets_recorded_before_the_table_existed_get_the_same_rows_on_upgrade(
    care: Care, patient, nurses, clock: ManualClock, database: Database, protocol: Protocol
):
    sets_through_a_session(care, patient, nurses, clock)
    before = kept(database)
    command.downgrade(alembic_config(database.engine), "0012")
    with closing(database.engine.connect()) as connection:
        assert "vital_set" not in database.engine.dialect.get_table_names(connection)
    address = database.url.render_as_string(hide_password=False)
    database.dispose()
    upgraded = open_database(address, backup_stamp=clock.now())
    try:
        assert kept(upgraded) == before
    finally:
        upgraded.dispose()
