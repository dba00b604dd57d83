"""``main.py outcomes import FILE.csv --as USERNAME``: a clinic's file of outcome forms, recorded in the
name of the nurse who imports it, who proves it with her password as in the app.

The file's format is in ``core.outcomes.importing``. Every row is checked first; one bad row and nothing is
recorded, each problem said with its line so the file can be corrected and imported again.
"""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from cli.report import NO_RESTART
from cli.say import say
from core.accounts import Accounts
from core.care import Care
from core.clock import Clock
from core.errors import EnvironmentTrouble, InputError
from core.paths import expanded
from core.protocol import load_protocol
from core.startup import open_store


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    outcomes = commands.add_parser(
        "outcomes",
        help="record outcome forms (PROMIS) from a clinic's file",
        description="Outcome forms the patients answered (PROMIS, by item id and value).",
    )
    actions = outcomes.add_subparsers(dest="outcomes_command", metavar="ACTION", required=True)
    importing = actions.add_parser(
        "import",
        help="record the sittings of a CSV file (checked whole first: one bad row and nothing is recorded)",
        description="Record the sittings of a CSV file in UTF-8, one a row: mrn, taken_on (YYYY-MM-DD), an "
        "optional mode, one column per PROMIS item headed by its item id (an empty cell is an item not "
        "answered), and pain_intensity (0-10). Every row is checked before any is recorded; a row already "
        "recorded (same patient, day and answers) is skipped and said.",
    )
    importing.add_argument("file", type=Path, metavar="FILE.csv", help="the clinic's outcome file")
    importing.add_argument(
        "--as",
        dest="as_user",
        required=True,
        metavar="USERNAME",
        help="your user name (asks your password): the sittings are recorded in your name",
    )


def run(args: argparse.Namespace, clock: Clock) -> int:
    data = _read(args.file)
    database, workstation = open_store(args.database, clock)
    try:
        accounts = Accounts(database, clock, workstation.name)
        password = getpass.getpass(f"Password of {args.as_user}: ")
        account = accounts.authenticate(args.as_user, password, "command line")
        care = Care(database, load_protocol(), clock, workstation.name, app_started_at=NO_RESTART)
        result = care.import_assessments(data, account.id)
    finally:
        database.dispose()
    say(result.words)
    for problem in result.problems:
        say(f"  {problem.words}")
    for line in result.skipped:
        say(f"  {line.words}")
    for done in result.recorded:
        view = done.assessment
        point = view.time_point or "no time point"
        forms = "; ".join(f"{form.domain} {form.words}" for form in view.forms)
        say(f"  Line {done.line}: {done.mrn} {view.taken_on.isoformat()} ({point}): {forms}")
    return 0 if result.imported else 1


def _read(path: Path) -> bytes:
    try:
        return expanded(path, "file").read_bytes()
    except FileNotFoundError:
        raise InputError("file", f"There is no file {path}.", "Check the file's name and folder.") from None
    except OSError as error:
        problem = f"The file {path} cannot be read ({error.strerror})."
        raise EnvironmentTrouble(problem, "Check it, then try again.") from None
