"""The alarm figures of the quality report, counted from the period's rows (``core.quality.rows``): no SQL.

- An *alarm* is a set of vital signs recorded with at least one act-now finding: one alarm per set, however
  many vitals alarmed (as the session opens one alert per set). An *advisory flag* is a set with an advisory
  finding: flagged quietly, never an alarm, so counted apart.
- A *limit fired* when it explains a recorded finding (``core.quality.limits.explain``); a set with two
  vitals at the act-now tier counts once under each limit. A finding no limit explains is counted as such.
- The denominator of every rate per 100 sessions is the sessions *opened* in the period with at least one
  set of vital signs; the alarms are those *taken* in the period (a session open across the period's edge
  counts in one and may have its sets in the other).
- *Time to acknowledge*: from the set's moment to its acknowledgement's (one clock: both are the moments
  the entries were made). The 90th percentile is the nearest-rank one: the value a tenth of the waits reach.
- An alarm *led to* a pause or a stop when its acknowledgement made one (the pause or stop names the
  alarm), and to an adverse event when one was recorded later in the same session (nothing records a link:
  this is by time only).
- *By nurse*: who recorded the set. A nurse's denominator is the sessions of the period in which she
  recorded a set.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter

from core.figures import MINUTES, Figure, Listing, proportion, rate
from core.protocol import Protocol, VitalKind
from core.quality.explained import limits_fired
from core.quality.limits import TIER_WORDS, Limit, fired, in_order, limits_of
from core.quality.rows import VITALS, AckRow, AlarmRows, Ordered, SessionRow, SetColumns, SetRow, packed_id
from core.vitals import Tier

ALARMS = "Alarms"
FLAGS = "Advisory flags"
ANSWER = "Acknowledgement"
ACTIONS = "Actions chosen"
LED_TO = "What alarms led to"
BY_CHAIR = "By chair"
BY_NURSE = "By nurse"
BY_VERSION = "By protocol version"
SECTIONS = (ALARMS, FLAGS, ANSWER, ACTIONS, LED_TO, BY_CHAIR, BY_NURSE, BY_VERSION)

DENOMINATOR = "Sessions opened in the period with at least one set of vital signs"
"""The per-100 denominator, in the words printed with it (its count is ``AlarmReport.sessions``)."""
PER_SESSIONS = (
    "× 100 ÷ sessions opened in the period with at least one set of vital signs (the sets counted are those "
    "taken in the period)."
)
LIMIT_FIRED = (
    "Sets whose recorded finding this limit explains (from the set's values, its session's protocol and the "
    "baseline before it) × 100 ÷ sessions opened in the period with a set of vital signs."
)
ALARM_RATE = f"Sets recorded with at least one act-now finding (one alarm per set) {PER_SESSIONS}"
FLAG_RATE = f"Sets recorded with an advisory finding and none act-now {PER_SESSIONS}"
UNEXPLAINED = (
    "Findings recorded at this tier that no limit of the session's protocol explains from the set's values and "
    "baseline: counted as recorded (the record is authoritative), not put under a limit."
)
WAIT = (
    "Minutes from the alarm's set to its acknowledgement, over the alarms of the period acknowledged. Median; "
    "90th percentile by nearest rank (the wait a tenth of them reached); longest."
)
NEVER = "Alarms of the period with no acknowledgement recorded ÷ alarms of the period."
ACTION = "Acknowledgements naming the action ÷ acknowledgements of the period's alarms (several may be named)."
LED = {
    "pause": "Alarms whose acknowledgement paused the infusion ÷ alarms of the period.",
    "stop": "Alarms whose acknowledgement stopped the infusion early ÷ alarms of the period.",
    "adverse": "Alarms followed by an adverse event recorded later in the same session ÷ alarms of the period "
    "(by time only: nothing links the two).",
}
FREE_TEXT = "Free text (recorded before actions had ids)"
SLOWEST = 20
"""Slowest acknowledgements listed at most (those at or above the 90th percentile)."""


@dataclass(frozen=True)
class Alarm:
    """One act-now set of the period and what answered it."""

    row: SetRow
    session: SessionRow | None
    limits: tuple[tuple[VitalKind, Limit | None], ...]
    ack: AckRow | None
    paused: bool
    stopped: bool
    adverse: bool
    corrected: bool
    words: str
    """What alarmed, e.g. "SpO2 88 (at or below 91 %)"."""

    @property
    def minutes(self) -> float | None:
        if self.ack is None:
            return None
        return (self.ack.occurred_at - self.row.taken_at).total_seconds() / 60


@dataclass(frozen=True)
class AlarmReport:
    sessions: int
    """The per-100 denominator: sessions opened in the period with at least one set of vital signs."""
    protocol_versions: tuple[str, ...]
    figures: tuple[Figure, ...]
    listings: tuple[Listing, ...]
    alarms: tuple[Alarm, ...]

    def section(self, name: str) -> list[Figure]:
        return [f for f in self.figures if f.section == name]

    def find(self, key: str, measure: str | None = None) -> Figure:
        for figure in self.figures:
            if figure.key == key and (measure is None or figure.measure == measure):
                return figure
        raise KeyError((key, measure))

    def listing(self, title: str) -> Listing:
        return next(listing for listing in self.listings if listing.title == title)


def nearest_rank(values: Sequence[float], share: float) -> float:
    """The value ``share`` of the sorted values reach (nearest rank): 90 % of 10 waits is the 9th."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]


