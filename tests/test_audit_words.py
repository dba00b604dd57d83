"""The audit trail in words: what was recorded and signed, never an entry's id, a stored type or a bare
workstation name."""

from __future__ import annotations

import re

import pytest

from core.audit import AuditAction
from core.audit_report import read_trail
from core.errors import InputError
from core.protocol import VitalKind
from tests.helpers.answers import NORMAL
from tests.helpers.sessions import prepare

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")


def test_recorded_care_and_signatures_read_as_words(database, clock, care, patient, nurses, admin):
    prepare(care, patient, nurses)
    lines = read_trail(database, clock, "test-ws", admin)
    care_lines = [line for line in lines if line.action in {"Recorded care", "Signed"}]
    assert care_lines
    for line in lines:
        assert not UUID.search(line.detail), line.detail
        assert "event id" not in line.detail and "vitals.recorded" not in line.detail
        assert "_" not in line.detail, line.detail
        assert line.where == "workstation test-ws"
    details = [line.detail for line in care_lines]
    assert "entry: Vital signs" in details and "entry: Weight" in details
    signed = next(line.detail for line in care_lines if line.action == "Signed")
    assert signed.startswith("entry: Second-nurse check; meaning: verified; signed content, fingerprint: ")


def test_a_refusal_reads_as_what_refused_it(database, clock, care, patient, nurses, admin):
    sid = prepare(care, patient, nurses)
    with pytest.raises(InputError):
        care.record_vitals(sid, {**NORMAL, VitalKind.SYSTOLIC: "126124"}, nurses[0].id)
    (line,) = [line for line in read_trail(database, clock, "test-ws", admin) if line.action.startswith("An entry")]
    assert line.detail.startswith("refused: Vital sign no patient can have; said: ")
    assert "vital: systolic; entered: 126124" in line.detail and "_" not in line.detail


def test_a_refusal_written_before_kinds_were_named_reads_the_same_way(database, clock, care, nurses, admin):
    with care.door.writing(nurses[0].id) as work:  # as an earlier version wrote it
        work.audit(AuditAction.REFUSED, detail={"limit": "implausible weight", "entered": "700 kg", "said": "…"})
    (line,) = [line for line in read_trail(database, clock, "test-ws", admin) if line.action.startswith("An entry")]
    assert line.detail == "refused: Weight outside what a patient can weigh; entered: 700 kg; said: …"
