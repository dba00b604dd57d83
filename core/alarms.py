"""When the alarm sounds, and what silencing it covers: plain rules the window's tick applies.

Each chair's need (``core.attention``), the highest of its needs, is one alarm condition; it is the same
alarm while its key and priority stay (a pause growing longer), and a new one when either changes: a
need that rises on the escalation schedule (medium to high) sounds at once, even through a silence. The
loudest audible one sounds at once, then again every ``REPEAT_MS`` for its priority. A nurse may
acknowledge the alarms sounding now: that silences those conditions, and only those, for the clinic's
few minutes. A condition that appears meanwhile (another chair, or the same chair needing something
else) is not covered and sounds at once, and when the minutes are over everything still there sounds
again. So nothing is silently dropped. Time is a monotonic count of milliseconds from the caller, so a
change of the computer's clock neither shortens nor lengthens a silence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from core.attention import Need, Priority, loudest

REPEAT_MS = {Priority.HIGH: 8_000, Priority.MEDIUM: 30_000, Priority.LOW: 120_000}


@dataclass(frozen=True)
class Alarm:
    """One chair's condition as it sounds: the same chair needing something new is a new alarm."""

    chair: int
    need: Need


def alarms_of(needs: dict[int, Need | None]) -> tuple[Alarm, ...]:
    return tuple(Alarm(chair, need) for chair, need in sorted(needs.items()) if need is not None)


@dataclass
class AlarmPolicy:
    heard: frozenset[Alarm] = frozenset()
    """Alarms that have sounded since they appeared; one not among them sounds at once."""
    last_ms: int | None = None
    silenced_until: dict[Alarm, int] = field(default_factory=dict)
    """Each acknowledged alarm and the moment its silence ends: silencing chair 2 leaves chair 1's as it was."""

    def audible(self, alarms: Iterable[Alarm], now_ms: int) -> tuple[Alarm, ...]:
        """The alarms that may sound now: all of them, less those whose silence still lasts."""
        return tuple(alarm for alarm in alarms if self.silenced_until.get(alarm, 0) <= now_ms)

    def due(self, alarms: Iterable[Alarm], now_ms: int) -> Priority | None:
        """The priority to sound at this tick, if any: at once for a new alarm, then on its repeat."""
        present = tuple(alarms)
        audible = self.audible(present, now_ms)
        self.heard &= frozenset(present)  # a condition that ended and comes back is new again
        self.silenced_until = {a: until for a, until in self.silenced_until.items() if until > now_ms}
        level = loudest(alarm.need for alarm in audible)
        if level is None:
            return None
        new = not frozenset(audible) <= self.heard
        if not new and self.last_ms is not None and now_ms - self.last_ms < REPEAT_MS[level]:
            return None
        self.heard |= frozenset(audible)
        self.last_ms = now_ms
        return level

    def silence(self, alarms: Iterable[Alarm], now_ms: int, minutes: int) -> frozenset[Alarm]:
        """Acknowledge what sounds now for ``minutes``; returns what was acknowledged, for the audit.
        When its minutes are over, an alarm still there counts as new and sounds at once."""
        acknowledged = frozenset(alarms)
        self.heard -= acknowledged
        self.silenced_until.update(dict.fromkeys(acknowledged, now_ms + minutes * 60_000))
        return acknowledged

    def silenced(self, now_ms: int) -> bool:
        return any(until > now_ms for until in self.silenced_until.values())

    def silenced_chairs(self, now_ms: int) -> list[int]:
        return sorted({alarm.chair for alarm, until in self.silenced_until.items() if until > now_ms})
