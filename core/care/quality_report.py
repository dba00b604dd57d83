"""The clinic's quality report, read through the one door: each period's sets of vital signs and the entries
that answered their alarms (``records.alarm_rows``), its notable care entries and audit lines
(``core.records.quality_entries``), counted by ``core.quality``; the period beside the three before it.

Making the report is a disclosure: it writes a ``quality.viewed`` audit line for the period, and one naming
each patient its outlier listings show, so every such patient's trail says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from core import records
from core.audit_terms import AuditAction
from core.care.base import CareBase
from core.errors import InputError
from core.events import Event, EventType
from core.people import Permission, Role
from core.protocol import Protocol
from core.quality.scope import EVERY, Scope
from core.settings import clinic_settings

if TYPE_CHECKING:
    from core.figures import Listing
    from core.quality.alarms import AlarmReport
    from core.quality.controlled import ControlledFigures
    from core.quality.entry_figures import EntryFigures
    from core.quality.report import PatientShown, QualityReport
    from core.quality.rows import AlarmRows
    from core.quality.timeliness import Timeliness

SCOPE_MARGIN = timedelta(days=1)


@dataclass(frozen=True)
class QualityChoices:
    chairs: tuple[int, ...]
    nurses: tuple[tuple[str, str, str], ...]
    """(staff id, name, user name) of everyone who may have opened a session, by name."""
    versions: tuple[str, ...]


COMPARED = 3
"""Periods set beside the report's own: this month against the last three."""
DISCREPANCY_TITLE = "Controlled-substance discrepancies signed for, with their resolution"
UNWITNESSED_TITLE = "Waste recorded without a witness"
LATEST_TITLE = "The latest answer of each scheduled point"


