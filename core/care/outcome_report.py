"""The clinic's outcome report, read through the one door: the records of the period's patients in a few
bulk queries (``records.outcome_cohort``), counted by ``core.outcomes``.

Under today's protocol, each course a report counted from its records once its patient's records had settled
is kept (``course_outcome``, ``core.outcomes.kept``), and the next report reads that row instead: over ten years,
almost every course. The first report after an upgrade, a new protocol or another time zone counts them all.

The report is made under today's protocol unless another is given: a kept earlier protocol makes a past
report again under the MCID set it used, and the report names the protocol (and its hash) it was made under.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import TYPE_CHECKING

from core import records
from core.care.base import CareBase
from core.errors import EnvironmentTrouble, InputError, RecordRefused
from core.protocol import Protocol

if TYPE_CHECKING:
    from core.outcomes.kept import KeptCourse
    from core.outcomes.report import OutcomeReport

log = logging.getLogger(__name__)

HEX = frozenset("0123456789abcdef")
KEPT_AT_ONCE = 5_000
"""Settled courses kept per transaction (about a tenth of a second of writing each)."""
SHORTEST_REFERENCE = 12
"""The characters of a protocol's SHA-256 that name it (as the screen prints it)."""


class OutcomeReports(CareBase):
    """The clinic's outcome figures for a period."""

    def outcome_report(self, first_day: date, last_day: date, protocol: Protocol | None = None) -> OutcomeReport:
        """The report of the courses whose first infusion began from ``first_day`` to ``last_day`` (the
        clinic's local dates), as the records stood at the end of ``last_day``."""
        # Its figures' machinery, and what the report's reading needs: with the first report, not at start.
        from core.outcomes.cohort import day_bounds
        from core.outcomes.collector import collector_paused
        from core.outcomes.kept import kept_from, kept_rule
        from core.outcomes.metrics import prepare
        from core.outcomes.report import report_of
        from core.outcomes.windows import earliest_counted
        from core.promis import shipped

        self._ended_period(first_day, last_day)
        rules, tables = protocol or self.protocol, shipped()
        # Courses are kept under today's protocol only: the one ``audit verify`` holds them to.
        rule = kept_rule(rules, tables) if rules.content_hash == self.protocol.content_hash else None
        start, cutoff = day_bounds(first_day, last_day)
        # One pause of the collector for the reading and the counting, left only once the cohort has gone:
        # resumed in between, its first pass walked every row of the cohort, still alive, for nothing.
        with collector_paused():
            with self.door.reading() as tx:
                counted_from = earliest_counted(rules.outcomes, start)
                cohort = records.outcome_cohort(tx, start, cutoff, cutoff, counted_from, rule)
                recounted = sorted({c.patient_id for c in cohort.courses})
                settled = records.outcomes_settled_at(tx, recounted) if rule is not None else {}
            prepared = prepare(rules, cohort, first_day, last_day, tables)
            report = report_of(prepared, cohort, self.clock.now(), tables)
            if rule is not None:
                held = [(k, cohort.bases.get(k.patient_id, 0), settled.get(k.patient_id)) for k in kept_from(prepared)]
                self._keep(
                    rule.key, [(k, basis, holds) for k, basis, holds in held if holds is not None and holds <= cutoff]
                )
            del cohort, prepared
        return report

    def _keep(self, key: str, rows: list[tuple[KeptCourse, int, datetime]]) -> None:
        """The report's settled courses kept for the next report, a few thousand to a transaction so a nurse's
        entry never waits long behind them. Nothing depends on it: where the store will not take them now
        (locked, full, away), the next report counts them from their records again."""
        try:
            for start in range(0, len(rows), KEPT_AT_ONCE):
                with self.door.keeping() as tx:
                    records.keep_course_outcomes(tx, key, rows[start : start + KEPT_AT_ONCE])
        except (EnvironmentTrouble, RecordRefused) as trouble:
            log.warning("The outcome report's counted courses were not all kept: %s", trouble)

    def kept_protocol(self, reference: str) -> Protocol:
        """A protocol the records keep, or one Chairside shipped, by its SHA-256 as a report prints it (the
        first 12 characters or more): a past report is made again under the very rules and MCIDs it named."""
        wanted = (reference or "").strip().lower()
        if len(wanted) < SHORTEST_REFERENCE or not set(wanted) <= HEX:
            raise InputError(
                "protocol",
                f"“{reference}” is not a protocol's SHA-256.",
                "Copy it from the report's “made under” line: at least its first 12 characters.",
            )
        with self.door.reading() as tx:
            known = set(records.kept_protocol_hashes(tx)) | self.shelf.shipped_hashes() | {self.protocol.content_hash}
            matches = sorted(sha for sha in known if sha.startswith(wanted))
            if len(matches) != 1:
                found = "No protocol kept in the records" if not matches else "More than one kept protocol"
                raise InputError(
                    "protocol",
                    f"{found} has a SHA-256 beginning {wanted}.",
                    "Copy more of it from the report's “made under” line." if matches else "Check the characters.",
                )
            protocol = self.shelf.for_hash(tx, matches[0])
        if protocol.content_hash != matches[0]:
            raise InputError(
                "protocol",
                f"The protocol {wanted} is kept but no longer reads in this version of Chairside.",
                "Make the report under today's protocol, or with the version of Chairside it was made with.",
            )
        return protocol
