"""The going-home instructions are protocol data, and the clinic's phone number is a clinic setting."""

from __future__ import annotations

import pytest

from core import audit
from core.audit import AuditAction
from core.errors import InputError, ProtocolError
from core.people import Account
from core.persistence.db import Database
from core.protocol import Basis, Protocol, parse_protocol
from core.settings import change_clinic_setting, clinic_settings
from tests.helpers.clinic import T0
from tests.test_protocol import edited

PHONE = "+44 20 7946 0000 ext. 12"


# ---- the protocol's words -----------------------------------------------------------------------------


def test_the_instructions_are_the_protocols_and_marked_for_the_directors_review(protocol: Protocol):
    words = protocol.discharge_instructions
    assert words.basis is Basis.CLINIC_POLICY
    lines = " ".join(line for section in words.sections for line in section.lines_for(frozenset()))
    assert "Do not drive" in lines and "alcohol" in lines
    assert any("after a night's sleep" in section.heading for section in words.sections)


@pytest.mark.parametrize(
    ("replace", "with_", "named"),
    [
        ('given = "Today you had {drug}', 'given = "Today you had {dose}', "given: unknown blank dose"),
        ('given = "Today you had {drug}', 'given = "Today you had {}', "given:"),
        ("finished at {ended_at}.", "finished at {ended_at!r}.", "ended:"),
        ("day {day} of {days} of your treatment.", "day {day.real} of {days}.", "course_day:"),
        ('last_session = "This was', 'last_session = "{day} was', "last_session: unknown blank day"),
        ('title = "Going home', 'titel = "Going home', "discharge_instructions.titel"),
    ],
)
def test_a_sentence_with_a_blank_chairside_cannot_fill_is_refused_naming_it(replace: str, with_: str, named: str):
    with pytest.raises(ProtocolError) as refused:
        parse_protocol(edited(replace, with_), "test.toml")
    assert named in refused.value.message


# ---- the clinic's phone -------------------------------------------------------------------------------


def test_the_clinic_phone_is_a_setting_kept_with_its_history(database: Database, admin: Account):
    assert clinic_settings(database).clinic_phone == ""  # no migration: settings are key/value rows
    change_clinic_setting(database, "clinic_phone", PHONE, admin.id, "new line", T0, workstation="ws")
    assert clinic_settings(database).clinic_phone == PHONE
    with pytest.raises(InputError):
        change_clinic_setting(database, "clinic_phone", "call <me>", admin.id, "typo", T0, workstation="ws")
    (line, *_) = [e for e in audit.entries(database) if e.action == AuditAction.SETTING_CHANGED]
    assert line.detail == {"key": "clinic_phone", "value": PHONE, "reason": "new line"}
