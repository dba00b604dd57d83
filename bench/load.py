"""Many workstations recording at once on one clinic's PostgreSQL server: how many care entries it commits a
second, how long each nurse waits for hers, how soon a change reaches another board, and that nothing was
lost or saved twice.

For each N in ``--workstations``, on one throwaway server (``bench/pg_server.py``, durable commits) and a
fresh database: one process sets up the clinic (an administrator, two nurses per workstation, a patient per
chair with a course order). Then N workstation processes open the database as Chairside does
(``open_database``; ``Care`` named ``cart-n`` with a LISTEN/NOTIFY listener) and, on chairs of their own,
record whole sessions as a nurse does, the chairs staggered: identify, screen, weigh, dose, baseline vital
signs, the second nurse's check, draw up, the rest of the vial back, the pump, start, vital signs every 10
minutes and a side-effect check halfway, complete, observation with vital signs every 15 minutes, discharge
and signature. Each workstation's clock is a ManualClock moved on to the next entry as soon as the last is
saved, so a clinic day passes in seconds: the load is what the server and this machine can take, not what
a clinic asks of them (that is printed beside it). With ``--sessions`` above 1 the same patients come back
on the next days of their course. Desk processes (``--desks``) read the board (``Care.chairs()``) over and
over, as the charge nurse's screen does every second, and note when each entry first shows on it.

Printed for each N: care entries committed per second by all workstations together; the time each Care
call took (p50, p99), which is one commit of one entry (two for the few that record a follow-on); the
time from a workstation's call returning to the entry on a desk's board (both stamped with ``time.time()``,
one clock for every process on this computer); the CPU each part used; and the check: every entry a
workstation was told was saved is on the server exactly once, no entry is there that none was told of,
each session holds as many entries as its workstation saved, and ``core.audit.verify`` passes.

Passwords are hashed with argon2's cheapest setting, as the tests do: a real workstation spends about
0.1 s of its own processor on each of the three passwords a session asks for, which here would be N
workstations' worth on the two processors the server also runs on.

Run from the repository root: ``.venv/bin/python bench/load.py [--workstations 10,50,100] [--sessions 1]``.
"""

from __future__ import annotations

import argparse
import heapq
import math
import multiprocessing
import os
import statistics
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event as Signal
from pathlib import Path
from typing import Any

import psycopg
from argon2 import PasswordHasher

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from commit_latency import NORMAL, PASSWORD, SCREEN_OK, T0, TEMPORARY_PASSWORD, percentile, pump_as_ordered  # noqa: E402
from pg_server import Server, throwaway_server  # noqa: E402

from core import audit, passwords  # noqa: E402
from core.care import Care  # noqa: E402
from core.clock import ManualClock  # noqa: E402
from core.errors import RecordChanged  # noqa: E402
from core.identify import Identified  # noqa: E402
from core.persistence.db import open_database  # noqa: E402
from core.persistence.notices import ChangeNotices  # noqa: E402
from core.protocol import load_protocol  # noqa: E402
from core.session_state import SessionState  # noqa: E402

NO_SIDE_EFFECTS = {"nausea": "none", "dissociation": "none"}
DISCHARGE_OK = {"escort": True, "instructions": True, "effects_resolved": True}
STAGGER_MINUTES = 12
"""A nurse seats and prepares one chair before the next: each chair's session begins this much later."""
WRITES = frozenset(
    {
        "open_session",
        "screen",
        "record_weight",
        "confirm_dose",
        "record_vitals",
        "record_check",
        "record_drawn",
        "return_to_stock",
        "record_pump",
        "start_infusion",
        "record_side_effects",
        "complete",
        "discharge",
        "sign",
    }
)
"""The Care calls a session's script makes that commit an entry."""
RETRIES = 3
READY_SECONDS = 120
"""How long the processes may take to open the database and start listening before the run is abandoned."""


@dataclass(frozen=True)
class Cart:
    """What the clinic's set-up gives one workstation: its number, its nurses, its patients (one a chair)."""

    number: int
    nurse: str
    checker: str
    """The second nurse's user name: she types her own password for the check."""
    patients: tuple[tuple[str, str], ...]
    """(patient id, record number), one for each of the workstation's chairs."""


@dataclass(frozen=True)
class Plan:
    url: str
    sessions: int
    deadline: float
    """``time.time()`` after which a workstation begins no further day."""
    desk_tick: float
    speed: float
    """Simulated seconds a real second: 0 to record each entry as soon as the last is saved."""


