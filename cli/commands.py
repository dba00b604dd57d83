"""The command line: the app by default (``main.py`` opens it), and commands for whoever administers the
workstation."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path

from cli import audit as cli_audit
from cli import export as cli_export
from cli import outcomes as cli_outcomes
from cli import report as cli_report
from cli import users as cli_users
from cli.say import say, showable
from cli.users import acting_administrator
from core.about import command, name_and_version
from core.accounts import Accounts
from core.audit import AuditAction
from core.backups import restore
from core.clock import Clock, SystemClock
from core.errors import ChairsideError, EnvironmentTrouble, InputError
from core.logs import log_incident
from core.moving import move_clinic
from core.paths import demo_database_path, expanded
from core.people import Permission
from core.persistence.db import KNOWN_REVISIONS, SCHEMA_HEAD, Database, check_sqlite_file, open_database, sqlite_url
from core.plain_text import unshowable
from core.settings import (
    ClinicSettings,
    change_clinic_setting,
    clinic_settings,
    load_workstation,
    settings_history,
)
from core.startup import ENV_DATABASE, choose_database, open_store
from core.unit_of_work import UnitOfWork

OpenApp = Callable[[str | None], int]

DESCRIPTION = """\
Chairside: the chairside companion for low-dose IV ketamine infusion sessions.
With no command, opens the app on this workstation's database."""

RUN = command()
"""How a person runs Chairside here: ``python main.py`` from a checkout, ``chairside`` installed."""

