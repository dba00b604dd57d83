"""The clinic's outcome report, read through the one door: the records of the period's patients in a few
bulk queries (``records.outcome_cohort``), counted by ``core.outcomes``.

The report is made under today's protocol unless another is given: a kept earlier protocol makes a past
report again under the MCID set it used, and the report names the protocol (and its hash) it was made under.
"""

from __future__ import annotations

from datetime import date

from core import records
from core.care.base import CareBase
from core.errors import InputError
from core.outcomes.cohort import day_bounds
from core.outcomes.collector import collector_paused
from core.outcomes.report import OutcomeReport, outcome_report
from core.protocol import Protocol


class OutcomeReports(CareBase):
    """The clinic's outcome figures for a period."""

    def outcome_report(self, first_day: date, last_day: date, protocol: Protocol | None = None) -> OutcomeReport:
        """The report of the courses whose first infusion began from ``first_day`` to ``last_day`` (the
        clinic's local dates), as the records stood at the end of ``last_day``."""
        if last_day < first_day:
            raise InputError(
                "last_day",
                f"The report would end ({last_day.isoformat()}) before it begins ({first_day.isoformat()}).",
                "Give the first day, then the last day.",
            )
        today = self._today()
        if last_day > today:
            raise InputError(
                "last_day",
                f"{last_day.isoformat()} is still to come: a report counts what has happened.",
                f"End the report today ({today.isoformat()}) or earlier.",
            )
        start, cutoff = day_bounds(first_day, last_day)
        with self.door.reading() as tx, collector_paused():
            cohort = records.outcome_cohort(tx, start, cutoff, cutoff)
        return outcome_report(protocol or self.protocol, cohort, first_day, last_day, self.clock.now())
