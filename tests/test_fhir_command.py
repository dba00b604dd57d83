"""``main.py export fhir`` run as a person runs it: the files private and whole, the disclosure audited, and
every mistake said in words (never a traceback), leaving nothing behind."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

from cli.commands import main
from core import audit, private_files
from core.audit import AuditAction
from core.fhir import writing
from core.persistence.db import sqlite_url
from tests.helpers.clinic import T0
from tests.helpers.sessions import signed

DAY = T0.astimezone().date().isoformat()


def cli(*argv: str, clock=None) -> int:
    return main(lambda url: pytest.fail("no window"), list(argv), clock)


@pytest.fixture
def recorded(care, patient, nurses, clock, db_path) -> str:
    """Maja's first session, signed; the database's address."""
    signed(care, patient, nurses, clock)
    return sqlite_url(db_path)


def _exports(database) -> list[audit.AuditRecord]:
    return [e for e in audit.entries(database) if e.action == AuditAction.EXPORTED]


def test_the_command_writes_private_files_and_audits_the_disclosure(recorded, database, clock, tmp_path, capsys):
    out, folder = tmp_path / "maja.json", tmp_path / "ndjson"
    folder.mkdir()
    asked = ("export", "fhir", "--from", DAY, "--to", DAY, "--patient", "MRN-1001", "--out", str(out))
    assert cli("--database", recorded, *asked, "--ndjson", str(folder), clock=clock) == 0
    said = capsys.readouterr().out
    assert "1 patient," in said and "1 patients" not in said and f"Written to {out.resolve()}" in said
    assert "has not set its FHIR address" in said and "settings set fhir_base_url" in said
    assert json.loads(out.read_text("utf-8"))["resourceType"] == "Bundle"
    for path in [out, *folder.iterdir()]:
        assert path.stat().st_mode & 0o777 == 0o600
    assert {p.name for p in folder.iterdir()} >= {"Patient.ndjson", "Encounter.ndjson", "Observation.ndjson"}
    (line,) = _exports(database)
    assert line.detail["what"] == "FHIR R4 export (collection Bundle, NDJSON)"
    assert line.detail["to"] == f"{out.resolve()}; {folder.resolve()}"
    assert (line.detail["from_day"], line.detail["to_day"], line.detail["patients"]) == (DAY, DAY, 1)
    assert line.detail["resources"] > 10 and line.detail["os_account"]
    assert line.patient_id is not None


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (("--from", "2026-13-01", "--to", DAY), "is not a date"),
        (("--from", DAY, "--to", "2026-01-01"), "before the first"),
        (("--from", DAY, "--to", DAY, "--patient", " MRN-9999 "), "No patient has the record number “MRN-9999”."),
        (("--from", "2020-01-01", "--to", "2020-01-02"), "No sessions or outcome forms"),
    ],
)
def test_bad_input_is_said_in_words_and_writes_nothing(recorded, database, clock, tmp_path, capsys, argv, said):
    out = tmp_path / "x.json"
    assert cli("--database", recorded, "export", "fhir", *argv, "--out", str(out), clock=clock) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
    assert list(tmp_path.glob("*x.json*")) == [] and _exports(database) == []


def test_somewhere_to_write_is_needed_and_must_exist(recorded, database, clock, tmp_path, capsys):
    assert cli("--database", recorded, "export", "fhir", "--from", DAY, "--to", DAY, clock=clock) == 2
    assert "--out FILE.json" in capsys.readouterr().err
    missing = tmp_path / "nowhere" / "x.json"
    assert cli("--database", recorded, "export", "fhir", "--from", DAY, "--to", DAY, "--out", str(missing)) == 2
    assert "There is no folder" in capsys.readouterr().err
    args = ("export", "fhir", "--from", DAY, "--to", DAY, "--ndjson", str(tmp_path / "absent"))
    assert cli("--database", recorded, *args, clock=clock) == 2
    assert "There is no folder" in capsys.readouterr().err
    assert _exports(database) == []


def test_an_ndjson_folder_must_be_a_folder_without_an_earlier_exports_files(
    recorded, database, clock, tmp_path, capsys
):
    args = ("--database", recorded, "export", "fhir", "--from", DAY, "--to", DAY, "--ndjson")
    folder = tmp_path / "last-month"
    folder.mkdir()
    earlier = folder / "Patient.ndjson"
    earlier.write_text("{}\n")
    assert cli(*args, str(folder), clock=clock) == 2
    assert "Choose an empty folder" in capsys.readouterr().err
    assert earlier.read_text() == "{}\n" and [p.name for p in folder.iterdir()] == ["Patient.ndjson"]
    assert cli(*args, str(earlier), clock=clock) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    assert _exports(database) == []


def test_a_transaction_needs_a_bundle_file(recorded, database, clock, tmp_path, capsys):
    args = ("export", "fhir", "--from", DAY, "--to", DAY, "--transaction", "--ndjson", str(tmp_path))
    assert cli("--database", recorded, *args, clock=clock) == 2
    err = capsys.readouterr().err
    assert "--transaction needs --out" in err and "Traceback" not in err
    assert _exports(database) == []


def test_a_failed_ndjson_file_is_named_not_the_bundle(recorded, database, clock, tmp_path, capsys, monkeypatch):
    folder, out = tmp_path / "ndjson", tmp_path / "b.json"
    folder.mkdir()
    real = private_files.os.open

    def refused(path, *args, **kwargs):
        if Path(path).parent == folder and ".Encounter.ndjson." in str(path):
            raise OSError(errno.EACCES, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(private_files.os, "open", refused)
    asked = ("export", "fhir", "--from", DAY, "--to", DAY, "--out", str(out), "--ndjson", str(folder))
    assert cli("--database", recorded, *asked, clock=clock) == 2
    err = capsys.readouterr().err
    assert f"The export to {folder / 'Encounter.ndjson'} could not be written" in err
    assert list(folder.iterdir()) == [] and not out.exists() and _exports(database) == []


def test_a_disk_that_fills_part_way_leaves_no_file_and_no_disclosure(
    recorded, database, clock, tmp_path, capsys, monkeypatch
):
    real = writing.to_json
    written: list[str] = []

    def fills_up(resource):
        if len(written) == 5:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(resource["resourceType"])
        return real(resource)

    monkeypatch.setattr(writing, "to_json", fills_up)
    folder = tmp_path / "out"
    folder.mkdir()
    asked = ("export", "fhir", "--from", DAY, "--to", DAY, "--out", str(folder / "b.json"), "--ndjson", str(folder))
    assert cli("--database", recorded, *asked, clock=clock) == 2
    err = capsys.readouterr().err
    assert "The disk is full" in err and "Traceback" not in err
    assert f"the export to {folder / 'b.json'} and {folder} was not written" in err  # which file: not known
    assert list(folder.iterdir()) == []  # no Bundle, no NDJSON, no partial file
    assert _exports(database) == []


def test_a_resource_its_model_refuses_is_a_bug_reported_with_an_incident_and_leaves_nothing(
    recorded, database, clock, tmp_path, capsys, monkeypatch
):
    real = writing.to_json

    def broken(resource):
        if resource["resourceType"] == "Encounter":
            resource = {**resource, "status": None, "period": "yesterday"}
        return real(resource)

    monkeypatch.setattr(writing, "to_json", broken)
    out = tmp_path / "b.json"
    assert cli("--database", recorded, "export", "fhir", "--from", DAY, "--to", DAY, "--out", str(out)) == 70
    assert "incident" in capsys.readouterr().err
    assert list(tmp_path.glob("*b.json*")) == [] and _exports(database) == []
