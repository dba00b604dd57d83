"""Staff records: accounts with their secrets' hashes, read for signing in and managing people, and read
as plain accounts (no secret) for everything else."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import bindparam, text
from sqlmodel import Session, col, func, select

from core.people import Account, AccountStanding, Role
from core.persistence.prepared import Prepared
from core.persistence.tables import AuditEntry, Staff
from core.record_values import StaffRecord

_FIRST_ADMINISTRATOR_LOCK = 0x41444D4E
"""Any constant of its own (the audit chain's lock is another): the one lock the first administrator's
creation takes on a server."""
STAFF_FIELDS = tuple(StaffRecord.__dataclass_fields__)
"""The record's fields, each a column of the same name."""


def staff_record_of(row: Staff) -> StaffRecord:
    return StaffRecord(**{name: getattr(row, name) for name in STAFF_FIELDS})


def staff_record(tx: Session, account_id: str, *, for_update: bool = False) -> StaffRecord | None:
    """``for_update`` locks the row (PostgreSQL) so two workstations cannot lose a failure count."""
    row = tx.get(Staff, account_id, with_for_update=for_update)
    return staff_record_of(row) if row is not None else None


_STAFF = Staff.__table__  # type: ignore[attr-defined]
_ACCOUNT = Prepared(select(*(_STAFF.c[name] for name in STAFF_FIELDS)).where(_STAFF.c.id == bindparam("account_id")))
"""Built once, on the table: every unit of work that checks a permission reads the account (its columns in
the order of the record's fields)."""


def account(tx: Session, account_id: str) -> Account | None:
    """The account as stored now (None when there is none), for checking what it may do: read with a plain
    query (every entry of care reads it), after anything this transaction holds pending is written."""
    tx.flush()
    row = _ACCOUNT.first(tx, {"account_id": account_id})
    return StaffRecord(*row).account() if row is not None else None


_STANDING = Prepared(
    select(_STAFF.c.active, _STAFF.c.role, _STAFF.c.must_change_password).where(_STAFF.c.id == bindparam("account_id"))
)


def standing(tx: Session, account_id: str) -> AccountStanding | None:
    """What the permission rule reads of the account, as stored now (None when there is none): every unit of
    work that writes reads it, so it reads these three columns and converts nothing else."""
    tx.flush()
    row = _STANDING.first(tx, {"account_id": account_id})
    return AccountStanding(row[0], Role(row[1]), row[2]) if row is not None else None


_AUDIT = AuditEntry.__table__  # type: ignore[attr-defined]
_NEWEST_FIRST = select().select_from(_AUDIT).order_by(_AUDIT.c.seq.desc()).limit(1)
_STANDING_AND_HEAD = Prepared(
    select(
        _STAFF.c.active,
        _STAFF.c.role,
        _STAFF.c.must_change_password,
        _NEWEST_FIRST.add_columns(_AUDIT.c.seq).scalar_subquery(),
        _NEWEST_FIRST.add_columns(_AUDIT.c.entry_hash).scalar_subquery(),
    ).where(_STAFF.c.id == bindparam("account_id"))
)


def standing_and_head(tx: Session, account_id: str) -> tuple[AccountStanding | None, tuple[int, str] | None]:
    """``standing``, and the audit trail's last line (its seq and hash; None when there is none) in the same
    statement, for a store whose writer holds the chain's lock from its transaction's start (SQLite's one
    write lock): a unit of work that records care reads both, and one statement costs less than two."""
    tx.flush()
    row = _STANDING_AND_HEAD.first(tx, {"account_id": account_id})
    if row is None:
        return None, None
    active, role, must_change, seq, hashed = row
    return AccountStanding(active, Role(role), must_change), (seq, hashed) if seq is not None else None


def add_staff(tx: Session, record: StaffRecord) -> None:
    tx.add(Staff(**{name: getattr(record, name) for name in STAFF_FIELDS}))
    tx.flush()


def save_staff(tx: Session, record: StaffRecord) -> None:
    """The account as changed; its row was read earlier in this transaction (``staff_record``)."""
    row = tx.get(Staff, record.id)
    assert row is not None  # accounts are never deleted
    for name in STAFF_FIELDS:
        setattr(row, name, getattr(record, name))
    tx.add(row)


def everyone(tx: Session) -> list[Account]:
    rows = tx.exec(select(Staff).order_by(col(Staff.display_name), col(Staff.created_at)))
    return [staff_record_of(row).account() for row in rows]


def staff_named(tx: Session, username: str) -> StaffRecord | None:
    """The account with exactly this user name (as ``passwords.check_username`` gives it)."""
    row = tx.exec(select(Staff).where(Staff.username == username)).first()
    return staff_record_of(row) if row is not None else None


def username_taken(tx: Session, username: str) -> bool:
    return tx.exec(select(Staff.id).where(Staff.username == username)).first() is not None


def administrators(tx: Session, *, deciding: bool = False) -> list[Account]:
    """Active administrators who can sign in (they have a password): while there are none, the first may be
    created. ``deciding``: the answer decides whether this transaction creates the first one, so on a server
    every other workstation asking the same waits until this transaction ends (SQLite's writer already
    holds the file), and two first administrators cannot both be created at the same moment."""
    if deciding and tx.get_bind().dialect.name == "postgresql":
        tx.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _FIRST_ADMINISTRATOR_LOCK})
    query = select(Staff).where(
        col(Staff.active), Staff.role == Role.ADMINISTRATOR.value, col(Staff.password_hash).is_not(None)
    )
    return [staff_record_of(row).account() for row in tx.exec(query)]


def staff_names_of(tx: Session, staff_ids: Collection[str]) -> dict[str, str]:
    """The names of the accounts given, by id."""
    return {s.id: s.display_name for s in tx.exec(select(Staff).where(col(Staff.id).in_(staff_ids)))}


def staff_names(tx: Session) -> dict[str, str]:
    """Everyone's name by account id (a log names whoever recorded, deactivated or not)."""
    return {person.id: person.display_name for person in tx.exec(select(Staff))}


def staff_by_ids(tx: Session, staff_ids: Collection[str]) -> dict[str, Account]:
    return {s.id: staff_record_of(s).account() for s in tx.exec(select(Staff).where(col(Staff.id).in_(staff_ids)))}


def staff_by_username(tx: Session, username: str) -> Account | None:
    """The account whose user name this is, in any letter case (as a filter typed by a person)."""
    row = tx.exec(select(Staff).where(func.lower(col(Staff.username)) == username.lower())).first()
    return staff_record_of(row).account() if row is not None else None
