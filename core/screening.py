"""Which screening questions a session asks, and the record of the answers.

The protocol splits screening in two (clinical reference 2.9): a checklist of contraindications
answered before the first session of a course, and a quick re-check at every session. "First" is the
first session of the course in which no infusion has yet run, not day 1: when day 1 was missed, or its
screening stopped treatment, the checklist still has to be answered before the first infusion.
"""

from __future__ import annotations

from core.errors import InputError, NotAllowedError
from core.event_data import Screened
from core.protocol import Asked, Protocol, ScreeningQuestion
from core.session_state import SessionState

ANSWERS = frozenset({"yes", "no", "unknown"})
ANSWER_WORDS = {"yes": "Yes", "no": "No", "unknown": "Unknown"}
"""Each answer as the screen and paper say it, in the order they are offered."""


class StopToConfirm(NotAllowedError):
    """Answers that stop treatment, not yet confirmed by the nurse: nothing was recorded. ``reasons`` are
    the questions and answers that stop it, in words."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(
            "These answers stop treatment today: " + "; ".join(reasons) + ".",
            "Confirm that the patient is not treated today, or go back and change the answer.",
        )
        self.reasons = reasons


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


def stops(question: ScreeningQuestion, answer: str | None) -> bool:
    """Whether this answer to this question stops treatment today."""
    return answer in question.stop_if


def stop_rule(questions: list[ScreeningQuestion]) -> str:
    """Which answers stop treatment, said once when every question shares them (the protocol words its
    questions so), else an empty string: each question then says its own (``stops_if``)."""
    rules = {tuple(q.stop_if) for q in questions}
    if len(rules) != 1:
        return ""
    (rule,) = rules
    return f"{_either(rule)} to any question stops treatment today."


def stops_if(question: ScreeningQuestion) -> str:
    """The question's own stopping answers, for a page whose questions do not all share them."""
    return f"{_either(tuple(question.stop_if))} stops treatment."


def _either(answers: tuple[str, ...]) -> str:
    words = [f"“{ANSWER_WORDS[a]}”" for a in ANSWER_WORDS if a in answers]
    return " or ".join(words) if words else "No answer"


def review(protocol: Protocol, state: SessionState, answers: dict[str, str]) -> list[str]:
    """Every question this session asks must be answered; returns what stops treatment, in words (empty
    when nothing does). Nothing is recorded: the page asks this before it asks for confirmation."""
    asked = questions_for(protocol, state)
    for question in asked:
        if answers.get(question.id) not in ANSWERS:
            raise InputError(f"screening.{question.id}", f"Answer: {question.text}")
    return [f"{q.text} — {ANSWER_WORDS[answers[q.id]]}" for q in asked if stops(q, answers[q.id])]


def screening_record(
    protocol: Protocol, state: SessionState, answers: dict[str, str], *, confirm_stop: bool = False
) -> Screened:
    """The record of the screening: every question this session asks must be answered. Answers to
    questions it does not ask are not recorded, since nobody asked them. Answers that stop treatment are
    recorded only once the nurse has confirmed the stop (``StopToConfirm`` until then); the stop is then
    the record's decision, with the questions as they were worded."""
    reasons = review(protocol, state, answers)
    if reasons and not confirm_stop:
        raise StopToConfirm(reasons)
    asked = questions_for(protocol, state)
    return Screened(
        course_start=starts_course(state),
        answers={q.id: answers[q.id] for q in asked},
        questions={q.id: q.text for q in asked},
        stop_reasons=tuple(reasons),
        stop_confirmed=bool(reasons),
        stopped_by=tuple(q.id for q in asked if stops(q, answers[q.id])),
    )
