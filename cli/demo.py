"""A made-up clinic day for trying Chairside, training and screenshots: never for real patients.

``fill_demo`` writes into a separate, new database: six staff and an administrator, all signing in
with ``DEMO_PASSWORD``, sixteen made-up patients (record numbers ``DEMO-000101``…, so they cannot be
mistaken for real ones) and one clinic day with a session at every step of care. Every record is
made through ``Care`` (the accounts through ``Accounts``, the clinic settings through
``change_clinic_setting``) on a ``ManualClock``, exactly as nurses would record it, so the demo holds
nothing a nurse could not have entered and obeys every rule (one open session per chair, the
second-nurse check, the minimum observation…). The clinic is named as a demo and has
``DEMO_CHAIRS`` chairs.

Time: the clock starts at ``day_start`` (the clinic opening, timezone-aware) and each patient's visit
is a short script of steps a few minutes apart; the visits are played in time order, interleaved as
on a real ward. The demo's "now" is ``day_start + DEMO_NOW_AFTER`` (six hours in), where the clock
ends; the returned summary gives it. Sessions still open are as they stand at that moment: a program
that shows the demo should use a clock at ``summary.now`` (or fill with ``day_start = now -
DEMO_NOW_AFTER``) so countdowns read as intended.

Before the day, a made-up history (``core.history``): ``DEMO_HISTORY_PATIENTS`` patients (record
numbers ``DEMO-H…``) over the ``DEMO_HISTORY_DAYS`` before it, with repeat courses, days missed and
cancelled, sessions stopped early or not treated, adverse events and PROMIS forms at baseline, end of
course and 3 and 6 months with realistic gaps, so the course view, the outcome report, the charts and the
follow-ups due have something to show. It is bulk-inserted (every record and audit line as ``Care`` would
have written them, in a fraction of the time), after the accounts and before the day, so the trail runs
in order of time and ``audit verify`` passes.

The content is deterministic (the history from a fixed seed); only the demo day's record ids, which
``Care`` draws, differ between fills.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from argon2 import PasswordHasher

from core import passwords
from core.accounts import Accounts
from core.care import Care
from core.clock import ManualClock, ensure_utc
from core.dosing import pump_order
from core.history.build import HistorySummary, build_history
from core.history.templates import templates
from core.identify import Identified
from core.machine import Step
from core.outcomes.collector import collector_paused
from core.people import Account, Role
from core.persistence.db import Database
from core.protocol import Protocol
from core.protocol import VitalKind as V
from core.session_state import SessionState
from core.settings import change_clinic_setting
from core.views import PatientView

DEMO_NOW_AFTER = timedelta(hours=6)
DEMO_HISTORY_DAYS = 730
DEMO_HISTORY_PATIENTS = 320
DEMO_HISTORY_SEED = 16
DEMO_CHAIRS = 12
DEMO_CLINIC_NAME = "DEMO clinic (made-up patients, not for care)"
DISCHARGE_OK = {"escort": True, "instructions": True, "effects_resolved": True}
SCREEN_OK = {
    **dict.fromkeys(
        ("cardiovascular", "psychosis", "liver", "raised_pressure", "substance_misuse", "allergy"), "no"
    ),  # the course-start checklist
    **dict.fromkeys(("pregnancy", "cardiac", "substance"), "no"),
    "no_escort": "no",
}

# A visit is a generator: it records one step, then yields how many minutes pass before its next step.
Visit = Iterator[int]


@dataclass(frozen=True)
class DemoSummary:
    """What was filled. ``now`` is where the demo's clock ended: the moment open sessions describe."""

    day_start: datetime
    now: datetime
    staff: int
    patients: int
    sessions: int
    events: int
    by_step: Mapping[Step, int]
    history: HistorySummary | None = None
    """The made-up history before the day (None when filled without one)."""


@dataclass(frozen=True)
class _Person:
    mrn: str
    family: str
    given: str
    born: str
    weight: str
    unit: str = "kg"
    # Baseline vital signs: systolic, diastolic, heart rate, respiratory rate, SpO2, RASS.
    vitals: tuple[int, int, int, int, int, int] = (126, 78, 72, 14, 98, 0)


