"""The charge nurse's list of follow-up forms: which course's follow-up is coming, due, overdue, missed or
done on a day, with how to reach the patient.

Every time point after a course's last infusion is followed up (the end of the course, 3 and 6 months in
the shipped protocol: every point that is not the baseline), within its window from the protocol
(``core.outcomes.windows``). Whether a form counts for a window is decided once, by ``place``, so the list,
the chart and the clinic's report never disagree. On the day ``on``:

- *upcoming*: the window opens within the next ``ahead_days`` days;
- *due*: the window is open and the target day has not passed;
- *overdue*: past the target day, the window still open;
- *missed*: the window has closed with no form counted; listed for ``look_back_days`` after it closed, so
  years of history do not bury what can still be done;
- *done*: a form counts for it, scorable or not (the list says which), listed while the window is open
  and for the same look-back after it closed.

A course has follow-ups only once it has ended; they stop when the patient's next course begins (a form
answered after that is the new course's baseline, PROMIS.md section 7), so a follow-up whose window the
next course cut short is not listed at all: it is no longer due, and it was not missed. Records after
the end of ``on`` are left out, so a list asked for a past day is the list as it stood then.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Generic, NamedTuple, Protocol, TypeVar

from core.outcomes.contact import ContactView
from core.outcomes.windows import CourseSpan, Window, best_of, place_among, windows_in_order
from core.protocol import Outcomes, TimePoint

DEFAULT_AHEAD_DAYS = 14
"""How far ahead the list looks for windows about to open: two weeks, time to plan the calls."""
DEFAULT_LOOK_BACK_DAYS = 30
"""How long a closed window stays on the list (missed or done): a month, so a miss is seen and talked
about, and ten years of history do not flood the list."""
NO_CONTACT = "no contact route recorded — ask at the next visit"


class Status(StrEnum):
    """In the order the list puts them: what can still be done and is closest to lost comes first."""

    OVERDUE = "overdue"
    DUE = "due"
    UPCOMING = "upcoming"
    MISSED = "missed"
    DONE = "done"


STATUS_WORDS: Mapping[Status, str] = {
    Status.OVERDUE: "Overdue",  # past its target day, its window still open: asked late, it still counts
    Status.DUE: "Due",
    Status.UPCOMING: "Upcoming",
    Status.MISSED: "Missed",
    Status.DONE: "Done",
}
STATUS_SYMBOLS: Mapping[Status, str] = {
    Status.OVERDUE: "▲",
    Status.DUE: "●",
    Status.UPCOMING: "○",
    Status.MISSED: "✕",
    Status.DONE: "✓",
}
"""A shape for each status beside its word, so the list reads without colour, on screen and on paper."""
_RANK = {status: rank for rank, status in enumerate(Status)}


@dataclass(frozen=True)
class Sitting:
    """One sitting's forms as the list needs them: whose, when answered, and how many of its forms scored."""

    patient_id: str
    taken_at: datetime
    forms: int
    """PROMIS forms with at least one answer."""
    scored: int
    """Of those, the forms with a T-score (every item answered)."""


class Answer(Protocol):
    """A form answered: whose, and when (a ``Sitting``, or a row read before its contents are)."""

    @property
    def patient_id(self) -> str: ...

    @property
    def taken_at(self) -> datetime: ...


A = TypeVar("A", bound=Answer)


@dataclass(frozen=True)
class Person:
    """Who the follow-up is for, as the list identifies them."""

    patient_id: str
    mrn: str
    family_name: str
    given_name: str
    birth_date: date

    @property
    def name(self) -> str:
        return f"{self.family_name.upper()}, {self.given_name}"


