"""The quality report's timeliness figures: per scheduled point, how many were kept on time, late (and by how
much) or missed, over a period's kept points (``records.schedule_points_between``).

Pure: the rows in, figures out. Each point counted is one a signed session owed (``core.schedule_points``:
it fell, and was answered or overdue before care ended); *on time* is answered before it became overdue
(the protocol's ``overdue_after_minutes`` after it fell), *late* answered after that, *missed* never
answered. A late point's lateness is counted from when it fell, as the day log says it ("taken 7 min after
it was due"). The rechecks alarms asked for are counted together, whatever their alarm.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from core.figures import MINUTES, Figure, proportion, rate
from core.protocol import Protocol
from core.schedule_points import Kept, PointTally, Schedule, TimedPoint, tally_of

SECTION = "Vital signs and side-effect checks"
MEDIAN = "median"
LONGEST = "longest"

OWED = (
    "points owed: each point of a signed session's schedule that fell before care ended and was answered, or "
    "had become overdue by then (the protocol's overdue_after_minutes after it fell)"
)
ON_TIME = f"answered before it became overdue ÷ {OWED}"
LATE = f"answered once overdue ÷ {OWED}"
MISSED = f"never answered ÷ {OWED}"
LATENESS = "minutes from when a late point fell to when it was answered, over the late points"
PER_SESSIONS = "count × 100 ÷ signed sessions with a point owed in the period"

_SCHEDULE_WORDS = {
    Schedule.VITALS: "Vital signs",
    Schedule.SIDE_EFFECTS: "Side-effect check",
    Schedule.RECHECK: "Recheck after an alarm",
}
_ORDER = (Schedule.VITALS, Schedule.RECHECK, Schedule.SIDE_EFFECTS)
ALL = ("all", "all")
"""The group of every point owed, whatever its schedule."""


@dataclass(frozen=True)
class Timeliness:
    figures: tuple[Figure, ...]
    longest: dict[str, TimedPoint]
    """Per group's key prefix (``vitals:infusion-20``, ``recheck``, ``all``…), its latest late point (the
    longest lateness): the outlier a report lists, with its session."""
    sessions: int
    """The signed sessions with a point owed in the period: the denominator of the per-100 figures."""


def group_of(point: TimedPoint) -> tuple[str, str]:
    """Which figure a point is counted in: its schedule and point, every recheck in one."""
    return group_key(point.schedule, point.point_id)


def group_key(schedule: str, point_id: str) -> tuple[str, str]:
    """Which figure a point of ``schedule`` named ``point_id`` is counted in."""
    if schedule == Schedule.RECHECK:
        return (Schedule.RECHECK.value, Schedule.RECHECK.value)
    return (schedule, point_id)


def timeliness(
    points: Iterable[TimedPoint], protocol: Protocol | None = None, sessions: int | None = None
) -> Timeliness:
    """The figures for every group of points (each scheduled point, the rechecks, then all together).
    ``protocol``: the points' labels and order (else their ids, in the order first met); ``sessions``: the
    per-100 denominator when the caller counts it otherwise (else the sessions among the points)."""
    return timeliness_of(tally_of(points), protocol, sessions)


def timeliness_of(tally: PointTally, protocol: Protocol | None = None, sessions: int | None = None) -> Timeliness:
    """``timeliness`` over points already counted (``records.schedule_point_tally``)."""
    grouped: dict[tuple[str, str], Counter[str]] = {}
    every: Counter[str] = Counter()
    for (schedule, point_id, status), count in tally.counts.items():
        grouped.setdefault(group_key(schedule, point_id), Counter())[status] += count
        every[status] += count
    late: dict[tuple[str, str], list[TimedPoint]] = defaultdict(list)
    for point in tally.late:
        late[group_of(point)].append(point)
    n_sessions = sessions if sessions is not None else tally.sessions
    figures: list[Figure] = []
    longest: dict[str, TimedPoint] = {}
    for group in [*_ordered(grouped, protocol), ALL]:
        counts, lates = (every, tally.late) if group == ALL else (grouped[group], late[group])
        key = _key(group)
        found = _figures(key, _label(group, protocol), counts, lates, n_sessions)
        figures += found[0]
        if found[1] is not None:
            longest[key] = found[1]
    return Timeliness(tuple(figures), longest, n_sessions)


def _figures(
    key: str, label: str, kept: Mapping[str, int], late: Sequence[TimedPoint], sessions: int
) -> tuple[list[Figure], TimedPoint | None]:
    counts = {kind: kept.get(kind, 0) for kind in Kept}
    owed = sum(counts.values())
    point = label
    figures = [
        proportion(f"{key}:on_time", SECTION, "On time", counts[Kept.ON_TIME], owed, ON_TIME, point=point),
        proportion(f"{key}:late", SECTION, "Late", counts[Kept.LATE], owed, LATE, point=point),
        proportion(f"{key}:missed", SECTION, "Missed", counts[Kept.MISSED], owed, MISSED, point=point),
        _per_100(f"{key}:late_per_100", "Late per 100 sessions", counts[Kept.LATE], sessions, point),
        _per_100(f"{key}:missed_per_100", "Missed per 100 sessions", counts[Kept.MISSED], sessions, point),
    ]
    worst = max(late, key=lambda r: (r.late_seconds or 0, r.due_at), default=None)
    minutes = [(row.late_seconds or 0) / 60 for row in late]
    median = statistics.median(minutes) if minutes else None
    figures.append(_minutes(f"{key}:late_median", "Lateness, median", median, len(late), MEDIAN, point))
    note = f"session {worst.session_id}" if worst is not None else ""
    most = max(minutes) if minutes else None
    figures.append(_minutes(f"{key}:late_longest", "Lateness, longest", most, len(late), LONGEST, point, note))
    return figures, worst


def _per_100(key: str, measure: str, count: int, sessions: int, point: str) -> Figure:
    return rate(key, SECTION, measure, count, sessions, PER_SESSIONS, point=point)


def _minutes(key: str, measure: str, value: float | None, late: int, method: str, point: str, note: str = "") -> Figure:
    return Figure(
        key=key,
        section=SECTION,
        measure=measure,
        time_point=point,
        numerator=None,
        denominator=late,
        value=value,
        unit=MINUTES,
        low=None,
        high=None,
        method=method,
        definition=LATENESS,
        note=note,
    )


def _key(group: tuple[str, str]) -> str:
    schedule, point_id = group
    return schedule if schedule == point_id else f"{schedule}:{point_id}"


def _ordered(grouped: Mapping[tuple[str, str], object], protocol: Protocol | None) -> list[tuple[str, str]]:
    """Each schedule's points in the protocol's order (any it no longer names after them, as first met)."""
    order: dict[tuple[str, str], int] = {}
    if protocol is not None:
        named = [
            *((Schedule.VITALS.value, p.id) for p in protocol.vitals_schedule.points),
            *((Schedule.SIDE_EFFECTS.value, p.id) for p in protocol.side_effects_schedule.points),
        ]
        order = {group: n for n, group in enumerate(named)}
    met = list(grouped)
    return sorted(met, key=lambda g: (_ORDER.index(Schedule(g[0])), order.get(g, len(order)), met.index(g)))


def _label(group: tuple[str, str], protocol: Protocol | None) -> str:
    if group == ALL:
        return "All scheduled points"
    schedule, point_id = group
    if schedule == Schedule.RECHECK:
        return _SCHEDULE_WORDS[Schedule.RECHECK]
    labels = {}
    if protocol is not None:
        points = (
            protocol.vitals_schedule.points if schedule == Schedule.VITALS else protocol.side_effects_schedule.points
        )
        labels = {p.id: p.label for p in points}
    return f"{_SCHEDULE_WORDS[Schedule(schedule)]}: {labels.get(point_id, point_id)}"
