"""The follow-up list as ``Care.follow_ups_due`` makes it (reading only the months a window can still reach,
a few columns at a time) is the list the rules give over the whole record read the plain way: every
patient's every course, session, form and contact route, each form decoded in full.

Over a made-up history of two years (repeat courses, missed days, forms with items left out, forms late or
never answered), the list is compared on days through it and after it, with the periods the list is asked
for short, usual and long. A faster read that drops a course, a form or a contact the list needs, numbers a
course wrongly or counts a form differently fails here.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlmodel import select

from core import event_data as d
from core import records
from core.care import Care
from core.care.base import TREATED
from core.care.outcome_forms import course_span
from core.events import EventType
from core.history.build import HistorySummary, build_history
from core.outcomes.contact import ContactView
from core.outcomes.due import FollowUpList, Person, Sitting, Status, follow_ups
from core.outcomes.windows import CourseSpan
from core.people import Account
from core.persistence.db import Database
from core.persistence.tables import Patient
from core.protocol import Protocol

pytestmark = pytest.mark.both_stores

START, END = date(2024, 12, 2), date(2026, 12, 1)
PATIENTS = 24


@pytest.fixture
def history(database: Database, protocol: Protocol, nurses: tuple[Account, Account]) -> HistorySummary:
    return build_history(
        database, protocol, nurses=[n.id for n in nurses], start=START, end=END, patients=PATIENTS, seed=11
    )


def whole_record_list(care: Care, on: date, look_back_days: int, ahead_days: int) -> FollowUpList:
    """The list by the rules over everything recorded by the end of ``on``, read patient by patient."""
    until = datetime.combine(on + timedelta(days=1), time(0)).astimezone()
    spans: dict[str, list[CourseSpan]] = {}
    sittings: list[Sitting] = []
    people: dict[str, Person] = {}
    contacts: dict[str, ContactView] = {}
    with care.door.reading() as tx:
        names = records.staff_names(tx)
        for row in tx.exec(select(Patient)):
            people[row.id] = Person(row.id, row.mrn, row.family_name, row.given_name, row.birth_date)
            courses = [c for c in records.courses_of(tx, row.id) if c.recorded_at < until]
            sessions = records.sessions_of(tx, row.id)
            treated = [s for s in sessions if s.outcome in TREATED and s.course_id and s.opened_at < until]
            began = {  # from the entries themselves, not the session row's projection of them
                s.id: min(e.occurred_at for e in starts)
                for s in treated
                if (starts := [e for e in records.load_events(tx, s.id) if e.type is EventType.STARTED])
            }
            for number, course in enumerate(courses, start=1):
                moments = sorted(began.get(s.id, s.opened_at) for s in treated if s.course_id == course.id)
                span = course_span(care.protocol, course, number, moments, on, number < len(courses))
                spans.setdefault(row.id, []).append(span)
            for event in records.patient_events(tx, row.id):
                if event.type is EventType.ASSESSED and event.occurred_at < until:
                    data = event.data_as(d.Assessed)
                    scored = sum(1 for form in data.forms if form.t_score is not None)
                    sittings.append(Sitting(row.id, event.occurred_at, len(data.forms), scored))
                elif event.type is EventType.CONTACT and event.recorded_at < until:
                    route = event.data_as(d.ContactRoute)
                    by = names.get(event.recorded_by, "")
                    contacts[row.id] = ContactView(
                        row.id, route.phone, route.preferred, route.note, by, event.recorded_at
                    )
    return follow_ups(
        care.protocol.outcomes,
        spans,
        sittings,
        people,
        contacts,
        on,
        ahead_days=ahead_days,
        look_back_days=look_back_days,
    )


@pytest.mark.parametrize(("look_back_days", "ahead_days"), [(30, 14), (0, 0), (400, 120)])
def test_the_list_is_the_rules_over_the_whole_record(
    history: HistorySummary, care: Care, look_back_days: int, ahead_days: int
):
    assert history.courses > history.patients  # repeat courses, so numbering and cut-off follow-ups are tried
    statuses: set[Status] = set()
    days = [START + timedelta(days=n) for n in range(20, (END - START).days + 200, 23)]
    for on in days:
        found = care.follow_ups_due(on=on, look_back_days=look_back_days, ahead_days=ahead_days)
        expected = whole_record_list(care, on, look_back_days, ahead_days)
        assert found == expected, on
        statuses |= {item.status for item in found.items}
    if look_back_days and ahead_days:
        assert statuses == set(Status)
    else:  # nothing is looked ahead to or back at
        assert statuses == {Status.DUE, Status.OVERDUE, Status.DONE}
