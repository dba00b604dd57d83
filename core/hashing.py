"""The one canonical form Chairside hashes: the audit chain and signatures must agree on it forever,
since a hash computed today is checked against one stored years ago."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any


def utc_moment(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def sha256_json(value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
