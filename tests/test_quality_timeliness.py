"""The quality report's timeliness figures over hand-built sessions, worked out by hand: a set and a check on
time, a set 7 minutes late, one missed, a recheck after an alarm taken a minute early; beside them a day
whose every point was on time. Read from the kept points by period, on either store."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import records
from core.care import Care
from core.clock import ManualClock
from core.figures import PER_100, PERCENT
from core.persistence.db import Database
from core.quality.timeliness import MINUTES, SECTION, timeliness
from tests.helpers.sessions import signed
from tests.test_schedule_points import late_and_missed

pytestmark = pytest.mark.both_stores


@pytest.fixture
def two_days(care: Care, patient, nurses, clock: ManualClock, database: Database):
    """The late-and-missed session, then the next day's, every point on time (chair 2); the figures over both."""
    sid, _, start = late_and_missed(care, patient, nurses, clock)
    clock.advance(minutes=24 * 60)
    other = signed(care, patient, nurses, clock, chair=2)
    with database.session() as tx:
        points = records.schedule_points_between(tx, start - timedelta(hours=1), start + timedelta(days=2))
    return sid, other, timeliness(points, care.protocol)


def value(found, key: str):
    return next(f for f in found.figures if f.key == key)


def test_each_point_is_counted_on_time_late_or_missed(two_days):
    _, _, found = two_days
    assert found.sessions == 2
    for key, on_time, late, missed in [
        ("vitals:baseline", 2, 0, 0),
        ("vitals:infusion-10", 2, 0, 0),
        ("vitals:infusion-20", 1, 1, 0),
        ("vitals:infusion-30", 1, 0, 1),
        ("vitals:end", 2, 0, 0),
        ("recheck", 1, 0, 0),  # one alarm, its recheck a minute early
        ("side_effects:infusion-20", 2, 0, 0),  # a minute after it fell: on time
        ("all", 19, 1, 1),  # 11 points owed by the first session, 10 by the second
    ]:
        owed = on_time + late + missed
        for kind, count in (("on_time", on_time), ("late", late), ("missed", missed)):
            figure = value(found, f"{key}:{kind}")
            assert (figure.numerator, figure.denominator, figure.unit) == (count, owed, PERCENT), (key, kind)
            assert figure.value == pytest.approx(100 * count / owed)
            assert figure.section == SECTION and figure.definition


def test_per_100_sessions_and_the_lateness_with_its_session(two_days):
    sid, _, found = two_days
    late = value(found, "all:late_per_100")
    assert (late.numerator, late.denominator, late.value, late.unit) == (1, 2, 50.0, PER_100)
    assert value(found, "vitals:infusion-30:missed_per_100").value == 50.0
    for key in ("vitals:infusion-20", "all"):
        median, longest = value(found, f"{key}:late_median"), value(found, f"{key}:late_longest")
        assert (median.value, median.denominator, median.unit) == (7.0, 1, MINUTES)
        assert (longest.value, longest.note) == (7.0, f"session {sid}")
        assert found.longest[key].session_id == sid and found.longest[key].late_seconds == 420
    on_time_only = value(found, "vitals:infusion-10:late_median")
    assert on_time_only.value is None and on_time_only.denominator == 0
    assert "vitals:infusion-10" not in found.longest


def test_the_points_are_in_the_protocols_order_with_its_labels(two_days):
    _, _, found = two_days
    groups = list(dict.fromkeys(f.key.rsplit(":", 1)[0] for f in found.figures))
    assert groups == [
        "vitals:baseline",
        "vitals:infusion-10",
        "vitals:infusion-20",
        "vitals:infusion-30",
        "vitals:end",
        "vitals:observation-15",
        "vitals:observation-30",
        "recheck",
        "side_effects:infusion-20",
        "side_effects:end",
        "side_effects:before-discharge",
        "all",
    ]
    assert value(found, "vitals:infusion-20:late").time_point == "Vital signs: 20 min into infusion"
    assert value(found, "recheck:on_time").time_point == "Recheck after an alarm"


def test_a_period_without_points_has_nothing_to_count():
    found = timeliness([])
    assert found.sessions == 0 and [f.key for f in found.figures] == [f"all:{k}" for k in KINDS]
    assert all(f.value is None for f in found.figures)


KINDS = ("on_time", "late", "missed", "late_per_100", "missed_per_100", "late_median", "late_longest")


def test_the_report_counts_the_points_and_lists_the_latest_answer_of_each(
    care: Care, patient, nurses, clock: ManualClock, accounts, admin
):
    """The late-and-missed day in the whole report: its figures, and the 7-minute set listed with its patient."""
    from core.people import Role
    from core.quality.report import PATIENT_COLUMN
    from tests.helpers.people import TEMPORARY_PASSWORD

    sid, _, start = late_and_missed(care, patient, nurses, clock)
    clock.advance(minutes=24 * 60)
    helen = accounts.add(admin.id, "Helen Achterberg", "helen", Role.CHARGE_NURSE, TEMPORARY_PASSWORD)
    day = start.astimezone().date()
    report = care.quality_report(helen.id, day, day)
    assert report.figure("all:late").numerator == 1 and report.figure("all:missed").numerator == 1
    (latest,) = [listing for listing in report.listings if listing.title.startswith("The latest answer")]
    assert latest.columns[0] == PATIENT_COLUMN and {row[-1] for row in latest.rows} == {"7"}
    assert {row[2] for row in latest.rows} == {sid[:8]}
