"""The care entries that may matter to the quality report are kept apart (``quality_fact``) in each entry's own
transaction, by the history generator in bulk, and for the entries recorded before the table on upgrade; the
table always equals the entries judged again by the one rule (``records.quality_facts_recounted``)."""

from __future__ import annotations

import json
from contextlib import closing

import pytest
from alembic import command
from hypothesis import given, reject, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlmodel import select

from core import audit, records
from core.care import Care
from core.clock import ManualClock
from core.events import EventType as E
from core.machine import Step
from core.persistence.db import Database, open_database
from core.persistence.migrate import alembic_config
from core.persistence.tables import QualityFact
from core.protocol import Protocol
from core.quality.notable import KINDS, may_be_notable, notable
from core.records.quality_facts import Recount
from core.settings import change_clinic_setting
from tests.conftest import T0
from tests.helpers.answers import NO_SIDE_EFFECTS, NORMAL
from tests.helpers.people import ANA_PASSWORD
from tests.helpers.sessions import seen, session_at
from tests.test_controlled import CRITERIA, WASTE_BIN, stopped_early
from tests.test_history import build
from tests.test_quality_entries import _heavy_session

pytestmark = pytest.mark.both_stores


def kept(database: Database) -> dict[str, str]:
    """Each row: the entry's id and kind."""
    with database.session() as tx:
        return {row.id: row.type for row in tx.exec(select(QualityFact))}


def recounted(database: Database) -> Recount:
    with database.session() as tx:
        return records.quality_facts_recounted(tx)


def test_each_entry_that_may_matter_is_kept_with_it(care: Care, patient, nurses, clock: ManualClock, database):
    """An override of the dose's soft limit, a check and a pump reading that disagreed; then a correction;
    the entries that went as they should (the second check, the pump as ordered, the start) are not kept."""
    sid = _heavy_session(care, patient, nurses)
    entries = care.state(sid).events
    by_kind = {
        kind: [e for e in entries if e.type is kind] for kind in (E.DOSE_CALCULATED, E.CHECKED, E.PUMP_PROGRAMMED)
    }
    assert kept(database) == {
        by_kind[E.DOSE_CALCULATED][-1].id: "dose.calculated",
        by_kind[E.CHECKED][0].id: "check.recorded",
        by_kind[E.PUMP_PROGRAMMED][0].id: "pump.programmed",
    }
    assert recounted(database).agrees

    vitals = [e for e in entries if e.type is E.VITALS][-1]
    care.correct(sid, vitals.id, "Wrong chair's reading", "Systolic 128, not 182", nurses[0].id)
    correction = care.state(sid).events[-1]
    assert kept(database)[correction.id] == "entry.corrected"
    assert recounted(database).agrees


def test_a_waste_without_a_witness_and_a_problem_signed_for_are_kept(
    care: Care, patient, nurses, clock: ManualClock, database: Database
):
    ana = nurses[0].id
    change_clinic_setting(database, "waste_witness_required", False, None, "state rule", T0, workstation="test-ws")
    sid = stopped_early(care, patient, nurses, clock)
    care.record_waste(sid, "10", WASTE_BIN, ana, ANA_PASSWORD)
    clock.advance(minutes=31)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, ana)
    care.record_vitals(sid, NORMAL, ana)
    care.discharge(sid, "10", CRITERIA, ana, ANA_PASSWORD)
    care.sign(sid, ana, ANA_PASSWORD, "Rest of the bag spilt at the pump", seen_seq=seen(care, sid))
    assert sorted(kept(database).values()) == ["drug.wasted", "session.signed"]
    assert recounted(database).agrees


def test_a_session_with_nothing_of_note_keeps_nothing(care: Care, patient, nurses, database):
    session_at(care, patient, nurses, Step.INFUSING)
    assert kept(database) == {}
    assert recounted(database).agrees


def test_a_row_missing_or_left_over_is_found_by_the_recount(care: Care, patient, nurses, database: Database):
    sid = _heavy_session(care, patient, nurses)
    started = next(e for e in care.state(sid).events if e.type is E.STARTED)
    (first, *_) = sorted(kept(database))
    with database.transaction() as tx:
        trigger = "quality_fact_no_delete" if database.is_sqlite else "quality_fact_append_only ON quality_fact"
        tx.execute(text(f"DROP TRIGGER {trigger}"))  # a row lost by hand, past the table's own refusal
        tx.execute(text("DELETE FROM quality_fact WHERE id = :id"), {"id": first})
        tx.add(QualityFact(id=started.id, session_id=sid, type=started.type.value, occurred_at=started.occurred_at))
    found = recounted(database)
    assert (found.missing, found.extra, found.agrees) == ({first}, {started.id}, False)


@pytest.mark.parametrize("lost", [True, False])
def test_audit_verify_finds_a_row_removed_or_added_by_hand(care: Care, patient, nurses, database: Database, lost):
    """A row removed would take an override or a mismatch out of the quality report unseen; one added would
    count what never happened: the whole check says either, naming the row."""
    sid = _heavy_session(care, patient, nurses)
    assert audit.verify(database).ok
    started = next(e for e in care.state(sid).events if e.type is E.STARTED)
    (first, *_) = sorted(kept(database))
    with database.transaction() as tx:
        trigger = "quality_fact_no_delete" if database.is_sqlite else "quality_fact_append_only ON quality_fact"
        tx.execute(text(f"DROP TRIGGER {trigger}"))
        if lost:
            tx.execute(text("DELETE FROM quality_fact WHERE id = :id"), {"id": first})
        else:
            tx.add(QualityFact(id=started.id, session_id=sid, type=started.type.value, occurred_at=started.occurred_at))
    check = audit.verify(database)
    said = f"row for entry {first} was removed" if lost else f"row {started.id} names no entry that keeps one"
    assert not check.ok and said in check.problem, check.problem


