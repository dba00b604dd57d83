"""The audit chain's head, kept outside the database: what a chain inside the file cannot prove about itself.

Anyone holding the database file could rewrite every record and recompute every hash after it, or cut the
last entries together with their records; the chain would still verify. A note of the head (its entry
number and hash), written at least daily to a folder the clinic chooses (a second disk, a share), printed
on the day log and written to the log, cannot be rewritten with the file. ``audit verify --anchor FILE``
checks that the trail still holds that entry, with that hash: entries after it may be new; the entry
itself, and every one before it, cannot have changed.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from core import audit
from core.errors import InputError
from core.paths import data_dir
from core.persistence.db import Database, file_trouble
from core.private_files import write_whole

log = logging.getLogger(__name__)

PREFIX = "chairside-anchor-"


@dataclass(frozen=True)
class Anchor:
    seq: int
    entry_hash: str
    taken_at: str
    """When it was noted, as ISO text (read back as it was written)."""
    database: str


def anchor_folder(chosen: str) -> Path:
    """The clinic's folder for anchors (``anchor_folder`` setting), or the data folder's own."""
    return Path(chosen).expanduser() if chosen else data_dir() / "anchors"


def anchored_on(folder: Path, day: date) -> bool:
    return (folder / f"{PREFIX}{day.isoformat()}.json").exists()


def write_anchor(database: Database, folder: Path, now: datetime) -> Path | None:
    """Note the chain's head today (one file a day, the latest note of the day kept); None when the trail
    is still empty. Written under a temporary name, then renamed: never half a note."""
    head = audit.head(database)
    if head is None:
        return None
    seq, entry_hash = head
    note = {"seq": seq, "entry_hash": entry_hash, "taken_at": now.isoformat(), "database": database.where}
    path = folder / f"{PREFIX}{now.astimezone().date().isoformat()}.json"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_whole(path, json.dumps(note).encode())
    except OSError as exc:
        raise file_trouble(exc, path) from exc
    log.info("audit chain head noted in %s: entry %s, hash %s", path, seq, entry_hash)
    return path


def read_anchor(path: Path) -> Anchor:
    try:
        note = json.loads(path.read_text(encoding="utf-8"))
        return Anchor(int(note["seq"]), str(note["entry_hash"]), str(note["taken_at"]), str(note["database"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(
            "anchor",
            f"{path} cannot be read as a note of the audit trail's head.",
            "Give a file Chairside wrote (chairside-anchor-YYYY-MM-DD.json) or the line printed on a day log.",
        ) from exc


@dataclass(frozen=True)
class AnchorCheck:
    ok: bool
    words: str
    """What was found: the problem, or why a note that no longer matches is explained (a restore)."""


def check_anchor(database: Database, anchor: Anchor) -> AnchorCheck:
    """Whether the trail still holds the noted entry with the noted hash, in words. A note taken before a
    restore from an older backup is explained by the restore line, not called a rewrite."""
    row, restores = audit.noted(database, anchor.seq)
    if row is not None and row.entry_hash == anchor.entry_hash:
        return AnchorCheck(True, "")
    for line in restores:
        replaced = line.detail.get("replaced_head")
        if replaced and int(replaced[0]) >= anchor.seq:
            return AnchorCheck(
                True,
                f"entry {anchor.seq} noted on {anchor.taken_at} was in the database that a restore from a backup "
                f"replaced (audit entry {line.seq}, {line.at:%Y-%m-%d %H:%M} UTC); that database is kept at "
                f"{line.detail.get('kept_aside')}: check the note against it.",
            )
    if row is None:
        last = audit.head(database)
        return AnchorCheck(
            False,
            f"the trail ends at entry {last[0] if last else 0}, but on {anchor.taken_at} it had reached entry "
            f"{anchor.seq}: entries were cut from the end (with the records they describe, or the records would "
            "show it).",
        )
    return AnchorCheck(
        False,
        f"entry {anchor.seq} is not the entry noted on {anchor.taken_at}: the trail was rewritten at or before it "
        "(every hash recomputed, so the chain alone still looked whole).",
    )


def notes_in(folder: Path, database: str) -> list[tuple[Path, Anchor]]:
    """The notes of this database's trail kept in the folder, newest first (one a day, named by the day);
    notes of other databases, and files that cannot be read as notes, are passed over."""
    notes = []
    for path in sorted(folder.glob(f"{PREFIX}*.json"), reverse=True):
        try:
            note = read_anchor(path)
        except InputError:
            continue
        if note.database == database:
            notes.append((path, note))
    return notes