def alarm_report(
    rows: AlarmRows,
    protocols: Mapping[str, Protocol],
    names: Mapping[str, str] | None = None,
) -> AlarmReport:
    """The alarm figures over ``rows``; ``protocols`` by SHA-256 (every session's, as the care service reads
    them from its shelf; a session whose protocol is not among them is read under the first given), ``names``
    of the staff by id (ids are shown where a name is missing)."""
    named = _namer(names or {})
    n = len(rows.opened_with_sets)
    first_ack: dict[str, AckRow] = {}
    for ack in sorted(rows.acks, key=lambda a: a.occurred_at):
        first_ack.setdefault(ack.alert_event_id, ack)
    acted = {(a.alert_event_id, a.kind) for a in rows.acted if a.alert_event_id}
    adverse_at: dict[str, list[datetime]] = defaultdict(list)
    for event in rows.adverse:
        adverse_at[event.session_id].append(event.occurred_at)

    denominator = _denominator(rows)
    covered = {  # the denominator's versions, each at its latest session
        version: (session.opened_at, _protocol_of(session, protocols))
        for version, session in _latest_of_versions(denominator).items()
    }
    every = rows.every_set()
    sets = rows.in_order
    fired_by, unexplained = limits_fired(every, sets, lambda sid: _protocol_of(rows.sessions.get(sid), protocols))
    base_of = _alarm_baselines(every, sets)
    alarms: list[Alarm] = []
    for row in rows.sets:
        if not row.act or not rows.in_period(row):
            continue
        session = rows.sessions.get(row.session_id)
        protocol = _protocol_of(session, protocols)
        findings = fired(protocol, row, base_of.get(packed_id(row.id), {}))
        alarms.append(
            Alarm(
                row,
                session,
                tuple((v, lim) for v, t, lim in findings if t is Tier.ACT),
                first_ack.get(row.id),
                (row.id, "pause") in acted,
                (row.id, "stop") in acted,
                any(at > row.taken_at for at in adverse_at.get(row.session_id, ())),
                row.id in rows.corrected,
                _alarm_words(protocol, row, findings),
            )
        )
    flagged = _flagged(every)
    alarms.sort(key=lambda a: (a.row.taken_at, a.row.id))
    newest = max(covered.values(), key=lambda c: c[0])[1] if covered else next(iter(protocols.values()), None)
    versions = tuple(sorted(covered))

    figures: list[Figure] = [
        rate("alarms", ALARMS, "Act-now alarms", len(alarms), n, ALARM_RATE, note=_corrected_note(alarms)),
        *_limit_figures(Tier.ACT, fired_by, unexplained, n, newest, covered),
        rate("flags", FLAGS, "Sets with an advisory flag", len(flagged), n, FLAG_RATE),
        *_limit_figures(Tier.ADVISE, fired_by, unexplained, n, newest, covered),
        *_answer_figures(alarms),
        *_action_figures(alarms, newest),
        *_led_to(alarms),
        *_breakdowns(rows, denominator, [(a.row.session_id, a.row.recorded_by) for a in alarms], flagged, named),
    ]
    listings = (_slowest(alarms, named), _never(alarms, named))
    return AlarmReport(n, versions, tuple(figures), listings, tuple(alarms))