PEOPLE = (
    _Person("DEMO-000101", "Okonkwo", "Chidinma", "1984-07-02", "68.5", vitals=(118, 74, 68, 14, 99, 0)),
    _Person("DEMO-000102", "Müller", "Jürgen", "1958-01-08", "187.4", "lb", (132, 84, 64, 15, 97, 0)),
    _Person("DEMO-000103", "Tanaka", "Hiroshi", "1955-02-27", "61.2", vitals=(128, 80, 70, 14, 97, 0)),
    _Person("DEMO-000104", "Dubois", "Amélie", "1993-06-15", "58.9", vitals=(112, 70, 76, 14, 99, 0)),
    _Person("DEMO-000105", "Abebe", "Tesfaye", "1972-10-03", "74.0", vitals=(124, 80, 66, 13, 98, 0)),
    _Person("DEMO-000106", "Kowalczyk", "Zofia", "1975-12-04", "82.35", vitals=(122, 76, 74, 15, 98, 0)),
    _Person(
        "DEMO-000107",
        "Featherstonehaugh-Montgomery",
        "Arabella Victoria Constance",
        "1961-05-09",
        "71.8",
        vitals=(130, 82, 70, 14, 97, 0),
    ),
    _Person("DEMO-000108", "Nguyễn", "Thị Lan", "1979-05-30", "52.3", vitals=(110, 68, 78, 16, 99, 0)),
    _Person("DEMO-000109", "Fernández García", "José Luis", "1962-11-19", "88.6", vitals=(134, 84, 70, 14, 96, 0)),
    _Person("DEMO-000110", "Svensson", "Björn", "1981-08-11", "131.6", vitals=(136, 86, 80, 16, 96, 0)),
    _Person("DEMO-000111", "Ó Súilleabháin", "Niamh", "1990-09-23", "63.4", vitals=(116, 72, 72, 14, 99, 0)),
    _Person("DEMO-000112", "Papadopoulou", "Eleni", "1966-03-29", "77.1", vitals=(128, 78, 68, 14, 97, 0)),
    _Person("DEMO-000113", "Çelik", "Emre", "1978-07-07", "95.2", vitals=(126, 82, 74, 15, 98, 0)),
    _Person("DEMO-000114", "Walker", "Denise", "1987-01-21", "101.7", vitals=(124, 80, 82, 16, 98, 0)),
    _Person("DEMO-000115", "Kealoha", "Makana", "1983-11-30", "86.0", vitals=(120, 76, 70, 14, 99, 0)),
    _Person("DEMO-000116", "Haddad", "Rami", "1969-04-17", "79.4", vitals=(130, 80, 66, 14, 97, 0)),
)

DEMO_PRESCRIBER = "Dr Demo Prescriber (made up)"
DEMO_PASSWORD = "demo lantern harbour 2026"
"""Every demo account's password, published on purpose: the demo holds made-up data only."""
_FIRST_PASSWORD = "demo meadow kettle 1975"
"""The temporary password each demo nurse is given and at once replaces, as a real nurse would."""
# (name, user name)
ADMINISTRATOR = ("Demo Administrator", "admin")
CHARGE_NURSE = ("Helen Achterberg", "helen")
NURSES = (
    ("Siobhán Byrne", "siobhan"),
    ("Kwame Asante", "kwame"),
    ("Mei-Ling Zhou", "meiling"),
    ("Rafael Ortiz", "rafael"),
    ("Ingrid Halvorsen", "ingrid"),
)


def demo_usernames() -> list[str]:
    """The demo's accounts, for the command that fills it to print (they share ``DEMO_PASSWORD``)."""
    everyone = [(ADMINISTRATOR, "administrator"), (CHARGE_NURSE, "charge nurse"), *((n, "nurse") for n in NURSES)]
    return [f"{username} ({words})" for (_name, username), words in everyone]


