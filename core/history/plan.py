"""The plan of a made-up clinic's history: who came, when, for which courses, how each day went and which
outcome forms were answered. Plain and deterministic: the same seed gives the same plan, entry for entry.

The mix follows the study the protocol comes from (PROMIS.md section 7, Tankha et al. 2025) closely enough
for the clinic's outcome report, its charts and its due list to be worth looking at: most courses run all
five days, some days are missed by the patient or cancelled by the clinic, a few patients drop out, a few
sessions stop early (some for an adverse event) or are not treated; about four in five patients come back
for another course, after gaps of weeks to many months. Outcome forms are answered at baseline, at the end
of the course and at 3 and 6 months, each less often than the one before, now and then with an item left
out (then the form is not scorable, never pro-rated). Scores start around PROMIS's "moderate" (T 60-70 on
symptom measures, 30-40 on function) and move by an amount drawn per course: most improve, some by more
than the MCID, some not at all, a few get worse.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from core.promis import PromisTables

MRN_PREFIX = "DEMO-H"
"""Record numbers of made-up history patients: ``DEMO-H000001``…, never a real clinic's."""

FAMILY = (
    "Abara",
    "Bergström",
    "Castellanos",
    "Dąbrowski",
    "Eze",
    "Fontaine",
    "Gallagher",
    "Haverkamp",
    "Ilunga",
    "Jansen",
    "Kovačević",
    "Laine",
    "Mbeki",
    "Nakashima",
    "Oyelaran",
    "Petrov",
    "Quispe",
    "Rasmussen",
    "Sørensen",
    "Takahashi",
    "Urquhart",
    "Valdés",
    "Wójcik",
    "Xu",
    "Yilmaz",
    "Zambrano",
    "Achebe",
    "Brennan",
    "Chaudhry",
    "Delacroix",
    "Esposito",
    "Ferreira",
    "Grünewald",
    "Hosseini",
    "Ivanova",
    "Jovanović",
)
GIVEN = (
    "Ada",
    "Bram",
    "Chiara",
    "Dario",
    "Efua",
    "Finn",
    "Greta",
    "Hamid",
    "Ines",
    "Jonas",
    "Kemi",
    "Lars",
    "Mira",
    "Nils",
    "Olu",
    "Priya",
    "Quentin",
    "Rosa",
    "Sami",
    "Tove",
    "Uche",
    "Vera",
    "Wim",
    "Ximena",
    "Yara",
    "Zeno",
)
SYMPTOM_BASELINE = (64.0, 4.5)
"""Symptom measures (higher is worse): mean and spread of a baseline T-score, "moderate" (PROMIS.md 2)."""
FUNCTION_BASELINE = (36.0, 4.5)
"""Function measures (higher is better): the mirror image."""


@dataclass(frozen=True)
class DayPlan:
    """One day of a course: what happened (a ``core.history.templates`` kind, or "missed" / "cancelled"
    when no session opened and the day is recorded as not given, or "absent" when nothing was recorded),
    the weight that day and the nurses (indexes into the history's nurses)."""

    day: int
    on: date
    kind: str
    weight_kg: Decimal
    nurse: int
    checker: int


@dataclass(frozen=True)
class SittingPlan:
    """Outcome forms answered at one sitting: when (days after the course's first day, or after its last
    day for follow-ups), how, and the answers by form and item (None: the item was left out)."""

    aim: str
    on: date
    mode: str
    answers: dict[str, dict[str, int | None]]
    pain: int | None


@dataclass(frozen=True)
class CoursePlan:
    number: int
    ordered_on: date
    first_day: date
    chair: int
    start_minute: int
    """The local minute of the day the course's sessions open (after midnight)."""
    days: tuple[DayPlan, ...]
    sittings: tuple[SittingPlan, ...]


@dataclass(frozen=True)
class PatientPlan:
    number: int
    mrn: str
    family_name: str
    given_name: str
    birth_date: date
    registered_on: date
    phone: str
    preferred: str
    courses: tuple[CoursePlan, ...]


def plan_history(
    tables: PromisTables,
    forms: tuple[str, ...],
    *,
    start: date,
    end: date,
    patients: int,
    seed: int,
    nurses: int,
    chairs: int = 12,
    days: int = 5,
) -> tuple[PatientPlan, ...]:
    """``patients`` made-up patients first seen between ``start`` and ``end`` (exclusive; nothing is planned on
    or after ``end``), their courses of ``days`` consecutive days, repeat courses, and outcome forms."""
    rng = random.Random(seed)
    span = (end - start).days
    planned = []
    for number in range(1, patients + 1):
        first = start + timedelta(days=rng.randrange(max(span - 20, 1)))
        planned.append(_patient(rng, tables, forms, number, first, end, nurses, chairs, days))
    return tuple(sorted(planned, key=lambda p: (p.registered_on, p.number)))


