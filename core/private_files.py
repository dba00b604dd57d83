"""Files Chairside writes for people to keep (PDFs, notes of the audit trail's head, settings): whole or
not at all, and readable by this computer account only.

Each is written under a temporary name beside its place, flushed to the disk, then renamed over the old
one: a full disk or a crash leaves the old file or none, never half a new one that looks complete. The
mode is 0600 from the first byte (patient data is private), whatever the account's umask says.
"""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path

PRIVATE = 0o600


def write_whole(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` whole, 0600; an OSError leaves nothing behind and is raised for the
    caller to put in words (which depend on what the file is)."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
        with os.fdopen(handle, "wb") as file:
            os.fchmod(handle, PRIVATE)  # a partial file left by a crash keeps its old mode otherwise
            file.write(content)
            file.flush()
            os.fsync(handle)
        partial.replace(path)
    except OSError:
        with suppress(OSError):  # the folder itself may be what failed
            partial.unlink(missing_ok=True)
        raise