@dataclass
class _Chair:
    """One patient's visit: who looks after them, in which chair, and the state after the latest step."""

    care: Care
    patient: PatientView
    person: _Person
    chair: int
    nurse: Account
    checker: Account
    vial: str | None = None
    override: str | None = None
    sid: str = ""
    last: SessionState | None = field(default=None, repr=False)

    def readings(self, drift: int = 0, **absolute: int) -> dict[V, str]:
        """The baseline set, drifting up a little with each set during the infusion, or given values."""
        sys_, dia, hr, rr, spo2, rass = self.person.vitals
        values = {
            V.SYSTOLIC: sys_ + 3 * drift,
            V.DIASTOLIC: dia + 2 * drift,
            V.HEART_RATE: hr + 2 * drift,
            V.RESPIRATORY_RATE: rr,
            V.SPO2: spo2,
            V.SEDATION: rass,
        }
        values.update({V(kind): value for kind, value in absolute.items()})
        return {kind: str(value) for kind, value in values.items()}

    def open(self) -> None:
        """Day 1 of a five-day course ordered for the demo, then identified and seated."""
        today = self.care.clock.now().astimezone().date().isoformat()
        days = str(self.care.protocol.course.sessions)
        self.care.record_course(self.patient.id, DEMO_PRESCRIBER, today, days, by=self.nurse.id)
        self.last = self.care.open_session(
            self.patient.id,
            self.chair,
            self.nurse.id,
            Identified(name=True, birth_date=self.patient.birth_date.isoformat()),
        )
        self.sid = self.last.session_id

    def screen(self, **answers: str) -> None:
        self.last = self.care.screen(self.sid, {**SCREEN_OK, **answers}, self.nurse.id, confirm_stop=True)

    def weigh(self) -> None:
        self.last = self.care.record_weight(self.sid, self.person.weight, self.person.unit, self.nurse.id)

    def dose(self) -> None:
        self.last = self.care.confirm_dose(self.sid, self.nurse.id, vial_id=self.vial, override_reason=self.override)

    def check(self) -> None:
        """The second nurse's own figures; in the demo they agree with the calculation."""
        calc = self.care.state(self.sid).dose
        assert calc is not None
        assert self.checker.username is not None
        figures = (str(calc.weight_kg), str(calc.dose_mg), str(calc.rate_ml_per_h))
        self.last = self.care.record_check(self.sid, self.checker.username, DEMO_PASSWORD, *figures)

    def draw(self) -> None:
        """Exactly the calculated volume, from a made-up lot."""
        calc = self.care.state(self.sid).dose
        assert calc is not None
        lot = f"DEMO-LOT-{self.chair}{self.person.mrn[-2:]}"
        self.last = self.care.record_drawn(self.sid, lot, str(calc.drug_volume_ml), self.nurse.id)
        for vial in self.last.controlled.vials:  # the rest of the multi-dose vial goes back to stock
            if vial.may_return:
                self.last = self.care.return_to_stock(self.sid, vial.drawn.event_id, self.nurse.id)

    def waste_the_rest(self) -> None:
        """What was drawn up but not given, wasted with the second nurse as witness."""
        assert self.last is not None and self.checker.username is not None
        left = self.last.controlled.left_to_account_mg
        assert left is not None
        self.last = self.care.record_waste(
            self.sid,
            str(left),
            "Rest of the bag into the controlled-drug waste container",
            self.nurse.id,
            DEMO_PASSWORD,
            self.checker.username,
            DEMO_PASSWORD,
        )

    def vitals(self, drift: int = 0, **absolute: int) -> str:
        """Record a set; returns the id of its event (to acknowledge an alert it raised)."""
        self.last, _findings = self.care.record_vitals(self.sid, self.readings(drift, **absolute), self.nurse.id)
        return self.last.events[-1].id

    def start(self) -> None:
        """The pump programmed and read as ordered, then started."""
        calc = self.care.state(self.sid).dose
        assert calc is not None
        order = pump_order(self.care.protocol, calc)
        self.care.record_pump(self.sid, str(order.rate_ml_per_h), str(order.vtbi_ml), self.nurse.id)
        self.last = self.care.start_infusion(self.sid, self.nurse.id)

    def side_effects(self, **grades: str) -> None:
        self.last = self.care.record_side_effects(self.sid, grades, self.nurse.id)

    def complete(self) -> None:
        self.last = self.care.complete(self.sid, self.nurse.id)

    def discharge(self, score: str = "10") -> None:
        self.last = self.care.discharge(self.sid, score, DISCHARGE_OK, self.nurse.id, DEMO_PASSWORD)

    def sign(self) -> None:
        self.last = self.care.sign(
            self.sid, self.nurse.id, DEMO_PASSWORD, seen_seq=self.care.state(self.sid).events[-1].seq
        )


# ---- the visits, as scripts: record a step, then ``yield`` the minutes until the next ----------------


def _prepare(c: _Chair, upto: Step = Step.READY) -> Visit:
    """Identify and seat, screen, weigh, dose, baseline set, second-nurse check, draw up; stop at ``upto``."""
    c.open()
    if upto is Step.SCREEN:
        return
    yield 2
    c.screen()
    if upto is Step.WEIGH:
        return
    yield 2
    c.weigh()
    if upto is Step.DOSE:
        return
    yield 2
    c.dose()
    yield 3
    c.vitals()  # baseline
    if upto is Step.CHECK:
        return
    yield 2
    c.check()
    yield 1
    c.draw()


