"""Noticing the computer's clock jump, so the nurse is told to check the pumps.

Every time left is computed from recorded event times and the wall clock, which is what lets a
countdown survive a crash or a restart. The price is that a change of the wall clock moves every
countdown with it: put the clock forward ten minutes and ten minutes vanish from each time left,
put it back and they reappear. The pump does not notice either. So at each tick the wall clock is
compared with the monotonic clock, which nobody can set: when the wall clock moved more, or less,
than the monotonic clock since the previous tick, beyond a tolerance, the wall clock jumped.

A suspended computer looks the same as a clock put forward: on Linux (and macOS) the monotonic clock
stops while the computer sleeps and the wall clock does not. After a sleep the jump is real time for
the pump, and the time left is right; after someone sets the clock it is wrong. Nothing here can tell
the two apart, so the words for a forward jump name both and the advice is the same: look at the pump.

All times are stored in UTC and shown in local time, so a change of time zone (or daylight saving)
changes only how times are shown, never a countdown, and is not a jump.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.clock import Clock

TOLERANCE = timedelta(seconds=30)
"""Small enough to notice any change a person makes by hand, large enough that a slow tick (a busy
database, a modal dialog's event loop) or time-server corrections of a second or two never raise it."""


@dataclass(frozen=True)
class Jump:
    """The wall clock moved by ``size`` more (``forward``) or less than real time, noticed at ``noticed_at``."""

    size: timedelta
    forward: bool
    noticed_at: datetime
    """UTC, on the wall clock as it was after the jump."""


class ClockWatch:
    """Compares the wall clock with the monotonic clock each time it is asked, and remembers a jump
    until someone acknowledges it: a banner that vanished on the next tick would be missed from across
    the room. A later jump replaces an unacknowledged one, since the advice is the same and the newer
    size is the one that explains what is on screen now."""

    def __init__(self, clock: Clock, tolerance: timedelta = TOLERANCE) -> None:
        self.clock = clock
        self.tolerance = tolerance
        self._wall = clock.now()
        self._mono = clock.monotonic()
        self.pending: Jump | None = None

    def check(self) -> Jump | None:
        """Read both clocks; return the jump not yet acknowledged, whether noticed now or before."""
        wall, mono = self.clock.now(), self.clock.monotonic()
        gap = (wall - self._wall) - timedelta(seconds=mono - self._mono)
        self._wall, self._mono = wall, mono
        if abs(gap) > self.tolerance:
            self.pending = Jump(size=abs(gap), forward=gap > timedelta(), noticed_at=wall)
        return self.pending

    def acknowledge(self, jump: Jump) -> None:
        """The nurse has read about ``jump``; a newer jump noticed meanwhile stays to be read."""
        if self.pending == jump:
            self.pending = None
