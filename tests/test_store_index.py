"""Indexes keep each store's options (a condition, an operator class) though the PostgreSQL dialect is not loaded
to declare them."""

from __future__ import annotations

import pytest
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex

from core.persistence.tables import InfusionSession, Patient


@pytest.mark.parametrize(
    ("dialect", "condition"), [(sqlite.dialect(), "WHERE active = 1"), (postgresql.dialect(), "WHERE active")]
)
def test_each_store_creates_the_open_session_indexes_with_its_own_condition(dialect, condition) -> None:
    made = {index.name: str(CreateIndex(index).compile(dialect=dialect)) for index in InfusionSession.__table__.indexes}
    for name in ("uq_session_active_chair", "uq_session_active_patient"):
        assert made[name].startswith(f"CREATE UNIQUE INDEX {name} ON infusion_session")
        assert made[name].endswith(condition)


def test_the_name_keys_indexes_answer_prefix_searches_on_postgresql_and_are_plain_on_sqlite() -> None:
    for dialect, column_part in (
        (postgresql.dialect(), "(family_key text_pattern_ops)"),
        (sqlite.dialect(), "(family_key)"),
    ):
        (index,) = [index for index in Patient.__table__.indexes if index.name == "ix_patient_family_key"]
        assert str(CreateIndex(index).compile(dialect=dialect)).endswith(f"ON patient {column_part}")
