"""What an entry of care no longer works out twice gives what working it out again gives: the state before an
entry shares the fold its last entry left (nothing was folded since), and a controlled-drug record works out a
vial's rest and what is left unaccounted for once, however often a state asks."""

from __future__ import annotations

from datetime import timedelta

from core.care import Care
from core.clock import ManualClock
from core.machine import Step
from core.people import Account
from core.session_state import derive_state, fold
from core.views import PatientView
from tests.helpers.answers import NORMAL
from tests.helpers.sessions import session_at


def test_the_state_before_an_entry_shares_the_kept_fold_and_equals_the_whole_log_folded_again(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], clock: ManualClock
):
    sid = session_at(care, patient, nurses, Step.INFUSING)
    after, _ = care.record_vitals(sid, NORMAL, nurses[0].id)
    kept = after.folded
    assert kept is not None
    events = list(after.events)
    assert fold(care.protocol, events, kept) is kept  # nothing to fold: the very fold, not a copy
    clock.advance(timedelta(minutes=7))
    shared = derive_state(care.protocol, events, clock.now(), care.app_started_at, kept)
    again = derive_state(care.protocol, events, clock.now(), care.app_started_at)
    assert shared == again
    assert shared.controlled.vial_problem == again.controlled.vial_problem
    assert kept.count == len(events)  # the kept fold was not changed by being shared


def test_one_more_entry_is_folded_on_a_copy_and_the_kept_fold_stays_as_it_was(
    care: Care, patient: PatientView, nurses: tuple[Account, Account]
):
    sid = session_at(care, patient, nurses, Step.INFUSING)
    first, _ = care.record_vitals(sid, NORMAL, nurses[0].id)
    kept = first.folded
    assert kept is not None
    count, sets = kept.count, list(kept.sets_taken)
    second = care.pause(sid, "line check", nurses[0].id)
    assert second.folded is not kept
    assert (kept.count, kept.sets_taken) == (count, sets)
    assert second.step is Step.PAUSED


def test_a_vials_rest_worked_out_once_is_what_working_it_out_gives(
    care: Care, patient: PatientView, nurses: tuple[Account, Account]
):
    sid = session_at(care, patient, nurses, Step.INFUSING)
    record = care.state(sid).controlled
    for vial in record.vials:
        asked = vial.left_mg
        assert vial.left_mg is asked  # kept
        assert asked == type(vial)(vial.drawn, vial.rest_mg, vial.wasted_mg, vial.returned_mg, vial.step).left_mg
    problem = record.vial_problem
    assert record.vial_problem is problem
    assert problem == type(record)(*(getattr(record, f) for f in record.__dataclass_fields__)).vial_problem
