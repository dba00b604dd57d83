"""Files Chairside writes for people to keep (PDFs, notes of the audit trail's head, settings): whole or
not at all, and readable by this computer account only.

Each is written under a temporary name beside its place, flushed to the disk, then renamed over the old
one: a full disk or a crash leaves the old file or none, never half a new one that looks complete. The
mode is 0600 from the first byte (patient data is private), whatever the account's umask says.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
from contextlib import suppress
from pathlib import Path
from typing import BinaryIO

from core.errors import DiskFull, EnvironmentTrouble

PRIVATE = 0o600
PARTIAL = ".partial"
TOKEN_BYTES = 8
_TEMPORARY = re.compile(rf"^\.(?P<name>.+)\.[0-9a-f]{{{2 * TOKEN_BYTES}}}{re.escape(PARTIAL)}$")


def intended(path: Path) -> Path:
    """The file a temporary name of ``WholeFiles`` stands for (a path that is no such name, itself): what an
    error names, since the temporary name is gone by the time anyone reads it."""
    found = _TEMPORARY.match(path.name)
    return path.with_name(found["name"]) if found else path


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


class WholeFiles:
    """Several files written as they come (a FHIR export of years does not fit in memory) and kept together
    or not at all: each under a temporary name beside its place, 0600 from the first byte; when the block
    ends, every one is flushed to the disk and only then renamed into place. An exception in the block, or an
    OSError, leaves none of them behind."""

    def __init__(self) -> None:
        self._open: list[tuple[Path, Path, BinaryIO]] = []

    def open(self, path: Path) -> BinaryIO:
        """A new file under a temporary name of its own beside ``path``: created here (never one that was
        there, nor a link someone left to point elsewhere), 0600."""
        partial = path.with_name(f".{path.name}.{secrets.token_hex(TOKEN_BYTES)}{PARTIAL}")
        handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE)
        file = os.fdopen(handle, "wb")
        self._open.append((path, partial, file))
        os.fchmod(handle, PRIVATE)
        return file

    def __enter__(self) -> WholeFiles:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: object) -> None:
        try:
            if kind is None:
                for _, _, file in self._open:
                    file.flush()
                    os.fsync(file.fileno())
                    file.close()
                for path, partial, _ in self._open:
                    partial.replace(path)
                return
        except BaseException:
            self._discard()
            raise
        self._discard()

    def _discard(self) -> None:
        for _, partial, file in self._open:
            with suppress(OSError):
                file.close()
            with suppress(OSError):
                partial.unlink(missing_ok=True)


def unwritten(error: OSError, what: object, left: str = "") -> EnvironmentTrouble:
    """What an OSError while writing ``what`` means to the person who asked: a full disk, or a place that
    cannot be written, each with what to do. ``left``: what the failure left behind, in words."""
    if error.errno == errno.ENOSPC:
        return DiskFull(f"The disk is full: {what} was not written.", "Free some space and try again.")
    said = str(what)
    return EnvironmentTrouble(
        f"{said[:1].upper()}{said[1:]} could not be written ({error.strerror}){left}.",
        "Choose a folder you can write to, and check the disk or USB stick is there.",
    )
