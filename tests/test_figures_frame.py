"""The report frame the outcome and quality reports share: a rate per 100 sessions, outlier listings, and
the same measures over several periods side by side."""

from __future__ import annotations

from datetime import date

import pytest

from core.figures import (
    PER_100,
    Listing,
    Period,
    count_words,
    csv_text,
    figure_row,
    periods_before,
    proportion,
    rate,
    side_by_side,
    value_words,
)


def test_a_rate_is_per_100_sessions_with_its_count_and_no_interval():
    figure = rate("alarms", "Alarms", "Act-now alarms", 3, 2, "count × 100 ÷ sessions")
    assert (figure.value, figure.unit, figure.low, figure.high) == (150.0, PER_100, None, None)
    assert value_words(figure) == "150.0 per 100 sessions" and count_words(figure) == "3 in 2 sessions"
    assert rate("alarms", "Alarms", "Act-now alarms", 0, 0, "").value is None
    assert count_words(rate("alarms", "Alarms", "Act-now alarms", 0, 1, "")) == "0 in 1 session"  # not "1 sessions"
    assert figure_row(figure)[3:6] == ["3", "2", "150.0"]


def test_a_listing_names_one_patient_per_row_and_fills_every_column():
    listing = Listing("Never acknowledged", ("Session", "Chair"), (("s1", "2"), ("s2", "1")), ("p1", "p2"))
    assert len(listing) == 2 and listing.patient_ids == ("p1", "p2")
    with pytest.raises(ValueError, match="one patient per row"):
        Listing("Never acknowledged", ("Session", "Chair"), (("s1", "2"),), ())
    with pytest.raises(ValueError, match="1 cells under 2 columns"):
        Listing("Never acknowledged", ("Session", "Chair"), (("s1",),), ("p1",))


def test_a_month_is_set_beside_the_three_calendar_months_before_it():
    march = Period(date(2026, 3, 1), date(2026, 3, 31))
    assert periods_before(march) == [
        Period(date(2025, 12, 1), date(2025, 12, 31)),
        Period(date(2026, 1, 1), date(2026, 1, 31)),
        Period(date(2026, 2, 1), date(2026, 2, 28)),
    ]
    assert march.words() == "March 2026"
    quarter = Period(date(2026, 4, 1), date(2026, 6, 30))
    assert periods_before(quarter, 1) == [Period(date(2026, 1, 1), date(2026, 3, 31))]


def test_other_periods_are_set_beside_as_many_days_back_to_back():
    week = Period(date(2026, 3, 10), date(2026, 3, 16))
    assert periods_before(week, 2) == [
        Period(date(2026, 2, 24), date(2026, 3, 2)),
        Period(date(2026, 3, 3), date(2026, 3, 9)),
    ]
    with pytest.raises(ValueError):
        Period(date(2026, 3, 2), date(2026, 3, 1))


def test_measures_are_matched_across_periods_and_a_missing_one_is_left_empty():
    periods = [Period(date(2026, 1, 1), date(2026, 1, 31)), Period(date(2026, 2, 1), date(2026, 2, 28))]
    january = [
        rate("alarms", "Alarms", "Act-now alarms", 4, 200, "old words"),
        proportion("action:oxygen", "Actions", "Oxygen given", 1, 4, "d", interval=False),
    ]
    february = [rate("alarms", "Alarms", "Act-now alarms", 2, 100, "new words")]
    compared = side_by_side(periods, [january, february])
    assert [(c.key, c.measure) for c in compared] == [("alarms", "Act-now alarms"), ("action:oxygen", "Oxygen given")]
    alarms, oxygen = compared
    assert [f.value for f in alarms.cells if f] == [2.0, 2.0] and alarms.definition == "new words"
    assert oxygen.cells[1] is None and oxygen.cells[0] is not None and oxygen.periods == tuple(periods)
    with pytest.raises(ValueError):
        side_by_side(periods, [january])


def test_csv_text_starts_with_a_byte_order_mark():
    assert csv_text(("a", "b"), [("1", "−2")]).startswith("\ufeffa,b\r\n".encode())
