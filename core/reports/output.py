"""Where a printout goes, and the audit line that says so: every print and export is recorded.

A file is written whole or not at all (a temporary file renamed into place), so a full disk never
leaves half a PDF that looks complete, and readable by this computer account only. The audit line names
the document, the patient and session when there is one, where it went, and who asked: a signed-in nurse,
or the computer account that ran a command. A copy sent to a printer has a second line once the print
system says what became of it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core.audit import AuditAction
from core.paths import expanded
from core.persistence.db import Database
from core.private_files import unwritten, write_whole
from core.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Output:
    document: str
    destination: str
    """A file path, or a printer's name."""
    patient_id: str | None = None
    session_id: str | None = None
    sent: Mapping[str, object] | None = None
    """For a copy sent to a printer: its job number, paper and pages, as the audit line gives them."""


@dataclass(frozen=True)
class Printout:
    """A document built once, with the audit line(s) each copy of it will need (one per patient on it)."""

    pdf: bytes
    outputs: tuple[Output, ...]


PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def page_count(pdf: bytes) -> int:
    """How many pages a PDF Chairside made has (ReportLab writes each page's dictionary plainly)."""
    return len(PAGE.findall(pdf))


def write_file(path: Path, content: bytes) -> Path:
    """The whole file or nothing; what cannot be written says why and what to do."""
    path = expanded(path, "out")
    try:
        write_whole(path, content)
    except OSError as error:
        # The whole path, as the file was named: a relative name says nothing of where it was meant to go.
        raise unwritten(error, f"the file {path.absolute()}") from error
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
    detail: dict[str, object] = {"what": output.document, "to": output.destination, **(output.sent or {})}
    if os_account:
        detail["os_account"] = os_account
    _audit(database, at, workstation, output, AuditAction.EXPORTED, detail, actor_id)


def record_print_outcome(
    database: Database, at: datetime, workstation: str, output: Output, outcome: str, *, actor_id: str | None
) -> None:
    """What became of a copy sent to a printer: "printed", or why not."""
    detail = {"what": output.document, "to": output.destination, **(output.sent or {}), "outcome": outcome}
    _audit(database, at, workstation, output, AuditAction.PRINT_OUTCOME, detail, actor_id)


def _audit(
    database: Database,
    at: datetime,
    workstation: str,
    output: Output,
    action: AuditAction,
    detail: dict[str, object],
    actor_id: str | None,
) -> None:
    with UnitOfWork(database, lambda: at, workstation).writing(actor_id) as work:
        work.audit(action, patient_id=output.patient_id, session_id=output.session_id, detail=detail)
