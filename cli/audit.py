"""The ``audit`` commands: check the trail's chain, and read it without opening the app.

``verify`` is what an inspector or the clinic's IT runs after a backup or on a schedule: it prints
the number of entries and OK, or the first broken entry and what is wrong, and exits 1 so a script
notices. ``show`` reads the trail as people read it; like reading it in the app, this is itself
recorded, naming the computer account that ran the command.
"""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from cli.say import say
from core import audit, trail_check
from core.anchors import anchor_folder, check_anchor, notes_in, read_anchor, write_anchor
from core.audit_report import DEFAULT_LIMIT, AuditLine, show_trail
from core.clock import Clock
from core.settings import clinic_settings
from core.startup import open_store


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "audit",
        help="check or read the audit trail",
        description="The audit trail: every sign-in, record opened, care written, signature, print and export, "
        "each chained to the one before so that an edit or a removal is found.",
    )
    actions = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    check = actions.add_parser(
        "verify",
        help="check every link of the chain and every record it describes (exit 1 if broken)",
        description="Check every entry's hash and link, that every care record has its entry and every entry "
        "its record, each as it was written. Prints the number of entries and OK, or the first problem (exit "
        "status 1). Changes nothing. With --since-anchor, only what came after a note of the trail's head kept "
        "outside the database (seconds at any size); without it, everything (some minutes for ten years).",
    )
    against = check.add_mutually_exclusive_group()
    against.add_argument(
        "--anchor",
        type=Path,
        metavar="FILE",
        help="also check against a note of the trail's head kept outside the database (chairside-anchor-*.json): "
        "finds a trail rewritten or cut from the end",
    )
    against.add_argument(
        "--since-anchor",
        nargs="?",
        const=Path(),
        type=Path,
        metavar="FILE",
        help="the daily check, in seconds at any size: check that the trail still holds the entry noted in FILE "
        "(or the newest note of this database in the anchor folder) with its hash, then only what came after it: "
        "every later line and the records it describes, and the sessions and patients they touched. Records from "
        "before the note are left to the full check (without this option): run that too, say weekly",
    )
    actions.add_parser(
        "anchor",
        help="note the trail's head now in the clinic's anchor folder (the app does it daily)",
        description="Write today's note of the audit trail's head (entry number and hash) to the folder in the "
        "anchor_folder setting, or Chairside's data folder: keep that folder off this computer's disk.",
    )
    show = actions.add_parser(
        "show",
        help="list entries, newest first (reading is itself recorded)",
        description="List audit entries, newest first, with names, patients and local times. Filters combine. "
        "Reading the trail is recorded in the trail, with the filters and your computer account.",
    )
    show.add_argument("--patient", metavar="MRN", default="", help="only entries about the patient with this MRN")
    show.add_argument("--user", metavar="USERNAME", default="", help="only entries by the account with this user name")
    show.add_argument("--date", metavar="YYYY-MM-DD", default="", help="only entries on this local calendar day")
    show.add_argument(
        "--limit", type=int, default=DEFAULT_LIMIT, metavar="N", help=f"at most N entries (default {DEFAULT_LIMIT})"
    )


def verify(url: str | None, anchor_file: Path | None, clock: Clock) -> int:
    noted = read_anchor(anchor_file) if anchor_file is not None else None
    database, _ = open_store(url, clock)
    try:
        check = audit.verify(database)
        last = audit.head(database)
        against = check_anchor(database, noted) if noted is not None and check.ok else None
    finally:
        database.dispose()
    if against is not None and not against.ok:
        say(f"Audit trail: {check.entries} entries. BROKEN against the note in {anchor_file}: {against.words}")
        return 1
    if check.ok:
        if noted is not None and against is not None:
            said = against.words or "nothing up to it was rewritten or cut"
            say(f"Entry {noted.seq}, as noted on {noted.taken_at}: {said}.")
        say(f"Audit trail: {check.entries} entries. OK")
        if last is not None:
            say(f"Last entry {last[0]}, hash {last[1]} (note it elsewhere: a later check can then see cuts).")
        return 0
    where = f"entry {check.first_broken}" if check.first_broken is not None else "the end of the trail"
    say(f"Audit trail: {check.entries} entries read. BROKEN at {where}: {check.problem}")
    return 1


