"""The open-session indexes keep each store's condition though the PostgreSQL dialect is not loaded to declare them."""

from __future__ import annotations

import pytest
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex

from core.persistence.tables import InfusionSession


@pytest.mark.parametrize(
    ("dialect", "condition"), [(sqlite.dialect(), "WHERE active = 1"), (postgresql.dialect(), "WHERE active")]
)
def test_each_store_creates_the_open_session_indexes_with_its_own_condition(dialect, condition) -> None:
    made = {index.name: str(CreateIndex(index).compile(dialect=dialect)) for index in InfusionSession.__table__.indexes}
    for name in ("uq_session_active_chair", "uq_session_active_patient"):
        assert made[name].startswith(f"CREATE UNIQUE INDEX {name} ON infusion_session")
        assert made[name].endswith(condition)
