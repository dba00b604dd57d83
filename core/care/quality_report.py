"""The clinic's quality report, read through the one door: each section's entries and audit lines read by
kind and moment (``core.records.quality_entries``), counted by ``core.quality``."""

from __future__ import annotations

from datetime import datetime, timedelta

from core import records
from core.audit_terms import AuditAction
from core.care.base import CareBase
from core.events import Event, EventType
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
from core.quality.silences import silences
from core.settings import clinic_settings


class QualityReports(CareBase):
    """The quality figures of a period."""

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
