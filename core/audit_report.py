"""The audit trail as lines a person reads, for the app's audit window and the ``audit show`` command.

The stored entries hold ids so the chain stays small and exact; a reader needs names. Each line
says who (name and user name), what in words, which patient (name and MRN), which session, where,
when in local time, and the detail in short.

Reading the trail is itself audited: ``read_trail`` and ``show_trail`` each write an "audit viewed"
entry with the filters used, in its own transaction, before handing the lines over, so nobody can
look without leaving a trace. Filters arrive as typed text and are checked here, once, for the app
and the command line alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from core import audit, passwords, records
from core.audit import AuditAction, AuditRecord
from core.clock import Clock
from core.dates import parse_day
from core.errors import InputError
from core.event_words import EVENT_WORDS
from core.events import EventType
from core.people import Account, Permission
from core.persistence.db import Database
from core.record_values import PatientRecord, SessionSummary
from core.refusals import WORDS, kind_of
from core.unit_of_work import Tx, UnitOfWork

DEFAULT_LIMIT = 500
"""Lines shown at once: a clinic day's trail fits; anything older is reached by filtering."""

ACTION_WORDS: dict[str, str] = {
    AuditAction.SIGNED_IN: "Signed in",
    AuditAction.SIGN_IN_FAILED: "Sign-in refused",
    AuditAction.LOCKED_OUT: "Account locked after failed sign-ins",
    AuditAction.SIGNED_OUT: "Signed out",
    AuditAction.SCREEN_LOCKED: "Screen locked",
    AuditAction.SCREEN_UNLOCKED: "Screen unlocked",
    AuditAction.PATIENT_VIEWED: "Opened a patient's record",
    AuditAction.PATIENT_REGISTERED: "Registered a patient",
    AuditAction.PATIENT_DETAILS_CONFIRMED: "Confirmed sex and allergies with the patient",
    AuditAction.COURSE_ORDERED: "Recorded a course order",
    AuditAction.BACKUP_TAKEN: "Took a scheduled backup",
    AuditAction.DATABASE_RESTORED: "Restored the database from a backup",
    AuditAction.DATABASE_COPIED: "Copied every record in from another database",
    AuditAction.JOURNAL_WITHDRAWN: "Withdrew an entry saved while the database was away",
    AuditAction.RECORD_WRITTEN: "Recorded care",
    AuditAction.SIGNATURE: "Signed",
    AuditAction.EXPORTED: "Exported",
    AuditAction.PRINT_OUTCOME: "Print outcome",
    AuditAction.ACCOUNT_ADDED: "Added an account",
    AuditAction.ACCOUNT_DEACTIVATED: "Deactivated an account",
    AuditAction.PASSWORD_RESET: "Reset a password",
    AuditAction.PASSWORD_CHANGED: "Changed own password",
    AuditAction.PIN_CHANGED: "Changed own PIN",
    AuditAction.SETTING_CHANGED: "Changed a clinic setting",
    AuditAction.AUDIT_VIEWED: "Read the audit trail",
    AuditAction.ALARM_SILENCED: "Silenced an alarm",
    AuditAction.DAY_LOG_VIEWED: "Viewed the day log",
    AuditAction.QUALITY_VIEWED: "Made the quality report",
    AuditAction.FOLLOW_UPS_VIEWED: "Viewed the follow-up list",
    AuditAction.REFUSED: "An entry refused by a limit or a rule",
}

COMMAND_LINE_KEY = "command_line_account"
"""Detail key naming the computer account that read the trail from the command line (no app account)."""

_DETAIL_LENGTH = 240
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class AuditLine:
    """One entry as people read it. ``at`` is the stored UTC time; ``when`` is it in local time."""

    seq: int
    at: datetime
    when: str
    who: str
    action: str
    patient: str
    session: str
    workstation: str
    detail: str

    @property
    def where(self) -> str:
        """The workstation in words: its name alone ("vm") reads as a code."""
        return f"workstation {self.workstation}"


@dataclass(frozen=True)
class TrailFilters:
    """The filters as checked: ids to query by, and the words to record in the "audit viewed" entry."""

    patient_id: str | None
    actor_id: str | None
    start: datetime | None
    end: datetime | None
    facts: dict[str, str]


def day_bounds(day: date, zone: tzinfo | None = None) -> tuple[datetime, datetime]:
    """A local calendar day as [start, end) in UTC; a daylight-saving day is 23 or 25 hours long."""

    def midnight(of: date) -> datetime:
        naive = datetime(of.year, of.month, of.day)
        return (naive.astimezone() if zone is None else naive.replace(tzinfo=zone)).astimezone(UTC)

    return midnight(day), midnight(day + timedelta(days=1))


