"""What one chair's tile on the board says: the facts a nurse across the room needs, worked out once.

The board, the lock screen and the chair list all read this, so a tile never disagrees with the chair's
own page. It decides which clock matters now (the infusion's time left, or the observation's), which
vitals set is next and how late it is, which side-effect check is owed, and what is still waiting for a
signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.attention import Need, attention
from core.machine import Step
from core.services import STEP_WORDS, ChairView
from core.session_state import PointStatus, SessionState, VitalsPoint


@dataclass(frozen=True)
class Countdown:
    left: timedelta
    what: str
    """What the time counts down to, in words: "left" or "observation left"."""
    until_words: str
    until: datetime | None
    """The clock time it reaches zero: the infusion's end, or the earliest discharge."""


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


def step_words(state: SessionState) -> str:
    words = STEP_WORDS[state.step]
    if state.step is Step.PAUSED and state.infusion.pause_reason:
        return f"{words} — {state.infusion.pause_reason}"
    return words


def countdown(state: SessionState) -> Countdown | None:
    """The one clock that matters for this step, if any."""
    if state.step in {Step.INFUSING, Step.PAUSED}:
        ends = state.infusion.ends_at if state.step is Step.INFUSING else None
        return Countdown(state.infusion.remaining, "left", "ends", ends)
    if state.step is Step.OBSERVE:
        return Countdown(state.observation_left, "observation left", "discharge from", state.discharge_earliest)
    return None


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


def tile(view: ChairView) -> Tile:
    state = view.state
    vitals = state.next_vitals
    return Tile(
        chair=view.chair,
        step=step_words(state),
        countdown=countdown(state),
        vitals=vitals if vitals is not None and vitals.status is not PointStatus.SKIPPED else None,
        alerts=len(state.open_alerts),
        unsigned=still_to_sign(state),
        need=attention(state),
        side_effects=state.next_side_effects if state.side_effects_attention is not None else None,
    )