_VERSION = attrgetter("protocol_version")
_OPENED = attrgetter("opened_at")
_CHAIR_AND_VERSION = attrgetter("chair", "protocol_version")


def _denominator(rows: AlarmRows) -> list[SessionRow]:
    """The rows of the sessions of the rates' denominator, each once, in the order opened (as they were read),
    those not read left out. Taken by the functions the interpreter runs itself, never a session at a time in
    Python: ten years are 290,000 sessions, and each looked at in turn cost a fifth of a second."""
    return list(filter(None, map(rows.sessions.get, dict.fromkeys(rows.opened_with_sets))))


def _latest_of_versions(sessions: Sequence[SessionRow]) -> dict[str, SessionRow]:
    """Each protocol version of ``sessions`` (in the order first met) with its latest session (the first met
    of those opened at the same moment): the sessions sorted latest first, the order kept among equals, and
    each version's first there taken (a dict made from pairs keeps a key's last value, so they go in
    reversed)."""
    latest = sorted(sessions, key=_OPENED, reverse=True)
    first = dict(zip(map(_VERSION, reversed(latest)), reversed(latest), strict=True))
    return {version: first[version] for version in dict.fromkeys(map(_VERSION, sessions))}


def _alarm_baselines(every: SetColumns, sets: Ordered) -> dict[bytes, dict[VitalKind, float]]:
    """The baseline of each alarm of the period (by its packed id), as ``core.quality.rows.baselines_of``
    folds it: what its findings are explained against."""
    import numpy as np  # late: the report's arrays load with the first report

    at = np.flatnonzero((every.in_period & every.alarmed)[sets.order])
    return {
        set_id: {kind: value for kind, value in zip(VITALS, bases, strict=True) if not math.isnan(value)}
        for set_id, bases in zip(every.ids[sets.order[at]].tolist(), sets.bases[at].tolist(), strict=True)
    }


def _flagged(every: SetColumns) -> list[tuple[str, str]]:
    """The sets of the period with an advisory finding and none act-now, each as its session and who
    recorded it."""

    at = every.in_period & every.flagged & ~every.alarmed
    words = every.words
    return [
        (words[session], words[nurse])
        for session, nurse in zip(every.sessions[at].tolist(), every.nurses[at].tolist(), strict=True)
    ]


def _namer(names: Mapping[str, str]) -> Callable[[str], str]:
    return lambda staff_id: names.get(staff_id, staff_id)


def _protocol_of(session: SessionRow | None, protocols: Mapping[str, Protocol]) -> Protocol:
    if session is not None and session.protocol_hash in protocols:
        return protocols[session.protocol_hash]
    return next(iter(protocols.values()))


def _corrected_note(alarms: Sequence[Alarm]) -> str:
    count = sum(1 for a in alarms if a.corrected)
    if not count:
        return ""
    sets = "set was" if count == 1 else "sets were"
    return f"{count} alarming {sets} corrected afterwards; each still fired and is counted."


def _limit_figures(
    tier: Tier,
    fired_by: Counter[Limit],
    unexplained: Counter[Tier],
    n: int,
    newest: Protocol | None,
    covered: Mapping[str, tuple[datetime, Protocol]],
) -> list[Figure]:
    section = ALARMS if tier is Tier.ACT else FLAGS
    known = [lim for p in (c[1] for c in covered.values()) for lim in limits_of(p)]
    if newest is not None:
        known += limits_of(newest)
    limits = in_order([lim for lim in [*known, *fired_by] if lim.tier is tier])
    figures = []
    for limit in limits:
        words = limit.words(newest) if newest is not None else limit.key
        others = sorted(
            {
                f"{version}: {_bound(limit, p)}"
                for version, (_, p) in covered.items()
                if newest is not None and limit.value(p) != limit.value(newest)
            }
        )
        note = f"Other versions in the period: {'; '.join(others)}." if others else ""
        figures.append(rate(limit.key, section, words, fired_by[limit], n, LIMIT_FIRED, note=note))
    if unexplained[tier]:
        measure = f"{TIER_WORDS[tier].capitalize()} findings no limit explains"
        figures.append(rate(f"unexplained_{tier.value}", section, measure, unexplained[tier], n, UNEXPLAINED))
    return figures


def _bound(limit: Limit, protocol: Protocol) -> str:
    value = limit.value(protocol)
    return "none" if value is None else f"{value.normalize():f}"


