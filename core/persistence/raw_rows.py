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

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.sql import Select


def raw_rows(connection: Connection, statement: Select[Any], parameters: dict[str, Any] | None = None) -> list[Any]:
    """Every row of ``statement``, each a plain tuple of the driver's values in the statement's column order."""
    result = connection.execute(statement, parameters or {})
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()