def check_filters(
    tx: Tx, *, mrn: str = "", username: str = "", day: str = "", zone: tzinfo | None = None
) -> TrailFilters:
    """Turn typed filters into ids and times; an unknown MRN or user name is said, not shown as nothing."""
    facts: dict[str, str] = {}
    patient_id = actor_id = None
    start = end = None
    if mrn.strip():
        patient = records.patient_by_mrn(tx, mrn.strip())
        if patient is None:
            raise InputError("mrn", f"No patient has the MRN “{mrn.strip()}”.", "Check the number.")
        patient_id, facts["mrn"] = patient.id, patient.mrn
    if username.strip():
        wanted = passwords.normalise(username).strip()
        person = records.staff_by_username(tx, wanted)
        if person is None or person.username is None:
            raise InputError("username", f"No account has the user name “{wanted}”.", "Check the spelling.")
        # The account's own user name is recorded, never what was typed (it could be a password).
        actor_id, facts["username"] = person.id, person.username
    if day.strip():
        chosen = parse_day(day, "date")
        facts["date"] = chosen.isoformat()
        start, end = day_bounds(chosen, zone)
    return TrailFilters(patient_id, actor_id, start, end, facts)


def _person(account: Account) -> str:
    return f"{account.name} ({account.username or 'no user name'})"


def _who(entry: AuditRecord, people: Mapping[str, Account]) -> str:
    if entry.actor_id is not None:
        row = people.get(entry.actor_id)
        return _person(row) if row else f"account {entry.actor_id}"
    if COMMAND_LINE_KEY in entry.detail:
        return f"command line ({entry.detail[COMMAND_LINE_KEY]})"
    if entry.action in {AuditAction.SIGN_IN_FAILED, AuditAction.LOCKED_OUT}:
        return "unknown user name"
    return "no account"


def _words(key: str) -> str:
    return key.replace("_", " ")


