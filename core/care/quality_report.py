"""The clinic's quality report, read through the one door: each period's sets of vital signs and the entries
that answered their alarms (``records.alarm_rows``), its notable care entries and audit lines
(``core.records.quality_entries``), counted by ``core.quality``; the period beside the three before it.

Making the report is a disclosure: it writes a ``quality.viewed`` audit line for the period, and one naming
each patient its outlier listings show, so every such patient's trail says so.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from core import records
from core.audit_terms import AuditAction
from core.care.base import CareBase
from core.errors import InputError
from core.events import Event, EventType
from core.figures import Listing, Period, periods_before, side_by_side
from core.outcomes.cohort import day_bounds
from core.people import Permission, Role
from core.protocol import Protocol
from core.quality.alarms import AlarmReport, alarm_report
from core.quality.checks import checks
from core.quality.controlled import ControlledFigures, controlled
from core.quality.entry_figures import (
    CHECK_KINDS,
    CONTROLLED_KINDS,
    CORRECTING_KINDS,
    COUNTED_KINDS,
    OVERRIDE_KINDS,
    EntryFigures,
)
from core.quality.overrides import overrides
from core.quality.record_keeping import record_keeping
from core.quality.replay import replay
from core.quality.report import (
    PatientShown,
    PeriodFigures,
    QualityReport,
    patient_label,
    quality_report,
    shown_listing,
)
from core.quality.rows import AlarmRows
from core.quality.silences import silences
from core.settings import clinic_settings

COMPARED = 3
"""Periods set beside the report's own: this month against the last three."""
DISCREPANCY_TITLE = "Controlled-substance discrepancies signed for, with their resolution"
UNWITNESSED_TITLE = "Waste recorded without a witness"