@dataclass
class CartReport:
    number: int
    saved: dict[str, list[str]] = field(default_factory=dict)
    """Every entry the workstation was told was saved, by session."""
    committed_at: dict[str, float] = field(default_factory=dict)
    latency_ms: list[float] = field(default_factory=list)
    own_cpu_ms: list[float] = field(default_factory=list)
    """Of each call's time, what this workstation's own processing took (the rest: the server, the audit
    chain's turn, or a processor to run on)."""
    re_entered: Counter[str] = field(default_factory=Counter)
    """What the nurse was told, by the call refused, and how often."""
    days: int = 0
    simulated_minutes: float = 0.0
    """From the clinic's opening to this workstation's last entry, every day it recorded."""
    finished: float = 0.0
    cpu: float = 0.0
    failure: str = ""


@dataclass
class DeskReport:
    seen_at: dict[str, float] = field(default_factory=dict)
    read_ms: list[float] = field(default_factory=list)
    cpu: float = 0.0
    failure: str = ""


# ---- the clinic, set up once -------------------------------------------------------------------------


def cheap_hashing() -> None:
    passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def set_up_clinic(url: str, workstations: int, chairs: int) -> list[Cart]:
    """An administrator, two nurses for each workstation, and a patient for each chair with a course order
    from the first day; as the clinic's office records them the evening before."""
    database = open_database(url, create=True)
    try:
        care = Care(database, load_protocol(), ManualClock(T0 - timedelta(hours=12)), workstation="office")
        accounts = care.accounts
        admin = accounts.create_first_administrator("Load Admin", "load-admin", PASSWORD, PASSWORD)
        first_day, days = T0.astimezone().date().isoformat(), str(care.protocol.course.sessions)
        carts = []
        for n in range(workstations):
            nurses = []
            for role in ("a", "b"):
                added = accounts.add(
                    admin.id, f"Cart {n} Nurse {role.upper()}", f"cart{n}-{role}", "nurse", TEMPORARY_PASSWORD
                )
                nurses.append(accounts.change_password(added.id, TEMPORARY_PASSWORD, PASSWORD, PASSWORD))
            patients = []
            for chair in range(chairs):
                made_up = (f"LOAD-{n:03d}-{chair}", "Load", f"Cart {n} Chair {chair}", "1970-01-01")
                patient = care.register_patient(*made_up, by=nurses[0].id, confirm_new=True)
                care.record_course(patient.id, "Dr Load", first_day, days, by=nurses[0].id)
                patients.append((patient.id, patient.mrn))
            carts.append(Cart(n, nurses[0].id, f"cart{n}-b", tuple(patients)))
        return carts
    finally:
        database.dispose()


# ---- a workstation -----------------------------------------------------------------------------------


class Timed:
    """Care as the session's script sees it, with every write timed and every entry it saved noted, with
    when its call returned (what the nurse waits for, and what the desks' boards are measured from). A
    write refused because another workstation saved first is entered again, as the nurse is told to."""

    def __init__(self, care: Care, report: CartReport) -> None:
        self.care = care
        self.report = report
        self._last_seq: dict[str, int] = {}

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.care, name)
        return self._timed(found) if name in WRITES else found

    def _timed(self, write: Callable[..., SessionState]) -> Callable[..., SessionState]:
        def timed(*args: Any, **kwargs: Any) -> SessionState:
            for attempt in range(RETRIES):
                began, began_cpu = time.perf_counter(), time.thread_time()
                try:
                    state = write(*args, **kwargs)
                except RecordChanged as told:
                    if attempt == RETRIES - 1:
                        raise
                    self.report.re_entered[f"{write.__name__}: {told.message}"] += 1
                    continue
                returned = time.time()
                self.report.latency_ms.append((time.perf_counter() - began) * 1000)
                self.report.own_cpu_ms.append((time.thread_time() - began_cpu) * 1000)
                self._note(state, returned)
                return state
            raise AssertionError("unreachable")

        return timed

    def _note(self, result: SessionState | tuple[SessionState, object], returned: float) -> None:
        state = result[0] if isinstance(result, tuple) else result  # record_vitals adds its findings
        sid = state.session_id
        last = self._last_seq.get(sid, 0)
        saved = self.report.saved.setdefault(sid, [])
        for event in state.events:
            if event.seq > last:
                saved.append(event.id)
                self.report.committed_at[event.id] = returned
        self._last_seq[sid] = state.events[-1].seq


