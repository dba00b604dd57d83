"""Triggers that make the database itself refuse UPDATE and DELETE on a table, whoever attempts it.

Shared by the migrations: records of care, settings history and the audit trail are only inserted.
"""

from __future__ import annotations

from alembic import op


def forbid_changes(table: str) -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION chairside_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'records in % are never changed or deleted; record a correction', TG_TABLE_NAME; "
            "END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION chairside_append_only()"
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} BEGIN "
            f"SELECT RAISE(ABORT, 'records in {table} are never changed or deleted; record a correction'); END"
        )


def allow_changes(table: str) -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        return
    for action in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
