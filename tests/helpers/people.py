"""The clinic's people: an administrator and two nurses with real accounts and passwords, as tests sign in."""

from __future__ import annotations

from core.accounts import Accounts
from core.people import Account, Role

# Passwords that pass the clinic's rules; tests sign in with them.
ADMIN_PASSWORD = "quartz lantern meadow 41"
ANA_PASSWORD = "violet harbour kettle 72"
BEN_PASSWORD = "copper orchard puzzle 58"
TEMPORARY_PASSWORD = "granite tulip voyage 90"

PASSWORDS = {"ana": ANA_PASSWORD, "ben": BEN_PASSWORD, "admin": ADMIN_PASSWORD}
"""Each test account's password by user name: what that person types at the lock screen."""


def make_admin(accounts: Accounts) -> Account:
    """Ada (user name admin), the first administrator: a database has no account until she exists."""
    return accounts.create_first_administrator("Ada Mensah", "admin", ADMIN_PASSWORD, ADMIN_PASSWORD)


def add_nurse(accounts: Accounts, by: Account, name: str, username: str, password: str) -> Account:
    """A nurse who has already signed in once and replaced the temporary password."""
    added = accounts.add(by.id, name, username, Role.NURSE, TEMPORARY_PASSWORD)
    return accounts.change_password(added.id, TEMPORARY_PASSWORD, password, password)


def make_nurses(accounts: Accounts, admin: Account) -> tuple[Account, Account]:
    """Ana (ana) and Ben (ben): two nurses, since a dose is checked by a nurse other than the one who dosed."""
    return (
        add_nurse(accounts, admin, "Ana Reyes", "ana", ANA_PASSWORD),
        add_nurse(accounts, admin, "Ben Okafor", "ben", BEN_PASSWORD),
    )