def test_entries_recorded_before_the_table_existed_get_the_same_rows_on_upgrade(
    care: Care, patient, nurses, clock: ManualClock, database: Database
):
    _heavy_session(care, patient, nurses)
    before = kept(database)
    command.downgrade(alembic_config(database.engine), "0015")
    with closing(database.engine.connect()) as connection:
        assert "quality_fact" not in database.engine.dialect.get_table_names(connection)
    address = database.url.render_as_string(hide_password=False)
    database.dispose()
    upgraded = open_database(address, backup_stamp=clock.now())
    try:
        assert kept(upgraded) == before and len(before) == 3
        assert recounted(upgraded).agrees
    finally:
        upgraded.dispose()


def test_a_history_written_in_bulk_keeps_the_rows_its_entries_would(database: Database, protocol: Protocol, nurses):
    build(database, protocol, nurses)
    assert set(kept(database).values()) >= {"check.recorded", "pump.programmed"}
    assert recounted(database).agrees


@pytest.mark.parametrize(
    ("kind", "payload", "kept_"),
    [
        ("weight.recorded", {"kg": "70", "change_confirmed": True}, True),
        ("weight.recorded", {"kg": "70", "change_confirmed": False}, False),
        ("check.recorded", {"mismatches": []}, False),
        ("pump.programmed", {"mismatches": [], "second": {"mismatches": ["vtbi_ml"]}}, True),
        ("drug.wasted", {"signatures": [{"meaning": "wasted"}, {"meaning": "witnessed waste"}]}, False),
        ("drug.wasted", {"signatures": [{"meaning": "wasted"}]}, True),
        ("drug.wasted", {"witness_id": "n2"}, True),
        ("vitals.recorded", {"findings": [{"tier": "act", "vital": "spo2"}]}, False),
    ],
)
def test_the_rule_keeps_what_the_report_may_count(kind: str, payload: dict, kept_: bool):
    """A waste is kept unless a witness signed it (one recorded before signatures, naming a witness, is read by
    the report itself); a kind the report does not read this way is never kept."""
    assert notable(kind, payload) is kept_


_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 2),
    st.sampled_from(["", "second", "go_ahead", "mismatches", "weight_kg", "× 0.5", 'a "quoted" word', "back\\slash"]),
)
_FIELDS = st.sampled_from(
    [
        "same_day_override",
        "change_confirmed",
        "soft_limit_exceeded",
        "go_ahead",
        "override_reason",
        "mismatches",
        "second",
        "controlled_problem",
        "calculation",
        "signatures",
        "witness_id",
        "meaning",
        "note",
    ]
)
_PAYLOADS = st.recursive(
    _VALUES, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_FIELDS, inner, max_size=4), max_leaves=12
)


@settings(max_examples=3_000, deadline=None)
@given(
    kind=st.sampled_from(sorted(KINDS | {"vitals.recorded"})),
    payload=st.dictionaries(_FIELDS, _PAYLOADS, max_size=5),
    ascii_only=st.booleans(),
)
def test_a_payload_the_rule_keeps_is_never_passed_over_by_its_text(kind: str, payload: dict, ascii_only: bool):
    """Whatever the payload holds (a field twice, nested, as a string value, beside escaped characters), as
    Chairside and PostgreSQL write it: when the rule keeps it, the look at its text says it may matter."""
    stored = json.dumps(payload, ensure_ascii=ascii_only)
    try:
        kept_ = notable(kind, payload)
    except TypeError:  # a list where the rule reads a mapping: not a payload Chairside writes
        reject()
    if kept_:
        assert may_be_notable(kind, stored)


@pytest.mark.parametrize(
    ("kind", "stored", "maybe"),
    [
        ("dose.calculated", '{"calculation": {"soft_limit_exceeded": false, "arithmetic": ["2 \\u00d7 3"]}}', False),
        ("dose.calculated", '{"calculation": {"soft_limit_exceeded": true}}', True),
        ("infusion.started", '{"start_problems": [], "go_ahead": null}', False),
        ("infusion.started", '{"go\\u005fahead": "the doctor said so", "go_ahead": null}', True),
        ("infusion.started", '{"go_ahead":null}', True),
        ("pump.programmed", '{"mismatches": [], "second": null}', False),
        ("pump.programmed", '{"mismatches": [], "second": {"mismatches": []}}', True),
        ("drug.wasted", '{"signatures": []}', True),
        ("vitals.recorded", '{"point_id": "t15"}', False),
    ],
)
def test_only_a_text_that_shows_the_rule_cannot_keep_it_is_passed_over(kind: str, stored: str, maybe: bool):
    """A field harmless as written is passed over; a field's name escaped, or written without the space, is
    read whole, as is every waste (its rule reads a list)."""
    assert may_be_notable(kind, stored) is maybe