@dataclass(frozen=True)
class FollowUp:
    """One time point of one course, with where it stands on the list's day."""

    patient: Person
    course_id: str
    course_number: int
    point_id: str
    label: str
    opens: date
    target: date
    closes: date
    status: Status
    days_left: int
    """Days from the list's day to the window's last day: 0 on the last day, negative once it has closed."""
    days_to_open: int
    """Days from the list's day to the window's first (0 or less once it is open)."""
    contact: str
    """How to reach the patient (``ContactView.words``), or ``NO_CONTACT``."""
    has_contact: bool
    answered_on: date | None = None
    """For one done: the day the form that counts was answered."""
    forms: int = 0
    scored: int = 0

    @property
    def status_words(self) -> str:
        """The status as symbol and word: "▲ Overdue"."""
        return f"{STATUS_SYMBOLS[self.status]} {STATUS_WORDS[self.status]}"

    @property
    def done_words(self) -> str:
        """For one done: whether the form that counts was scorable (PROMIS.md 2.1: never pro-rated)."""
        if self.status is not Status.DONE:
            return ""
        if self.forms == 0:
            return "pain score only, no form"
        if self.scored == self.forms:
            return f"scored ({self.forms} of {self.forms} forms)"
        if self.scored == 0:
            return f"not scorable ({self.forms} forms, none complete)"
        return f"partly scorable ({self.scored} of {self.forms} forms scored)"

    @property
    def when_words(self) -> str:
        """What the day means for it, in a few words: days left, when it opens, when it closed or was done."""
        if self.status is Status.UPCOMING:
            return f"opens in {_days(self.days_to_open)}"
        if self.status in {Status.DUE, Status.OVERDUE}:
            return "window closes today" if self.days_left == 0 else f"window closes in {_days(self.days_left)}"
        if self.status is Status.MISSED:
            return f"closed {_days(-self.days_left)} ago"
        answered = self.answered_on.isoformat() if self.answered_on else "—"
        return f"answered {answered}: {self.done_words}"

    @property
    def window_words(self) -> str:
        return f"{self.opens.isoformat()} to {self.closes.isoformat()} (target {self.target.isoformat()})"


@dataclass(frozen=True)
class FollowUpList:
    """The list for one day, most urgent first, with the rules it was made by."""

    on: date
    ahead_days: int
    look_back_days: int
    items: tuple[FollowUp, ...]
    rules: tuple[str, ...]
    """The windows and statuses in words, for the foot of the printout and the screen's hint."""

    def of(self, status: Status | None) -> tuple[FollowUp, ...]:
        """The items with ``status``; all of them for None."""
        return self.items if status is None else tuple(item for item in self.items if item.status is status)

    @property
    def counts(self) -> dict[Status, int]:
        found = Counter(item.status for item in self.items)
        return {status: found.get(status, 0) for status in Status}

    @property
    def counts_words(self) -> str:
        return " · ".join(f"{STATUS_WORDS[status]} {count}" for status, count in self.counts.items())


def follow_ups(
    outcomes: Outcomes,
    spans: Mapping[str, Sequence[CourseSpan]],
    sittings: Sequence[Sitting],
    people: Mapping[str, Person],
    contacts: Mapping[str, ContactView],
    on: date,
    *,
    ahead_days: int = DEFAULT_AHEAD_DAYS,
    look_back_days: int = DEFAULT_LOOK_BACK_DAYS,
) -> FollowUpList:
    """The follow-up list on ``on``.

    ``spans``: each patient's courses (``CourseSpan``, as they stood at the end of ``on``); ``sittings``:
    the patients' outcome forms; ``people``: who each patient is (a patient left out is not listed);
    ``contacts``: each patient's contact route in force.
    """
    found = standing(outcomes, spans, sittings, on, ahead_days=ahead_days, look_back_days=look_back_days)
    return listed(
        outcomes,
        found,
        people,
        contacts,
        lambda sitting: (sitting.forms, sitting.scored),
        on,
        ahead_days=ahead_days,
        look_back_days=look_back_days,
    )