def _infuse(c: _Chair, sets: int = 3, **at_20: int) -> Visit:
    """Start, then a set every 10 infused minutes (``at_20`` overrides the 20-minute set), with the
    side-effect checklist beside the 20-minute set."""
    yield 2
    c.start()
    for n in range(1, sets + 1):
        yield 10
        c.vitals(n, **(at_20 if n == 2 else {}))
        if n == 2:
            c.side_effects(nausea="none", dissociation="none")


def _observe(c: _Chair, **effects: str) -> Visit:
    """Sets at the end of the infusion, 15 and 30 min after; the side-effect checklist at the end, and
    again before discharge, when the effects have worn off."""
    yield 1
    c.vitals()
    c.side_effects(**effects)
    for wait in (14, 15):
        yield wait
        c.vitals()
    yield 1
    c.side_effects(**{item: "none" for item in effects})


def _completed_and_signed(c: _Chair, effects: dict[str, str] | None = None, **at_20: int) -> Visit:
    yield from _prepare(c)
    yield from _infuse(c, **at_20)
    yield 10
    c.complete()
    yield from _observe(c, **(effects or {"nausea": "none", "dissociation": "none"}))
    yield 1
    c.discharge()
    yield 4
    c.sign()


def _stopped_early(c: _Chair) -> Visit:
    yield from _prepare(c)
    yield from _infuse(c, sets=1)
    yield 6
    c.side_effects(dissociation="moderate", anxiety="moderate")
    yield 2
    c.last = c.care.stop_early(
        c.sid, "Distressing dissociation and anxiety; patient asked to stop. Prescriber informed.", c.nurse.id
    )
    yield from _observe(c, dissociation="mild", anxiety="none")
    yield 1
    c.waste_the_rest()
    yield 1
    c.discharge("9")
    yield 4
    c.sign()


def _not_treated(c: _Chair) -> Visit:
    """Screening stops on "pregnancy: unknown" (it must be resolved first): not treated, signed off."""
    c.open()
    yield 2
    c.screen(pregnancy="unknown")
    yield 3
    c.sign()


def _abandoned(c: _Chair) -> Visit:
    yield from _prepare(c, upto=Step.CHECK)
    yield 11
    c.last = c.care.abandon(
        c.sid,
        "IV access not obtained after two attempts; rebooked for tomorrow with the vascular access team.",
        c.nurse.id,
    )
    yield 2
    c.sign()


def _awaiting_signature(c: _Chair) -> Visit:
    yield from _prepare(c)
    yield from _infuse(c)
    yield 10
    c.complete()
    yield from _observe(c, nausea="none", dissociation="mild")
    yield 1
    c.discharge()


def _in_observation(c: _Chair) -> Visit:
    yield from _prepare(c)
    yield from _infuse(c)
    yield 10
    c.complete()
    yield 1
    c.vitals()  # end of infusion
    yield 2
    c.side_effects(nausea="mild")
    yield 12
    c.vitals()  # 15 min after the end


def _paused_after_alert(c: _Chair) -> Visit:
    """Low SpO2 and deep sedation at 20 min: an act-now alert, acknowledged with the pause and a recheck."""
    yield from _prepare(c)
    yield from _infuse(c, sets=1)
    yield 10
    alert = c.vitals(2, spo2=88, sedation=-3, respiratory_rate=9)
    c.side_effects(sedation="moderate", dissociation="mild")
    yield 1
    c.last = c.care.acknowledge_alert(
        c.sid,
        alert,
        ("pause", "notify", "stimulate", "oxygen", "recheck"),
        {"breathless": "no", "hard_to_rouse": "yes", "neurological": "no"},
        c.nurse.id,
        note="Oxygen 2 L/min by nasal cannula; prescriber will review.",
    )
    yield 5
    c.vitals(2, spo2=94, sedation=-1, respiratory_rate=12)  # recovering: still advisory


def _infusing(c: _Chair, sets: int, effects: dict[str, str] | None = None, **at_20: int) -> Visit:
    yield from _prepare(c)
    yield from _infuse(c, sets=sets, **at_20)
    if effects:
        yield 1
        c.side_effects(**effects)


# ---- filling -------------------------------------------------------------------------------------------