EPILOG = f"""\
The database is chosen by --database, then the {ENV_DATABASE} environment variable, then this
workstation's settings file, then the default SQLite file in your user data folder.
Examples:
  {RUN:14}                                  open the app
  {RUN:14} --database sqlite:////srv/c.sqlite
  {RUN:14} --database postgresql+psycopg://chairside@db.clinic.lan/chairside
                                                  a clinic's server; its password is kept in ~/.pgpass
  {RUN:14} db backup /media/usb/chairside-backup.sqlite
  {RUN:14} demo                             try Chairside on made-up patients"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=RUN, description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        help="database to use, e.g. sqlite:////path/to/chairside.sqlite or postgresql+psycopg://user@host/name "
        "(never with a password in it)",
    )
    parser.add_argument("--version", action="version", version=name_and_version())
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    db = commands.add_parser("db", help="look after the database", description="Look after the database.")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser(
        "upgrade",
        help="bring the database's schema up to this version (a backup is written first)",
        description="Bring the database's schema up to this version of Chairside. A backup copy is written "
        "beside a SQLite file first. A database from a newer Chairside is refused, never changed.",
    )
    db_commands.add_parser(
        "check",
        help="check the database's integrity and schema version (changes nothing)",
        description="Run SQLite's integrity and foreign-key checks and report the schema version. Changes nothing.",
    )
    backup = db_commands.add_parser(
        "backup",
        help="write a consistent copy of the database to PATH (safe while the app runs)",
        description="Write a consistent copy of the SQLite database to PATH using SQLite's online backup; "
        "safe while nurses are recording.",
    )
    backup.add_argument("path", type=Path, metavar="PATH", help="the new backup file (must not exist)")
    restoring = db_commands.add_parser(
        "restore",
        help="put a backup in place of the database (the database it replaces is kept aside)",
        description="Check BACKUP (a Chairside database, whole, its audit trail holding), keep the current "
        "database aside under a new name, put the backup in its place, and record the restore in the audit "
        "trail with the head of the trail it replaced. Close Chairside on this computer first.",
    )
    restoring.add_argument("backup", type=Path, metavar="BACKUP", help="the backup file to restore")
    copying = db_commands.add_parser(
        "copy",
        help="copy every record into a new, empty database (moving the clinic to a server)",
        description="Copy every record of this database into the new, empty database at URL, as stored: the "
        "audit trail is verified before and after, the rows of every table counted on both, and the copy "
        "recorded in the new trail. A database that holds any table is refused. This database is only read. "
        "Stop recording on every workstation first: entries made here afterwards are not copied.",
    )
    copying.add_argument("--to", required=True, metavar="URL", help="the new, empty database")
    db_commands.add_parser(
        "create",
        help="create a new, empty database at the chosen address",
        description="Create a new, empty Chairside database at the chosen address. Refused if one is there.",
    )

    settings = commands.add_parser(
        "settings",
        help="show or change the clinic-wide settings",
        description="Clinic-wide settings, kept in the database with who changed them, when and why.",
    )
    settings_commands = settings.add_subparsers(dest="settings_command", metavar="ACTION", required=True)
    settings_commands.add_parser("show", help="list the settings in force and their history")
    change = settings_commands.add_parser("set", help="change one setting (recorded with who, when and why)")
    change.add_argument("key", choices=sorted(ClinicSettings.model_fields), help="which setting")
    change.add_argument("value", help="the new value")
    change.add_argument("--reason", required=True, help="why it is changed (kept in the history)")
    change.add_argument(
        "--admin", metavar="USERNAME", help="your administrator user name (asks your password): settings need one"
    )

    demo = commands.add_parser(
        "demo",
        help="fill a separate demo database with made-up patients and a day of sessions, and open it",
        description=f"Fill a separate demo database ({demo_database_path()}) with made-up patients and a clinic "
        "day of sessions in every state, then open the app on it. Real records are never touched.",
    )
    demo.add_argument("--fill-only", action="store_true", help="fill the demo database but do not open the app")
    cli_users.add_commands(commands)
    cli_audit.add_commands(commands)
    cli_report.add_commands(commands)
    cli_outcomes.add_commands(commands)
    cli_export.add_commands(commands)
    return parser


def refuse_unshowable(args: argparse.Namespace) -> None:
    """The one text rule at the command line: an argument with a control character or a lone surrogate
    (a paste, a script's stray byte) is refused before anything reads or writes the records."""
    for name, value in vars(args).items():
        if isinstance(value, str | Path) and unshowable(str(value)):
            raise InputError(
                name,
                f"The {name.replace('_', ' ')} given holds characters that cannot be shown.",
                "Type it again, without pasting.",
            )


def db_upgrade(url: str | None, clock: Clock) -> int:
    database, _ = open_store(url, clock)
    say(f"{database.where}: schema {database.schema_revision()} (current).")
    database.dispose()
    return 0


def db_check(url: str | None) -> int:
    choice = choose_database(url, load_workstation())
    database = Database(choice.url)
    try:
        if database.sqlite_path is not None:
            check_sqlite_file(database.sqlite_path, create=False)
        revision = database.schema_revision()
        problems: list[str] = []
        if database.is_sqlite:
            problems, journal = database.sqlite_checks()
            say(f"journal mode: {journal}")
        say(f"database: {database.where}")
        say(f"schema: {revision or 'none (empty database)'}; this program: {SCHEMA_HEAD}")
        if revision is not None and revision not in KNOWN_REVISIONS:
            problems.append(
                f"the database was written by a newer version of Chairside (schema {revision}): install that "
                "version or newer on this workstation; this one will not change the database"
            )
        elif revision != SCHEMA_HEAD:
            problems.append(f"schema older than this program's: run `{RUN} db upgrade` (a backup is written first)")
        for problem in problems:
            say(f"PROBLEM: {problem}")
        say("OK" if not problems else f"{len(problems)} problem(s) found.")
        return 0 if not problems else 1
    finally:
        database.dispose()


def db_backup(url: str | None, path: Path, clock: Clock) -> int:
    """A copy of every record is an export: the audit trail says who made it and where it went."""
    workstation = load_workstation()
    database = Database(choose_database(url, workstation).url)
    try:
        if database.sqlite_path is not None:
            check_sqlite_file(database.sqlite_path, create=False)
        written = database.backup_to(path)
        if database.schema_revision() == SCHEMA_HEAD:  # an older file has no audit trail to write to
            detail = {"what": "database backup", "to": str(written), "os_account": getpass.getuser()}
            with UnitOfWork(database, clock.now, workstation.name).writing() as work:
                work.audit(AuditAction.EXPORTED, detail=detail)
    finally:
        database.dispose()
    say(f"Backup written to {written}")
    return 0


def db_restore(url: str | None, backup: Path, clock: Clock) -> int:
    workstation = load_workstation()
    database = Database(choose_database(url, workstation).url)
    path = database.sqlite_path
    database.dispose()
    if path is None:
        raise EnvironmentTrouble(
            "Restoring from here is for SQLite databases.", "Restore a PostgreSQL server with pg_restore on the server."
        )
    done = restore(path, expanded(backup, "backup"), clock.now(), workstation.name)
    say(f"Restored {done.path} from {backup}.")
    if done.kept_aside is not None:
        say(f"The database it replaced is kept at {done.kept_aside}.")
    return 0


def db_copy(url: str | None, to: str, clock: Clock) -> int:
    database, workstation = open_store(url, clock)
    try:
        moved = move_clinic(database, to, clock.now, workstation.name)
    finally:
        database.dispose()
    width = max(len(name) for name in moved.counts)
    say(f"Copied every record from {database.where} to {moved.target}:")
    for name, count in moved.counts.items():
        say(f"  {name.ljust(width)}  {count:>9,}")
    say(f"The audit trail holds on both ({moved.entries:,} entries on {moved.target}, the copy's own included).")
    say("Point every workstation at the new database (--database, or CHAIRSIDE_DATABASE_URL).")
    return 0


def db_create(url: str | None, clock: Clock) -> int:
    choice = choose_database(url, load_workstation())
    database = Database(choice.url)
    path = database.sqlite_path
    try:
        if path is not None and path.exists():
            raise ChairsideError(f"There is already a database at {path}.", "Nothing was changed.")
        if path is None and database.schema_revision() is not None:
            raise ChairsideError(f"{database.where} already holds a Chairside database.", "Nothing was changed.")
    finally:
        database.dispose()
    created = open_database(choice.url, create=True, backup_stamp=clock.now())
    say(f"Created an empty Chairside database at {created.where}.")
    created.dispose()
    return 0


def settings_show(url: str | None, clock: Clock) -> int:
    database, _ = open_store(url, clock)
    try:
        for key, value in clinic_settings(database).model_dump().items():
            say(f"{key} = {value}")
        for row in settings_history(database):
            say(f"  {row.changed_at:%Y-%m-%d %H:%M} UTC  {row.key} -> {row.value}  ({row.reason})")
    finally:
        database.dispose()
    return 0


def settings_set(url: str | None, key: str, value: str, reason: str, admin: str | None, clock: Clock) -> int:
    """Settings decide who may do what (lock-out, PIN, the waste witness): only an administrator changes them."""
    database, workstation = open_store(url, clock)
    try:
        by = acting_administrator(Accounts(database, clock, workstation.name), admin, Permission.CHANGE_SETTINGS)
        updated = change_clinic_setting(
            database, key, value, by.id, f"{reason} (command line)", clock.now(), workstation=workstation.name
        )
    finally:
        database.dispose()
    say(f"{key} = {getattr(updated, key)}")
    return 0


def demo(fill_only: bool, clock: Clock, open_app: OpenApp) -> int:
    from cli.demo import DEMO_NOW_AFTER, DEMO_PASSWORD, demo_usernames, fill_demo
    from core.protocol import load_protocol

    path = demo_database_path()
    for leftover in path.parent.glob(f"{path.name}*"):
        leftover.unlink()
    database = open_database(sqlite_url(path), create=True, backup_stamp=clock.now())
    # The demo day ends "now", so its infusions are running and its vitals due when the app opens.
    filled = fill_demo(database, load_protocol(), clock.now() - DEMO_NOW_AFTER)
    database.dispose()
    say(f"Demo database filled: {path}")
    if filled.history is not None:
        made = filled.history
        counts = f"{made.patients} patients, {made.courses} courses, {made.sessions} sessions"
        say(f"Made-up history before the day: {counts}.")
    say(f"Demo accounts (made-up staff): {', '.join(demo_usernames())}; password for all: {DEMO_PASSWORD}")
    if fill_only:
        say(f"Open it with: {RUN} --database {sqlite_url(path)}")
        return 0
    return open_app(sqlite_url(path))


def main(open_app: OpenApp, argv: list[str] | None = None, clock: Clock | None = None) -> int:
    """Run a command; with none, ``open_app(database_url)`` starts the windows (core never imports them)."""
    args = build_parser().parse_args(argv)
    clock = clock or SystemClock()
    try:
        refuse_unshowable(args)
        if args.command is None:
            return open_app(args.database)
        if args.command == "demo":
            return demo(args.fill_only, clock, open_app)
        if args.command == "users":
            return cli_users.run(args, clock)
        if args.command == "audit":
            return cli_audit.run(args, clock)
        if args.command == "report":
            return cli_report.run(args, clock)
        if args.command == "outcomes":
            return cli_outcomes.run(args, clock)
        if args.command == "export":
            return cli_export.run(args, clock)
        if args.command == "settings":
            if args.settings_command == "show":
                return settings_show(args.database, clock)
            return settings_set(args.database, args.key, args.value, args.reason, args.admin, clock)
        match args.db_command:
            case "upgrade":
                return db_upgrade(args.database, clock)
            case "check":
                return db_check(args.database)
            case "backup":
                return db_backup(args.database, args.path, clock)
            case "restore":
                return db_restore(args.database, args.backup, clock)
            case "copy":
                return db_copy(args.database, args.to, clock)
            case _:
                return db_create(args.database, clock)
    except ChairsideError as error:
        print(showable(f"{error.message}\n{error.advice}".strip()), file=sys.stderr)
        return 2
    except EOFError:  # a password asked for with nothing to type it on (a script, a pipe, a cron job)
        print(
            "This command asks for a password, and there is no terminal to type it in. Nothing was changed.\n"
            "Run it again in a terminal window.",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        print("Stopped. Nothing already recorded was lost.", file=sys.stderr)
        return 130
    except Exception as error:  # a bug: the traceback for the log, one sentence for the person at the keyboard
        incident, log_path = log_incident(error)
        print(
            f"Chairside met an unexpected problem and stopped this command (incident {incident}). "
            f"Nothing already recorded was lost.\nThe details are in {log_path}: give the incident number to "
            "whoever looks after Chairside.",
            file=sys.stderr,
        )
        return 70