class Standing(NamedTuple, Generic[A]):
    """Where one follow-up window stands on the list's day, worked out before the contents of the form that
    counts for it are read: a caller with months of forms reads the contents of these forms only."""

    patient_id: str
    fields: Mapping[str, object]
    """The item's fields that the window, the day and the form's moment decide."""
    answer: A | None
    """The form that counts for it (done), as ``best_of`` chose it; None when none does."""


def standing(
    outcomes: Outcomes,
    spans: Mapping[str, Sequence[CourseSpan]],
    answered: Sequence[A],
    on: date,
    *,
    ahead_days: int = DEFAULT_AHEAD_DAYS,
    look_back_days: int = DEFAULT_LOOK_BACK_DAYS,
) -> list[Standing[A]]:
    """Every follow-up window on the list on ``on``, with its status and the form that counts for it.

    ``spans``: each patient's courses, as for ``follow_ups``; ``answered``: the patients' forms, each
    whose and when (only these decide a status; what a form holds is read after, by ``listed``).
    """
    if ahead_days < 0 or look_back_days < 0:
        raise ValueError("ahead_days and look_back_days are 0 or more")
    by_patient: dict[str, list[A]] = defaultdict(list)
    for one in answered:
        if one.taken_at.astimezone().date() <= on:  # a list asked for a past day: the record as it stood
            by_patient[one.patient_id].append(one)
    found: list[Standing[A]] = []
    for patient_id, courses in spans.items():
        windows = windows_in_order(outcomes, courses)
        numbers = {course.course_id: course.number for course in courses}
        counted = _counted(windows, by_patient.get(patient_id, []))
        for window, following in windows:
            if window.point.is_baseline or window.closes < on - timedelta(days=look_back_days):
                continue  # closed before the look-back: history, not work
            done = counted.get((window.course_id, window.point.id), [])
            item = _item(window, numbers[window.course_id], following, done, on, ahead_days)
            if item is not None:
                found.append(Standing(patient_id, *item))
    return found


def listed(
    outcomes: Outcomes,
    found: Sequence[Standing[A]],
    people: Mapping[str, Person],
    contacts: Mapping[str, ContactView],
    contents: Callable[[A], tuple[int, int]],
    on: date,
    *,
    ahead_days: int = DEFAULT_AHEAD_DAYS,
    look_back_days: int = DEFAULT_LOOK_BACK_DAYS,
) -> FollowUpList:
    """The list on ``on`` of the windows ``standing`` found for that day and periods, each with who the
    patient is and how to reach them (a patient left out of ``people`` is not listed), and for one done the
    counts ``contents`` gives of the form that counts: (forms with an answer, forms scored)."""
    items: list[FollowUp] = []
    for one in found:
        person = people.get(one.patient_id)
        if person is None:
            continue
        route = contacts.get(one.patient_id)
        contact = route.words if route is not None else NO_CONTACT
        counts: dict[str, object] = {}
        if one.answer is not None:
            forms, scored = contents(one.answer)
            counts = {"forms": forms, "scored": scored}
        items.append(FollowUp(person, contact=contact, has_contact=route is not None, **one.fields, **counts))
    items.sort(key=_urgency)
    return FollowUpList(on, ahead_days, look_back_days, tuple(items), rules(outcomes, ahead_days, look_back_days))


def _counted(
    windows: Sequence[tuple[Window, CourseSpan | None]], answered: Sequence[A]
) -> dict[tuple[str, str], list[A]]:
    """The forms that count, by (course, time point), placed by the one rule (``place``) among the
    patient's windows."""
    if not answered:
        return {}
    counted: dict[tuple[str, str], list[A]] = defaultdict(list)
    for one, placed in zip(answered, place_among(windows, [one.taken_at for one in answered]), strict=True):
        if placed is not None:
            counted[(placed.course_id, placed.point_id)].append(one)
    return counted


