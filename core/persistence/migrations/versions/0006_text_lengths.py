"""Text lengths the database enforces itself, not only Chairside's checks before it.

Revision ID: 0006
Revises: 0005

SQLite ignores the length in VARCHAR(n), so a row written past Chairside's own checks (from a database
shell, or by a bug) could hold a name of ten thousand characters that no banner or printout can show. On
PostgreSQL each column gets a CHECK constraint (NOT VALID: rows already there stay as they were). On SQLite
a CHECK constraint can only be added by rebuilding a table, which the append-only tables refuse (a rebuild
deletes every row), so a trigger per table refuses the same rows on INSERT and UPDATE.
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

LIMITS: dict[str, dict[str, int]] = {
    "staff": {"id": 36, "display_name": 120, "role": 20, "username": 40, "password_hash": 200, "pin_hash": 200},
    "patient": {"id": 36, "mrn": 40, "family_name": 120, "given_name": 120, "created_by": 36},
    "patient_details": {"id": 36, "patient_id": 36, "sex": 16, "allergies": 500, "confirmed_by": 36},
    "course": {
        "id": 36,
        "patient_id": 36,
        "protocol_id": 80,
        "protocol_version": 20,
        "prescriber": 120,
        "recorded_by": 36,
    },
    "protocol_copy": {"content_hash": 64, "protocol_id": 80, "protocol_version": 20, "text": 200_000},
    "infusion_session": {
        "id": 36,
        "patient_id": 36,
        "protocol_id": 80,
        "protocol_version": 20,
        "protocol_hash": 64,
        "step": 20,
        "outcome": 20,
        "opened_by": 36,
    },
    "session_event": {
        "id": 36,
        "session_id": 36,
        "type": 40,
        "payload": 100_000,
        "recorded_by": 36,
        "workstation": 80,
        "corrects": 36,
        "reason": 2_000,
    },
    "clinic_setting": {"key": 60, "value": 2_000, "changed_by": 36, "reason": 2_000},
    "audit_entry": {
        "actor_id": 36,
        "action": 40,
        "workstation": 80,
        "patient_id": 36,
        "session_id": 36,
        "detail": 100_000,
        "prev_hash": 64,
        "entry_hash": 64,
    },
}
"""Each text column's most characters, as the tables declared them at this revision (JSON as its text)."""
JSON_COLUMNS = {("session_event", "payload"), ("clinic_setting", "value"), ("audit_entry", "detail")}


def upgrade() -> None:
    postgresql = op.get_context().dialect.name == "postgresql"
    for table, columns in LIMITS.items():
        if postgresql:
            for column, most in columns.items():
                text = f"{column}::text" if (table, column) in JSON_COLUMNS else column
                op.execute(
                    f"ALTER TABLE {table} ADD CONSTRAINT {table}_{column}_length "
                    f"CHECK (char_length({text}) <= {most}) NOT VALID"
                )
            continue
        too_long = " OR ".join(f"length(NEW.{column}) > {most}" for column, most in columns.items())
        for action in ("INSERT", "UPDATE"):
            op.execute(
                f"CREATE TRIGGER {table}_lengths_{action.lower()} BEFORE {action} ON {table} "
                f"WHEN {too_long} BEGIN "
                f"SELECT RAISE(ABORT, 'text in {table} is longer than its column allows'); END"
            )


def downgrade() -> None:
    postgresql = op.get_context().dialect.name == "postgresql"
    for table, columns in LIMITS.items():
        if postgresql:
            for column in columns:
                op.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_{column}_length")
            continue
        for action in ("insert", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_lengths_{action}")
