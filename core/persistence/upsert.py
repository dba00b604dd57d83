"""An INSERT that says what to do with a row already there (``ON CONFLICT``), as each store says it.

SQLite and PostgreSQL both take ``INSERT … ON CONFLICT … DO NOTHING / DO UPDATE``, but SQLAlchemy builds it from
each dialect's own ``insert``. The PostgreSQL dialect is imported only where PostgreSQL is the store: an SQLite
start never loads it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table


def insert_for(connection: Connection, table: Table) -> Any:
    """The store's ``insert(table)``, with ``on_conflict_do_nothing`` and ``on_conflict_do_update``."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)
