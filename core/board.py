"""What one chair's tile on the board says: the facts a nurse across the room needs, worked out once.

The board, the lock screen and the chair list all read this, so a tile never disagrees with the chair's
own page. It decides which clock matters now (the infusion's time left, or the observation's), which
vitals set is next and how late it is, which side-effect check is owed, what is still waiting for a
signature, which nurse looks after the chair, and how long a pause has lasted or a clock has run over.
Every time is worked out from the recorded events and the ``now`` passed in, so a test's clock drives it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.attention import Need, Priority, loudest_need, mark_words, needs
from core.dates import local_time
from core.events import EventType as E
from core.machine import Step
from core.session_state import PointStatus, SessionState, VitalsPoint, infused_by
from core.views import STEP_WORDS, ChairView

NOT_RECORDING = frozenset({E.CHECKED})
"""Entries that do not make a chair someone's: the second nurse's check is a visit, not the care."""


@dataclass(frozen=True)
class Countdown:
    left: timedelta
    what: str
    """What the figure is, in words: "left", or "over" once the time is up (the step says which clock)."""
    until_words: str
    until: datetime | None
    """The clock time it reaches zero: the infusion's end, or the earliest discharge."""
    over: timedelta = timedelta()
    """How long ago it reached zero: a countdown past its end counts on instead of resting at 00:00."""
    paused_since: datetime | None = None
    """When the pump was stopped, while the infusion is paused: its clock stands still meanwhile."""
    paused_for: timedelta | None = None
    """How long the pause has lasted so far (None while the clock runs)."""
    done_words: str = ""
    """For a wait that has ended rather than run over (the observation's minimum): what its time past zero
    counts since, and what is still to do, so it never reads like an infusion run over."""

    @property
    def paused(self) -> bool:
        return self.paused_since is not None


@dataclass(frozen=True)
class Tile:
    chair: int
    step: str
    countdown: Countdown | None
    vitals: VitalsPoint | None
    alerts: int
    unsigned: tuple[str, ...]
    need: Need | None
    side_effects: VitalsPoint | None
    """The side-effect check owed now (due or overdue); None while none is."""
    nurses: tuple[str, ...] = ()
    """Who looks after the chair, as the handoff counts it: the latest to record on it, then the opener."""
    day: str = ""
    """Where the session falls in the patient's course, "day 2 of 5" ("" for sessions opened before courses)."""
    needs: tuple[Need, ...] = ()
    """Everything the chair needs now, highest first (``need`` is the first): each says how late it is."""

    @property
    def priority(self) -> Priority | None:
        """The chair's one priority: every mark on its tile, its banner and the lock screen uses it."""
        return self.need.priority if self.need else None

    @property
    def lead(self) -> Need | None:
        """The need that heads the tile and the banner: the patient's first when the patient needs anything
        (a technical need, however high, follows on its own line), else the first technical one."""
        return self.needs[0] if self.needs else None

    @property
    def mark(self) -> str:
        """The badge: the kind of the need that leads, in the chair's one priority ("" when nothing is owed)."""
        if self.lead is None or self.priority is None:
            return ""
        return mark_words(self.lead.kind, self.priority)

    @property
    def lines(self) -> tuple[str, ...]:
        """What the chair needs, line by line (short words), and what comes next when nothing is owed."""
        said = tuple(line for need in self.needs for line in need.lines)
        return said or tuple(filter(None, (coming_words(self),)))

    @property
    def said(self) -> tuple[str, ...]:
        """The same in full words: a tooltip, a screen reader, paper."""
        said = tuple(line for need in self.needs for line in need.said)
        return said or tuple(filter(None, (coming_words(self),)))


def step_words(state: SessionState) -> str:
    words = STEP_WORDS[state.step]
    if state.step is Step.PAUSED and state.infusion.pause_reason:
        return f"{words} — {state.infusion.pause_reason}"
    return words


