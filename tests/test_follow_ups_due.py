"""The follow-up list's rules worked by hand on one course whose last infusion ran on Friday 6 March 2026.

Its windows (protocol 1.4.0): end of course 6-9 March; 3 months target 5 June (91 days), window 6 May -
5 July; 6 months target 4 September (182 days), window 5 August - 4 October. The list looks 14 days ahead
and 30 days back unless a test says otherwise.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.outcomes.contact import ContactView
from core.outcomes.due import NO_CONTACT, FollowUp, FollowUpList, Person, Sitting, Status, follow_ups
from core.outcomes.windows import CourseSpan
from core.protocol import Protocol

FIRST = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
LAST = date(2026, 3, 6)
MAJA = Person("p1", "MRN-1", "Lindqvist", "Maja", date(1971, 3, 14))
ROUTE = ContactView("p1", "+1 216 555 0142", "call", "Evenings", "Ana", FIRST)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC).astimezone()


def course_one(ended: bool = True) -> CourseSpan:
    return CourseSpan("c1", "p1", 1, FIRST.astimezone().date(), 5, FIRST, LAST if ended else date(2026, 3, 4), ended)


def listed(
    protocol: Protocol,
    on: date,
    spans: list[CourseSpan] | None = None,
    sittings: tuple[Sitting, ...] = (),
    contacts: dict[str, ContactView] | None = None,
    **periods: int,
) -> FollowUpList:
    courses = spans if spans is not None else [course_one()]
    people = {MAJA.patient_id: MAJA}
    return follow_ups(protocol.outcomes, {"p1": courses}, sittings, people, contacts or {}, on, **periods)


def item(found: FollowUpList, point: str, course: int = 1) -> FollowUp | None:
    matches = [i for i in found.items if i.point_id == point and i.course_number == course]
    assert len(matches) <= 1
    return matches[0] if matches else None


@pytest.mark.parametrize(
    ("on", "status", "days_left", "when"),
    [
        (date(2026, 4, 21), None, None, None),  # opens in 15 days: beyond the 14 looked ahead
        (date(2026, 4, 22), Status.UPCOMING, 74, "opens in 14 days"),
        (date(2026, 5, 5), Status.UPCOMING, 61, "opens in 1 day"),
        (date(2026, 5, 6), Status.DUE, 60, "window closes in 60 days"),  # the window's first day
        (date(2026, 6, 5), Status.DUE, 30, "window closes in 30 days"),  # the target day
        (date(2026, 6, 6), Status.OVERDUE, 29, "window closes in 29 days"),  # the day after the target
        (date(2026, 7, 5), Status.OVERDUE, 0, "window closes today"),  # the window's last day
        (date(2026, 7, 6), Status.MISSED, -1, "closed 1 day ago"),  # the day after it closed
        (date(2026, 8, 4), Status.MISSED, -30, "closed 30 days ago"),  # the last day of the look-back
        (date(2026, 8, 5), None, None, None),  # history
    ],
)
def test_three_months_at_each_boundary(protocol: Protocol, on: date, status, days_left, when):
    three = item(listed(protocol, on), "3m")
    if status is None:
        assert three is None
        return
    assert three is not None
    assert (three.status, three.days_left, three.when_words) == (status, days_left, when)
    assert (three.opens, three.target, three.closes) == (date(2026, 5, 6), date(2026, 6, 5), date(2026, 7, 5))
    assert three.label == "3 months" and three.course_number == 1


@pytest.mark.parametrize(
    ("on", "status"),
    [
        (date(2026, 3, 6), Status.DUE),  # the day of the last infusion is the target
        (date(2026, 3, 7), Status.OVERDUE),
        (date(2026, 3, 9), Status.OVERDUE),  # 3 days after: the last day
        (date(2026, 3, 10), Status.MISSED),
    ],
)
def test_the_end_of_course_window_is_the_last_day_and_three_after(protocol: Protocol, on: date, status: Status):
    end = item(listed(protocol, on), "end")
    assert end is not None and end.status is status


def test_upcoming_follows_the_look_ahead_and_missed_the_look_back(protocol: Protocol):
    assert item(listed(protocol, date(2026, 4, 21), ahead_days=15), "3m").status is Status.UPCOMING  # type: ignore[union-attr]
    assert item(listed(protocol, date(2026, 5, 5), ahead_days=0), "3m") is None
    assert item(listed(protocol, date(2026, 7, 15), look_back_days=10), "3m").status is Status.MISSED  # type: ignore[union-attr]
    assert item(listed(protocol, date(2026, 7, 16), look_back_days=10), "3m") is None  # closed 11 days before
    found = listed(protocol, date(2026, 4, 22), ahead_days=14, look_back_days=30)
    assert found.rules[-3].startswith("✕ Missed") and "30 days after it closed" in found.rules[-3]
    assert any("within the next 14 days" in rule for rule in found.rules)


def test_a_course_not_ended_has_no_follow_ups(protocol: Protocol):
    assert listed(protocol, date(2026, 3, 4), [course_one(ended=False)]).items == ()
    assert listed(protocol, date(2026, 6, 1), [course_one(ended=False)]).items == ()


def test_a_form_that_counts_makes_it_done_and_says_whether_it_was_scorable(protocol: Protocol):
    scored = Sitting("p1", at(date(2026, 6, 1)), forms=7, scored=7)
    found = listed(protocol, date(2026, 6, 10), sittings=(scored,))
    three = item(found, "3m")
    assert three is not None
    assert (three.status, three.answered_on, three.status_words) == (Status.DONE, date(2026, 6, 1), "✓ Done")
    assert three.when_words == "answered 2026-06-01: scored (7 of 7 forms)"
    not_scorable = Sitting("p1", at(date(2026, 6, 1)), forms=2, scored=0)
    assert item(listed(protocol, date(2026, 6, 10), sittings=(not_scorable,)), "3m").done_words == (  # type: ignore[union-attr]
        "not scorable (2 forms, none complete)"
    )
    partly = Sitting("p1", at(date(2026, 6, 1)), forms=7, scored=5)
    assert "partly scorable (5 of 7" in item(listed(protocol, date(2026, 6, 10), sittings=(partly,)), "3m").done_words  # type: ignore[union-attr]
    # Listed while the look-back lasts, as a missed one is; then history.
    assert item(listed(protocol, date(2026, 8, 4), sittings=(scored,)), "3m").status is Status.DONE  # type: ignore[union-attr]
    assert item(listed(protocol, date(2026, 8, 5), sittings=(scored,)), "3m") is None


def test_a_form_outside_the_window_or_after_the_day_does_not_count(protocol: Protocol):
    early = Sitting("p1", at(date(2026, 5, 1)), forms=7, scored=7)  # five days before the window opened
    assert item(listed(protocol, date(2026, 6, 10), sittings=(early,)), "3m").status is Status.OVERDUE  # type: ignore[union-attr]
    later = Sitting("p1", at(date(2026, 6, 1)), forms=7, scored=7)
    assert item(listed(protocol, date(2026, 5, 20), sittings=(later,)), "3m").status is Status.DUE  # type: ignore[union-attr]


def test_a_follow_up_is_not_due_once_the_next_course_began(protocol: Protocol):
    """Course 2's first infusion on 14 June, in course 1's 3-month window (past its 5 June target)."""
    began = at(date(2026, 6, 14), 14)
    second = CourseSpan("c2", "p1", 2, date(2026, 6, 14), 5, began, date(2026, 6, 14), False)
    before = listed(protocol, date(2026, 6, 13), [course_one(), second])
    assert item(before, "3m").status is Status.OVERDUE  # type: ignore[union-attr]
    for on in (date(2026, 6, 14), date(2026, 7, 10), date(2026, 8, 10)):
        found = listed(protocol, on, [course_one(), second])
        assert item(found, "3m") is None and item(found, "6m") is None  # not due, and not missed
        assert [i for i in found.items if i.course_number == 2] == []  # course 2 still running
    ordered_only = CourseSpan("c2", "p1", 2, date(2026, 6, 20), 5, None, None, False)  # not begun yet
    assert item(listed(protocol, date(2026, 6, 15), [course_one(), ordered_only]), "3m").status is Status.OVERDUE  # type: ignore[union-attr]
    assert item(listed(protocol, date(2026, 6, 20), [course_one(), ordered_only]), "3m") is None


def test_a_window_closed_before_the_next_course_began_was_missed(protocol: Protocol):
    began = at(date(2026, 3, 20), 14)
    second = CourseSpan("c2", "p1", 2, date(2026, 3, 20), 5, began, date(2026, 3, 24), True)
    found = listed(protocol, date(2026, 3, 25), [course_one(), second])
    assert item(found, "end").status is Status.MISSED  # type: ignore[union-attr]  # closed 9 March, before course 2
    assert item(found, "end", course=2).status is Status.OVERDUE  # type: ignore[union-attr]  # 24-27 March


def test_each_item_says_who_and_how_to_reach_them(protocol: Protocol):
    without = item(listed(protocol, date(2026, 6, 1)), "3m")
    assert without is not None and (without.contact, without.has_contact) == (NO_CONTACT, False)
    assert without.contact == "no contact route recorded — ask at the next visit"
    reached = item(listed(protocol, date(2026, 6, 1), contacts={"p1": ROUTE}), "3m")
    assert reached is not None
    assert (reached.contact, reached.has_contact) == ("+1 216 555 0142 (phone call) — Evenings", True)
    assert (reached.patient.name, reached.patient.mrn, reached.patient.birth_date) == (
        "LINDQVIST, Maja",
        "MRN-1",
        date(1971, 3, 14),
    )


def test_the_most_urgent_come_first(protocol: Protocol):
    """On 10 June: Di's end of course (ended 9 June: 9-12 June) and Ada's 3 months (closes 5 July) overdue;
    Cy's (ended 15 March: closes 14 July) and Bo's (ended 20 March: closes 19 July) 3 months due; Gus's
    3 months (ended 20 April) opens 20 June; Fay's end of course (ended 20 May) closed 23 May unanswered;
    Ed's 3 months answered on 2 June."""

    def span(pid: str, last: date) -> CourseSpan:
        return CourseSpan(f"c-{pid}", pid, 1, last, 1, at(last, 9), last, True)

    spans = {
        "ada": [span("ada", LAST)],
        "bo": [span("bo", date(2026, 3, 20))],
        "cy": [span("cy", date(2026, 3, 15))],
        "di": [span("di", date(2026, 6, 9))],
        "ed": [span("ed", LAST)],
        "fay": [span("fay", date(2026, 5, 20))],
        "gus": [span("gus", date(2026, 4, 20))],
    }
    people = {pid: Person(pid, pid.upper(), pid.capitalize(), "X", date(1970, 1, 1)) for pid in spans}
    done = (Sitting("ed", at(date(2026, 6, 2)), 7, 7),)
    found = follow_ups(protocol.outcomes, spans, done, people, {}, date(2026, 6, 10))
    order = [(i.patient.patient_id, i.point_id, i.status) for i in found.items]
    assert order == [
        ("di", "end", Status.OVERDUE),
        ("ada", "3m", Status.OVERDUE),
        ("cy", "3m", Status.DUE),
        ("bo", "3m", Status.DUE),
        ("gus", "3m", Status.UPCOMING),
        ("fay", "end", Status.MISSED),
        ("ed", "3m", Status.DONE),
    ]
    assert found.counts == {Status.OVERDUE: 2, Status.DUE: 2, Status.UPCOMING: 1, Status.MISSED: 1, Status.DONE: 1}
    assert found.of(Status.DUE) == found.items[2:4]
    assert found.of(None) == found.items