def _value(value: Any, people: Mapping[str, Account]) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        row = people.get(value)
        return _person(row) if row else value
    if isinstance(value, list):
        return ", ".join(_value(item, people) for item in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{_words(k)} {_value(v, people)}" for k, v in value.items())
    return str(value)


DETAIL_WORDS = {"signed_hash": "signed content, fingerprint", "lines_shown": "lines shown", "mrn": "MRN"}
"""Stored detail keys said otherwise than by their own words (underscores become spaces in any case)."""
HIDDEN_KEYS = frozenset({COMMAND_LINE_KEY, "event_id", "type", "content_hash", "summary_hash", "need_key"})
"""Said another way (``entries``), or not at all: an entry's id, the hashes verify compares and a silenced
need's key are for the program; the entry's kind and the need are in words."""


REFUSAL_KEYS = frozenset({"kind", "limit", "what", "refused"})
"""The keys a refusal's kind is stored under (``core.refusals.kind_of``), said once as what refused it."""


def _entry_words(detail: Mapping[str, Any], entries: Mapping[str, str]) -> str:
    """The care record a line is about, in words ("Vital signs"), in place of its id and stored type."""
    kind = entries.get(str(detail.get("event_id", ""))) or str(detail.get("type", ""))
    if not kind:
        return ""
    try:
        return EVENT_WORDS.get(EventType(kind), "an entry")
    except ValueError:
        return "an entry"


def summarise(
    detail: Mapping[str, Any],
    people: Mapping[str, Account],
    entries: Mapping[str, str] | None = None,
    action: str = "",
) -> str:
    """``key: value`` pairs in stored order, in words: account ids become names, a care record's id and
    type become what it records, a refusal's kind what refused it (older lines' words too), a hash is cut
    to its first characters; long text ends in an ellipsis."""
    pairs = []
    hidden = HIDDEN_KEYS
    if "event_id" in detail or "type" in detail:
        what = _entry_words(detail, entries or {})
        if what:
            pairs.append(f"entry: {what}")
    if action == AuditAction.REFUSED and (refused := kind_of(detail)) is not None:
        pairs.append(f"refused: {WORDS[refused]}")
        hidden = hidden | REFUSAL_KEYS
    for key, value in detail.items():
        if key in hidden or (isinstance(value, str) and _UUID.match(value) and value not in people):
            continue  # a record's id (a course, a session) tells a reader nothing; the line says what it is
        said = _value(value, people)
        if key == "signed_hash":
            said = said[:12]
        pairs.append(f"{DETAIL_WORDS.get(key, _words(key))}: {said}")
    text = "; ".join(pairs)
    return text if len(text) <= _DETAIL_LENGTH else text[: _DETAIL_LENGTH - 1] + "…"


def _ids_in(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value} if _UUID.match(value) else set()
    if isinstance(value, list):
        return set().union(*(_ids_in(item) for item in value))
    if isinstance(value, Mapping):
        return set().union(*(_ids_in(item) for item in value.values()))
    return set()


def describe(tx: Tx, found: list[AuditRecord], zone: tzinfo | None = None) -> list[AuditLine]:
    """Names for the ids in ``found``, read in three queries whatever the number of entries."""
    staff_ids = {e.actor_id for e in found if e.actor_id} | set().union(*(_ids_in(e.detail) for e in found))
    people = records.staff_by_ids(tx, staff_ids)
    patients = records.patients_by_id(tx, list({e.patient_id for e in found if e.patient_id}))
    session_ids = {e.session_id for e in found if e.session_id}
    sessions = records.sessions_by_id(tx, session_ids)
    event_ids = {str(e.detail["event_id"]) for e in found if "event_id" in e.detail}
    entries = records.event_types_by_id(tx, event_ids)
    return [_line(entry, people, patients, sessions, entries, zone) for entry in found]


def _line(
    entry: AuditRecord,
    people: Mapping[str, Account],
    patients: Mapping[str, PatientRecord],
    sessions: Mapping[str, SessionSummary],
    entries: Mapping[str, str],
    zone: tzinfo | None,
) -> AuditLine:
    patient = ""
    if entry.patient_id:
        row = patients.get(entry.patient_id)
        patient = f"{row.family_name.upper()}, {row.given_name} ({row.mrn})" if row else entry.patient_id
    session = ""
    if entry.session_id:
        opened = sessions.get(entry.session_id)
        short = entry.session_id[:8]
        session = (
            f"chair {opened.chair}, session of {opened.opened_at.astimezone(zone):%Y-%m-%d %H:%M}" if opened else short
        )
    return AuditLine(
        seq=entry.seq,
        at=entry.at,
        when=f"{entry.at.astimezone(zone):%Y-%m-%d %H:%M:%S}",
        who=_who(entry, people),
        action=ACTION_WORDS.get(entry.action, entry.action),
        patient=patient,
        session=session,
        workstation=entry.workstation,
        detail=summarise(entry.detail, people, entries, entry.action),
    )


def _read_and_record(
    database: Database,
    clock: Clock,
    workstation: str,
    *,
    actor_id: str | None,
    may: Permission | None,
    who: dict[str, str],
    mrn: str,
    username: str,
    day: str,
    limit: int,
    zone: tzinfo | None,
) -> list[AuditLine]:
    """``may``: what the reader must be allowed, checked before anything is read and again as the reading
    is recorded (None for the command line, whose reader is the computer account)."""
    door = UnitOfWork(database, clock.now, workstation)
    if may is not None:
        door.permit(actor_id, may)
    with door.reading() as tx:
        filters = check_filters(tx, mrn=mrn, username=username, day=day, zone=zone)
    found = audit.entries(
        database,
        patient_id=filters.patient_id,
        actor_id=filters.actor_id,
        start=filters.start,
        end=filters.end,
        limit=limit,
    )
    with door.reading() as tx:
        lines = describe(tx, found, zone)
    with door.writing(actor_id, may) as work:
        work.audit(
            AuditAction.AUDIT_VIEWED,
            patient_id=filters.patient_id,
            detail={**who, **filters.facts, "lines_shown": len(lines)},
        )
    return lines


def read_trail(
    database: Database,
    clock: Clock,
    workstation: str,
    reader: Account,
    *,
    mrn: str = "",
    username: str = "",
    day: str = "",
    limit: int = DEFAULT_LIMIT,
    zone: tzinfo | None = None,
) -> list[AuditLine]:
    """The trail for someone signed in to the app, newest first; refused unless their role may read it.

    The account is read again, so a reader deactivated since signing in is refused. Returns at most
    ``limit`` lines; fewer filters than that many entries means narrow them.
    """
    return _read_and_record(
        database,
        clock,
        workstation,
        actor_id=reader.id,
        may=Permission.READ_AUDIT,
        who={},
        mrn=mrn,
        username=username,
        day=day,
        limit=limit,
        zone=zone,
    )


def show_trail(
    database: Database,
    clock: Clock,
    workstation: str,
    computer_account: str,
    *,
    mrn: str = "",
    username: str = "",
    day: str = "",
    limit: int = DEFAULT_LIMIT,
    zone: tzinfo | None = None,
) -> list[AuditLine]:
    """The trail for the ``audit show`` command, whose reader is known only by the computer account."""
    return _read_and_record(
        database,
        clock,
        workstation,
        actor_id=None,
        may=None,
        who={COMMAND_LINE_KEY: computer_account},
        mrn=mrn,
        username=username,
        day=day,
        limit=limit,
        zone=zone,
    )
