"""Where a printout goes, and the audit line that says so: every print and export is recorded.

A file is written whole or not at all (a temporary file renamed into place), so a full disk never
leaves half a PDF that looks complete. The audit line names the document, the patient and session
when there is one, where it went, and who asked: a signed-in nurse, or the computer account that ran
a command.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core import audit
from core.audit import AuditAction
from core.errors import DiskFull, EnvironmentTrouble
from core.persistence.db import Database


@dataclass(frozen=True)
class Output:
    document: str
    destination: str
    """A file path, or a printer's name."""
    patient_id: str | None = None
    session_id: str | None = None


@dataclass(frozen=True)
class Printout:
    """A document built once, with the audit line(s) each copy of it will need (one per patient on it)."""

    pdf: bytes
    outputs: tuple[Output, ...]


def write_file(path: Path, content: bytes) -> Path:
    """The whole file or nothing; what cannot be written says why and what to do."""
    path = path.expanduser()
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(content)
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        if error.errno == errno.ENOSPC:
            raise DiskFull(f"The disk is full: {path} was not written.", "Free some space and try again.") from error
        raise EnvironmentTrouble(
            f"{path} could not be written ({error.strerror}).",
            "Choose a folder you can write to, and check the disk or USB stick is there.",
        ) from error
    return path.resolve()


def record_output(
    database: Database,
    at: datetime,
    workstation: str,
    output: Output,
    *,
    actor_id: str | None = None,
    os_account: str | None = None,
) -> None:
    detail = {"what": output.document, "to": output.destination}
    if os_account:
        detail["os_account"] = os_account
    with database.transaction() as tx:
        audit.record(
            tx,
            AuditAction.EXPORTED,
            at=at,
            workstation=workstation,
            actor_id=actor_id,
            patient_id=output.patient_id,
            session_id=output.session_id,
            detail=detail,
        )
