"""The follow-up list read from the record: patients registered, one-day courses treated and signed, forms
recorded at the chair and by phone, a contact route, and a second course that ends the first's follow-ups.

Every course here is one day, treated on the day it was ordered (day 0, T0's date), so its windows are:
end of course days 0-3, 3 months days 61-121 (target 91)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import audit
from core.accounts import Accounts
from core.audit import AuditAction
from core.care import Care
from core.clock import ManualClock
from core.errors import InputError, NotPermitted
from core.outcomes.due import NO_CONTACT, Status
from core.people import Account, Role
from tests.helpers.clinic import PRESCRIBER, T0
from tests.helpers.people import TEMPORARY_PASSWORD
from tests.helpers.sessions import signed

pytestmark = pytest.mark.both_stores

PI = {"PAININ9": 4, "PAININ22": 3, "PAININ31": 4, "PAININ34": 3}
ANX_THREE = {"EDANX01": 2, "EDANX40": 2, "EDANX41": None, "EDANX53": 1}
DAY0 = T0.astimezone().date()


def one_day_course(care: Care, nurses, clock: ManualClock, mrn: str, family: str, given: str, chair: int):
    first, _ = nurses
    made = care.register_patient(mrn, family, given, "1975-06-01", by=first.id)
    care.record_course(made.id, PRESCRIBER, clock.now().astimezone().date().isoformat(), "1", by=first.id)
    signed(care, made, nurses, clock, chair=chair)
    return made


def shown(care: Care, **kwargs) -> dict[tuple[str, int, str], tuple[Status, str]]:
    found = care.follow_ups_due(**kwargs)
    return {(i.patient.mrn, i.course_number, i.point_id): (i.status, i.when_words) for i in found.items}


def test_the_list_follows_the_record(care: Care, nurses, clock: ManualClock):
    first, _ = nurses
    ama = one_day_course(care, nurses, clock, "MRN-1", "Osei", "Ama", 1)
    bo = one_day_course(care, nurses, clock, "MRN-2", "Berg", "Bo", 2)
    cy = one_day_course(care, nurses, clock, "MRN-3", "Dahl", "Cy", 3)
    care.record_assessment(ama.id, {"PI_4a_v1.0": PI}, mode="chair", by=first.id)  # after her infusion ended
    care.record_assessment(bo.id, {"ANX_4a_v1.0": ANX_THREE}, mode="chair", by=first.id)  # one item left out
    care.record_contact(ama.id, "+1 216 555 0142", "call", first.id, note="Mornings")

    today = care.follow_ups_due()
    assert today.on == DAY0
    assert shown(care) == {
        ("MRN-1", 1, "end"): (Status.DONE, f"answered {DAY0.isoformat()}: scored (1 of 1 forms)"),
        ("MRN-2", 1, "end"): (Status.DONE, f"answered {DAY0.isoformat()}: not scorable (1 forms, none complete)"),
        ("MRN-3", 1, "end"): (Status.DUE, "window closes in 3 days"),
    }
    contacts = {i.patient.mrn: i.contact for i in today.items}
    assert contacts == {"MRN-1": "+1 216 555 0142 (phone call) — Mornings", "MRN-2": NO_CONTACT, "MRN-3": NO_CONTACT}
    cy_item = today.of(Status.DUE)[0]
    assert (cy_item.patient.name, cy_item.patient.birth_date.isoformat()) == ("DAHL, Cy", "1975-06-01")

    # Day 80: Cy begins a second course, inside his first course's 3-month window (days 61-121).
    clock.advance(timedelta(days=80))
    care.record_course(cy.id, PRESCRIBER, clock.now().astimezone().date().isoformat(), "1", by=first.id)
    signed(care, cy, nurses, clock, chair=3)
    # Day 95: Bo answered by phone on day 93; Ama has not answered; Cy's first course is no longer followed.
    clock.advance(timedelta(days=15))
    day93 = (DAY0 + timedelta(days=93)).isoformat()
    care.record_assessment(bo.id, {"PI_4a_v1.0": PI}, mode="phone", by=first.id, taken_on=day93)
    assert shown(care) == {
        ("MRN-1", 1, "3m"): (Status.OVERDUE, "window closes in 26 days"),
        ("MRN-2", 1, "3m"): (Status.DONE, f"answered {day93}: scored (1 of 1 forms)"),
        ("MRN-3", 2, "end"): (Status.MISSED, "closed 12 days ago"),
    }
    # The same list asked for day 85 shows the record as it stood then: Bo not yet called.
    as_then = shown(care, on=DAY0 + timedelta(days=85))
    assert as_then[("MRN-2", 1, "3m")] == (Status.DUE, "window closes in 36 days")
    assert ("MRN-3", 1, "3m") not in as_then
    assert shown(care, look_back_days=10) == {
        ("MRN-1", 1, "3m"): (Status.OVERDUE, "window closes in 26 days"),
        ("MRN-2", 1, "3m"): (Status.DONE, f"answered {day93}: scored (1 of 1 forms)"),
    }
    # 6 months (days 152-212) open on day 152: 14 days ahead, from day 138.
    clock.advance(timedelta(days=43))
    assert shown(care)[("MRN-1", 1, "6m")] == (Status.UPCOMING, "opens in 14 days")


def test_a_recorded_contact_route_shows_on_the_list_at_once(care: Care, nurses, clock: ManualClock):
    ama = one_day_course(care, nurses, clock, "MRN-1", "Osei", "Ama", 1)
    assert care.follow_ups_due().items[0].contact == NO_CONTACT
    care.record_contact(ama.id, "(216) 555-0199", "text", nurses[1].id)
    assert care.follow_ups_due().items[0].contact == "(216) 555-0199 (text message)"


def test_a_periods_out_of_range_is_refused_by_its_field(care: Care):
    with pytest.raises(InputError) as refused:
        care.follow_ups_due(look_back_days=-1)
    assert refused.value.field == "look_back_days"


def test_only_a_charge_nurse_reads_it_in_the_app_and_each_reading_is_audited(
    care: Care, accounts: Accounts, admin: Account, nurses, clock: ManualClock
):
    one_day_course(care, nurses, clock, "MRN-1", "Osei", "Ama", 1)
    with pytest.raises(NotPermitted):
        care.view_follow_ups(nurses[0].id)
    helen = accounts.add(admin.id, "Helen Achterberg", "helen", Role.CHARGE_NURSE, TEMPORARY_PASSWORD)
    found = care.view_follow_ups(helen.id)
    assert len(found.items) == 1
    (line,) = [e for e in audit.entries(care.db) if e.action == AuditAction.FOLLOW_UPS_VIEWED]
    assert line.actor_id == helen.id
    assert line.detail == {"date": DAY0.isoformat(), "ahead_days": 14, "look_back_days": 30, "follow_ups_shown": 1}
    assert audit.verify(care.db).ok


def test_a_course_is_numbered_among_all_the_patient_s_courses_though_only_recent_ones_are_read(
    care: Care, nurses, clock: ManualClock
):
    """Di's first course (day 0) is long past by day 300, when her second ends: still course 2."""
    di = one_day_course(care, nurses, clock, "MRN-4", "Eze", "Di", 1)
    clock.advance(timedelta(days=300))
    care.record_course(di.id, PRESCRIBER, clock.now().astimezone().date().isoformat(), "1", by=nurses[0].id)
    signed(care, di, nurses, clock)
    assert shown(care) == {("MRN-4", 2, "end"): (Status.DUE, "window closes in 3 days")}


def test_a_form_answered_on_a_window_s_first_day_counts_while_the_window_is_listed(
    care: Care, nurses, clock: ManualClock
):
    """The list reads only the forms answered in windows it still shows: Ama's 3-month window (days 61-121)
    is listed until 30 days after it closed (day 151), and her form of its first day is read till then."""
    ama = one_day_course(care, nurses, clock, "MRN-1", "Osei", "Ama", 1)
    clock.advance(timedelta(days=151))
    day61 = (DAY0 + timedelta(days=61)).isoformat()
    care.record_assessment(ama.id, {"PI_4a_v1.0": PI}, mode="phone", by=nurses[0].id, taken_on=day61)
    done = (Status.DONE, f"answered {day61}: scored (1 of 1 forms)")
    assert shown(care)[("MRN-1", 1, "3m")] == done
    assert shown(care, on=DAY0 + timedelta(days=126), look_back_days=5)[("MRN-1", 1, "3m")] == done
    assert ("MRN-1", 1, "3m") not in shown(care, on=DAY0 + timedelta(days=127), look_back_days=5)
