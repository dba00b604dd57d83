"""What the chain inside the file cannot show, a note of its head kept outside it does: a trail rewritten
from some entry on with every hash recomputed, and entries cut from the end."""

from __future__ import annotations

import json
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

from cli.commands import main
from core import audit
from core.anchors import anchor_folder, anchored_on, check_anchor, read_anchor, write_anchor
from core.care import Care
from core.clock import ManualClock
from core.content_hashes import patient_content
from core.persistence.db import Database, sqlite_url
from core.persistence.tables import Patient
from core.views import PatientView
from tests.test_tamper import rewrite_from, shell


def never_open(url: str | None) -> int:
    raise AssertionError("the audit commands must not open windows")


def test_a_patient_renamed_and_the_whole_chain_recomputed_is_found_against_the_anchor(
    care: Care, patient: PatientView, database: Database, db_path: Path, tmp_path: Path, clock: ManualClock
):
    noted = write_anchor(database, tmp_path / "anchors", clock.now())
    assert noted is not None and stat.S_IMODE(noted.stat().st_mode) & 0o077 == 0

    def rename_and_cover(raw: sqlite3.Connection, _ids: dict[str, str]) -> None:
        raw.execute("UPDATE patient SET family_name = 'Lindgren' WHERE id = ?", (patient.id,))
        line, detail = raw.execute(
            "SELECT seq, detail FROM audit_entry WHERE action = 'patient.registered' AND patient_id = ?", (patient.id,)
        ).fetchone()
        row = Patient(
            id=patient.id,
            mrn=patient.mrn,
            family_name="Lindgren",
            given_name=patient.given_name,
            birth_date=patient.birth_date,
            created_at=clock.now(),
            created_by="x",
        )
        cover = {**json.loads(detail), "content_hash": patient_content(row)}
        raw.execute("UPDATE audit_entry SET detail = ? WHERE seq = ?", (json.dumps(cover), line))
        rewrite_from(raw, line)

    shell(database, db_path, rename_and_cover, {})
    assert audit.verify(database).ok  # the chain alone cannot tell
    found = check_anchor(database, read_anchor(noted))
    assert not found.ok and "the trail was rewritten at or before it" in found.words


def test_entries_cut_from_the_end_are_found_against_the_anchor(
    care: Care, patient: PatientView, nurses, database: Database, db_path: Path, tmp_path: Path, clock: ManualClock
):
    care.record_view(nurses[0].id, patient.id)  # lines with no record of care: cut, nothing else shows it
    care.record_view(nurses[0].id, patient.id)
    noted = write_anchor(database, tmp_path / "anchors", clock.now())
    assert noted is not None
    shell(
        database, db_path, lambda raw, _ids: raw.execute("DELETE FROM audit_entry WHERE action = 'patient.viewed'"), {}
    )
    assert audit.verify(database).ok
    found = check_anchor(database, read_anchor(noted))
    assert not found.ok and "entries were cut from the end" in found.words


def test_verify_with_the_anchor_at_the_command_line(
    care: Care, patient: PatientView, database: Database, db_path: Path, chairside_home: Path, clock, capsys
):
    url = sqlite_url(db_path)
    assert main(never_open, ["--database", url, "audit", "anchor"], clock) == 0
    folder = anchor_folder("")
    assert anchored_on(folder, clock.now().astimezone().date())
    (note,) = folder.glob("chairside-anchor-*.json")
    assert main(never_open, ["--database", url, "audit", "verify", "--anchor", str(note)], clock) == 0
    assert "nothing up to it was rewritten or cut" in capsys.readouterr().out

    with closing(sqlite3.connect(db_path)) as raw:
        raw.execute("DROP TRIGGER audit_entry_no_delete")
        raw.execute("DELETE FROM audit_entry WHERE seq = (SELECT max(seq) FROM audit_entry)")
        raw.commit()
    assert main(never_open, ["--database", url, "audit", "verify", "--anchor", str(note)], clock) == 1
    assert "BROKEN against the note" in capsys.readouterr().out
    bad = note.with_name("nonsense.json")
    bad.write_text("{}")
    assert main(never_open, ["--database", url, "audit", "verify", "--anchor", str(bad)], clock) == 2
