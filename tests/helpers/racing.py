"""Two workstations doing the same thing at the same moment, as two real processes on one database.

Each process opens the database as a workstation does, waits at a barrier with the other, then acts; it
reports what it was told: ("saved", "") or (the error's kind, its words). Run with the ``spawn`` start
method, so each process is a fresh interpreter with its own connections, as a second workstation is.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher

from core import passwords
from core.accounts import Accounts
from core.care import Care
from core.clock import ManualClock
from core.errors import ChairsideError
from core.identify import Identified
from core.persistence.db import open_database
from core.protocol import load_protocol
from tests.helpers.answers import NORMAL

Outcome = tuple[str, str]
ACTIONS: dict[str, Callable[[Care, dict[str, Any]], object]] = {
    "first administrator": lambda care, a: care.accounts.create_first_administrator(
        a["name"], a["username"], a["password"], a["password"]
    ),
    "seat": lambda care, a: care.open_session(a["patient"], a["chair"], a["by"], Identified(name=True, mrn=a["mrn"])),
    "vitals": lambda care, a: care.record_vitals(a["session"], NORMAL, a["by"]),
    "sign": lambda care, a: care.sign(a["session"], a["by"], a["password"], seen_seq=a["seen"]),
}


def _workstation(url: str, at: str, name: str, action: str, args: dict[str, Any], barrier: Any, out: Any) -> None:
    passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    clock = ManualClock(datetime.fromisoformat(at))
    database = open_database(url)
    care = Care(database, load_protocol(), clock, workstation=name, accounts=Accounts(database, clock, name))
    barrier.wait(timeout=60)
    try:
        ACTIONS[action](care, args)
        out.put((name, ("saved", "")))
    except ChairsideError as error:
        out.put((name, (type(error).__name__, error.message)))
    finally:
        database.dispose()


def race(url: str, at: datetime, action: str, args: list[dict[str, Any]]) -> dict[str, Outcome]:
    """Each of ``args`` acted on by its own workstation process, all at once: what each was told, by name."""
    spawn = multiprocessing.get_context("spawn")
    barrier, out = spawn.Barrier(len(args)), spawn.Queue()
    names = [f"cart-{n}" for n in range(1, len(args) + 1)]
    workers = [
        spawn.Process(target=_workstation, args=(url, at.isoformat(), name, action, one, barrier, out))
        for name, one in zip(names, args, strict=True)
    ]
    for worker in workers:
        worker.start()
    told = dict(out.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0, f"a workstation process failed ({worker.exitcode})"
    return told
