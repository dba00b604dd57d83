"""The clinic's outcome figures on small cohorts built by hand (no database), each answer worked out in the
test: completion and adherence, repeat courses with too little follow-up, outcome forms placed by their
dates (a baseline after the infusion began, a follow-up after the next course began, a form not scorable),
change from baseline, adverse events; and the statistics the figures carry."""

from __future__ import annotations

import math
import re
import statistics
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.outcomes.cohort import (
    AdverseRow,
    AssessmentRow,
    Cohort,
    CourseRow,
    FormScore,
    NotGivenRow,
    SessionRow,
    StopRow,
)
from core.outcomes.metrics import Figure, find
from core.outcomes.report import STUDY_LABEL, OutcomeReport, csv_bytes, outcome_report, value_words
from core.outcomes.stats import kaplan_meier, km_day_reaching, km_returned_by, mean_ci, t_quantile, wilson
from core.protocol import Protocol

OUTCOME = {"C": "completed", "S": "stopped early", "N": "not treated"}
PI, PF = "Pain Interference", "Physical Function"


def at(day: date, hour: int = 9) -> datetime:
    """A moment of the clinic's local day."""
    return datetime.combine(day, time(hour)).astimezone()


def course(cid: str, pid: str, first: date, days: int = 5) -> CourseRow:
    return CourseRow(cid, pid, first, days, at(first - timedelta(days=7)))


def sessions(cid: str, pid: str, first: date, pattern: str) -> list[SessionRow]:
    """One day of the course per letter from ``first``: C completed, S stopped early, N opened and not treated,
    - no session. Letters in brackets, "[CC]", are sessions on one day (a second infusion the prescriber
    allowed). Ids are the course's id and the session's place: "S1-1" is its second session."""
    made = []
    for offset, token in enumerate(re.findall(r"\[[A-Z]+\]|.", pattern)):
        on = first + timedelta(days=offset)
        for index, letter in enumerate(token.strip("[]")):
            if letter == "-":
                continue
            begun = at(on, 9 + 3 * index) if letter != "N" else None
            made.append(SessionRow(f"{cid}-{len(made)}", pid, cid, at(on, 8 + 3 * index), OUTCOME[letter], begun))
    return made


def form(form_id: str, t: str | None, se: str | None = "2.0") -> FormScore:
    return FormScore(
        form_id,
        Decimal(t) if t else None,
        Decimal(se) if se and t else None,
        f"{form_id} (v)" if t else None,
        "abc123" if t else None,
        True,
        4 if t else 3,
        4,
    )


def sitting(
    pid: str, moment: datetime, pi: str | None = None, pf: str | None = None, **se: str | None
) -> AssessmentRow:
    forms = []
    if pi is not None:
        forms.append(form("PI_4a_v1.0", pi if pi != "-" else None, se.get("pi_se", "2.0")))
    if pf is not None:
        forms.append(form("PF_4a_v2.0", pf, se.get("pf_se", "2.0")))
    return AssessmentRow(pid, moment, tuple(forms))


def report(protocol: Protocol, cohort: Cohort, first: date, last: date) -> OutcomeReport:
    return outcome_report(protocol, cohort, first, last, at(last + timedelta(days=1)))


def check(figure: Figure, numerator: int | None, denominator: int) -> None:
    assert (figure.numerator, figure.denominator) == (numerator, denominator), figure


# ---- completion and adherence ------------------------------------------------------------------------------

JAN = date(2026, 1, 1)
JUNE_END = date(2026, 6, 30)


def completion_cohort() -> Cohort:
    a, b, c, d = date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19), date(2026, 1, 26)
    e, f, g = date(2026, 6, 29), date(2025, 12, 29), date(2026, 2, 2)
    courses = [
        course("A", "p1", a),
        course("B", "p2", b),
        course("C", "p3", c),
        course("D", "p4", d),
        course("E", "p5", e),  # still running at the cut-off
        course("F", "p6", f),  # began before the period
        course("G", "p7", g),  # never began: every day missed
    ]
    rows = [
        *sessions("A", "p1", a, "CCCCC"),
        *sessions("B", "p2", b, "CC-CC"),
        *sessions("C", "p3", c, "[CC]CCC"),  # five completed on four days, day 5 then cancelled
        *sessions("D", "p4", d, "CSC"),
        *sessions("E", "p5", e, "CC"),
        *sessions("F", "p6", f, "CCCCC"),
    ]
    not_given = [
        NotGivenRow("p2", "B", 3, by_clinic=False),
        NotGivenRow("p3", "C", 5, by_clinic=True),
        NotGivenRow("p4", "D", 4, by_clinic=True),
        *(NotGivenRow("p7", "G", n, by_clinic=False) for n in range(1, 6)),
    ]
    return Cohort(courses=tuple(courses), sessions=tuple(rows), not_given=tuple(not_given))


