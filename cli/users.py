"""`python main.py users ...`: accounts from the command line, for the first administrator and for
an administrator away from the app.

Passwords are never arguments: they would be kept in the shell's history and shown in the process
list. They are asked for with getpass, which does not echo them. On a database with no administrator
yet, `users add --role administrator` creates the first one; after that every change names the
administrator making it (--admin) and asks for their password, so the audit trail says who did it.
"""

from __future__ import annotations

import argparse
import getpass

from cli.say import say
from core import passwords
from core.accounts import Accounts
from core.clock import Clock
from core.dates import local_stamp, local_time
from core.errors import ChairsideError, InputError
from core.people import ROLE_WORDS, Account, Permission, Role, refusal
from core.startup import open_store

NOBODY = "—"


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    users = commands.add_parser(
        "users",
        help="list, add, deactivate people's accounts, and reset passwords",
        description="People's accounts. Passwords are asked for (not echoed), never given as arguments.",
    )
    actions = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    actions.add_parser("list", help="everyone, with role, whether active or locked out, and last sign-in")

    add = actions.add_parser(
        "add",
        help="add a person (the first administrator, on a new database)",
        description="Add a person with a temporary password they change at first sign-in. On a database "
        "with no administrator yet, --role administrator creates the first one with their own password.",
    )
    add.add_argument("name", metavar="NAME", help="the person's name as shown on records")
    add.add_argument("--username", required=True, help="the user name they sign in with")
    add.add_argument("--role", required=True, choices=[role.value for role in Role], help="what they may do")
    _admin_option(add)

    deactivate = actions.add_parser(
        "deactivate",
        help="stop a person signing in (their records keep their name)",
        description="Deactivate an account. Accounts are never deleted: records name whoever made them.",
    )
    deactivate.add_argument("username", metavar="USERNAME", help="whose account")
    deactivate.add_argument("--reason", required=True, help="why (kept in the audit trail)")
    _admin_option(deactivate)

    reset = actions.add_parser(
        "reset",
        help="give a person a temporary password (clears a lock-out)",
        description="Give a temporary password, to change at next sign-in; clears a lock-out and the PIN. "
        "Staff from before accounts existed have no user name: name them as `users list` shows them, "
        "and give one with --username-new.",
    )
    reset.add_argument("person", metavar="USERNAME", help="the user name (or, if they have none, the name)")
    reset.add_argument("--username-new", metavar="USERNAME", help="the user name to give someone who has none yet")
    _admin_option(reset)


def _admin_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--admin", metavar="USERNAME", help="your administrator user name (asks your password)")


def run(args: argparse.Namespace, clock: Clock) -> int:
    database, workstation = open_store(args.database, clock)
    try:
        accounts = Accounts(database, clock, workstation.name)
        match args.users_command:
            case "list":
                _list(accounts, clock)
            case "add":
                _add(accounts, args)
            case "deactivate":
                by = acting_administrator(accounts, args.admin)
                done = accounts.deactivate(by.id, _find(accounts, args.username).id, args.reason)
                say(f"Deactivated {done.name} ({done.username or NOBODY}).")
            case _:
                by = acting_administrator(accounts, args.admin)
                person = _find(accounts, args.person)
                temporary = _new_password(f"Temporary password for {person.name}: ")
                done = accounts.reset_password(by.id, person.id, temporary, args.username_new)
                say(f"Reset the password of {done.name} ({done.username}); they must change it at next sign-in.")
    finally:
        database.dispose()
    return 0


def _list(accounts: Accounts, clock: Clock) -> None:
    now = clock.now()
    rows = [("NAME", "USER NAME", "ROLE", "STATE", "LAST SIGN-IN")]
    for person in accounts.everyone():
        state = "active" if person.active else "deactivated"
        if person.active and person.locked_until is not None and person.locked_until > now:
            state = f"locked until {local_time(person.locked_until)}"
        last = local_stamp(person.last_sign_in_at) if person.last_sign_in_at else "never"
        rows.append((person.name, person.username or NOBODY, ROLE_WORDS[person.role], state, last))
    if len(rows) == 1:
        say("No accounts yet. Create the first administrator with: users add NAME --username U --role administrator")
        return
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    for row in rows:
        say("  ".join([*(text.ljust(width) for text, width in zip(row, widths, strict=False)), row[-1]]))


def _add(accounts: Accounts, args: argparse.Namespace) -> None:
    if accounts.needs_first_administrator():
        if args.role != Role.ADMINISTRATOR:
            raise ChairsideError(
                "There is no administrator yet.",
                "Add the first one with --role administrator; they then add everyone else.",
            )
        password = getpass.getpass(f"New password for {args.name}: ")
        repeat = getpass.getpass("The same password again: ")
        made = accounts.create_first_administrator(args.name, args.username, password, repeat)
        say(f"Created the first administrator, {made.name} ({made.username}).")
        return
    by = acting_administrator(accounts, args.admin)
    temporary = _new_password(f"Temporary password for {args.name}: ")
    made = accounts.add(by.id, args.name, args.username, args.role, temporary)
    say(
        f"Added {made.name} ({made.username}, {ROLE_WORDS[made.role]}); they must change the password at first sign-in."
    )


def _new_password(prompt: str) -> str:
    first = getpass.getpass(prompt)
    if passwords.normalise(getpass.getpass("The same password again: ")) != passwords.normalise(first):
        raise InputError("repeat", "The two passwords are not the same.", "Run the command again.")
    return first


def acting_administrator(accounts: Accounts, username: str | None, may: Permission | None = None) -> Account:
    """The administrator acting, who proves it with their password, as in the app. With ``may``, refused
    here unless she may do it (a nurse's own password does not make her an administrator); the account
    commands leave that to core, which checks it as the change is written."""
    if not username:
        raise ChairsideError("Say which administrator is making this change.", "Add --admin YOUR_USER_NAME.")
    password = getpass.getpass(f"Password of {username}: ")
    account = accounts.authenticate(username, password, "command line")
    refused = refusal(account, may) if may is not None else None
    if refused is not None:
        raise refused
    return account


def _find(accounts: Accounts, typed: str) -> Account:
    """By user name; staff from before accounts, who have none, by their name as listed."""
    wanted = typed.strip()
    everyone = accounts.everyone()
    found = [person for person in everyone if person.username == wanted.lower()] or [
        person for person in everyone if person.username is None and person.name.casefold() == wanted.casefold()
    ]
    if len(found) != 1:
        problem = "Several people without a user name are called" if found else "Nobody has the user name or name"
        raise InputError("username", f"{problem} {wanted}.", "Check it against `users list`.")
    return found[0]
