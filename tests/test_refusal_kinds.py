"""A refusal says which kind it is: not now (the session is elsewhere), not permitted (who asks, or the
rule of independence), or not found. Each is still a NotAllowedError, so nothing that catches refusals
today changes."""

from __future__ import annotations

import pytest

from core.care import Care
from core.errors import NotAllowedError, NotFound, NotNow, NotPermitted
from core.identify import Identified
from core.people import Account
from core.views import PatientView
from tests.helpers.answers import SCREEN_OK
from tests.helpers.people import ANA_PASSWORD


def test_too_early_is_not_now(care: Care, patient: PatientView, nurses: tuple[Account, Account]) -> None:
    first, _ = nurses
    state = care.open_session(patient.id, 1, first.id, Identified(name=True, birth_date=patient.birth_date.isoformat()))
    with pytest.raises(NotNow, match="This cannot be recorded now"):
        care.start_infusion(state.session_id, first.id)
    care.screen(state.session_id, SCREEN_OK, first.id)
    with pytest.raises(NotNow, match="No weight has been recorded"):
        care.preview_dose(state.session_id)


def test_who_asks_decides_not_permitted(
    care: Care, patient: PatientView, nurses: tuple[Account, Account], admin: Account
) -> None:
    first, _ = nurses
    state = care.open_session(patient.id, 1, first.id, Identified(name=True, birth_date=patient.birth_date.isoformat()))
    with pytest.raises(NotPermitted, match="administrator account does not record care"):
        care.screen(state.session_id, SCREEN_OK, admin.id)
    care.screen(state.session_id, SCREEN_OK, first.id)
    care.record_weight(state.session_id, "72.4", "kg", first.id)
    care.confirm_dose(state.session_id, first.id, vial_id="ketamine-10")
    with pytest.raises(NotPermitted, match="cannot also check it"):  # the same nurse on both sides
        care.record_check(state.session_id, "ana", ANA_PASSWORD, "72.4", "36.2", "155.4")


def test_what_is_not_there_is_not_found(care: Care) -> None:
    with pytest.raises(NotFound, match="patient record was not found"):
        care.patient("no-such-patient")
    for kind in (NotNow, NotPermitted, NotFound):
        assert issubclass(kind, NotAllowedError)
