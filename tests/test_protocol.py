"""The protocol file: the shipped one is valid and marked; a bad one is refused naming the field."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from core.errors import ProtocolError
from core.paths import resource_path
from core.protocol import DEFAULT_PROTOCOL_FILE, Basis, Protocol, load_protocol, parse_protocol

SHIPPED = resource_path(DEFAULT_PROTOCOL_FILE)


def edited(replace: str, with_: str) -> bytes:
    text = SHIPPED.read_text(encoding="utf-8")
    assert replace in text, replace
    return text.replace(replace, with_, 1).encode()


def test_shipped_protocol_has_the_study_values(protocol: Protocol):
    assert protocol.dose.mg_per_kg == 0.5
    assert protocol.dose.infusion_minutes == 40
    assert protocol.course.sessions == 5 and protocol.course.consecutive_days
    assert protocol.dose.basis is Basis.STUDY
    assert len(protocol.content_hash) == 64


def test_every_value_without_evidence_is_marked_clinic_policy(protocol: Protocol):
    for section in ("weight", "dose_limits", "preparation", "rounding", "vitals_schedule", "observation"):
        assert getattr(protocol, section).basis is Basis.CLINIC_POLICY, section
    assert all(v.basis is Basis.CLINIC_POLICY for v in protocol.vitals.values())


def test_every_table_in_the_file_states_its_basis():
    raw = tomllib.loads(SHIPPED.read_text(encoding="utf-8"))
    for key, value in raw.items():
        if isinstance(value, dict) and key != "vitals":
            assert "basis" in value, key
    assert all("basis" in v for v in raw["vitals"].values())


def test_the_hash_changes_with_the_content():
    assert parse_protocol(edited("minimum_minutes = 30", "minimum_minutes = 45"), "x").content_hash != (
        load_protocol().content_hash
    )


@pytest.mark.parametrize(
    ("replace", "with_", "named"),
    [
        ("mg_per_kg = 0.5", "mg_per_kg = -0.5", "dose.mg_per_kg"),
        ("mg_per_kg = 0.5", "mg_per_kg = 0.5\nmg_per_kilo = 1", "dose.mg_per_kilo"),
        ("infusion_minutes = 40", 'infusion_minutes = "forty"', "dose.infusion_minutes"),
        ("soft_max_mg = 60", "soft_max_mg = 120", "dose_limits"),
        ('dose_mg = "0.1"', "dose_mg = 0.1", "rounding.dose_mg"),
        ('dose_mg = "0.1"', 'dose_mg = "0.3"', "rounding.dose_mg"),
        ("act_above = 180", "act_above = 150", "vitals.systolic"),
        ('default_vial = "ketamine-10"', 'default_vial = "ketamine-20"', "default_vial"),
        ('basis = "study"', 'basis = "folklore"', "dose.basis"),
        ('stop_if = ["yes", "unknown"] }', 'stop_if = ["perhaps"] }', "screening.questions.0.stop_if"),
    ],
)
def test_a_bad_file_is_refused_naming_the_field(replace: str, with_: str, named: str):
    with pytest.raises(ProtocolError) as caught:
        parse_protocol(edited(replace, with_), "bad.toml")
    assert named in caught.value.message
    assert "bad.toml" in caught.value.message
    assert caught.value.advice


def test_a_missing_vital_is_named():
    text = SHIPPED.read_text(encoding="utf-8")
    start = text.index("[vitals.spo2]")
    end = text.index("[vitals.sedation]")
    with pytest.raises(ProtocolError, match="spo2"):
        parse_protocol((text[:start] + text[end:]).encode(), "x")


def test_not_toml_at_all_is_refused():
    with pytest.raises(ProtocolError, match="cannot be read"):
        parse_protocol(b"\x00\xff not toml [", "broken.toml")


def test_a_missing_file_is_refused(tmp_path: Path):
    with pytest.raises(ProtocolError, match="cannot be opened"):
        load_protocol(tmp_path / "nope.toml")
