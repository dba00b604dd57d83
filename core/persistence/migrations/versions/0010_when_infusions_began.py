"""Each session row says when its infusion first began.

Revision ID: 0010
Revises: 0009

The clinic's outcome report places every course by the moment its first infusion began, and a course's
follow-ups by its last; over ten years of records that meant finding some 270,000 "infusion.started"
entries among millions on every report. The moment now moves with the entries onto the session's row
(``infusion_session.began_at``: the earliest start, as ``core.record_values.began_after`` keeps it), and
sessions recorded before this revision are given it from their entries here. ``core.audit.verify`` checks
it against the entries, since the summary's hash in the audit lines predates it.

The report reads, of its patients' earlier courses, only what their sessions add up to (when the first
began, the first and last treated): an index of each patient's sessions by course with those columns gives
it without reading a session's row, where reading the rows took twice as long over ten years.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.persistence.types import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("infusion_session", sa.Column("began_at", UTCDateTime(), nullable=True))
    op.execute(
        "UPDATE infusion_session SET began_at = started.began FROM ("
        "SELECT session_id, MIN(occurred_at) AS began FROM session_event WHERE type = 'infusion.started' "
        "GROUP BY session_id) AS started WHERE started.session_id = infusion_session.id"
    )
    op.create_index(
        "ix_infusion_session_patient_course_moments",
        "infusion_session",
        ["patient_id", "course_id", "outcome", "opened_at", "began_at", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_infusion_session_patient_course_moments", table_name="infusion_session")
    op.drop_column("infusion_session", "began_at")
