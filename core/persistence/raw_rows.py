"""Rows of a read as the database driver hands them back, for the few reads too large for Core's conversions.

A report over months or years reads hundreds of thousands of rows. Core converts each value it hands back
(a moment parsed, a flag made a ``bool``) and wraps each row: over a month of vital signs that costs several
times what the driver spends reading them, and most values read are only counted. Here the statement still
runs through Core (its text, its parameters and their conversions, its errors, anyone listening for
statements), and only the rows are taken straight from the driver's cursor. The caller converts the few
values it needs in full (``core.persistence.types.moment_reader``): a moment is ISO text on SQLite and a
datetime on PostgreSQL, a flag 0/1 on SQLite and a ``bool`` on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.sql import Select

BATCH = 20_000
"""Rows taken from the driver at a time by ``raw_columns``."""


def raw_rows(connection: Connection, statement: Select[Any], parameters: dict[str, Any] | None = None) -> list[Any]:
    """Every row of ``statement``, each a plain tuple of the driver's values in the statement's column order."""
    result = connection.execute(statement, parameters or {})
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def raw_columns(
    connection: Connection,
    statement: Select[Any],
    parameters: dict[str, Any] | None = None,
    repeating: Collection[int] = (),
) -> list[list[Any]]:
    """Every column of ``statement``'s rows, each a list in the rows' order, taken from the driver a batch at a
    time: the rows themselves are never all held at once (ten years of vital signs are two million rows of
    nineteen values, and their tuples alone were half a gigabyte). The columns numbered in ``repeating`` hold
    texts that recur from row to row (a session's id, a nurse's): each distinct text is then kept once, not
    once a row."""
    result = connection.execute(statement, parameters or {})
    try:
        cursor = result.cursor
        columns: list[list[Any]] = [[] for _ in cursor.description]
        kept: dict[Any, Any] = {}
        while chunk := cursor.fetchmany(BATCH):
            for n, values in enumerate(zip(*chunk, strict=True)):
                columns[n].extend(map(kept.setdefault, values, values) if n in repeating else values)
        return columns
    finally:
        result.close()