def test_completion_counts_first_courses_that_ended_by_the_study_s_definition(protocol: Protocol):
    figures = report(protocol, completion_cohort(), JAN, JUNE_END).figures
    # First courses begun in the period and ended: A (5 completed), B (4), C (5), D (2); E still runs; F began
    # in December; G never began. 5 or more completed: A and C.
    treatment = find(figures, "treatment_completion")
    check(treatment, 2, 4)
    assert treatment.value == 50.0
    assert treatment.note == "1 patient's first course still running at the cut-off is not counted."
    # All five completed: A and C (C's second infusion of day 1 makes up for day 5); on consecutive days: A only.
    check(find(figures, "course_completion"), 2, 4)
    check(find(figures, "on_protocol"), 1, 4)


def test_adherence_all_cause_and_patient_attributable_count_each_scheduled_day_once(protocol: Protocol):
    figures = report(protocol, completion_cohort(), JAN, JUNE_END).figures
    # Scheduled: 4 courses x 5 = 20. Completed: A 5, B 4, C 5 (capped at its 5 days), D 2 = 16.
    # D: day 2 stopped early, day 4 cancelled by the clinic, day 5 no record; B: day 3 missed by the patient.
    # C's cancelled day 5 is not a day not given (its five sessions were all given), so it is not counted.
    check(find(figures, "adherence_all_cause"), 16, 20)
    check(find(figures, "adherence_patient"), 16, 19)  # the clinic's cancelled day out of the denominator
    assert find(figures, "adherence_all_cause").value == 80.0
    kinds = {k: find(figures, f"days_{k}").numerator for k in ("completed", "stopped_early", "missed", "cancelled")}
    assert kinds == {"completed": 16, "stopped_early": 1, "missed": 1, "cancelled": 1}
    check(find(figures, "days_no_record"), 1, 20)
    check(find(figures, "days_not_treated"), 0, 20)


# ---- repeat courses ----------------------------------------------------------------------------------------

YEAR = (date(2025, 1, 1), date(2025, 12, 31))


def return_cohort() -> Cohort:
    five = "CCCCC"
    starts = {
        "q1": [date(2025, 1, 6), date(2025, 5, 5)],  # back 115 days after 10 Jan
        "q2": [date(2025, 2, 3), date(2025, 10, 6)],  # back 241 days after 7 Feb
        "q3": [date(2025, 3, 3)],  # not back; ended 299 days before the last day
        "q4": [date(2025, 9, 1), date(2025, 11, 3)],  # back after 59 days, but ended too late to count
        "q5": [date(2025, 10, 6)],  # not back, ended 82 days before the last day
    }
    courses, rows = [], []
    for pid, firsts in starts.items():
        for n, first in enumerate(firsts, start=1):
            made = course(f"{pid}-{n}", pid, first)
            courses.append(CourseRow(made.id, pid, first, 5, at(first - timedelta(days=7 - n))))
            rows += sessions(made.id, pid, first, five)
    return Cohort(courses=tuple(courses), sessions=tuple(rows))


def test_repeat_return_counts_only_patients_followed_long_enough(protocol: Protocol):
    assert protocol.outcomes.repeat_within_days == 182
    figures = report(protocol, return_cohort(), *YEAR).figures
    # Ended at least 182 days before 31 Dec (by 2 Jul): q1, q2, q3. Back within 182 days: q1 only.
    rate = find(figures, "repeat_return")
    check(rate, 1, 3)
    assert "2 patients with less than 182 days of follow-up are not counted" in rate.note


def test_time_to_return_is_a_kaplan_meier_estimate_censored_at_the_last_day(protocol: Protocol):
    figures = report(protocol, return_cohort(), *YEAR).figures
    # Observations: q4 back at 59, q5 censored at 82, q1 back at 115, q2 back at 241, q3 censored at 299.
    # S(59) = 4/5 = 0.8; S(115) = 0.8 x 2/3 = 0.5333; S(241) = 0.5333 x 1/2 = 0.2667.
    back = find(figures, "km_returned")
    check(back, 2, 5)  # seen back within 182 days: q4 and q1
    assert back.value == pytest.approx(100 * (1 - 0.8 * 2 / 3))
    assert find(figures, "km_day_25").value == 115  # 1 - S first reaches 0.25 at day 115 (0.467)
    assert find(figures, "km_day_50").value == 241  # and 0.5 at day 241 (0.733)
    assert find(figures, "km_day_75").value is None  # never reaches 0.75
    assert find(figures, "km_day_75").note == "Not reached."