def one_session(care: Timed, cart: Cart, patient: tuple[str, str], chair: int) -> Iterator[float]:
    """A whole session as its nurse records it, on time; yields the minutes until her next entry on it."""
    nurse = cart.nurse
    patient_id, mrn = patient
    sid = care.open_session(patient_id, chair, nurse, Identified(name=True, mrn=mrn)).session_id
    yield 2
    care.screen(sid, SCREEN_OK, nurse)
    yield 2
    care.record_weight(sid, "72.4", "kg", nurse)
    yield 1
    care.confirm_dose(sid, nurse)
    calc = care.record_vitals(sid, NORMAL, nurse)[0].dose
    assert calc is not None
    yield 3
    care.record_check(sid, cart.checker, PASSWORD, str(calc.weight_kg), str(calc.dose_mg), str(calc.rate_ml_per_h))
    yield 2
    care.record_drawn(sid, f"LOAD-LOT-{cart.number}", str(calc.drug_volume_ml), nurse)
    pump_as_ordered(care, sid, nurse)  # type: ignore[arg-type]  # Care's writes, timed
    yield 1
    care.start_infusion(sid, nurse)
    for minutes in (10, 20, 30):
        yield 10
        care.record_vitals(sid, NORMAL, nurse)
        if minutes == 20:
            care.record_side_effects(sid, NO_SIDE_EFFECTS, nurse)  # halfway
    yield 10
    care.complete(sid, nurse)
    care.record_vitals(sid, NORMAL, nurse)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, nurse)
    yield 15
    care.record_vitals(sid, NORMAL, nurse)
    yield 15
    care.record_vitals(sid, NORMAL, nurse)
    care.record_side_effects(sid, NO_SIDE_EFFECTS, nurse)
    yield 2
    state = care.discharge(sid, "10", DISCHARGE_OK, nurse, PASSWORD)
    yield 1
    care.sign(sid, nurse, PASSWORD, seen_seq=state.events[-1].seq)


def one_day(care: Timed, clock: ManualClock, cart: Cart, speed: float) -> None:
    """Every chair's session of the day, the chairs staggered, each entry made when it falls due (at
    ``speed``, also in real time: simulated seconds a real second)."""
    morning, wall = clock.now(), time.time()
    waiting: list[tuple[datetime, int, Iterator[float]]] = []
    for chair, patient in enumerate(cart.patients):
        chair_number = cart.number * len(cart.patients) + chair + 1
        due = clock.now() + timedelta(minutes=STAGGER_MINUTES * chair)
        waiting.append((due, chair, one_session(care, cart, patient, chair_number)))
    heapq.heapify(waiting)
    while waiting:
        due, chair, steps = heapq.heappop(waiting)
        if due > clock.now():
            clock.advance(due - clock.now())
        if speed:
            time.sleep(max(0.0, wall + (due - morning).total_seconds() / speed - time.time()))
        try:
            minutes = next(steps)
        except StopIteration:
            continue
        heapq.heappush(waiting, (clock.now() + timedelta(minutes=minutes), chair, steps))


def workstation(cart: Cart, plan: Plan, ready: Queue, go: Signal, results: Queue) -> None:
    report = CartReport(cart.number)
    try:
        cheap_hashing()
        database = open_database(plan.url)
        notices = ChangeNotices.for_database(database)
        assert notices is not None
        try:
            clock = ManualClock(T0)
            care = Care(database, load_protocol(), clock, workstation=f"cart-{cart.number}", notices=notices)
            care.chairs()  # the board as the workstation opens: its connection made, the protocol read
            ready.put(cart.number)
            go.wait()
            began_cpu = time.process_time()
            timed = Timed(care, report)
            for day in range(plan.sessions):
                if day and time.time() > plan.deadline:
                    break
                # The workstations' mornings spread over a few minutes, as nurses' are.
                morning = T0 + timedelta(days=day, seconds=(cart.number * 41) % (STAGGER_MINUTES * 60))
                if morning > clock.now():
                    clock.advance(morning - clock.now())
                one_day(timed, clock, cart, plan.speed)
                report.days += 1
                report.simulated_minutes += (clock.now() - (T0 + timedelta(days=day))).total_seconds() / 60
            report.finished = time.time()
            report.cpu = time.process_time() - began_cpu
        finally:
            notices.close()
            database.dispose()
    except Exception:  # the run goes on and says which workstation failed, and how
        report.failure = traceback.format_exc()
        ready.put(cart.number)
    results.put(("cart", report))


