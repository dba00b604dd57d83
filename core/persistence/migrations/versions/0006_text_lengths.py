"""Text lengths the database enforces itself, not only Chairside's checks before it (how, and why by
trigger on SQLite: ``core.persistence.text_lengths``).

Revision ID: 0006
Revises: 0005
"""

from core.persistence.text_lengths import limit_lengths, unlimit_lengths

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
    for table, columns in LIMITS.items():
        limit_lengths(table, columns, {column for named, column in JSON_COLUMNS if named == table})


def downgrade() -> None:
    for table, columns in LIMITS.items():
        unlimit_lengths(table, columns)