def _minutes_figure(key: str, measure: str, value: float | None, count: int, method: str) -> Figure:
    return Figure(key, ANSWER, measure, "", None, count, value, MINUTES, None, None, method, WAIT)


def _answer_figures(alarms: Sequence[Alarm]) -> list[Figure]:
    waits = [m for a in alarms if (m := a.minutes) is not None]
    n = len(waits)
    median = statistics.median(waits) if waits else None
    p90 = nearest_rank(waits, 0.9) if waits else None
    longest = max(waits) if waits else None
    return [
        _minutes_figure("ack_median", "Time to acknowledge: median", median, n, "median"),
        _minutes_figure("ack_p90", "Time to acknowledge: 90th percentile", p90, n, "nearest rank"),
        _minutes_figure("ack_longest", "Time to acknowledge: longest", longest, n, "longest"),
        proportion(
            "never_acknowledged",
            ANSWER,
            "Never acknowledged",
            len(alarms) - len(waits),
            len(alarms),
            NEVER,
            interval=False,
        ),
    ]


def _action_figures(alarms: Sequence[Alarm], newest: Protocol | None) -> list[Figure]:
    acks = [a.ack for a in alarms if a.ack is not None]
    labels: dict[str, str] = {a.id: a.label for a in newest.alert_response.actions} if newest else {}
    counts: Counter[str] = Counter()
    free = 0
    for ack in acks:
        if not ack.actions:
            free += 1
        said = (
            dict(zip(ack.actions, ack.action_labels, strict=True)) if len(ack.action_labels) == len(ack.actions) else {}
        )
        for action in ack.actions:
            counts[action] += 1
            labels.setdefault(action, said.get(action, action))
    order = [a for a in labels if counts[a]]
    figures = [
        proportion(f"action:{action}", ACTIONS, labels[action], counts[action], len(acks), ACTION, interval=False)
        for action in order
    ]
    if free:
        figures.append(proportion("action:free_text", ACTIONS, FREE_TEXT, free, len(acks), ACTION, interval=False))
    return figures


def _led_to(alarms: Sequence[Alarm]) -> list[Figure]:
    n = len(alarms)
    return [
        proportion(
            "led_to_pause", LED_TO, "Infusion paused", sum(a.paused for a in alarms), n, LED["pause"], interval=False
        ),
        proportion(
            "led_to_stop",
            LED_TO,
            "Infusion stopped early",
            sum(a.stopped for a in alarms),
            n,
            LED["stop"],
            interval=False,
        ),
        proportion(
            "led_to_adverse",
            LED_TO,
            "Adverse event later in the session",
            sum(a.adverse for a in alarms),
            n,
            LED["adverse"],
            interval=False,
        ),
    ]


def _group_figures(
    section: str,
    groups: Mapping[str, int],
    alarm_count: Mapping[str, int],
    flag_count: Mapping[str, int],
    label: Callable[[str], str],
) -> list[Figure]:
    """Alarms and advisory flags per 100 sessions for each group (chair, nurse or version), its
    denominator the group's sessions (``groups``: how many each has); the alarms and the flags counted by
    group."""
    figures = []
    for group in sorted(groups, key=_natural):
        n = groups[group]
        figures.append(
            rate(
                f"{section}:alarms",
                section,
                f"{label(group)}: act-now alarms",
                alarm_count.get(group, 0),
                n,
                PER_GROUP[section],
            )
        )
        figures.append(
            rate(
                f"{section}:flags",
                section,
                f"{label(group)}: advisory flags",
                flag_count.get(group, 0),
                n,
                PER_GROUP[section],
            )
        )
    return figures


PER_GROUP = {
    BY_CHAIR: "Sets of the chair's sessions (alarms, or advisory flags) × 100 ÷ its sessions opened in the period "
    "with a set of vital signs.",
    BY_NURSE: "Sets the nurse recorded (alarms, or advisory flags) × 100 ÷ the period's sessions in which she "
    "recorded a set.",
    BY_VERSION: "Sets of sessions under the version × 100 ÷ its sessions opened in the period with a set of vital "
    "signs.",
}


def _natural(text: str) -> tuple[int, str]:
    return (int(text), "") if text.isdigit() else (1 << 30, text)


