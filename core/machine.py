"""Which step of care may follow which: a small explicit table a clinical reviewer can read.

The session moves identify → screen → weigh → dose → second-nurse check → infuse → observe →
discharge → sign, then takes only signed addenda. ``allowed`` answers "may this happen now?" from the
step alone; rules that also need time or values (the countdown reaching zero, the minimum observation,
the drug drawn up) live in ``session_state``.
"""

from __future__ import annotations

from enum import StrEnum

from core.events import EventType as E


class Step(StrEnum):
    SCREEN = "screen"
    WEIGH = "weigh"
    DOSE = "dose"
    CHECK = "check"
    READY = "ready"  # checked, infusion not yet started
    INFUSING = "infusing"
    PAUSED = "paused"
    OBSERVE = "observe"
    SIGN = "sign"
    DONE = "done"

    @property
    def active(self) -> bool:
        """The session still occupies its chair."""
        return self is not Step.DONE


class Outcome(StrEnum):
    IN_PROGRESS = "in progress"
    NOT_TREATED = "not treated"
    COMPLETED = "completed"
    STOPPED_EARLY = "stopped early"


_ANYTIME = {E.CORRECTED}
# Wherever vitals can be recorded, an alert they raise can be acknowledged.
_BEFORE_START = {E.VITALS, E.ALERT_ACKNOWLEDGED, E.SIDE_EFFECTS, E.ADVERSE_EVENT, E.ABANDONED}
_DRUG_IN_HAND = {E.DRAWN, E.WASTED, E.RETURNED}
_DURING = {E.VITALS, E.SIDE_EFFECTS, E.ADVERSE_EVENT, E.ALERT_ACKNOWLEDGED, E.PUMP_CONFIRMED, E.STOPPED_EARLY}
_VIAL_REST = {E.WASTED, E.RETURNED}
"""What is left in a vial may be wasted or returned to stock until the session is signed."""

TRANSITIONS: dict[Step, set[E]] = {
    Step.SCREEN: {E.SCREENED, E.ABANDONED},
    Step.WEIGH: {E.WEIGHED} | _BEFORE_START,
    Step.DOSE: {E.DOSE_CALCULATED, E.WEIGHED} | _BEFORE_START,
    Step.CHECK: {E.CHECKED, E.DOSE_CALCULATED, E.WEIGHED} | _BEFORE_START | _DRUG_IN_HAND,
    Step.READY: {E.STARTED, E.WEIGHED, E.DOSE_CALCULATED, E.PUMP_PROGRAMMED} | _BEFORE_START | _DRUG_IN_HAND,
    Step.INFUSING: {E.PAUSED, E.COMPLETED, E.RETURNED} | _DURING,
    Step.PAUSED: {E.RESUMED, E.RETURNED} | _DURING,
    Step.OBSERVE: {E.VITALS, E.SIDE_EFFECTS, E.ADVERSE_EVENT, E.ALERT_ACKNOWLEDGED, E.DISCHARGED} | _VIAL_REST,
    Step.SIGN: {E.SIGNED, E.SIDE_EFFECTS, E.ADVERSE_EVENT, E.VITALS, E.ALERT_ACKNOWLEDGED} | _VIAL_REST,
    Step.DONE: {E.ADDENDUM},  # a signed session is read-only: later information is a signed addendum
}


def allowed(step: Step) -> frozenset[E]:
    extra = _ANYTIME if step is not Step.DONE else set()
    return frozenset(TRANSITIONS[step] | extra)


def next_step(step: Step, event: E, *, check_passed: bool = False, screening_stopped: bool = False) -> Step:
    """The step after ``event``; callers have already checked the event is allowed."""
    match event:
        case E.SCREENED:
            return Step.SIGN if screening_stopped else Step.WEIGH
        case E.WEIGHED:
            return Step.DOSE
        case E.DOSE_CALCULATED:
            return Step.CHECK
        case E.CHECKED:
            return Step.READY if check_passed else Step.CHECK
        case E.STARTED | E.RESUMED:
            return Step.INFUSING
        case E.PAUSED:
            return Step.PAUSED
        case E.COMPLETED | E.STOPPED_EARLY:
            return Step.OBSERVE
        case E.ABANDONED | E.DISCHARGED:
            return Step.SIGN
        case E.SIGNED:
            return Step.DONE
    return step