def countdown(state: SessionState, now: datetime) -> Countdown | None:
    """The one clock that matters for this step, if any, with a pause's length or the time run over.

    The chair's own page reads the same: ``paused`` and ``paused_for`` to show a stopped clock apart from
    a running one, ``over`` to count on past zero."""
    infusion = state.infusion
    if state.step is Step.PAUSED:
        since = paused_since(state)
        lasted = max(timedelta(), now - since)
        return Countdown(infusion.remaining, "left", "ends", None, paused_since=since, paused_for=lasted)
    if state.step is Step.INFUSING and infusion.remaining > timedelta():
        return Countdown(infusion.remaining, "left", "ends", infusion.ends_at)
    if state.step is Step.INFUSING:
        over = max(timedelta(), infused_by(state.events, now) - infusion.infused)
        return Countdown(timedelta(), "over", "time up", now - over, over=over)
    if state.step is Step.OBSERVE:
        earliest = state.discharge_earliest
        over = max(timedelta(), now - earliest) if earliest is not None else timedelta()
        done = "observation time done; discharge not yet recorded" if over else ""
        what = "since done" if over else "left"
        return Countdown(state.observation_left, what, "discharge from", earliest, over=over, done_words=done)
    return None


def paused_since(state: SessionState) -> datetime:
    """When the pump was stopped for the pause now running: the latest pause in the log."""
    return next(e.occurred_at for e in reversed(state.events) if e.type is E.PAUSED)


def recorders(state: SessionState) -> tuple[str, str, datetime]:
    """Who opened the session, and who recorded its latest entry (other than a check) and when."""
    opened = state.events[0]
    last = next((e for e in reversed(state.events) if e.type not in NOT_RECORDING), opened)
    return opened.recorded_by, last.recorded_by, last.occurred_at


def looked_after_by(state: SessionState) -> tuple[str, ...]:
    """The staff ids whose chair this is, as the handoff counts it: the latest to record first, then the
    opener if someone else, so the tile names whoever is at the chair now."""
    opened_by, last_by, _ = recorders(state)
    return tuple(dict.fromkeys((last_by, opened_by)))


def course_day(state: SessionState) -> str:
    if state.course_day is None:
        return ""
    return f"day {state.course_day} of {state.course_days}" if state.course_days else f"day {state.course_day}"


def still_to_sign(state: SessionState) -> tuple[str, ...]:
    """Signatures the session is waiting for at its current step; the board lists what is left undone."""
    waiting = []
    if state.step is Step.CHECK:
        waiting.append("second-nurse check")
    if state.step is Step.OBSERVE and state.observation_left <= timedelta(0):
        waiting.append("discharge")
    if state.step is Step.SIGN:
        waiting.append("session signature")
    return tuple(waiting)


def coming_words(facts: Tile) -> str:
    """The next set of vital signs when none is owed: quiet words, no priority."""
    point = facts.vitals
    if point is None or point.status is not PointStatus.UPCOMING:
        return ""
    if point.due_at is None:
        return f"Next vital signs: {point.point.label}"
    return f"Next vital signs {local_time(point.due_at)} ({point.point.label})"


def tile(view: ChairView, now: datetime, names: Callable[[str], str]) -> Tile:
    """The chair's tile at ``now`` (core's clock); ``names`` turns a staff id into the person's name."""
    state = view.state
    vitals = state.next_vitals
    found = needs(state)
    loudest = loudest_need(found)
    return Tile(
        chair=view.chair,
        step=step_words(state),
        countdown=countdown(state, now),
        vitals=vitals if vitals is not None and vitals.status is not PointStatus.SKIPPED else None,
        alerts=len(state.open_alerts),
        unsigned=still_to_sign(state),
        need=loudest,
        side_effects=state.next_side_effects if state.side_effects_attention is not None else None,
        nurses=tuple(names(staff_id) for staff_id in looked_after_by(state)),
        day=course_day(state),
        needs=found,
    )
