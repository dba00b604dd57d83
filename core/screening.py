"""Which screening questions a session asks, and the record of the answers.

The protocol splits screening in two (clinical reference 2.9): a checklist of contraindications
answered before the first session of a course, and a quick re-check at every session. "First" is the
first session of the course in which no infusion has yet run, not day 1: when day 1 was missed, or its
screening stopped treatment, the checklist still has to be answered before the first infusion.
"""

from __future__ import annotations

from typing import Any

from core.errors import InputError
from core.protocol import Asked, Protocol, ScreeningQuestion
from core.session_state import SessionState

ANSWERS = frozenset({"yes", "no", "unknown"})


def starts_course(state: SessionState) -> bool:
    """No earlier infusion in this course (or no course recorded, when everything is asked)."""
    if state.course_day is None:
        return True
    earlier_infusions = state.course_day - 1 - len(state.missed_days)
    return earlier_infusions <= 0


def questions_for(protocol: Protocol, state: SessionState) -> list[ScreeningQuestion]:
    """The questions this session asks, in the protocol's order."""
    first = starts_course(state)
    return [q for q in protocol.screening.questions if q.asked is Asked.EVERY_SESSION or first]


def screening_record(protocol: Protocol, state: SessionState, answers: dict[str, str]) -> dict[str, Any]:
    """The payload of the screening: every question this session asks must be answered. Answers to
    questions it does not ask are not recorded, since nobody asked them."""
    asked = questions_for(protocol, state)
    for question in asked:
        if answers.get(question.id) not in ANSWERS:
            raise InputError(f"screening.{question.id}", f"Answer: {question.text}")
    stops = [f"{q.text} — {answers[q.id]}" for q in asked if answers[q.id] in q.stop_if]
    return {
        "course_start": starts_course(state),
        "answers": {q.id: answers[q.id] for q in asked},
        "stop_reasons": stops,
    }
