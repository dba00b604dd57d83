"""The whole check holds each set of vital signs' row to its entry as its walk along the trail reads the entry
(one reading of the payload gives both its hash and the row's values), in whichever part of the trail the
entry falls: what it finds is what ``records.set_values`` of the payload, read whole, says."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from typing import Any

import pytest
from sqlmodel import select

from core import records, trail_check
from core.care import Care
from core.clock import ManualClock
from core.events import EventType as E
from core.hashing import canonical_json
from core.persistence.db import Database
from core.persistence.tables import SessionEvent
from core.records import trail_streams
from tests.test_vital_sets import sets_through_a_session


def payloads(database: Database) -> list[str]:
    with database.session() as tx:
        query = select(SessionEvent).where(SessionEvent.type == E.VITALS.value).order_by(SessionEvent.seq)
        return [json.dumps(row.payload) for row in tx.exec(query)]


def as_read_whole(stored: str, began: bool) -> tuple[str, tuple[Any, ...]]:
    payload = json.loads(stored)
    return canonical_json(payload), records.set_values(payload, began)


def variants(stored: str) -> list[str]:
    """The payload with other values in the same places (one shape), and in shapes the rows are not read from
    by pieces (a reading as a number, a finding without its vital...)."""
    payload = json.loads(stored)
    out = []
    for systolic, tier, point in (("131", "act", "infusion-30"), ("99.5", "advise", "end"), ("140", "normal", "x")):
        changed = json.loads(stored)
        if "systolic" in changed["values"]:
            changed["values"]["systolic"] = systolic
        for finding in changed["findings"]:
            finding["tier"] = tier
        changed["point_id"] = point
        out.append(json.dumps(changed))
    numbers = json.loads(stored)
    numbers["values"] = {vital: 80 for vital in payload["values"]}
    nameless = json.loads(stored)
    nameless["findings"] = [{"tier": "normal"}, *payload["findings"]]
    untiered = json.loads(stored)
    untiered["findings"] = [{"tier": None, "vital": "spo2"}, {"tier": 3}, *payload["findings"]]
    reasoned = json.loads(stored)
    reasoned["partial_reason"] = "asleep"
    reasoned["point_id"] = None
    reasoned["values"]["temperature"] = "36.6"
    return [*out, json.dumps(numbers), json.dumps(nameless), json.dumps(untiered), json.dumps(reasoned)]


def test_a_sets_values_from_its_pieces_are_the_ones_read_whole(
    care: Care, patient, nurses, clock: ManualClock, database: Database
) -> None:
    sets_through_a_session(care, patient, nurses, clock)
    stored = payloads(database)
    every = [variant for text in stored for variant in (text, *variants(text))]
    shapes = trail_check._Shapes()
    for _ in range(3):  # learnt, then read by the shapes learnt
        for text in every:
            for began in (True, False):
                assert shapes.vital_set(text, began) == as_read_whole(text, began), text
    assert any(read is not None for _, read in shapes.readers.values())  # the pieces were read, not only whole


def test_a_payload_whose_set_cannot_be_read_fails_as_it_did() -> None:
    shapes = trail_check._Shapes()
    wrong = '{"values": {"spo2": "high"}, "findings": [], "point_id": "end", "partial_reason": null}'
    right = '{"values": {"spo2": "97"}, "findings": [], "point_id": "end", "partial_reason": null}'
    assert shapes.vital_set(right, True) == as_read_whole(right, True)
    assert shapes.vital_set(right, True) == as_read_whole(right, True)
    for _ in range(2):
        with pytest.raises(ValueError):
            shapes.vital_set(wrong, True)


def check_split_at(database: Database, middle: int) -> tuple[Any, list[trail_check.Findings]]:
    """The whole check in two parts, the first up to line ``middle``, in this process."""
    with database.session() as tx:
        ends = trail_streams.trail_ends(tx)
        parts = trail_check._parts_at(tx, middle)
        halves = [trail_check._check_part(tx, part) for part in parts]
        found = trail_check.Findings()
        found.absorb(halves[0])
        found.absorb(halves[1])
        return trail_check._conclude(tx, found, ends), halves


def lines_of(db_path) -> int:
    with closing(sqlite3.connect(db_path)) as raw:
        return raw.execute("SELECT max(seq) FROM audit_entry").fetchone()[0]


def test_split_anywhere_each_set_is_held_to_its_entry_in_its_own_part(
    care: Care, patient, nurses, clock: ManualClock, database: Database, db_path
) -> None:
    sets_through_a_session(care, patient, nurses, clock)
    for middle in range(1, lines_of(db_path)):
        check, halves = check_split_at(database, middle)
        assert check.ok, (middle, check.problem)
        for half in halves:  # no set crosses the parts' edge: rows and entries are split in the same place
            assert not half.set_rows and not half.set_entries, middle


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ("UPDATE vital_set SET heart_rate = 116 WHERE advise = 'heart_rate'", "were changed"),
        ("UPDATE vital_set SET partial = 0 WHERE partial = 1", "were changed"),
        ("UPDATE vital_set SET taken_at = '2020-01-01 00:00:00.000000' WHERE act = 'spo2'", "were changed"),
        ("DELETE FROM vital_set WHERE partial = 1", "were removed"),
        (
            "INSERT INTO vital_set SELECT id, session_id, seq, taken_at, recorded_by, before_start, partial,"
            " point_id, systolic, diastolic, heart_rate, respiratory_rate, spo2, sedation, temperature, act, advise"
            " FROM (SELECT s.id, v.* FROM session_event s, vital_set v WHERE s.type = 'infusion.started'"
            " AND v.act = 'spo2')",
            "have no entry: it was removed, or they were added by hand",
        ),
        ("REORDER", None),
    ],
)
def test_split_anywhere_a_set_changed_by_hand_is_found(
    care: Care, patient, nurses, clock: ManualClock, database: Database, db_path, change: str, said: str | None
) -> None:
    sets_through_a_session(care, patient, nurses, clock)
    database.dispose()
    with closing(sqlite3.connect(db_path)) as raw:
        if change == "REORDER":  # the first set's row stored again after the others: paired all the same
            raw.execute("CREATE TEMP TABLE kept AS SELECT * FROM vital_set ORDER BY rowid LIMIT 1")
            raw.execute("DELETE FROM vital_set WHERE id IN (SELECT id FROM kept)")
            raw.execute("INSERT INTO vital_set SELECT * FROM kept")
        else:
            raw.execute(change)
        raw.commit()
    for middle in range(1, lines_of(db_path)):
        check, _ = check_split_at(database, middle)
        if said is None:
            assert check.ok, (middle, check.problem)
        else:
            assert not check.ok and "set of vital signs" in check.problem and said in check.problem, (
                middle,
                check.problem,
            )
