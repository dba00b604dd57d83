"""Alarms silenced: how often, by whom, for how long, and whether the need silenced was answered afterwards.

A silence is an ``alarm.silenced`` audit line per chair: the priority, the need in words, the minutes, and
(since the need's identity was kept) the need's stable key (``core.attention.Need.key``). What answers a
need is the entry that ends it: an act-now alert's acknowledgement, a resumed or stopped infusion for a
pause, vital signs for vitals owed, and so on (``ANSWERED_BY``). A line without a key (written before it was
kept), or of a need no entry answers (the workstation's clock), is counted as silenced and left out of
"answered", which says how many it could judge.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from statistics import median

from core.events import EventType
from core.figures import MINUTES, Figure, proportion, rate
from core.quality.rows import AnswerRow, AuditLine

SECTION = "Silenced alarms"

ANSWERED_BY: Mapping[str, frozenset[EventType]] = {
    "paused": frozenset({EventType.RESUMED, EventType.STOPPED_EARLY}),
    "paused-long": frozenset({EventType.RESUMED, EventType.STOPPED_EARLY}),
    "overrun": frozenset({EventType.COMPLETED, EventType.STOPPED_EARLY}),
    "vitals": frozenset({EventType.VITALS}),
    "side-effects": frozenset({EventType.SIDE_EFFECTS}),
    "adverse": frozenset({EventType.ADVERSE_EVENT}),
    "pump": frozenset({EventType.PUMP_CONFIRMED}),
}
"""The entries that answer each kind of need, by its key (or the key's first word: ``vitals-overdue``,
``side-effects-missed:…``). Any other key is an act-now alert's: the vital signs entry that raised it,
answered by an acknowledgement naming it."""
NOT_ANSWERABLE = frozenset({"clock"})
READ = frozenset({EventType.VITALS, EventType.ALERT_ACKNOWLEDGED}.union(*ANSWERED_BY.values()))
"""The kinds of a session's entries ``answered`` reads: what answers each need, and an act-now alert's set
and acknowledgement."""


@dataclass(frozen=True)
class SilenceFigures:
    figures: tuple[Figure, ...]
    by_whom: tuple[tuple[str, int, int], ...]
    """(staff id, silences, minutes in all), most silences first."""


def _judged_key(line: AuditLine) -> str | None:
    """The key of the need a silence names, when the line can be judged (a key, a session, a need that
    entries answer)."""
    key = line.detail.get("need_key")
    if not isinstance(key, str) or not key or line.session_id is None or key in NOT_ANSWERABLE:
        return None
    return key


def _answering_kinds(key: str) -> frozenset[EventType] | None:
    return ANSWERED_BY.get(key) or ANSWERED_BY.get(key.split(":", maxsplit=1)[0].rsplit("-", 1)[0])


def needs_log(line: AuditLine) -> bool:
    """Whether judging the silence reads its session's log of the kinds in ``READ``: a need that kinds of
    entries answer, any of them later in the session."""
    key = _judged_key(line)
    return key is not None and _answering_kinds(key) is not None


def alert_named(line: AuditLine) -> str | None:
    """The act-now alert a silence names (its key, when no kind of entry answers it), or None: judged by
    the vital signs entry of that id and the session's acknowledgements alone, which a report reads without
    its session's whole log."""
    key = _judged_key(line)
    return key if key is not None and _answering_kinds(key) is None else None


def answered(line: AuditLine, log: Sequence[AnswerRow]) -> bool | None:
    """Whether an entry answering the silenced need was recorded after the silence, in its session; None
    when the line cannot be judged (no key, no session, or a need no entry answers). ``log``: the session's
    entries of the kinds in ``READ``, or for a silence that names an alert (``alert_named``) at least its
    vital signs entry of that id and the session's acknowledgements."""
    key = _judged_key(line)
    if key is None:
        return None
    later = [event for event in log if event.occurred_at >= line.at]
    kinds = _answering_kinds(key)
    if kinds is not None:
        return any(event.type in kinds for event in later)
    if not any(event.id == key and event.type is EventType.VITALS for event in log):
        return None  # not an alert of this session: a need of a kind this version does not know
    return any(event.type is EventType.ALERT_ACKNOWLEDGED and event.alert_event_id == key for event in later)


def silences(sessions: int, lines: Sequence[AuditLine], logs: Mapping[str, Sequence[AnswerRow]]) -> SilenceFigures:
    """The period's silences per 100 sessions, by priority, their minutes, who silenced them, and how many
    of those that can be judged were answered afterwards."""
    every = "÷ sessions opened in the period, × 100."
    figures = [rate("silenced", SECTION, "Alarms silenced", len(lines), sessions, f"Silences in the period {every}")]
    priorities = Counter(str(line.detail.get("priority", "")) for line in lines)
    for priority in ("high", "medium", "low"):
        figures.append(
            rate(
                f"silenced_{priority}",
                SECTION,
                f"Alarms silenced, {priority} priority",
                priorities[priority],
                sessions,
                f"Silences in the period of an alarm of {priority} priority {every}",
            )
        )
    minutes = [int(line.detail["minutes"]) for line in lines if isinstance(line.detail.get("minutes"), int)]
    figures += [_minutes("silence_minutes_median", "Silence length, median", minutes, median)]
    figures += [_minutes("silence_minutes_longest", "Silence length, longest", minutes, max)]
    judged = [found for line in lines if (found := answered(line, logs.get(line.session_id or "", ()))) is not None]
    figures.append(
        proportion(
            "silence_answered",
            SECTION,
            "Silenced needs answered afterwards",
            sum(judged),
            len(judged),
            "Silences after which an entry answering the need silenced (an acknowledgement of the alert, the "
            "infusion resumed or stopped, the vital signs owed…) was recorded in the same session ÷ silences "
            "whose need names what answers it.",
            note=f"{len(lines) - len(judged)} silences could not be judged (no need named, or no session)."
            if len(judged) < len(lines)
            else "",
        )
    )
    whom: Counter[str] = Counter()
    spent: Counter[str] = Counter()
    for line in lines:
        actor = line.actor_id or ""
        whom[actor] += 1
        spent[actor] += int(line.detail.get("minutes") or 0)
    ordered = sorted(whom.items(), key=lambda item: (-item[1], item[0]))
    return SilenceFigures(tuple(figures), tuple((actor, count, spent[actor]) for actor, count in ordered))


def _minutes(key: str, measure: str, minutes: Sequence[int], how: Callable[[Sequence[int]], float]) -> Figure:
    value = float(how(minutes)) if minutes else None
    return Figure(
        key=key,
        section=SECTION,
        measure=measure,
        time_point="",
        numerator=None,
        denominator=len(minutes),
        value=value,
        unit=MINUTES,
        low=None,
        high=None,
        method="",
        definition="The minutes each silence was set for (the clinic's setting when it was made), over the "
        "period's silences.",
    )