def desk(number: int, plan: Plan, ready: Queue, stop: Signal, results: Queue) -> None:
    """The charge nurse's board, read over and over until told to stop: when each entry first showed."""
    report = DeskReport()
    try:
        database = open_database(plan.url)
        notices = ChangeNotices.for_database(database)
        assert notices is not None
        try:
            evening = T0 + timedelta(days=plan.sessions - 1, hours=12)  # a moment after every session began
            care = Care(database, load_protocol(), ManualClock(evening), workstation=f"desk-{number}", notices=notices)
            while not notices.listening:
                time.sleep(0.01)
            care.chairs()
            ready.put(-1 - number)
            began_cpu, shown = time.process_time(), dict[str, int]()
            while not stop.is_set():
                began = time.perf_counter()
                chairs = care.chairs()
                now = time.time()
                report.read_ms.append((time.perf_counter() - began) * 1000)
                for view in chairs:
                    events = view.state.events
                    for event in events[shown.get(view.state.session_id, 0) :]:
                        report.seen_at.setdefault(event.id, now)
                    shown[view.state.session_id] = len(events)
                time.sleep(plan.desk_tick)
            report.cpu = time.process_time() - began_cpu
        finally:
            notices.close()
            database.dispose()
    except Exception:
        report.failure = traceback.format_exc()
        ready.put(-1 - number)
    results.put(("desk", report))


# ---- measuring a run ---------------------------------------------------------------------------------


def cpu_seconds(pid: int, *, with_children: bool) -> float:
    """A process's processor time (and that of its children it has reaped), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(f) for f in fields[11 : 15 if with_children else 13])
    return ticks / os.sysconf("SC_CLK_TCK")


def server_cpu(server: Server) -> float:
    """Processor time of the whole server: the postmaster, its live processes, and the ended connections'."""
    postmaster = server.postmaster_pid()
    total = cpu_seconds(postmaster, with_children=True)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(stat[1]) == postmaster:
                    total += cpu_seconds(int(entry.name), with_children=False)
            except (OSError, IndexError):
                continue  # ended while being read
    return total