class QualityReports(CareBase):
    """The quality figures of a period."""

    def quality_report(
        self, reader_id: str | None, first_day: date, last_day: date, protocol: Protocol | None = None
    ) -> QualityReport:
        """The report of ``first_day`` to ``last_day`` (the clinic's local dates, both ended), beside the three
        periods before it, made for ``reader_id`` (a charge nurse or an administrator; None from the command
        line, run by the computer's own account). ``protocol``: the one whose limits the replay moves
        (today's unless a kept one is given)."""
        self._check_period(first_day, last_day)
        reader = self.door.permit(reader_id, Permission.READ_QUALITY) if reader_id is not None else None
        settings = clinic_settings(self.db)
        if reader is not None and reader.role is Role.ADMINISTRATOR:
            shown = PatientShown.NONE
        else:
            shown = PatientShown(settings.quality_outliers_as)
        period = Period(first_day, last_day)
        made: list[PeriodFigures] = []
        for each in [*periods_before(period, COMPARED), period]:
            start, end = day_bounds(each.first_day, each.last_day)
            rows, alarms = self._alarms(start, end)
            entries = self.quality_entries(start, end)
            made.append(PeriodFigures(each, (*alarms.figures, *entries.figures)))
        # The loop ends on the report's own period: its rows, alarms and entries are the ones listed and replayed.
        listings = [*alarms.listings, *self._controlled_listings(entries.controlled)]
        with self.door.reading() as tx:
            named = {pid for listing in listings for pid in listing.patient_ids}
            patients = {
                p.id: (p.mrn, p.family_name, p.given_name) for p in records.patients_by_id(tx, sorted(named)).values()
            }
            staff = records.staff_names_of(tx, {who for who, _, _ in entries.silences.by_whom if who})
        label = patient_label(shown, patients)
        report = quality_report(
            made,
            side_by_side([m.period for m in made], [m.figures for m in made]),
            made_at=self.clock.now(),
            replay=replay(protocol or self.protocol, rows),
            protocol_versions=alarms.protocol_versions,
            sessions=entries.sessions,
            listings=[shown_listing(listing, shown, label) for listing in listings if len(listing)],
            reasons=[g for g in entries.overrides.reasons if g.total],
            silencers=[(staff.get(who, who or "nobody signed in"), n, m) for who, n, m in entries.silences.by_whom],
            shown=shown,
        )
        self._disclosed(reader_id, report)
        return report

    def quality_entries(self, start: datetime, end: datetime) -> EntryFigures:
        """The figures drawn from care entries and audit lines of [start, end)."""
        late_after = timedelta(minutes=clinic_settings(self.db).late_entry_minutes)
        with self.door.reading() as tx:
            sessions = records.sessions_opened(tx, start, end)
            counted = records.entries_counted(tx, COUNTED_KINDS, start, end)
            second = records.second_pump_readings(tx, start, end)

            def notable(kinds: tuple[EventType, ...]) -> list[Event]:
                return [event for kind in kinds for event in records.notable_entries(tx, kind, start, end)]

            overriding, checking, signing, correcting = (
                notable(OVERRIDE_KINDS),
                notable(CHECK_KINDS),
                notable(CONTROLLED_KINDS),
                notable(CORRECTING_KINDS),
            )
            lines = records.audit_lines_between(tx, (AuditAction.REFUSED, AuditAction.ALARM_SILENCED), start, end)
            silenced = [line for line in lines if line.action == AuditAction.ALARM_SILENCED]
            logs = records.entries_of_sessions(tx, {line.session_id for line in silenced if line.session_id})
            corrected = records.event_types_by_id(tx, {e.corrects for e in correcting if e.corrects})
            saved = records.late_entries(tx, start, end)
        refused = [line for line in lines if line.action == AuditAction.REFUSED]
        return EntryFigures(
            sessions=sessions,
            overrides=overrides(sessions, overriding, refused),
            checks=checks(counted[EventType.CHECKED], counted[EventType.PUMP_PROGRAMMED], second, sessions, checking),
            silences=silences(sessions, silenced, logs),
            controlled=controlled(counted[EventType.SIGNED], counted[EventType.WASTED], signing),
            record_keeping=record_keeping(sessions, late_after, saved, correcting, corrected),
        )

    def _check_period(self, first_day: date, last_day: date) -> None:
        if last_day < first_day:
            raise InputError(
                "last_day",
                f"The report would end ({last_day.isoformat()}) before it begins ({first_day.isoformat()}).",
                "Give the first day, then the last day.",
            )
        today = self._today()
        if last_day >= today:
            said = "is today" if last_day == today else "is still to come"
            raise InputError(
                "last_day",
                f"{last_day.isoformat()} {said}: a report counts days that have ended.",
                f"End the report yesterday ({(today - timedelta(days=1)).isoformat()}) or earlier.",
            )

    def _alarms(self, start: datetime, end: datetime) -> tuple[AlarmRows, AlarmReport]:
        with self.door.reading() as tx:
            rows = records.alarm_rows(tx, start, end)
            hashes = {session.protocol_hash for session in rows.sessions.values()}
            protocols = {sha: self.shelf.for_hash(tx, sha) for sha in hashes}
            staff = {row.recorded_by for row in rows.sets} | {ack.recorded_by for ack in rows.acks}
            names = records.staff_names_of(tx, staff)
        return rows, alarm_report(rows, protocols or {self.protocol.content_hash: self.protocol}, names)

    def _controlled_listings(self, found: ControlledFigures) -> list[Listing]:
        """The sessions of the controlled-substance figures, as outlier listings (whose patient is named
        only as the reader may see)."""
        ids = {d.session_id for d in found.discrepancies} | {w.session_id for w in found.unwitnessed}
        with self.door.reading() as tx:
            sessions = records.sessions_by_id(tx, ids)
            names = records.staff_names_of(tx, {d.by for d in found.discrepancies} | {w.by for w in found.unwitnessed})

        def patient(session_id: str) -> str:
            return sessions[session_id].patient_id if session_id in sessions else ""

        def chair(session_id: str) -> str:
            return str(sessions[session_id].chair) if session_id in sessions else "?"

        def moment(at: datetime) -> str:
            return at.astimezone().strftime("%Y-%m-%d %H:%M")

        discrepancies = Listing(
            DISCREPANCY_TITLE,
            ("Signed", "Session", "Chair", "Problem", "Resolution (the note at signing)", "Signed by"),
            tuple(
                (moment(d.at), d.session_id[:8], chair(d.session_id), d.problem, d.resolution, names.get(d.by, d.by))
                for d in found.discrepancies
            ),
            tuple(patient(d.session_id) for d in found.discrepancies),
        )
        unwitnessed = Listing(
            UNWITNESSED_TITLE,
            ("Wasted", "Session", "Chair", "mg", "Wasted by"),
            tuple(
                (moment(w.at), w.session_id[:8], chair(w.session_id), w.mg, names.get(w.by, w.by))
                for w in found.unwitnessed
            ),
            tuple(patient(w.session_id) for w in found.unwitnessed),
        )
        return [discrepancies, unwitnessed]

    def _disclosed(self, reader_id: str | None, report: QualityReport) -> None:
        """The audit lines of the report made: one for the period, one per patient it named."""
        detail = {
            "first_day": report.period.first_day.isoformat(),
            "last_day": report.period.last_day.isoformat(),
            "patients_named": len(report.patients_named),
            "patients_shown_as": report.shown.value,
            "figures_sha256": report.content_hash,
        }
        with self.door.writing(reader_id) as work:
            work.audit(AuditAction.QUALITY_VIEWED, detail=detail)
            for patient_id in report.patients_named:
                work.audit(AuditAction.QUALITY_VIEWED, patient_id=patient_id, detail={**detail, "named": True})