# ---- outcome forms, change from baseline -------------------------------------------------------------------


def forms_cohort() -> Cohort:
    r1, r2, r3a, r3b, r4 = (date(2025, m, d) for m, d in ((1, 6), (2, 3), (3, 3), (5, 5), (6, 2)))
    courses = [
        course("R1", "r1", r1),
        course("R2", "r2", r2),
        CourseRow("R3a", "r3", r3a, 5, at(r3a - timedelta(days=7))),
        CourseRow("R3b", "r3", r3b, 5, at(r3b - timedelta(days=7))),
        course("R4", "r4", r4),
    ]
    rows = [
        *sessions("R1", "r1", r1, "CCCCC"),
        *sessions("R2", "r2", r2, "CCCCC"),
        *sessions("R3a", "r3", r3a, "CCCCC"),
        *sessions("R3b", "r3", r3b, "CCCCC"),
        *sessions("R4", "r4", r4, "CCCCC"),
    ]
    sittings = [
        # R1: a baseline 3 days before, the end of course on the last day, 3 months after it.
        sitting("r1", at(date(2025, 1, 3)), pi="65.0", pf="35.0"),
        sitting("r1", at(date(2025, 1, 10), 12), pi="60.0", pf="36.0", pi_se="1.0"),
        sitting("r1", at(date(2025, 4, 11), 12), pi="63.0", pf="30.0"),
        # R2: the "baseline" answered at 10:00 on day 1, once the infusion had begun (09:00): no baseline.
        sitting("r2", at(date(2025, 2, 3), 10), pi="70.0"),
        sitting("r2", at(date(2025, 2, 7), 12), pi="50.0"),
        # R3: a baseline for course 1; then the next course's baseline (1 May) and end (9 May); a form on
        # 20 May falls in course 1's 3-month window but after course 2 began: no course's follow-up.
        sitting("r3", at(date(2025, 2, 28)), pi="70.0"),
        sitting("r3", at(date(2025, 5, 1)), pi="68.0"),
        sitting("r3", at(date(2025, 5, 9), 12), pi="64.0"),
        sitting("r3", at(date(2025, 5, 20)), pi="40.0"),
        # R4: a baseline whose PI form is not scorable (3 of 4 answered); the end's PF score has no SE.
        sitting("r4", at(date(2025, 5, 30)), pi="-", pf="40.0"),
        sitting("r4", at(date(2025, 6, 6), 12), pi="55.0", pf="41.0", pf_se=None),
    ]
    return Cohort(courses=tuple(courses), sessions=tuple(rows), assessments=tuple(sittings))


def test_forms_completed_per_time_point_among_courses_due(protocol: Protocol):
    figures = report(protocol, forms_cohort(), *YEAR).figures
    # Baseline: all 5 due; scored for R1, R3a, R3b and R4 (PF); R2's came after the infusion began.
    check(find(figures, "forms_completed", "Baseline"), 4, 5)
    # End of course: all 5 due; all but R3a scored.
    check(find(figures, "forms_completed", "End of course"), 4, 5)
    # 3 months: R3a not due (course 2 began 5 May, before its window opened on 7 May); R1 answered.
    three = find(figures, "forms_completed", "3 months")
    check(three, 1, 4)
    assert three.note == "1 course not due by the last day."
    # 6 months: R3a not due, R4's window closes on 4 Jan 2026, after the last day; none answered.
    check(find(figures, "forms_completed", "6 months"), 0, 3)


