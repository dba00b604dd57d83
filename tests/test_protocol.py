"""The protocol file: the shipped one is valid and marked; a bad one is refused naming the field."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from core.errors import ProtocolError
from core.paths import resource_path
from core.protocol import DEFAULT_PROTOCOL_FILE, Basis, Protocol, VitalKind, load_protocol, parse_protocol
from core.vitals import Tier, classify, start_problems
from tests.helpers.answers import NORMAL

SHIPPED = resource_path(DEFAULT_PROTOCOL_FILE)
SE_SCHEDULE = "side_effects_schedule"
SE_POINTS = 'points = [\n    { id = "infusion-20", phase = "infusion", '
"""The side-effect schedule's first point (the vitals schedule starts with its baseline)."""
SE_ENDING = (
    '{ id = "end", phase = "observation", minutes = 0, label = "End of infusion" },\n'
    '    { id = "before-discharge", phase = "observation", minutes = '
)
"""Its observation points, which the vitals schedule's do not match."""


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
    sections = ("weight", "dose_limits", "preparation", "rounding", "vitals_schedule", "side_effects_schedule")
    for section in (*sections, "observation"):
        assert getattr(protocol, section).basis is Basis.CLINIC_POLICY, section
    assert protocol.alert_response.basis is Basis.CLINIC_POLICY
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
        ('unit = "°F", low = 86', 'unit = "°F", low = 40', "vitals.temperature"),
        ('partial_reasons = ["asleep", ', 'partial_reasons = ["asleep", "asleep", ', "vitals_schedule"),
        ('default_vial = "ketamine-10"', 'default_vial = "ketamine-20"', "default_vial"),
        ('basis = "study"', 'basis = "folklore"', "dose.basis"),
        ('stop_if = ["yes", "unknown"] }', 'stop_if = ["perhaps"] }', "screening.questions.0.stop_if"),
        ('asked = "course_start", text', 'asked = "sometimes", text', "screening.questions.0.asked"),
        ('id = "psychosis"', 'id = "cardiovascular"', "question ids must be unique"),
        ('pause = ["blood pressure",', 'pause = ["distress",', "reasons.pause"),
        ('stop_early = ["side effect",', 'stop_early = ["other…",', "reasons.stop_early"),
        ('pause = ["blood pressure",', 'pause = [" ",', "reasons.pause"),
        ('id = "before-discharge", phase = "observation"', 'id = "end", phase = "observation"', SE_SCHEDULE),
        ('id = "before-discharge", phase = "observation"', 'id = "before-discharge", phase = "before"', SE_SCHEDULE),
        ('id = "before-discharge", phase = "observation"', 'id = "before-discharge", phase = "infusion"', SE_SCHEDULE),
        (f"{SE_POINTS}minutes = 20,", f"{SE_POINTS}minutes = 40,", "must come before dose.infusion_minutes"),
        (f"{SE_ENDING}30,", '{ id = "late", phase = "observation", minutes = 45,', "before the earliest discharge"),
        ("recheck_minutes = 5", "recheck_minutes = 0", "alert_response.recheck_minutes"),
        ('effect = "stop" }', 'effect = "pause" }', "alert_response"),
        ('effect = "stop" }', 'effect = "halt" }', "alert_response.actions.1.effect"),
        ('vitals = ["heart_rate"] }', 'vitals = ["pulse"] }', "alert_response.symptoms.2.vitals.0"),
        ("act_instruction.observation = ", "act_instruction.after = ", "side_effects.act_instruction"),
        ("act_instruction.before = ", "# act_instruction.before = ", "side_effects"),
        ('act_at_grade = "severe"', 'act_at_grade = "none"', "side_effects"),
        ('label = "Mild", ctcae = 1', 'label = "Mild", ctcae = 3', "side_effects"),
        ('id = "none", label = "None", ctcae = 0', 'id = "none", label = "None", ctcae = 1', "side_effects"),
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


