"""Every entry a limit refuses is an audit line, though nothing is recorded: the near misses the quality
report counts (a dose over a limit, an impossible vital sign; the weight's are in test_weight_input)."""

from __future__ import annotations

import pytest

from core.errors import InputError
from core.events import EventType as E
from core.identify import Identified
from core.protocol import VitalKind
from tests.helpers.answers import NORMAL, SCREEN_OK
from tests.helpers.sessions import prepare
from tests.test_weight_input import refusals


def test_the_dose_limits_near_misses_are_audit_lines(care, patient, nurses):
    """A dose the hard limit refuses, and an override the soft limit asks for, are counted even though
    neither records a dose."""
    ana = nurses[0]
    sid = care.open_session(
        patient.id, 1, ana.id, Identified(name=True, birth_date=patient.birth_date.isoformat())
    ).session_id
    care.screen(sid, SCREEN_OK, ana.id)
    care.record_weight(sid, "130", "kg", ana.id, confirm_change=True)
    with pytest.raises(InputError, match="soft limit"):
        care.confirm_dose(sid, ana.id)
    care.record_weight(sid, "210", "kg", ana.id, confirm_change=True)
    with pytest.raises(InputError, match="hard limit"):
        care.confirm_dose(sid, ana.id)
    assert [d.get("limit") for d in refusals(care)][-2:] == ["soft dose limit", "hard dose limit"]
    assert E.DOSE_CALCULATED not in [e.type for e in care.state(sid).events]


def test_an_impossible_vital_sign_is_an_audit_line_and_nothing_is_recorded(care, patient, nurses):
    sid = prepare(care, patient, nurses)
    before = len(care.state(sid).events)
    with pytest.raises(InputError):
        care.record_vitals(sid, {**NORMAL, VitalKind.SYSTOLIC: "126124"}, nurses[0].id)
    assert refusals(care)[-1]["limit"] == "impossible vital sign" and refusals(care)[-1]["entered"] == "126124"
    assert len(care.state(sid).events) == before
