"""Text lengths the database enforces itself, shared by the migrations that add tables with text.

SQLite ignores the length in VARCHAR(n), so a row written past Chairside's own checks (from a database
shell, or by a bug) could hold a name of ten thousand characters that no banner or printout can show. On
PostgreSQL each column gets a CHECK constraint (NOT VALID: rows already there stay as they were). On SQLite
a CHECK constraint can only be added by rebuilding a table, which the append-only tables refuse (a rebuild
deletes every row), so a trigger per table refuses the same rows on INSERT and UPDATE.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from alembic import op


def limit_lengths(
    table: str, columns: Mapping[str, int], json_columns: Collection[str] = (), *, triggers: str = "lengths"
) -> None:
    """``columns``: each text column's most characters; a JSON column is measured as its text. ``triggers``
    names SQLite's pair, so columns added to a table later get a pair of their own beside the first."""
    if op.get_context().dialect.name == "postgresql":
        for column, most in columns.items():
            text = f"{column}::text" if column in json_columns else column
            op.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {table}_{column}_length "
                f"CHECK (char_length({text}) <= {most}) NOT VALID"
            )
        return
    too_long = " OR ".join(f"length(NEW.{column}) > {most}" for column, most in columns.items())
    for action in ("INSERT", "UPDATE"):
        op.execute(
            f"CREATE TRIGGER {table}_{triggers}_{action.lower()} BEFORE {action} ON {table} "
            f"WHEN {too_long} BEGIN "
            f"SELECT RAISE(ABORT, 'text in {table} is longer than its column allows'); END"
        )


def unlimit_lengths(table: str, columns: Collection[str], *, triggers: str = "lengths") -> None:
    if op.get_context().dialect.name == "postgresql":
        for column in columns:
            op.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_{column}_length")
        return
    for action in ("insert", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_{triggers}_{action}")