def _patient(
    rng: random.Random,
    tables: PromisTables,
    forms: tuple[str, ...],
    number: int,
    first: date,
    end: date,
    nurses: int,
    chairs: int,
    days: int,
) -> PatientPlan:
    weight = Decimal(rng.randrange(500, 1150)) / 10
    baseline = {form: _baseline(rng, tables, form) for form in forms}
    courses: list[CoursePlan] = []
    begins = _weekday(first + timedelta(days=rng.randrange(7, 21)))
    ordered = first
    while begins + timedelta(days=days) < end:
        course, weight = _course(
            rng, tables, len(courses) + 1, ordered, begins, end, weight, baseline, nurses, chairs, days
        )
        courses.append(course)
        if rng.random() > (0.8 if len(courses) == 1 else 0.75):
            break  # no repeat course
        gap = int(rng.triangular(35, 330, 110))
        ordered = begins + timedelta(days=days - 1 + max(gap - 21, 7))
        begins = _weekday(begins + timedelta(days=days - 1 + gap))
        baseline = {form: t + _regress(rng, tables, form) for form, t in baseline.items()}
    return PatientPlan(
        number=number,
        mrn=f"{MRN_PREFIX}{number:06d}",
        family_name=rng.choice(FAMILY),
        given_name=rng.choice(GIVEN),
        birth_date=date(rng.randrange(1945, 2004), rng.randrange(1, 13), rng.randrange(1, 29)),
        registered_on=first,
        phone=f"+1 555 01{rng.randrange(100):02d} {number % 10000:04d}",
        preferred=rng.choices(("call", "text", "visit"), (5, 3, 2))[0],
        courses=tuple(courses),
    )


def _weekday(day: date) -> date:
    """The next Monday to Wednesday, so a five-day course mostly falls in one week."""
    while day.weekday() > 2:
        day += timedelta(days=1)
    return day


def _course(
    rng: random.Random,
    tables: PromisTables,
    number: int,
    ordered: date,
    first_day: date,
    end: date,
    weight: Decimal,
    baseline: dict[str, float],
    nurses: int,
    chairs: int,
    days: int,
) -> tuple[CoursePlan, Decimal]:
    drops_after = rng.randrange(1, days) if rng.random() < 0.07 else None
    troubled = rng.random() < TROUBLED
    planned = []
    for day in range(1, days + 1):
        weight = (weight * Decimal(1 + rng.uniform(-0.015, 0.015))).quantize(Decimal("0.1"))
        weight = min(max(weight, Decimal("48.0")), Decimal("118.0"))
        nurse = rng.randrange(nurses)
        checker = (nurse + rng.randrange(1, nurses)) % nurses
        planned.append(
            DayPlan(
                day, first_day + timedelta(days=day - 1), _kind(rng, day, drops_after, troubled), weight, nurse, checker
            )
        )
    last = max((p.on for p in planned if p.kind in _TREATED), default=None)
    ordered = min(ordered, first_day - timedelta(days=1))
    sittings = _sittings(rng, tables, ordered, first_day, last, end, baseline) if last is not None else ()
    course = CoursePlan(
        number=number,
        ordered_on=ordered,
        first_day=first_day,
        chair=rng.randrange(1, chairs + 1),
        start_minute=8 * 60 + 10 * rng.randrange(0, 40),
        days=tuple(planned),
        sittings=sittings,
    )
    return course, weight


_TREATED = frozenset({"completed", "completed_mild", "completed_alarm", "completed_caught", "stopped", "stopped_ae"})
"""The kinds of day whose infusion ran (the course's last such day anchors its follow-up forms)."""


TROUBLED = 0.15
"""The share of courses in which a day may go otherwise than planned (stopped, not treated, missed, cancelled):
a clinic's days are not lost one by one at random, but in the courses of the patients who struggle. With the
7 % who stop coming part-way, about 80 % of courses complete every day, near the study's 86.1 % of patients
completing five infusions (PROMIS.md 1), so the demo's report reads like a clinic's."""


ALARMED = 4.0
"""Of every 100 days of a course, those completed after an act-now alarm answered with a pause."""