class _OnceEach(PasswordHasher):
    """The hasher in force, asked once per demo password: every demo account is given the same argon2 hash of
    it (same settings, one salt), and a password already known to match a hash (the one it was just hashed
    into, or found to match once) is not worked out again.

    The demo's seven made-up accounts share one published password, so a salt of their own would protect
    nothing, while some sixty full-strength argon2 runs (every check, waste, discharge and signature of the
    demo day) took most of the fill's time. The settings are those in force, never weaker, and the hasher is
    put back when the fill ends (``_hashing_once``), so no real account is hashed or checked this way."""

    def __init__(self, real: PasswordHasher) -> None:
        super().__init__(real.time_cost, real.memory_cost, real.parallelism, real.hash_len, real.salt_len)
        self.real = real
        self._hashes: dict[bytes, str] = {}
        self._matched: set[tuple[str, bytes]] = set()
        self._ahead: dict[bytes, Future[str]] = {}

    def ahead(self, *secrets: str) -> None:
        """Start each password's hash on another thread while the fill does other work (argon2 lets go of the
        interpreter while it runs, so on a second core the full-strength runs of the demo's passwords cost
        the fill no time). The same run, with the same settings, as ``hash`` would make when first asked."""
        worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-passwords")
        for secret in secrets:
            self._ahead.setdefault(_bytes(secret), worker.submit(self.real.hash, secret))
        worker.shutdown(wait=False)

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        """The password's one hash. It matches the password by construction (argon2 checks a password by
        hashing it again with the hash's own salt and settings, which is how the hash was just made), so the
        first check of the right password against it is not run a second time: a full-strength run that
        could only agree. Any other password is still checked in full, and refused."""
        key = _bytes(password)
        if key not in self._hashes:
            ahead = self._ahead.pop(key, None)
            self._hashes[key] = ahead.result() if ahead is not None else self.real.hash(password)
            self._matched.add((self._hashes[key], key))
        return self._hashes[key]

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        key = (hash.decode() if isinstance(hash, bytes) else hash, _bytes(password))
        if key not in self._matched:
            self.real.verify(hash, password)  # raises when it does not match: a refusal is never remembered
            self._matched.add(key)
        return True

    def check_needs_rehash(self, hash: str | bytes) -> bool:
        return self.real.check_needs_rehash(hash)


def _bytes(secret: str | bytes) -> bytes:
    return secret.encode() if isinstance(secret, str) else secret


@contextmanager
def _hashing_once() -> Iterator[_OnceEach]:
    real = passwords.hasher()
    once = _OnceEach(real)
    passwords.use_hasher(once)
    try:
        yield once
    finally:
        passwords.use_hasher(real)


def _play(clock: ManualClock, day_start: datetime, visits: list[tuple[int, Visit]]) -> None:
    """Run the visits interleaved in time order; each visit's start is in minutes after ``day_start``."""
    queue = [(start, order, visit) for order, (start, visit) in enumerate(visits)]
    heapq.heapify(queue)
    while queue:
        at, order, visit = heapq.heappop(queue)
        clock.advance(day_start + timedelta(minutes=at) - clock.now())
        wait = next(visit, None)
        if wait is not None:
            heapq.heappush(queue, (at + wait, order, visit))


def fill_demo(
    database: Database,
    protocol: Protocol,
    day_start: datetime,
    *,
    workstation: str = "demo",
    history_patients: int = DEMO_HISTORY_PATIENTS,
) -> DemoSummary:
    """Fill a new, empty database with the demo clinic day, after ``history_patients`` patients' made-up
    history (0: none); the day's "now" is ``day_start + DEMO_NOW_AFTER``.

    Only for a separate demo database: the staff, patients and sessions are made up.
    """
    # The cycle collector held off for the fill, as for the history it writes (``core.history.build``): the
    # accounts, templates and the day played through ``Care`` make many short-lived objects; the few cycles
    # left (a database session's own) go in the first collection after.
    with collector_paused(), _hashing_once() as once, database.filling():
        once.ahead(DEMO_PASSWORD, _FIRST_PASSWORD)
        if history_patients:
            templates(protocol)  # recorded once a process, while the passwords are hashed
        return _fill(database, protocol, day_start, workstation, history_patients)


