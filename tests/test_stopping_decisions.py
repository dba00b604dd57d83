"""Decisions that stop care are confirmed, and a session without treatment is signed and printed as such.

A screening answer that stops treatment is recorded only once the nurse confirms it (nothing before);
every question is worded so that "No" is the safe answer; the session then is signed "not treated —
reviewed", never "administered", and its summary says no drug was given.
"""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader

from core import audit
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.errors import InputError
from core.events import EventType as E
from core.identify import Identified
from core.machine import Outcome, Step
from core.protocol import Protocol
from core.reports.session_summary import Printing, session_summary
from core.screening import StopToConfirm, stop_rule, stops
from core.signatures import Meaning
from tests.helpers.answers import SCREEN_OK
from tests.helpers.people import ANA_PASSWORD
from tests.helpers.sessions import seen, signed

PRINTING = Printing("Test clinic", "A4", "2026-11-26 16:05", "Ben Okafor")


def seat(care: Care, patient, nurses) -> str:
    return care.open_session(patient.id, 1, nurses[0].id, Identified(name=True, mrn=patient.mrn)).session_id


def screenings(care: Care, sid: str) -> list:
    return [e for e in care.state(sid).events if e.type is E.SCREENED]


def test_every_question_is_worded_so_that_no_is_the_safe_answer(protocol: Protocol):
    """A column of "No" never hides the one question where "No" stops treatment (the old escort question)."""
    for question in protocol.screening.questions:
        assert not stops(question, "no"), question.text
        assert stops(question, "yes") and stops(question, "unknown"), question.text
    assert stop_rule(protocol.screening.questions) == "“Yes” or “Unknown” to any question stops treatment today."
    escort = next(q for q in protocol.screening.questions if q.id == "no_escort")
    assert "without a responsible adult escort" in escort.text


def test_questions_that_differ_say_each_their_own_stopping_answer(protocol: Protocol):
    questions = protocol.screening.questions
    mixed = [questions[0], questions[-1].model_copy(update={"stop_if": ["no", "unknown"]})]
    assert stop_rule(mixed) == ""  # the page then says it beside each question


def test_a_one_tap_stop_needs_confirmation_and_nothing_is_recorded_before(care: Care, patient, nurses, database):
    sid = seat(care, patient, nurses)
    lines_before = len(audit.entries(database))
    answers = {**SCREEN_OK, "no_escort": "yes"}  # one "Yes" in a column of "No"
    with pytest.raises(StopToConfirm) as asked:
        care.screen(sid, answers, nurses[0].id)
    assert asked.value.reasons == ["Will the patient go home without a responsible adult escort? — Yes"]
    assert "Confirm" in asked.value.advice
    state = care.state(sid)
    assert screenings(care, sid) == [] and state.step is Step.SCREEN and state.outcome is Outcome.IN_PROGRESS
    assert len(audit.entries(database)) == lines_before  # nothing stored at all

    state = care.screen(sid, answers, nurses[0].id, confirm_stop=True)
    (record,) = screenings(care, sid)
    assert record.payload["stop_confirmed"] is True
    assert record.payload["stopped_by"] == ["no_escort"]
    assert record.payload["questions"]["no_escort"] == "Will the patient go home without a responsible adult escort?"
    assert state.outcome is Outcome.NOT_TREATED and state.step is Step.SIGN
    written = [e for e in audit.entries(database) if e.action == AuditAction.RECORD_WRITTEN]
    assert [e.detail["type"] for e in written].count(E.SCREENED.value) == 1


def test_safe_answers_need_no_confirmation_and_say_nothing_stopped(care: Care, patient, nurses):
    sid = seat(care, patient, nurses)
    state = care.screen(sid, SCREEN_OK, nurses[0].id)
    (record,) = screenings(care, sid)
    assert record.payload["stop_confirmed"] is False and record.payload["stopped_by"] == []
    assert state.step is Step.WEIGH


def test_an_unanswered_question_is_asked_for_before_any_stop_is_confirmed(care: Care, patient, nurses):
    sid = seat(care, patient, nurses)
    answers = {key: value for key, value in {**SCREEN_OK, "allergy": "yes"}.items() if key != "liver"}
    with pytest.raises(InputError) as caught:
        care.screen(sid, answers, nurses[0].id)
    assert caught.value.field == "screening.liver"
    assert screenings(care, sid) == []


def test_a_not_treated_session_is_signed_as_reviewed_and_its_summary_says_no_drug_was_given(
    care: Care, patient, nurses, database
):
    first, _ = nurses
    sid = seat(care, patient, nurses)
    care.screen(sid, {**SCREEN_OK, "pregnancy": "unknown"}, first.id, confirm_stop=True)
    state = care.sign(sid, first.id, ANA_PASSWORD, seen_seq=seen(care, sid))
    (signature,) = state.signatures
    assert signature.meaning is Meaning.NOT_TREATED_REVIEWED
    assert signature.meaning.value == "not treated — reviewed"
    (line,) = [e for e in audit.entries(database) if e.action == AuditAction.SIGNATURE]
    assert line.detail["meaning"] == "not treated — reviewed"
    words = " ".join(
        " ".join(p.extract_text().split())
        for p in PdfReader(BytesIO(session_summary(care.session_snapshot(sid), PRINTING))).pages
    )
    assert "No drug was given in this session." in words
    assert "administered" not in words


def test_a_session_ended_before_the_infusion_is_signed_as_reviewed_too(care: Care, patient, nurses):
    first, _ = nurses
    sid = seat(care, patient, nurses)
    care.screen(sid, SCREEN_OK, first.id)
    care.abandon(sid, "patient felt unwell in the waiting room", first.id)
    state = care.sign(sid, first.id, ANA_PASSWORD, seen_seq=seen(care, sid))
    assert [s.meaning for s in state.signatures] == [Meaning.NOT_TREATED_REVIEWED]


def test_a_treated_session_is_still_signed_as_administered(care: Care, patient, nurses, clock: ManualClock):
    sid = signed(care, patient, nurses, clock)
    session = [s for s in care.state(sid).signatures if s.subject == "the session"]
    assert [s.meaning for s in session] == [Meaning.ADMINISTERED]