CAUGHT = 2.0
"""Of every 100 days of a course, those completed after the checks caught a slip (the second nurse's figures
disagreeing on the dose, the pump read at the wrong rate), with a set of vitals taken late."""


def _kind(rng: random.Random, day: int, drops_after: int | None, troubled: bool) -> str:
    if drops_after is not None and day > drops_after:
        return rng.choice(("missed", "absent"))
    # An act-now alarm, answered (ALARMED), and slips the checks caught (CAUGHT): drawn from the completed
    # sessions' share, the caught ones next to it, so every other kind falls on the same draws as it did
    # before either was made up.
    if not troubled:
        kinds = ("completed", "completed_caught", "completed_mild", "completed_alarm")
        return rng.choices(kinds, (83 - ALARMED - CAUGHT, CAUGHT, 17, ALARMED))[0]
    return rng.choices(
        (
            "completed",
            "completed_caught",
            "completed_mild",
            "completed_alarm",
            "stopped",
            "stopped_ae",
            "not_treated",
            "abandoned",
            "missed",
            "cancelled",
        ),
        (70 - ALARMED - CAUGHT, CAUGHT, 14, ALARMED, 7.5, 3.0, 4.5, 3.0, 12.0, 6.0),
    )[0]


def _baseline(rng: random.Random, tables: PromisTables, form: str) -> float:
    mean, spread = SYMPTOM_BASELINE if not tables.form(form).higher_is_better else FUNCTION_BASELINE
    return rng.gauss(mean, spread)


def _regress(rng: random.Random, tables: PromisTables, form: str) -> float:
    """Between courses, part of the gain wears off: the next baseline drifts back a little (worse)."""
    worse = rng.uniform(0.0, 2.5)
    return -worse if tables.form(form).higher_is_better else worse


def _sittings(
    rng: random.Random,
    tables: PromisTables,
    ordered: date,
    first_day: date,
    last: date,
    end: date,
    baseline: dict[str, float],
) -> tuple[SittingPlan, ...]:
    """The course's sittings: a baseline from the day the course was ordered, then the follow-ups."""
    response = rng.choices((9.0, 5.0, 2.0, 0.0, -4.0), (30, 25, 20, 17, 8))[0]
    gain = {form: rng.gauss(response, 2.5) for form in baseline}
    pain = max(0, min(10, round(rng.gauss(6.5, 1.5))))
    planned: list[SittingPlan] = []
    ask = (
        ("baseline", 0.88, max(ordered, first_day - timedelta(days=rng.choice((0, 0, 0, 2, 5, 9)))), 0.0),
        ("end", 0.72, last + timedelta(days=rng.choice((0, 0, 1, 2))), 1.0),
        ("3m", 0.52, last + timedelta(days=91 + rng.randrange(-20, 21)), 0.8),
        ("6m", 0.40, last + timedelta(days=182 + rng.randrange(-20, 21)), 0.6),
    )
    for aim, chance, on, kept in ask:
        if on >= end or rng.random() > chance:
            continue
        answers = {form: _answers(rng, tables, form, t, gain[form] * kept) for form, t in baseline.items()}
        mode = (
            "chair"
            if aim in {"baseline", "end"} and on in (first_day, last)
            else rng.choice(("phone", "visit", "paper"))
        )
        planned.append(
            SittingPlan(
                aim,
                on,
                mode,
                answers,
                max(0, min(10, pain - round(gain["PI_4a_v1.0"] / 3 * kept) if "PI_4a_v1.0" in gain else pain)),
            )
        )
    return tuple(planned)


def _answers(
    rng: random.Random, tables: PromisTables, form_id: str, baseline: float, gain: float
) -> dict[str, int | None]:
    """Item answers whose raw sum scores nearest the T-score aimed at, one in forty forms with an item left out."""
    form = tables.form(form_id)
    aim = baseline + (gain if form.higher_is_better else -gain) + rng.gauss(0, 1.5)
    raw = min(form.table, key=lambda r: abs(float(form.table[r][0]) - aim))
    answers: dict[str, int | None] = {}
    left = raw
    items = list(form.items)
    for index, item in enumerate(items):
        values = sorted(form.values[item])
        rest = len(items) - index - 1
        low = max(values[0], left - rest * values[-1])
        high = min(values[-1], left - rest * values[0])
        value = rng.randint(low, high) if index < len(items) - 1 else left
        answers[item] = value
        left -= value
    if rng.random() < 0.025:
        answers[rng.choice(items)] = None
    return answers
