"""Someone with the database file changes the record by hand: ``audit verify`` says so, kind by kind.

Each test plays a person with a database shell and the file: the append-only and length triggers are
dropped first (as anyone holding the file can), then one kind of change is made. The clinic's day: a
patient with her sex and allergies confirmed and a course ordered, one session signed and one infusing
(unsigned). The kinds that a chain inside the file cannot show (the whole chain rewritten, entries cut
from the end with their records) are found against an anchor kept outside it: ``tests/test_anchor.py``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from core import audit
from core.audit import entry_hash
from core.care import Care
from core.clock import ManualClock
from core.content_hashes import patient_content
from core.event_data import VitalsRecorded
from core.events import Event
from core.persistence.db import Database
from core.persistence.tables import Patient, SessionEvent
from core.protocol import VitalKind
from core.records import to_event
from core.signatures import signed_content
from core.views import PatientView
from tests.helpers.sessions import busy_day

PAIN = {"PAININ9": 3, "PAININ22": 4, "PAININ31": 2, "PAININ34": 3}

Tamper = Callable[[sqlite3.Connection, dict[str, str]], None]


@pytest.fixture
def day(care: Care, patient: PatientView, nurses, clock: ManualClock) -> dict[str, str]:
    """The record the tamper tests change: the ids they need (and a sitting of outcome forms, Chidi's)."""
    ids = busy_day(care, patient, nurses, clock)
    care.record_assessment(ids["other"], {"PI_4a_v1.0": PAIN}, mode="chair", by=nurses[0].id)
    assert audit.verify(care.db).ok
    return ids


def shell(database: Database, path: Path, change: Tamper, ids: dict[str, str]) -> None:
    """The change made from a database shell, triggers dropped first."""
    database.dispose()
    with closing(sqlite3.connect(path)) as raw:
        for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            raw.execute(f'DROP TRIGGER "{name}"')
        change(raw, ids)
        raw.commit()


def last_vitals(raw: sqlite3.Connection, session: str) -> tuple[str, dict]:
    row = raw.execute(
        "SELECT id, payload FROM session_event WHERE session_id = ? AND type = 'vitals.recorded' ORDER BY seq DESC",
        (session,),
    ).fetchone()
    return row[0], json.loads(row[1])


def change_vitals(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    event, payload = last_vitals(raw, ids["running"])
    payload["values"]["systolic"] = "118"
    raw.execute("UPDATE session_event SET payload = ? WHERE id = ?", (json.dumps(payload), event))


def delete_running_event(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    raw.execute("DELETE FROM session_event WHERE session_id = ? AND seq = 3", (ids["running"],))


def delete_last_event(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    last = raw.execute("SELECT id FROM session_event ORDER BY recorded_at DESC, seq DESC").fetchone()[0]
    raw.execute("DELETE FROM session_event WHERE id = ?", (last,))


def change_signed_and_its_signature(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    """A signed session's vitals changed, and the signature's hash recomputed to match (as the code does)."""
    event, payload = last_vitals(raw, ids["signed"])
    payload["values"]["systolic"] = "118"
    raw.execute("UPDATE session_event SET payload = ? WHERE id = ?", (json.dumps(payload), event))
    columns = [c[1] for c in raw.execute("PRAGMA table_info(session_event)")]
    rows = raw.execute("SELECT * FROM session_event WHERE session_id = ? ORDER BY seq", (ids["signed"],)).fetchall()
    events: list[Event] = []
    for values in rows:
        fields = dict(zip(columns, values, strict=True))
        fields["payload"] = json.loads(fields["payload"])
        for moment in ("occurred_at", "recorded_at"):
            fields[moment] = _moment(fields[moment])
        events.append(to_event(SessionEvent(**fields)))
    final = events[-1]
    hashed = signed_content(final, events[:-1])
    payload = dict(final.payload)
    payload["signatures"] = [{**entry, "signed_hash": hashed} for entry in payload["signatures"]]
    raw.execute("UPDATE session_event SET payload = ? WHERE id = ?", (json.dumps(payload), final.id))


def _moment(stored: str) -> datetime:
    return datetime.fromisoformat(stored).replace(tzinfo=UTC)


def rename_patient(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    raw.execute("UPDATE patient SET family_name = 'Lindgren' WHERE id = ?", (ids["patient"],))


def change_birth_date(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    raw.execute("UPDATE patient SET birth_date = '1971-04-14' WHERE id = ?", (ids["patient"],))


def change_record_number(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    raw.execute("UPDATE patient SET mrn = 'MRN-1010' WHERE id = ?", (ids["patient"],))


def change_allergies(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    raw.execute(
        "UPDATE patient_details SET allergies = '' , no_known_allergies = 1 WHERE patient_id = ?", (ids["patient"],)
    )


def change_prescriber(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    raw.execute("UPDATE course SET prescriber = 'Dr Nobody' WHERE patient_id = ?", (ids["other"],))


def change_outcome(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    raw.execute("UPDATE infusion_session SET outcome = 'stopped early' WHERE id = ?", (ids["signed"],))


def change_chair(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    raw.execute("UPDATE infusion_session SET chair = 3 WHERE id = ?", (ids["signed"],))


def move_start(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    """The moment the infusion began moved on the session's row (the outcome report places courses by it)."""
    raw.execute("UPDATE infusion_session SET began_at = '2025-01-01 09:00:00.000000' WHERE id = ?", (ids["signed"],))


def clear_start(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    raw.execute("UPDATE infusion_session SET began_at = NULL WHERE id = ?", (ids["signed"],))


def forge_event(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    """A record slipped in by copying another one under a new id, with no audit line."""
    columns = [c[1] for c in raw.execute("PRAGMA table_info(session_event)")]
    row = dict(zip(columns, raw.execute("SELECT * FROM session_event ORDER BY seq DESC").fetchone(), strict=True))
    row |= {"id": "forged-0000", "seq": row["seq"] + 100}
    marks = ", ".join("?" for _ in columns)
    raw.execute(f"INSERT INTO session_event ({', '.join(columns)}) VALUES ({marks})", [row[c] for c in columns])


def change_day_not_given(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    """A missed day turned into the clinic's cancellation: the patient's adherence would read better."""
    raw.execute("UPDATE patient_event SET type = 'course.day_cancelled' WHERE patient_id = ?", (ids["patient"],))


def delete_day_not_given(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    raw.execute("DELETE FROM patient_event WHERE patient_id = ?", (ids["patient"],))


def forge_day_not_given(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    """A day's reason slipped in for the other patient by copying one, with no audit line."""
    raw.execute(
        "INSERT INTO patient_event SELECT 'forged-day', :other, NULL, 99, type, payload, occurred_at, recorded_at,"
        " recorded_by, workstation, corrects, reason FROM patient_event WHERE type = 'course.day_missed'",
        {"other": ids["other"]},
    )


def change_sitting_scores(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    """The scores the outcome report reads made better than the sitting's record says."""
    raw.execute('UPDATE sitting_scores SET scores = replace(scores, \'"PI_4a_v1.0","\', \'"PI_4a_v1.0","4\')')


def delete_sitting_scores(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    raw.execute("DELETE FROM sitting_scores")


def forge_sitting_scores(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    """Scores slipped in for a sitting that was never recorded."""
    raw.execute("INSERT INTO sitting_scores SELECT 'forged-sitting', patient_id, taken_at, scores FROM sitting_scores")


def change_course_facts(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    """A course's completed sessions, as the outcome report reads them, made more than its sessions say."""
    raw.execute("UPDATE course_facts SET completed = completed + 1")


def delete_course_facts(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    raw.execute("DELETE FROM course_facts")


def edit_audit_line(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    raw.execute("UPDATE audit_entry SET workstation = 'elsewhere' WHERE seq = 5")


def delete_audit_line(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    raw.execute("DELETE FROM audit_entry WHERE seq = 5")


def cut_lines_only(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    """The last lines cut, their records left: the records have no line."""
    last = raw.execute("SELECT max(seq) FROM audit_entry").fetchone()[0]
    raw.execute("DELETE FROM audit_entry WHERE seq > ?", (last - 3,))


def rewrite_from(raw: sqlite3.Connection, seq: int) -> None:
    """Recompute every entry's hash from ``seq`` on, as someone covering a change would."""
    columns = [c[1] for c in raw.execute("PRAGMA table_info(audit_entry)")]
    previous = raw.execute("SELECT entry_hash FROM audit_entry WHERE seq = ?", (seq - 1,)).fetchone()[0]
    for values in raw.execute("SELECT * FROM audit_entry WHERE seq >= ? ORDER BY seq", (seq,)).fetchall():
        row = dict(zip(columns, values, strict=True))
        fixed = entry_hash(
            seq=row["seq"],
            at=datetime.fromisoformat(row["at"]).replace(tzinfo=UTC),
            actor_id=row["actor_id"],
            action=row["action"],
            workstation=row["workstation"],
            patient_id=row["patient_id"],
            session_id=row["session_id"],
            detail=json.loads(row["detail"]),
            prev_hash=previous,
        )
        raw.execute("UPDATE audit_entry SET prev_hash = ?, entry_hash = ? WHERE seq = ?", (previous, fixed, row["seq"]))
        previous = fixed


def rename_signed_patient_and_cover(raw: sqlite3.Connection, ids: dict[str, str]) -> None:
    """The signed session's patient renamed, her line's hash recomputed, and the whole chain after it."""
    raw.execute("UPDATE patient SET family_name = 'Lindgren' WHERE id = ?", (ids["patient"],))
    line, detail = raw.execute(
        "SELECT seq, detail FROM audit_entry WHERE action = 'patient.registered' AND patient_id = ?", (ids["patient"],)
    ).fetchone()
    row = raw.execute("SELECT mrn, given_name, birth_date FROM patient WHERE id = ?", (ids["patient"],)).fetchone()
    renamed = Patient(
        id=ids["patient"],
        mrn=row[0],
        family_name="Lindgren",
        given_name=row[1],
        birth_date=date.fromisoformat(row[2]),
        created_at=datetime.now(UTC),
        created_by="x",
    )
    cover = {**json.loads(detail), "content_hash": patient_content(renamed)}
    raw.execute("UPDATE audit_entry SET detail = ? WHERE seq = ?", (json.dumps(cover), line))
    rewrite_from(raw, line)


KINDS: dict[str, tuple[Tamper, str]] = {
    "a vital sign changed in an unsigned session": (change_vitals, "was changed after it was written"),
    "an entry deleted in an unsigned session": (delete_running_event, "was removed: audit entry"),
    "the last care entry deleted, its line kept": (delete_last_event, "was removed: audit entry"),
    "a signed session changed, its signature recomputed": (
        change_signed_and_its_signature,
        "was changed after it was written",
    ),
    "the patient's name changed": (rename_patient, "patient record"),
    "the patient's date of birth changed": (change_birth_date, "patient record"),
    "the patient's record number changed": (change_record_number, "patient record"),
    "the allergies changed": (change_allergies, "sex and allergies record"),
    "the course's prescriber changed": (change_prescriber, "course order"),
    "a session's outcome changed in its summary row": (change_outcome, "session summary"),
    "a session's chair changed in its summary row": (change_chair, "session summary"),
    "when the infusion began moved on a session's row": (move_start, "its entries say one at"),
    "when the infusion began cleared from a session's row": (clear_start, "it says no start"),
    "a care entry forged without a line": (forge_event, "has no audit entry"),
    "a missed day changed into the clinic's cancellation": (change_day_not_given, "was changed after it was written"),
    "a day not given deleted, its line kept": (delete_day_not_given, "was removed: audit entry"),
    "a day not given forged without a line": (forge_day_not_given, "forged-day (saved"),
    "a sitting's scores changed where the report reads them": (change_sitting_scores, "no longer say what"),
    "a sitting's scores deleted where the report reads them": (delete_sitting_scores, "were removed"),
    "scores forged for a sitting never recorded": (forge_sitting_scores, "forged-sitting have no outcome-form"),
    "a course's row changed where the report reads it": (change_course_facts, "no longer says what the course's"),
    "a course's row deleted where the report reads it": (delete_course_facts, "row for course"),
    "an audit line edited": (edit_audit_line, "entry 5 was changed after it was written"),
    "an audit line deleted": (delete_audit_line, "entry 6 follows a gap"),
    "audit lines cut from the end, their records kept": (cut_lines_only, "has no audit entry"),
    "a signed patient renamed, her line and the chain after it recomputed": (
        rename_signed_patient_and_cover,
        "no longer matches who its signature covered",
    ),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_change_by_hand_is_found(kind: str, day: dict[str, str], database: Database, db_path: Path) -> None:
    change, said = KINDS[kind]
    shell(database, db_path, change, day)
    check = audit.verify(database)
    assert not check.ok, kind
    assert said in check.problem, check.problem


def test_a_record_changed_by_hand_is_read_as_it_now_stands(
    care: Care, day: dict[str, str], database: Database, db_path: Path
) -> None:
    """Entries read lately are remembered, but only while their stored row is the very same: what was
    changed under Chairside is shown as it now is (and verify says it was changed), never as it was."""
    vitals = [e for e in care.state(day["running"]).events if e.type.value == "vitals.recorded"]
    assert vitals[-1].payload["values"]["systolic"] != "118"
    shell(database, db_path, change_vitals, day)
    again = [e for e in care.state(day["running"]).events if e.type.value == "vitals.recorded"]
    assert again[-1].id == vitals[-1].id and again[-1].payload["values"]["systolic"] == "118"
    assert again[-1].data_as(VitalsRecorded).values[VitalKind.SYSTOLIC] == Decimal("118")
