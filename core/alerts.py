"""Acknowledging an act-now alarm: what it offers, what it asks, and what it refuses.

The protocol's ``alert_response`` lists the actions a nurse may name and the symptom questions to ask,
each tied (or not) to the vitals that alarmed. An acknowledgement names at least one action and answers
every question yes or no: an alarm silenced with nothing done, or with a symptom left unasked, is the
failure this exists to prevent (a raised blood pressure with a headache or chest pain is not the same
finding as one without).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from core.errors import InputError
from core.event_data import AlertAcknowledged, Recheck
from core.machine import Step
from core.protocol import AlertAction, AlertEffect, Protocol, SymptomQuestion
from core.session_state import OpenAlert

SYMPTOM_ANSWERS = ("yes", "no")
RECHECK_WORDS = "Recheck after the alert"
"""The set of vital signs every acknowledgement makes due, when the nurse did not name the recheck herself."""
INFUSION_RUNS = frozenset({Step.INFUSING, Step.PAUSED})
"""Steps in which there is an infusion to pause or stop."""


def _concerns(vitals: list[Any] | None, alert: OpenAlert) -> bool:
    return vitals is None or any(kind in vitals for kind in alert.vitals)


def alert_actions(protocol: Protocol, alert: OpenAlert, step: Step) -> list[AlertAction]:
    """The actions to offer for this alarm now: pausing or stopping only while there is an infusion."""
    return [
        action
        for action in protocol.alert_response.actions
        if _concerns(action.vitals, alert)
        and (action.effect not in {AlertEffect.PAUSE, AlertEffect.STOP} or step in INFUSION_RUNS)
    ]


def symptom_questions(protocol: Protocol, alert: OpenAlert) -> list[SymptomQuestion]:
    """The questions to ask the patient for the vitals that alarmed."""
    return [question for question in protocol.alert_response.symptoms if _concerns(question.vitals, alert)]


@dataclass(frozen=True)
class Acknowledgement:
    """An acknowledgement that passed every check, ready to record."""

    alert: OpenAlert
    actions: tuple[AlertAction, ...]
    symptoms: dict[str, str]
    note: str | None
    recheck_minutes: int | None

    def has(self, effect: AlertEffect) -> bool:
        return any(action.effect is effect for action in self.actions)

    @property
    def reason(self) -> str:
        """Why the infusion was paused or stopped, in the words the pause line and the tile show."""
        return "Act-now alert: " + "; ".join(self.alert.findings)

    def record(self) -> AlertAcknowledged:
        recheck = next((a for a in self.actions if a.effect is AlertEffect.RECHECK), None)
        label = recheck.label if recheck else RECHECK_WORDS
        return AlertAcknowledged(
            alert_event_id=self.alert.event_id,
            findings=self.alert.findings,
            actions=tuple(action.id for action in self.actions),
            action_labels=tuple(action.label for action in self.actions),
            symptoms=self.symptoms,
            symptoms_present=tuple(question for question, answer in self.symptoms.items() if answer == "yes"),
            note=self.note,
            recheck=Recheck(self.recheck_minutes, label) if self.recheck_minutes else None,
        )


def check_acknowledgement(
    protocol: Protocol,
    alert: OpenAlert,
    step: Step,
    actions: Collection[str],
    symptoms: Mapping[str, str],
    note: str = "",
) -> Acknowledgement:
    """The acknowledgement if it is complete; otherwise an InputError naming what to fix."""
    offered = {action.id: action for action in alert_actions(protocol, alert, step)}
    chosen = [offered[action_id] for action_id in offered if action_id in actions]
    not_offered = [action_id for action_id in actions if action_id not in offered]
    if not_offered:
        raise InputError(
            "actions",
            f"“{', '.join(not_offered)}” cannot be recorded for this alert now.",
            "Choose from the actions shown (pausing or stopping only while there is an infusion).",
        )
    if not chosen:
        raise InputError("actions", "Choose the action taken for this alert.", "Choose all that apply.")
    words = (note or "").strip()
    needing = [action.label for action in chosen if action.needs_note]
    if needing and not words:
        raise InputError("note", f"Say what was done for “{needing[0]}”.", "Write it in the note.")
    answers: dict[str, str] = {}
    for question in symptom_questions(protocol, alert):
        answer = symptoms.get(question.id)
        if answer not in SYMPTOM_ANSWERS:
            raise InputError(f"symptoms.{question.id}", f"Ask the patient: {question.text}", "Answer yes or no.")
        answers[question.id] = answer
    # Whatever was done (a pause and a call to the prescriber too), the patient is measured again within the
    # protocol's recheck time: an acknowledged alarm never leaves a chair with nothing due.
    recheck = protocol.alert_response.recheck_minutes
    return Acknowledgement(alert, tuple(chosen), answers, words or None, recheck)
