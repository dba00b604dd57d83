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


_C_ENCODER = getattr(json.encoder, "c_make_encoder", None)
_ENCODE = (
    _C_ENCODER(None, _CANONICAL.default, json.encoder.encode_basestring, None, ":", ",", True, False, True)
    if _C_ENCODER is not None
    else None
)
"""``_CANONICAL``'s own C encoder, made once and called directly (``JSONEncoder.encode`` makes a new one on
every call): the same text, without a circular-reference check (what is hashed is built of plain values)."""


def canonical_json(value: Any) -> str:
    """The one canonical text of ``value``: keys sorted, no spaces, UTF-8 as is."""
    if _ENCODE is None or isinstance(value, str):
        return _CANONICAL.encode(value)
    return "".join(_ENCODE(value, 0))


def sha256_json(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()