def machine_busy() -> tuple[float, float]:
    """(busy, total) processor seconds of the whole computer since it started, every core."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / os.sysconf("SC_CLK_TCK"), sum(values) / os.sysconf("SC_CLK_TCK")


@dataclass
class Figures:
    workstations: int
    sessions: int
    entries: int
    seconds: float
    latency_ms: list[float]
    own_cpu_ms: list[float]
    lag_ms: list[float]
    unseen: int
    read_ms: list[float]
    cpu: dict[str, float]
    busy: float
    simulated_minutes: float
    re_entered: Counter[str]
    problems: list[str]
    audit_lines: int
    setup_seconds: float

    @property
    def per_second(self) -> float:
        return self.entries / self.seconds


def on_the_server(url: str) -> list[tuple[str, str]]:
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo) as connection:
        return [(row[0], row[1]) for row in connection.execute("SELECT session_id, id FROM session_event")]


def check(url: str, carts: list[CartReport]) -> tuple[list[str], int]:
    """What was lost, saved twice or left unsaid, and whether the audit trail holds: (problems, its lines)."""
    problems = [f"workstation {c.number} failed:\n{c.failure}" for c in carts if c.failure]
    told = {sid: ids for c in carts for sid, ids in c.saved.items()}
    rows = on_the_server(url)
    times = Counter(event_id for _, event_id in rows)
    per_session = Counter(sid for sid, _ in rows)
    said = [event_id for ids in told.values() for event_id in ids]
    lost = [event_id for event_id in said if event_id not in times]
    twice = [event_id for event_id, count in times.items() if count > 1] + [
        event_id for event_id, count in Counter(said).items() if count > 1
    ]
    unknown = set(times) - set(said)
    uneven = [sid for sid, ids in told.items() if per_session[sid] != len(ids)] + [
        sid for sid in per_session if sid not in told
    ]
    for what, found in (
        ("said saved but not on the server", lost),
        ("saved twice", twice),
        ("on the server but never said saved", unknown),
        ("sessions whose count differs", uneven),
    ):
        if found:
            problems.append(f"{len(found)} {what}, e.g. {sorted(found)[:3]}")
    database = open_database(url)
    try:
        chain = audit.verify(database)
    finally:
        database.dispose()
    if not chain.ok:
        problems.append(f"audit verify failed at entry {chain.first_broken}: {chain.problem}")
    return problems, chain.entries


def one_run(server: Server, workstations: int, args: argparse.Namespace) -> Figures:
    name = f"load_{workstations}"
    server.create(name)
    url = server.tcp(name)
    began = time.time()
    carts = set_up_clinic(url, workstations, args.chairs)
    set_up = time.time() - began
    deadline = time.time() + args.minutes * 60 if args.minutes else math.inf
    plan = Plan(url, args.sessions, deadline, args.desk_tick, args.speed)
    context = multiprocessing.get_context("fork")  # the modules already imported, not imported N times again
    ready, results = context.Queue(), context.Queue()
    go, stop = context.Event(), context.Event()
    processes = [context.Process(target=desk, args=(k, plan, ready, stop, results)) for k in range(args.desks)]
    processes += [context.Process(target=workstation, args=(cart, plan, ready, go, results)) for cart in carts]
    try:
        for process in processes:
            process.start()
        for _ in processes:
            ready.get(timeout=READY_SECONDS)
        server_before, busy_before = server_cpu(server), machine_busy()
        began = time.time()
        go.set()
        done: dict[str, list[Any]] = {"cart": [], "desk": []}
        while len(done["cart"]) < workstations:
            kind, report = results.get()
            done[kind].append(report)
        stop.set()
        while len(done["desk"]) < args.desks:
            kind, report = results.get()
            done[kind].append(report)
        for process in processes:
            process.join()
    except BaseException:
        for process in processes:
            process.kill()
        raise
    carts_done: list[CartReport] = done["cart"]
    desks_done: list[DeskReport] = done["desk"]
    ended = max((c.finished for c in carts_done if c.finished), default=time.time())
    busy_after = machine_busy()
    cpu = {
        "workstations": sum(c.cpu for c in carts_done),
        "desks": sum(d.cpu for d in desks_done),
        "server": server_cpu(server) - server_before,
    }
    busy = (busy_after[0] - busy_before[0]) / (busy_after[1] - busy_before[1])
    problems, lines = check(url, carts_done)
    problems += [f"desk failed:\n{d.failure}" for d in desks_done if d.failure]
    committed = {event_id: at for c in carts_done for event_id, at in c.committed_at.items()}
    lag, unseen = [], 0
    for report in desks_done:
        for event_id, at in committed.items():
            if event_id in report.seen_at:
                lag.append((report.seen_at[event_id] - at) * 1000)
            else:
                unseen += 1
    return Figures(
        workstations=workstations,
        sessions=sum(len(c.saved) for c in carts_done),
        entries=len(committed),
        seconds=ended - began,
        latency_ms=[ms for c in carts_done for ms in c.latency_ms],
        own_cpu_ms=[ms for c in carts_done for ms in c.own_cpu_ms],
        lag_ms=lag,
        unseen=unseen,
        read_ms=[ms for d in desks_done for ms in d.read_ms],
        cpu=cpu,
        busy=busy,
        simulated_minutes=max((c.simulated_minutes for c in carts_done), default=0.0),
        re_entered=sum((c.re_entered for c in carts_done), Counter()),
        problems=problems,
        audit_lines=lines,
        setup_seconds=set_up,
    )


# ---- the report --------------------------------------------------------------------------------------


def typical_hasher_ms() -> float:
    hasher = PasswordHasher()
    stored = hasher.hash(PASSWORD)
    began = time.perf_counter()
    hasher.verify(stored, PASSWORD)
    return (time.perf_counter() - began) * 1000


def spread(samples: list[float]) -> str:
    if not samples:
        return "none"
    return (
        f"p50 {statistics.median(samples):.1f} ms, p99 {percentile(samples, 0.99):.1f} ms, worst {max(samples):.1f} ms"
    )


def show(figures: Figures, args: argparse.Namespace) -> None:
    f = figures
    print(
        f"{f.workstations} workstations × {args.chairs} chairs: {f.sessions} sessions, "
        f"{f.entries} care entries in {f.seconds:.1f} s (the clinic set up first in {f.setup_seconds:.1f} s)"
    )
    print(f"  entries committed per second, all workstations:  {f.per_second:.0f}")
    print(f"  commit latency per entry (one Care call):        {spread(f.latency_ms)}")
    print(f"    of which the workstation's own processing:     {spread(f.own_cpu_ms)}")
    print(f"  a change on the desk's board (from the call's return): {spread(f.lag_ms)}")
    print(f"    {len(f.lag_ms)} seen; {f.unseen} not, their session signed and off the board before the next read")
    print(f"    one board read (Care.chairs(), every open chair): {spread(f.read_ms)}")
    demand = f.entries / (f.simulated_minutes * 60) if f.simulated_minutes else math.nan
    print(
        f"  the clinic's {f.simulated_minutes:.0f} simulated minutes passed in {f.seconds:.1f} s "
        f"({f.simulated_minutes * 60 / f.seconds:.0f}× real time): in real time it would ask {demand:.2f} entries/s"
    )
    per_thousand = {part: seconds * 1000 / max(f.entries, 1) for part, seconds in f.cpu.items()}
    print(
        "  CPU s per 1000 entries: "
        + ", ".join(f"{part} {seconds:.1f}" for part, seconds in per_thousand.items())
        + f"; the machine's {os.cpu_count()} CPUs {f.busy:.0%} busy (other users' work included)"
    )
    for told, times in f.re_entered.items():
        print(f"  refused and entered again, {times}×: {told}")
    if f.problems:
        print("  PROBLEMS:")
        for problem in f.problems:
            print("    " + problem.replace("\n", "\n    "))
    else:
        print(
            f"  nothing lost or saved twice: {f.entries} entries said saved, each on the server once, no other; "
            f"every session's count equal. audit verify: OK ({f.audit_lines} lines)"
        )
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workstations", default="10,50,100", help="comma-separated counts, one run each")
    parser.add_argument("--chairs", type=int, default=3, help="chairs per workstation")
    parser.add_argument("--sessions", type=int, default=1, help="sessions per chair: days of the course, at most 5")
    parser.add_argument("--minutes", type=float, default=0, help="begin no further day after this many minutes")
    parser.add_argument("--desks", type=int, default=1, help="processes reading the board")
    parser.add_argument(
        "--speed", type=float, default=0, help="simulated seconds a real second (0: each entry once the last is saved)"
    )
    parser.add_argument("--desk-tick", type=float, default=0.05, help="seconds a desk waits between reads")
    args = parser.parse_args()
    counts = [int(n) for n in args.workstations.split(",")]
    args.sessions = max(1, min(args.sessions, load_protocol().course.sessions))
    cheap_hashing()
    connections = 2 * (max(counts) + args.desks) + 10
    pace = f"{args.speed:g}× real time" if args.speed else "each entry as soon as the last is saved"
    print(
        f"load: {args.workstations} workstations, {args.chairs} chairs each, {args.sessions} session(s) per chair, "
        f"{args.desks} desk(s), {pace}; python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at the start, {datetime.now(UTC):%Y-%m-%d}"
    )
    print(
        f"server: max_connections={connections} (each workstation holds 2: its pool's connection and its "
        "listener); every process, server and simulated workstations alike, shares this machine's CPUs"
    )
    print(
        f"passwords: argon2 at its cheapest; Chairside's own setting takes {typical_hasher_ms():.0f} ms of a "
        "workstation's CPU per password typed (3 a session)"
    )
    print()
    runs = []
    with throwaway_server(max_connections=connections) as server:
        for count in counts:
            runs.append(one_run(server, count, args))
            show(runs[-1], args)
    heading = ("workstations", "entries", "per s", "p50 ms", "p99 ms", "board p50", "board p99")
    print(" ".join(f"{word:>{width}}" for word, width in zip(heading, (12, 8, 7, 8, 8, 10, 10), strict=True)))
    for f in runs:
        board = (statistics.median(f.lag_ms), percentile(f.lag_ms, 0.99)) if f.lag_ms else (math.nan, math.nan)
        print(
            f"{f.workstations:>12} {f.entries:>8} {f.per_second:>7.0f} {statistics.median(f.latency_ms):>8.1f} "
            f"{percentile(f.latency_ms, 0.99):>8.1f} {board[0]:>10.1f} {board[1]:>10.1f}"
        )
    return 1 if any(f.problems for f in runs) else 0


if __name__ == "__main__":
    raise SystemExit(main())
