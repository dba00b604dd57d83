"""The one canonical form Chairside hashes: the audit chain and signatures must agree on it forever,
since a hash computed today is checked against one stored years ago."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any


def utc_moment(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
"""Built once: ``json.dumps`` with these options builds a new encoder on every call, which cost more than
the encoding itself for the small records hashed most often (an audit line, a session's summary)."""


def canonical_json(value: Any) -> str:
    """The one canonical text of ``value``: keys sorted, no spaces, UTF-8 as is."""
    return _CANONICAL.encode(value)


def sha256_json(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()