def verify_since(url: str | None, anchor_file: Path | None, clock: Clock) -> int:
    """The check since a note of the trail's head: the note given, or the newest of this database's notes in
    the anchor folder. A note the trail no longer holds is said and fails; none to resume from is said too."""
    database, _ = open_store(url, clock)
    try:
        if anchor_file is not None:
            notes, where = [(anchor_file, read_anchor(anchor_file))], str(anchor_file)
        else:
            folder = anchor_folder(clinic_settings(database).anchor_folder)
            notes, where = notes_in(folder, database.where), f"the anchor folder {folder}"
        for path, noted in notes:
            held = check_anchor(database, noted)
            if not held.ok:
                say(f"Audit trail BROKEN against the note in {path}: {held.words}")
                return 1
            if held.words:  # a restore explains it: the trail no longer holds that entry, so not from there
                say(f"Not resumed from {path}: {held.words}")
                continue
            check = trail_check.since_anchor(database, noted.seq, noted.entry_hash)
            last = audit.head(database)
            break
        else:
            say(
                f"No note of this database's audit trail head that it still holds was found in {where}: nothing to "
                "resume from. Run the full check (audit verify without --since-anchor); 'audit anchor' notes the head "
                "for the next time."
            )
            return 2
    finally:
        database.dispose()
    since = f"since entry {noted.seq} (noted {noted.taken_at} in {path})"
    if not check.held:
        say(f"Audit trail BROKEN against the note in {path}: {check.problem}")
        return 1
    if not check.ok:
        where_broken = f"entry {check.first_broken}" if check.first_broken is not None else "a record"
        read = f"{check.entries} entries after it read"
        say(f"Audit trail checked {since}: {read}. BROKEN at {where_broken}: {check.problem}")
        return 1
    say(f"Audit trail checked {since}: {check.entries} entries after it. OK")
    say(f"Checked: {trail_check.SINCE_ANCHOR_COVERS}")
    if last is not None:
        say(f"Last entry {last[0]}, hash {last[1]} (note it elsewhere: a later check can then see cuts).")
    return 0


def anchor(url: str | None, clock: Clock) -> int:
    database, _ = open_store(url, clock)
    try:
        written = write_anchor(database, anchor_folder(clinic_settings(database).anchor_folder), clock.now())
    finally:
        database.dispose()
    say(f"The trail's head was noted in {written}." if written else "The audit trail is empty: nothing to note.")
    return 0


def format_line(line: AuditLine) -> str:
    parts = [f"{line.when}  #{line.seq}  {line.workstation}  {line.who}: {line.action}"]
    if line.patient:
        parts.append(f"patient {line.patient}")
    if line.session:
        parts.append(f"session {line.session}")
    if line.detail:
        parts.append(line.detail)
    return " — ".join(parts)


def show(args: argparse.Namespace, clock: Clock) -> int:
    database, workstation = open_store(args.database, clock)
    try:
        lines = show_trail(
            database,
            clock,
            workstation.name,
            getpass.getuser(),
            mrn=args.patient,
            username=args.user,
            day=args.date,
            limit=max(1, args.limit),
        )
    finally:
        database.dispose()
    for line in lines:
        say(format_line(line))
    if len(lines) >= max(1, args.limit):
        say(f"Only the newest {len(lines)} entries are shown: narrow with --patient, --user or --date.")
    else:
        say(f"{len(lines)} entries, newest first.")
    return 0


def run(args: argparse.Namespace, clock: Clock) -> int:
    if args.audit_command == "verify" and args.since_anchor is not None:
        return verify_since(args.database, args.since_anchor if args.since_anchor != Path() else None, clock)
    if args.audit_command == "verify":
        return verify(args.database, args.anchor, clock)
    if args.audit_command == "anchor":
        return anchor(args.database, clock)
    return show(args, clock)