class QualityReports(CareBase):
    """The quality figures of a period."""

    def quality_report(
        self,
        reader_id: str | None,
        first_day: date,
        last_day: date,
        protocol: Protocol | None = None,
        scope: Scope = EVERY,
    ) -> QualityReport:
        """The report of ``first_day`` to ``last_day`` (the clinic's local dates, both ended), beside the three
        periods before it, made for ``reader_id`` (a charge nurse or an administrator; None from the command
        line, run by the computer's own account). ``protocol``: the one whose limits the replay moves
        (today's unless a kept one is given); ``scope``: the sessions counted (every one, or those of a chair,
        a protocol version, a nurse who opened them)."""
        from core.quality.report import PatientShown  # the report's machinery loads with the first report

        self._ended_period(first_day, last_day)
        reader = self.door.permit(reader_id, Permission.READ_QUALITY) if reader_id is not None else None
        if reader is not None and reader.role is Role.ADMINISTRATOR:
            shown = PatientShown.NONE
        else:
            shown = PatientShown(clinic_settings(self.db).quality_outliers_as)
        report = self.made_quality_report(first_day, last_day, shown, protocol, scope)
        self._disclosed(reader_id, report)
        return report

    def made_quality_report(
        self,
        first_day: date,
        last_day: date,
        shown: PatientShown,
        protocol: Protocol | None = None,
        scope: Scope = EVERY,
    ) -> QualityReport:
        """The report as made, its outliers named as ``shown`` says: ``quality_report`` asks who may read it
        and how, and audits what it disclosed (a benchmark over a kept history, which it must not write to,
        times this)."""
        from core.outcomes.collector import collector_paused  # with the first report, as its machinery below

        # The cycle collector held off while the periods are read and counted: tens of thousands of rows a
        # month, none in a cycle, and each of its passes walked them all for nothing (a fifth of a month's time).
        with collector_paused():
            return self._made(first_day, last_day, shown, protocol, scope)

    def _made(
        self, first_day: date, last_day: date, shown: PatientShown, protocol: Protocol | None, scope: Scope
    ) -> QualityReport:
        # The report's machinery (NumPy for the replay among it) loads with the first report, not at start.
        from core.figures import Period, periods_before, side_by_side
        from core.outcomes.cohort import day_bounds
        from core.quality.replay import replay
        from core.quality.report import PeriodFigures, patient_label, quality_report, shown_listing

        period = Period(first_day, last_day)
        made: list[PeriodFigures] = []
        for each in [*periods_before(period, COMPARED), period]:
            start, end = day_bounds(each.first_day, each.last_day)
            in_scope = self._in_scope(start, end, scope)
            rows, alarms = self._alarms(start, end, in_scope)
            timely = self._timeliness(start, end, in_scope)
            entries = self.quality_entries(start, end, in_scope)
            made.append(PeriodFigures(each, (*alarms.figures, *timely.figures, *entries.figures)))
        # The loop ends on the report's own period: its rows, alarms and entries are the ones listed and replayed.
        listings = [*alarms.listings, self._latest(timely), *self._controlled_listings(entries.controlled)]
        with self.door.reading() as tx:
            named = {pid for listing in listings for pid in listing.patient_ids}
            patients = {
                p.id: (p.mrn, p.family_name, p.given_name) for p in records.patients_by_id(tx, sorted(named)).values()
            }
            staff = records.staff_names_of(
                tx, {who for who, _, _ in entries.silences.by_whom if who} | {scope.opened_by or ""}
            )
        label = patient_label(shown, patients)
        return quality_report(
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
            scope=scope.words(staff),
        )

    def quality_choices(self) -> QualityChoices:
        """What a report may be narrowed to: the clinic's chairs, its nurses, the protocol versions recorded."""
        chairs = tuple(range(1, clinic_settings(self.db).chairs + 1))
        nurses = tuple(
            (person.id, person.name, person.username or "")
            for person in sorted(self.accounts.everyone(), key=lambda p: p.name.casefold())
            if person.role is not Role.ADMINISTRATOR
        )
        with self.door.reading() as tx:
            versions = tuple(records.protocol_versions(tx))
        return QualityChoices(chairs, nurses, versions)

    def scope_of(self, chair: int | None, protocol_version: str | None, opened_by: str | None) -> Scope:
        """The scope a reader asked for, each part checked: a chair the clinic has, a version recorded, and the
        user name of a nurse who may have opened a session."""
        choices = self.quality_choices()
        if chair is not None and chair not in choices.chairs:
            raise InputError(
                "chair", f"The clinic has no chair {chair}.", f"Give a chair from 1 to {len(choices.chairs)}."
            )
        if protocol_version is not None and protocol_version not in choices.versions:
            known = ", ".join(choices.versions) or "none yet"
            raise InputError(
                "protocol_version",
                f"No session was recorded under protocol version “{protocol_version}”.",
                f"Give one of: {known}.",
            )
        nurse = None
        if opened_by is not None:
            nurse = next((pid for pid, _, username in choices.nurses if username == opened_by.strip()), None)
            if nurse is None:
                raise InputError(
                    "opened_by",
                    f"No nurse's account has the user name “{opened_by}”.",
                    "Give her user name as she signs in.",
                )
        return Scope(chair, protocol_version, nurse)

    def _in_scope(self, start: datetime, end: datetime, scope: Scope) -> dict[str, datetime] | None:
        """The sessions of the scope whose entries may fall in [start, end), with when each was opened; None
        for every session. A session's entries fall on its own day: those opened a day either side are read
        too, and each figure keeps the entries of the period."""
        if not scope:
            return None
        with self.door.reading() as tx:
            return records.sessions_in_scope(
                tx, start - SCOPE_MARGIN, end + SCOPE_MARGIN, scope.chair, scope.protocol_version, scope.opened_by
            )

    def quality_entries(
        self, start: datetime, end: datetime, in_scope: Mapping[str, datetime] | None = None
    ) -> EntryFigures:
        """The figures drawn from care entries and audit lines of [start, end), of the sessions ``in_scope``
        alone when given (with when each was opened)."""
        from core.quality.checks import checks
        from core.quality.controlled import controlled
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
        from core.quality.silences import READ, alert_named, needs_log, silences

        late_after = timedelta(minutes=clinic_settings(self.db).late_entry_minutes)
        ids = set(in_scope) if in_scope is not None else None

        def ours(session_id: str | None) -> bool:
            return ids is None or session_id in ids

        with self.door.reading() as tx:
            if in_scope is None:
                sessions = records.sessions_opened(tx, start, end)
            else:
                sessions = sum(start <= opened < end for opened in in_scope.values())
            counted = records.entries_counted(tx, COUNTED_KINDS, start, end, ids)
            second = records.second_pump_readings(tx, start, end, ids)

            def notable(kinds: tuple[EventType, ...]) -> list[Event]:
                found = (event for kind in kinds for event in records.notable_entries(tx, kind, start, end))
                return [event for event in found if ours(event.session_id)]

            overriding, checking, signing, correcting = (
                notable(OVERRIDE_KINDS),
                notable(CHECK_KINDS),
                notable(CONTROLLED_KINDS),
                notable(CORRECTING_KINDS),
            )
            actions = (AuditAction.REFUSED, AuditAction.ALARM_SILENCED)
            # A refusal before a session existed (a second infusion the same day) counts with every session only.
            lines = [line for line in records.audit_lines_between(tx, actions, start, end) if ours(line.session_id)]
            silenced = [line for line in lines if line.action == AuditAction.ALARM_SILENCED]
            # A session's whole log is read only for a silence of a need that kinds of entries answer; one whose
            # silences name act-now alerts alone is judged by their sets and its acknowledgements.
            whole = {line.session_id for line in silenced if line.session_id and needs_log(line)}
            alerts = [(line.session_id or "", alert) for line in silenced if (alert := alert_named(line))]
            logs = records.answers_of_sessions(tx, whole, READ)
            alerted = {session_id for session_id, _ in alerts} - whole
            logs.update(records.alert_answers_of_sessions(tx, alerted, {alert for _, alert in alerts}))
            corrected = records.event_types_by_id(tx, {e.corrects for e in correcting if e.corrects})
            saved = records.late_entries(tx, start, end, ids)
        refused = [line for line in lines if line.action == AuditAction.REFUSED]
        return EntryFigures(
            sessions=sessions,
            overrides=overrides(sessions, overriding, refused),
            checks=checks(counted[EventType.CHECKED], counted[EventType.PUMP_PROGRAMMED], second, sessions, checking),
            silences=silences(sessions, silenced, logs),
            controlled=controlled(counted[EventType.SIGNED], counted[EventType.WASTED], signing),
            record_keeping=record_keeping(sessions, late_after, saved, correcting, corrected),
        )

    def _alarms(
        self, start: datetime, end: datetime, in_scope: Mapping[str, datetime] | None
    ) -> tuple[AlarmRows, AlarmReport]:
        from core.quality.alarms import alarm_report

        with self.door.reading() as tx:
            rows = records.alarm_rows(tx, start, end)
            if in_scope is not None:
                rows = _scoped(rows, set(in_scope))
            hashes = {session.protocol_hash for session in rows.sessions.values()}
            protocols = {sha: self.shelf.for_hash(tx, sha) for sha in hashes}
            staff = {row.recorded_by for row in rows.sets} | {ack.recorded_by for ack in rows.acks}
            staff |= rows.recorders()
            names = records.staff_names_of(tx, staff)
        return rows, alarm_report(rows, protocols or {self.protocol.content_hash: self.protocol}, names)

    def _timeliness(self, start: datetime, end: datetime, in_scope: Mapping[str, datetime] | None) -> Timeliness:
        """Each scheduled point of the signed sessions that fell in [start, end): on time, late, missed."""
        from core.quality.timeliness import timeliness_of

        with self.door.reading() as tx:
            counted = records.schedule_point_tally(tx, start, end, in_scope)
        return timeliness_of(counted, self.protocol)

    def _latest(self, timely: Timeliness) -> Listing:
        """The latest answer of each scheduled point (its longest lateness), with its session."""
        from core.figures import Listing

        found = sorted(timely.longest.items(), key=lambda item: item[1].due_at)
        with self.door.reading() as tx:
            sessions = records.sessions_by_id(tx, {point.session_id for _, point in found})
        rows = tuple(
            (
                point.due_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                point.session_id[:8],
                str(point.chair),
                key,
                f"{(point.late_seconds or 0) / 60:.0f}",
            )
            for key, point in found
        )
        whose = tuple(sessions[p.session_id].patient_id if p.session_id in sessions else "" for _, p in found)
        return Listing(LATEST_TITLE, ("Due", "Session", "Chair", "Point", "Minutes late"), rows, whose)

    def _controlled_listings(self, found: ControlledFigures) -> list[Listing]:
        """The sessions of the controlled-substance figures, as outlier listings (whose patient is named
        only as the reader may see)."""
        from core.figures import Listing

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
            "sessions_counted": report.scope,
            "patients_named": len(report.patients_named),
            "patients_shown_as": report.shown.value,
            "figures_sha256": report.content_hash,
        }
        with self.door.writing(reader_id) as work:
            work.audit(AuditAction.QUALITY_VIEWED, detail=detail)
            for patient_id in report.patients_named:
                work.audit(AuditAction.QUALITY_VIEWED, patient_id=patient_id, detail={**detail, "named": True})


def _scoped(rows: AlarmRows, ids: set[str]) -> AlarmRows:
    """The alarm rows of the sessions named alone."""
    return replace(
        rows,
        sets=[row for row in rows.sets if row.session_id in ids],
        columns=rows.every_set().of_sessions(ids),
        sessions={sid: session for sid, session in rows.sessions.items() if sid in ids},
        opened_with_sets=[sid for sid in rows.opened_with_sets if sid in ids],
        acks=[ack for ack in rows.acks if ack.session_id in ids],
        acted=[acted for acted in rows.acted if acted.session_id in ids],
        adverse=[adverse for adverse in rows.adverse if adverse.session_id in ids],
    )