def _tier(protocol: Protocol, kind: VitalKind, value: int) -> Tier:
    return classify(protocol, {kind: Decimal(value)})[0].tier


def _holds_start(protocol: Protocol, kind: VitalKind, value: int) -> bool:
    """A full, normal baseline with one value changed: only that value can hold the start."""
    baseline = {vital: Decimal(typed) for vital, typed in NORMAL.items()}
    return bool(start_problems(protocol, {**baseline, kind: Decimal(value)}))


def test_the_thresholds_the_clinical_reference_gives_are_kept(protocol: Protocol):
    """REFERENCE 3.3 gives one example value for these (as "< 92", "> 120"): they are checked at the
    edge, so an edit of the file that drifts from the reference, or a bound written one off, fails
    here. A clinic that changes one on purpose changes this test with the reference section in hand."""
    hr, spo2, rr = VitalKind.HEART_RATE, VitalKind.SPO2, VitalKind.RESPIRATORY_RATE
    # Do not start: heart rate above 100 or below 50 at rest; SpO2 below 94 %; RR below 10 or above 24.
    assert [_holds_start(protocol, hr, v) for v in (49, 50, 100, 101)] == [True, False, False, True]
    assert [_holds_start(protocol, spo2, v) for v in (93, 94)] == [True, False]
    assert [_holds_start(protocol, rr, v) for v in (9, 10, 24, 25)] == [True, False, False, True]
    # Pause and notify: heart rate above 120 or below 50; SpO2 below 92 %; RR below 8 or above 28;
    # systolic 180 or above; RASS -3 or deeper.
    assert [_tier(protocol, hr, v) is Tier.ACT for v in (49, 50, 120, 121)] == [True, False, False, True]
    assert [_tier(protocol, spo2, v) is Tier.ACT for v in (91, 92)] == [True, False]
    assert [_tier(protocol, rr, v) is Tier.ACT for v in (7, 8, 28, 29)] == [True, False, False, True]
    assert [_tier(protocol, VitalKind.SYSTOLIC, v) is Tier.ACT for v in (179, 180)] == [False, True]
    assert [_tier(protocol, VitalKind.SEDATION, v) is Tier.ACT for v in (-3, -2)] == [True, False]


def test_each_alarm_says_what_the_reference_says_to_do(protocol: Protocol):
    deep = protocol.vitals[VitalKind.SEDATION].act_instruction or ""
    assert all(word in deep.lower() for word in ("stop the infusion", "stimulate", "escalate"))
    low_oxygen = protocol.vitals[VitalKind.SPO2].act_instruction or ""
    assert all(word in low_oxygen.lower() for word in ("stimulate", "oxygen", "notify", "below 90 %, escalate"))
    alarming = [limits for limits in protocol.vitals.values() if (limits.act_below, limits.act_above) != (None, None)]
    assert alarming and all(limits.act_instruction for limits in alarming)  # temperature has no act-now level


def test_the_reference_plausible_ranges_and_schedule_are_kept(protocol: Protocol):
    """REFERENCE 9 (impossible values) and 3.4 (baseline within 15 minutes, every 10 minutes during)."""
    bounds = {kind: (limits.reject_below, limits.reject_above) for kind, limits in protocol.vitals.items()}
    assert bounds[VitalKind.SYSTOLIC] == (40, 300) and bounds[VitalKind.DIASTOLIC] == (20, 200)
    assert bounds[VitalKind.HEART_RATE] == (20, 300) and bounds[VitalKind.RESPIRATORY_RATE] == (2, 80)
    assert bounds[VitalKind.SPO2] == (50, 100)
    weight = protocol.weight
    assert (weight.reject_below_kg, weight.reject_above_kg, weight.advise_below_kg, weight.advise_above_kg) == (
        20,
        350,
        40,
        150,
    )
    assert protocol.vitals_schedule.baseline_within_minutes == 15
    during = [p.minutes for p in protocol.vitals_schedule.points if p.phase.value == "infusion"]
    assert during == [10, 20, 30]