def test_change_from_baseline_on_complete_cases_in_the_improving_direction(protocol: Protocol):
    figures = report(protocol, forms_cohort(), *YEAR).figures
    assert protocol.outcomes.mcid_for(PI) == 3 and protocol.outcomes.mcid_for(PF) == 3
    # Pain interference (higher is worse) at the end: R1 65 -> 60 (+5), R3b 68 -> 64 (+4); R2 has no
    # baseline, R4's baseline PI was not scorable.
    check(find(figures, "mcid_reached", "End of course", PI), 2, 2)
    check(find(figures, "worsened", "End of course", PI), 0, 2)
    # Reliable change: R1 5 / sqrt(2² + 1²) = 2.24 >= 1.96; R3b 4 / sqrt(2² + 2²) = 1.41.
    check(find(figures, "reliable_improvement", "End of course", PI), 1, 2)
    mean = find(figures, "mean_change", "End of course", PI)
    # Mean 4.5, SD 0.7071, SE 0.5, t(1) = 12.706: 4.5 ± 6.353.
    assert (mean.denominator, mean.value) == (2, 4.5)
    assert (mean.low, mean.high) == (pytest.approx(4.5 - 6.3531, abs=1e-3), pytest.approx(4.5 + 6.3531, abs=1e-3))
    assert mean.to_verify and "t-based" in mean.method
    assert value_words(mean) == "+4.50 T (better)"  # pain fell: the sign alone would read as pain rising
    assert find(figures, "mcid_reached", "End of course", PI).measure == f"{PI}: improved by the MCID or more (3 T)"
    # At 3 months only R1 (65 -> 63, +2): the 20 May form after course 2 began is not R3's 3-month score.
    check(find(figures, "mcid_reached", "3 months", PI), 0, 1)
    one = find(figures, "mean_change", "3 months", PI)
    assert (one.value, one.low, one.note) == (2.0, None, "No interval with fewer than 2 complete cases.")
    # Physical function (higher is better): end R1 35 -> 36, R4 40 -> 41; 3 months R1 35 -> 30 (-5).
    check(find(figures, "mcid_reached", "End of course", PF), 0, 2)
    reliable = find(figures, "reliable_improvement", "End of course", PF)
    check(reliable, 0, 1)  # R4's end score has no SE
    assert reliable.note == "1 complete case has a score without an SE and is not counted."
    check(find(figures, "worsened", "3 months", PF), 1, 1)
    check(find(figures, "mcid_reached", "6 months", PF), 0, 0)
    assert find(figures, "mcid_reached", "6 months", PF).value is None


# ---- adverse events ----------------------------------------------------------------------------------------


def test_adverse_events_per_session_course_and_patient(protocol: Protocol):
    s1, s2, old = date(2025, 3, 3), date(2025, 3, 10), date(2024, 6, 3)
    rows = [*sessions("S1", "a", s1, "CSCCC"), *sessions("S2", "b", s2, "CCCCN"), *sessions("O", "c", old, "CC")]
    adverse = [
        AdverseRow("S1-1", "nausea", "Nausea or vomiting", "severe", at(s1, 10)),
        AdverseRow("S1-2", "dissociation", "Dissociation", "moderate", at(s1, 10)),
        AdverseRow("S1-2", "nausea", "Nausea or vomiting", "severe", at(s1, 11)),
        AdverseRow("O-0", "nausea", "Nausea or vomiting", "severe", at(old, 10)),  # a course outside the period
    ]
    cohort = Cohort(
        courses=(course("S1", "a", s1), course("S2", "b", s2), course("O", "c", old)),
        sessions=tuple(rows),
        adverse_events=tuple(adverse),
        stops=(StopRow("S1-1", "nausea ", at(s1, 9)),),
    )
    figures = report(protocol, cohort, *YEAR).figures
    # Sessions started: S1 5, S2 4 (its fifth opened and not treated) = 9.
    check(find(figures, "ae_sessions"), 2, 9)
    check(find(figures, "ae_stopped"), 1, 9)
    check(find(figures, "ae_courses"), 1, 2)
    check(find(figures, "ae_patients"), 1, 2)
    rates = {f.measure: (f.numerator, round(f.value or 0, 2)) for f in figures if f.key == "ae_rate"}
    assert rates == {
        "Adverse events: Nausea or vomiting, severe": (2, 22.22),
        "Adverse events: Dissociation, moderate": (1, 11.11),
    }
    check(find(figures, "stopped_early"), 1, 9)
    (reason,) = [f for f in figures if f.key == "stop_reason"]
    assert (reason.measure, reason.numerator, reason.low) == ("Stopped early: Nausea", 1, None)


