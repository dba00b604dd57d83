"""``session_at`` reaches the step it is asked for: tests that start from it can trust where they start,
and a change to the path of care that moves a step shows here first, not as a puzzling failure elsewhere."""

from __future__ import annotations

import pytest

from core.care import Care
from core.machine import Step
from core.people import Account
from core.views import PatientView
from tests.helpers.sessions import session_at


@pytest.mark.parametrize("step", list(Step))
def test_a_session_can_be_put_at_every_step(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], step: Step
) -> None:
    sid = session_at(care, patient, nurses, step)
    assert care.state(sid).step is step


def test_a_session_put_on_another_chair_is_on_that_chair(
    care: Care, patient: PatientView, nurses: tuple[Account, Account]
) -> None:
    sid = session_at(care, patient, nurses, Step.INFUSING, chair=4)
    assert [(seated.chair, seated.state.session_id) for seated in care.chairs()] == [(4, sid)]
