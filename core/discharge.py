"""Discharge agrees with the record: which criteria the latest side-effect grades and vital signs contradict.

The protocol's ``[discharge_contradictions]`` says, for each discharge criterion, which side-effect items
(above which grade) and which vital-sign tiers deny it. The record is read as it stands: the latest grade
of every item, whichever check recorded it, and the latest set of vital signs. A contradicted criterion
cannot be ticked; the discharge then needs the prescriber's override, her name and the reason.

The vital signs are read as a schedule too: the schedule's last set is the one taken before discharge
(REFERENCE 3.4, "pre-discharge set"; the session's state holds the discharge back while it is owed);
sets missed on the way are said beside the discharge (and on paper), without stopping it: they cannot be
taken now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.dates import local_time
from core.errors import InputError
from core.event_data import ContradictedCriterion, Discharged, SideEffects, VitalsRecorded
from core.events import Event
from core.events import EventType as E
from core.machine import Outcome
from core.protocol import Protocol
from core.session_state import PointStatus, SessionState, VitalsPoint


class DischargeRefused(InputError):
    """Discharge criteria not met, without the prescriber's override (her name and the reason).
    ``problems`` in words; ``contradicted``: what the record denies, as recorded in the refusal's audit line."""

    def __init__(
        self, field: str, message: str, advice: str, problems: list[str], contradicted: list[dict[str, Any]]
    ) -> None:
        super().__init__(field, message, advice)
        self.problems = problems
        self.contradicted = contradicted


@dataclass(frozen=True)
class Contradicted:
    """A criterion the record denies, with what in the record denies it, in words."""

    criterion_id: str
    criterion: str
    findings: tuple[str, ...]

    @property
    def words(self) -> str:
        return f"{self.criterion} — the record shows {'; '.join(self.findings)}"

    def record(self) -> ContradictedCriterion:
        return ContradictedCriterion(self.criterion_id, self.findings)

    def payload(self) -> dict[str, Any]:
        """As the refusal's audit line keeps it."""
        return self.record().to_payload()


def latest_grades(state: SessionState) -> dict[str, tuple[str, Event]]:
    """Each side-effect item's latest grade, and the check that recorded it."""
    latest: dict[str, tuple[str, Event]] = {}
    for event in state.events:
        if event.type is E.SIDE_EFFECTS:
            for item, grade in event.data_as(SideEffects).grades.items():
                latest[item] = (grade, event)
    return latest


def latest_vitals(state: SessionState) -> Event | None:
    return next((e for e in reversed(state.events) if e.type is E.VITALS), None)


def contradictions(protocol: Protocol, state: SessionState) -> tuple[Contradicted, ...]:
    """The discharge criteria the record contradicts now, in the protocol's order."""
    rules = protocol.discharge_contradictions.rules if protocol.discharge_contradictions else []
    texts = {c.id: c.text for c in protocol.discharge.criteria}
    items = {i.id: i.label for i in protocol.side_effects.items}
    grade_ids = [g.id for g in protocol.side_effects.grades]
    grade_words = {g.id: g.label.lower() for g in protocol.side_effects.grades}
    grades = latest_grades(state)
    vitals = latest_vitals(state)
    found: dict[str, list[str]] = {}
    for rule in rules:
        said = found.setdefault(rule.criterion, [])
        floor = grade_ids.index(rule.above_grade) if rule.above_grade in grade_ids else len(grade_ids)
        for item in rule.side_effects:
            grade, event = grades.get(item, (None, None))
            if grade in grade_ids and grade_ids.index(grade) > floor and event is not None:
                said.append(f"{items[item]} {grade_words[grade]} at {local_time(event.occurred_at)}")
        if vitals is not None and rule.vital_tiers:
            for finding in vitals.data_as(VitalsRecorded).findings:
                named = not rule.vitals or finding.vital in rule.vitals
                if named and finding.tier in rule.vital_tiers:
                    said.append(f"{finding.text} at {local_time(vitals.occurred_at)}")
    return tuple(
        Contradicted(criterion, texts[criterion], tuple(dict.fromkeys(said)))
        for criterion, said in found.items()
        if said
    )


def sets_missed(state: SessionState) -> tuple[VitalsPoint, ...]:
    """The scheduled sets of vital signs missed (a later set was taken first), in the schedule's order; not
    the points an early stop never reached (they never fell)."""
    return tuple(p for p in state.vitals if p.status is PointStatus.SKIPPED and p.due_at is not None)


def missed_words(state: SessionState) -> str:
    """The sets of vital signs missed on the way, short, by the time each was due (the summary names them in
    full): said beside the discharge ("" when none was)."""
    missed = sets_missed(state)
    if not missed:
        return ""
    times = [local_time(p.due_at) for p in missed if p.due_at is not None]
    due = f"the sets due {', '.join(times[:-1])} and {times[-1]}" if len(times) > 1 else f"the set due {times[0]}"
    return f"Vital signs missed ({len(missed)}): {due}."


def discharge_event(state: SessionState) -> Event | None:
    return next((e for e in reversed(state.events) if e.type is E.DISCHARGED), None)


def met_by_record(protocol: Protocol, state: SessionState) -> frozenset[str]:
    """The criteria the record shows met: ticked at discharge, and nothing recorded contradicts them now.
    Before discharge, none."""
    event = discharge_event(state)
    if event is None:
        return frozenset()
    ticked = {key for key, value in event.data_as(Discharged).criteria.items() if value}
    denied = {c.criterion_id for c in contradictions(protocol, state)}
    return frozenset(ticked - denied)


def going_home_sheet_allowed(state: SessionState) -> bool:
    """Whether the going-home sheet may be printed now: once a patient who was treated is discharged."""
    return state.outcome is not Outcome.NOT_TREATED and discharge_event(state) is not None
