"""A patient's courses read back whole through Care: every day of each course in words, each session's
dose, weight, peaks and adverse events, the gap between courses, and the outcome forms placed by the
protocol's windows; and the outcome chart's data, worked out by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from core.care import Care
from core.course_record import DayStatus
from core.machine import Outcome
from core.outcomes.chart import PAIN, FormScore, OutcomeLine, chart_of
from core.outcomes.windows import CourseSpan
from core.promis import shipped
from core.protocol import Protocol
from core.views import PatientView
from tests.helpers.clinic import PRESCRIBER
from tests.helpers.courses import DAY_ONE, PF_BASE, PF_END, PI_BASE, PI_END, SECOND_START, two_courses

pytestmark = pytest.mark.both_stores


def t_of(form_id: str, answers: dict[str, int]) -> tuple[Decimal, Decimal | None]:
    return shipped().form(form_id).table[sum(answers.values())]


def test_every_day_of_each_course_says_what_became_of_it(care: Care, patient: PatientView, nurses, clock):
    two_courses(care, patient, nurses, clock)
    record = care.course_record(patient.id)
    first, second = record.courses
    assert (first.number, first.order.prescriber, first.order.days, first.ordered_by) == (1, PRESCRIBER, 5, "Ana Reyes")
    assert [(d.day, d.on, d.status, d.reason) for d in first.days] == [
        (1, DAY_ONE, DayStatus.COMPLETED, None),
        (2, DAY_ONE + timedelta(days=1), DayStatus.STOPPED_EARLY, "Severe nausea (after 10.0 min)"),
        (3, DAY_ONE + timedelta(days=2), DayStatus.NOT_TREATED, "Patient felt unwell"),
        (4, DAY_ONE + timedelta(days=3), DayStatus.CANCELLED, "No second nurse on duty"),
        (5, DAY_ONE + timedelta(days=4), DayStatus.MISSED, "Did not come: unwell"),
    ]
    assert first.days[1].words == "stopped early: Severe nausea (after 10.0 min)"
    assert first.replaced and first.state_words == "ended (a new course was ordered)"
    # Day 2 of the second course passed with nothing recorded; day 3 is today.
    assert [(d.day, d.status) for d in second.days] == [
        (1, DayStatus.COMPLETED),
        (2, DayStatus.NO_RECORD),
        (3, DayStatus.TODAY),
    ]
    assert (second.number, second.order.first_day, second.state_words) == (2, SECOND_START, "in progress")
    assert first.gap_days is None
    # From the first course's last infusion (its day 2) to the second's first day.
    assert second.gap_days == (SECOND_START - (DAY_ONE + timedelta(days=1))).days == 119
    assert (
        first.tally == "1 completed, 1 stopped early, 1 not treated, 1 missed by the patient, 1 cancelled by the clinic"
    )


def test_each_session_has_its_dose_weight_peaks_and_adverse_events(care: Care, patient: PatientView, nurses, clock):
    story = two_courses(care, patient, nurses, clock)
    record = care.course_record(patient.id)
    first, second = record.courses
    done, stopped, untreated = first.sessions
    assert [s.session_id for s in first.sessions] == [story.completed, story.stopped, story.not_treated]
    assert (done.weight_kg, done.dose_mg, done.given_mg, done.outcome, done.signed) == (
        Decimal("72.4"),
        Decimal("36.2"),
        Decimal("36.2"),
        Outcome.COMPLETED,
        True,
    )
    # Stopped early: the estimate given, the worst readings of the session, each side effect at its worst.
    assert stopped.outcome is Outcome.STOPPED_EARLY and stopped.given_mg is not None
    assert stopped.given_mg < stopped.dose_mg  # type: ignore[operator]
    peaks = stopped.peaks
    assert (peaks.systolic_high, peaks.systolic_low, peaks.heart_rate_high, peaks.spo2_low) == (
        Decimal(152),
        Decimal(124),
        Decimal(96),
        Decimal(98),
    )
    assert (peaks.respiratory_rate_low, peaks.sedation_worst) == (Decimal(14), Decimal(0))
    assert peaks.words.startswith("BP 124–152/78 · HR 72–96")
    assert [(e.item, e.grade) for e in stopped.effects] == [  # in the checklist's order
        ("Dissociation / depersonalisation", "Mild"),
        ("Nausea", "Severe"),
    ]
    (adverse,) = stopped.adverse_events
    assert (adverse.what, adverse.severity, adverse.action) == (
        "Nausea",
        "severe",
        "Infusion stopped, antiemetic given",
    )
    # Not treated: weighed, nothing given, no dose.
    assert (untreated.weight_kg, untreated.dose_mg, untreated.given_mg) == (Decimal("71.8"), None, None)
    assert untreated.peaks.words == "no vital signs"
    # The trend runs across both courses, oldest first.
    assert [(n, s.weight_kg) for n, s in record.trend] == [
        (1, Decimal("72.4")),
        (1, Decimal("72.4")),
        (1, Decimal("71.8")),
        (2, Decimal("72.4")),
    ]
    assert second.sessions[0].session_id == story.second


def test_outcome_forms_are_placed_in_their_course_and_time_point(care: Care, patient: PatientView, nurses, clock):
    two_courses(care, patient, nurses, clock)
    first, second = care.course_record(patient.id).courses
    assert [(o.point_id, o.taken_on, o.counts, o.pain_intensity) for o in first.outcomes] == [
        ("baseline", DAY_ONE, True, 7),
        ("end", DAY_ONE + timedelta(days=4), True, 4),
        ("3m", DAY_ONE + timedelta(days=92), True, 6),
    ]
    assert [f.t_score for f in first.outcomes[1].forms] == [
        t_of("PI_4a_v1.0", PI_END)[0],
        t_of("PF_4a_v2.0", PF_END)[0],
    ]
    assert [(o.point_id, o.taken_on) for o in second.outcomes] == [("baseline", SECOND_START)]


def test_the_chart_has_each_measure_with_its_baselines_and_mcid_bands(care: Care, patient: PatientView, nurses, clock):
    two_courses(care, patient, nurses, clock)
    chart = care.course_record(patient.id).chart
    assert [m.domain for m in chart.measures] == ["Pain Interference", "Physical Function", PAIN]
    pain_interference, function, pain = chart.measures
    base, _ = t_of("PI_4a_v1.0", PI_BASE)
    assert [(b.course_number, b.value, b.low, b.high) for b in pain_interference.baselines] == [
        (1, base, base - 3, base + 3),
        (2, base, base - 3, base + 3),
    ]
    assert pain_interference.better == "better ↓" and pain_interference.baselines[0].improved_at == base - 3
    f_base, _ = t_of("PF_4a_v2.0", PF_BASE)
    (only,) = function.baselines  # the second course asked for pain interference only
    assert (only.value, only.improved_at, only.worsened_at, function.better) == (
        f_base,
        f_base + 3,
        f_base - 3,
        "better ↑",
    )
    assert [p.point_id for p in function.points] == ["baseline", "end", "3m"]
    assert all(p.to_verify for p in function.points) and chart.to_verify
    assert (pain.scale, pain.lowest, pain.highest, [p.value for p in pain.points]) == ("0–10", 0, 10, [7, 4, 6, 7])
    # Course 1 is shaded over its five days; the band of its baseline runs to its last follow-up.
    assert [(c.number, c.first, c.last) for c in chart.courses] == [
        (1, DAY_ONE, DAY_ONE + timedelta(days=4)),
        (2, SECOND_START, SECOND_START + timedelta(days=2)),
    ]
    assert pain_interference.baselines[0].until == DAY_ONE + timedelta(days=92)
    assert (chart.start, chart.end) == (DAY_ONE, SECOND_START + timedelta(days=2))


def span(number: int, first: date, days: int = 5) -> CourseSpan:
    began = datetime(first.year, first.month, first.day, 9, tzinfo=UTC)
    return CourseSpan(f"c{number}", "p", number, first, days, began, first + timedelta(days=days - 1), True)


def sitting(on: date, point: str | None, t: str, se: str | None = "2.0") -> tuple[OutcomeLine, str]:
    form = FormScore("PF_4a_v2.0", "Physical Function", Decimal(t), Decimal(se) if se else None, 4, 4, False)
    moment = datetime(on.year, on.month, on.day, 8, tzinfo=UTC)
    return OutcomeLine("a", on, moment, point, point or "outside", True, "By phone", (form,), None), "c1"


def test_a_higher_is_better_band_worked_by_hand(protocol: Protocol):
    """Physical function (higher is better, MCID 3): baseline 38.0, so 41.0 or more is a meaningful
    improvement and 35.0 or less a meaningful worsening; the axis holds 36 ± 2 to 41 + 2 inside 35 to 55."""
    first = date(2026, 1, 5)
    placed = [sitting(first - timedelta(days=2), "baseline", "38.0"), sitting(first + timedelta(days=95), "3m", "43.0")]
    chart = chart_of(protocol.outcomes, shipped(), [span(1, first)], placed, first + timedelta(days=100))
    (measure,) = chart.measures
    (base,) = measure.baselines
    assert measure.higher_is_better and measure.better == "better ↑" and measure.mcid == 3
    assert (base.low, base.high, base.improved_at, base.worsened_at) == (35, 41, 41, 35)
    assert (base.on, base.until) == (first - timedelta(days=2), first + timedelta(days=95))
    assert (measure.lowest, measure.highest) == (30, 50)
    assert (chart.start, chart.end) == (first - timedelta(days=2), first + timedelta(days=95))


def test_a_patient_with_no_forms_has_an_empty_chart(care: Care, patient: PatientView):
    record = care.course_record(patient.id)
    assert record.chart.empty and [d.status for d in record.courses[0].days][:2] == [DayStatus.TODAY, DayStatus.TO_COME]


def test_a_measure_recorded_only_as_not_scorable_is_said_not_left_out_unseen(protocol: Protocol):
    first = date(2026, 1, 5)
    scored = sitting(first - timedelta(days=2), "baseline", "38.0")
    partial = FormScore("SD_4a_v1.0", "Sleep Disturbance", None, None, 3, 4, False)
    line, course = sitting(first + timedelta(days=95), "3m", "43.0")
    placed = [scored, (replace(line, forms=(*line.forms, partial, partial)), course)]
    chart = chart_of(protocol.outcomes, shipped(), [span(1, first)], placed, first + timedelta(days=100))
    assert [m.domain for m in chart.measures] == ["Physical Function"]
    assert chart.unscored == (("Sleep Disturbance", 2),)
    assert chart.unscored_words == "Not charted: Sleep Disturbance (2 forms not scorable: items missing)."
