"""The trend beside the vitals entry shows every recorded set as a point, and the latest value in words."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from core.care import Care
from core.clock import ManualClock
from core.people import Account
from core.protocol import VitalKind
from tests.helpers.window import Nurse
from ui.main_window import MainWindow
from ui.widgets.trend import TrendChart


def chart(nurse: Nurse, name: str) -> TrendChart:
    return nurse.find(TrendChart, f"{name} trend")


def infusing(nurse: Nurse, window: MainWindow, care: Care, session: str, by: Account) -> None:
    nurse.on_duty(by)
    nurse.chair(1)
    care.start_infusion(session, by.id)
    window.refresh()


def test_several_sets_show_one_point_each_in_time_order_and_the_latest_value(
    nurse: Nurse, window: MainWindow, care: Care, ready_session: str, nurses, normal_vitals, clock: ManualClock
) -> None:
    infusing(nurse, window, care, ready_session, nurses[0])
    for heart_rate in ("80", "91"):
        clock.advance(minutes=10)
        nurse.enter_vitals({**normal_vitals, VitalKind.HEART_RATE: heart_rate})
    window.refresh()

    heart = chart(nurse, "Heart rate")
    points = heart.positions()
    assert [reading.value for reading, _at in points] == [72, 80, 91]
    xs = [at.x() for _reading, at in points]
    ys = [at.y() for _reading, at in points]
    assert xs == sorted(xs) and ys == sorted(ys, reverse=True)  # later to the right, higher up
    assert all(heart.rect().contains(at.toPoint()) for _reading, at in points)
    assert nurse.text("Heart rate latest") == "91 /min"
    assert nurse.text("SpO2 latest") == "98 %"
    assert nurse.text("Sedation (RASS) latest") == "0 RASS"
    assert all(len(chart(nurse, care.protocol.vitals[k].label).positions()) == 3 for k in normal_vitals)
    assert not heart.grab().isNull()  # painting runs without error


def test_a_chart_says_in_words_what_it_shows(
    nurse: Nurse, window: MainWindow, care: Care, ready_session: str, nurses, normal_vitals, clock: ManualClock
) -> None:
    infusing(nurse, window, care, ready_session, nurses[0])
    clock.advance(minutes=10)
    nurse.enter_vitals({**normal_vitals, VitalKind.HEART_RATE: "84"})
    window.refresh()

    heart = chart(nurse, "Heart rate")
    words = heart.accessibleDescription()
    assert words.startswith("Heart rate (/min), 2 readings: ")
    assert "72; " in words and " 84." in words
    assert "Advisory: 50 or below, 110 or above; act now: 49 or below, 121 or above." in words
    assert heart.toolTip() == words


def test_a_flagged_latest_value_says_its_tier_in_words(
    nurse: Nurse, window: MainWindow, care: Care, ready_session: str, nurses, normal_vitals, clock: ManualClock
) -> None:
    infusing(nurse, window, care, ready_session, nurses[0])
    clock.advance(minutes=10)
    nurse.enter_vitals({**normal_vitals, VitalKind.SPO2: "88", VitalKind.SEDATION: "-2"})
    window.refresh()

    spo2 = nurse.find(QLabel, "SpO2 latest")
    assert spo2.text() == "88 %\nact now"
    assert spo2.property("tone") == "act"
    sedation = nurse.find(QLabel, "Sedation (RASS) latest")
    assert (sedation.text(), sedation.property("tone")) == ("-2 RASS\nadvisory", "advise")
    assert "act now (SpO2 88 at or below 91 %)" in chart(nurse, "SpO2").accessibleDescription()
    assert nurse.find(QLabel, "Heart rate latest").property("tone") is None


def test_a_partial_set_and_a_correction_are_shown_for_what_they_are(
    nurse: Nurse, window: MainWindow, care: Care, ready_session: str, nurses, normal_vitals, clock: ManualClock
) -> None:
    first = nurses[0]
    infusing(nurse, window, care, ready_session, first)
    clock.advance(minutes=10)
    state, _ = care.record_vitals(ready_session, {**normal_vitals, VitalKind.RESPIRATORY_RATE: "41"}, first.id)
    care.correct(ready_session, state.events[-1].id, "typo", "respiratory rate was 14", first.id)
    clock.advance(minutes=5)
    asleep = {k: v for k, v in normal_vitals.items() if k is not VitalKind.SEDATION}
    care.record_vitals(ready_session, {**asleep, VitalKind.RESPIRATORY_RATE: "12"}, first.id, partial_reason="asleep")
    window.refresh()

    rate = chart(nurse, "Respiratory rate")
    assert [(r.value, r.correction is not None) for r, _at in rate.positions()] == [
        (14, False),
        (41, True),
        (12, False),
    ]
    assert ", corrected: typo — respiratory rate was 14" in rate.accessibleDescription()
    assert nurse.text("Respiratory rate latest") == "12 /min"
    sedation = chart(nurse, "Sedation (RASS)")
    assert len(sedation.positions()) == 2
    assert "not taken (asleep)" in sedation.accessibleDescription()
    assert nurse.text("Sedation (RASS) latest") == "0 RASS"


def test_the_observation_page_shows_the_trend_of_the_whole_session(
    nurse: Nurse, window: MainWindow, care: Care, ready_session: str, nurses, normal_vitals, clock: ManualClock
) -> None:
    first = nurses[0]
    infusing(nurse, window, care, ready_session, first)
    clock.advance(minutes=41)
    care.complete(ready_session, first.id)
    window.refresh()
    nurse.enter_vitals({**normal_vitals, VitalKind.SYSTOLIC: "132"})
    window.refresh()

    nurse.click("Show vital signs trend")  # the discharge comes first on this page; the trend is one tap away
    systolic = chart(nurse, "Systolic blood pressure")
    assert [reading.value for reading, _at in systolic.positions()] == [124, 132]
    assert len(systolic.marks) == 2  # the infusion's start and end
    assert nurse.text("Systolic blood pressure latest") == "132 mmHg"
    assert nurse.text("Trend start") != "" and nurse.text("Trend end") != ""
