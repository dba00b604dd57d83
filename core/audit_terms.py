"""The audit trail's words that both its writer (``core.audit``) and its checker (``core.trail_check``) use:
the first line's ``prev_hash``, what each line records, and what a check found. Kept apart so the checker,
which builds on the writer's hashing, is not imported by it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

GENESIS = "0" * 64
"""The ``prev_hash`` of the first entry."""


class AuditAction(StrEnum):
    SIGNED_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in.failed"
    LOCKED_OUT = "account.locked_out"
    SIGNED_OUT = "sign_out"
    SCREEN_LOCKED = "screen.locked"
    SCREEN_UNLOCKED = "screen.unlocked"
    PATIENT_VIEWED = "patient.viewed"
    PATIENT_REGISTERED = "patient.registered"
    PATIENT_DETAILS_CONFIRMED = "patient.details_confirmed"
    COURSE_ORDERED = "course.ordered"
    RECORD_WRITTEN = "record.written"
    SIGNATURE = "signature"
    EXPORTED = "export"
    PRINT_OUTCOME = "print.outcome"
    """What became of a copy sent to a printer (its export line says it was sent, as which job): printed,
    or why not, as the print system told it."""
    ACCOUNT_ADDED = "account.added"
    ACCOUNT_DEACTIVATED = "account.deactivated"
    PASSWORD_RESET = "account.password_reset"
    PASSWORD_CHANGED = "account.password_changed"
    PIN_CHANGED = "account.pin_changed"
    SETTING_CHANGED = "setting.changed"
    AUDIT_VIEWED = "audit.viewed"
    ALARM_SILENCED = "alarm.silenced"
    DAY_LOG_VIEWED = "day_log.viewed"
    QUALITY_VIEWED = "quality.viewed"
    """The quality report made (on screen, or for a PDF or CSV): its period, filters, and the patients its
    outlier lists named, so each patient's trail shows the disclosure."""
    FOLLOW_UPS_VIEWED = "follow_ups.viewed"
    """The charge nurse's follow-up list read: its day and periods, and how many follow-ups it showed."""
    BACKUP_TAKEN = "backup.taken"
    """A scheduled backup written and checked (a copy someone makes by hand is an export)."""
    DATABASE_RESTORED = "database.restored"
    JOURNAL_WITHDRAWN = "journal.withdrawn"
    """An entry saved on a workstation while the database was away, not added to the record because its
    session moved on meanwhile: what it said (its hash), whose, and why a nurse withdrew it."""
    DATABASE_COPIED = "database.copied"
    """Every record copied in from another database (a clinic moving to a server): where from, the head of
    the trail copied, and the rows of each table."""
    """A backup put in place of the database: the head of the trail it replaced, and where that file was kept."""
    REFUSED = "care.refused"
    """An entry refused by a limit or a rule (a weight, a discharge, a vial's return), or held until
    confirmed: a near miss the quality report counts. The detail says which refusal and why."""


@dataclass(frozen=True)
class ChainCheck:
    """The result of ``verify``: ``first_broken`` is the seq of the first entry that fails, if any."""

    ok: bool
    entries: int
    first_broken: int | None
    problem: str
