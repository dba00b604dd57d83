"""Errors sorted by cause, each carrying a sentence for the nurse and what to do next.

``InputError``: something typed that the nurse can fix; shown by the field.
``EnvironmentTrouble`` (and its kinds): the database, disk or files; nothing recorded is lost.
``ProtocolError``: the protocol file is unusable; sessions cannot start until it is fixed.
``NotAllowedError``: the action does not fit the session's current step.
Anything else is a bug.
"""

from __future__ import annotations


class ChairsideError(Exception):
    """A failure with a message for people. ``advice`` says what to do about it."""

    def __init__(self, message: str, advice: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.advice = advice

    def __str__(self) -> str:
        return f"{self.message} {self.advice}".strip()


class InputError(ChairsideError):
    """A value the nurse typed is wrong or incomplete. ``field`` names the entry to fix."""

    def __init__(self, field: str, message: str, advice: str = "") -> None:
        super().__init__(message, advice)
        self.field = field


class OverrideRequired(InputError):
    """The value is allowed only with a documented reason (a soft limit)."""


class NotAllowedError(ChairsideError):
    """The action is refused, and nothing was recorded. Raised as one of its three kinds below, so a screen
    or a test can tell them apart; whatever catches this catches all three."""


class NotNow(NotAllowedError):
    """The action does not fit where the session or record is now (starting the infusion before the check,
    a dose to check before one is calculated, something recorded since the screen was read)."""


class NotPermitted(NotAllowedError):
    """This person, or any person, may not do it: the role, an account not active or locked, a password or
    PIN refused, the same nurse as both sides of an independent check."""


class NotFound(NotAllowedError):
    """What the action names is not there (any more): a patient, a session, an entry, an account."""


class TemporaryPasswordError(NotPermitted):
    """The right password, but still the temporary one an administrator gave: it proves only that its owner
    was told it, so it opens nothing but the way to choose her own. ``account_id`` is whose it is, so a
    screen can offer that change there and then."""

    def __init__(self, message: str, advice: str, account_id: str) -> None:
        super().__init__(message, advice)
        self.account_id = account_id


class ProtocolError(ChairsideError):
    """The protocol file is missing or invalid."""


class EnvironmentTrouble(ChairsideError):
    """The database or the disk is not usable right now. Nothing already recorded was lost."""


class DatabaseMissing(EnvironmentTrouble):
    pass


class DatabaseLocked(EnvironmentTrouble):
    """Busy: another program or workstation was writing at the same moment; trying again will do."""


class DatabaseReadOnly(EnvironmentTrouble):
    pass


class DatabaseAccessDenied(EnvironmentTrouble):
    """The database server refused this account: a password wrong or missing, or a user or right not given."""


class DatabaseCorrupt(EnvironmentTrouble):
    pass


class DatabaseTooNew(EnvironmentTrouble):
    pass


class DiskFull(EnvironmentTrouble):
    pass


class DatabaseGone(EnvironmentTrouble):
    """The database file was deleted, moved or replaced while Chairside had it open: nothing can be saved
    until it is back (a rescue copy of what it held is written beside it)."""


class ServerGone(DatabaseMissing):
    """The connection to the database server was lost in the middle of work: what was being saved may or
    may not have reached it, so the record is looked at before it is entered again."""


class RecordRefused(ChairsideError):
    """The database's own rules refused a row that Chairside's checks let through: a bug, said calmly."""


class RecordChanged(EnvironmentTrouble):
    """Someone else recorded on this session at the same moment; reload and try again."""


STORE_AWAY = (DatabaseMissing, DatabaseGone)
"""The clinic's database cannot be reached: the server is not answering, or the SQLite file has gone."""
