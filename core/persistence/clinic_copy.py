"""Every row of one Chairside database written into another, as stored: how a clinic moves from the
workstation's embedded SQLite file to a server shared by several workstations.

Rows are copied exactly (ids, times, payloads, the audit chain's hashes), so the audit trail verifies on
the new database as it did on the old one. Tables go in the order their foreign keys need, and rows that
name an earlier row of their own table (a correction names the entry it corrects) after that row.
"""

from __future__ import annotations

from sqlalchemy import Integer, Table, func, insert, inspect, select, text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from core.persistence import tables  # noqa: F401  (the tables are declared on import)
from core.persistence.db import Database

BATCH = 1000
"""Rows read and written at a time: a ten-year clinic never has to fit in memory."""
_ORDER = {"session_event": ("session_id", "seq"), "patient_event": ("patient_id", "seq"), "audit_entry": ("seq",)}
"""Tables whose rows name earlier rows of their own (a correction the entry before it, in its own log) or
are a chain: copied log by log in their own order, which no change of a computer's clock can upset."""


def chairside_tables() -> list[Table]:
    """Every table of the schema, each after the tables it refers to."""
    return list(SQLModel.metadata.sorted_tables)


def table_names(database: Database) -> list[str]:
    """The tables the database holds, whoever made them."""
    with database.engine.connect() as connection:
        return inspect(connection).get_table_names()


def row_counts(database: Database) -> dict[str, int]:
    with database.engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in chairside_tables()
        }


def copy_rows(source: Database, target: Database) -> dict[str, int]:
    """Copy every row of ``source`` into ``target`` (migrated to the same schema, and empty) in one
    transaction on the target: all of it is there, or none. Returns the rows copied per table."""
    copied: dict[str, int] = {}
    with source.engine.connect() as reading, target.engine.begin() as writing:
        for table in chairside_tables():
            copied[table.name] = _copy_table(table, reading, writing)
        if target.engine.dialect.name == "postgresql":
            _catch_up_sequences(writing)
    return copied


def _copy_table(table: Table, reading: Connection, writing: Connection) -> int:
    order = [table.c[name] for name in _ORDER.get(table.name, ())] or list(table.primary_key.columns)
    rows = reading.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
    count = 0
    for batch in rows.partitions():
        writing.execute(insert(table), [dict(row._mapping) for row in batch])
        count += len(batch)
    return count


def _catch_up_sequences(writing: Connection) -> None:
    """Rows copied with their own numbers leave a server's counter behind: the next setting change would
    take a number already used. Each counter is moved on past the highest number copied."""
    for table in chairside_tables():
        for column in table.primary_key.columns:
            if column.autoincrement is not False and isinstance(column.type, Integer):
                writing.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                        f"coalesce(max({column.name}), 0) + 1, false) FROM {table.name}"
                    )
                )