def test_an_adverse_event_corrected_after_entry_is_not_counted_and_the_figures_say_so(protocol: Protocol):
    s1 = date(2025, 3, 3)
    adverse = (
        AdverseRow("S1-1", "nausea", "Nausea or vomiting", "severe", at(s1, 10)),
        AdverseRow("S1-2", "dissociation", "Dissociation", "moderate", at(s1, 10), corrected=True),
    )
    cohort = Cohort(
        courses=(course("S1", "a", s1),), sessions=tuple(sessions("S1", "a", s1, "CCCCC")), adverse_events=adverse
    )
    figures = report(protocol, cohort, *YEAR).figures
    check(find(figures, "ae_sessions"), 1, 5)
    rates = [(f.measure, f.numerator) for f in figures if f.key == "ae_rate"]
    assert rates == [("Adverse events: Nausea or vomiting, severe", 1)]
    for key in ("ae_sessions", "ae_stopped", "ae_courses", "ae_patients", "ae_rate"):
        assert "1 adverse-event entry was corrected after entry and not counted" in find(figures, key).note
    assert find(figures, "stopped_early").note == ""


# ---- the report as a whole ---------------------------------------------------------------------------------


def test_every_figure_states_its_denominator_and_definition(protocol: Protocol):
    made = report(protocol, forms_cohort(), *YEAR)
    assert made.figures and all(f.definition and f.denominator >= 0 and f.method for f in made.figures)
    assert (made.protocol_id, made.protocol_version) == (protocol.id, protocol.version)
    assert [m.domain for m in made.mcids] == [m.domain for m in protocol.outcomes.mcid]
    assert made.tables_to_verify and {t.form_id for t in made.tables} == {"PI_4a_v1.0", "PF_4a_v2.0"}
    assert [s.figure for s in made.study] == ["86.1 % (890 of 1,034 patients)", *[s.figure for s in made.study[1:]]]
    assert STUDY_LABEL == "For comparison, not a target"
    sheet = csv_bytes(made).decode("utf-8-sig")
    assert sheet.startswith("section,measure,time point,numerator,denominator,value,CI low,CI high")


def test_an_empty_period_has_nothing_to_count_and_says_so(protocol: Protocol):
    made = report(protocol, Cohort(), *YEAR)
    treatment = find(made.figures, "treatment_completion")
    assert (treatment.numerator, treatment.denominator, treatment.value, treatment.low) == (0, 0, None, None)


# ---- statistics --------------------------------------------------------------------------------------------


def test_wilson_interval_matches_a_published_example():
    """Newcombe, Stat Med 1998;17:857-872, table I: 81 of 263 gives 0.2553 to 0.3662."""
    found = wilson(81, 263)
    assert found is not None
    assert (round(found.low, 4), round(found.high, 4)) == (0.2553, 0.3662)
    zero = wilson(0, 10)
    assert zero is not None and zero.low == 0.0 and zero.high == pytest.approx(0.2775, abs=1e-4)
    assert wilson(0, 0) is None


def test_t_interval_matches_the_table():
    """t(4, 0.975) = 2.7764 in every table: for 1, 2, 3, 4, 5 the mean 3 ± 2.7764 x sqrt(2.5) / sqrt(5)."""
    assert t_quantile(4) == pytest.approx(2.776445, abs=1e-6)
    assert t_quantile(1) == pytest.approx(12.7062, abs=1e-4)
    found = mean_ci([1, 2, 3, 4, 5])
    assert found.mean == 3
    assert found.interval is not None
    half = 2.776445 * math.sqrt(2.5) / math.sqrt(5)
    assert (found.interval.low, found.interval.high) == (pytest.approx(3 - half), pytest.approx(3 + half))


def test_kaplan_meier_by_hand():
    steps = kaplan_meier([(3, True), (5, False), (7, True), (7, True), (9, False)])
    # At risk 5 at day 3: S = 4/5; day 5 censors one; at risk 3 at day 7, 2 return: S = 0.8 x 1/3.
    assert [(s.day, s.at_risk, s.events) for s in steps] == [(3, 5, 1), (7, 3, 2)]
    assert steps[-1].survival == pytest.approx(0.8 / 3)
    assert km_returned_by(steps, 6) == pytest.approx(0.2)
    assert km_day_reaching(steps, 0.5) == 7


@given(values=st.lists(st.floats(min_value=-60, max_value=60, allow_nan=False), min_size=2, max_size=40))
def test_a_means_interval_spreads_as_the_standard_deviation(values: list[float]) -> None:
    half = mean_ci(values).interval
    assert half is not None
    expected = t_quantile(len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))
    assert (half.high - half.low) / 2 == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_identical_changes_have_no_spread_at_all() -> None:
    found = mean_ci([0.1, 0.1, 0.1])
    assert found.interval is not None and found.interval.low == found.interval.high == found.mean