def _fill(
    database: Database, protocol: Protocol, day_start: datetime, workstation: str, history_patients: int
) -> DemoSummary:
    day_start = ensure_utc(day_start)
    now = day_start + DEMO_NOW_AFTER
    history_start = day_start - timedelta(days=DEMO_HISTORY_DAYS) if history_patients else day_start
    clock = ManualClock(history_start)
    care = Care(database, protocol, clock, workstation=workstation)

    accounts = Accounts(database, clock, workstation)
    admin = accounts.create_first_administrator(*ADMINISTRATOR, DEMO_PASSWORD, DEMO_PASSWORD)

    def staff(name: str, username: str, role: Role) -> Account:
        added = accounts.add(admin.id, name, username, role, _FIRST_PASSWORD)
        return accounts.change_password(added.id, _FIRST_PASSWORD, DEMO_PASSWORD, DEMO_PASSWORD)

    charge = staff(*CHARGE_NURSE, Role.CHARGE_NURSE)
    nurses = [staff(name, username, Role.NURSE) for name, username in NURSES]
    change_clinic_setting(
        database, "clinic_name", DEMO_CLINIC_NAME, charge.id, "Demo database", clock.now(), workstation=workstation
    )
    change_clinic_setting(
        database, "chairs", DEMO_CHAIRS, charge.id, "Demo database", clock.now(), workstation=workstation
    )
    history = None
    if history_patients:
        history = build_history(
            database,
            protocol,
            nurses=[nurse.id for nurse in nurses],
            start=history_start.astimezone().date(),
            end=day_start.astimezone().date(),
            patients=history_patients,
            seed=DEMO_HISTORY_SEED,
            workstation=workstation,
        )
    clock.advance(day_start - clock.now())
    patients = {p.mrn: care.register_patient(p.mrn, p.family, p.given, p.born, by=charge.id) for p in PEOPLE}

    def chair(mrn: str, number: int, nurse: int, checker: Account | int, **extra: str) -> _Chair:
        person = next(p for p in PEOPLE if p.mrn == mrn)
        second = checker if isinstance(checker, Account) else nurses[checker]
        return _Chair(care, patients[mrn], person, number, nurses[nurse], second, **extra)

    heavy = chair(
        "DEMO-000110",
        6,
        3,
        charge,
        override="Prescriber confirmed the full dose on actual body weight (131.6 kg) for this course.",
    )
    # (start in minutes after day_start, the visit): chairs are reused only once the earlier session is signed.
    visits: list[tuple[int, Visit]] = [
        # The morning: finished and signed.
        (0, _completed_and_signed(chair("DEMO-000101", 1, 0, 1))),
        (
            5,
            _completed_and_signed(
                chair("DEMO-000102", 2, 1, 0, vial="ketamine-50"),
                {"nausea": "mild", "dissociation": "mild"},
                systolic=155,  # 23 mmHg above baseline: advisory
            ),
        ),
        (15, _stopped_early(chair("DEMO-000103", 3, 2, charge))),
        (100, _not_treated(chair("DEMO-000104", 1, 2, 0))),
        (110, _abandoned(chair("DEMO-000105", 2, 1, 2))),
        (120, _completed_and_signed(chair("DEMO-000106", 4, 3, 4), {"dizziness": "mild", "nausea": "none"})),
        # Still open at "now" (day_start + 6 h).
        (262, _awaiting_signature(chair("DEMO-000107", 3, 4, 0))),
        (288, _in_observation(chair("DEMO-000108", 5, 0, 3))),
        (315, _infusing(heavy, sets=3, systolic=162)),  # advisory: at or above 160
        (318, _paused_after_alert(chair("DEMO-000109", 4, 1, charge))),
        (333, _infusing(chair("DEMO-000111", 7, 2, 4), sets=1, effects={"dissociation": "mild"})),
        (344, _prepare(chair("DEMO-000112", 8, 4, 1), upto=Step.READY)),
        (346, _prepare(chair("DEMO-000113", 9, 3, 0), upto=Step.CHECK)),
        (352, _prepare(chair("DEMO-000114", 10, 0, 2), upto=Step.DOSE)),
        (355, _prepare(chair("DEMO-000115", 11, 1, 3), upto=Step.WEIGH)),
        (358, _prepare(chair("DEMO-000116", 1, 2, 4), upto=Step.SCREEN)),
    ]
    _play(clock, day_start, visits)
    if clock.now() > now:
        raise RuntimeError(f"the demo day ran past its 'now' ({clock.now()} > {now})")
    clock.advance(now - clock.now())

    rows = care.day_sessions(day_start, now + timedelta(seconds=1))
    events = sum(len(care.state(row.id).events) for row in rows)
    return DemoSummary(
        day_start=day_start,
        now=now,
        staff=1 + len(nurses),
        patients=len(patients),
        sessions=len(rows),
        events=events,
        by_step=dict(Counter(Step(row.step) for row in rows)),
        history=history,
    )