def _breakdowns(
    rows: AlarmRows,
    denominator: Sequence[SessionRow],
    alarms: Sequence[tuple[str, str]],
    flagged: Sequence[tuple[str, str]],
    named: Callable[[str], str],
) -> list[Figure]:
    """The alarms and the advisory flags by chair, nurse and protocol version; each set given as its session
    and who recorded it. Each session of the ``denominator`` is looked at once, not once a group, and in the
    order opened, the order its row was read in: ten years are 290,000 sessions, and looked at in a set's
    order, each one somewhere else in memory, they took twice as long."""
    sessions = rows.sessions
    chairs, versions = _by_chair_and_version(Counter(map(_CHAIR_AND_VERSION, denominator)))
    nurses = rows.sessions_recorded_in(dict.fromkeys(rows.opened_with_sets).keys())

    def counted(sets: Sequence[tuple[str, str]]) -> tuple[Counter[str], Counter[str], Counter[str]]:
        """The sets counted by chair, by nurse and by version (a session not read counts under "?")."""
        of_sessions = Counter(session_id for session_id, _ in sets)
        found: Counter[tuple[int | str, str]] = Counter()
        for session_id, n in of_sessions.items():
            s = sessions.get(session_id)
            found[(s.chair, s.protocol_version) if s else ("?", "?")] += n
        by_chair, by_version = _by_chair_and_version(found)
        return by_chair, Counter(who for _, who in sets), by_version

    alarm_counts, flag_counts = counted(alarms), counted(flagged)
    figures = []
    for n, (section, groups, label) in enumerate(
        (
            (BY_CHAIR, chairs, lambda g: f"Chair {g}"),
            (BY_NURSE, nurses, named),
            (BY_VERSION, versions, lambda g: f"Version {g}"),
        )
    ):
        figures += _group_figures(section, groups, alarm_counts[n], flag_counts[n], label)
    return figures


def _by_chair_and_version(pairs: Mapping[tuple[int | str, str], int]) -> tuple[Counter[str], Counter[str]]:
    """Counts by (chair, protocol version) summed by chair (as text) and by version."""
    chairs: Counter[str] = Counter()
    versions: Counter[str] = Counter()
    for (chair, version), n in pairs.items():
        chairs[str(chair)] += n
        versions[version] += n
    return chairs, versions


LISTING_COLUMNS = ("Fired (UTC)", "Session", "Chair", "Alarm", "Minutes", "Set recorded by", "Acknowledged by")
SLOWEST_TITLE = "Slowest acknowledgements (at or above the 90th percentile)"
NEVER_TITLE = "Alarms never acknowledged"


def _alarm_words(protocol: Protocol, row: SetRow, findings: Sequence[tuple[VitalKind, Tier, Limit | None]]) -> str:
    said = []
    for vital, tier, limit in findings:
        if tier is not Tier.ACT:
            continue
        value = row.values[VITALS.index(vital)]
        label = protocol.vitals[vital].label if vital in protocol.vitals else vital.value
        reading = "" if value is None else f" {value:g}"
        why = "limit not explained" if limit is None else limit.words(protocol).split(": ", 1)[-1]
        said.append(f"{label}{reading} ({why})")
    return "; ".join(said)


def _listed(alarms: Sequence[Alarm], title: str, named: Callable[[str], str]) -> Listing:
    rows = []
    for a in alarms:
        minutes = a.minutes
        rows.append(
            (
                a.row.taken_at.strftime("%Y-%m-%d %H:%M"),
                a.row.session_id,
                str(a.session.chair) if a.session else "?",
                a.words,
                "—" if minutes is None else f"{minutes:.1f}",
                named(a.row.recorded_by),
                named(a.ack.recorded_by) if a.ack else "—",
            )
        )
    patients = tuple(a.session.patient_id if a.session else "" for a in alarms)
    return Listing(title, LISTING_COLUMNS, tuple(rows), patients)


def _slowest(alarms: Sequence[Alarm], named: Callable[[str], str]) -> Listing:
    answered = [a for a in alarms if a.minutes is not None]
    if not answered:
        return _listed([], SLOWEST_TITLE, named)
    p90 = nearest_rank([a.minutes for a in answered if a.minutes is not None], 0.9)
    slow = sorted((a for a in answered if (a.minutes or 0) >= p90), key=lambda a: -(a.minutes or 0))
    return _listed(slow[:SLOWEST], SLOWEST_TITLE, named)


def _never(alarms: Sequence[Alarm], named: Callable[[str], str]) -> Listing:
    return _listed([a for a in alarms if a.ack is None], NEVER_TITLE, named)
