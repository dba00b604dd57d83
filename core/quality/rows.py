"""The rows the quality report counts that are not care entries, as ``core.records`` reads them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple


class AuditLine(NamedTuple):
    """One audit line as the report reads it."""

    seq: int
    at: datetime
    actor_id: str | None
    action: str
    patient_id: str | None
    session_id: str | None
    detail: dict[str, Any]