def _item(
    window: Window,
    number: int,
    following: CourseSpan | None,
    done: Sequence[A],
    on: date,
    ahead_days: int,
) -> tuple[dict[str, object], A | None] | None:
    """The fields of the window's item on ``on`` and the form that counts for it, or None when it is not
    on the list."""
    fields: dict[str, object] = {
        "course_id": window.course_id,
        "course_number": number,
        "point_id": window.point.id,
        "label": window.point.label,
        "opens": window.opens,
        "target": window.target,
        "closes": window.closes,
        "days_left": (window.closes - on).days,
        "days_to_open": (window.opens - on).days,
    }
    best = best_of(window.point, window.target, [one.taken_at for one in done])
    if best is not None:
        answer = next(one for one in done if one.taken_at == best)
        return fields | {"status": Status.DONE, "answered_on": best.astimezone().date()}, answer
    began = _began_on(following)
    if began is not None and began <= on and began <= window.closes:
        return None  # the next course began before the window closed: no longer due, and not missed
    if on < window.opens:
        return (fields | {"status": Status.UPCOMING}, None) if (window.opens - on).days <= ahead_days else None
    if on <= window.target:
        return fields | {"status": Status.DUE}, None
    if on <= window.closes:
        return fields | {"status": Status.OVERDUE}, None
    return fields | {"status": Status.MISSED}, None


def _began_on(course: CourseSpan | None) -> date | None:
    """The day the next course began: its first infusion's, or failing one, its first ordered day (as
    ``place`` counts it)."""
    if course is None:
        return None
    if course.first_started_at is not None:
        return course.first_started_at.astimezone().date()
    return course.first_day


def _urgency(item: FollowUp) -> tuple[object, ...]:
    """Overdue closing soonest, then due closing soonest, then upcoming opening soonest, then missed most
    recently closed, then done most recently answered; then by name."""
    if item.status in {Status.OVERDUE, Status.DUE}:
        when = item.closes.toordinal()
    elif item.status is Status.UPCOMING:
        when = item.opens.toordinal()
    elif item.status is Status.MISSED:
        when = -item.closes.toordinal()
    else:
        when = -(item.answered_on or item.closes).toordinal()
    person = item.patient
    return (
        _RANK[item.status],
        when,
        person.family_name.casefold(),
        person.given_name.casefold(),
        person.mrn,
        item.course_number,
        item.target,
    )


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def window_rule(point: TimePoint) -> str:
    """A time point's window in words, as the protocol has it."""
    if point.offset_days == 0 and point.days_before == 0:
        return f"{point.label}: from the day of the last infusion to {_days(point.days_after)} after it."
    return (
        f"{point.label}: target {_days(point.offset_days)} after the last infusion; the window runs from "
        f"{_days(point.days_before)} before the target to {_days(point.days_after)} after it."
    )


def rules(outcomes: Outcomes, ahead_days: int, look_back_days: int) -> tuple[str, ...]:
    """The rules the list was made by, in words: each window, then each status."""
    windows = tuple(window_rule(point) for point in outcomes.time_points if not point.is_baseline)
    return (
        *windows,
        "A course's follow-ups start once it has ended; they stop when the patient's next course begins "
        "(a form answered after that counts for the new course's baseline), and are then no longer listed.",
        f"{STATUS_SYMBOLS[Status.UPCOMING]} Upcoming: the window opens within the next {_days(ahead_days)}.",
        f"{STATUS_SYMBOLS[Status.DUE]} Due: the window is open and the target day has not passed.",
        f"{STATUS_SYMBOLS[Status.OVERDUE]} Overdue: past the target day, the window still open.",
        f"{STATUS_SYMBOLS[Status.MISSED]} Missed: the window closed with no form counted "
        f"(listed for {_days(look_back_days)} after it closed).",
        f"{STATUS_SYMBOLS[Status.DONE]} Done: a form counts for the window, whether scorable or not (said "
        f"which; a form with an item missing is never pro-rated); listed until {_days(look_back_days)} after "
        "the window closed.",
        '"Window closes in n days": whole days after today up to the window\'s last day ("window closes today" '
        "on its last day).",
    )
